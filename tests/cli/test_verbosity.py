"""How much `py-ci run` says: -q the verdicts alone and no progress, -v every finding, file and command; a missing
tool is said before any check's end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.renderers import terminal
from tests.helpers import LEGACY_PROJECT, PYTHON, Outcome, assert_one_line_error, run, write_files

PyCI = Callable[..., Outcome]


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    write_files(tmp_path / "legacy", LEGACY_PROJECT)
    return tmp_path / "legacy"


def test_quiet_says_the_verdicts_alone(py_ci: PyCI, legacy: Path) -> None:
    normal = py_ci("run", "--python", PYTHON, cwd=legacy)
    quiet = py_ci("run", "--python", PYTHON, "-q", cwd=legacy)
    assert quiet.status == normal.status == 1
    assert quiet.stderr == ""  # no progress
    lines = quiet.stdout.splitlines()
    assert lines[-1] == "py-ci: FAILED (mypy, ruff, ruff-format)"
    assert "tests passed: no failures and no errors" in lines
    assert all(line in normal.stdout.splitlines() for line in lines)
    assert not [line for line in lines if ": error: " in line]  # no finding listed


def test_verbose_lists_every_finding_and_each_command(
    py_ci: PyCI, legacy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "TERMINAL_FINDINGS", 0)
    normal = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=legacy)
    assert "more findings (all are in --json and -v)" in normal.stdout
    verbose = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--verbose", cwd=legacy)
    assert verbose.status == normal.status == 1
    assert "more findings" not in verbose.stdout
    listed = [line for line in verbose.stdout.splitlines() if ": error: " in line]
    assert len(listed) == 1
    assert "How the checks ran:\n  mypy: mypy " in verbose.stdout
    assert "settings from flags from py-ci's default" in verbose.stdout


def test_quiet_and_verbose_together_are_refused(py_ci: PyCI, legacy: Path) -> None:
    assert_one_line_error(py_ci("run", "-q", "-v", cwd=legacy), "argument -v/--verbose: not allowed with argument")


def test_a_missing_tool_is_said_before_any_check_ends(py_ci: PyCI, legacy: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    run([PYTHON, "-m", "venv", "--without-pip", str(bare)], tmp_path)
    outcome = py_ci("run", "--python", str(bare / "bin" / "python"), cwd=legacy)
    assert_one_line_error(outcome, "lacks ruff, mypy, pytest, coverage", after_progress=True)
    assert " finished in " not in outcome.stderr  # no check's end is said: none of them could run
