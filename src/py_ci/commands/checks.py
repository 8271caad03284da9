"""`py-ci mypy` and `py-ci ruff`: a checker's output in, findings, a gate and, when asked, a baseline out."""

from __future__ import annotations

from py_ci.commands import Console
from py_ci.job_result import mypy_section, ruff_section
from py_ci.model import CheckSection
from py_ci.options import Options


def mypy(options: Options, console: Console) -> CheckSection:
    return mypy_section(options.mypy_outputs, options, console.stdin)


def ruff(options: Options, console: Console) -> CheckSection:
    return ruff_section(options.ruff_outputs, options, console.stdin)
