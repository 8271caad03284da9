"""`py-ci gate`: the reusable workflow's last job, given `toJSON(needs)` as the runner hands it and the outcome of
its own step that combines the coverage, without act."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.renderers.markdown import escape
from tests.helpers import (
    GATE_JOBS,
    WORKFLOW_DEFAULTS,
    Measured,
    Outcome,
    annotation_lines,
    assert_one_line_error,
    needs,
    parse_outputs,
)

PyCI = Callable[..., Outcome]


def step_files(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """The step's summary and output files, and the variables that point a GitHub step at them."""
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    return (
        summary,
        output,
        {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)},
    )


def gate(
    py_ci: PyCI, tmp_path: Path, context: str, unplanned: str = "", coverage: str = "success", inputs: str = ""
) -> tuple[Outcome, str, dict[str, str]]:
    summary, output, github = step_files(tmp_path)
    summary.unlink(missing_ok=True)
    output.unlink(missing_ok=True)
    env = {
        **github,
        "PY_CI_NEEDS": context,
        "PY_CI_UNPLANNED_JOBS": unplanned,
        "PY_CI_COVERAGE_OUTCOME": coverage,
        "PY_CI_INPUTS_OUTCOME": inputs,
    }
    outcome = py_ci("gate", cwd=tmp_path, env=env)
    return outcome, summary.read_text(), parse_outputs(output.read_text())


def test_every_job_passed(py_ci: PyCI, tmp_path: Path) -> None:
    outcome, summary, outputs = gate(py_ci, tmp_path, needs(), unplanned="[]")
    assert outcome.status == 0
    assert outputs == {"passed": "true"}
    assert summary.startswith("## py-ci gate\n\n| job | result |\n| :--- | :--- |\n| inputs | ✅ passed |\n")
    assert summary.endswith("| group | ✅ passed |\n| coverage | ✅ passed |\n")  # the job's own step, last
    assert annotation_lines(outcome.stdout) == []


def test_inputs_checked_in_the_gate_job_are_judged_first(py_ci: PyCI, tmp_path: Path) -> None:
    # The reusable workflow's jobs start at once: its gate job's own step checks the inputs.
    jobs = json.loads(needs())
    del jobs["inputs"]
    outcome, summary, outputs = gate(py_ci, tmp_path, json.dumps(jobs), inputs="failure")
    assert (outcome.status, outputs["passed"]) == (1, "false")
    assert summary.startswith("## py-ci gate\n\n| job | result |\n| :--- | :--- |\n| inputs | ❌ failure |\n")
    assert annotation_lines(outcome.stdout) == [
        "::error title=py-ci gate::inputs did not pass: see those jobs' summaries"
    ]
    outcome, summary, _ = gate(py_ci, tmp_path, json.dumps(jobs), inputs="success")
    assert outcome.status == 0
    assert "| inputs | ✅ passed |" in summary


def test_inputs_checked_by_the_verdict_itself_are_a_row_and_a_plan(py_ci: PyCI, tmp_path: Path) -> None:
    """`--inputs`: the workflow's last step checks the inputs in the process that gives the verdict."""
    jobs = json.loads(needs())
    del jobs["inputs"]
    (tmp_path / "tests" / "integration").mkdir(parents=True)
    summary, _, github = step_files(tmp_path)
    env = {**WORKFLOW_DEFAULTS, **github}
    env |= {"PY_CI_NEEDS": json.dumps(jobs), "PY_CI_COVERAGE_OUTCOME": "success"}
    outcome = py_ci("gate", "--inputs", cwd=tmp_path, env=env)
    assert outcome.status == 0, outcome
    text = summary.read_text()
    assert text.startswith("## py-ci gate\n\n| job | result |\n| :--- | :--- |\n| inputs | ✅ passed |\n")
    assert "\n## py-ci: the plan\n" in text  # what the inputs planned, after the verdict's table
    assert "| test group `integration` | once, Python 3.15 on ubuntu-latest |" in text
    # A wrong input: the line `py-ci workflow-inputs` gives, and every job still judged beside it.
    summary.unlink()
    env |= {"PY_CI_COVERAGE_THRESHOLD": "ninety", "PY_CI_NEEDS": needs(test="failure")}
    outcome = py_ci("gate", "--inputs", cwd=tmp_path, env=env)
    assert outcome.status == 1
    line = "input coverage-threshold: 'ninety' is not a number; write a percentage such as 85 or 92.5"
    assert annotation_lines(outcome.stdout) == [
        f"::error title=py-ci::py-ci: error: {line}",
        "::error title=py-ci gate::inputs, test did not pass: see those jobs' summaries",
    ]
    text = summary.read_text()
    assert "| inputs | ❌ failure |\n| lint | ✅ passed |" in text
    assert "| test | ❌ failure |" in text
    assert f"\n❌ {escape(line)}\n" in text
    assert "the plan" not in text
    checked = json.loads(py_ci("gate", "--inputs", "--json", cwd=tmp_path, env=env).stdout)
    assert (checked["inputs_error"], checked["plan"], checked["failed"]) == (line, None, ["inputs", "test"])


