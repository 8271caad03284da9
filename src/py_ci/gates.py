"""Pure gates: the model and the options in, verdicts out. The rounding mirrors coverage.py 7.17."""

from __future__ import annotations

from decimal import Decimal

from py_ci.model import CoverageReport, DiffCoverage, Verdict
from py_ci.options import Gates


def effective_precision(fail_under: float, precision: int) -> int:
    """At least enough decimals to write the threshold (coverage.py's `_fail_under_precision`)."""
    if fail_under == int(fail_under):
        return precision
    exponent = Decimal(str(fail_under)).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(precision, -exponent)


def falls_short(total: float, fail_under: float, precision: int) -> bool:
    """coverage.py's `should_fail_under`: 100 needs exactly 100; otherwise compare rounded."""
    if fail_under == 100.0 and total != 100.0:
        return True
    return round(total, effective_precision(fail_under, precision)) < fail_under


def display_percent(percent: float, precision: int) -> str:
    """coverage.py's `display_covered`: never shows 0 or 100 for a value that is not."""
    near = 10.0**-precision
    if 0 < percent < near:
        percent = near
    elif 100.0 - near < percent < 100.0:
        percent = 100.0 - near
    return f"{round(percent, precision):.{precision}f}"


def shortfall_message(
    total: float, fail_under: float, precision: int, subject: str = "total of", option: str = "fail-under"
) -> str:
    """coverage.py's `format_fail_under_msg`, so our words match what `coverage report` prints."""
    shown_precision = effective_precision(fail_under, precision)
    if fail_under == 100.0 and total != 100.0:
        shown = display_percent(total, shown_precision)
    else:
        shown = f"{round(total, shown_precision):.{shown_precision}f}"
    return f"{subject} {shown} is less than {option}={fail_under:.{shown_precision}f}"


def _met(total: float, fail_under: float, precision: int) -> str:
    """The total as the report shows it; where rounding is what lifts it to the bar, said so."""
    places = effective_precision(fail_under, precision)
    said = f"total of {display_percent(total, max(places, 2))}% meets fail-under={fail_under:.{places}f}"
    if total < fail_under:
        said += f" (rounded to {places} decimals, as coverage.py compares)"
    return said


def coverage_verdicts(report: CoverageReport, options: Gates) -> list[Verdict]:
    """The total gate and, when asked, one verdict per file under the per-file threshold."""
    precision = options.precision.value
    verdicts: list[Verdict] = []
    if options.fail_under is not None:
        total = report.counts.percent
        threshold = options.fail_under.value
        short = falls_short(total, threshold, precision)
        message = shortfall_message(total, threshold, precision) if short else _met(total, threshold, precision)
        verdicts.append(Verdict("coverage", not short, message))
    if options.fail_under_file is not None:
        threshold = options.fail_under_file.value
        for path, file in sorted(report.files.items()):
            percent = file.counts.percent
            if falls_short(percent, threshold, precision):
                message = shortfall_message(percent, threshold, precision, f"{path}:", "fail-under-file")
                verdicts.append(Verdict("coverage-file", False, message, path))
    return verdicts


def _count_words(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def limit_verdict(gate: str, counted: int, allowed: int, noun: str, against_baseline: bool) -> Verdict:
    """At most `allowed` findings (new ones, with a baseline) may pass."""
    what = _count_words(counted, f"new {noun}" if against_baseline else noun)
    # A limit is worth saying only where one was set: none allowed is the rule.
    if counted > allowed:
        return Verdict(gate, False, f"{what}, more than the {allowed} allowed" if allowed else what)
    return Verdict(gate, True, f"{what} (at most {allowed} allowed)" if allowed else what)


def tests_verdict(failed: int, errors: int, tests: int) -> Verdict:
    """Green only when tests ran and none failed or errored (a collection error is an error)."""
    if tests == 0:
        return Verdict("tests", False, "no test cases in the report: did the tests run?")
    if failed or errors:
        return Verdict("tests", False, f"{_count_words(failed, 'failure')} and {_count_words(errors, 'error')}")
    return Verdict("tests", True, "no failures and no errors")


def diff_verdict(diff: DiffCoverage, options: Gates) -> Verdict | None:
    """The changed lines' coverage against --diff-fail-under, rounded as the total's gate rounds."""
    if options.diff_fail_under is None:
        return None
    percent, threshold, precision = diff.counts.percent, options.diff_fail_under.value, options.precision.value
    if falls_short(percent, threshold, precision):
        return Verdict(
            "diff-coverage",
            False,
            shortfall_message(percent, threshold, precision, "diff coverage of", "diff-fail-under"),
        )
    shown = effective_precision(threshold, precision)
    return Verdict(
        "diff-coverage",
        True,
        f"diff coverage of {display_percent(percent, shown)} meets diff-fail-under={threshold:.{shown}f}",
    )
