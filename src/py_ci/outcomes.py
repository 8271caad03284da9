"""What a tool's exit status and last words say when it did not finish: never a pass, never a count."""

from __future__ import annotations

from collections.abc import Callable

from py_ci.errors import InputError
from py_ci.model import NO_TESTS, NotRun, TestReport
from py_ci.readers.mypy import read_mypy
from py_ci.type_checker_outcomes import pyrefly_outcome, pyright_outcome, ty_outcome

CAUSE_CHARS = 300
# pytest's exit statuses past 1, and what each means (pytest.ExitCode).
PYTEST_EXITS = {
    2: ("was interrupted", "fix what stopped it (the Tests section shows each error), or run pytest by hand"),
    3: ("hit an internal error", "run pytest by hand to see the whole traceback"),
    4: ("was called wrongly", "check pytest-args and the project's pytest configuration"),
    5: (NO_TESTS, "check testpaths in the project's pytest configuration"),
}


def _last(lines: list[str], *marks: str) -> str:
    """The last line that says one of `marks`, else the last line: a tool's complaint, not its trailing context."""
    said = [line.strip() for line in lines if line.strip()]
    marked = [line for line in said if any(mark in line.lower() for mark in marks)]
    chosen = marked or said
    return chosen[-1][:CAUSE_CHARS] if chosen else "it said nothing"


def _first(lines: list[str], mark: str) -> str | None:
    return next((line.strip()[:CAUSE_CHARS] for line in lines if mark in line), None)


def pytest_outcome(
    title: str, code: int, junit: TestReport | None, stdout: str, stderr: str, group: str | None = None
) -> NotRun | None:
    """pytest's exit 2 to 5, or no report at all, as what happened and its first real cause."""
    out, err = stdout.splitlines(), stderr.splitlines()
    if junit is not None and code in (0, 1) and junit.tests:
        return None
    if junit is not None and not junit.tests and group is not None:
        fix = "check its paths and markers (test-groups)"
        return NotRun("tests", title, f"{NO_TESTS} (exit {code})", f"test group {group!r} selected no tests", fix)
    if junit is None and code in (0, 1):
        return NotRun("tests", title, f"wrote no report (exit {code})", _last(err + out, "error"), "run pytest by hand")
    what, fix = PYTEST_EXITS.get(code, ("did not run the tests", "run pytest by hand to see why"))
    if code == 2:
        # Collection errors are error cases of the report: the first one's cause (the import error) says why.
        problems = junit.problems if junit is not None else ()
        cause = (problems[0].cause if problems else "") or _last(out, "interrupted", "error")
    elif code == 3:
        cause = _last([line for line in out + err if line.startswith("INTERNALERROR>")] or err + out)
    elif code == 5:
        cause = _last(out, "no tests ran") if out else "no tests ran"
    else:
        cause = _last(err or out, "error")
    return NotRun("tests", title, f"{what} (exit {code})", cause, fix)


def _first_error(output: str) -> str | None:
    """mypy's first error whole, as its reader joins it (`pretty = true` wraps a message over lines)."""
    try:
        findings = read_mypy(output, "mypy's output").findings
    except InputError:
        return None
    error = next((finding for finding in findings if finding.severity == "error"), None)
    if error is None:
        return None
    code = f"  [{error.code}]" if error.code else ""
    where = error.path if error.line is None else f"{error.path}:{error.line}"
    return f"{where}: error: {error.message}{code}"[:CAUSE_CHARS]


def mypy_outcome(code: int, output: str, stderr: str) -> NotRun | None:
    """mypy's exit 2 (a blocking error, a bad invocation) or a crash; its first error is the cause."""
    if code in (0, 1) and output.strip():
        return None
    lines = output.splitlines() + stderr.splitlines()
    cause = _first_error(output) or _first(lines, ": error:") or _first(lines, "error") or _last(lines)
    what = "crashed" if code not in (0, 1, 2) else "did not finish"
    fix = "fix that error (or give mypy its targets: mypy-targets), then mypy checks the rest"
    return NotRun("mypy", "mypy", f"{what} (exit {code})", cause, fix)


def ruff_outcome(
    title: str, gate: str, code: int, output: str, stderr: str, too_old: Callable[[str], NotRun]
) -> NotRun | None:
    """ruff's exit 2: it could not read its configuration or its input, and printed no findings; or it does not
    know what py-ci asks of it (`too_old` says which ruff, and the way out)."""
    if code != 2:
        return None
    rejected = _first(output.splitlines() + stderr.splitlines(), "error: unexpected argument")
    if rejected is not None:
        return too_old(rejected)
    if output.strip():
        return None
    return NotRun(
        gate, title, f"failed (exit {code})", _last(stderr.splitlines(), "error"), "run it by hand to see why"
    )


def coverage_outcome(title: str, cause: str) -> NotRun:
    """The tests finished but left no coverage report: what was not measured is not judged, and not passed."""
    fix = "check the project's coverage configuration, and that the tests import the checkout"
    return NotRun("coverage", f"coverage of {title}", "was not measured", cause, fix)


def runner_outcome(title: str, code: int, junit: TestReport | None, output: str) -> NotRun | None:
    """The project's own runner's exit: a failure its report does not show (a module that did not import, its
    own checks) is no pass either, and a run without one test is no count."""
    lines = output.splitlines()
    if junit is None or not junit.tests:
        what = f"ran no tests (exit {code})"
        return NotRun("tests", title, what, _last(lines, "error"), f"run {title} by hand to see why")
    if code != 0 and not any(case.outcome in ("failed", "error") for case in junit.cases):
        what = f"failed (exit {code}) with no failed test"
        return NotRun("tests", title, what, _last(lines, "error", "fail"), f"run {title} by hand to see why")
    return None


def type_check_outcome(tool: str, code: int, output: str, stderr: str) -> NotRun | None:
    """Whether a type checker finished, each by its own exit statuses and words."""
    if tool == "mypy":
        return mypy_outcome(code, output, stderr)
    if tool == "ty":
        return ty_outcome(code, output, stderr)
    if tool == "pyrefly":
        return pyrefly_outcome(code, output, stderr)
    return pyright_outcome(tool, code, output, stderr)
