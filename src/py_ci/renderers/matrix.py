"""A matrix's legs: the table, the failures across legs, and their JSON."""

from __future__ import annotations

from py_ci.gates import display_percent
from py_ci.model import COVERAGE_GATES, Leg, MatrixResult
from py_ci.options import Gates
from py_ci.renderers.markdown import escape, number, table
from py_ci.renderers.results import JSON, test_counts_json

FAILURE_ROWS = 100


def where_it_fails(legs: tuple[Leg, ...]) -> dict[str, list[str]]:
    """Each failing test id and the legs it fails on, most widespread first."""
    found: dict[str, list[str]] = {}
    for leg in legs:
        for case in leg.failures:
            names = found.setdefault(case.test_id, [])
            if leg.name not in names:
                names.append(leg.name)
    return dict(sorted(found.items(), key=lambda item: (-len(item[1]), item[0])))


def _cells(leg: Leg, gates: Gates) -> list[str]:
    tests = leg.tests
    coverage = "—" if leg.coverage is None else display_percent(leg.coverage.counts.percent, gates.shown_decimals) + "%"
    counts = [0, 0, 0] if tests is None else [tests.tests, tests.failed, tests.errors]
    return [*map(number, counts), coverage]


def matrix_markdown(result: MatrixResult, gates: Gates, *, in_the_gate: bool = False) -> str:
    legs = result.legs
    rows = [["✅" if leg.passed(COVERAGE_GATES) else "❌", escape(leg.name), *_cells(leg, gates)] for leg in legs]
    union = result.coverage
    coverage = (
        ""
        if union is None
        else f" · combined coverage {display_percent(union.report.counts.percent, gates.shown_decimals)}%"
    )
    passed = result.passed and result.legs_verdict.passed
    lines = [
        f"## py-ci matrix: {'✅' if passed else '❌'} {escape(result.legs_verdict.message)}{coverage}",
        "",
        *table(["", "Leg", "Tests", "Failed", "Errors", "Coverage"], "llrrrr", rows),
        "",
    ]
    markdown = "\n".join(lines) + "\n"
    if in_the_gate:
        markdown += "The legs' own results are their job's row below; the row `coverage` gates this total.\n\n"
    elif not result.gate_legs:
        markdown += "This job gates the combined coverage; the legs' own results are the pipeline gate's.\n\n"
    return markdown + _failures_markdown(legs)


def _failures_markdown(legs: tuple[Leg, ...]) -> str:
    with_tests = [leg for leg in legs if leg.tests is not None]
    groups = where_it_fails(legs)
    if not groups:
        return ""
    rows = []
    for test_id, names in groups.items():
        several = len(with_tests) > 1
        where = "every leg" if len(names) == len(with_tests) > 1 else " / ".join(names) + (" only" if several else "")
        rows.append([escape(test_id), escape(where)])
    return "\n".join(
        ["### Failures across the matrix", "", *table(["Test", "Fails on"], "ll", rows[:FAILURE_ROWS]), "", ""]
    )


def matrix_text(result: MatrixResult, gates: Gates) -> str:
    lines = []
    for leg in result.legs:
        cells = _cells(leg, gates)
        state = "ok  " if leg.passed(COVERAGE_GATES) else "FAIL"
        lines.append(
            f"{state} {leg.name}: tests {' / '.join(cells[:3])} (tests / failed / errors), coverage {cells[3]}"
        )
    for test_id, names in where_it_fails(result.legs).items():
        lines.append(f"FAILED {test_id} on {' / '.join(names)}")
    return "\n".join(lines) + "\n" + result.legs_verdict.message + "\n"


def leg_json(leg: Leg) -> JSON:
    tests = None if leg.tests is None else test_counts_json(leg.tests)
    return {
        "labels": dict(leg.labels),
        "result": leg.origin,
        "tests": None if tests is None else tests["tests"],
        "failed": None if tests is None else tests["failed"],
        "errors": None if tests is None else tests["errors"],
        "coverage": None if leg.coverage is None else leg.coverage.counts.percent,
        "passed": leg.passed(COVERAGE_GATES),
        "failures": [{"id": case.test_id, "outcome": case.outcome, "message": case.message} for case in leg.failures],
    }
