"""`py-ci workflow-inputs`: the reusable workflow's inputs checked first, each mistake one line that says the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import TEST_GROUPS, WORKFLOW_DEFAULTS, Outcome, assert_one_line_error, parse_outputs

PyCI = Callable[..., Outcome]


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repository"
    (root / "services" / "api" / "tests" / "integration").mkdir(parents=True)
    (root / "tests" / "integration").mkdir(parents=True)
    return root


def plan(py_ci: PyCI, repository: Path, **inputs: str) -> dict[str, str]:
    output = repository.parent / "github-output"
    output.unlink(missing_ok=True)
    outcome = py_ci(
        "workflow-inputs", cwd=repository, env={**WORKFLOW_DEFAULTS, **inputs, "GITHUB_OUTPUT": str(output)}
    )
    assert outcome.status == 0, outcome.stderr
    return parse_outputs(output.read_text())


def groups(outputs: dict[str, str], kind: str) -> list[dict[str, object]]:
    raw = outputs[f"{kind}-groups"]
    return json.loads(raw) if raw else []


def test_defaults_plan_the_whole_pipeline(py_ci: PyCI, repository: Path) -> None:
    outputs = plan(py_ci, repository)
    assert json.loads(outputs["python-versions"]) == ["3.11", "3.12", "3.13", "3.14", "3.15"]
    assert json.loads(outputs["os"]) == ["ubuntu-latest"]
    assert outputs["newest-python"] == "3.15"
    # The common layout: the matrix leaves the integration tests to their own job, which runs only them.
    [unit] = groups(outputs, "matrix")
    [integration] = groups(outputs, "single")
    assert (unit["name"], unit["pytest-args"]) == ("unit", "--ignore=tests/integration")
    assert (integration["name"], integration["pytest-args"]) == ("integration", "tests/integration")
    assert (integration["postgres"], integration["redis"]) == (False, False)  # no image asked for
    assert json.loads(outputs["unplanned-jobs"]) == []  # the gate requires every job


def test_monorepo_folder_services_and_extra_pytest_arguments(py_ci: PyCI, repository: Path) -> None:
    (repository / "services" / "api" / "tests" / "e2e").mkdir()
    outputs = plan(
        py_ci,
        repository,
        PY_CI_WORKING_DIRECTORY="services/api",
        PY_CI_PYTEST_ARGS="-k 'not slow' -x",
        PY_CI_PYTHON_VERSIONS='["3.13", "3.11", "pypy3.10"]',
        PY_CI_POSTGRES="16@sha256:" + "a" * 64,
    )
    assert outputs["newest-python"] == "3.13"  # the highest CPython, wherever it is listed
    [unit] = groups(outputs, "matrix")
    assert unit["pytest-args"] == "--ignore=tests/integration --ignore=tests/e2e -k 'not slow' -x"
    single = {group["name"]: group for group in groups(outputs, "single")}
    assert single["e2e"]["pytest-args"] == "tests/e2e -k 'not slow' -x"
    assert (single["integration"]["postgres"], single["integration"]["redis"]) == (True, False)


def test_no_other_suites_plan_the_matrix_alone_and_say_so(py_ci: PyCI, repository: Path, tmp_path: Path) -> None:
    (repository / "tests" / "integration").rmdir()
    summary = tmp_path / "summary.md"
    outputs = plan(py_ci, repository, GITHUB_STEP_SUMMARY=str(summary))
    assert (groups(outputs, "matrix")[0]["pytest-args"], outputs["single-groups"]) == ("", "")
    assert json.loads(outputs["unplanned-jobs"]) == ["group"]  # its skip is the plan's, not a failure
    assert "| test group `unit` | 5 legs: Python 3.11, 3.12, 3.13, 3.14, 3.15 on ubuntu-latest |" in summary.read_text()
    assert plan(py_ci, repository, PY_CI_INTEGRATION_TESTS="")["single-groups"] == ""


def test_declared_groups_from_the_input_and_from_the_project(py_ci: PyCI, repository: Path) -> None:
    outputs = plan(py_ci, repository, PY_CI_TEST_GROUPS=TEST_GROUPS, PY_CI_POSTGRES="16")
    [fast] = groups(outputs, "matrix")
    slow, e2e = groups(outputs, "single")
    assert fast["pytest-args"] == "-m 'not slow'"
    assert (slow["pytest-args"], slow["timeout-minutes"]) == ("-m slow", 60)
    assert (e2e["start"], e2e["ready"], e2e["ready-timeout"], e2e["postgres"]) == (
        "python -m app",
        "http://127.0.0.1:8000/health",
        "90",
        True,
    )
    (repository / "pyproject.toml").write_text(
        '[[tool.py-ci.test-groups]]\nname = "all"\nmatrix = true\n\n[[tool.py-ci.test-groups]]\nname = "db"\n'
        'paths = ["tests/integration"]\nservices = ["redis"]\n'
    )
    declared = plan(py_ci, repository, PY_CI_REDIS="7")
    assert [g["name"] for g in groups(declared, "matrix")] == ["all"]
    assert [(g["name"], g["redis"]) for g in groups(declared, "single")] == [("db", True)]
    # The input wins over the project's declaration.
    assert [
        g["name"] for g in groups(plan(py_ci, repository, PY_CI_TEST_GROUPS=TEST_GROUPS, PY_CI_POSTGRES="16"), "matrix")
    ] == ["fast"]


BAD = {
    "not JSON": ({"PY_CI_PYTHON_VERSIONS": "3.12, 3.13"}, "input python-versions: '3.12, 3.13' is not JSON"),
    "a number": ({"PY_CI_PYTHON_VERSIONS": "[3.10]"}, "input python-versions: 3.1 is a number, not a string; quote"),
    "empty list": ({"PY_CI_PYTHON_VERSIONS": "[]"}, "input python-versions: '[]' is not a non-empty JSON list"),
    "twice": ({"PY_CI_PYTHON_VERSIONS": '["3.12", "3.12"]'}, "lists an entry twice"),
    "odd version": ({"PY_CI_PYTHON_VERSIONS": '["3.12; rm -rf /"]'}, "is not a valid entry"),
    "os object": ({"PY_CI_OS": '{"os": "ubuntu-latest"}'}, "input os: "),
    "threshold": ({"PY_CI_COVERAGE_THRESHOLD": "ninety"}, "input coverage-threshold: 'ninety' is not a number"),
    "threshold range": ({"PY_CI_COVERAGE_THRESHOLD": "120"}, "is outside 0-100"),
    "diff threshold": (
        {"PY_CI_DIFF_COVERAGE_THRESHOLD": "80%"},
        "input diff-coverage-threshold: '80%' is not a number",
    ),
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
    "groups JSON": ({"PY_CI_TEST_GROUPS": "[{name: unit}]"}, "input test-groups: is not JSON"),
    "groups empty": ({"PY_CI_TEST_GROUPS": "[]"}, "input test-groups: is not a non-empty list of groups"),
    "group key": ({"PY_CI_TEST_GROUPS": '[{"name": "unit", "path": "tests"}]'}, "group 'unit' has unknown key 'path'"),
    "group name": ({"PY_CI_TEST_GROUPS": '[{"name": "Unit Tests"}]'}, "needs a name of a-z, 0-9 and -"),
    "group twice": ({"PY_CI_TEST_GROUPS": '[{"name": "a"}, {"name": "a"}]'}, "names group 'a' twice"),
    "group service": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "services": ["mysql"]}]'}, "asks for 'mysql'"),
    "group needs image": (
        {"PY_CI_TEST_GROUPS": '[{"name": "db", "services": ["postgres"]}]'},
        "input postgres: the test group 'db' needs postgres, and the input is empty; set the input postgres",
    ),
    "group start without ready": (
        {"PY_CI_TEST_GROUPS": '[{"name": "a", "start": "app"}]'},
        "says not when it is ready",
    ),
    "group ready": (
        {"PY_CI_TEST_GROUPS": '[{"name": "a", "start": "app", "ready": "soon"}]'},
        "neither a URL nor a port",
    ),
    "group paths": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "paths": ["../x"]}]'}, "'../x' is not inside the project"),
    "group matrix": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "matrix": "yes"}]'}, "matrix is not true or false"),
    "group timeout": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "timeout-minutes": 0}]'}, "timeout-minutes 0 is not 1-360"),
    "group wait": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "ready-timeout": -1}]'}, "ready-timeout -1 is not 1-3600"),
    "group markers": ({"PY_CI_TEST_GROUPS": '[{"name": "a", "markers": ["slow"]}]'}, "markers is not text"),
    "group object": ({"PY_CI_TEST_GROUPS": '["unit"]'}, "group 1 is not an object"),
    "python too old": (
        {"PY_CI_PYTHON_VERSIONS": '["3.7", "3.12"]'},
        "input python-versions: Python 3.7 is no longer provided by setup-python; list 3.8 or newer, the oldest it has",
    ),
    "python not out": (
        {"PY_CI_PYTHON_VERSIONS": '["3.12", "3.17"]'},
        "input python-versions: Python 3.17 is not released; list 3.15 or older, the newest release",
    ),
    "python spelling": (
        {"PY_CI_PYTHON_VERSIONS": '["py3.12"]'},
        "input python-versions: 'py3.12' is not a version setup-python reads; write X.Y, X.Yt (free-threaded) or "
        "pypy3.X",
    ),
    "services in the matrix": (
        {
            "PY_CI_TEST_GROUPS": '[{"name": "db", "matrix": true, "services": ["postgres"]}]',
            "PY_CI_POSTGRES": "16",
            "PY_CI_OS": '["ubuntu-latest", "windows-11-arm", "macos-latest"]',
        },
        "test group 'db': it runs across the matrix and asks for postgres, but only the job beside the services has "
        "them (once, on ubuntu-latest), and windows-11-arm, macos-latest runners have no Docker to run them; "
        'set "matrix": false for it, or drop "postgres" from its services',
    ),
    "services in a Linux matrix": (
        {"PY_CI_TEST_GROUPS": '[{"name": "db", "matrix": true, "services": ["redis"]}]', "PY_CI_REDIS": "7"},
        "test group 'db': it runs across the matrix and asks for redis, but only the job beside the services has "
        'them (once, on ubuntu-latest); set "matrix": false for it',
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_with_the_fix_and_no_plan(py_ci: PyCI, repository: Path, case: str) -> None:
    inputs, expected = BAD[case]
    output = repository.parent / "github-output"
    outcome = py_ci(
        "workflow-inputs", cwd=repository, env={**WORKFLOW_DEFAULTS, **inputs, "GITHUB_OUTPUT": str(output)}
    )
    assert_one_line_error(outcome, expected)
    assert not output.exists() or output.read_text() == ""


def test_in_actions_the_error_is_also_an_annotation(py_ci: PyCI, repository: Path) -> None:
    outcome = py_ci(
        "workflow-inputs",
        cwd=repository,
        env={**WORKFLOW_DEFAULTS, "PY_CI_OS": "ubuntu-latest", "GITHUB_ACTIONS": "true"},
    )
    assert outcome.status == 2
    assert outcome.stdout == (
        "::error title=py-ci::py-ci: error: input os: 'ubuntu-latest' is not JSON; write a JSON list of strings "
        'such as \'["ubuntu-latest", "windows-latest"]\'\n'
    )


def test_every_python_setup_python_gives_and_todays_runner_labels_are_accepted(py_ci: PyCI, repository: Path) -> None:
    versions = ["3.8", "3.9", "3.10", "3.14t", "3.16", "pypy3.10", "pypy-3.11", "graalpy-24.1", "3.13.1", "3.x"]
    labels = [
        *("ubuntu-latest", "ubuntu-26.04", "ubuntu-24.04", "ubuntu-22.04"),
        *("ubuntu-26.04-arm", "ubuntu-24.04-arm", "ubuntu-22.04-arm"),
        *("windows-latest", "windows-2025", "windows-2022", "windows-11-arm"),
        *("macos-latest", "macos-26", "macos-15", "macos-14", "macos-26-intel", "macos-15-intel"),
    ]
    outputs = plan(py_ci, repository, PY_CI_PYTHON_VERSIONS=json.dumps(versions), PY_CI_OS=json.dumps(labels))
    assert json.loads(outputs["python-versions"]) == versions
    assert json.loads(outputs["os"]) == labels
    assert outputs["newest-python"] == "3.16"  # the next release's pre-releases, with allow-prereleases


def test_services_beside_a_windows_matrix_run_in_the_linux_job(py_ci: PyCI, repository: Path) -> None:
    """A group that runs once gets its services on ubuntu-latest, whatever systems the matrix runs on."""
    groups_input = '[{"name": "unit", "matrix": true}, {"name": "db", "services": ["postgres"]}]'
    outputs = plan(
        py_ci, repository, PY_CI_TEST_GROUPS=groups_input, PY_CI_POSTGRES="16", PY_CI_OS='["windows-11-arm"]'
    )
    [single] = groups(outputs, "single")
    assert (single["name"], single["postgres"]) == ("db", True)
