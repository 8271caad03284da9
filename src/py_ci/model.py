"""The typed model every reader produces and every gate and renderer consumes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Branches:
    """The branch outcomes of one source line."""

    valid: int
    covered: int
    # Destinations not taken, as coverage.py names them ("7", "exit"); None when the producer
    # does not say which (gcovr, Istanbul, Java Cobertura).
    missing: frozenset[str] | None = None

    def merge(self, other: Branches) -> Branches:
        """The union of two measurements of the same line."""
        valid = max(self.valid, other.valid)
        if self.missing is not None and other.missing is not None:
            missing = self.missing & other.missing
            return Branches(valid, valid - len(missing), missing)
        return Branches(valid, min(valid, max(self.covered, other.covered)))


@dataclass(frozen=True, slots=True)
class Counts:
    """Lines and branches measured and covered; adds up like coverage.py's `Numbers`."""

    lines_valid: int = 0
    lines_covered: int = 0
    branches_valid: int = 0
    branches_covered: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.lines_valid + other.lines_valid,
            self.lines_covered + other.lines_covered,
            self.branches_valid + other.branches_valid,
            self.branches_covered + other.branches_covered,
        )

    @property
    def percent(self) -> float:
        """coverage.py's `pc_covered`: lines and branches together; nothing to measure is 100%."""
        valid = self.lines_valid + self.branches_valid
        if valid == 0:
            return 100.0
        return 100.0 * (self.lines_covered + self.branches_covered) / valid


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """One source file: hits per statement line, branch outcomes per branching line."""

    path: str
    hits: Mapping[int, int]
    branches: Mapping[int, Branches] = field(default_factory=dict)

    @property
    def counts(self) -> Counts:
        return Counts(
            lines_valid=len(self.hits),
            lines_covered=sum(1 for hit in self.hits.values() if hit),
            branches_valid=sum(b.valid for b in self.branches.values()),
            branches_covered=sum(b.covered for b in self.branches.values()),
        )

    @property
    def missing_lines(self) -> list[int]:
        return sorted(line for line, hit in self.hits.items() if not hit)

    @property
    def partial_lines(self) -> list[int]:
        """Executed lines where some branch was never taken."""
        return sorted(
            line for line, branch in self.branches.items() if branch.covered < branch.valid and self.hits.get(line, 1)
        )

    def renamed(self, path: str) -> FileCoverage:
        return FileCoverage(path, self.hits, self.branches)

    def merge(self, other: FileCoverage) -> FileCoverage:
        """The union of two measurements: a line is covered when either covers it."""
        hits = dict(self.hits)
        for line, hit in other.hits.items():
            hits[line] = hits.get(line, 0) + hit
        branches = dict(self.branches)
        for line, branch in other.branches.items():
            mine = branches.get(line)
            branches[line] = branch if mine is None else mine.merge(branch)
        return FileCoverage(self.path, hits, branches)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """A whole coverage report: files by path, and where it was read from."""

    files: Mapping[str, FileCoverage]
    sources: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()

    @property
    def counts(self) -> Counts:
        total = Counts()
        for file in self.files.values():
            total += file.counts
        return total

    @property
    def has_branches(self) -> bool:
        return any(file.branches for file in self.files.values())

    @classmethod
    def merged(cls, reports: Iterable[CoverageReport]) -> CoverageReport:
        """Several reports as one, line by line, as diff-cover merges them."""
        files: dict[str, FileCoverage] = {}
        sources: list[str] = []
        origins: list[str] = []
        for report in reports:
            for path, file in report.files.items():
                mine = files.get(path)
                files[path] = file if mine is None else mine.merge(file)
            sources.extend(s for s in report.sources if s not in sources)
            origins.extend(report.origins)
        return cls(files, tuple(sources), tuple(origins))


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic of a checker (mypy, ruff); lines and columns 1-based, None when not given."""

    tool: str
    path: str
    message: str
    code: str | None = None
    severity: str = "error"
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    notes: tuple[str, ...] = ()
    fixable: bool = False


@dataclass(frozen=True, slots=True)
class CheckReport:
    """A checker's findings, and what its own summary line claimed."""

    tool: str
    findings: tuple[Finding, ...]
    claimed_errors: int | None = None
    files_checked: int | None = None

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")

    @property
    def notes(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "note")

    @property
    def files(self) -> int:
        """Files with at least one error."""
        return len({finding.path for finding in self.findings if finding.severity == "error"})


OUTCOMES = ("passed", "failed", "error", "skipped")


@dataclass(frozen=True, slots=True)
class TestCase:
    """One <testcase>: its worst outcome, and what a reviewer needs to see of a failure."""

    classname: str
    name: str
    time: float = 0.0
    outcome: str = "passed"
    kind: str = ""
    message: str = ""
    details: str = ""
    file: str | None = None
    line: int | None = None

    @property
    def test_id(self) -> str:
        """pytest's node id where the file is known (`tests/test_a.py::TestB::test_c`), else dotted."""
        if self.file and not self.classname:
            return self.file  # a collection error names the module, not a test
        if self.file and self.file.endswith(".py"):
            module = self.file[:-3].replace("/", ".")
            inner = self.classname.removeprefix(module).lstrip(".")
            parts = [self.file, *filter(None, inner.split(".")), self.name]
            return "::".join(parts)
        return f"{self.classname}::{self.name}" if self.classname else self.name


@dataclass(frozen=True, slots=True)
class TestReport:
    """Every test case of one or more JUnit reports."""

    cases: tuple[TestCase, ...]
    duration: float = 0.0
    origins: tuple[str, ...] = ()

    def count(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def tests(self) -> int:
        return len(self.cases)

    @property
    def problems(self) -> tuple[TestCase, ...]:
        return tuple(case for case in self.cases if case.outcome in ("failed", "error"))


@dataclass(frozen=True, slots=True)
class Leg:
    """One matrix leg, as its `py-ci report --save` result file tells it."""

    origin: str
    labels: Mapping[str, str]
    # (gate, passed, message) for every gate the leg applied.
    verdicts: tuple[tuple[str, bool, str], ...]
    tests: Mapping[str, int] | None = None
    failures: tuple[tuple[str, str, str], ...] = ()  # (test id, outcome, message)
    coverage: CoverageReport | None = None
    workspace: str | None = None  # the leg's project folder, where its coverage data was measured

    @property
    def name(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in self.labels.items()) or self.origin

    def passed(self, excluding: frozenset[str] = frozenset()) -> bool:
        return all(passed for gate, passed, _ in self.verdicts if gate not in excluding)


@dataclass(frozen=True, slots=True)
class DiffFile:
    """The changed lines of one file that the report measures, and which of them ran."""

    path: str
    measured: tuple[int, ...]
    missing: tuple[int, ...]

    @property
    def counts(self) -> Counts:
        return Counts(len(self.measured), len(self.measured) - len(self.missing))


@dataclass(frozen=True, slots=True)
class DiffCoverage:
    """Statement coverage of a change's added and modified lines, as diff-cover computes it."""

    base: str
    merge_base: str
    files: tuple[DiffFile, ...]

    @property
    def counts(self) -> Counts:
        total = Counts()
        for file in self.files:
            total += file.counts
        return total
