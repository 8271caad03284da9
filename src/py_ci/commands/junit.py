"""`py-ci junit`: JUnit XML reports in, test totals, failures and one verdict out."""

from __future__ import annotations

from py_ci.commands import Console
from py_ci.job_result import read_tests, tests_section
from py_ci.model import TestsSection
from py_ci.options import Options


def run(options: Options, console: Console) -> TestsSection:
    return tests_section(read_tests(options.junit_reports, options.workspace, options.input_limit))
