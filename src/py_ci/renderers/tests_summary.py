"""The tests section of a job summary: totals and verdict, each failure with its traceback, the slowest tests."""

from __future__ import annotations

import html
import re
from collections import Counter

from py_ci.model import TestCase, TestReport, TestsSection
from py_ci.renderers.markdown import Budget, details, escape, number, plural, table

FAILURE_BLOCKS = 50
SLOWEST = 10


def outcome_words(report: TestReport) -> str:
    """`3 failed, 2 errors, 40 passed, 1 skipped`, worst first, nothing for zero."""
    parts = [
        f"{number(report.count('failed'))} failed" if report.count("failed") else "",
        plural(report.count("error"), "error") if report.count("error") else "",
        f"{number(report.count('passed'))} passed" if report.count("passed") else "",
        f"{number(report.count('skipped'))} skipped" if report.count("skipped") else "",
    ]
    return ", ".join(part for part in parts if part) or "no tests"


def tests_markdown(section: TestsSection, budget: Budget) -> str:
    report, verdict = section.report, section.verdict
    mark = "✅" if verdict.passed else "❌"
    lines = [
        f"### {mark} Tests: {outcome_words(report)}",
        "",
        f"{plural(report.tests, 'test')} in {report.duration:.2f} s: {escape(verdict.message)}.",
        "",
    ]
    for line in lines:
        budget.take(line)
    problems = report.problems
    for case in problems[:FAILURE_BLOCKS]:
        block = _failure_block(case)
        if not budget.take("\n".join(block)):
            lines += [
                f"{plural(len(problems) - problems.index(case), 'more failure')} not shown, to keep this summary "
                "under the runner's 1 MiB limit; `--json` has them all.",
                "",
            ]
            break
        lines += block
    else:
        if len(problems) > FAILURE_BLOCKS:
            lines += [f"{plural(len(problems) - FAILURE_BLOCKS, 'more failure')} not shown; `--json` has them all.", ""]
    reasons = skip_reasons(report)
    if reasons:
        rows = [[number(count), escape(reason)] for reason, count in reasons.most_common(SLOWEST)]
        if budget.take("\n".join(" | ".join(row) for row in rows)):
            lines += [
                *details(
                    f"{plural(report.count('skipped'), 'skipped test')}, by reason",
                    table(["Tests", "Reason"], "rl", rows),
                ),
                "",
            ]
    slowest = sorted(report.cases, key=lambda case: case.time, reverse=True)[:SLOWEST]
    if slowest and slowest[0].time > 0:
        rows = [[escape(case.test_id), f"{case.time:.3f} s"] for case in slowest]
        if budget.take("\n".join(" | ".join(row) for row in rows)):
            lines += [
                "<details>",
                "<summary>Slowest tests</summary>",
                "",
                *table(["Test", "Time"], "lr", rows),
                "",
                "</details>",
                "",
            ]
    return "\n".join(lines) + "\n"


def skip_reasons(report: TestReport) -> Counter[str]:
    """How many tests each skip reason held back (pytest puts the reason in the message)."""
    return Counter(
        (case.message or case.kind or "no reason given").strip() for case in report.cases if case.outcome == "skipped"
    )


def _failure_block(case: TestCase) -> list[str]:
    mark = "💥" if case.outcome == "error" else "❌"
    first_line = case.cause or case.outcome
    summary = f"{mark} <code>{html.escape(case.test_id)}</code> — {html.escape(first_line[:200])}"
    body = case.details or case.message
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
    return ["<details>", f"<summary>{summary}</summary>", "", f"{fence}text", body, fence, "", "</details>", ""]
