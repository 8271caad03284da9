"""The coverage gate at its edges, exactly as coverage.py 7.17 decides them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from coverage.results import display_covered, format_fail_under_msg, should_fail_under
from hypothesis import given
from hypothesis import strategies as st

from py_ci.gates import display_percent, effective_precision, falls_short, shortfall_message

from .conftest import Outcome
from .reports import with_total

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
    assert outcome.status == 2
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith("py-ci: error: argument --fail-under:")


totals = st.one_of(
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.builds(lambda a, b: 100 * min(a, b) / max(a, b, 1), st.integers(0, 10**6), st.integers(1, 10**6)),
)
thresholds = st.one_of(
    st.integers(0, 100).map(float),
    st.decimals(min_value=0, max_value=100, places=3, allow_nan=False).map(float),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)


@given(total=totals, fail_under=thresholds, precision=st.integers(0, 6))
def test_gate_equals_coverage_should_fail_under(total: float, fail_under: float, precision: int) -> None:
    assert falls_short(total, fail_under, precision) == should_fail_under(total, fail_under, precision)
    if falls_short(total, fail_under, precision):
        assert shortfall_message(total, fail_under, precision) == format_fail_under_msg(total, fail_under, precision)


@given(total=totals, precision=st.integers(0, 6))
def test_display_equals_coverage_display_covered(total: float, precision: int) -> None:
    assert display_percent(total, precision) == display_covered(total, precision)


def test_effective_precision_takes_the_thresholds_decimals() -> None:
    assert effective_precision(79.995, 0) == 3
    assert effective_precision(80.0, 2) == 2
    assert effective_precision(80.5, 2) == 2
