"""The machine-readable result (`--json`) and the step outputs, as DESIGN.md names them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from py_ci.gates import display_percent
from py_ci.model import (
    CheckSection,
    CoverageSection,
    DiffCoverage,
    Finding,
    JobResult,
    TestCase,
    TestCounts,
    TestsSection,
    Verdict,
)
from py_ci.options import Gates
from py_ci.readers.ruff import FORMAT_TOOL, UNFORMATTED
from py_ci.renderers.diff_summary import diff_missing
from py_ci.renderers.files import missing_text

JSON = dict[str, Any]


def flag(value: bool) -> str:
    """A boolean as a step output: `true` or `false`."""
    return "true" if value else "false"


def verdicts_json(verdicts: Iterable[Verdict]) -> list[JSON]:
    return [{"gate": v.gate, "passed": v.passed, "message": v.message} for v in verdicts]


def _counts_json(counts: Any) -> JSON:
    return {
        "total": counts.percent,
        "lines_valid": counts.lines_valid,
        "lines_covered": counts.lines_covered,
    }


def diff_json(diff: DiffCoverage, gates: Gates) -> JSON:
    return {
        **_counts_json(diff.counts),
        "base": diff.base,
        "merge_base": diff.merge_base,
        "fail_under": None if gates.diff_fail_under is None else gates.diff_fail_under.value,
        "files": [
            {"path": file.path, **_counts_json(file.counts), "missing": diff_missing(file)} for file in diff.files
        ],
    }


def coverage_json(section: CoverageSection, gates: Gates) -> JSON:
    report, counts = section.report, section.report.counts
    result: JSON = {
        **_counts_json(counts),
        "branches_valid": counts.branches_valid,
        "branches_covered": counts.branches_covered,
        "fail_under": None if gates.fail_under is None else gates.fail_under.value,
        "fail_under_source": None if gates.fail_under is None else gates.fail_under.origin,
        "fail_under_file": None if gates.fail_under_file is None else gates.fail_under_file.value,
        "precision": gates.precision.value,
        "passed": all(v.passed for v in section.verdicts),
        "verdicts": verdicts_json(section.verdicts),
        "reports": list(report.origins),
        "files": [
            {
                "path": file.path,
                **_counts_json(file.counts),
                "branches_valid": file.counts.branches_valid,
                "branches_covered": file.counts.branches_covered,
                "missing": missing_text(file),
            }
            for file in sorted(report.files.values(), key=lambda f: f.path)
        ],
    }
    if report.left_out:
        result["left_out"] = list(report.left_out)
    if report.carried:
        result["carried"] = list(report.carried)
    if section.diff is not None:
        result["diff"] = diff_json(section.diff, gates)
    return result


def coverage_outputs(section: CoverageSection) -> dict[str, str]:
    counts = section.report.counts
    outputs = {
        "coverage": display_percent(counts.percent, 2),
        "lines-covered": str(counts.lines_covered),
        "lines-valid": str(counts.lines_valid),
        "branches-covered": str(counts.branches_covered),
        "branches-valid": str(counts.branches_valid),
    }
    if section.diff is not None:
        outputs["diff-coverage"] = display_percent(section.diff.counts.percent, 2)
    return outputs


def finding_json(finding: Finding, new: bool | None) -> JSON:
    item: JSON = {
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


def _findings_json(section: CheckSection) -> list[JSON]:
    new = set(map(id, section.comparison.new)) if section.comparison is not None else None
    return [finding_json(f, None if new is None else id(f) in new) for f in section.report.findings]


def violations(section: CheckSection) -> int:
    """Findings of `ruff check` (not of `ruff format --check`)."""
    return sum(1 for f in section.report.findings if f.tool != FORMAT_TOOL)


def unformatted(section: CheckSection) -> int:
    """Files `ruff format --check` would change."""
    return len({f.path for f in section.report.findings if f.code == UNFORMATTED})


def check_counts(section: CheckSection) -> JSON:
    """The counts a result file keeps of a checker, and --json leads with."""
    comparison = section.comparison
    if section.type_checker:
        return {"errors": section.report.errors, "new_errors": None if comparison is None else len(comparison.new)}
    new = None if comparison is None else sum(1 for f in comparison.new if f.tool != FORMAT_TOOL)
    return {"violations": violations(section), "unformatted_files": unformatted(section), "new_violations": new}


def check_json(section: CheckSection) -> JSON:
    report, comparison = section.report, section.comparison
    if section.type_checker:
        head: JSON = {
            "errors": report.errors,
            "notes": report.notes,
            "files": report.files,
            "files_checked": report.files_checked,
            "new_errors": None if comparison is None else len(comparison.new),
            "fixed_errors": None if comparison is None else sum(n for _, n in comparison.fixed),
            "max_errors": section.limit.value,
        }
    else:
        counts = check_counts(section)
        head = {
            "violations": counts["violations"],
            "fixable": sum(1 for f in report.findings if f.tool != FORMAT_TOOL and f.fixable),
            "unformatted_files": counts["unformatted_files"],
            "new_violations": counts["new_violations"],
            "max_violations": section.limit.value,
        }
    return {
        **head,
        "passed": all(v.passed for v in section.verdicts),
        "verdicts": verdicts_json(section.verdicts),
        "findings": _findings_json(section),
    }


def check_outputs(section: CheckSection) -> dict[str, str]:
    if section.type_checker:
        return {f"{section.tool}-errors": str(section.report.errors)}
    return {"ruff-violations": str(violations(section)), "unformatted-files": str(unformatted(section))}


def case_json(case: TestCase) -> JSON:
    return {
        "id": case.test_id,
        "outcome": case.outcome,
        "message": case.message,
        "details": case.details,
        "file": case.file,
        "line": case.line,
        "time": case.time,
    }


def test_counts_json(counts: TestCounts) -> JSON:
    """The totals as DESIGN.md names them, for --json and for result files."""
    return {
        "tests": counts.tests,
        "passed": counts.passed,
        "failed": counts.failed,
        "errors": counts.errors,
        "skipped": counts.skipped,
        "duration": counts.duration,
    }


def tests_json(section: TestsSection) -> JSON:
    report, verdict = section.report, section.verdict
    slowest = sorted(report.cases, key=lambda case: case.time, reverse=True)[:10]
    return {
        **test_counts_json(report.counts),
        "passed_gate": verdict.passed,
        "verdicts": verdicts_json([verdict]),
        "reports": list(report.origins),
        "failures": [case_json(case) for case in report.problems],
        "slowest": [{"id": case.test_id, "time": case.time} for case in slowest],
    }


def tests_outputs(counts: TestCounts) -> dict[str, str]:
    return {
        "tests": str(counts.tests),
        "failures": str(counts.failed),
        "errors": str(counts.errors),
        "skipped": str(counts.skipped),
    }


def job_json(job: JobResult, gates: Gates) -> JSON:
    result: JSON = {"passed": job.passed, "labels": dict(job.labels)}
    if job.notes:
        result["notes"] = list(job.notes)
    if job.not_run:
        result["not_run"] = [
            {"gate": p.gate, "title": p.title, "what": p.what, "cause": p.cause, "fix": p.fix} for p in job.not_run
        ]
    if job.tests is not None:
        result["tests"] = tests_json(job.tests)
    for section in job.checks:
        result[section.tool] = check_json(section)
    if job.coverage is not None:
        result["coverage"] = coverage_json(job.coverage, gates)
    if job.ran:
        result["ran"] = [{"check": r.title, "command": r.command, "settings": r.settings} for r in job.ran]
    return result


def job_outputs(job: JobResult) -> dict[str, str]:
    outputs: dict[str, str] = {}
    if job.tests is not None:
        outputs.update(tests_outputs(job.tests.report.counts))
    for section in job.checks:
        outputs.update(check_outputs(section))
    if job.coverage is not None:
        outputs.update(coverage_outputs(job.coverage))
    return {**outputs, "passed": flag(job.passed)}
