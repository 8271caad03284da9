"""`py-ci coverage`: Cobertura reports in, one coverage verdict out."""

from __future__ import annotations

from py_ci.commands import Console
from py_ci.job_result import coverage_section, read_coverage
from py_ci.model import CoverageSection
from py_ci.options import Options


def run(options: Options, console: Console) -> CoverageSection:
    report = read_coverage(options.coverage_reports, options.workspace, options.input_limit)
    return coverage_section(report, options)
