"""py-ci's coverage figures equal coverage.py's own, on reports coverage.py makes in the test."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable

import pytest

from py_ci.gates import display_percent
from tests.helpers import Measured, Outcome, run

Measure = Callable[..., Measured]
PyCI = Callable[..., Outcome]

VARIANTS = [
    pytest.param({"branch": True}, id="coverage-run-branch"),
    pytest.param({"branch": False}, id="coverage-run-lines"),
    pytest.param({"branch": True, "pytest_cov": True}, id="pytest-cov-branch"),
    pytest.param({"branch": False, "pytest_cov": True}, id="pytest-cov-lines"),
]


def coverage_api_total(project: Measured) -> float:
    """The unrounded total coverage.py's report() returns, read in a child process."""
    code = "import coverage, os; c = coverage.Coverage(); c.load(); print(repr(c.report(file=open(os.devnull, 'w'))))"
    return float(run([sys.executable, "-c", code], project.root).stdout)


@pytest.mark.parametrize("variant", VARIANTS)
def test_total_equals_coverage_report_at_full_precision(
    sample_project: Measure, py_ci: PyCI, variant: dict[str, bool]
) -> None:
    project = sample_project(**variant)
    outcome = py_ci("coverage", "--json", cwd=project.root)
    result = json.loads(outcome.stdout)
    assert outcome.status == 0
    assert result["total"] == coverage_api_total(project)
    for precision in (0, 2, 5, 10):
        shown = project.coverage("report", "--format=total", f"--precision={precision}").stdout.strip()
        assert display_percent(result["total"], precision) == shown


@pytest.mark.parametrize("variant", VARIANTS)
def test_counts_equal_coverage_json(sample_project: Measure, py_ci: PyCI, variant: dict[str, bool]) -> None:
    project = sample_project(**variant)
    project.coverage("json", "-q", "-o", "cov.json")
    theirs = json.loads((project.root / "cov.json").read_text())["totals"]
    ours = json.loads(py_ci("coverage", "--json", cwd=project.root).stdout)
    assert ours["lines_valid"] == theirs["num_statements"]
    assert ours["lines_covered"] == theirs["covered_lines"]
    assert ours["branches_valid"] == theirs.get("num_branches", 0)
    assert ours["branches_covered"] == theirs.get("covered_branches", 0)
    assert (ours["branches_valid"] > 0) == variant["branch"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_missing_column_equals_coverage_report(sample_project: Measure, py_ci: PyCI, variant: dict[str, bool]) -> None:
    project = sample_project(**variant)
    report = project.coverage("report", "--show-missing").stdout
    theirs = {}
    for line in report.splitlines():
        match = re.match(r"^(shapes/\S+)\s+(?:\d+\s+)+\d+%\s*(.*)$", line)
        if match:
            theirs[match[1]] = match[2].strip()
    ours = {f["path"]: f["missing"] for f in json.loads(py_ci("coverage", "--json", cwd=project.root).stdout)["files"]}
    assert theirs
    assert ours == theirs


THRESHOLD_CASES = [
    # (fail_under, precision) around the sample's real total of 76.190476...%
    ("76", None),
    ("76.19", None),
    ("76.2", None),
    ("76.19", "2"),
    ("76.191", "3"),
    ("76.1905", None),
    ("77", "0"),
    ("76.5", "0"),
    ("76.1904", "4"),
    ("100", None),
    ("0", None),
    ("76.190476190", "9"),
]


@pytest.mark.parametrize(("fail_under", "precision"), THRESHOLD_CASES)
def test_gate_agrees_with_coverage_fail_under(
    sample_project: Measure, py_ci: PyCI, fail_under: str, precision: str | None
) -> None:
    project = sample_project(branch=True)
    extra = [] if precision is None else ["--precision", precision]
    theirs = project.coverage("report", "--fail-under", fail_under, *extra, allowed=(0, 2))
    ours = py_ci("coverage", "--fail-under", fail_under, *extra, cwd=project.root)
    # coverage.py exits 2 when fail-under fails; py-ci exits 1 (2 is for bad input).
    theirs_failed = theirs.returncode == 2
    assert theirs_failed == ("Coverage failure" in theirs.stdout)
    assert (ours.status == 1) == theirs_failed, (ours.stdout, theirs.stdout)
    if theirs_failed:
        message = theirs.stdout.split("Coverage failure: ", 1)[1].strip()
        assert message in ours.stdout
