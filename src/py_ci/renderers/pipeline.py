"""The reusable workflow's own jobs in words: the plan the inputs make, and the gate's verdict over every job."""

from __future__ import annotations

import json
import shlex

from py_ci.model import GateResult, NeededJob, WorkflowPlan
from py_ci.renderers.markdown import code, escape, table
from py_ci.renderers.results import JSON, coverage_outputs, verdicts_json
from py_ci.test_groups import TestGroup


def _where(group: TestGroup, plan: WorkflowPlan) -> str:
    if group.matrix:
        legs = len(plan.python_versions) * len(plan.os)
        return f"{legs} legs: Python {', '.join(plan.python_versions)} on {', '.join(plan.os)}"
    return f"once, Python {plan.newest_python} on ubuntu-latest"


def _what(group: TestGroup) -> str:
    parts = [code(shlex.join(group.pytest_args()) or "pytest's own testpaths")]
    if group.services:
        parts.append("with " + " and ".join(group.services))
    if group.start:
        parts.append(f"starts {code(group.start)}, waits for {code(group.ready)}")
    return "; ".join(parts)


def plan_markdown(plan: WorkflowPlan) -> str:
    rows = [["lint, typecheck", f"Python {plan.newest_python} on ubuntu-latest", "ruff; mypy"]]
    rows += [[f"test group {code(g.name)}", _where(g, plan), _what(g)] for g in plan.groups]
    return "## py-ci: the plan\n\n" + "\n".join(table(["jobs", "where", "what runs"], "lll", rows)) + "\n"


def plan_outputs(plan: WorkflowPlan) -> dict[str, str]:
    matrix, single = plan.job_plans(matrix=True), plan.job_plans(matrix=False)
    return {
        "python-versions": json.dumps(list(plan.python_versions)),
        "os": json.dumps(list(plan.os)),
        "newest-python": plan.newest_python,
        # Empty, not [], when there are none: the jobs test for '' (an empty matrix is an error).
        "matrix-groups": json.dumps(matrix) if matrix else "",
        "single-groups": json.dumps(single) if single else "",
        "unplanned-jobs": json.dumps(list(plan.unplanned_jobs)),
    }


def plan_json(plan: WorkflowPlan) -> JSON:
    return {
        "python_versions": list(plan.python_versions),
        "os": list(plan.os),
        "matrix_groups": plan.job_plans(matrix=True),
        "single_groups": plan.job_plans(matrix=False),
        "unplanned_jobs": list(plan.unplanned_jobs),
    }


def job_state(job: NeededJob, gate: GateResult) -> str:
    if job.result == "success":
        return "✅ passed"
    if job.result == "skipped":
        # The mark GitHub's own pages give a job with nothing to do.
        return "➖ none planned" if job.name in gate.unplanned else "⏭️ skipped"  # noqa: RUF001
    return f"❌ {job.result}"


def _coverage(gate: GateResult) -> str | None:
    """The combined coverage: the gate's own (`--combine`), else a job's that handed one on."""
    if gate.matrix is not None and gate.matrix.coverage is not None:
        return coverage_outputs(gate.matrix.coverage)["coverage"]
    for job in gate.jobs:
        value = job.outputs.get("coverage", "")
        if value.replace(".", "", 1).isdigit():
            return value
    return None


def gate_markdown(gate: GateResult) -> str:
    rows = [[escape(job.name), job_state(job, gate)] for job in gate.jobs]
    lines = ["## py-ci gate", "", *table(["job", "result"], "ll", rows)]
    lines += [
        line for error in (gate.inputs_error, gate.combine_error) if error for line in ("", f"❌ {escape(error)}")
    ]
    coverage = _coverage(gate)
    if coverage is not None:
        lines += ["", f"Combined coverage: {coverage}%"]
    plan = ["", plan_markdown(gate.plan).rstrip("\n")] if gate.plan else []
    return "\n".join([*lines, *plan]) + "\n"


def gate_text(gate: GateResult) -> str:
    lines = [f"{job.name}: {job_state(job, gate)}" for job in gate.jobs]
    lines += [f"py-ci: error: {error}" for error in (gate.inputs_error, gate.combine_error) if error]
    return "\n".join([*lines, f"py-ci gate {'passed' if gate.passed else 'FAILED'}: {gate.verdict.message}"]) + "\n"


def gate_json(gate: GateResult) -> JSON:
    return {
        "jobs": [{"name": job.name, "result": job.result, "state": job_state(job, gate)} for job in gate.jobs],
        "failed": list(gate.failed),
        "skipped": list(gate.skipped),
        "coverage": _coverage(gate),
        "inputs_error": gate.inputs_error or None,
        "combine_error": gate.combine_error or None,
        "combined": None,  # `--combine`: the document `py-ci combine --json` gives, added where it is rendered
        "plan": plan_json(gate.plan) if gate.plan else None,
        "passed": gate.passed,
        "verdicts": verdicts_json([gate.verdict]),
    }
