"""Several reports merge line by line: the union, as `coverage combine` computes it, not a mean."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.model import Branches, CoverageReport, FileCoverage
from tests.helpers import SAMPLE_PACKAGE, SAMPLE_TESTS, Outcome, coverage, run, write_files

PyCI = Callable[..., Outcome]


@pytest.fixture(scope="module")
def two_legs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two runs of the sample that each run half of the tests, their XML, and their combined data."""
    root = tmp_path_factory.mktemp("legs")
    write_files(root, {**SAMPLE_PACKAGE, **SAMPLE_TESTS})
    for leg, tests in (("a", "tests/test_geometry.py"), ("b", "tests/test_text.py")):
        data = f"--data-file=.coverage.{leg}"
        run(
            coverage("run", "--branch", "--source=shapes", data, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests),
            root,
        )
        run(coverage("xml", data, "-q", "-o", f"{leg}.xml"), root)
    run(coverage("combine", "--keep", "-q", ".coverage.a", ".coverage.b"), root)
    return root


def combined_total(root: Path) -> float:
    code = "import coverage, os; c = coverage.Coverage(); c.load(); print(repr(c.report(file=open(os.devnull, 'w'))))"
    return float(run([sys.executable, "-c", code], root).stdout)


def test_union_equals_coverage_combine(two_legs: Path, py_ci: PyCI) -> None:
    legs = [json.loads(py_ci("coverage", "--json", f"{leg}.xml", cwd=two_legs).stdout) for leg in "ab"]
    union = json.loads(py_ci("coverage", "--json", "a.xml", "b.xml", cwd=two_legs).stdout)
    assert union["total"] == combined_total(two_legs)
    assert union["total"] > max(leg["total"] for leg in legs)
    assert union["total"] != sum(leg["total"] for leg in legs) / 2
    theirs = run(coverage("report", "--show-missing"), two_legs).stdout
    for file in union["files"]:
        assert file["missing"] in theirs


def test_branch_union_uses_missing_destinations() -> None:
    a = FileCoverage("m.py", {1: 1, 2: 1, 3: 0}, {1: Branches(2, 1, frozenset({"3"}))})
    b = FileCoverage("m.py", {1: 1, 2: 0, 3: 1}, {1: Branches(2, 1, frozenset({"2"}))})
    merged = CoverageReport.merged([CoverageReport({"m.py": a}), CoverageReport({"m.py": b})])
    counts = merged.files["m.py"].counts
    assert (counts.lines_covered, counts.branches_covered, counts.branches_valid) == (3, 2, 2)


def test_branch_union_without_destinations_takes_the_best_leg() -> None:
    a = FileCoverage("m.c", {1: 1}, {1: Branches(4, 1)})
    b = FileCoverage("m.c", {1: 1}, {1: Branches(4, 3)})
    merged = CoverageReport.merged([CoverageReport({"m.c": a}), CoverageReport({"m.c": b})])
    assert merged.files["m.c"].branches[1] == Branches(4, 3)
