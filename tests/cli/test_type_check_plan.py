"""What the typecheck check runs: the checkers the project configures, each its own command, and mypy's workers
only when its cache is empty and nobody chose them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from py_ci import tool_runs
from py_ci.environment import Environment, installed_version
from py_ci.install import TOOL_VERSIONS
from py_ci.options.build import build_options
from py_ci.tool_runs import Check, plan
from tests.helpers import Outcome, write_files

PyCI = Callable[..., Outcome]


def typechecks(root: Path, env: Mapping[str, str] | None = None, **flags: object) -> list[Check]:
    options = build_options("run", {"checks": ("typecheck",), **flags}, env or {}, root)
    return plan(Environment(Path(sys.executable), "this interpreter"), options, root / "out")


def test_the_configured_checkers_each_with_its_own_command(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.pyrefly]\n[tool.mypy]\nstrict = true\n", "pkg/__init__.py": ""})
    checks = typechecks(tmp_path)
    assert [(c.name, c.title, c.tool, c.output.name) for c in checks] == [
        ("typecheck-pyrefly", "pyrefly check", "pyrefly", "pyrefly.json"),
        ("typecheck", "mypy", "mypy", "mypy.txt"),
    ]
    assert checks[0].command[1:] == [
        "-m", "pyrefly", "check", "--output-format", "json", "--python-interpreter-path", sys.executable,
    ]  # fmt: skip
    assert checks[1].command[1:] == ["-m", "mypy", "pkg"]  # the project's own strictness, its package


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, ("mypy",)),
        ({"ty.toml": ""}, ("ty",)),
        ({"pyrightconfig.json": "{}"}, ("pyright",)),
        ({"pyproject.toml": "[tool.basedpyright]\n[tool.ty]\n"}, ("ty", "basedpyright")),
        ({"setup.cfg": "[mypy]\n", "pyrefly.toml": ""}, ("pyrefly", "mypy")),
    ],
)
def test_which_checkers_run(tmp_path: Path, files: dict[str, str], expected: tuple[str, ...]) -> None:
    write_files(tmp_path, {"pkg/__init__.py": "", **files})
    assert tuple(check.tool for check in typechecks(tmp_path)) == expected


def test_the_choice_given_wins_over_the_configuration(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.ty]\n[tool.py-ci]\ntype-checkers = ['basedpyright']\n"})
    assert [check.tool for check in typechecks(tmp_path)] == ["basedpyright"]
    given = typechecks(tmp_path, {"PY_CI_TYPE_CHECKERS": "mypy, ty"})
    assert [check.tool for check in given] == ["mypy", "ty"]
    assert [check.tool for check in typechecks(tmp_path, type_checkers=("pyright",))] == ["pyright"]


def workers(root: Path, env: Mapping[str, str] | None = None) -> str | None:
    (check,) = typechecks(root, env)
    return check.env.get("MYPY_NUM_WORKERS")


def test_mypy_on_workers_only_while_its_cache_is_empty(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/__init__.py": ""})
    assert workers(tmp_path) == "auto"
    (tmp_path / ".mypy_cache").mkdir()
    assert workers(tmp_path) == "auto"  # an empty folder is no cache
    (tmp_path / ".mypy_cache" / "3.12").mkdir()
    assert workers(tmp_path) is None
    restored = tmp_path / "restored"
    assert workers(tmp_path, {"MYPY_CACHE_DIR": str(restored)}) == "auto"
    (restored / "3.12").mkdir(parents=True)
    assert workers(tmp_path, {"MYPY_CACHE_DIR": str(restored)}) is None
    assert workers(tmp_path, {"MYPY_CACHE_DIR": ""}) is None  # the action's empty value: mypy's own .mypy_cache


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("mypy.ini", "[mypy]\nnum_workers = 2\n"),
        ("setup.cfg", "[mypy]\nlocal_partial_types = False\n"),
        ("pyproject.toml", "[tool.mypy]\nincremental = false\n"),
        ("pyproject.toml", '[tool.mypy]\ncache_dir = "/dev/null"\n'),
    ],
)
def test_mypy_left_serial_where_the_project_chooses(tmp_path: Path, name: str, text: str) -> None:
    write_files(tmp_path, {"pkg/__init__.py": "", name: text})
    assert workers(tmp_path) is None


def test_the_callers_own_workers_are_kept(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/__init__.py": ""})
    assert workers(tmp_path, {"MYPY_NUM_WORKERS": "0"}) is None


@pytest.mark.parametrize(("version", "expected"), [((2, 4, 1), "auto"), ((2, 3, 0), None), ((1, 19, 1), None)])
def test_mypy_on_workers_only_from_the_release_they_are_tested_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: tuple[int, ...], expected: str | None
) -> None:
    """Experimental since mypy 2.0: an older pinned mypy checks in one process, as before."""
    write_files(tmp_path, {"pkg/__init__.py": ""})
    monkeypatch.setattr(tool_runs, "installed_version", lambda environment, name: version)
    assert workers(tmp_path) == expected


def test_the_installed_version_is_read_from_the_environment() -> None:
    here = Environment(Path(sys.executable), "this interpreter")
    assert installed_version(here, "mypy") == tuple(int(part) for part in TOOL_VERSIONS["mypy"].split("."))
    assert installed_version(here, "no-such-distribution-here") is None


CRASHING_WORKERS = """
import os, sys
argv = getattr(sys, "orig_argv", [])
if "-m" in argv and argv[argv.index("-m") + 1 : argv.index("-m") + 2] == ["mypy"]:
    if os.environ.get("MYPY_NUM_WORKERS") == "auto":
        # Where mypy 2.4.1 writes it: stderr (mypy/errors.py, report_internal_error).
        print("error: INTERNAL ERROR -- Please try using mypy master on GitHub:", file=sys.stderr)
        sys.stderr.flush()
        os._exit(2)
"""


def test_workers_that_crash_leave_mypy_to_check_again_in_one_process(py_ci: PyCI, tmp_path: Path) -> None:
    """Experimental: once, under load, mypy 2.4.1's workers ended in an INTERNAL ERROR. The run is mypy's serial one."""
    project = tmp_path / "project"
    write_files(project, {"pkg/__init__.py": 'x: int = "a"\n'})
    write_files(tmp_path / "shim", {"sitecustomize.py": CRASHING_WORKERS})
    outcome = py_ci("run", "--python", sys.executable, "--checks", "typecheck", "--json", cwd=project,
                    env={"PYTHONPATH": str(tmp_path / "shim")})  # fmt: skip
    result = json.loads(outcome.stdout)
    assert outcome.status == 1, outcome.stdout
    assert "not_run" not in result
    assert result["mypy"]["errors"] == 1
    assert "its worker processes crashed (mypy's INTERNAL ERROR), so it checked again in one process" in str(
        result["ran"]
    )
