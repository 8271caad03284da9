"""The project's own GitHub workflows, read for what they test: runners, Python versions, doctests, tox or nox.

The helper has no YAML parser (it depends on defusedxml alone), so a line reader takes the few keys it needs,
in block or flow style; a value written as an expression (`${{ ... }}`) is followed only into the matrix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_KEY = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z_][\w.-]*)\s*:(?:\s+(?P<value>.*))?$")
_ITEM = re.compile(r"^(?P<indent>\s*)-\s+(?P<value>.*)$")
_MATRIX = re.compile(r"^\$\{\{\s*matrix\.(?P<key>[\w-]+)\s*\}\}$")
_VERSION = re.compile(r"^(?:\d\.\d+(?:t|-dev)?|pypy-?\d\.\d+)$")
_TESTS = re.compile(r"(?<![\w.-])(?:pytest|unittest|hatch\s+test|make\s+test)(?![\w.-])")
_RUNNERS = re.compile(r"(?<![\w./-])(?P<tool>tox|nox)(?![\w./-])(?P<args>[^\n;&|]*)")
_NAMED = re.compile(r"(?:^|\s)(?:-e|-s|--sessions?|--env)[\s=]+(?P<names>\S+)")
# tox's and nox's environments that run the tests (py312, pypy3, tests, unit-3.12), not docs, lint or a release.
_TEST_ENV = re.compile(r"^(?:py[\d.]*|pypy[\d.]*|tests?|unit|coverage|cov)(?:[-_].*)?$|\$\{\{")
# The matrix keys projects name their Python versions and runners by, besides those runs-on and setup-python use.
PYTHON_KEYS = frozenset({"python-version", "python-versions", "python", "python_version", "py", "pyver"})
RUNNER_KEYS = frozenset({"os", "runs-on", "platform", "runner"})


@dataclass(frozen=True, slots=True)
class ExistingWorkflow:
    """What one of the project's workflows runs on and runs, as far as its text says."""

    path: str  # from the repository's root
    name: str
    tests: bool  # it runs pytest, unittest, or tox or nox on a test environment
    runners: tuple[str, ...]
    pythons: tuple[str, ...]
    doctests: bool
    tools: tuple[str, ...]  # tox, nox where they run tests: their environments may run more than pytest


def _uncommented(line: str) -> str:
    """`line` without its comment: a `#` at the start or after a blank, outside quotes."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def _scalar(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text


def _values(value: str, following: list[str], indent: int) -> list[str]:
    """A key's value as a list: a flow list `[a, b]`, a scalar, or the block list of the lines that follow."""
    if value.startswith("[") and value.endswith("]"):
        return [_scalar(item) for item in value[1:-1].split(",") if item.strip()]
    if value:
        return [_scalar(value)]
    items = []
    for line in following:
        if not line.strip():
            continue
        item = _ITEM.match(line)
        if item is None or len(item["indent"]) < indent or _KEY.match(line):
            break
        items.append(_scalar(item["value"]))
    return items


def _keys(lines: list[str]) -> dict[str, list[str]]:
    """Every value of every key, wherever it stands (a matrix, an include entry, a step's `with`)."""
    found: dict[str, list[str]] = {}
    for number, line in enumerate(lines):
        match = _KEY.match(line)
        if match is not None:
            value = (match["value"] or "").strip()
            found.setdefault(match["key"], []).extend(_values(value, lines[number + 1 :], len(match["indent"])))
    return found


def _resolved(keys: dict[str, list[str]], names: frozenset[str], followed: str) -> list[str]:
    """The literal values of `names`, and the matrix values an expression of `followed` points at."""
    values: list[str] = []
    for name in names:
        values += [value for value in keys.get(name, []) if "${{" not in value]
    for value in keys.get(followed, []):
        match = _MATRIX.match(value)
        values += [item for item in keys.get(match["key"], []) if "${{" not in item] if match else []
    return list(dict.fromkeys(values))


def _test_runners(body: str) -> tuple[str, ...]:
    """tox and nox where they run the tests: their default environments, or ones named as test environments."""
    found = set()
    for match in _RUNNERS.finditer(body):
        # The command it stands in: from the line's start, or the last `;`, `&&` or `|` before it.
        command = re.split(r"[;&|]", body[body.rfind("\n", 0, match.start()) + 1 : match.start()])[-1]
        if "install" in command:
            continue  # `pip install tox tox-gh`: installed, not run
        named = [name for m in _NAMED.finditer(match["args"]) for name in m["names"].split(",")]
        if not named or any(_TEST_ENV.match(name) for name in named):
            found.add(match["tool"])
    return tuple(sorted(found))


def read_workflow(path: str, text: str) -> ExistingWorkflow:
    lines = [_uncommented(line) for line in text.splitlines()]
    keys = _keys(lines)
    name = next((_scalar(line[5:]) for line in lines if line.startswith("name:")), Path(path).stem)
    body = "\n".join(lines)
    runners = [value for value in _resolved(keys, RUNNER_KEYS, "runs-on") if not value.startswith("[")]
    pythons = [value for value in _resolved(keys, PYTHON_KEYS, "python-version") if _VERSION.match(value)]
    tools = _test_runners(body)
    return ExistingWorkflow(
        path=path,
        name=name,
        tests=bool(_TESTS.search(body) or tools),
        runners=tuple(sorted(runners)),
        pythons=tuple(pythons),
        doctests="doctest" in body,
        tools=tools,
    )


def read_workflows(repository: Path, skip: frozenset[str] = frozenset()) -> tuple[ExistingWorkflow, ...]:
    """The workflows in `.github/workflows` of the repository, but those in `skip` (paths from its root)."""
    folder = repository / ".github" / "workflows"
    paths = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []
    found = []
    for path in paths:
        relative = path.relative_to(repository).as_posix()
        if relative in skip or not path.is_file():
            continue
        # A workflow is the project's own business: odd bytes in it are read past, never an error of init's.
        found.append(read_workflow(relative, path.read_text(encoding="utf-8", errors="replace")))
    return tuple(found)
