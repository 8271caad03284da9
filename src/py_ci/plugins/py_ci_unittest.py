"""Run a project's own unittest-based runner (unittest, a Django runtests.py, zope.testrunner) and write each test's
result as JUnit XML, for py-ci to read as it reads pytest's.

    python -m py_ci_unittest JUNIT.xml -m MODULE [ARGS ...]
    python -m py_ci_unittest JUNIT.xml SCRIPT [ARGS ...]

Every such runner reports to a `unittest.TestResult`: its subclasses (unittest's, Django's, zope.testrunner's) call
the base class's methods for each test started and each outcome but success, so those are wrapped here and a
started test with no other outcome passed. Stdlib only, Python 3.9 and later: it runs in the project's interpreter.
"""

from __future__ import annotations

import contextlib
import runpy
import sys
import time
import traceback
import unittest
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path
from typing import Any

USAGE = "usage: python -m py_ci_unittest JUNIT.xml (-m MODULE | SCRIPT) [ARGS ...]"
# How each outcome is written, as pytest writes it: the child element and its name in the suite's counts.
ELEMENTS = {"failed": ("failure", "failures"), "error": ("error", "errors"), "skipped": ("skipped", "skipped")}
RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


class Case:
    """One test: where it is, how long it took, and its outcome (the worst said of it)."""

    def __init__(self, test_id: str, file: str = "") -> None:
        self.test_id, self.holder, self.file = test_id, False, file
        fixture, _, holder = test_id.partition(" (")
        if holder.endswith(")"):  # a class or module fixture's error: "setUpClass (module.Class)"
            self.classname, self.name = holder[:-1], fixture
        else:
            module_and_class, _, name = test_id.rpartition(".")
            self.classname, self.name = module_and_class, name or test_id
        self.started, self.seconds = time.monotonic(), 0.0
        self.outcome, self.message, self.details = "passed", "", ""
        self.finished = False

    def said(self, outcome: str, message: str, details: str = "") -> None:
        if RANK[outcome] > RANK[self.outcome]:
            self.outcome, self.message, self.details = outcome, message, details

    def finish(self) -> None:
        if not self.finished:
            self.seconds, self.finished = time.monotonic() - self.started, True


class Recorder:
    """Every test the runner started, in order, and what it said of each."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self.current: Case | None = None

    def start(self, test: Any) -> None:
        if self.current is not None:
            self.current.finish()  # zope.testrunner's result never calls the base class's stopTest
        self.current = Case(_test_id(test), _file_of(test))
        self.cases.append(self.current)

    def case_of(self, test: Any) -> Case:
        """The case of `test`: the started one, or the last one said of it (a result's own method and the base's
        both report); a class or module fixture's error (never started) is a case of its own."""
        test_id = _test_id(test)
        last = self.cases[-1] if self.cases else None
        if last is not None and last.test_id == test_id and (not last.finished or last.holder):
            return last
        case = Case(test_id, _file_of(test))
        case.finish()
        case.holder = True
        self.cases.append(case)
        return case

    def skipped(self, test: Any, reason: str) -> None:
        """A skip: of a started test, or of a whole class or module, which unittest does not count as run."""
        test_id, current = _test_id(test), self.current
        if current is not None and current.test_id == test_id and not current.finished:
            current.said("skipped", reason)

    def stop(self) -> None:
        if self.current is not None:
            self.current.finish()


def _test_id(test: Any) -> str:
    try:
        return str(test.id())
    except Exception:  # a runner's own placeholder that has no id
        return str(test)


def _file_of(test: Any) -> str:
    """The test's module file, relative to the project: its dotted name alone misleads where the runner started in a
    folder of tests (`discover -s tests` names tests/test.py's module `test`); nothing for a file outside it."""
    path = getattr(sys.modules.get(type(test).__module__), "__file__", None)
    if not path:
        return ""
    with contextlib.suppress(ValueError):
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    return ""


def _failure(result: unittest.TestResult, test: Any, error: Any) -> tuple[str, str]:
    """The exception's one line, and its whole traceback as unittest prints it."""
    kind, value = error[0], error[1]
    message = "".join(traceback.format_exception_only(kind, value)).strip().splitlines()
    try:
        details = result._exc_info_to_string(error, test)  # type: ignore[attr-defined]
    except Exception:
        details = "".join(traceback.format_exception(kind, value, error[2]))
    return (message[-1] if message else kind.__name__), details


