"""The reusable workflow's jobs by name, as `.github/workflows/py-ci.yml` declares them, in the order they run."""

from __future__ import annotations

# The jobs that run the test groups: across the Python x OS matrix, and once beside the services.
MATRIX_JOB, SINGLE_JOB = "test", "group"
# Not jobs of their own: the gate job's steps that check the inputs, and combine and gate the coverage of every leg.
INPUTS_STEP, COVERAGE_JOB = "inputs", "coverage"
JOBS = (INPUTS_STEP, "lint", "typecheck", MATRIX_JOB, SINGLE_JOB, COVERAGE_JOB)


def in_pipeline_order(names: list[str]) -> list[str]:
    """The workflow's own jobs in their order, then any other job by name (`needs` has no order of its own)."""
    known = [name for name in JOBS if name in names]
    return known + sorted(name for name in names if name not in JOBS)
