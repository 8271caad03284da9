"""Tests on pytest-xdist's workers: asked for (--parallel, the `parallel` input) or as the project's addopts run them,
every worker measured, the union equal to one serial run's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.readers.pytest_config import PytestSettings
from tests.helpers import PYTHON, Outcome, write_files

PyCI = Callable[..., Outcome]
CALC = {
    "calc/__init__.py": """
        def add(a, b):
            return a + b


        def sign(n):
            if n < 0:
                return -1
            if n == 0:
                return 0
            return 1


        def unused():
            return "never"
        """,
    **{
        f"tests/test_{n}.py": f"from calc import add, sign\n\n\ndef test_{n}():\n    assert add({n}, 1) == {n + 1}\n"
        f"    assert sign({n} - 2) in (-1, 0, 1)\n"
        for n in range(1, 5)
    },
}


def measured(py_ci: PyCI, root: Path, *flags: str) -> dict[str, object]:
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--fail-under", "0", "--json", *flags, cwd=root)
    assert outcome.status == 0, outcome.stderr
    result: dict[str, object] = json.loads(outcome.stdout)
    return result


def project(root: Path, addopts: str = "") -> Path:
    pytest_table = f'[tool.pytest.ini_options]\naddopts = "{addopts}"\n' if addopts else ""
    write_files(root, {**CALC, "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n' + pytest_table})
    return root


def total(result: dict[str, object]) -> float:
    coverage = result["coverage"]
    assert isinstance(coverage, dict)
    return float(coverage["total"])


def test_asked_for_every_worker_is_measured(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path / "calc")
    serial, parallel = measured(py_ci, root), measured(py_ci, root, "--parallel")
    assert total(parallel) == total(serial) > 0  # every worker's lines in the union, as one process would have
    ran = parallel["ran"]
    assert isinstance(ran, list)
    assert " -n logical" in ran[0]["command"]
    assert ran[0]["settings"].endswith("pytest-xdist's workers, from --parallel")
    counts = ("tests", "passed", "failed", "errors", "skipped")
    serial_tests, parallel_tests = serial["tests"], parallel["tests"]
    assert isinstance(serial_tests, dict)
    assert isinstance(parallel_tests, dict)
    assert [parallel_tests[key] for key in counts] == [serial_tests[key] for key in counts] == [4, 4, 0, 0, 0]


def test_the_projects_own_workers_are_measured_too(py_ci: PyCI, tmp_path: Path) -> None:
    # `coverage run -m pytest -n 2` measures the controller alone: 0% of calc/ before py-ci ran these under pytest-cov.
    serial = measured(py_ci, project(tmp_path / "serial"))
    own = measured(py_ci, project(tmp_path / "own", addopts="-n 2"))
    assert total(own) == total(serial) > 0
    ran = own["ran"]
    assert isinstance(ran, list)
    assert " -n " not in ran[0]["command"]  # the addopts' -n 2 runs as the project set it
    assert ran[0]["settings"].endswith("pytest-xdist's workers, from pyproject.toml addopts -n 2")


@pytest.mark.parametrize(
    ("addopts", "workers"),
    [
        (("-n", "auto"), "auto"),
        (("-n4",), "4"),
        (("--numprocesses=logical",), "logical"),
        (("--numprocesses", "3", "-q"), "3"),
        (("-n", "0"), None),
        (("-q", "--cov"), None),
        (("-n",), None),
    ],
)
def test_workers_read_from_addopts(addopts: tuple[str, ...], workers: str | None) -> None:
    assert PytestSettings("pyproject.toml", addopts).workers == workers


def test_a_long_suite_in_one_process_is_told_of_parallel_never_given_it(
    py_ci: PyCI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_ci import local_run

    write_files(tmp_path, CALC)
    monkeypatch.setattr(local_run, "PARALLEL_HINT_SECONDS", 0.0)  # every suite is long: this one takes a second
    serial = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=tmp_path)
    result = json.loads(serial.stdout)
    assert result["tests"]["tests"] == 4  # one process: the hint never turns the workers on
    (note,) = result["notes"]
    assert note.startswith("The tests took ")
    assert "pytest-xdist is installed: `parallel: true`" in note
    asked = py_ci("run", "--python", PYTHON, "--checks", "test", "--parallel", "--json", cwd=tmp_path)
    assert "notes" not in json.loads(asked.stdout)
    monkeypatch.setattr(local_run, "PARALLEL_HINT_SECONDS", 3600.0)
    assert "notes" not in json.loads(
        py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=tmp_path).stdout
    )
