"""`--json`: only the JSON on stdout, for every subcommand, in GitHub Actions too; the annotations go to stderr."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import (
    PYTHON,
    SAMPLE_PACKAGE,
    Outcome,
    annotation_lines,
    child_pytest,
    copy_of_example,
    run,
    write_files,
)

PyCI = Callable[..., Outcome]
FAILING = {
    "tests/test_shapes.py": "from shapes.geometry import classify\n\n\ndef test_zero():\n    assert classify(0) == 1\n"
}


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every tool's real output for a project with a failing test, mypy errors and ruff findings."""
    root = tmp_path_factory.mktemp("json")
    write_files(root, {**SAMPLE_PACKAGE, **FAILING})
    run(child_pytest("--cov=shapes", "--cov-branch", "--cov-report=xml", "--junitxml=junit.xml", "tests"), root)
    mypy = run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "shapes", "tests"], root)
    (root / "mypy.txt").write_text(mypy.stdout)
    clean = run([sys.executable, "-m", "mypy", "-O", "json", "--no-incremental", "shapes/text.py"], root)
    (root / "clean-mypy.json").write_text(clean.stdout)
    ruff = run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=json", "--select=ALL", "."], root)
    (root / "ruff.json").write_text(ruff.stdout)
    (root / "results").mkdir()
    (root / "example").mkdir()
    copy_of_example(root / "example" / "bookshop")
    return root


REPORT = ["--junit", "junit.xml", "--mypy", "mypy.txt", "--ruff", "ruff.json", "--coverage", "coverage.xml"]
INVOCATIONS = {
    "coverage": ["coverage", "--fail-under", "99"],
    "junit": ["junit", "junit.xml"],
    "mypy": ["mypy", "mypy.txt"],
    "mypy clean json": ["mypy", "clean-mypy.json"],
    "ruff": ["ruff", "ruff.json"],
    "report": ["report", *REPORT, "--save", "results/leg.json"],
    "combine": ["combine", "results"],
    "run": ["run", "example/bookshop", "--python", PYTHON, "--checks", "lint,format"],
    "install": ["install", "example/bookshop", "--python", PYTHON, "--tools-only"],
    "workflow-inputs": ["workflow-inputs", "--repository", "example/bookshop"],
    "gate": ["gate"],
}
ENV = {
    "PY_CI_PYTHON_VERSIONS": '["3.12"]',
    "PY_CI_OS": '["ubuntu-latest"]',
    "PY_CI_TIMEOUT_MINUTES": "30",
    "PY_CI_POSTGRES": "16",
    "PY_CI_REDIS": "7",
    "PY_CI_NEEDS": json.dumps({"lint": {"result": "failure", "outputs": {}}}),
}


@pytest.mark.parametrize("name", INVOCATIONS)
def test_stdout_is_the_json_alone_in_actions(job: Path, py_ci: PyCI, name: str) -> None:
    if name == "combine" and not any((job / "results").iterdir()):
        py_ci(*INVOCATIONS["report"], cwd=job)
    # The example importable from its checkout, as its install would leave it.
    importable = {"PYTHONPATH": str(job / "example" / "bookshop" / "src")}
    outcome = py_ci(*INVOCATIONS[name], "--json", cwd=job, env={**ENV, **importable, "GITHUB_ACTIONS": "true"})
    assert outcome.status in (0, 1), outcome.stderr
    assert isinstance(json.loads(outcome.stdout), dict)
    if name in ("coverage", "junit", "mypy", "ruff", "report", "gate"):
        # What failed is still annotated: on stderr, where the runner reads workflow commands as well.
        assert annotation_lines(outcome.stderr), outcome.stderr


def test_a_clean_mypy_json_output_is_a_clean_result(job: Path, py_ci: PyCI) -> None:
    assert (job / "clean-mypy.json").read_text() == "\n"
    outcome = py_ci("mypy", "clean-mypy.json", "--json", cwd=job)
    assert outcome.status == 0
    assert json.loads(outcome.stdout)["errors"] == 0
    (job / "empty.txt").write_text("")
    assert py_ci("mypy", "empty.txt", cwd=job).status == 2  # no output at all is no result


def test_an_error_in_actions_with_json_leaves_stdout_empty(py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci("coverage", "--json", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert (outcome.status, outcome.stdout) == (2, "")
    assert outcome.stderr.splitlines()[0].startswith("py-ci: error: coverage.xml: no such file")
    assert annotation_lines(outcome.stderr) == [f"::error title=py-ci::{outcome.stderr.splitlines()[0]}"]


def test_the_installers_own_words_stay_off_stdout(tmp_path: Path) -> None:
    """The installer, run by `py-ci install`, may write to the process's stdout: it goes to stderr instead."""
    project = tmp_path / "tiny"
    write_files(project, {"pyproject.toml": "[project]\nname = 'tiny'\nversion = '1'\n", "tiny.py": ""})
    venv = tmp_path / "venv"
    run([PYTHON, "-m", "venv", "--system-site-packages", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    done = run([PYTHON, "-m", "py_ci", "install", str(project), "--python", str(python), "--json"], tmp_path)
    assert json.loads(done.stdout)["layout"] == "the project alone"
    assert " + tiny==1 (from file://" in done.stderr
    shutil.rmtree(venv)
