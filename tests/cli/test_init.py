"""`py-ci init` on a project that is red today: a green first day, and only new problems fail after it."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.helpers import BIN, LEGACY_PROJECT, PYTHON, Outcome, commit, git, run, write_files

PyCI = Callable[..., Outcome]


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    root = tmp_path / "legacy"
    write_files(root, LEGACY_PROJECT)
    git(root, "init", "-q", "-b", "trunk")
    commit(root, {}, "today's code")
    return root


def py_ci_run(py_ci: PyCI, root: Path) -> tuple[Outcome, dict[str, object]]:
    outcome = py_ci("run", "--python", PYTHON, "--json", cwd=root)
    return outcome, json.loads(outcome.stdout)


def test_red_today_green_after_init_and_only_new_problems_fail(py_ci: PyCI, legacy: Path) -> None:
    before, result = py_ci_run(py_ci, legacy)
    assert before.status == 1  # mypy --strict, ruff and ruff format say no today
    total = result["coverage"]["total"]  # type: ignore[index]
    assert 60 < total < 90
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 0, outcome.stdout + outcome.stderr
    assert "py-ci init: the next run is green" in outcome.stdout
    table = tomllib.loads((legacy / "pyproject.toml").read_text())["tool"]["py-ci"]
    assert table == {
        "coverage-threshold": int(total),
        "mypy-baseline": ".py-ci/mypy-baseline.json",
        "ruff-baseline": ".py-ci/ruff-baseline.json",
    }
    assert "commit them: git add .py-ci/mypy-baseline.json .py-ci/ruff-baseline.json pyproject.toml" in outcome.stdout
    workflow = (legacy / ".github" / "workflows" / "py-ci.yml").read_text()
    assert "uses: org/py-ci/.github/workflows/py-ci.yml@v1" in workflow
    assert 'python-versions: \'["3.11", "3.12"]\'' in workflow  # from the classifiers
    assert 'branches: ["trunk"]' in workflow

    after, _ = py_ci_run(py_ci, legacy)
    assert after.status == 0, after.stdout

    # Run twice, it changes nothing.
    adopted = [legacy / "pyproject.toml", *legacy.glob(".py-ci/*"), *legacy.glob(".github/workflows/*")]
    written = {path: path.read_bytes() for path in adopted}
    again = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert again.status == 0
    assert "nothing to commit: it was all so already" in again.stdout
    assert {path: path.read_bytes() for path in written} == written

    # A new type error is the change's own: it fails, by name; the old ones stay accepted.
    prices = legacy / "legacy" / "prices.py"
    prices.write_text(prices.read_text() + '\n\ndef broken() -> int:\n    return "one"\n')
    red = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=legacy)
    assert red.status == 1
    assert 'Incompatible return value type (got "str", expected "int")  [return-value] (new)' in red.stdout
    assert "mypy FAILED: 1 new error, more than the 0 allowed" in red.stdout


def test_nothing_is_overwritten_without_force(py_ci: PyCI, legacy: Path) -> None:
    pyproject = legacy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.py-ci]\ncoverage-threshold = 95\n")
    workflow = legacy / ".github" / "workflows" / "py-ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n")
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 1
    assert "still red: [tool.py-ci] coverage-threshold holds another value: rerun with --force" in outcome.stdout
    assert workflow.read_text() == "name: mine\n"
    assert "coverage-threshold = 95" in pyproject.read_text()
    forced = py_ci("init", "--python", PYTHON, "--force", cwd=legacy)
    assert forced.status == 0, forced.stdout
    assert "coverage-threshold = 95" not in pyproject.read_text()
    assert workflow.read_text().startswith("# Written by `py-ci init`")
    assert py_ci("run", "--python", PYTHON, cwd=legacy).status == 0


def test_the_workflow_it_writes_lints_clean(py_ci: PyCI, legacy: Path) -> None:
    py_ci("init", "--python", PYTHON, cwd=legacy)
    workflow = legacy / ".github" / "workflows" / "py-ci.yml"
    linted = run([str(BIN / "actionlint"), "-shellcheck", str(BIN / "shellcheck"), str(workflow)], legacy)
    assert linted.returncode == 0, linted.stdout
    checked = run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)], legacy)
    assert checked.returncode == 0, checked.stdout
    audited = run(
        [str(BIN / "zizmor"), "--offline", "--persona=auditor", str(workflow)],
        legacy,
        allowed=(0, 1, 10, 11, 12, 13, 14),
    )
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "No findings to report" in audited.stdout + audited.stderr


def test_the_workflow_reports_in_merge_queues_and_cancels_only_superseded_pull_request_runs(
    py_ci: PyCI, legacy: Path
) -> None:
    py_ci("init", "--python", PYTHON, cwd=legacy)
    workflow = yaml.safe_load((legacy / ".github" / "workflows" / "py-ci.yml").read_text())
    assert set(workflow[True]) == {"push", "pull_request", "merge_group"}  # YAML 1.1 reads `on` as true
    group = workflow["concurrency"]["group"]
    # Pull requests share a group per ref; every other run (a push to the default branch, a queue entry) its own.
    assert group == "${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}"
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    text = (legacy / ".github" / "workflows" / "py-ci.yml").read_text()
    assert "strictest" not in text
    assert "pins this workflow's jobs, not their steps" in text


def test_failing_tests_are_not_hidden(py_ci: PyCI, legacy: Path) -> None:
    write_files(legacy, {"tests/test_more.py": "def test_wrong():\n    assert 1 == 2\n"})
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 1
    assert (
        "still red: the tests fail today (1 failure and 0 errors): py-ci init hides no failing test" in outcome.stdout
    )


def test_its_json_is_alone_on_stdout_in_actions(py_ci: PyCI, legacy: Path) -> None:
    outcome = py_ci("init", "--python", PYTHON, "--json", cwd=legacy, env={"GITHUB_ACTIONS": "true"})
    result = json.loads(outcome.stdout)
    assert (outcome.status, result["passed"]) == (0, True)
    assert [item["state"] for item in result["files"]] == ["new", "new", "updated", "new"]
    assert result["job"]["mypy"]["errors"] > 0
