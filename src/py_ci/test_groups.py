"""Test groups: unit, integration and end-to-end suites, each with its selection, services, application and limits.

Declared once, in `[[tool.py-ci.test-groups]]` or the reusable workflow's `test-groups` input (JSON); without
either, the common layout: `tests/` as unit (across the matrix), `tests/integration` with the services, and
`tests/e2e` when present.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from py_ci.application import AppStart
from py_ci.errors import InputError, UsageError
from py_ci.readers.project_files import ProjectFiles

# How each kind of a workflow job's test groups runs, as its messages say it.
GROUP_KINDS = {"matrix": "across the Python x OS matrix", "single": "once, beside the services", "all": "at all"}

SERVICES = ("postgres", "redis")
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
# An address to wait for: a URL answered with a status below 500, or a TCP port (host:port or port).
READY = re.compile(r"https?://[^\s]+|([A-Za-z0-9.\-]+:)?\d{1,5}")
DEFAULT_READY_SECONDS = 60.0
KEYS = (
    "name",
    "paths",
    "markers",
    "exclude",
    "matrix",
    "services",
    "start",
    "ready",
    "ready-timeout",
    "timeout-minutes",
)
EXAMPLE = '[{"name": "unit", "paths": ["tests/unit"], "matrix": true}]'


@dataclass(frozen=True)
class TestGroup:
    name: str
    paths: tuple[str, ...] = ()
    markers: str = ""
    exclude: tuple[str, ...] = ()
    matrix: bool = False  # across the Python x OS matrix, else once on Linux
    services: tuple[str, ...] = ()
    start: str = ""  # the application to start before the tests, stopped after them
    ready: str = ""  # what answers once the application is up
    ready_timeout: float = DEFAULT_READY_SECONDS
    timeout_minutes: int | None = None

    __test__ = False  # a name pytest would otherwise collect

    @property
    def application(self) -> AppStart | None:
        return AppStart(self.start, self.ready, self.ready_timeout) if self.start else None

    def pytest_args(self) -> list[str]:
        marks = ["-m", self.markers] if self.markers else []
        return [*self.paths, *(f"--ignore={path}" for path in self.exclude), *marks]

    def plan(self, extra_pytest_args: Sequence[str] = ()) -> dict[str, Any]:
        """What the workflow's jobs read of the group (GitHub expressions cannot split lists)."""
        return {
            "name": self.name,
            "pytest-args": shlex.join([*self.pytest_args(), *extra_pytest_args]),
            "postgres": "postgres" in self.services,
            "redis": "redis" in self.services,
            "start": self.start,
            "ready": self.ready,
            "ready-timeout": f"{self.ready_timeout:g}",
            "timeout-minutes": self.timeout_minutes or 0,
        }


def default_groups(project: Path, integration: str, services: Sequence[str]) -> list[TestGroup]:
    """The common layout, for the folders that exist."""
    suites = [(name, path) for name, path in (("integration", integration), ("e2e", "tests/e2e")) if path]
    present = [(name, path) for name, path in suites if (project / path).is_dir()]
    unit = TestGroup("unit", exclude=tuple(path for _, path in present), matrix=True)
    return [unit, *(TestGroup(name, paths=(path,), services=tuple(services)) for name, path in present)]


def _fail(origin: str, problem: str, fix: str, error: type[Exception]) -> Exception:
    return UsageError(f"{origin}: {problem}; {fix}") if error is UsageError else InputError(origin, problem, fix)


