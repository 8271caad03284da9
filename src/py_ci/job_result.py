"""One job's result: each section read from the tools' outputs, placed in the workspace, and judged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

from py_ci.baseline import baseline_key, compare, parse_baseline
from py_ci.diff_coverage import diff_coverage
from py_ci.failures import located, module_paths
from py_ci.files import InputLimit, read_text_input
from py_ci.gates import coverage_verdicts, diff_verdict, limit_verdict, tests_verdict
from py_ci.git import diff_since, merge_base, repository_root
from py_ci.model import (
    BaselineKey,
    CheckReport,
    CheckSection,
    CoverageReport,
    CoverageSection,
    DiffCoverage,
    Finding,
    JobResult,
    Setting,
    TestCase,
    TestReport,
    TestsSection,
    Verdict,
)
from py_ci.options import Options
from py_ci.paths import relative_to_workspace, relocate
from py_ci.readers.cobertura import read_cobertura
from py_ci.readers.git_diff import changed_lines
from py_ci.readers.junit import read_junit
from py_ci.readers.mypy import read_mypy
from py_ci.readers.pyrefly import read_pyrefly
from py_ci.readers.pyright import read_pyright
from py_ci.readers.ruff import FORMAT_TOOL, UNFORMATTED, read_ruff
from py_ci.readers.ty import read_ty


def read_tests(paths: Sequence[Path], workspace: Path, limit: InputLimit) -> TestReport:
    """Every report's cases, failures placed on their test file so their ids read like pytest's."""
    reports = [read_junit(path, limit) for path in paths]
    files: dict[str, str | None] = {}

    def relative(path: str) -> str:
        return relative_to_workspace(path, workspace)

    def on_disk(case: TestCase) -> TestCase:
        # xunit2 has no file attribute: the module's file in the workspace gives pytest's id.
        if case.file is not None:
            return case
        key = case.classname or case.name
        if key not in files:
            files[key] = next((p for p in module_paths(case) if (workspace / p).is_file()), None)
        return replace(case, file=files[key]) if files[key] else located(case, relative)

    cases = tuple(on_disk(case) for report in reports for case in report.cases)
    return TestReport(
        cases,
        sum(report.duration for report in reports),
        tuple(origin for report in reports for origin in report.origins),
    )


def tests_section(report: TestReport) -> TestsSection:
    return TestsSection(report, tests_verdict(report.count("failed"), report.count("error"), report.tests))


def read_coverage(paths: Sequence[Path], workspace: Path, limit: InputLimit) -> CoverageReport:
    """The reports merged line by line, their paths relative to the workspace."""
    return CoverageReport.merged(relocate(read_cobertura(path, limit), workspace) for path in paths)


def read_diff(report: CoverageReport, base: str, workspace: Path) -> DiffCoverage:
    """The report's coverage of the lines changed since the merge base of `base` and HEAD."""
    root = repository_root(workspace)
    start = merge_base(base, workspace)
    inside = workspace.resolve()
    changed: dict[str, set[int]] = {}
    for path, lines in changed_lines(diff_since(start, workspace)).items():
        absolute = (root / path).resolve()
        # A monorepo's project folder sees only its own files, named from the folder.
        if absolute.is_relative_to(inside):
            changed[absolute.relative_to(inside).as_posix()] = lines
    return diff_coverage(report, changed, base, start)


def coverage_section(report: CoverageReport, options: Options) -> CoverageSection:
    """The total and per-file gates and, with a base, the changed lines' coverage and its gate."""
    gates = options.gates
    verdicts = coverage_verdicts(report, gates)
    diff = read_diff(report, gates.diff_base, options.workspace) if gates.diff_base else None
    judged = diff_verdict(diff, gates) if diff is not None else None
    return CoverageSection(report, (*verdicts, *([judged] if judged is not None else [])), diff)


def _read_check(
    tool: str, outputs: Sequence[str], read: Callable[[str, str], CheckReport], options: Options, stdin: BinaryIO
) -> CheckReport:
    reports = [
        read(read_text_input(name, stdin, options.input_limit), "<stdin>" if name == "-" else name) for name in outputs
    ]
    workspace = options.workspace
    findings = tuple(
        replace(finding, path=relative_to_workspace(finding.path, workspace))
        for report in reports
        for finding in report.findings
    )
    claimed = [r.claimed_errors for r in reports]
    checked = [r.files_checked for r in reports]
    return CheckReport(
        tool,
        findings,
        None if None in claimed else sum(c for c in claimed if c is not None),
        None if None in checked else sum(c for c in checked if c is not None),
        any(r.stopped for r in reports),
        tuple(dict.fromkeys(part for r in reports for part in r.ran)),
    )


# The readers of the type checkers besides mypy, by tool.
_TYPE_READERS: dict[str, Callable[[str, str], CheckReport]] = {
    "ty": read_ty,
    "pyrefly": read_pyrefly,
    "basedpyright": partial(read_pyright, tool="basedpyright"),
    "pyright": partial(read_pyright, tool="pyright"),
}


def _part(key: BaselineKey) -> str:
    """Which part of a checker a baseline entry is for: `ruff format` names unformatted files, the rest is lint."""
    return FORMAT_TOOL if key[1] == UNFORMATTED else "ruff"


