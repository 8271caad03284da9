"""`py-ci run` and `py-ci action`: the checks in parallel in the project's own environment, then one result."""

from __future__ import annotations

from py_ci.commands import Console
from py_ci.local_run import run_locally
from py_ci.model import JobResult
from py_ci.options import Options


def run(options: Options, console: Console) -> JobResult:
    return run_locally(options, console)
