"""Tests on pytest-xdist's workers: asked for (--parallel, the `parallel` input) or as the project's addopts run them,
every worker measured, the union equal to one serial run's."""

from __future__ import annotations

import json
import sys
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


def test_workers_the_maintainers_tox_run_asks_for(py_ci: PyCI, tmp_path: Path) -> None:
    # python-dateutil's way: tox's setenv hands pytest-xdist's -n to pytest through PYTEST_ADDOPTS.
    tox = "[testenv]\nsetenv =\n    PYTEST_ADDOPTS = -n 2 {env:PYTEST_ADDOPTS:}\ncommands = pytest tests\n"
    serial = measured(py_ci, project(tmp_path / "serial"))
    root = project(tmp_path / "tox")
    (root / "tox.ini").write_text(tox, encoding="utf-8")
    on_workers = measured(py_ci, root)
    assert total(on_workers) == total(serial) > 0
    ran = on_workers["ran"]
    assert isinstance(ran, list)
    assert " -n " not in ran[0]["command"]  # tox's PYTEST_ADDOPTS reaches pytest as it is
    assert "pytest-xdist's workers, from tox.ini [testenv] commands, its PYTEST_ADDOPTS -n 2" in ran[0]["settings"]
    # Told otherwise, one process: pytest-xdist's -n 0 over the maintainers' -n 2.
    with (root / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("[tool.py-ci]\nparallel = false\n")
    one = measured(py_ci, root)
    ran_once, tests = one["ran"], one["tests"]
    assert isinstance(ran_once, list)
    assert isinstance(tests, dict)
    assert " -n 0 " in ran_once[0]["command"]
    assert "pytest-xdist" not in ran_once[0]["settings"]
    assert total(one) == total(serial)
    assert [tests["tests"], tests["passed"]] == [4, 4]


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


@pytest.mark.parametrize("branch", [False, True], ids=["lines alone", "branches"])
def test_the_workers_measure_lines_alone_by_sys_monitoring_on_3_12_and_3_13(
    py_ci: PyCI, tmp_path: Path, branch: bool
) -> None:
    root = project(tmp_path / "calc")
    configured = f'\n[tool.coverage.run]\nsource = ["calc"]\nbranch = {"true" if branch else "false"}\n'
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + configured)
    # Each test says which core measures its worker: the default one traces, sys.monitoring's does not.
    (root / "tests" / "conftest.py").write_text(
        "import os, sys\n\n\n"
        "def pytest_runtest_setup(item):\n"
        "    seen = 'trace' if sys.gettrace() is not None else 'monitoring'\n"
        "    with open(os.path.join(os.environ['CORE_SEEN'], item.name), 'w') as out:\n"
        "        out.write(seen)\n"
    )
    seen = tmp_path / "seen"
    seen.mkdir()
    flags = ("run", "--python", PYTHON, "--checks", "test", "--fail-under", "0", "--json")
    outcome = py_ci(*flags, "--parallel", cwd=root, env={"CORE_SEEN": str(seen)})
    assert outcome.status == 0, outcome.stderr
    parallel = json.loads(outcome.stdout)
    serial = json.loads(py_ci(*flags, cwd=root, env={"CORE_SEEN": str(tmp_path)}).stdout)
    monitoring = not branch and (3, 12) <= sys.version_info[:2] < (3, 14)
    cores = {path.read_text() for path in seen.iterdir()}
    assert len(list(seen.iterdir())) == 4
    assert cores == ({"monitoring"} if monitoring or sys.version_info >= (3, 14) else {"trace"})  # 3.14: its own choice
    assert total(parallel) == total(serial) > 0
    said = "lines measured by coverage.py's sys.monitoring core (Python 3.12 and 3.13, no branches: the same lines)"
    assert parallel["ran"][0]["settings"].endswith(said if monitoring else "pytest-xdist's workers, from --parallel")
