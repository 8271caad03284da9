"""The machine-readable result (`--json`) and the step outputs, as DESIGN.md names them."""

from __future__ import annotations

from typing import Any

from py_ci.config import Options
from py_ci.gates import Verdict, display_percent
from py_ci.model import CheckReport, CoverageReport, Finding, TestCase, TestReport
from py_ci.readers.ruff import FORMAT_TOOL
from py_ci.renderers.check_summary import CheckView
from py_ci.renderers.files import missing_text


def coverage_json(report: CoverageReport, options: Options, verdicts: list[Verdict]) -> dict[str, Any]:
    counts = report.counts
    return {
        "total": counts.percent,
        "lines_valid": counts.lines_valid,
        "lines_covered": counts.lines_covered,
        "branches_valid": counts.branches_valid,
        "branches_covered": counts.branches_covered,
        "fail_under": None if options.fail_under is None else options.fail_under.value,
        "fail_under_source": None if options.fail_under is None else options.fail_under.origin,
        "fail_under_file": None if options.fail_under_file is None else options.fail_under_file.value,
        "precision": options.precision.value,
        "passed": all(v.passed for v in verdicts),
        "verdicts": [{"gate": v.gate, "passed": v.passed, "message": v.message} for v in verdicts],
        "reports": list(report.origins),
        "files": [
            {
                "path": file.path,
                "total": file.counts.percent,
                "lines_valid": file.counts.lines_valid,
                "lines_covered": file.counts.lines_covered,
                "branches_valid": file.counts.branches_valid,
                "branches_covered": file.counts.branches_covered,
                "missing": missing_text(file),
            }
            for file in sorted(report.files.values(), key=lambda f: f.path)
        ],
    }


def coverage_outputs(report: CoverageReport, passed: bool) -> dict[str, str]:
    counts = report.counts
    return {
        "coverage": display_percent(counts.percent, 2),
        "lines-covered": str(counts.lines_covered),
        "lines-valid": str(counts.lines_valid),
        "branches-covered": str(counts.branches_covered),
        "branches-valid": str(counts.branches_valid),
        "passed": "true" if passed else "false",
    }


def finding_json(finding: Finding, new: bool | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "notes": list(finding.notes),
        "fixable": finding.fixable,
    }
    if new is not None:
        item["new"] = new
    return item


def findings_json(view: CheckView) -> list[dict[str, Any]]:
    new = set(map(id, view.comparison.new)) if view.comparison is not None else None
    return [finding_json(f, None if new is None else id(f) in new) for f in view.findings]


def _verdicts(view: CheckView) -> list[dict[str, Any]]:
    return [{"gate": v.gate, "passed": v.passed, "message": v.message} for v in view.verdicts]


def mypy_json(view: CheckView, report: CheckReport) -> dict[str, Any]:
    return {
        "errors": report.errors,
        "notes": report.notes,
        "files": report.files,
        "files_checked": report.files_checked,
        "new_errors": None if view.comparison is None else len(view.comparison.new),
        "fixed_errors": None if view.comparison is None else sum(n for _, n in view.comparison.fixed),
        "max_errors": view.limits["mypy"].value,
        "passed": all(v.passed for v in view.verdicts),
        "verdicts": _verdicts(view),
        "findings": findings_json(view),
    }


def ruff_json(view: CheckView, violations: int, unformatted: int) -> dict[str, Any]:
    checked = [f for f in view.findings if f.tool != FORMAT_TOOL]
    return {
        "violations": violations,
        "fixable": sum(1 for f in checked if f.fixable),
        "unformatted_files": unformatted,
        "new_violations": None
        if view.comparison is None
        else sum(1 for f in view.comparison.new if f.tool != FORMAT_TOOL),
        "max_violations": view.limits["ruff"].value,
        "passed": all(v.passed for v in view.verdicts),
        "verdicts": _verdicts(view),
        "findings": findings_json(view),
    }


def case_json(case: TestCase) -> dict[str, Any]:
    return {
        "id": case.test_id,
        "outcome": case.outcome,
        "message": case.message,
        "details": case.details,
        "file": case.file,
        "line": case.line,
        "time": case.time,
    }


def test_counts(report: TestReport) -> dict[str, Any]:
    """The totals as DESIGN.md names them, for --json and for result files."""
    return {
        "tests": report.tests,
        "passed": report.count("passed"),
        "failed": report.count("failed"),
        "errors": report.count("error"),
        "skipped": report.count("skipped"),
        "duration": report.duration,
    }


def tests_json(report: TestReport, verdict: Verdict) -> dict[str, Any]:
    slowest = sorted(report.cases, key=lambda case: case.time, reverse=True)[:10]
    return {
        **test_counts(report),
        "passed_gate": verdict.passed,
        "verdicts": [{"gate": verdict.gate, "passed": verdict.passed, "message": verdict.message}],
        "reports": list(report.origins),
        "failures": [case_json(case) for case in report.problems],
        "slowest": [{"id": case.test_id, "time": case.time} for case in slowest],
    }


def tests_outputs(report: TestReport, passed: bool) -> dict[str, str]:
    return {
        "tests": str(report.tests),
        "failures": str(report.count("failed")),
        "errors": str(report.count("error")),
        "skipped": str(report.count("skipped")),
        "passed": "true" if passed else "false",
    }
