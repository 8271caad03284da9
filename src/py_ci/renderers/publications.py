"""Each kind of result, rendered on every surface at once: summary, terminal, JSON, outputs, annotations, files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from py_ci.baseline import render_baseline
from py_ci.github import Annotation
from py_ci.model import (
    Adoption,
    CheckSection,
    CoverageSection,
    GateResult,
    InstallResult,
    JobResult,
    MatrixResult,
    TestsSection,
    WorkflowPlan,
)
from py_ci.options import Gates, Options
from py_ci.publication import Publication
from py_ci.renderers import results
from py_ci.renderers.adopting import adopting_markdown, adopting_text
from py_ci.renderers.adoption import WRITTEN, adoption_markdown, adoption_text
from py_ci.renderers.annotations import (
    capped,
    check_annotations,
    coverage_annotations,
    cut_note,
    job_annotations,
    test_annotations,
)
from py_ci.renderers.check_summary import check_markdown
from py_ci.renderers.coverage_summary import coverage_markdown
from py_ci.renderers.how_it_ran import not_run_markdown, not_run_text, ran_markdown, ran_text
from py_ci.renderers.install import install_markdown
from py_ci.renderers.markdown import escape, plural, summary_budget
from py_ci.renderers.matrix import leg_json, matrix_markdown, matrix_text
from py_ci.renderers.pipeline import gate_json, gate_markdown, gate_text, plan_json, plan_markdown, plan_outputs
from py_ci.renderers.result_file import render_result
from py_ci.renderers.terminal import check_text, coverage_text, tests_text, verdict_line
from py_ci.renderers.tests_summary import tests_markdown


def _publication(
    passed: bool,
    result: results.JSON | Callable[[], results.JSON],
    markdown: str | Callable[[], str],
    text: str,
    outputs: dict[str, str],
    annotations: list[Annotation] | None = None,
    files: dict[Path, str] | None = None,
    judged: bool = True,
    error: str | None = None,
) -> Publication:
    """The one place annotations meet the runner's caps; the summary says what they left out.

    `judged` results (every gate, not a plan or an install) add the `passed` output; `result` and `markdown` may be
    given as functions, run only when the JSON or the summary is asked for.
    """
    kept, left_out = capped(annotations or [])
    outputs = {**outputs, "passed": results.flag(passed)} if judged else outputs

    def document() -> results.JSON:
        return result() if callable(result) else result

    def summary() -> str:
        return (markdown() if callable(markdown) else markdown) + cut_note(left_out)

    return Publication(passed, document, summary, text, outputs, kept, files or {}, error)


def _baseline_file(section: CheckSection | None, options: Options) -> dict[Path, str]:
    write_to = options.gates.write_baseline
    if section is None or write_to is None:
        return {}
    counted = tuple(f for f in section.report.findings if f.severity == "error")
    return {write_to: render_baseline(section.tool, counted)}


def coverage_publication(section: CoverageSection, options: Options) -> Publication:
    gates = options.gates
    return _publication(
        all(v.passed for v in section.verdicts),
        lambda: results.coverage_json(section, gates),
        lambda: coverage_markdown(section, gates, summary_budget()),
        coverage_text(section, gates, options.publishing.verbosity > 0),
        results.coverage_outputs(section),
        coverage_annotations(section, gates),
    )


def tests_publication(section: TestsSection, options: Options) -> Publication:
    return _publication(
        section.verdict.passed,
        lambda: results.tests_json(section),
        lambda: tests_markdown(section, summary_budget()),
        tests_text(section, options.publishing.verbosity > 0),
        results.tests_outputs(section.report.counts),
        test_annotations(section, options.workspace),
    )


def check_publication(section: CheckSection, options: Options) -> Publication:
    return _publication(
        all(v.passed for v in section.verdicts),
        lambda: results.check_json(section),
        lambda: check_markdown(section, summary_budget()),
        check_text(section, options.publishing.verbosity > 0),
        results.check_outputs(section),
        check_annotations(section),
        _baseline_file(section, options),
    )


def _job_header(job: JobResult) -> str:
    verdicts = job.verdicts
    failed = [v for v in verdicts if not v.passed]
    state = f"❌ {len(failed)} of {plural(len(verdicts), 'gate')} failed" if failed else "✅ every gate passed"
    leg = " · ".join(f"{escape(key)}={escape(value)}" for key, value in job.labels.items())
    return f"## py-ci: {state}\n\n" + (f"{leg}\n\n" if leg else "")


def _job_markdown(job: JobResult, gates: Gates) -> str:
    """Every section in one summary, under one budget, in the order a reviewer reads them."""
    budget = summary_budget()
    markdown = [_job_header(job), *(f"{escape(note)}\n\n" for note in job.notes), *map(not_run_markdown, job.not_run)]
    markdown += [tests_markdown(job.tests, budget)] if job.tests is not None else []
    markdown += [check_markdown(section, budget) for section in job.checks]
    markdown += [coverage_markdown(job.coverage, gates, budget)] if job.coverage is not None else []
    return "".join([*markdown, ran_markdown(job.ran), adopting_markdown(job)])


def job_publication(job: JobResult, options: Options) -> Publication:
    """A whole job: every section in one summary, one set of outputs, one verdict, and its result file."""
    gates, everything = options.gates, options.publishing.verbosity > 0
    text = [*(f"{note}\n" for note in job.notes), *map(not_run_text, job.not_run)]
    text += [tests_text(job.tests, everything)] if job.tests is not None else []
    text += [check_text(section, everything) for section in job.checks]
    text += [coverage_text(job.coverage, gates, everything)] if job.coverage is not None else []
    text += [ran_text(job.ran)] if everything and job.ran else []
    files = _baseline_file(next(iter(job.checks), None), options)
    if options.save is not None and options.run_groups is None:
        files[options.save] = render_result(job)
    elif options.save is not None:
        # A workflow job's groups: a file each, named after it, that the gate job combines as a leg (none: no file).
        for part in job.parts:
            files[options.save.with_name(f"result-{part.labels['group']}.json")] = render_result(part)
    return _publication(
        job.passed,
        lambda: results.job_json(job, gates),
        lambda: _job_markdown(job, gates),
        "\n".join(text) + verdict_line(job.verdicts) + adopting_text(job),
        results.job_outputs(job),
        job_annotations(job, gates, options.workspace),
        files,
        error=job.not_run[0].line if job.not_run else None,
    )


@dataclass(frozen=True)
class _Matrix:
    """A matrix's surfaces, before the caps: `py-ci combine` publishes them alone, the gate above its own."""

    document: results.JSON
    markdown: str
    text: str
    outputs: dict[str, str]
    annotations: list[Annotation]
    files: dict[Path, str]


