"""The machine-readable result (`--json`) and the step outputs, as DESIGN.md names them."""

from __future__ import annotations

from typing import Any

from py_ci.config import Options
from py_ci.gates import Verdict, display_percent
from py_ci.model import CoverageReport
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
