"""The typed model every reader produces and every gate and renderer consumes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from py_ci.test_groups import TestGroup

T = TypeVar("T")


NO_TESTS = "collected no tests"  # how pytest's exit 5 is said


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """A value and where it came from, so the summary can say why a gate applies."""

    value: T
    origin: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One gate's outcome, with the sentence a reviewer reads."""

    gate: str
    passed: bool
    message: str
    path: str | None = None


def all_passed(verdicts: Iterable[Verdict]) -> bool:
    return all(verdict.passed for verdict in verdicts)


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
    # Counted once: the gates, the tables and the JSON each read them (a 20 MiB report has thousands of files).
    counts: Counts = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        counts = Counts(
            lines_valid=len(self.hits),
            lines_covered=sum(1 for hit in self.hits.values() if hit),
            branches_valid=sum(b.valid for b in self.branches.values()),
            branches_covered=sum(b.covered for b in self.branches.values()),
        )
        object.__setattr__(self, "counts", counts)

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
    # Measured files coverage.py cannot report (not Python, no source here), each with why: out of the figure.
    left_out: tuple[str, ...] = ()
    # Measured files the legs' installs generated, put back from their results where this checkout lacked them.
    carried: tuple[str, ...] = ()
    counts: Counts = field(init=False, compare=False, repr=False)  # the total, counted once

    def __post_init__(self) -> None:
        total = Counts()
        for file in self.files.values():
            total += file.counts
        object.__setattr__(self, "counts", total)

    @property
    def has_branches(self) -> bool:
        return any(file.branches for file in self.files.values())

    @classmethod
    def merged(cls, reports: Iterable[CoverageReport]) -> CoverageReport:
        """Several reports as one, line by line, as diff-cover merges them."""
        files: dict[str, FileCoverage] = {}
        sources: list[str] = []
        origins: list[str] = []
        left_out: list[str] = []
        carried: list[str] = []
        for report in reports:
            for path, file in report.files.items():
                mine = files.get(path)
                files[path] = file if mine is None else mine.merge(file)
            sources.extend(s for s in report.sources if s not in sources)
            origins.extend(report.origins)
            left_out.extend(f for f in report.left_out if f not in left_out)
            carried.extend(f for f in report.carried if f not in carried)
        return cls(files, tuple(sources), tuple(origins), tuple(left_out), tuple(carried))


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
    # What the finding is about beyond its message, for a baseline: the changes `ruff format` would make.
    fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    """A checker's findings, and what its own summary line claimed."""

    tool: str
    findings: tuple[Finding, ...]
    claimed_errors: int | None = None
    files_checked: int | None = None
    stopped: bool = False  # mypy said errors prevented further checking: its count is not the code's
    ran: tuple[str, ...] = ()  # the parts whose output was read (ruff, ruff-format): only they are judged

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
# pytest's messages that say when a test failed, not why (the why is in the traceback).
_PYTEST_WRAPPERS = ("failed on setup with", "failed on teardown with", "collection failure", "failed on call with")


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

    __test__ = False  # a name pytest would otherwise collect

    @property
    def cause(self) -> str:
        """The first real cause: the message, or, where pytest's message only says when it failed (on setup, in
        collection), the first `E` line of the traceback (`fixture 'mocker' not found`, the import error)."""
        first = self.message.splitlines()[0] if self.message else ""
        told = [line[1:].strip() for line in self.details.splitlines() if line.startswith("E ") and line[1:].strip()]
        wrapper = not first or first.startswith(_PYTEST_WRAPPERS)
        return told[0] if wrapper and told else first

    def failure(self) -> TestCase:
        """The case as a matrix compares it with other legs': its id, its outcome and its message."""
        return TestCase("", self.test_id, outcome=self.outcome, message=self.message)

    @property
    def test_id(self) -> str:
        """pytest's node id where the file is known (`tests/test_a.py::TestB::test_c`), else dotted."""
        if self.file and not self.classname:
            return self.file  # a collection error names the module, not a test
        if self.file and self.file.endswith(".py"):
            inner = _inside(self.file[:-3].split("/"), self.classname)
            parts = [self.file, *filter(None, inner.split(".")), self.name]
            return "::".join(parts)
        return f"{self.classname}::{self.name}" if self.classname else self.name


def _inside(module: list[str], classname: str) -> str:
    """The class part of a dotted name whose module is `module` or its tail (`discover -s tests` names tests/test.py
    `test`): `tests.test_a.TestB` in tests/test_a.py is `TestB`."""
    for start in range(len(module)):
        prefix = ".".join(module[start:])
        if classname == prefix or classname.startswith(prefix + "."):
            return classname[len(prefix) :].lstrip(".")
    return classname


