"""Plain-text renderings for a terminal or a log, in the shape of `coverage report`."""

from __future__ import annotations

from py_ci.config import Options
from py_ci.gates import Verdict, display_percent
from py_ci.model import CoverageReport
from py_ci.renderers.files import missing_text, worst_first

TERMINAL_FILES = 50


def coverage_text(report: CoverageReport, options: Options, verdicts: list[Verdict]) -> str:
    precision = options.shown_decimals
    branches = report.has_branches
    files = worst_first(report)
    shown = files[:TERMINAL_FILES]
    header = ["Name", "Stmts", "Miss", *(["Branch", "BrPart"] if branches else []), "Cover", "Missing"]
    rows: list[list[str]] = []
    for file in shown:
        counts = file.counts
        cells = [file.path, str(counts.lines_valid), str(counts.lines_valid - counts.lines_covered)]
        if branches:
            cells += [str(counts.branches_valid), str(len(file.partial_lines))]
        cells += [display_percent(counts.percent, precision) + "%", missing_text(file)]
        rows.append(cells)
    counts = report.counts
    total = ["TOTAL", str(counts.lines_valid), str(counts.lines_valid - counts.lines_covered)]
    if branches:
        total += [str(counts.branches_valid), str(sum(len(f.partial_lines) for f in files))]
    total += [display_percent(counts.percent, precision) + "%", ""]
    widths = [max(len(r[i]) for r in [header, *rows, total]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        padded = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:-1], widths[1:], strict=True)]
        return "   ".join([*padded, cells[-1]]).rstrip()

    rule = "-" * len(line(header))
    out = [line(header), rule, *map(line, rows)]
    if len(files) > len(shown):
        out.append(f"... {len(files) - len(shown):,} more files with the same or higher coverage (all are in --json)")
    out += [rule, line(total), "", _verdict_text(options, verdicts)]
    return "\n".join(out) + "\n"


def _verdict_text(options: Options, verdicts: list[Verdict]) -> str:
    if not verdicts:
        return "No coverage threshold set." if options.fail_under is None else "Coverage gate passed."
    origins = {"coverage": options.fail_under, "coverage-file": options.fail_under_file}
    lines = []
    for verdict in verdicts:
        state = "passed" if verdict.passed else "FAILED"
        origin = origins[verdict.gate]
        source = f" (threshold from {origin.origin})" if origin is not None else ""
        lines.append(f"Coverage {state}: {verdict.message}{source}")
    return "\n".join(lines)
