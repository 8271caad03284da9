"""`py-ci run` type-checks with the checker the project configures (ty, Pyrefly, basedpyright, Pyright), each the
real tool at py-ci's pin: its count is the checker's own, its annotations sit on its lines, init accepts today's
errors and one new error turns the run red, first; a checker that cannot check is "did not finish" with its cause."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest

from py_ci.install import TOOL_VERSIONS
from tests.helpers import PYTHON, TYPE_ERRORS, Outcome, annotation_lines, commit, git, parse_command, run, write_files

PyCI = Callable[..., Outcome]
BIN = Path(sys.executable).parent
# Errors of several kinds in several files (a wrong return, a wrong assignment, a missing module, a wrong argument,
# an unknown name), and a test.
CODE = {
    **{k: v for k, v in TYPE_ERRORS.items() if k != "pyproject.toml"},
    "tests/test_a.py": "def test_one():\n    pass\n",
}
CONFIGURED = {
    "ty": "[tool.ty]\n",
    "pyrefly": '[tool.pyrefly]\nproject-includes = ["pkg"]\n',
    "basedpyright": '[tool.basedpyright]\ntypeCheckingMode = "standard"\ninclude = ["pkg"]\n',
    "pyright": '[tool.pyright]\ninclude = ["pkg"]\n',
}
# Each checker's own command, and its own count of errors read from its own summary.
OWN = {
    "ty": (["ty", "check", "--output-format", "concise"], r"Found (\d+) diagnostics"),
    "pyrefly": (["pyrefly", "check"], r"INFO (\d+) errors"),
    "basedpyright": (["basedpyright"], r"(\d+) errors?, \d+ warnings?"),
    "pyright": (["pyright"], r"(\d+) errors?, \d+ warnings?"),
}


def _project(root: Path, tool: str) -> Path:
    write_files(root, {**CODE, "pyproject.toml": '[project]\nname = "pkg"\nversion = "0"\n' + CONFIGURED[tool]})
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "today's code")
    return root


def _own_count(tool: str, root: Path) -> int:
    command, pattern = OWN[tool]
    done = run([str(BIN / command[0]), *command[1:]], cwd=root, allowed=(1,))
    found = re.search(pattern, done.stdout + done.stderr)
    assert found is not None, done.stdout + done.stderr
    return int(found[1])


@pytest.mark.parametrize("tool", sorted(CONFIGURED))
def test_the_configured_checker_runs_with_its_own_count_and_lines(py_ci: PyCI, tmp_path: Path, tool: str) -> None:
    root = _project(tmp_path / "project", tool)
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--json", cwd=root)
    assert outcome.status == 1, outcome.stdout + outcome.stderr
    result = json.loads(outcome.stdout)
    assert "mypy" not in result  # nothing imposed beside the project's own checker
    section = result[tool]
    assert section["errors"] == _own_count(tool, root) > 0
    assert [r["command"].split()[0] for r in result["ran"]] == [tool]
    assert f"type checkers from the project's configuration ({tool} in pyproject.toml [tool.{tool}])" in str(
        result["ran"]
    )
    # Every error is annotated where the checker put it: the missing module on b.py's first line.
    located = {(f["path"], f["line"]) for f in section["findings"] if f["severity"] == "error"}
    made = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--annotations", cwd=root).stdout
    commands = [parse_command(line) for line in annotation_lines(made)]
    annotated = {(c[1]["file"], int(c[1]["line"])) for c in commands if c is not None and c[0] == "error"}
    assert ("pkg/b.py", 1) in located
    assert located <= annotated


@pytest.mark.parametrize("tool", sorted(CONFIGURED))
def test_after_init_one_new_error_fails_and_comes_first(py_ci: PyCI, tmp_path: Path, tool: str) -> None:
    root = _project(tmp_path / "project", tool)
    adopted = py_ci("init", "--python", PYTHON, cwd=root)
    assert adopted.status == 0, adopted.stdout + adopted.stderr
    assert f"written  .py-ci/{tool}-baseline.json: today's {tool} findings, accepted" in adopted.stdout
    assert f'{tool}-baseline = ".py-ci/{tool}-baseline.json"' in (root / "pyproject.toml").read_text()
    green = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=root)
    assert green.status == 0, green.stdout

    write_files(root, {"pkg/c.py": 'count: int = "many"\n'})
    summary = tmp_path / "summary.md"
    red = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--summary", str(summary), cwd=root)
    assert red.status == 1, red.stdout
    listed = [line for line in red.stdout.splitlines() if ": error: " in line]
    assert [line.split(":")[:2] for line in listed] == [["pkg/c.py", "1"]], red.stdout
    assert re.search(rf"^{tool}: 1 new error, \d+ accepted by the baseline$", red.stdout, re.MULTILINE)
    # On GitHub the summary's heading says the new one, and its only finding listed is the new one.
    html = cmarkgfm.github_flavored_markdown_to_html(summary.read_text())
    assert re.search(rf"<h3>❌ {tool}: 1 new error, \d+ accepted by the baseline</h3>", html), html
    assert "pkg/c.py" in html


def test_a_checker_that_cannot_read_its_configuration_did_not_finish(py_ci: PyCI, tmp_path: Path) -> None:
    root = _project(tmp_path / "project", "ty")
    write_files(root, {"pyproject.toml": '[project]\nname = "pkg"\nversion = "0"\n[tool.ty]\nnonsense = 1\n'})
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck,test", cwd=root)
    assert outcome.status == 2, outcome.stdout
    assert "ty did not finish (exit 2):" in outcome.stdout
    assert "unknown field `nonsense`" in outcome.stdout
    assert "fix ty's configuration" in outcome.stdout
    assert "Tests: 1 passed" in outcome.stdout  # the other checks still report


def test_several_configured_each_runs_and_the_choice_can_be_given(py_ci: PyCI, tmp_path: Path) -> None:
    root = _project(tmp_path / "project", "ty")
    write_files(root, {"pyproject.toml": '[project]\nname = "pkg"\nversion = "0"\n[tool.ty]\n[tool.mypy]\n'})
    both = json.loads(py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--json", cwd=root).stdout)
    assert [r["check"] for r in both["ran"]] == ["ty check", "mypy"]
    assert both["ty"]["errors"] > 0
    assert both["mypy"]["errors"] > 0
    chosen = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--type-checkers", "pyrefly", "--json", cwd=root)
    assert list(json.loads(chosen.stdout)["ran"][0]["check"].split()) == ["pyrefly", "check"]
    bad = py_ci("run", "--python", PYTHON, "--type-checkers", "pytype", cwd=root)
    assert bad.status == 2
    assert "names no type checker or an unknown one; use some of: mypy, ty, pyrefly, basedpyright, pyright" in (
        bad.stderr
    )


def test_the_pins_are_the_tools_tested_here() -> None:
    from importlib.metadata import version

    checkers = ("ty", "pyrefly", "basedpyright", "pyright")
    assert {tool: version(tool) for tool in checkers} == {tool: TOOL_VERSIONS[tool] for tool in checkers}


@pytest.mark.parametrize(("terminal", "errors"), [("", 1), ("[tool.ty.terminal]\nerror-on-warning = false\n", 0)])
def test_ty_s_warnings_fail_as_its_own_run_fails_on_them(
    py_ci: PyCI, tmp_path: Path, terminal: str, errors: int
) -> None:
    """ty 1.0 exits 1 on a warning unless `error-on-warning = false`: py-ci counts them as ty does (sqlmodel's 29)."""
    root = tmp_path / "project"
    configured = '[tool.ty.rules]\ninvalid-assignment = "warn"\n' + terminal
    write_files(root, {"pyproject.toml": configured, "pkg/__init__.py": 'x: int = "a"\n'})
    own = run([str(BIN / "ty"), "check", "--output-format", "concise"], cwd=root, allowed=(0, 1))
    assert own.returncode == errors
    outcome = py_ci("run", "--python", PYTHON, "--checks", "typecheck", "--json", cwd=root)
    assert outcome.status == errors
    result = json.loads(outcome.stdout)
    assert result["ty"]["errors"] == errors
    assert [f["severity"] for f in result["ty"]["findings"]] == ["error" if errors else "warning"]
    assert ("its warnings fail the run" in result["ran"][0]["settings"]) == bool(errors)
