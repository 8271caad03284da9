"""`py-ci workflow-inputs`: the reusable workflow's inputs checked before any job starts, and the plan they make."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from py_ci.config import KEYS
from py_ci.errors import UsageError
from py_ci.publication import Publication
from py_ci.renderers.markdown import code, table
from py_ci.test_groups import SERVICES, TestGroup, declared_groups, default_groups, groups_from_json

# setup-python's spellings: 3.12, 3.13.1, 3.14-dev, 3.13t, 3.x, pypy3.10, graalpy-24.1.
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*")
RUNNER_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")
# Docker's rule for a tag, optionally pinned by digest.
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}(@sha256:[0-9a-f]{64})?")
MAX_TIMEOUT_MINUTES = 360
DEFAULT_TAGS = {"postgres": "16", "redis": "7"}


@dataclass(frozen=True)
class WorkflowPlan:
    python_versions: list[str]
    os: list[str]
    newest_python: str
    groups: list[TestGroup]
    user_pytest_args: list[str]

    def job_plans(self, matrix: bool) -> list[dict[str, Any]]:
        """The groups one kind of job runs, each with the caller's pytest arguments after its selection."""
        return [group.plan(self.user_pytest_args) for group in self.groups if group.matrix == matrix]


def _bad(name: str, problem: str, fix: str) -> UsageError:
    return UsageError(f"input {name}: {problem}; {fix}")


def _json_list(name: str, raw: str, pattern: re.Pattern[str], example: str) -> list[str]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise _bad(name, f"{raw!r} is not JSON", f"write a JSON list of strings such as '{example}'") from None
    if not isinstance(value, list) or not value:
        raise _bad(name, f"{raw!r} is not a non-empty JSON list", f"write e.g. '{example}'")
    for item in value:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            # YAML and JSON read 3.10 as the number 3.1.
            raise _bad(name, f"{item!r} is a number, not a string", 'quote every entry, e.g. ["3.10"] not [3.10]')
        if not isinstance(item, str) or not pattern.fullmatch(item):
            raise _bad(name, f"{item!r} is not a valid entry", f"write e.g. '{example}'")
    if len(set(value)) != len(value):
        raise _bad(name, f"{raw!r} lists an entry twice", "list each one once")
    return list(value)


def newest(versions: list[str]) -> str:
    """The highest CPython X.Y among the versions, for the jobs that run once; else the last one listed."""
    numbered = [(tuple(int(part) for part in v.split(".")[:2]), v) for v in versions if re.match(r"\d+\.\d+$", v)]
    return max(numbered)[1] if numbered else versions[-1]


