"""The coverage gate at its edges, exactly as coverage.py 7.17 decides them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from coverage.results import format_fail_under_msg

from tests.helpers import Outcome, assert_one_line_error, with_total

PyCI = Callable[..., Outcome]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("edges")
    made = {}
    for name, (covered, valid) in {"79.994": (39997, 50000), "99.999": (99999, 100000), "100": (10, 10)}.items():
        made[name] = root / f"{name}.xml"
        made[name].write_text(with_total(covered, valid))
    return made


@pytest.mark.parametrize(
    ("report", "flags", "status"),
    [
        ("79.994", ["--fail-under", "80", "--precision", "0"], 0),
        ("79.994", ["--fail-under", "80", "--precision", "2"], 1),
        ("79.994", ["--fail-under", "80"], 0),  # coverage.py's default precision is 0
        ("79.994", ["--fail-under", "79.995"], 1),  # compared at 3 decimals: 79.994 < 79.995
        ("79.994", ["--fail-under", "79.994", "--precision", "0"], 0),
        ("79.994", ["--fail-under", "79.99", "--precision", "2"], 0),
        ("99.999", ["--fail-under", "100", "--precision", "0"], 1),
        ("99.999", ["--fail-under", "100", "--precision", "2"], 1),
        ("99.999", ["--fail-under", "99.999"], 0),
        ("100", ["--fail-under", "100"], 0),
    ],
)
def test_threshold_edges(
    reports: dict[str, Path], py_ci: PyCI, tmp_path: Path, report: str, flags: list[str], status: int
) -> None:
    outcome = py_ci("coverage", "--json", str(reports[report]), *flags, cwd=tmp_path)
    assert outcome.status == status
    assert json.loads(outcome.stdout)["passed"] is (status == 0)


def test_total_of_79_994_is_unrounded(reports: dict[str, Path], py_ci: PyCI, tmp_path: Path) -> None:
    result = json.loads(py_ci("coverage", "--json", str(reports["79.994"]), cwd=tmp_path).stdout)
    assert result["total"] == 100 * 39997 / 50000


def test_failure_message_is_coverage_pys(reports: dict[str, Path], py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci("coverage", str(reports["99.999"]), "--fail-under", "100", cwd=tmp_path)
    assert outcome.status == 1
    assert format_fail_under_msg(99.999, 100.0, 0) in outcome.stdout
    assert "total of 99 is less than fail-under=100" in outcome.stdout


@pytest.mark.parametrize("value", ["-1", "100.5", "abc", "nan", "1e3"])
def test_threshold_outside_0_100_is_a_usage_error(py_ci: PyCI, tmp_path: Path, value: str) -> None:
    outcome = py_ci("coverage", f"--fail-under={value}", cwd=tmp_path)
    assert_one_line_error(outcome, "argument --fail-under/--coverage-threshold:")
    assert outcome.stderr.startswith("py-ci: error: argument --fail-under/--coverage-threshold:")