def _strings(value: object, where: str, origin: str, error: type[Exception]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise _fail(origin, f"{where} is not a list of text", 'write e.g. ["tests/e2e"]', error)
    for item in value:
        path = PurePosixPath(item)
        if path.is_absolute() or ".." in path.parts:
            raise _fail(origin, f"{where}: {item!r} is not inside the project", "write a relative path", error)
    return tuple(value)


def _group(raw: object, index: int, origin: str, error: type[Exception]) -> TestGroup:
    if not isinstance(raw, dict):
        raise _fail(origin, f"group {index + 1} is not an object", f"write groups as {EXAMPLE}", error)
    label = f"group {raw.get('name', index + 1)!r}"
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise _fail(origin, f"{label} has unknown key {unknown[0]!r}", f"use some of: {', '.join(KEYS)}", error)
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise _fail(origin, f"{label} needs a name of a-z, 0-9 and -", 'write e.g. "name": "e2e"', error)
    markers = raw.get("markers", "")
    if not isinstance(markers, str):
        raise _fail(origin, f"{label}: markers is not text", 'write a pytest -m expression, e.g. "slow"', error)
    matrix = raw.get("matrix", False)
    if not isinstance(matrix, bool):
        raise _fail(origin, f"{label}: matrix is not true or false", "write true to run it across the matrix", error)
    services = _strings(raw.get("services", []), f"{label}: services", origin, error)
    if unknown_services := [s for s in services if s not in SERVICES]:
        raise _fail(origin, f"{label} asks for {unknown_services[0]!r}", f"use some of: {', '.join(SERVICES)}", error)
    start, ready = raw.get("start", ""), raw.get("ready", "")
    if not isinstance(start, str) or not isinstance(ready, str):
        raise _fail(origin, f"{label}: start and ready are text", 'write e.g. "ready": "http://127.0.0.1:8000/"', error)
    if ready and not READY.fullmatch(ready):
        raise _fail(origin, f"{label}: ready {ready!r} is neither a URL nor a port", "write a URL or e.g. 8000", error)
    if start and not ready:
        raise _fail(
            origin, f"{label} starts an application but says not when it is ready", "add a ready URL or port", error
        )
    ready_timeout = raw.get("ready-timeout", DEFAULT_READY_SECONDS)
    if isinstance(ready_timeout, bool) or not isinstance(ready_timeout, (int, float)) or not 0 < ready_timeout <= 3600:
        raise _fail(origin, f"{label}: ready-timeout {ready_timeout!r} is not 1-3600 seconds", "write e.g. 60", error)
    minutes = raw.get("timeout-minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 360):
        raise _fail(origin, f"{label}: timeout-minutes {minutes!r} is not 1-360", "write e.g. 20", error)
    return TestGroup(
        name=name,
        paths=_strings(raw.get("paths", []), f"{label}: paths", origin, error),
        markers=markers,
        exclude=_strings(raw.get("exclude", []), f"{label}: exclude", origin, error),
        matrix=matrix,
        services=services,
        start=start,
        ready=ready,
        ready_timeout=float(ready_timeout),
        timeout_minutes=minutes,
    )


def parse_groups(raw: object, origin: str, error: type[Exception] = UsageError) -> list[TestGroup]:
    if not isinstance(raw, list) or not raw:
        raise _fail(origin, "is not a non-empty list of groups", f"write e.g. {EXAMPLE}", error)
    groups = [_group(item, index, origin, error) for index, item in enumerate(raw)]
    names = [group.name for group in groups]
    if twice := sorted({name for name in names if names.count(name) > 1}):
        raise _fail(origin, f"names group {twice[0]!r} twice", "give each group its own name", error)
    return groups


def declared_groups(project: ProjectFiles) -> list[TestGroup] | None:
    """The project's `[[tool.py-ci.test-groups]]`, when it declares any."""
    raw = (project.tool("py-ci") or {}).get("test-groups")
    return None if raw is None else parse_groups(raw, "pyproject.toml [tool.py-ci] test-groups", InputError)


def find_group(groups: Sequence[TestGroup], name: str) -> TestGroup:
    for group in groups:
        if group.name == name:
            return group
    known = ", ".join(group.name for group in groups)
    raise UsageError(f"--group {name!r} is not a test group of this project; use one of: {known}")


def application(start: str, ready: str, ready_timeout: str | None) -> AppStart | None:
    """The action's start, ready and ready-timeout inputs, checked as a group's are."""
    raw_timeout = (ready_timeout or "").strip() or str(DEFAULT_READY_SECONDS)
    try:
        timeout: object = float(raw_timeout)
    except ValueError:
        timeout = raw_timeout
    raw = {"name": "action", "start": start, "ready": ready, "ready-timeout": timeout}
    return _group(raw, 0, "inputs start, ready and ready-timeout", UsageError).application
