"""`py-ci report`: one summary with every section, one set of outputs, one exit status, capped annotations."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import SAMPLE_PACKAGE, Outcome, child_pytest, parse_outputs, run, write_files

PyCI = Callable[..., Outcome]

FAILING_TESTS = {
    "tests/test_shapes.py": """
        import pytest

        from shapes.geometry import classify


        @pytest.mark.parametrize("n", range(12))
        def test_classify(n):
            assert classify(n) == "zero"
        """,
}


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A job's worth of real tool output: 11 failing tests, mypy errors, ruff findings, coverage."""
    root = tmp_path_factory.mktemp("job")
    write_files(root, {**SAMPLE_PACKAGE, **FAILING_TESTS})
    run(
        child_pytest("--cov=shapes", "--cov-branch", "--cov-report=xml", "--junitxml=junit.xml", "tests"),
        root,
    )
    mypy = run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "shapes", "tests"], root, allowed=(0, 1))
    (root / "mypy.txt").write_text(mypy.stdout)
    ruff = run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=json", "--select=ALL", "."], root)
    (root / "ruff.json").write_text(ruff.stdout)
    return root


def test_one_summary_outputs_and_verdict(job: Path, py_ci: PyCI, tmp_path: Path) -> None:
    output = tmp_path / "output"
    outcome = py_ci(
        "report",
        "--junit",
        "junit.xml",
        "--mypy",
        "mypy.txt",
        "--ruff",
        "ruff.json",
        "--coverage",
        "coverage.xml",
        "--fail-under",
        "20",
        "--label",
        "python=3.12",
        "--summary",
        "summary.md",
        cwd=job,
        env={"GITHUB_OUTPUT": str(output), "GITHUB_ACTIONS": "true"},
    )
    assert outcome.status == 1
    summary = (job / "summary.md").read_text()
    sections = [
        "## py-ci: ❌ 3 of 4 gates failed",  # no format verdict: ruff format did not run
        "python=3.12",
        "### ❌ Tests: 11 failed, 1 passed",
        "### ❌ mypy",
        "### ❌ ruff",
        "### ✅ Coverage",
    ]
    positions = [summary.index(section) for section in sections]
    assert positions == sorted(positions)
    outputs = parse_outputs(output.read_text())
    assert {"tests", "failures", "mypy-errors", "ruff-violations", "unformatted-files", "coverage", "passed"} <= set(
        outputs
    )
    assert (outputs["failures"], outputs["passed"]) == ("11", "false")
    errors = [line for line in outcome.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 10
    assert all("test_classify" in line for line in errors)  # test failures come first
    assert "annotations left out: the runner shows 10 per level in a step" in summary
    assert "\npy-ci: FAILED (tests, mypy, ruff)\n" in outcome.stdout


def test_json_has_every_section(job: Path, py_ci: PyCI) -> None:
    result = json.loads(py_ci("report", "--junit", "junit.xml", "--coverage", "coverage.xml", "--json", cwd=job).stdout)
    assert set(result) == {"passed", "labels", "tests", "coverage"}
    assert result["tests"]["failed"] == 11
    assert result["coverage"]["total"] > 0
