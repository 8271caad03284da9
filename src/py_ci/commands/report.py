"""`py-ci report`: every check of one job in one result, and the result file `py-ci combine` reads."""

from __future__ import annotations

from py_ci.commands import Console
from py_ci.job_result import JobOutputs, job_result
from py_ci.model import JobResult
from py_ci.options import Options


def run(options: Options, console: Console) -> JobResult:
    outputs = JobOutputs(options.junit_reports, options.mypy_outputs, options.ruff_outputs, options.coverage_reports)
    return job_result(outputs, options, console.stdin)