def install(recorder: Recorder) -> None:
    """Wrap unittest.TestResult's methods so each test and outcome reaches `recorder` too; and, on the first test
    each kind of result starts, its own outcome methods: some (unittest-xml-reporting's addSkip) skip the base's."""
    base = unittest.TestResult
    covered: set[type] = {base}

    def wrap(owner: type, name: str, record: Callable[..., None]) -> None:
        original = getattr(owner, name)

        def wrapped(self: unittest.TestResult, *args: Any) -> Any:
            with contextlib.suppress(Exception):  # the record must never change the run
                record(self, *args)
            return original(self, *args)

        setattr(owner, name, wrapped)

    def error(outcome: str) -> Callable[..., None]:
        def record(result: unittest.TestResult, test: Any, exc: Any) -> None:
            failed = outcome == "failed" and issubclass(exc[0], getattr(test, "failureException", AssertionError))
            recorder.case_of(test).said("failed" if failed else "error", *_failure(result, test, exc))

        return record

    def sub_test(result: unittest.TestResult, test: Any, subtest: Any, exc: Any) -> None:
        if exc is not None:
            failed = issubclass(exc[0], getattr(test, "failureException", AssertionError))
            message, details = _failure(result, subtest, exc)
            recorder.case_of(test).said("failed" if failed else "error", f"{_test_id(subtest)}: {message}", details)

    def skip(result: unittest.TestResult, test: Any, reason: Any) -> None:
        recorder.skipped(test, str(reason))

    outcomes: dict[str, Callable[..., None]] = {
        "addError": error("error"),
        "addFailure": error("failed"),
        "addSkip": skip,
        "addExpectedFailure": lambda result, test, exc: recorder.case_of(test).said("skipped", "expected failure"),
        "addUnexpectedSuccess": lambda result, test: recorder.case_of(test).said("failed", "unexpected success"),
        "addSubTest": sub_test,
    }

    def start(result: unittest.TestResult, test: Any) -> None:
        kind = type(result)
        if kind not in covered:
            covered.add(kind)
            for name, record in outcomes.items():
                if getattr(kind, name) is not getattr(base, name):  # its own, which may never call the base's
                    wrap(kind, name, record)
        recorder.start(test)

    wrap(base, "startTest", start)
    wrap(base, "stopTest", lambda result, test: recorder.stop())
    for name, record in outcomes.items():
        wrap(base, name, record)


def write_junit(cases: list[Case], path: str) -> None:
    counts: dict[str, int] = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    root = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(root, "testsuite", name="py-ci unittest")
    for case in cases:
        case.finish()
        element = ElementTree.SubElement(
            suite, "testcase", classname=case.classname, name=case.name, time=f"{case.seconds:.3f}"
        )
        if case.file:
            element.set("file", case.file)
        if case.outcome in ELEMENTS:
            tag, count = ELEMENTS[case.outcome]
            counts[count] += 1
            child = ElementTree.SubElement(element, tag, message=case.message)
            child.text = case.details or None
    total = sum(case.seconds for case in cases)
    suite.attrib.update({name: str(value) for name, value in counts.items()}, time=f"{total:.3f}")
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def run(target: list[str]) -> None:
    """The runner as its maintainers start it: `python -m MODULE ARGS` or `python SCRIPT ARGS`."""
    if target[0] == "-m":
        sys.argv = [target[1], *target[2:]]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        script = Path(target[0]).resolve()
        sys.argv = [target[0], *target[1:]]
        sys.path[0] = str(script.parent)  # as `python SCRIPT` has it: the script's folder, not ours
        runpy.run_path(str(script), run_name="__main__")


def main(argv: list[str]) -> None:
    if len(argv) < 2 or (argv[1:2] == ["-m"] and len(argv) < 3):
        sys.exit(USAGE)
    recorder = Recorder()
    install(recorder)
    try:
        run(argv[1:])
    finally:
        write_junit(recorder.cases, argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
