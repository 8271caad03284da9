"""`py-ci workflow-inputs`: the reusable workflow's inputs checked first, each mistake one line that says the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Outcome
from .test_inputs import assert_one_line_error
from .test_surfaces import parse_outputs

PyCI = Callable[..., Outcome]

# What the workflow passes when the caller changes nothing.
DEFAULTS = {
    "PY_CI_PYTHON_VERSIONS": '["3.11", "3.12", "3.13", "3.14", "3.15"]',
    "PY_CI_OS": '["ubuntu-latest"]',
    "PY_CI_WORKING_DIRECTORY": ".",
    "PY_CI_INTEGRATION_TESTS": "tests/integration",
    "PY_CI_TIMEOUT_MINUTES": "30",
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repository"
    (root / "services" / "api" / "tests" / "integration").mkdir(parents=True)
    (root / "tests" / "integration").mkdir(parents=True)
    return root


def plan(py_ci: PyCI, repository: Path, **inputs: str) -> dict[str, str]:
    output = repository.parent / "github-output"
    output.unlink(missing_ok=True)
    outcome = py_ci("workflow-inputs", cwd=repository, env={**DEFAULTS, **inputs, "GITHUB_OUTPUT": str(output)})
    assert outcome.status == 0, outcome.stderr
    return parse_outputs(output.read_text())


def test_defaults_plan_the_whole_pipeline(py_ci: PyCI, repository: Path) -> None:
    outputs = plan(py_ci, repository)
    assert json.loads(outputs["python-versions"]) == ["3.11", "3.12", "3.13", "3.14", "3.15"]
    assert json.loads(outputs["os"]) == ["ubuntu-latest"]
    assert outputs["newest-python"] == "3.15"
    assert outputs["integration"] == "true"
    # The matrix leaves the integration tests to their own job; that job runs only them.
    assert outputs["unit-pytest-args"] == "--ignore=tests/integration"
    assert outputs["integration-pytest-args"] == "tests/integration"


def test_monorepo_folder_services_and_extra_pytest_arguments(py_ci: PyCI, repository: Path) -> None:
    outputs = plan(
        py_ci,
        repository,
        PY_CI_WORKING_DIRECTORY="services/api",
        PY_CI_PYTEST_ARGS="-k 'not slow' -x",
        PY_CI_PYTHON_VERSIONS='["3.13", "3.11", "pypy3.10"]',
        PY_CI_POSTGRES="16@sha256:" + "a" * 64,
    )
    assert outputs["newest-python"] == "3.13"  # the highest CPython, wherever it is listed
    assert outputs["unit-pytest-args"] == "--ignore=tests/integration -k 'not slow' -x"
    assert outputs["integration-pytest-args"] == "tests/integration -k 'not slow' -x"


def test_no_integration_folder_plans_no_integration_job_and_says_why(
    py_ci: PyCI, repository: Path, tmp_path: Path
) -> None:
    (repository / "tests" / "integration").rmdir()
    summary = tmp_path / "summary.md"
    outputs = plan(py_ci, repository, GITHUB_STEP_SUMMARY=str(summary))
    assert (outputs["integration"], outputs["unit-pytest-args"], outputs["integration-pytest-args"]) == (
        "false",
        "",
        "",
    )
    assert "| integration tests | none: `tests/integration` does not exist in the project |" in summary.read_text()
    assert plan(py_ci, repository, PY_CI_INTEGRATION_TESTS="")["integration"] == "false"


BAD = {
    "not JSON": ({"PY_CI_PYTHON_VERSIONS": "3.12, 3.13"}, "input python-versions: '3.12, 3.13' is not JSON"),
    "a number": ({"PY_CI_PYTHON_VERSIONS": "[3.10]"}, "input python-versions: 3.1 is a number, not a string; quote"),
    "empty list": ({"PY_CI_PYTHON_VERSIONS": "[]"}, "input python-versions: '[]' is not a non-empty JSON list"),
    "twice": ({"PY_CI_PYTHON_VERSIONS": '["3.12", "3.12"]'}, "lists an entry twice"),
    "odd version": ({"PY_CI_PYTHON_VERSIONS": '["3.12; rm -rf /"]'}, "is not a valid entry"),
    "os object": ({"PY_CI_OS": '{"os": "ubuntu-latest"}'}, "input os: "),
    "threshold": ({"PY_CI_COVERAGE_THRESHOLD": "ninety"}, "input coverage-threshold: 'ninety' is not a number"),
    "threshold range": ({"PY_CI_COVERAGE_THRESHOLD": "120"}, "is outside 0-100"),
    "quotes": ({"PY_CI_PYTEST_ARGS": "-k 'open"}, "input pytest-args: "),
    "mypy quotes": ({"PY_CI_MYPY_ARGS": '--strict "'}, "input mypy-args: "),
    "outside": (
        {"PY_CI_WORKING_DIRECTORY": "../elsewhere"},
        "input working-directory: '../elsewhere' is not a path inside",
    ),
    "absent folder": ({"PY_CI_WORKING_DIRECTORY": "services/web"}, "'services/web' is not a folder of the repository"),
    "image": ({"PY_CI_POSTGRES": "postgres:16"}, "input postgres: 'postgres:16' is not an image tag; give the tag"),
    "redis image": ({"PY_CI_REDIS": "7 --privileged"}, "input redis: '7 --privileged' is not an image tag"),
    "integration outside": ({"PY_CI_INTEGRATION_TESTS": "/tests"}, "input integration-tests: '/tests' is not a path"),
    "timeout": ({"PY_CI_TIMEOUT_MINUTES": "0"}, "input timeout-minutes: '0' is not a whole number of minutes"),
    "timeout text": ({"PY_CI_TIMEOUT_MINUTES": "soon"}, "input timeout-minutes: 'soon'"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_with_the_fix_and_no_plan(py_ci: PyCI, repository: Path, case: str) -> None:
    inputs, expected = BAD[case]
    output = repository.parent / "github-output"
    outcome = py_ci("workflow-inputs", cwd=repository, env={**DEFAULTS, **inputs, "GITHUB_OUTPUT": str(output)})
    assert_one_line_error(outcome, expected)
    assert not output.exists() or output.read_text() == ""


def test_in_actions_the_error_is_also_an_annotation(py_ci: PyCI, repository: Path) -> None:
    outcome = py_ci(
        "workflow-inputs", cwd=repository, env={**DEFAULTS, "PY_CI_OS": "ubuntu-latest", "GITHUB_ACTIONS": "true"}
    )
    assert outcome.status == 2
    assert outcome.stdout == (
        "::error title=py-ci::py-ci: error: input os: 'ubuntu-latest' is not JSON; write a JSON list of strings "
        'such as \'["ubuntu-latest", "windows-latest"]\'\n'
    )