def test_the_combined_coverage_short_of_its_threshold_turns_it_red(py_ci: PyCI, tmp_path: Path) -> None:
    outcome, summary, outputs = gate(py_ci, tmp_path, needs(), coverage="failure")
    assert (outcome.status, outputs["passed"]) == (1, "false")
    assert "| test | ✅ passed |" in summary
    assert "| coverage | ❌ failure |" in summary
    assert annotation_lines(outcome.stdout) == [
        "::error title=py-ci gate::coverage did not pass: see those jobs' summaries"
    ]


def test_a_job_that_hands_on_its_coverage_is_shown_with_it(py_ci: PyCI, tmp_path: Path) -> None:
    """A gate of the user's own after a job of theirs that combined the coverage and handed it on."""
    document = json.loads(needs())
    document["coverage"] = {"result": "success", "outputs": {"coverage": "93.24", "passed": "true"}}
    outcome, summary, _ = gate(py_ci, tmp_path, json.dumps(document), coverage="")
    assert outcome.status == 0
    assert "| coverage | ✅ passed |\n\nCombined coverage: 93.24%\n" in summary


def test_a_failed_job_turns_it_red_with_the_jobs_named(py_ci: PyCI, tmp_path: Path) -> None:
    outcome, summary, outputs = gate(py_ci, tmp_path, needs(test="failure", group="cancelled"))
    assert (outcome.status, outputs["passed"]) == (1, "false")
    assert "| test | ❌ failure |" in summary
    assert "| group | ❌ cancelled |" in summary
    assert annotation_lines(outcome.stdout) == [
        "::error title=py-ci gate::test, group did not pass: see those jobs' summaries"
    ]


def test_a_job_skipped_though_planned_passed_nothing(py_ci: PyCI, tmp_path: Path) -> None:
    outcome, summary, _ = gate(py_ci, tmp_path, needs(group="skipped"))
    assert outcome.status == 1
    assert "| group | ⏭️ skipped |" in summary
    assert annotation_lines(outcome.stdout) == ["::error title=py-ci gate::group did not run"]


def test_a_job_the_plan_left_out_is_not_a_failure(py_ci: PyCI, tmp_path: Path) -> None:
    outcome, summary, outputs = gate(py_ci, tmp_path, needs(group="skipped"), unplanned='["group"]')
    assert (outcome.status, outputs["passed"]) == (0, "true")
    assert "| group | ➖ none planned |" in summary  # noqa: RUF001


def test_without_a_plan_every_job_was_meant_to_run(py_ci: PyCI, tmp_path: Path) -> None:
    skipped = dict.fromkeys(GATE_JOBS[1:], "skipped")
    outcome, summary, _ = gate(py_ci, tmp_path, needs(inputs="failure", **skipped), coverage="skipped")
    assert outcome.status == 1
    assert "| inputs | ❌ failure |" in summary
    assert "| test | ⏭️ skipped |" in summary
    assert "Combined coverage" not in summary
    assert annotation_lines(outcome.stdout) == [
        "::error title=py-ci gate::inputs did not pass: see those jobs' summaries"
    ]


def test_no_results_is_no_pass(py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci("gate", "--json", cwd=tmp_path)
    assert outcome.status == 1
    verdict = json.loads(outcome.stdout)["verdicts"][0]
    assert verdict["message"] == "no job results to judge: give the gate `${{ toJSON(needs) }}`"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("{not json", "PY_CI_NEEDS: '{not json' is not JSON; pass `${{ toJSON(needs) }}`"),
        ('{"lint": {"outputs": {}}}', "PY_CI_NEEDS: job 'lint' has no result"),
        ("[1, 2]", "PY_CI_NEEDS: is not a JSON object of jobs"),
        (
            '{"lint": {"result": "success", "outputs": []}}',
            "PY_CI_NEEDS: job 'lint' has outputs that are not an object",
        ),
    ],
)
def test_bad_or_missing_results_are_one_line(py_ci: PyCI, tmp_path: Path, context: str, expected: str) -> None:
    assert_one_line_error(py_ci("gate", "--json", cwd=tmp_path, env={"PY_CI_NEEDS": context}), expected)


