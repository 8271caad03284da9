"""Coverage of a change's lines: the summary section and the terminal lines."""

from __future__ import annotations

from py_ci.gates import display_percent
from py_ci.model import DiffCoverage, DiffFile, Verdict
from py_ci.options import Gates
from py_ci.ranges import format_missing
from py_ci.renderers.markdown import Budget, code, escape, number, plural, shorten, table

MISSING_CHARS = 240


def diff_missing(file: DiffFile) -> str:
    """Uncovered changed lines as ranges, joined across the changed lines that are not statements."""
    return format_missing(file.measured, set(file.missing))


def diff_markdown(diff: DiffCoverage, options: Gates, verdict: Verdict | None, budget: Budget) -> str:
    counts = diff.counts
    shown = options.shown_decimals
    if not counts.lines_valid:
        headline = f"#### Changed lines: none that the report measures (against {code(diff.base)})"
        return f"{headline}\n\nThe change since {code(diff.merge_base[:12])} adds no statement the tests could run.\n\n"
    mark = "" if verdict is None else ("✅ " if verdict.passed else "❌ ")
    lines = [
        f"#### {mark}Changed lines: {display_percent(counts.percent, shown)}% covered",
        "",
        f"{number(counts.lines_covered)} of {plural(counts.lines_valid, 'changed line')} ran, in "
        f"{plural(len(diff.files), 'file')} changed since {code(diff.merge_base[:12])} (the merge base with "
        f"{code(diff.base)}).",
        "",
    ]
    if verdict is not None and options.diff_fail_under is not None:
        lines += [
            f"Threshold {options.diff_fail_under.value:g}% from {code(options.diff_fail_under.origin)}: "
            f"{'**passed**' if verdict.passed else '**failed**'} ({escape(verdict.message)}).",
            "",
        ]
    rows = []
    for file in sorted(diff.files, key=lambda f: (f.counts.percent, f.path)):
        row = [
            escape(file.path),
            display_percent(file.counts.percent, shown) + "%",
            f"{file.counts.lines_covered}/{file.counts.lines_valid}",
            escape(shorten(diff_missing(file), MISSING_CHARS)),
        ]
        if not budget.take(" | ".join(row)):
            break
        rows.append(row)
    lines += [*table(["File", "Coverage", "Changed lines", "Not covered"], "lrrl", rows), ""]
    return "\n".join(lines) + "\n"


def diff_text(diff: DiffCoverage, options: Gates, verdict: Verdict | None) -> str:
    counts = diff.counts
    lines = [
        f"Changed lines since {diff.base} (merge base {diff.merge_base[:12]}): "
        f"{counts.lines_covered} of {counts.lines_valid} covered, "
        f"{display_percent(counts.percent, options.shown_decimals)}%"
    ]
    lines += [f"  {file.path}: missing {diff_missing(file)}" for file in diff.files if file.missing]
    if verdict is not None:
        lines.append(f"Diff coverage {'passed' if verdict.passed else 'FAILED'}: {verdict.message}")
    return "\n".join(lines) + "\n"
