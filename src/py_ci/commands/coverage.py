"""`py-ci coverage`: Cobertura reports in, one coverage verdict out."""

from __future__ import annotations

from pathlib import Path

from py_ci.cli import Publication
from py_ci.config import Options
from py_ci.gates import coverage_verdicts
from py_ci.model import CoverageReport
from py_ci.paths import relocate
from py_ci.readers.cobertura import read_cobertura
from py_ci.renderers.annotations import coverage_annotations
from py_ci.renderers.coverage_summary import coverage_markdown
from py_ci.renderers.markdown import Budget, summary_budget
from py_ci.renderers.results import coverage_json, coverage_outputs
from py_ci.renderers.terminal import coverage_text


def read_coverage(paths: list[Path], workspace: Path) -> CoverageReport:
    """The reports merged line by line, their paths relative to the workspace."""
    return CoverageReport.merged(relocate(read_cobertura(path), workspace) for path in paths)


def coverage_publication(report: CoverageReport, options: Options, budget: Budget | None = None) -> Publication:
    verdicts = coverage_verdicts(report, options)
    passed = all(v.passed for v in verdicts)
    return Publication(
        passed=passed,
        result=coverage_json(report, options, verdicts),
        markdown=coverage_markdown(report, options, verdicts, budget or summary_budget()),
        text=coverage_text(report, options, verdicts),
        outputs=coverage_outputs(report, passed),
        annotations=coverage_annotations(options, verdicts),
    )
