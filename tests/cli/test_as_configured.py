"""Each tool as the project configures it, every outcome reported as what it is: real mypy, pytest, coverage.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PYTHON, Outcome, assert_one_line_error, run, write_files

PyCI = Callable[..., Outcome]
DEFAULT_RUNNER = "runner: pytest, from py-ci's default (the project names no test command)"
CHILDREN = "child processes measured too (coverage.py's [run] patch = subprocess)"
SYSMON = "lines measured by coverage.py's sys.monitoring core (Python 3.12 and 3.13, no branches: the same lines)"
# What a run measuring lines alone says of itself: on 3.12 and 3.13, the core that measures them (the total by hand,
# with coverage.py's default core, is the same).
LINES_ALONE = f"{CHILDREN}; {SYSMON}" if (3, 12) <= sys.version_info[:2] < (3, 14) else CHILDREN

TYPED = {
    "pkg/__init__.py": "",
    "pkg/core.py": """
        def double(value: int) -> int:
            if value < 0:
                return 0
            return value * 2
        """,
    "tests/test_core.py": """
        from pkg.core import double


        def test_double() -> None:
            assert double(2) == 4
        """,
}


def project(root: Path, files: dict[str, str], pyproject: str = "") -> Path:
    write_files(root, {**TYPED, **files, "pyproject.toml": pyproject})
    return root


def py_ci_run(py_ci: PyCI, root: Path, *args: str) -> tuple[Outcome, dict[str, Any]]:
    """`py-ci run` on the project, its own folder importable (as an editable install would make it)."""
    outcome = py_ci("run", "--python", PYTHON, "--json", *args, cwd=root, env={"PYTHONPATH": str(root)})
    return outcome, json.loads(outcome.stdout)


def ran(result: dict[str, Any], check: str) -> dict[str, str]:
    return next(item for item in result["ran"] if item["check"] == check)


def test_mypy_checks_the_package_not_every_file_in_the_folder(py_ci: PyCI, tmp_path: Path) -> None:
    # A noxfile mypy cannot parse: pointed at the folder, mypy stops on it and checks nothing.
    root = project(tmp_path, {"noxfile.py": "def session(:\n", "docs/conf.py": "x = (\n"})
    outcome, result = py_ci_run(py_ci, root, "--checks", "typecheck")
    assert outcome.status == 0, outcome.stdout
    assert result["mypy"]["errors"] == 0
    assert ran(result, "mypy")["command"] == "mypy --strict pkg"
    assert (
        "targets from the project's packages, from the project's top-level packages" in ran(result, "mypy")["settings"]
    )
    assert "flags from py-ci's default: the project has no mypy configuration" in ran(result, "mypy")["settings"]


def test_a_blocking_mypy_error_is_no_count_and_no_pass(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {"pkg/broken.py": "def half(value:\n"})
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck,lint", "--summary", "s.md", cwd=root)
    expected = "mypy did not finish (exit 2): pkg/broken.py:"
    assert_one_line_error(outcome, expected, after_progress=True, reported=True)
    summary = (root / "s.md").read_text()
    assert "### ❌ mypy did not finish (exit 2)" in summary
    assert "### ✅ ruff" not in summary  # ruff reports the syntax error too: it still ran and said so
    assert "### ❌ ruff" in summary


def test_a_blocking_error_wrapped_by_pretty_is_said_whole(py_ci: PyCI, tmp_path: Path) -> None:
    # `pretty = true` (attrs', markupsafe's) wraps a long message over lines: the cause is all of it, joined.
    files = {"setup_of_the_project.py": "", "a_sub_folder_with_a_long_name/setup_of_the_project.py": ""}
    root = project(tmp_path, files, '[tool.mypy]\npretty = true\nfiles = ["."]\n')
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=root)
    expected = (
        'mypy did not finish (exit 2): setup_of_the_project.py: error: Duplicate module named "setup_of_the_project" '
        '(also at "./a_sub_folder_with_a_long_name/setup_of_the_project.py")'
    )
    assert_one_line_error(outcome, expected, after_progress=True, reported=True)


def test_a_duplicate_module_stops_mypy_and_says_so(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {"sub/setup.py": "", "setup.py": ""}, '[tool.mypy]\nfiles = ["."]\n')
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=root)
    assert_one_line_error(outcome, 'error: Duplicate module named "setup"', after_progress=True, reported=True)


def test_tests_that_cannot_be_collected_name_the_missing_module(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_more.py": "import yaml_that_is_not_installed\n"})
    outcome = py_ci("run", "--python", PYTHON, "--json", cwd=root, env={"PYTHONPATH": str(root)})
    result = json.loads(outcome.stdout)
    assert outcome.status == 2
    [problem] = result["not_run"]
    assert (problem["title"], problem["what"]) == ("pytest", "was interrupted (exit 2)")
    assert problem["cause"] == "ModuleNotFoundError: No module named 'yaml_that_is_not_installed'"
    assert outcome.stderr.splitlines()[-1].startswith("py-ci: error: pytest was interrupted (exit 2): ModuleNotFound")
    # mypy and ruff still ran and reported; the collection error is one of the tests' errors.
    assert {"mypy", "ruff", "tests"} <= set(result)
    assert result["tests"]["errors"] == 1
    assert "coverage" not in result  # not measured: no coverage gate pretends it was


def test_a_fixture_error_shows_its_cause_on_the_terminal(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_fixture.py": "def test_uses(mocker):\n    assert mocker\n"})
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", cwd=root, env={"PYTHONPATH": str(root)})
    assert outcome.status == 1
    assert "ERROR tests/test_fixture.py::test_uses - fixture 'mocker' not found" in outcome.stdout


def coverage_run_total(root: Path, *args: str, pytest_args: tuple[str, ...] = ()) -> float:
    """What `coverage run -m pytest` and `coverage report` say, by hand."""
    data = {"COVERAGE_FILE": str(root / ".coverage.by-hand"), "PYTHONPATH": str(root)}
    pytest_run = ["-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    run([sys.executable, "-m", "coverage", "run", *args, *pytest_run], root, data)
    report = [sys.executable, "-m", "coverage", "report", "--format=total", "--precision=6"]
    return float(run(report, root, data).stdout)


def test_a_line_only_configuration_is_measured_as_lines(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {}, '[tool.coverage.run]\nbranch = false\nsource = ["pkg"]\n')
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    assert result["coverage"]["branches_valid"] == 0
    assert result["coverage"]["total"] == pytest.approx(coverage_run_total(root), abs=1e-6)
    expected = f"{DEFAULT_RUNNER}; coverage: pyproject.toml [tool.coverage.run] source; {LINES_ALONE}"
    assert ran(result, "pytest")["settings"] == expected


def test_without_configuration_the_packages_are_measured_with_branches(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path, {})
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    assert {file["path"] for file in result["coverage"]["files"]} == {"pkg/__init__.py", "pkg/core.py"}
    assert result["coverage"]["branches_valid"] == 2
    assert result["coverage"]["total"] == pytest.approx(coverage_run_total(root, "--branch", "--source=pkg"))
    assert "coverage: the project's packages (the project's top-level packages), with branches" in str(result["ran"])


@pytest.mark.parametrize(
    ("line", "runner"), [("coverage run -m pytest", "pytest"), ("coverage run -m unittest discover tests", "unittest")]
)
def test_a_bare_coverage_run_and_no_configuration_measure_what_coverage_measures(
    py_ci: PyCI, tmp_path: Path, line: str, runner: str
) -> None:
    """django-js-asset's tox line: coverage.py's defaults, the tests among the files, no branches; py-ci's own
    plugins (unittest's JUnit writer) never among them."""
    tests = {
        "tests/__init__.py": "",
        "tests/test_core.py": """
            import unittest

            from pkg.core import double


            class Test(unittest.TestCase):
                def test_double(self):
                    self.assertEqual(double(2), 4)
            """,
    }
    root = project(tmp_path, {**tests, "tox.ini": f"[testenv]\ncommands =\n    {line}\n    coverage report\n"})
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    files = {file["path"] for file in result["coverage"]["files"]} - {"tests/__init__.py"}  # empty: the runner's
    assert files == {"pkg/__init__.py", "pkg/core.py", "tests/test_core.py"}
    assert result["coverage"]["branches_valid"] == 0
    # Either runner runs the same lines of these files: the figure is `coverage run -m pytest`'s by hand.
    assert result["coverage"]["total"] == pytest.approx(coverage_run_total(root), abs=1e-6)
    said = "coverage: tox.ini [testenv] commands: coverage.py's defaults, every file the tests run but the standard"
    assert said in ran(result, runner)["settings"]


PLUGIN = {
    "plug/__init__.py": """
        import pytest


        def pytest_configure(config):
            config.addinivalue_line("markers", "slow: a slow test")


        @pytest.fixture
        def answer():
            return 42
        """,
    "tests/test_plugin.py": "def test_answer(answer):\n    assert answer == 42\n",
}


def test_a_package_pytest_imports_at_start_up_counts_its_import_lines(py_ci: PyCI, tmp_path: Path) -> None:
    pyproject = '[tool.coverage.run]\nsource = ["plug"]\n\n[tool.pytest.ini_options]\naddopts = "-p plug"\n'
    root = project(tmp_path, PLUGIN, pyproject)
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    # pytest imports the plugin before pytest-cov could start: only a measurement begun first sees its def lines.
    assert result["coverage"]["total"] == coverage_run_total(root) == 100.0


def test_pytest_cov_in_addopts_measures_once_as_configured(py_ci: PyCI, tmp_path: Path) -> None:
    pyproject = '[tool.pytest.ini_options]\naddopts = "--cov=pkg --cov-report=term-missing --cov-fail-under=99"\n'
    root = project(tmp_path, {}, pyproject)
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr  # pytest-cov's own fail-under is its, not the run's
    by_hand = coverage_run_total(root, "--source=pkg", pytest_args=("--no-cov",))
    assert result["coverage"]["total"] == pytest.approx(by_hand) == 75.0
    assert "--no-cov" in ran(result, "pytest")["command"]
    assert (
        ran(result, "pytest")["settings"] == f"{DEFAULT_RUNNER}; coverage: pyproject.toml addopts --cov; {LINES_ALONE}"
    )


def pytest_cov_total(root: Path) -> float:
    """What pytest-cov's bare `--cov` and `coverage report` say, by hand."""
    data = {"COVERAGE_FILE": str(root / ".coverage.by-hand"), "PYTHONPATH": str(root)}
    run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--cov", "--cov-report="], root, data)
    report = [sys.executable, "-m", "coverage", "report", "--format=total", "--precision=6"]
    return float(run(report, root, data).stdout)


OMITTED = {
    "pkg/vendored.py": "def unused():\n    return 1\n",
    "pkg/uses.py": "from pkg.vendored import unused\n",
    "tests/test_uses.py": "import pkg.uses\n\n\ndef test_imports():\n    assert pkg.uses.unused\n",
    ".coveragerc": "[run]\nomit =\n    */.tox/*\n    pkg/vendored.py\n",
}


@pytest.mark.parametrize(
    ("pyproject", "said"),
    [
        ('[tool.pytest.ini_options]\naddopts = "--cov --cov-report=term"\n', "pyproject.toml addopts --cov"),
        # jaraco's projects: pytest-enabler, installed beside pytest-cov, adds the bare `--cov` itself.
        (
            '[project]\nname = "p"\nversion = "1"\n[project.optional-dependencies]\n'
            'test = ["pytest", "p[cover,enabler]"]\ncover = ["pytest-cov"]\nenabler = ["pytest-enabler >= 2.2"]\n',
            "pytest-enabler addopts --cov",
        ),
    ],
)
def test_a_bare_cov_measures_what_pytest_cov_measures(py_ci: PyCI, tmp_path: Path, pyproject: str, said: str) -> None:
    """backports.tarfile: pytest-cov given no source measures every file the tests run, the tests too, less what the
    project omits (py-ci's own plugins left out beside it, not instead of it)."""
    root = project(tmp_path, OMITTED, pyproject)
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    files = {file["path"] for file in result["coverage"]["files"]} - {"tests/__init__.py"}
    assert files == {"pkg/__init__.py", "pkg/core.py", "pkg/uses.py", "tests/test_core.py", "tests/test_uses.py"}
    assert result["coverage"]["total"] == pytest.approx(pytest_cov_total(root), abs=1e-6)
    assert f"coverage: {said}: coverage.py's defaults" in ran(result, "pytest")["settings"]
    assert "; the rest from .coveragerc" in ran(result, "pytest")["settings"]
    assert "--no-cov" in ran(result, "pytest")["command"]


def test_the_projects_own_mypy_configuration_is_not_made_strict(py_ci: PyCI, tmp_path: Path) -> None:
    untyped = {"pkg/loose.py": "def shout(text):\n    return text.upper()\n"}
    root = project(tmp_path, untyped, "[tool.mypy]\nwarn_unused_configs = true\n")
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--json", "--summary", "s.md", cwd=root)
    result = json.loads(outcome.stdout)
    assert outcome.status == 0  # under --strict, shout() would be two errors
    assert ran(result, "mypy")["command"] == "mypy pkg"
    assert ran(result, "mypy")["settings"].startswith("flags from pyproject.toml [tool.mypy], the project's own mypy")
    assert "the project&#x27;s own mypy configuration" in (root / "s.md").read_text()


def test_mypys_own_stop_is_no_count_in_its_output_alone(py_ci: PyCI, tmp_path: Path) -> None:
    """`py-ci mypy` on the text of a run that mypy stopped: its summary line says so, and that fails the gate."""
    root = project(tmp_path, {"pkg/broken.py": "def half(value:\n"})
    said = run([sys.executable, "-m", "mypy", "--no-incremental", "pkg"], root, allowed=(2,)).stdout
    assert "(errors prevented further checking)" in said
    (root / "mypy.txt").write_text(said)
    outcome = py_ci("mypy", "mypy.txt", "--json", "--max-errors", "5", cwd=root)
    result = json.loads(outcome.stdout)
    assert (outcome.status, result["passed"]) == (1, False)  # five errors allowed: a stop is no count
    assert result["verdicts"][0]["message"].startswith("mypy stopped before checking everything")


# A CLI its tests run in child processes, as `python -m`: coverage.py measures them only with its subprocess patch.
CLI = {
    "pkg/__main__.py": """
        import sys

        from pkg.core import double


        def main() -> int:
            if len(sys.argv) < 2:
                print("usage: pkg NUMBER")
                return 2
            print(double(int(sys.argv[1])))
            return 0


        raise SystemExit(main())
        """,
    "tests/test_cli.py": """
        import subprocess
        import sys


        def test_the_cli_doubles() -> None:
            done = subprocess.run([sys.executable, "-m", "pkg", "4"], capture_output=True, text=True, check=True)
            assert done.stdout == "8\\n"
        """,
}


@pytest.mark.parametrize("configured", [False, True], ids=["py-ci's configuration", "the project's"])
def test_the_cli_run_in_child_processes_is_measured(py_ci: PyCI, tmp_path: Path, configured: bool) -> None:
    pyproject = '[tool.coverage.run]\nsource = ["pkg"]\nbranch = true\n' if configured else ""
    root = project(tmp_path, CLI, pyproject)
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    files = {file["path"]: file for file in result["coverage"]["files"]}
    # main()'s lines past the usage branch ran in the child alone; the usage branch ran nowhere.
    assert files["pkg/__main__.py"]["missing"] == "9-10"
    assert ran(result, "pytest")["settings"].endswith(f"; {CHILDREN}")
    assert ran(result, "pytest")["command"].startswith("coverage run ")


# What the tests see of coverage.py's core: the default one traces (sys.gettrace()), sys.monitoring's does not.
CORE_SEEN = {
    "tests/test_core_seen.py": """
        import os
        import sys
        from pathlib import Path


        def test_which_core_measures() -> None:
            Path(os.environ["CORE_SEEN"]).write_text("trace" if sys.gettrace() is not None else "monitoring")
        """,
}


@pytest.mark.parametrize(
    ("pyproject", "environ", "monitoring"),
    [
        ('[tool.coverage.run]\nsource = ["pkg"]\n', {}, sys.version_info >= (3, 12)),
        ('[tool.coverage.run]\nsource = ["pkg"]\nbranch = true\n', {}, sys.version_info >= (3, 14)),
        ('[tool.coverage.run]\nsource = ["pkg"]\n', {"COVERAGE_CORE": "ctrace"}, False),
        ("", {}, sys.version_info >= (3, 14)),  # py-ci's own configuration measures branches
    ],
    ids=["lines alone", "branches", "the project's core", "py-ci's configuration"],
)
def test_lines_alone_are_measured_by_sys_monitoring_on_3_12_and_3_13(
    py_ci: PyCI, tmp_path: Path, pyproject: str, environ: dict[str, str], monitoring: bool
) -> None:
    root = project(tmp_path / "project", {**CLI, **CORE_SEEN}, pyproject)
    seen = tmp_path / "core.txt"
    env = {"PYTHONPATH": str(root), "CORE_SEEN": str(seen), **environ}
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=root, env=env)
    result = json.loads(outcome.stdout)
    assert outcome.status == 0, outcome.stderr
    assert seen.read_text() == ("monitoring" if monitoring else "trace")
    # The child process's lines count under either core.
    assert {file["path"]: file for file in result["coverage"]["files"]}["pkg/__main__.py"]["missing"] == "9-10"
    settings = ran(result, "pytest")["settings"]
    assert settings.endswith(LINES_ALONE if monitoring else CHILDREN)