def _relative(name: str, raw: str, example: str) -> PurePosixPath:
    path = PurePosixPath(raw.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise _bad(name, f"{raw!r} is not a path inside the repository", f"write a relative path such as {example}")
    return path


def _words(name: str, raw: str) -> list[str]:
    try:
        return shlex.split(raw)
    except ValueError as problem:
        raise _bad(name, f"{raw!r} cannot be split into words ({problem})", "check its quotes") from None


def _tag(name: str, raw: str, image: str) -> str:
    tag = raw.strip()
    if tag and not IMAGE_TAG.fullmatch(tag):
        raise _bad(name, f"{raw!r} is not an image tag", f'give the tag of the {image} image alone, e.g. "16"')
    return tag


def _groups(environ: Mapping[str, str], project: Path, services: list[str]) -> list[TestGroup]:
    """The input's groups, else the project's [tool.py-ci] test-groups, else the common layout."""
    raw = environ.get("PY_CI_TEST_GROUPS", "").strip()
    if raw:
        groups = groups_from_json(raw, "input test-groups")
    else:
        integration_raw = environ.get("PY_CI_INTEGRATION_TESTS", "").strip()
        integration = (
            str(_relative("integration-tests", integration_raw, "tests/integration")) if integration_raw else ""
        )
        groups = declared_groups(project) or default_groups(project, integration, services)
    for group in groups:
        for service in group.services:
            if service not in services:
                raise _bad(
                    service,
                    f"the test group {group.name!r} needs {service}, and the input is empty",
                    f'set the input {service} to an image tag, e.g. "{DEFAULT_TAGS[service]}"',
                )
    return groups


def plan_workflow(environ: Mapping[str, str], repository: Path) -> WorkflowPlan:
    """Every input checked, in the order the workflow lists them; the first problem is the error."""
    versions = _json_list("python-versions", environ.get("PY_CI_PYTHON_VERSIONS", ""), VERSION, '["3.12", "3.13"]')
    systems = _json_list("os", environ.get("PY_CI_OS", ""), RUNNER_LABEL, '["ubuntu-latest", "windows-latest"]')
    for name in ("coverage-threshold", "diff-coverage-threshold"):
        threshold = environ.get("PY_CI_" + name.upper().replace("-", "_"), "").strip()
        if threshold:
            _, parse, _ = KEYS[name]
            parse(threshold, f"input {name}", UsageError)
    _words("mypy-args", environ.get("PY_CI_MYPY_ARGS", ""))  # checked here; the typecheck job passes them on
    user_pytest = _words("pytest-args", environ.get("PY_CI_PYTEST_ARGS", ""))
    directory = _relative("working-directory", environ.get("PY_CI_WORKING_DIRECTORY", ".") or ".", "services/api")
    project = repository / directory
    if not project.is_dir():
        raise _bad(
            "working-directory", f"{str(directory)!r} is not a folder of the repository", "name the project's folder"
        )
    tags = {name: _tag(name, environ.get(f"PY_CI_{name.upper()}", ""), name) for name in SERVICES}
    timeout = environ.get("PY_CI_TIMEOUT_MINUTES", "").strip()
    try:
        minutes = float(timeout)
    except ValueError:
        minutes = -1
    if not (0 < minutes <= MAX_TIMEOUT_MINUTES and minutes == int(minutes)):
        raise _bad("timeout-minutes", f"{timeout!r} is not a whole number of minutes from 1 to 360", "write e.g. 30")
    groups = _groups(environ, project, [name for name, tag in tags.items() if tag])
    return WorkflowPlan(versions, systems, newest(versions), groups, user_pytest)


def _where(group: TestGroup, plan: WorkflowPlan) -> str:
    if group.matrix:
        legs = len(plan.python_versions) * len(plan.os)
        return f"{legs} legs: Python {', '.join(plan.python_versions)} on {', '.join(plan.os)}"
    return f"once, Python {plan.newest_python} on ubuntu-latest"


def _what(group: TestGroup) -> str:
    parts = [code(shlex.join(group.pytest_args()) or "pytest's own testpaths")]
    if group.services:
        parts.append("with " + " and ".join(group.services))
    if group.start:
        parts.append(f"starts {code(group.start)}, waits for {code(group.ready)}")
    return "; ".join(parts)


def workflow_inputs_publication(environ: Mapping[str, str], repository: Path) -> Publication:
    plan = plan_workflow(environ, repository)
    rows = [["lint, typecheck", f"Python {plan.newest_python} on ubuntu-latest", "ruff; mypy"]]
    rows += [[f"test group {code(g.name)}", _where(g, plan), _what(g)] for g in plan.groups]
    markdown = "## py-ci: the plan\n\n" + "\n".join(table(["jobs", "where", "what runs"], "lll", rows)) + "\n"
    matrix, single = plan.job_plans(matrix=True), plan.job_plans(matrix=False)
    outputs = {
        "python-versions": json.dumps(plan.python_versions),
        "os": json.dumps(plan.os),
        "newest-python": plan.newest_python,
        # Empty, not [], when there are none: the jobs test for '' (an empty matrix is an error).
        "matrix-groups": json.dumps(matrix) if matrix else "",
        "single-groups": json.dumps(single) if single else "",
    }
    text = "".join(f"{name}: {value}\n" for name, value in outputs.items())
    result = {"python_versions": plan.python_versions, "os": plan.os, "matrix_groups": matrix, "single_groups": single}
    return Publication(True, result, markdown, text, outputs)
