"""A misconfigured or crashed ty, Pyrefly or basedpyright is "did not finish" with its own cause, really run."""

from __future__ import annotations

import sys
from pathlib import Path

from py_ci.type_checker_outcomes import pyrefly_outcome, pyright_outcome, ty_outcome
from tests.helpers import TYPE_ERRORS, run, write_files

BIN = Path(sys.executable).parent


def _run(root: Path, files: dict[str, str], *args: str) -> tuple[int, str, str]:
    write_files(root, {**TYPE_ERRORS, **files})
    result = run([str(BIN / args[0]), *args[1:]], cwd=root, allowed=(0, 1, 2, 3, 4, 101))
    return result.returncode, result.stdout, result.stderr


def test_ty_with_a_bad_configuration(tmp_path: Path) -> None:
    ran = _run(tmp_path, {"pyproject.toml": "[tool.ty]\nnonsense = 1\n"}, "ty", "check", "--output-format", "concise")
    outcome = ty_outcome(*ran)
    assert outcome is not None
    assert outcome.what == "did not finish (exit 2)"
    assert "unknown field `nonsense`" in outcome.cause


def test_ty_that_found_errors_finished(tmp_path: Path) -> None:
    ran = _run(tmp_path, {"pyproject.toml": "[tool.ty]\n"}, "ty", "check", "--output-format", "concise")
    assert ran[0] == 1
    assert ty_outcome(*ran) is None


def test_pyrefly_with_a_bad_configuration_exits_1_without_json(tmp_path: Path) -> None:
    bad = {"pyproject.toml": "[tool.pyrefly]\nproject-includes = 5\n"}
    ran = _run(tmp_path, bad, "pyrefly", "check", "--output-format", "json")
    outcome = pyrefly_outcome(*ran)
    assert ran[0] == 1
    assert outcome is not None
    assert outcome.what == "did not finish (exit 1)"
    assert "pyproject.toml: TOML parse error at line 2" in outcome.cause


def test_pyrefly_that_found_errors_finished(tmp_path: Path) -> None:
    ran = _run(tmp_path, {"pyproject.toml": "[tool.pyrefly]\n"}, "pyrefly", "check", "--output-format", "json")
    assert ran[0] == 1
    assert pyrefly_outcome(*ran) is None


def test_basedpyright_that_dropped_its_configuration(tmp_path: Path) -> None:
    ran = _run(tmp_path, {"pyrightconfig.json": "{ bad json\n"}, "basedpyright", "--outputjson")
    outcome = pyright_outcome("basedpyright", *ran)
    # It exits 1 with findings, checked with its defaults: not the project's check.
    assert ran[0] == 1
    assert outcome is not None
    assert "could not be parsed" in outcome.cause


def test_basedpyright_that_found_errors_finished(tmp_path: Path) -> None:
    ran = _run(tmp_path, {"pyproject.toml": "[tool.basedpyright]\n"}, "basedpyright", "--outputjson")
    assert ran[0] == 1
    assert pyright_outcome("basedpyright", *ran) is None


def test_a_crash_is_said_so() -> None:
    crashed = (101, "", "thread 'main' panicked at src/x.rs\n")
    assert [o and o.what for o in (ty_outcome(*crashed), pyrefly_outcome(*crashed))] == ["crashed (exit 101)"] * 2
    assert (o := pyright_outcome("pyright", 134, "", "")) is not None
    assert o.cause == "it said nothing"
