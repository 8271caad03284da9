"""Where a failed test failed: the line of its test file in the traceback, else what the XML says."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from py_ci.model import TestCase

# `tests/test_a.py:14: AssertionError`, `tests/test_a.py:3: in <module>`: pytest's traceback locations.
_LOCATION = re.compile(r"^(?P<path>[^\s:<>][^:\n]*):(?P<line>\d+):", re.MULTILINE)
# `at fn (/repo/test/a.test.js:9:10)`: a JavaScript stack frame of a file (not `node:internal/...`).
_JS_FRAME = re.compile(r"\(?(?P<path>(?:/|[A-Za-z]:[\\/])[^():\n]+):(?P<line>\d+):\d+\)?$", re.MULTILINE)


def module_paths(case: TestCase) -> list[str]:
    """Files the test's dotted name may live in, longest first: `a.b.C` -> a/b/C.py, a/b.py, a.py."""
    names = [part for part in (case.classname or case.name).split(".") if part]
    return ["/".join(names[:end]) + ".py" for end in range(len(names), 0, -1)]


def failure_location(case: TestCase, relative: Callable[[str], str]) -> tuple[str | None, int | None]:
    """The last traceback location in the test's own file; else the XML's file and line; else the last location."""
    found = [(relative(match["path"]), int(match["line"])) for match in _LOCATION.finditer(case.details)]
    modules = [case.file] if case.file else module_paths(case)
    for path, line in reversed(found):
        if any(path == module or path.endswith("/" + module) for module in modules):
            return path, line
    if case.file:
        return case.file, case.line
    if found:
        return found[-1]
    # JavaScript stacks list the innermost frame first.
    frame = _JS_FRAME.search(case.details)
    return (relative(frame["path"]), int(frame["line"])) if frame else (None, None)


def located(case: TestCase, relative: Callable[[str], str]) -> TestCase:
    """The case with the file its traceback names, so its id reads like pytest's (`file.py::test`)."""
    if case.file or case.outcome not in ("failed", "error"):
        return case
    path, _ = failure_location(case, relative)
    if path is not None and any(path == m or path.endswith("/" + m) for m in module_paths(case)):
        return replace(case, file=path)
    return case
