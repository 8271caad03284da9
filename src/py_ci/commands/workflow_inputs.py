"""`py-ci workflow-inputs`: the plan the reusable workflow's checked inputs make, before any job starts."""

from __future__ import annotations

import re

from py_ci.commands import Console
from py_ci.model import WorkflowPlan
from py_ci.options import Options
from py_ci.pipeline import MATRIX_JOB, SINGLE_JOB


def newest(versions: tuple[str, ...]) -> str:
    """The highest CPython X.Y among the versions, for the jobs that run once; else the last one listed."""
    numbered = [(tuple(int(part) for part in v.split(".")[:2]), v) for v in versions if re.match(r"\d+\.\d+$", v)]
    return max(numbered)[1] if numbered else versions[-1]


def run(options: Options, console: Console) -> WorkflowPlan:
    groups = options.groups
    kinds = ((MATRIX_JOB, True), (SINGLE_JOB, False))
    unplanned = [job for job, matrix in kinds if not any(group.matrix == matrix for group in groups)]
    return WorkflowPlan(
        options.python_versions,
        options.os,
        newest(options.python_versions),
        groups,
        options.pytest_args.value,
        tuple(unplanned),
    )
