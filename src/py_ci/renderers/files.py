"""What every rendering says of a file's coverage: the order and the Missing column."""

from __future__ import annotations

from py_ci.model import CoverageReport, CoverageSection, FileCoverage, Verdict
from py_ci.ranges import format_missing


def worst_first(report: CoverageReport) -> list[FileCoverage]:
    """Lowest coverage first, then most missing lines, then by path."""

    def key(file: FileCoverage) -> tuple[float, int, str]:
        counts = file.counts
        return (counts.percent, counts.lines_covered - counts.lines_valid, file.path)

    return sorted(report.files.values(), key=key)


def missing_text(file: FileCoverage) -> str:
    """coverage report's Missing column; partial lines without arc data end in `->?`."""
    missing = file.missing_lines
    arcs = {line: b.missing for line, b in file.branches.items() if b.missing}
    unknown = {line: ["?"] for line in file.partial_lines if file.branches[line].missing is None}
    return format_missing(file.hits, set(missing), {**arcs, **unknown})


def diff_gate(section: CoverageSection) -> Verdict | None:
    """The changed lines' verdict, when a threshold judged them."""
    return next((v for v in section.verdicts if v.gate == "diff-coverage"), None)