def _matrix(result: MatrixResult, options: Options, *, in_the_gate: bool = False) -> _Matrix:
    gates, union = options.gates, result.coverage
    totals = result.totals
    document: results.JSON = {
        "legs": [leg_json(leg) for leg in result.legs],
        **{key: value for key, value in results.test_counts_json(totals).items() if key != "duration"},
        "coverage": None if union is None else results.coverage_json(union, gates),
        "verdicts": results.verdicts_json(result.verdicts),
        "passed": result.passed,
    }
    outputs = results.tests_outputs(totals)
    markdown, text = matrix_markdown(result, gates, in_the_gate=in_the_gate), matrix_text(result, gates)
    if union is not None:
        markdown += coverage_markdown(union, gates, summary_budget())
        text += coverage_text(union, gates, options.publishing.verbosity > 0)
        outputs.update(results.coverage_outputs(union))
    annotations = coverage_annotations(union, gates) if union is not None else []
    files: dict[Path, str] = {}
    if options.durations_out is not None and result.durations is not None:
        files[options.durations_out] = json.dumps(dict(result.durations), indent=0) + "\n"
    return _Matrix(document, markdown, text, outputs, annotations, files)


def matrix_publication(result: MatrixResult, options: Options) -> Publication:
    matrix = _matrix(result, options)
    return _publication(
        result.passed, matrix.document, matrix.markdown, matrix.text, matrix.outputs, matrix.annotations, matrix.files
    )


def adoption_publication(adoption: Adoption, options: Options) -> Publication:
    """The files init decided on are the ones written: a new one or one --force replaces."""
    files = {options.workspace / f.path: f.text for f in adoption.files if f.state in WRITTEN}
    job = adoption.job
    document = {
        "files": [{"path": f.path, "state": f.state, "holds": f.holds, "hidden": f.hidden} for f in adoption.files],
        "notes": list(adoption.notes),
        "found": list(adoption.said),
        "passed": adoption.passed,
        "job": results.job_json(job, options.gates),
    }
    # No tests is said in the notes (and no workflow is written): the next run stays red, nothing broke.
    error = next((problem.line for problem in job.not_run if not problem.no_tests), None)
    markdown, text = adoption_markdown(adoption), adoption_text(adoption)
    return _publication(adoption.passed, document, markdown, text, {}, files=files, judged=False, error=error)


def gate_publication(gate: GateResult, options: Options) -> Publication:
    # The lines the inputs' own check and the combine give (`py-ci workflow-inputs`, `py-ci combine`), first.
    errors = [f"py-ci: error: {error}" for error in (gate.inputs_error, gate.combine_error) if error]
    annotations = [Annotation("error", error, "py-ci") for error in errors]
    annotations += [] if gate.passed else [Annotation("error", gate.verdict.message, "py-ci gate")]
    document, markdown, text = gate_json(gate), gate_markdown(gate), gate_text(gate)
    if gate.matrix is None or not isinstance(options.combined, Options):
        return _publication(gate.passed, document, markdown, text, {}, annotations)
    # `--combine`: the matrix and its coverage first, as the combining step showed them, then the jobs' table.
    matrix = _matrix(gate.matrix, options.combined, in_the_gate=True)
    outputs = {name: value for name, value in matrix.outputs.items() if name != "passed"}
    return _publication(
        gate.passed,
        {**document, "combined": matrix.document},
        matrix.markdown + "\n" + markdown,
        matrix.text + "\n" + text,
        outputs,
        [*matrix.annotations, *annotations],
        matrix.files,
    )


def plan_publication(plan: WorkflowPlan, options: Options) -> Publication:
    outputs = plan_outputs(plan)
    text = "".join(f"{name}: {value}\n" for name, value in outputs.items())
    return _publication(True, plan_json(plan), plan_markdown(plan), text, outputs, judged=False)


def install_publication(result: InstallResult, options: Options) -> Publication:
    added = ", ".join(result.added_tools)
    tools = f"added {added}" if added else "all present"
    checked = ", ".join(f"{name} from {where}" for name, where in result.checked) or "no package to check"
    text = f"installed ({result.layout}) with {result.installer} into {result.python}; tools: {tools}\n"
    text += f"imports from the checkout: {checked}\n" + "".join(f"{note}\n" for note in result.notes)
    document = {
        "layout": result.layout,
        "found": result.found,
        "installer": result.installer,
        "commands": list(result.commands),
        "added_tools": list(result.added_tools),
        "python": result.python,
        "checked": [{"package": name, "from": where} for name, where in result.checked],
        "notes": list(result.notes),
    }
    markdown = install_markdown(result)
    return _publication(True, document, markdown, text, {"python": result.python}, judged=False)
