"""JUnit XML: pytest (xunit1 and xunit2), and other producers' <testsuites>, <testsuite> or bare <testcase>."""

from __future__ import annotations

from pathlib import Path

from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.model import TestCase, TestReport
from py_ci.readers.xmlstream import Position, parse_xml

FIX = "make it with `pytest --junitxml=report.xml`"
_ROOTS = frozenset({"testsuites", "testsuite", "testcase", "testrun"})
# A child's outcome, and how bad it is: a case shows its worst.
_OUTCOME = {"skipped": ("skipped", 1), "skip": ("skipped", 1), "failure": ("failed", 2), "error": ("error", 3)}
DETAIL_LINES = 60
DETAIL_CHARS = 8000


def trimmed(text: str) -> str:
    """The end of a traceback, where the failure is: at most DETAIL_LINES lines and DETAIL_CHARS characters."""
    lines = text.strip("\n").splitlines()
    kept = "\n".join(lines[-DETAIL_LINES:])
    if len(lines) > DETAIL_LINES or len(kept) > DETAIL_CHARS:
        kept = "…\n" + kept[-DETAIL_CHARS:]
    return kept


class _Case:
    __slots__ = ("attrib", "details", "kind", "message", "outcome", "rank", "skips")

    def __init__(self, attrib: dict[str, str]) -> None:
        self.attrib = attrib
        self.outcome, self.rank, self.skips = "passed", 0, 0
        self.kind = self.message = self.details = ""


class _JUnitTarget:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.position: Position | None = None
        self.stack: list[str] = []
        self.cases: list[TestCase] = []
        self.case: _Case | None = None
        self.text: list[str] | None = None
        self.suite_time = 0.0
        self.case_time = 0.0
        self.loose_time = 0.0  # cases outside any suite (node's test runner puts them under <testsuites>)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if not self.stack:
            self._root(tag)
        if tag == "testcase":
            self.case = _Case(attrib)
        elif tag in _OUTCOME and self.case is not None and self.stack[-1] == "testcase":
            outcome, rank = _OUTCOME[tag]
            self.case.skips += outcome == "skipped"
            if rank > self.case.rank:
                self.case.outcome, self.case.rank = outcome, rank
                self.case.kind = attrib.get("type", "")
                self.case.message = attrib.get("message", "")
                self.text = []
        elif tag == "testsuite" and "testsuite" not in self.stack:
            # Nested suites repeat their parent's time; only outermost suites add up.
            self.suite_time += _seconds(attrib.get("time"))
        self.stack.append(tag)

    def end(self, tag: str) -> None:
        self.stack.pop()
        if tag in _OUTCOME and self.text is not None and self.case is not None:
            self.case.details = trimmed("".join(self.text))
            self.text = None
        elif tag == "testcase" and self.case is not None:
            self.cases.append(self._finished(self.case))
            self.case = None

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def _root(self, tag: str) -> None:
        if tag == "coverage":
            raise InputError(
                str(self.path), "is a Cobertura coverage report, not JUnit", f"pass it to `py-ci coverage`; {FIX}"
            )
        if tag not in _ROOTS:
            line = f":{self.position.line}" if self.position else ""
            raise InputError(f"{self.path}{line}", f"is an XML document with root <{tag}>, not a JUnit report", FIX)

    def _finished(self, case: _Case) -> TestCase:
        attrib = case.attrib
        time = _seconds(attrib.get("time"))
        self.case_time += time
        if "testsuite" not in self.stack:
            self.loose_time += time
        line = attrib.get("line", "")
        # More than one <skipped>: pytest's subtests, skipped one by one in a test that ran and passed, as pytest says.
        outcome = "passed" if case.outcome == "skipped" and case.skips > 1 else case.outcome
        return TestCase(
            classname=attrib.get("classname", ""),
            name=attrib.get("name", ""),
            time=time,
            outcome=outcome,
            kind=case.kind,
            message=case.message,
            details=case.details,
            file=attrib.get("file") or None,
            # pytest's xunit1 `line` is 0-based (the item's location); 1-based everywhere else in py-ci.
            line=int(line) + 1 if line.isdigit() else None,
        )


def _seconds(text: str | None) -> float:
    try:
        return max(float((text or "0").replace(",", "")), 0.0)
    except ValueError:
        return 0.0


def read_junit(path: Path, limit: InputLimit) -> TestReport:
    """Read one JUnit XML report."""
    target = _JUnitTarget(path)
    parse_xml(path, target, FIX, limit)
    duration = target.suite_time + target.loose_time if target.suite_time else target.case_time
    return TestReport(tuple(target.cases), duration, (str(path),))