def combining_gate(
    py_ci: PyCI, sample_project: Callable[..., Measured], tmp_path: Path, **env: str
) -> tuple[Outcome, str, dict[str, str], Path]:
    """The workflow's gate step as it runs: the legs' results downloaded to a folder, combined in its own process."""
    measured = sample_project()
    results = tmp_path / "py-ci-results"
    saved = py_ci("report", "--coverage", str(measured.xml), "--save", str(results / "py-ci-test" / "result.json"),
                  "--label", "python=3.12", cwd=measured.root)  # fmt: skip
    assert saved.status in (0, 1), saved.stderr  # the leg's own gate is not what is tested here
    summary, output, github = step_files(tmp_path)
    variables = {**github, **WORKFLOW_DEFAULTS, "PY_CI_NEEDS": needs(), **env}
    outcome = py_ci("gate", "--inputs", "--combine", str(results), cwd=measured.root, env=variables)
    return outcome, summary.read_text(), parse_outputs(output.read_text()), results


def test_the_legs_coverage_combined_and_gated_in_the_verdicts_own_process(
    py_ci: PyCI, sample_project: Callable[..., Measured], tmp_path: Path
) -> None:
    threshold = {"PY_CI_COVERAGE_THRESHOLD": "0"}
    outcome, summary, outputs, results = combining_gate(py_ci, sample_project, tmp_path, **threshold)
    assert outcome.status == 0, outcome.stdout
    # What `py-ci combine --coverage-only` gives, first, then the jobs' table with the row `coverage` it decided.
    alone = py_ci("combine", str(results), "--coverage-only", "--json", cwd=sample_project().root)
    total = json.loads(alone.stdout)["coverage"]["total"]
    assert summary.startswith("## py-ci matrix")
    assert summary.index("## py-ci matrix") < summary.index("## py-ci gate") < summary.index("| coverage | ✅ passed |")
    assert f"Combined coverage: {outputs['coverage']}%" in summary
    # In the gate itself, the note says where the legs' results are, not that another gate has them.
    assert "The legs' own results are their job's row below" in summary
    assert "pipeline gate's" not in summary
    assert float(outputs["coverage"]) == round(total, 2)
    assert outputs["passed"] == "true"
    assert outputs.keys() >= {"lines-covered", "lines-valid", "branches-covered", "branches-valid", "tests"}
    document = json.loads(py_ci("gate", "--inputs", "--combine", str(results), "--json", cwd=sample_project().root,
                                env={**WORKFLOW_DEFAULTS, "PY_CI_NEEDS": needs(), **threshold}).stdout)  # fmt: skip
    assert (document["combined"]["coverage"]["total"], document["combine_error"]) == (total, None)
    assert document["coverage"] == outputs["coverage"]


def test_the_combined_coverage_short_of_the_threshold_fails_its_row_alone(
    py_ci: PyCI, sample_project: Callable[..., Measured], tmp_path: Path
) -> None:
    outcome, summary, outputs, _ = combining_gate(py_ci, sample_project, tmp_path, PY_CI_COVERAGE_THRESHOLD="100")
    assert (outcome.status, outputs["passed"]) == (1, "false")
    assert float(outputs["coverage"]) < 100  # measured and shown, though it fails
    assert "| test | ✅ passed |" in summary
    assert "| coverage | ❌ failure |" in summary
    assert "::error title=py-ci gate::coverage did not pass: see those jobs' summaries" in annotation_lines(
        outcome.stdout
    )


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({}, "{results}: holds no py-ci result file; save them with `py-ci report --save RESULT.json`"),
        (
            {"PY_CI_WORKING_DIRECTORY": "services/api"},
            "input working-directory: 'services/api' is not a folder of the repository; name the project's folder",
        ),
    ],
    ids=["no results", "no such project folder"],
)
def test_what_cannot_be_combined_fails_the_row_coverage_with_its_line_and_every_other_row_stands(
    py_ci: PyCI, tmp_path: Path, env: dict[str, str], line: str
) -> None:
    empty = tmp_path / "py-ci-results"
    empty.mkdir()
    line = line.format(results=empty)
    summary, output, github = step_files(tmp_path)
    variables = {**github, **WORKFLOW_DEFAULTS, "PY_CI_NEEDS": needs(), **env}
    outcome = py_ci("gate", "--combine", str(empty), cwd=tmp_path, env=variables)
    assert (outcome.status, parse_outputs(output.read_text())) == (1, {"passed": "false"})  # a verdict, not exit 2
    text = summary.read_text()
    for job in ("lint", "typecheck", "test", "group"):
        assert f"| {job} | ✅ passed |" in text
    assert "| coverage | ❌ failure |" in text
    assert f"\n❌ {escape(line)}\n" in text
    errors = [item for item in annotation_lines(outcome.stdout) if item.startswith("::error title=py-ci::")]
    assert errors == [f"::error title=py-ci::py-ci: error: {line}"]
