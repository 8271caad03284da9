"""What `py-ci init` writes: the workflow that calls py-ci's pipeline, and `[tool.py-ci]` in pyproject.toml."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

_HEADER = re.compile(r'^\[\s*tool\s*\.\s*(?:py-ci|"py-ci")\s*\]\s*(?:#.*)?$')
_ANY_HEADER = re.compile(r"^\s*\[")
MULTI_LINE = ("[", "{", '"' * 3, "'" * 3)


def workflow_yaml(
    branch: str, versions: tuple[str, ...], services: Mapping[str, str], runners: tuple[str, ...] = ()
) -> str:
    """A workflow calling the reusable pipeline on the project's Python versions and runners, with its services."""
    inputs = [f"      python-versions: '{json.dumps(list(versions))}'"]
    inputs += [f"      os: '{json.dumps(list(runners))}'"] if runners else []
    inputs += [f'      {name}: "{tag}"' for name, tag in services.items()]
    return "\n".join(
        [
            "# Written by `py-ci init`: lint, typecheck, tests across Python versions, combined coverage and one gate.",
            "# Require the check `ci / py-ci gate` in branch protection (and in the merge queue's ruleset, if you use",
            "# one). Thresholds and baselines: [tool.py-ci] in pyproject.toml.",
            "name: ci",
            "",
            "on:",
            "  push:",
            f"    branches: [{json.dumps(branch)}]",
            "  pull_request:",
            "  # In a merge queue the required check must report on the queue's own branch, or the queue waits for it.",
            "  merge_group:",
            "",
            "permissions:",
            "  contents: read",
            "",
            "# A new push to a pull request cancels the run it supersedes. Any other run has a group of its own: a",
            "# group keeps one pending run and drops the one before, so pushes to the default branch share none.",
            "concurrency:",
            "  group: ${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}",
            "  cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
            "",
            "jobs:",
            "  ci:",
            "    # `@v1` follows py-ci's major line. A full commit SHA here pins this workflow's jobs, not their",
            "    # steps: they run the action `org/py-ci@v1`, which follows the major line. To pin every step, call",
            "    # the action `org/py-ci@<SHA>` from jobs of your own (py-ci's README says how).",
            "    uses: org/py-ci/.github/workflows/py-ci.yml@v1 # zizmor: ignore[unpinned-uses] (said above)",
            "    with:",
            *inputs,
            "",
        ]
    )


def toml_value(value: object) -> str:
    """A number or a string as TOML writes it (json's quoting is TOML's for these)."""
    return json.dumps(value)


def with_tool_table(text: str, settings: Mapping[str, str], replace: bool) -> tuple[str, list[str], list[str]]:
    """`text` with `settings` (key -> TOML value) in its [tool.py-ci] table, added when absent.

    Returns the new text, the keys set, and the keys left as they were because they hold another value
    and `replace` is false (or the value spans lines py-ci does not edit).
    """
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    if header is None and not settings:
        return text, [], []
    if header is None:
        table = ["", "[tool.py-ci]", *(f"{key} = {value}" for key, value in settings.items())]
        body = "\n".join(lines).rstrip("\n")
        return (body + "\n" if body else "") + "\n".join(table if body else table[1:]) + "\n", list(settings), []
    end = next((i for i in range(header + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
    written, kept = [], []
    for key, value in settings.items():
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=\s*(?P<value>.*?)\s*(?:#.*)?$")
        found = next((i for i in range(header + 1, end) if pattern.match(lines[i])), None)
        if found is None:
            lines.insert(header + 1, f"{key} = {value}")
            end += 1
            written.append(key)
            continue
        current = pattern.match(lines[found])
        if current is not None and current["value"] == value:
            continue
        # A value that may go on over several lines (an array, a table, a long string) is left to its author.
        if replace and current is not None and not current["value"].startswith(MULTI_LINE):
            lines[found] = f"{key} = {value}"
            written.append(key)
        else:
            kept.append(key)
    return "\n".join(lines) + "\n", written, kept