@dataclass(frozen=True, slots=True)
class TestReport:
    """Every test case of one or more JUnit reports."""

    cases: tuple[TestCase, ...]
    duration: float = 0.0
    origins: tuple[str, ...] = ()

    __test__ = False

    def count(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def tests(self) -> int:
        return len(self.cases)

    @property
    def problems(self) -> tuple[TestCase, ...]:
        return tuple(case for case in self.cases if case.outcome in ("failed", "error"))

    @property
    def counts(self) -> TestCounts:
        return TestCounts(
            self.tests,
            self.count("passed"),
            self.count("failed"),
            self.count("error"),
            self.count("skipped"),
            self.duration,
        )


@dataclass(frozen=True, slots=True)
class TestCounts:
    """Totals of test cases by outcome, as DESIGN.md names them; they add up across legs."""

    tests: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    duration: float = 0.0

    __test__ = False

    def __add__(self, other: TestCounts) -> TestCounts:
        return TestCounts(
            self.tests + other.tests,
            self.passed + other.passed,
            self.failed + other.failed,
            self.errors + other.errors,
            self.skipped + other.skipped,
            self.duration + other.duration,
        )


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


BaselineKey = tuple[str, str, str]  # file, code, message with line numbers normalised


@dataclass(frozen=True, slots=True)
class Comparison:
    """Findings against a baseline: the ones beyond its counts, and what it has that is gone."""

    new: tuple[Finding, ...]
    known: int
    fixed: tuple[tuple[BaselineKey, int], ...]


@dataclass(frozen=True, slots=True)
class TestsSection:
    """The tests of a job, judged."""

    report: TestReport
    verdict: Verdict

    __test__ = False


@dataclass(frozen=True, slots=True)
class CheckSection:
    """A checker's findings in a job, judged against its limit and, when there is one, its baseline."""

    tool: str
    report: CheckReport
    verdicts: tuple[Verdict, ...]
    limit: Setting[int]
    baseline: Setting[str] | None = None  # compared with, or written (--write-baseline)
    comparison: Comparison | None = None

    @property
    def shown(self) -> tuple[Finding, ...]:
        """The findings that are the change's own: with a baseline only the new ones."""
        return self.comparison.new if self.comparison is not None else self.report.findings

    @property
    def type_checker(self) -> bool:
        """A type checker's (mypy, ty, Pyrefly, basedpyright, Pyright): errors, not ruff's violations."""
        return self.tool != "ruff"


@dataclass(frozen=True, slots=True)
class CoverageSection:
    """A job's coverage, judged: the total, each file, and the changed lines of a pull request."""

    report: CoverageReport
    verdicts: tuple[Verdict, ...]
    diff: DiffCoverage | None = None


@dataclass(frozen=True, slots=True)
class Leg:
    """One matrix leg, as its result file tells it."""

    origin: str
    labels: Mapping[str, str]
    verdicts: tuple[Verdict, ...]
    tests: TestCounts | None = None
    failures: tuple[TestCase, ...] = ()
    coverage: CoverageReport | None = None
    workspace: str | None = None  # the leg's project folder, where its coverage data was measured

    @property
    def name(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in self.labels.items()) or self.origin

    def passed(self, excluding: frozenset[str] = frozenset()) -> bool:
        return all_passed(v for v in self.verdicts if v.gate not in excluding)


@dataclass(frozen=True, slots=True)
class NotRun:
    """A check that did not finish: never a pass and never a count, but what happened and its first cause."""

    gate: str  # the gate it would have judged: tests, mypy, ruff, ruff-format, coverage
    title: str  # `pytest (unit)`, `mypy`
    what: str  # `was interrupted (exit 2)`
    cause: str  # `ModuleNotFoundError: No module named 'yaml'`
    fix: str

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.gate, False, f"{self.title} {self.what}: {self.cause}")

    @property
    def no_tests(self) -> bool:
        """pytest collected no tests: a project with none yet, not a tool that broke."""
        return self.gate == "tests" and self.what.startswith(NO_TESTS)

    @property
    def line(self) -> str:
        """The one line of an error: what, where and how to fix it."""
        return f"{self.title} {self.what}: {self.cause}; {self.fix}"


@dataclass(frozen=True, slots=True)
class Ran:
    """How a check ran: its command, and where its settings came from."""

    title: str
    command: str
    settings: str


