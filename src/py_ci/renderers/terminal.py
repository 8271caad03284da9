"""Plain-text renderings for a terminal or a log, in the shape of `coverage report`."""

from __future__ import annotations

from py_ci.gates import display_percent
from py_ci.model import CheckSection, CoverageSection, TestsSection, Verdict
from py_ci.options import Gates
from py_ci.renderers.check_summary import headline, limit_origin
from py_ci.renderers.coverage_summary import carried_text, left_out_text
from py_ci.renderers.diff_summary import diff_text
from py_ci.renderers.files import diff_gate, missing_text, worst_first
from py_ci.renderers.findings import location
from py_ci.renderers.tests_summary import outcome_words, skip_reasons

TERMINAL_FILES = 50


def coverage_text(section: CoverageSection, options: Gates, everything: bool) -> str:
    """`coverage report`'s table, worst first: TERMINAL_FILES files, or all of them (-v)."""
    report, verdicts = section.report, list(section.verdicts)
    precision = options.shown_decimals
    branches = report.has_branches
    files = worst_first(report)
    shown = files if everything else files[:TERMINAL_FILES]
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
    out += [rule, line(total)]
    if report.left_out:
        out.append(f"Left out of the figure: {left_out_text(report, str)}.")
    if report.carried:
        out.append(f"{carried_text(report, str)}.")
    out += ["", _verdict_text(options, verdicts)]
    text = "\n".join(out) + "\n"
    if section.diff is not None:
        text += diff_text(section.diff, options, diff_gate(section))
    return text


def _verdict_text(options: Gates, verdicts: list[Verdict]) -> str:
    if not any(v.gate != "diff-coverage" for v in verdicts):
        return "No coverage threshold set." if options.fail_under is None else "Coverage gate passed."
    origins = {"coverage": options.fail_under, "coverage-file": options.fail_under_file}
    lines = []
    # The diff gate is told with the changed lines, below.
    for verdict in (v for v in verdicts if v.gate in origins):
        state = "passed" if verdict.passed else "FAILED"
        origin = origins[verdict.gate]
        source = f" (threshold from {origin.origin})" if origin is not None else ""
        lines.append(f"Coverage {state}: {verdict.message}{source}")
    return "\n".join(lines)


TERMINAL_FINDINGS = 200


def check_text(section: CheckSection, everything: bool) -> str:
    """Findings as the tools print them (TERMINAL_FINDINGS, or all of them: -v), new ones marked, then the verdicts."""
    comparison, findings = section.comparison, section.shown
    shown = findings if everything else findings[:TERMINAL_FINDINGS]
    lines = []
    for finding in shown:
        code = f"  [{finding.code}]" if finding.code else ""
        lines.append(f"{location(finding)}: {finding.severity}: {finding.message}{code}")
    if len(findings) > len(shown):
        lines.append(f"... {len(findings) - len(shown):,} more findings (all are in --json and -v)")
    if comparison is not None:
        # Only the new findings are listed: what the baseline accepts would bury the one that fails the run.
        fixed = sum(count for _, count in comparison.fixed)
        lines.append(f"Baseline: {comparison.known} known, {len(comparison.new)} new, {fixed} fixed")
    lines.append(headline(section))
    for verdict in section.verdicts:
        origin = limit_origin(section, verdict.gate)
        source = f" (limit from {origin})" if origin is not None else ""
        lines.append(f"{verdict.gate} {'passed' if verdict.passed else 'FAILED'}: {verdict.message}{source}")
    return "\n".join(lines) + "\n"


def tests_text(section: TestsSection, everything: bool) -> str:
    """pytest's short summary: a line per failure (TERMINAL_FINDINGS, or all: -v), then the totals and the verdict."""
    report, verdict = section.report, section.verdict
    problems = report.problems if everything else report.problems[:TERMINAL_FINDINGS]
    lines = []
    for case in problems:
        word = "ERROR" if case.outcome == "error" else "FAILED"
        first = case.cause
        lines.append(f"{word} {case.test_id}" + (f" - {first[:200]}" if first else ""))
    if len(report.problems) > len(problems):
        lines.append(f"... {len(report.problems) - len(problems):,} more (all are in --json and -v)")
    lines += [f"SKIPPED [{count}] {reason}" for reason, count in skip_reasons(report).most_common(10)]
    lines.append(f"Tests: {outcome_words(report)} ({report.tests} tests in {report.duration:.2f} s)")
    lines.append(f"tests {'passed' if verdict.passed else 'FAILED'}: {verdict.message}")
    return "\n".join(lines) + "\n"


def verdict_line(verdicts: tuple[Verdict, ...]) -> str:
    failed = list(dict.fromkeys(v.gate for v in verdicts if not v.passed))  # a gate once, however many groups
    return f"\npy-ci: FAILED ({', '.join(failed)})\n" if failed else "\npy-ci: every gate passed\n"


_RED, _GREEN, _RESET = "\033[31m", "\033[32m", "\033[0m"


def _failed(line: str) -> bool:
    return "FAILED" in line.split(":", 1)[0] or line.startswith(("FAILED ", "ERROR ", "py-ci: FAILED"))


def _passed(line: str) -> bool:
    return line.startswith("py-ci: every gate passed") or " passed:" in line.split("(", 1)[0]


def coloured(text: str) -> str:
    """Verdict lines in red or green, for a terminal (the caller checks for one, and for NO_COLOR)."""
    lines = []
    for line in text.split("\n"):
        if _failed(line):
            line = f"{_RED}{line}{_RESET}"
        elif _passed(line):
            line = f"{_GREEN}{line}{_RESET}"
        lines.append(line)
    return "\n".join(lines)


def verdicts_only(text: str) -> str:
    """-q: the lines that say a verdict (each gate's, each failed test, the run's), and what did not run."""
    kept = [line for line in text.split("\n") if _failed(line) or _passed(line) or " did not finish" in line]
    return "\n".join(kept) + "\n" if kept else ""
