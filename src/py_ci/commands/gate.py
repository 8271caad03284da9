"""`py-ci gate`: the reusable workflow's last job, one verdict from every job's result and the combined coverage."""

from __future__ import annotations

from py_ci.commands import Console, combine, workflow_inputs
from py_ci.errors import PyCIError, one_line
from py_ci.model import GateResult, MatrixResult, NeededJob, Verdict
from py_ci.options import Options
from py_ci.pipeline import COVERAGE_JOB, INPUTS_STEP, in_pipeline_order


def _combined(options: Options, console: Console) -> tuple[str, MatrixResult | None, str]:
    """`--combine`: the coverage's outcome as the combining step's would be, its result, and what went wrong."""
    if isinstance(options.combined, Options):
        try:
            matrix = combine.run(options.combined, console)
        except PyCIError as error:  # the row `coverage` says it; the other rows stand
            return "failure", None, one_line(error)
        return "success" if matrix.passed else "failure", matrix, ""
    if options.combined is not None:
        return "failure", None, options.combined
    return options.coverage_outcome, None, ""


def run(options: Options, console: Console) -> GateResult:
    inputs, plan, inputs_error = options.inputs_outcome, None, ""
    if isinstance(options.workflow_inputs, Options):  # `--inputs`: checked here, in the verdict's own process
        inputs, plan = "success", workflow_inputs.run(options.workflow_inputs, console)
    elif options.workflow_inputs is not None:
        inputs, inputs_error = "failure", options.workflow_inputs
    coverage, matrix, combine_error = _combined(options, console)
    unplanned = frozenset((*options.unplanned_jobs, *(plan.unplanned_jobs if plan else ())))
    # The job checks the inputs and combines the coverage itself: those outcomes are judged as jobs'.
    steps = ((INPUTS_STEP, inputs), (COVERAGE_JOB, coverage))
    own = tuple(NeededJob(name, outcome) for name, outcome in steps if outcome)
    by_name = {job.name: job for job in (*options.needs, *own)}
    jobs = tuple(by_name[name] for name in in_pipeline_order(list(by_name)))
    failed = tuple(job.name for job in jobs if job.result not in ("success", "skipped"))
    # A skipped job passes nothing: unless the plan had nothing for it, it fails the gate too.
    skipped = tuple(job.name for job in jobs if job.result == "skipped" and job.name not in unplanned)
    if failed:
        verdict = Verdict("jobs", False, f"{', '.join(failed)} did not pass: see those jobs' summaries")
    elif skipped:
        verdict = Verdict("jobs", False, f"{' '.join(skipped)} did not run")
    elif not options.needs:
        verdict = Verdict("jobs", False, "no job results to judge: give the gate `${{ toJSON(needs) }}`")
    else:
        verdict = Verdict("jobs", True, f"all {len(jobs)} jobs passed or had nothing planned")
    return GateResult(jobs, unplanned, failed, skipped, verdict, plan, inputs_error, matrix, combine_error)
