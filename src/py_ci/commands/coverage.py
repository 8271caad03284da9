"""`py-ci coverage`: Cobertura reports in, one coverage verdict out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from py_ci.cli import Publication
from py_ci.config import load_options
from py_ci.gates import coverage_verdicts
from py_ci.github import SUMMARY_LIMIT
from py_ci.model import CoverageReport
from py_ci.paths import relocate
from py_ci.readers.cobertura import read_cobertura
from py_ci.renderers.annotations import coverage_annotations
from py_ci.renderers.coverage_summary import coverage_markdown
from py_ci.renderers.markdown import Budget
from py_ci.renderers.results import coverage_json, coverage_outputs
from py_ci.renderers.terminal import coverage_text


def coverage_publication(
    paths: list[Path], workspace: Path, environ: Mapping[str, str], flags: Mapping[str, object]
) -> Publication:
    options = load_options(workspace, environ, flags)
    report = CoverageReport.merged(relocate(read_cobertura(path), workspace) for path in paths)
    verdicts = coverage_verdicts(report, options)
    passed = all(v.passed for v in verdicts)

    return Publication(
        passed=passed,
        result=coverage_json(report, options, verdicts),
        markdown=coverage_markdown(report, options, verdicts, Budget(SUMMARY_LIMIT * 9 // 10)),
        text=coverage_text(report, options, verdicts),
        outputs=coverage_outputs(report, passed),
        annotations=coverage_annotations(options, verdicts),
    )
