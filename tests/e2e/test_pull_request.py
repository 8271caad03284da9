"""A pull request's changed lines under act: the action's and the workflow's figures, against diff-cover's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.act import ACTION_CONSUMER, GIT, PIPELINE_CONSUMER, VERSIONS, ActRun, consumer, run_act
from tests.helpers import child_pytest, copy_of_example, run

pytestmark = pytest.mark.e2e

# The feature: a method whose empty-catalogue branch no test takes, and a test for the rest.
CHEAPEST = """
    def cheapest(self) -> Book | None:
        books = list(self._books.values())
        if not books:
            return None
        return min(books, key=lambda book: book.price)
"""
CHEAPEST_TEST = """from decimal import Decimal

from bookshop.catalogue import Book, Catalogue


def test_cheapest() -> None:
    catalogue = Catalogue()
    catalogue.add(Book("1", "Dear", Decimal("9.50"), 1))
    catalogue.add(Book("2", "Cheap", Decimal("2.00"), 1))
    assert catalogue.cheapest() == catalogue.find("2")
"""


def git(repository: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repository, check=True, capture_output=True)


def pull_request(repository: Path) -> Path:
    """A feature branch on the consumer, and a main that moved on after it branched; returns the event payload."""
    git(repository, "remote", "add", "origin", str(repository))
    git(repository, "checkout", "-q", "-b", "feature")
    catalogue = repository / "src" / "bookshop" / "catalogue.py"
    catalogue.write_text(catalogue.read_text() + CHEAPEST)
    (repository / "tests" / "test_cheapest.py").write_text(CHEAPEST_TEST)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "feature: the cheapest book")
    # main moves on: an untested line changes there. Measured against main's tip instead of the merge base,
    # the feature would seem to change it back.
    git(repository, "checkout", "-q", "main")
    basket = repository / "src" / "bookshop" / "basket.py"
    basket.write_text(basket.read_text().replace("quantity must be at least 1", "quantity must be 1 or more"))
    git(repository, "commit", "-q", "-am", "main: a clearer message")
    git(repository, "fetch", "-q", "origin")
    git(repository, "checkout", "-q", "feature")
    payload = repository.parent / "pull_request.json"
    payload.write_text(
        json.dumps({"number": 1, "pull_request": {"number": 1, "base": {"ref": "main"}, "head": {"ref": "feature"}}})
    )
    return payload


def diff_cover_figure(repository: Path, services: dict[str, str]) -> tuple[str, set[str]]:
    """diff-cover's own figure for the same tests and base: all tests (the matrix's and the integration job's)."""
    scratch = repository.parent / "by-hand"
    shutil.copytree(repository, scratch)
    run(child_pytest("--cov", "--cov-branch", "--cov-report=xml:coverage.xml"), scratch, services)
    report = scratch / "diff-cover.json"
    diff_cover = [sys.executable, "-m", "diff_cover.diff_cover_tool", "coverage.xml", "--compare-branch=origin/main"]
    run([*diff_cover, f"--format=json:{report}"], scratch)
    figures = json.loads(report.read_text())
    measured = figures["total_num_lines"]
    covered = measured - figures["total_num_violations"]
    return f"{100 * covered / measured:.2f}", set(figures["src_stats"])


@pytest.fixture
def repository(tmp_path: Path) -> Callable[[str], tuple[Path, Path]]:
    def make(workflow: str) -> tuple[Path, Path]:
        made = consumer(tmp_path / "consumer", copy_of_example(tmp_path / "project"), workflow)
        return made, pull_request(made)

    return make


def test_the_action_gates_the_changed_lines_as_diff_cover_counts_them(
    tmp_path: Path,
    action: Path,
    repository: Callable[[str], tuple[Path, Path]],
    service_containers: dict[str, str],
) -> None:
    repo, payload = repository(ACTION_CONSUMER)
    variables = {"PYTHON_VERSION": "3.12", "DIFF_COVERAGE_THRESHOLD": "90", **service_containers}
    result: ActRun = run_act(repo, action, tmp_path / "out", variables, "pull_request", payload)
    expected, files = diff_cover_figure(repo, service_containers)
    assert files == {"src/bookshop/catalogue.py"}  # main's own change is not the feature's (merge base)
    tip = subprocess.run([*GIT, "diff", "--name-only", "origin/main", "HEAD"], cwd=repo, capture_output=True, text=True)
    assert "src/bookshop/basket.py" in tip.stdout  # against main's tip it would count: the case is real
    assert result.outputs["diff-coverage"] == expected
    assert float(expected) < 90
    assert result.status != 0
    assert result.outputs["passed"] == "false"
    summary = result.summary
    assert "#### ❌ Changed lines" in summary
    assert "src/bookshop/catalogue.py" in summary
    warnings = [e for e in result.commands("warning") if e["kvPairs"].get("file") == "src/bookshop/catalogue.py"]
    assert warnings, "no annotation on the uncovered changed line"


def test_the_workflow_passes_the_threshold_through_to_the_combined_coverage(
    tmp_path: Path,
    action: Path,
    repository: Callable[[str], tuple[Path, Path]],
    service_containers: dict[str, str],
) -> None:
    repo, payload = repository(PIPELINE_CONSUMER)
    variables = {"PYTHON_VERSIONS": json.dumps(VERSIONS), "DIFF_COVERAGE_THRESHOLD": "50"}
    result = run_act(repo, action, tmp_path / "out", variables, "pull_request", payload)
    assert result.status == 0, result.log[-3000:]
    expected, _ = diff_cover_figure(repo, service_containers)
    assert result.outputs["diff-coverage"] == expected
    assert result.outputs["passed"] == "true"
    assert "Changed lines" in result.summary
