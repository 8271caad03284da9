"""The coverage gate's arithmetic against coverage.py 7.17's own functions, for any total and threshold."""

from __future__ import annotations

from coverage.results import display_covered, format_fail_under_msg, should_fail_under
from hypothesis import given
from hypothesis import strategies as st

from py_ci.gates import display_percent, effective_precision, falls_short, shortfall_message

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
