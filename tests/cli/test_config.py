"""Thresholds come from where coverage.py reads them, then [tool.py-ci], PY_CI_*, flags."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.coverage_config import read_coverage_settings
from py_ci.readers.project_files import ProjectFiles
from tests.helpers import Outcome, assert_one_line_error, run, with_total, write_files

PyCI = Callable[..., Outcome]

LAYOUTS = {
    "coveragerc": {".coveragerc": "[report]\nfail_under = 85\nprecision = 1\n"},
    "coveragerc-prefixed": {".coveragerc": "[coverage:report]\nfail_under = 84\n"},
    "setup.cfg": {"setup.cfg": "[metadata]\nname = x\n\n[coverage:report]\nfail_under = 70\nprecision = 3\n"},
    "tox.ini": {"tox.ini": "[tox]\nenvlist = py\n\n[coverage:report]\nfail_under = 71.5\n"},
    "pyproject": {"pyproject.toml": "[tool.coverage.report]\nfail_under = 91.5\nprecision = 2\n"},
    "pyproject-int": {"pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n"},
    "coveragerc.toml": {".coveragerc.toml": "[report]\nfail_under = 77\n"},
    "setup.cfg-run-only-wins": {
        "setup.cfg": "[coverage:run]\nbranch = true\n",
        "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n",
    },
    "setup.cfg-without-coverage-skipped": {
        "setup.cfg": "[metadata]\nname = x\n",
        "pyproject.toml": "[tool.coverage.report]\nfail_under = 93\n",
    },
    "empty-coveragerc-wins": {".coveragerc": "", "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n"},
    "pyproject-without-coverage": {"pyproject.toml": "[project]\nname = 'x'\n"},
    "nothing": {},
    "variables": {".coveragerc": "[report]\nfail_under = ${THRESHOLD}\nprecision = ${DIGITS-2}\n"},
}


def coverage_reads(root: Path, env: dict[str, str]) -> tuple[float, int]:
    code = (
        "import coverage; c = coverage.Coverage(); "
        "print(c.get_option('report:fail_under'), c.get_option('report:precision'))"
    )
    fail_under, precision = run([sys.executable, "-c", code], root, env).stdout.split()
    return float(fail_under), int(precision)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_settings_equal_what_coverage_reads(tmp_path: Path, layout: str) -> None:
    write_files(tmp_path, LAYOUTS[layout])
    env = {"THRESHOLD": "66"}
    settings = read_coverage_settings(ProjectFiles(tmp_path), env)
    fail_under, precision = coverage_reads(tmp_path, env)
    ours_fail_under = settings.fail_under if settings and settings.fail_under is not None else 0.0
    ours_precision = settings.precision if settings and settings.precision is not None else 0
    assert (ours_fail_under, ours_precision) == (fail_under, precision)


def test_coverage_rcfile_variable_is_honoured(tmp_path: Path) -> None:
    write_files(tmp_path, {"ci/cov.ini": "[report]\nfail_under = 61\n", ".coveragerc": "[report]\nfail_under = 99\n"})
    env = {"COVERAGE_RCFILE": "ci/cov.ini"}
    settings = read_coverage_settings(ProjectFiles(tmp_path), env)
    assert settings is not None
    assert settings.fail_under == coverage_reads(tmp_path, env)[0] == 61
    assert settings.origin("fail_under") == "ci/cov.ini [report] fail_under"


def test_missing_coverage_rcfile_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="COVERAGE_RCFILE"):
        read_coverage_settings(ProjectFiles(tmp_path), {"COVERAGE_RCFILE": "nope.ini"})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "coverage.xml").write_text(with_total(3, 4))  # 75%
    return tmp_path


def gate(py_ci: PyCI, project: Path, *flags: str, env: dict[str, str] | None = None) -> dict[str, object]:
    outcome = py_ci("coverage", "--json", *flags, cwd=project, env=env)
    assert outcome.status in (0, 1), outcome.stderr
    result: dict[str, object] = json.loads(outcome.stdout)
    return result


def test_priority_coverage_config_then_tool_table_then_environment_then_flag(py_ci: PyCI, project: Path) -> None:
    write_files(project, {"pyproject.toml": "[tool.coverage.report]\nfail_under = 70\n"})
    assert gate(py_ci, project)["fail_under_source"] == "pyproject.toml [tool.coverage.report] fail_under"
    assert gate(py_ci, project)["passed"] is True
    (project / "pyproject.toml").write_text(
        "[tool.coverage.report]\nfail_under = 70\n\n[tool.py-ci]\ncoverage-threshold = 80\n"
    )
    result = gate(py_ci, project)
    assert (result["fail_under"], result["fail_under_source"], result["passed"]) == (
        80.0,
        "pyproject.toml [tool.py-ci] coverage-threshold",
        False,
    )
    result = gate(py_ci, project, env={"PY_CI_COVERAGE_THRESHOLD": "60"})
    assert (result["fail_under"], result["fail_under_source"], result["passed"]) == (
        60.0,
        "PY_CI_COVERAGE_THRESHOLD",
        True,
    )
    result = gate(py_ci, project, "--fail-under", "76", env={"PY_CI_COVERAGE_THRESHOLD": "60"})
    assert (result["fail_under"], result["fail_under_source"], result["passed"]) == (76.0, "--fail-under", False)


def test_summary_says_where_the_threshold_came_from(py_ci: PyCI, project: Path) -> None:
    write_files(project, {"setup.cfg": "[coverage:report]\nfail_under = 74.5\nprecision = 1\n"})
    py_ci("coverage", "--summary", "summary.md", cwd=project)
    summary = (project / "summary.md").read_text()
    assert (
        "Threshold 74.5% from `setup.cfg [coverage:report] fail_under`, compared at 1 decimal as coverage.py "
        "does: **passed** (total of 75.00% meets fail-under=74.5)."
    ) in summary


def test_precision_from_tool_table(py_ci: PyCI, project: Path) -> None:
    write_files(project, {"pyproject.toml": "[tool.py-ci]\ncoverage-threshold = 75.0\ncoverage-precision = 3\n"})
    assert gate(py_ci, project)["precision"] == 3


BAD = {
    "unknown key": ("[tool.py-ci]\ncoverage-treshold = 80\n", "[tool.py-ci] has unknown key 'coverage-treshold'"),
    "not a number": ("[tool.py-ci]\ncoverage-threshold = 'high'\n", "coverage-threshold: 'high' is not a number"),
    "over 100": ("[tool.py-ci]\ncoverage-threshold = 120\n", "coverage-threshold: 120 is outside 0-100"),
    "a fraction": (
        "[tool.py-ci]\ncoverage-threshold = 0.85\n",
        "coverage-threshold: 0.85 reads as a fraction; write a percentage: 85 for 85%",
    ),
    "bad toml": ("[tool.py-ci\n", "pyproject.toml: is not valid TOML"),
    "not a table": ("tool = {py-ci = 3}\n", "[tool.py-ci] is not a table"),
    "bad precision": ("[tool.py-ci]\ncoverage-precision = -1\n", "is not a whole number of decimals"),
    "coverage value": ("[tool.coverage.report]\nfail_under = 'x'\n", "fail_under: 'x' is not a number"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_configuration_is_one_clear_line(py_ci: PyCI, project: Path, case: str) -> None:
    text, expected = BAD[case]
    (project / "pyproject.toml").write_text(text)
    assert_one_line_error(py_ci("coverage", "--summary", "summary.md", cwd=project), expected)
    assert not (project / "summary.md").exists()


@pytest.mark.parametrize(("variable", "value"), [("PY_CI_COVERAGE_THRESHOLD", "x"), ("PY_CI_COVERAGE_PRECISION", "11")])
def test_bad_environment_is_a_usage_error(py_ci: PyCI, project: Path, variable: str, value: str) -> None:
    outcome = py_ci("coverage", cwd=project, env={variable: value})
    assert_one_line_error(outcome, f"{variable}: ")
    assert outcome.stderr.startswith(f"py-ci: error: {variable}: ")


def test_broken_coverage_ini_is_an_input_error(py_ci: PyCI, project: Path) -> None:
    (project / ".coveragerc").write_text("[report\nfail_under = 3\n")
    outcome = py_ci("coverage", cwd=project)
    assert_one_line_error(outcome, ".coveragerc:1: cannot be read as configuration")
    assert outcome.stderr.startswith("py-ci: error: .coveragerc:1: cannot be read as configuration")


def test_required_variable_missing(py_ci: PyCI, project: Path) -> None:
    (project / ".coveragerc").write_text("[report]\nfail_under = ${NEEDED?}\n")
    assert_one_line_error(py_ci("coverage", cwd=project), "variable NEEDED is required but not set")
