"""Cobertura XML: coverage.py's `coverage xml`, pytest-cov, gcovr, Istanbul/c8, Java Cobertura."""

from __future__ import annotations

import re
from pathlib import Path

from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.model import Branches, CoverageReport, FileCoverage
from py_ci.readers.xmlstream import Position, parse_xml

FIX = "make it with `coverage xml` or `pytest --cov --cov-report=xml`"
_CONDITION = re.compile(r"\((\d+)/(\d+)\)")
_JUNIT_ROOTS = frozenset({"testsuites", "testsuite", "testcase", "testrun"})


class _FileBuilder:
    __slots__ = ("branches", "hits")

    def __init__(self) -> None:
        self.hits: dict[int, int] = {}
        self.branches: dict[int, Branches] = {}


class _CoberturaTarget:
    """Keeps only what the model needs: per file, hits and branches of class-level lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.position: Position | None = None
        self.stack: list[str] = []
        self.files: dict[str, _FileBuilder] = {}
        self.current: _FileBuilder | None = None
        self.sources: list[str] = []
        self.text: list[str] | None = None
        self.saw_packages = False
        # One int object per distinct line number, shared by every file: a third of the model's memory.
        self.numbers: dict[int, int] = {}

    def _error(self, problem: str) -> InputError:
        line = f":{self.position.line}" if self.position else ""
        return InputError(f"{self.path}{line}", problem, FIX)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        stack = self.stack
        if tag == "line":
            # Java Cobertura repeats a class's lines under <methods>: count the class's own list.
            if self.current is not None and stack[-1] == "lines" and stack[-2] == "class":
                self._line(attrib)
            # Nearly every element is a <line>, and no <line> holds another: it stays off the stack.
            return
        if tag == "class":
            self._class(attrib)
        elif not stack:
            self._root(tag, attrib)
        elif tag == "packages":
            self.saw_packages = True
        elif tag == "source":
            self.text = []
        stack.append(tag)

    def end(self, tag: str) -> None:
        if tag == "line":
            return
        self.stack.pop()
        if tag == "source" and self.text is not None:
            source = "".join(self.text).strip()
            if source:
                self.sources.append(source)
            self.text = None
        elif tag == "class":
            self.current = None

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def _root(self, tag: str, attrib: dict[str, str]) -> None:
        if tag in _JUNIT_ROOTS:
            raise InputError(
                str(self.path),
                f"is a JUnit test report (<{tag}>), not Cobertura coverage",
                f"pass it to `py-ci junit`, and give `py-ci coverage` the file {FIX.removeprefix('make it with ')}",
            )
        if tag != "coverage":
            raise self._error(f"is an XML document with root <{tag}>, not a Cobertura coverage report")
        if "clover" in attrib:
            raise self._error("is a Clover report, not Cobertura")

    def _class(self, attrib: dict[str, str]) -> None:
        filename = attrib.get("filename")
        if not filename:
            raise self._error("has a <class> without a filename attribute")
        self.current = self.files.setdefault(filename, _FileBuilder())

    def _line(self, attrib: dict[str, str]) -> None:
        assert self.current is not None
        try:
            number = int(attrib["number"])
            hits = int(attrib.get("hits", "0"))
        except KeyError:
            raise self._error("has a <line> without a number attribute") from None
        except ValueError:
            raise self._error(f"has a <line> with a non-integer number or hits {attrib!r}") from None
        if number < 1 or hits < 0:
            raise self._error(f"has a <line> with a negative number or hits {attrib!r}")
        number = self.numbers.setdefault(number, number)
        builder = self.current
        builder.hits[number] = builder.hits.get(number, 0) + hits
        if attrib.get("branch") == "true":
            branches = self._branches(attrib)
            if branches is not None:
                known = builder.branches.get(number)
                builder.branches[number] = branches if known is None else known.merge(branches)

    def _branches(self, attrib: dict[str, str]) -> Branches | None:
        match = _CONDITION.search(attrib.get("condition-coverage", ""))
        if match is None:
            return None
        covered, valid = int(match[1]), int(match[2])
        if covered > valid:
            raise self._error(f"has a <line> covering more branches than it has {attrib!r}")
        missing_attr = attrib.get("missing-branches")
        missing = None
        if missing_attr is not None:
            missing = frozenset(part.strip() for part in missing_attr.split(",") if part.strip())
        return Branches(valid, covered, missing)


def read_cobertura(path: Path, limit: InputLimit) -> CoverageReport:
    """Read one Cobertura XML report."""
    target = _CoberturaTarget(path)
    parse_xml(path, target, FIX, limit)
    if not target.saw_packages:
        raise InputError(str(path), "has no <packages> element: not a Cobertura coverage report", FIX)
    files = {name: FileCoverage(name, builder.hits, builder.branches) for name, builder in target.files.items()}
    return CoverageReport(files, tuple(target.sources), (str(path),))