def _judged(report: CheckReport, baseline: Setting[str] | None, options: Options, stdin: BinaryIO) -> CheckSection:
    """The section with its baseline: written from these findings (--write-baseline), or read and compared."""
    counted = tuple(f for f in report.findings if f.severity == "error")
    write_to = options.gates.write_baseline
    if write_to is not None:
        baseline = Setting(str(write_to), "--write-baseline")
        comparison = compare(counted, Counter(baseline_key(f) for f in counted))
    elif baseline is not None:
        text = read_text_input(str(options.workspace / baseline.value), stdin, options.input_limit)
        accepted = parse_baseline(text, baseline.value, report.tool)
        # What a part that did not run accepts is neither matched nor fixed (ruff check, without --checks lint).
        if report.ran:
            accepted = Counter({key: n for key, n in accepted.items() if _part(key) in report.ran})
        comparison = compare(counted, accepted)
    else:
        comparison = None
    return CheckSection(report.tool, report, (), Setting(0, "default"), baseline, comparison)


def mypy_section(outputs: Sequence[str], options: Options, stdin: BinaryIO) -> CheckSection:
    return _type_section(_read_check("mypy", outputs, read_mypy, options, stdin), options, stdin)


def _type_section(report: CheckReport, options: Options, stdin: BinaryIO) -> CheckSection:
    """A type checker's section: its errors (beyond its baseline) against the limit of errors allowed."""
    tool = report.tool
    section = _judged(report, options.gates.baseline_of(tool), options, stdin)
    limit = options.gates.max_errors
    if report.stopped:
        # A blocking error (a syntax error, a duplicate module): the rest was never checked, so no count judges it.
        first = next((f for f in report.findings if f.severity == "error"), None)
        said = f"{first.path}: {first.message}" if first is not None else "no error named"
        verdict = Verdict(
            tool, False, f"{tool} stopped before checking everything (errors prevented further checking): {said}"
        )
    else:
        against = section.comparison is not None
        counted = len(section.comparison.new) if section.comparison is not None else report.errors
        verdict = limit_verdict(tool, counted, limit.value, "error", against)
    return replace(section, verdicts=(verdict,), limit=limit)


def type_sections(
    outputs: Sequence[tuple[str, str, str]], options: Options, stdin: BinaryIO
) -> tuple[CheckSection, ...]:
    """The sections of the type checkers besides mypy, each output read by its own reader."""
    sections = []
    for tool, output, log in outputs:
        read = _TYPE_READERS[tool]
        if tool == "pyrefly":
            # Pyrefly's own count is on its stderr, beside the JSON.
            said = read_text_input(log, stdin, options.input_limit) if Path(log).is_file() else ""
            read = partial(read_pyrefly, log=said)
        report = _read_check(tool, [output], read, options, stdin)
        if tool in options.warnings_fail:
            # Configured to fail on warnings (ty's error-on-warning): each counts, and is annotated, as an error.
            findings = tuple(replace(f, severity="error") if f.severity == "warning" else f for f in report.findings)
            report = replace(report, findings=findings)
        sections.append(_type_section(report, options, stdin))
    return tuple(sections)


def ruff_section(outputs: Sequence[str], options: Options, stdin: BinaryIO) -> CheckSection:
    report = _read_check("ruff", outputs, read_ruff, options, stdin)
    section = _judged(report, options.gates.ruff_baseline, options, stdin)
    limit = options.gates.max_violations
    gated = section.shown
    against = section.comparison is not None

    def count(findings: tuple[Finding, ...], formatting: bool) -> int:
        return sum(1 for f in findings if (f.tool == FORMAT_TOOL) is formatting)

    # A verdict for each part that ran: `--checks format` says nothing of ruff check.
    verdicts = []
    if "ruff" in report.ran:
        verdicts.append(limit_verdict("ruff", count(gated, False), limit.value, "violation", against))
    if FORMAT_TOOL in report.ran:
        verdicts.append(limit_verdict(FORMAT_TOOL, count(gated, True), 0, "format finding", against))
    return replace(section, verdicts=tuple(verdicts), limit=limit)


@dataclass(frozen=True)
class JobOutputs:
    """The tools' outputs of one job: JUnit and Cobertura reports, mypy's and ruff's output ('-' is stdin)."""

    junit: tuple[Path, ...] = ()
    mypy: tuple[str, ...] = ()
    ruff: tuple[str, ...] = ()
    coverage: tuple[Path, ...] = ()
    types: tuple[tuple[str, str, str], ...] = ()  # the other type checkers: each its tool, its output and its stderr


def job_result(outputs: JobOutputs, options: Options, stdin: BinaryIO) -> JobResult:
    """The sections the job's outputs give, in the order a reviewer reads them."""
    limit, workspace = options.input_limit, options.workspace
    tests = read_tests(outputs.junit, workspace, limit) if outputs.junit else None
    coverage = read_coverage(outputs.coverage, workspace, limit) if outputs.coverage else None
    return JobResult(
        labels=dict(options.labels),
        tests=None if tests is None else tests_section(tests),
        mypy=mypy_section(outputs.mypy, options, stdin) if outputs.mypy else None,
        types=type_sections(outputs.types, options, stdin),
        ruff=ruff_section(outputs.ruff, options, stdin) if outputs.ruff else None,
        coverage=None if coverage is None else coverage_section(coverage, options),
        workspace=str(workspace.resolve()),
    )
