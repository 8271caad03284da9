"""`py-ci run` on the bundled example and a broken copy of it, with the real tools in the project's environment."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import (
    PYTHON,
    Outcome,
    assert_one_line_error,
    break_it,
    coverage,
    headings_on_github,
    parse_outputs,
    run,
    without_groups,
)

PyCI = Callable[..., Outcome]

# The example's shop listens on 127.0.0.1:8765: these tests hold the shop's lock, one at a time on any worker.
pytestmark = pytest.mark.usefixtures("shop_port")


def test_the_example_passes_with_the_tools_own_numbers(example: Path, py_ci: PyCI, tmp_path: Path) -> None:
    output = tmp_path / "output"
    outcome = py_ci(
        "run",
        "--python",
        PYTHON,
        "--services",
        "--output-dir",
        "out",
        "--json",
        cwd=example,
        env={"GITHUB_OUTPUT": str(output)},
    )
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    # Each group its own pytest: the integration and end-to-end tests ran, against the services and the shop.
    assert (result["tests"]["tests"], result["tests"]["skipped"]) == (13, 0)
    for group in ("unit", "integration", "e2e"):
        assert f"✓ pytest ({group}) finished" in outcome.stderr
    # The union, as coverage.py combines the groups' data and the shop's own (`coverage run -p` beside e2e's).
    # Each group's pieces (the tests', their child processes', the shop's) are combined into the group's data file.
    data = sorted(str(path) for path in (example / "out").glob(".coverage-*"))
    assert [Path(name).name for name in data] == [".coverage-e2e", ".coverage-integration", ".coverage-unit"]
    run(coverage("combine", "--keep", "-q", "--data-file=all.coverage", *data), example)
    total = run(coverage("report", "--format=total", "--precision=10", "--data-file=all.coverage"), example).stdout
    assert f"{result['coverage']['total']:.10f}" == total.strip()
    assert (
        result["tests"]["tests"]
        == len(
            run([PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], example).stdout.split("::")
        )
        - 1
    )
    assert (result["mypy"]["errors"], result["ruff"]["violations"], result["ruff"]["unformatted_files"]) == (0, 0, 0)
    assert parse_outputs(output.read_text())["passed"] == "true"
    for name in ("ruff.json", "format.txt", "mypy.txt", "junit-unit.xml", "coverage-e2e.xml", "application-e2e.log"):
        assert (example / "out" / name).is_file()


def test_a_broken_project_fails_and_counts_each_problem(example: Path, py_ci: PyCI, tmp_path: Path) -> None:
    break_it(example)
    output = tmp_path / "output"
    outcome = py_ci(
        "run", "--python", PYTHON, "--summary", "summary.md", cwd=example, env={"GITHUB_OUTPUT": str(output)}
    )
    assert outcome.status == 1
    outputs = parse_outputs(output.read_text())
    assert outputs["mypy-errors"] == "2"  # the wrong return type, and spaced() untyped under --strict
    assert int(outputs["ruff-violations"]) >= 1  # F401 os
    assert outputs["unformatted-files"] == "1"
    assert outputs["failures"] == "1"
    assert float(outputs["coverage"]) < 85
    assert outputs["passed"] == "false"
    summary = (example / "summary.md").read_text()
    assert "## py-ci: ❌ 5 of 5 gates failed" in summary
    # Every section red, one after another: each heading still a heading on GitHub.
    headings = headings_on_github(summary)
    assert headings[0] == "py-ci: ❌ 5 of 5 gates failed"
    assert any(heading.startswith("❌ ruff: ") for heading in headings)
    assert any(heading.startswith("❌ Coverage") for heading in headings)
    assert "py-ci: FAILED (tests, mypy, ruff, ruff-format, coverage)" in outcome.stdout


def test_without_groups_or_services_integration_tests_are_skipped_with_the_reason(example: Path, py_ci: PyCI) -> None:
    without_groups(example)
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--summary", "s.md", cwd=example)
    assert outcome.status == 1  # the skipped code leaves coverage under the example's 85%
    assert "SKIPPED [2] DATABASE_URL is not set: run `py-ci run --services`" in outcome.stdout
    assert "SKIPPED [1] REDIS_URL is not set" in outcome.stdout
    assert "SKIPPED [2] the shop is not running at http://127.0.0.1:8765" in outcome.stdout
    assert "<summary>5 skipped tests, by reason</summary>" in (example / "s.md").read_text()


def test_progress_and_the_environment_it_used(example: Path, py_ci: PyCI) -> None:
    outcome = py_ci("run", "--python", PYTHON, "--checks", "lint,format", cwd=example)
    assert outcome.status == 0
    assert outcome.stderr.startswith(
        f"py-ci run: ruff check, ruff format --check in {example.resolve()}, with {PYTHON} (--python)"
    )
    assert "✓ ruff check finished in" in outcome.stderr
    assert "Tests:" not in outcome.stdout


def test_finds_the_active_virtualenv_and_the_projects_venv(example: Path, py_ci: PyCI) -> None:
    prefix = Path(sys.prefix)
    active = py_ci("run", "--checks", "lint", cwd=example, env={"VIRTUAL_ENV": str(prefix)})
    assert "the active virtualenv, $VIRTUAL_ENV" in active.stderr
    (example / ".venv").symlink_to(prefix, target_is_directory=True)
    found = py_ci("run", "--checks", "lint", cwd=example)
    assert found.status == 0
    assert "(the project's .venv)" in found.stderr


def test_a_missing_tool_says_how_to_install_it(example: Path, py_ci: PyCI, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    run([PYTHON, "-m", "venv", "--without-pip", str(bare)], tmp_path)
    outcome = py_ci("run", "--python", str(bare / "bin" / "python"), cwd=example)
    # The probe runs beside the checks, so progress comes first; the error is the last line, and says the fix.
    assert_one_line_error(outcome, "lacks ruff, mypy, pytest, coverage; install them with `", after_progress=True)
    last = outcome.stderr.splitlines()[-1]
    assert last.endswith("-m pip install ruff mypy pytest coverage`, or leave their checks out with --checks")


@pytest.mark.parametrize("given", [["--pytest-args=--no-such-flag"], ["--", "--no-such-flag"]])
def test_pytest_that_cannot_start_is_an_error_not_a_pass(example: Path, py_ci: PyCI, given: list[str]) -> None:
    """Its arguments reach it from --pytest-args or after `--`."""
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", *given, cwd=example)
    assert_one_line_error(outcome, "unrecognized arguments: --no-such-flag", after_progress=True, reported=True)
    assert outcome.stderr.splitlines()[-1].startswith("py-ci: error: pytest (unit) was called wrongly (exit 4): ")


def test_checks_from_the_tool_table_and_bad_values(example: Path, py_ci: PyCI) -> None:
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.py-ci]\nchecks = ["typecheck"]\nmypy-args = "--strict"\n')
    outcome = py_ci("run", "--python", PYTHON, "--json", cwd=example)
    assert set(json.loads(outcome.stdout)) == {"passed", "labels", "mypy", "ran"}
    assert_one_line_error(
        py_ci("run", "--python", PYTHON, "--checks", "lint,docs", cwd=example),
        "--checks: 'lint,docs' names no check or an unknown one; use some of: lint, format, typecheck, test",
    )
    assert_one_line_error(py_ci("run", "nowhere", cwd=example), "nowhere: is not a folder")
    assert_one_line_error(py_ci("coverage", "--", "-x", cwd=example), "py-ci coverage runs no pytest: '-x' after --")


def test_the_configuration_is_parsed_once_per_run(example: Path, py_ci: PyCI, config_reads: list[str]) -> None:
    # Options, coverage's and mypy's settings, the test groups: all from one read of pyproject.toml.
    outcome = py_ci("run", "--python", PYTHON, "--group", "unit", "--json", cwd=example)
    assert outcome.status == 1, outcome.stderr  # the unit tests alone are under the example's threshold
    assert json.loads(outcome.stdout)["labels"] == {"group": "unit"}
    assert config_reads == ["pyproject.toml"]
