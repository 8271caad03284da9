"""The coverage section of a job summary: headline, verdict, files worst first."""

from __future__ import annotations

from collections.abc import Callable

from py_ci.gates import display_percent, effective_precision
from py_ci.model import CoverageReport, CoverageSection, FileCoverage, Verdict
from py_ci.options import Gates
from py_ci.renderers.diff_summary import diff_markdown
from py_ci.renderers.files import diff_gate, missing_text, worst_first
from py_ci.renderers.markdown import Budget, code, details, escape, not_listed, number, plural, shorten, table

VISIBLE_FILES = 25
MISSING_CHARS = 240


def coverage_markdown(section: CoverageSection, options: Gates, budget: Budget) -> str:
    """The section, and the changed lines' when there are any."""
    report, verdicts = section.report, list(section.verdicts)
    precision = options.shown_decimals
    counts = report.counts
    failed = [v for v in verdicts if not v.passed]
    mark = "❌" if failed else "✅"
    lines = [f"### {mark} Coverage {display_percent(counts.percent, precision)}%", ""]
    measured = f"{number(counts.lines_covered)} of {number(counts.lines_valid)} lines"
    if counts.branches_valid:
        measured += f" and {number(counts.branches_covered)} of {number(counts.branches_valid)} branches"
    lines.append(f"{measured} covered in {plural(len(report.files), 'file')}.")
    if report.left_out:
        lines += ["", f"Left out of the figure: {left_out_text(report, code)}."]
    if report.carried:
        lines += ["", f"{carried_text(report, code)}."]
    lines += ["", *_threshold_lines(options, verdicts), ""]
    for line in lines:
        budget.take(line)
    lines += _file_tables(report, options, verdicts, budget)
    markdown = "\n".join(lines) + "\n"
    if section.diff is not None:
        markdown += diff_markdown(section.diff, options, diff_gate(section), budget)
    return markdown


def left_out_text(report: CoverageReport, show: Callable[[str], str]) -> str:
    """The measured files coverage.py cannot report, each with why."""
    named = ", ".join(show(entry) for entry in report.left_out)
    return f"{plural(len(report.left_out), 'measured file')} coverage.py cannot report ({named})"


def carried_text(report: CoverageReport, show: Callable[[str], str]) -> str:
    named = ", ".join(show(path) for path in report.carried)
    return f"Carried from the legs, generated at their install and absent from this checkout: {named}"


def _threshold_lines(options: Gates, verdicts: list[Verdict]) -> list[str]:
    lines: list[str] = []
    total = next((v for v in verdicts if v.gate == "coverage"), None)
    if not options.coverage_gated:
        lines.append("This job's coverage is a part of the whole: the job that combines every part gates it.")
    elif options.fail_under is None or total is None:
        lines.append(
            "No coverage threshold is set: pass `--fail-under`, or set `fail_under` in the coverage "
            "configuration or `coverage-threshold` in `[tool.py-ci]`."
        )
    else:
        verdict = "**passed**" if total.passed else "**failed**"
        decimals = effective_precision(options.fail_under.value, options.precision.value)
        lines.append(
            f"Threshold {options.fail_under.value:g}% from {code(options.fail_under.origin)}, compared at "
            f"{plural(decimals, 'decimal')} as coverage.py does: {verdict} ({escape(total.message)})."
        )
    if options.fail_under_file is not None:
        below = [v for v in verdicts if v.gate == "coverage-file"]
        state = f"**{len(below)} below it**" if below else "every file meets it"
        lines += [""] if lines else []
        lines.append(
            f"Per-file threshold {options.fail_under_file.value:g}% from "
            f"{code(options.fail_under_file.origin)}: {state}."
        )
    return lines


def _file_tables(report: CoverageReport, options: Gates, verdicts: list[Verdict], budget: Budget) -> list[str]:
    precision = options.shown_decimals
    below = {v.path for v in verdicts if v.gate == "coverage-file"}
    branches = report.has_branches
    headers = ["File", "Coverage", "Lines", *(["Branches"] if branches else []), "Missing"]
    align = "lrr" + ("r" if branches else "") + "l"

    def row(file: FileCoverage) -> list[str]:
        counts = file.counts
        percent = display_percent(counts.percent, precision) + "%"
        cells = [
            ("❌ " if file.path in below else "") + escape(file.path),
            percent,
            f"{number(counts.lines_covered)}/{number(counts.lines_valid)}",
        ]
        if branches:
            cells.append(f"{number(counts.branches_covered)}/{number(counts.branches_valid)}")
        cells.append(escape(shorten(missing_text(file), MISSING_CHARS)))
        return cells

    files = worst_first(report)
    rows: list[list[str]] = []
    for file in files:
        cells = row(file)
        if not budget.take("| " + " | ".join(cells) + " |"):
            break
        rows.append(cells)
    shown, hidden = rows[:VISIBLE_FILES], rows[VISIBLE_FILES:]
    lines = table(headers, align, shown) if shown else []
    if hidden:
        lines += ["", *details(f"{plural(len(hidden), 'more file')}", table(headers, align, hidden))]
    if len(rows) < len(files):
        lines += ["", not_listed(len(files) - len(rows), "file", "`py-ci coverage --json` lists every file")]
    return lines
