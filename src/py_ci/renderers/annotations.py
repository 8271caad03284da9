"""Annotations: which findings become workflow commands, within the runner's per-step caps."""

from __future__ import annotations

from collections.abc import Callable

from py_ci.config import Options
from py_ci.gates import Verdict
from py_ci.github import ANNOTATIONS_PER_LEVEL, Annotation
from py_ci.model import DiffCoverage, TestCase, TestReport
from py_ci.ranges import line_ranges


def coverage_annotations(options: Options, verdicts: list[Verdict]) -> list[Annotation]:
    """An error for a total under the threshold; one per file under the per-file threshold."""
    annotations: list[Annotation] = []
    for verdict in verdicts:
        if verdict.passed:
            continue
        if verdict.gate == "diff-coverage":
            origin = options.diff_fail_under.origin if options.diff_fail_under else ""
            message = f"{verdict.message} (threshold from {origin})"
            annotations.append(Annotation("error", message[0].upper() + message[1:], "Diff coverage"))
        elif verdict.path is None:
            origin = options.fail_under.origin if options.fail_under else ""
            annotations.append(Annotation("error", f"Coverage {verdict.message} (threshold from {origin})", "Coverage"))
        else:
            annotations.append(
                Annotation("error", f"Coverage of {verdict.message}", "Coverage", file=verdict.path, line=1)
            )
    return annotations[:ANNOTATIONS_PER_LEVEL]


FAILURE_TAIL_LINES = 15


def test_annotations(
    report: TestReport, locate: Callable[[TestCase], tuple[str | None, int | None]]
) -> list[Annotation]:
    """An error on the failing line of each failed test (the first ten); the rest are in the summary."""
    made = []
    for case in report.problems[:ANNOTATIONS_PER_LEVEL]:
        path, line = locate(case)
        tail = "\n".join(case.details.splitlines()[-FAILURE_TAIL_LINES:])
        what = "error" if case.outcome == "error" else "failed"
        made.append(
            Annotation(
                "error",
                "\n".join(filter(None, (case.message, tail))) or what,
                f"{case.test_id} {what}",
                file=path or "",
                line=line,
            )
        )
    return made


def diff_annotations(diff: DiffCoverage) -> list[Annotation]:
    """A warning per run of uncovered changed lines (the first ten); the summary lists them all."""
    made = []
    for file in diff.files:
        for start, end in line_ranges(file.measured, set(file.missing)):
            span = f"line {start}" if start == end else f"lines {start}-{end}"
            made.append(
                Annotation(
                    "warning",
                    f"Changed {span} not covered by tests",
                    "Diff coverage",
                    file=file.path,
                    line=start,
                    end_line=end,
                )
            )
    return made[:ANNOTATIONS_PER_LEVEL]
