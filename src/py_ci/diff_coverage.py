"""Which changed lines the tests ran: the changed lines a report measures, covered or missing."""

from __future__ import annotations

from collections.abc import Mapping

from py_ci.model import CoverageReport, DiffCoverage, DiffFile


def diff_coverage(report: CoverageReport, changed: Mapping[str, set[int]], base: str, merge_base: str) -> DiffCoverage:
    """Files outside the report and lines that are not statements (blank, comments) are not measured."""
    files = []
    for path, lines in sorted(changed.items()):
        file = report.files.get(path)
        if file is None:
            continue
        measured = tuple(sorted(line for line in lines if line in file.hits))
        if measured:
            missing = tuple(line for line in measured if not file.hits[line])
            files.append(DiffFile(path, measured, missing))
    return DiffCoverage(base, merge_base, tuple(files))