@dataclass(frozen=True)
class JobResult:
    """Everything one job found: its tests, checkers and coverage, each judged, and the checks that did not run."""

    labels: Mapping[str, str]
    tests: TestsSection | None = None
    mypy: CheckSection | None = None
    types: tuple[CheckSection, ...] = ()  # the other type checkers the project configures (ty, Pyrefly, ...)
    ruff: CheckSection | None = None
    coverage: CoverageSection | None = None
    workspace: str | None = None
    not_run: tuple[NotRun, ...] = ()
    ran: tuple[Ran, ...] = ()  # py-ci run's checks, when it ran them
    notes: tuple[str, ...] = ()  # what a reader should know that no section says (a job with nothing to run)
    parts: tuple[JobResult, ...] = ()  # a workflow job's test groups, each saved as a leg of its own

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """In the order a reviewer reads them: what did not run, tests, types, lint, coverage."""
        found: list[Verdict] = [problem.verdict for problem in self.not_run]
        found += [self.tests.verdict] if self.tests is not None else []
        for section in (*self.checks, self.coverage):
            found += section.verdicts if section is not None else ()
        return tuple(found)

    @property
    def checks(self) -> tuple[CheckSection, ...]:
        """The checkers' sections, in the order they are reported: the type checkers, then ruff."""
        return tuple(s for s in (self.mypy, *self.types, self.ruff) if s is not None)

    @property
    def passed(self) -> bool:
        return all_passed(self.verdicts)

    def leg(self, origin: str) -> Leg:
        """What a combining job needs of this job, as its result file keeps it."""
        tests = self.tests.report if self.tests is not None else None
        # A failure is known across legs by its id alone, and a report by the file it came in.
        failures = () if tests is None else tuple(case.failure() for case in tests.problems)
        coverage = None if self.coverage is None else replace(self.coverage.report, origins=(origin,))
        return Leg(
            origin,
            self.labels,
            self.verdicts,
            None if tests is None else tests.counts,
            failures,
            coverage,
            self.workspace,
        )


# A leg's own coverage is partial in a matrix: only the union is gated.
COVERAGE_GATES = frozenset({"coverage", "coverage-file"})


@dataclass(frozen=True)
class MatrixResult:
    """The legs of a matrix, the union of their coverage, and whether they and it pass."""

    legs: tuple[Leg, ...]
    legs_verdict: Verdict
    coverage: CoverageSection | None = None
    gate_legs: bool = True  # False: a pipeline whose gate job checks the legs judges the union alone
    durations: Mapping[str, float] | None = None  # every leg's test durations, merged, when asked for

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        return (self.legs_verdict, *(self.coverage.verdicts if self.coverage is not None else ()))

    @property
    def passed(self) -> bool:
        judged = self.verdicts if self.gate_legs else self.verdicts[1:]
        return all_passed(judged)

    @property
    def totals(self) -> TestCounts:
        total = TestCounts()
        for leg in self.legs:
            total += leg.tests or TestCounts()
        return total


@dataclass(frozen=True, slots=True)
class NeededJob:
    """A job the gate waits for, as the `needs` context tells it."""

    name: str
    result: str  # success, failure, cancelled or skipped
    outputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GateResult:
    """The pipeline's one verdict from its jobs' results."""

    jobs: tuple[NeededJob, ...]
    unplanned: frozenset[str]  # skipped on purpose: the plan had nothing for them
    failed: tuple[str, ...]
    skipped: tuple[str, ...]  # skipped though planned: they passed nothing
    verdict: Verdict
    plan: WorkflowPlan | None = None  # when the gate checked the workflow's inputs itself
    inputs_error: str = ""  # what is wrong with them, then
    matrix: MatrixResult | None = None  # when the gate combined the legs' coverage itself
    combine_error: str = ""  # why that could not be done, then

    @property
    def passed(self) -> bool:
        return self.verdict.passed


@dataclass(frozen=True)
class InstallResult:
    """How the project was installed, into which interpreter, which tools were added, and that the checkout is it."""

    layout: str  # the convention found: uv.lock, poetry, dependency groups, requirements files, ...
    commands: tuple[str, ...]
    added_tools: tuple[str, ...]
    python: str
    found: str = ""  # where in the project's files, and which groups or files
    installer: str = "uv"
    checked: tuple[tuple[str, str], ...] = ()  # each package, and where in the checkout it imports from
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkflowPlan:
    """What the reusable workflow's jobs run, from its checked inputs."""

    python_versions: tuple[str, ...]
    os: tuple[str, ...]
    newest_python: str
    groups: tuple[TestGroup, ...]
    user_pytest_args: tuple[str, ...]
    unplanned_jobs: tuple[str, ...]  # jobs the plan gives nothing to run: skipped on purpose

    def job_plans(self, matrix: bool) -> list[dict[str, Any]]:
        """The groups one kind of job runs, each with the caller's pytest arguments after its selection."""
        return [group.plan(self.user_pytest_args) for group in self.groups if group.matrix == matrix]


@dataclass(frozen=True, slots=True)
class AdoptedFile:
    """A file `py-ci init` writes, or would: what it holds, and whether it is new, the same, kept or replaced."""

    path: str  # from the project's folder
    text: str
    state: str  # new, updated (keys added), same, kept (it differs and --force was not given), replaced
    holds: str
    hidden: str = ""  # why git would not see it (a .gitignore rule), and the fix


@dataclass(frozen=True)
class Adoption:
    """What adopting py-ci takes for a first day that is green: today's measurements as the bar, and the files."""

    job: JobResult
    files: tuple[AdoptedFile, ...]
    notes: tuple[str, ...]  # what the next run will say all the same (failing tests, a check that cannot run)
    said: tuple[str, ...] = ()  # what init found around the project: its own CI, its linters, what it left out

    @property
    def passed(self) -> bool:
        return not self.notes
