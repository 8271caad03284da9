"""How the action installs a project, and `py-ci action` reading the action's inputs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.environment import find_environment
from tests.helpers import (
    PYTHON,
    Outcome,
    annotation_lines,
    assert_one_line_error,
    copy_of_example,
    write_files,
)

PyCI = Callable[..., Outcome]

# The example's shop listens on 127.0.0.1:8765: these tests hold the shop's lock, one at a time on any worker.
pytestmark = pytest.mark.usefixtures("shop_port")


def test_tools_already_there(tmp_path: Path, py_ci: PyCI) -> None:
    outcome = py_ci("install", "--python", PYTHON, "--tools-only", "--json", cwd=tmp_path)
    assert outcome.status == 0
    assert json.loads(outcome.stdout)["added_tools"] == []
    assert f"py-ci install: your install command, with uv, into {PYTHON}" in outcome.stderr


def test_a_failing_install_is_one_line(tmp_path: Path, py_ci: PyCI) -> None:
    write_files(tmp_path, {"requirements.txt": "./no-such-local-package\n", "requirements-dev.txt": ""})
    outcome = py_ci("install", "--python", PYTHON, cwd=tmp_path)
    expected = "install: the project and its test dependencies from requirements.txt, requirements-dev.txt failed"
    assert_one_line_error(outcome, expected, after_progress=True)


def test_action_reads_its_inputs_from_the_environment(
    tmp_path: Path, py_ci: PyCI, service_urls: dict[str, str]
) -> None:
    project = copy_of_example(tmp_path / "bookshop")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("fail_under = 85\n", ""))
    step_summary, output = tmp_path / "summary.md", tmp_path / "output"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(step_summary),
        "GITHUB_OUTPUT": str(output),
        "PY_CI_CHECKS": "test",
        "PY_CI_LABEL": "python=3.12, os=linux",
        "PY_CI_ANNOTATIONS": "false",
        "PY_CI_SUMMARY": "false",
        "PY_CI_BASE_REF": "main",
        "PY_CI_START": "PYTHONPATH=src python -m coverage run --parallel-mode -m bookshop.web",
        "PY_CI_READY": "http://127.0.0.1:8765/health",
        "PY_CI_READY_TIMEOUT": "20",
        **service_urls,
    }
    outcome = py_ci("action", "--python", PYTHON, "--json", cwd=project, env=env)
    result = json.loads(outcome.stdout)
    assert outcome.status == 0, outcome.stderr
    assert (result["tests"]["tests"], result["tests"]["skipped"]) == (13, 0)  # the shop answered the e2e tests
    assert any(file["path"] == "src/bookshop/web.py" and file["total"] > 80 for file in result["coverage"]["files"])
    assert result["labels"] == {"python": "3.12", "os": "linux"}
    assert result["coverage"]["fail_under_source"] == "py-ci's default"
    assert result["coverage"]["fail_under"] == 80.0
    assert "diff" not in result["coverage"]  # no diff-coverage-threshold: no diff, even on a pull request
    assert not step_summary.exists()
    assert annotation_lines(outcome.stdout) == []  # annotations switched off


def test_environment_falls_back_to_python_on_path(tmp_path: Path) -> None:
    found = find_environment(tmp_path, {"PATH": str(Path(sys.executable).parent)})
    assert found.why == "python3 on PATH"
    assert find_environment(tmp_path, {}, PYTHON).why == "--python"


def test_unknown_python_is_an_error(tmp_path: Path, py_ci: PyCI) -> None:
    assert_one_line_error(
        py_ci("run", "--python", "no-such-python-3.99", cwd=tmp_path), "is not an interpreter on PATH"
    )


def test_a_matrix_leg_reports_its_coverage_without_gating_it(
    tmp_path: Path, py_ci: PyCI, service_urls: dict[str, str]
) -> None:
    project = copy_of_example(tmp_path / "bookshop")
    summary, out = tmp_path / "summary.md", tmp_path / "out"
    env = {
        "PY_CI_CHECKS": "test",
        "PY_CI_PYTEST_ARGS": "--ignore=tests/integration --ignore=tests/e2e",
        "PY_CI_GATE_COVERAGE": "false",
        "PY_CI_COVERAGE_THRESHOLD": "99",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    outcome = py_ci("action", "--python", PYTHON, "--output-dir", str(out), "--json", cwd=project, env=env)
    assert outcome.status == 0, outcome.stderr  # 60% of the code, far under 99: a part is not gated
    result = json.loads(outcome.stdout)
    assert (result["coverage"]["fail_under"], result["coverage"]["passed"]) == (None, True)
    assert "This job's coverage is a part of the whole" in summary.read_text()
    # What the combining job takes from the leg: its result (naming the leg's folder) and coverage.py's data.
    assert json.loads((out / "result.json").read_text())["workspace"] == str(project.resolve())
    assert (out / ".coverage").is_file()
