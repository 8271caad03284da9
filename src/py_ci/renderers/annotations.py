"""Annotations: what becomes a workflow command, most useful first, and the one place the runner's caps apply."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from py_ci.failures import failure_location
from py_ci.github import ANNOTATIONS_PER_LEVEL, Annotation
from py_ci.model import CheckSection, CoverageSection, DiffCoverage, JobResult, TestsSection
from py_ci.options import Gates
from py_ci.paths import relative_to_workspace
from py_ci.ranges import line_ranges
from py_ci.renderers.findings import finding_annotations
from py_ci.renderers.markdown import plural

FAILURE_TAIL_LINES = 15


def coverage_annotations(section: CoverageSection, gates: Gates) -> list[Annotation]:
    """An error for a total under the threshold, one per file under the per-file threshold, then changed lines."""
    annotations: list[Annotation] = []
    for verdict in section.verdicts:
        if verdict.passed:
            continue
        if verdict.gate == "diff-coverage":
            origin = gates.diff_fail_under.origin if gates.diff_fail_under else ""
            message = f"{verdict.message} (threshold from {origin})"
            annotations.append(Annotation("error", message[0].upper() + message[1:], "Diff coverage"))
        elif verdict.path is None:
            origin = gates.fail_under.origin if gates.fail_under else ""
            annotations.append(Annotation("error", f"Coverage {verdict.message} (threshold from {origin})", "Coverage"))
        else:
            annotations.append(
                Annotation("error", f"Coverage of {verdict.message}", "Coverage", file=verdict.path, line=1)
            )
    return annotations + (diff_annotations(section.diff) if section.diff is not None else [])


def test_annotations(section: TestsSection, workspace: Path) -> list[Annotation]:
    """An error on the failing line of each failed test."""
    made = []
    for case in section.report.problems:
        path, line = failure_location(case, lambda name: relative_to_workspace(name, workspace))
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
    """A warning per run of uncovered changed lines."""
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
    return made


def check_annotations(section: CheckSection) -> list[Annotation]:
    # With a baseline only the new findings are the change's own, so only they are annotated.
    return finding_annotations(section.shown)


def job_annotations(job: JobResult, gates: Gates, workspace: Path) -> list[Annotation]:
    """In section order: what did not run, tests, types, lint, coverage."""
    made = [Annotation("error", f"{p.cause}\n{p.fix}", f"{p.title} {p.what}") for p in job.not_run]
    made += test_annotations(job.tests, workspace) if job.tests is not None else []
    for section in job.checks:
        made += check_annotations(section)
    return made + (coverage_annotations(job.coverage, gates) if job.coverage is not None else [])


def capped(annotations: Iterable[Annotation]) -> tuple[list[Annotation], int]:
    """The first ten of each level, which the runner keeps in a step, and how many were left out."""
    kept: list[Annotation] = []
    per_level: Counter[str] = Counter()
    left_out = 0
    for annotation in annotations:
        per_level[annotation.level] += 1
        if per_level[annotation.level] <= ANNOTATIONS_PER_LEVEL:
            kept.append(annotation)
        else:
            left_out += 1
    return kept, left_out


def cut_note(left_out: int) -> str:
    """What the summary says of the annotations the runner would not show."""
    if not left_out:
        return ""
    return (
        f"\n{plural(left_out, 'annotation')} left out: the runner shows {ANNOTATIONS_PER_LEVEL} per level in a step; "
        "every finding is in the sections above.\n"
    )
