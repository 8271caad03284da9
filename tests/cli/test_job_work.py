"""A workflow job with nothing of its kind to run stops before any set-up: the action's first step, run as the runner
runs it (bash, the runner's python3 on PATH), decides as `py-ci install` does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import cmarkgfm
import pytest

from tests.helpers import PYTHON, ROOT, clean_environ, find_python, load_yaml, steps_of, write_files

ACTION = ROOT / "action.yml"
WORK_STEP = next(step for step in steps_of(ACTION) if step.get("id") == "work")
NOTHING = "No test group of this project runs once, beside the services: nothing to run here, so nothing was set up."


def decide(tmp_path: Path, project: Path, python3: str | None, groups: str = "single") -> tuple[str, str, str]:
    """The step's outputs, its summary and what it said, with `python3` as the runner's (None: it has none)."""
    runner = tmp_path / "runner"
    (runner / "bin").mkdir(parents=True)
    if python3 is not None:
        (runner / "bin" / "python3").symlink_to(python3)
    output, summary = runner / "output", runner / "summary"
    output.write_text("")
    env = {
        "PY_CI_ACTION_PATH": str(ROOT),
        "PY_CI_CHECKS": "test",
        "PY_CI_GROUPS": groups,
        "PY_CI_INTEGRATION_TESTS": "tests/integration",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(runner),
        # Only what bash needs: the runner's python3 is the one in its bin, or none.
        "PATH": os.pathsep.join([str(runner / "bin"), "/usr/bin", "/bin"]) if python3 else "/nonexistent",
    }
    bash = "/bin/bash"
    done = subprocess.run(
        [bash, "-e", "-c", WORK_STEP["run"]], cwd=project, env=clean_environ(env), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return output.read_text(), summary.read_text() if summary.exists() else "", done.stderr


def project(root: Path, files: dict[str, str]) -> Path:
    write_files(root / "project", {"pyproject.toml": '[project]\nname = "p"\nversion = "1"\n', **files})
    return root / "project"


def test_a_job_whose_kind_of_groups_the_project_lacks_stops_before_set_up(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_unit.py": "def test_one():\n    pass\n"})
    outputs, summary, said = decide(tmp_path, root, PYTHON)
    assert outputs == "nothing=true\n"
    assert NOTHING in said
    html = cmarkgfm.github_flavored_markdown_to_html(summary)
    assert html == f"<h3>py-ci: nothing to run</h3>\n<p>{NOTHING}</p>\n"
    # Every later step of the action waits on that decision.
    later = steps_of(ACTION)[[step.get("id") for step in steps_of(ACTION)].index("work") + 1 :]
    unguarded = [step["name"] for step in later if "steps.work.outputs.nothing != 'true'" not in str(step.get("if"))]
    assert set(unguarded) <= {
        "Set up the helper's own Python",  # each of these follows a step that is skipped
        "Restore mypy's cache",
        "Prune the package cache",
        "Keep the package cache",
        "Keep mypy's cache",
    }


@pytest.mark.parametrize(
    ("files", "groups"),
    [({"tests/integration/test_db.py": "def test_db():\n    pass\n"}, "single"), ({}, "matrix")],
)
def test_a_job_with_work_sets_up(tmp_path: Path, files: dict[str, str], groups: str) -> None:
    outputs, summary, said = decide(tmp_path, project(tmp_path, files), PYTHON, groups)
    assert (outputs, summary, said) == ("", "", "")


def test_where_it_cannot_decide_the_job_sets_up_and_says_why(tmp_path: Path) -> None:
    broken = project(tmp_path, {})
    (broken / "pyproject.toml").write_text("[project\n")
    outputs, summary, said = decide(tmp_path, broken, PYTHON)
    assert (outputs, summary) == ("", "")
    assert said.startswith("py-ci: cannot tell yet whether this job has work (pyproject.toml: is not valid TOML")
    assert said.rstrip().endswith("the job sets up")


def test_a_runner_python3_older_than_the_helpers_floor_or_none_sets_up(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    outputs, _, said = decide(tmp_path, root, find_python("3.10"))
    assert outputs == ""
    assert said.startswith("py-ci: the runner's python3 is 3.10.")
    assert "the job sets up" in said
    assert decide(tmp_path / "none", root, None) == ("", "", "")


def test_the_step_is_the_first_and_only_for_a_job_of_groups() -> None:
    steps = load_yaml(ACTION)["runs"]["steps"]
    assert steps[0]["id"] == "work"
    assert steps[0]["if"] == "inputs.groups != ''"