def test_a_project_that_names_its_patches_is_left_as_it_says(py_ci: PyCI, tmp_path: Path) -> None:
    pyproject = '[tool.coverage.run]\nsource = ["pkg"]\npatch = ["_exit"]\n'
    root = project(tmp_path, CLI, pyproject)
    outcome, result = py_ci_run(py_ci, root, "--checks", "test")
    assert outcome.status == 0, outcome.stderr
    files = {file["path"]: file for file in result["coverage"]["files"]}
    assert files["pkg/__main__.py"]["missing"] == "2-15"  # its own choice: the child processes are not measured
    assert ran(result, "pytest")["settings"] == f"{DEFAULT_RUNNER}; coverage: pyproject.toml [tool.coverage.run] source"


def test_a_coverage_older_than_the_patch_runs_as_it_is_and_says_so(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path / "project", CLI, '[tool.coverage.run]\nsource = ["pkg"]\n')
    run([PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path)
    python = str(tmp_path / "venv" / "bin" / "python")
    run([PYTHON, "-m", "uv", "pip", "install", "--python", python, "coverage==7.6.1", "pytest==9.2.0"], tmp_path)
    outcome = py_ci("run", "--python", python, "--checks", "test", "--json", cwd=root, env={"PYTHONPATH": str(root)})
    result = json.loads(outcome.stdout)
    assert outcome.status == 0, outcome.stderr
    assert result["tests"]["passed"] == 2
    assert ran(result, "pytest")["settings"].endswith(
        "; child processes not measured: coverage.py 7.6.1 predates [run] patch = subprocess (7.10.3); "
        "pin coverage>=7.10.3 to measure them"
    )
