"""Findings of mypy and ruff as words: titles, locations, and which become annotations."""

from __future__ import annotations

from collections.abc import Iterable

from py_ci.github import Annotation
from py_ci.model import Finding
from py_ci.readers.ruff import FORMAT_TOOL, UNFORMATTED

_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def title(finding: Finding) -> str:
    if finding.tool == FORMAT_TOOL:
        return "ruff format" if finding.code == UNFORMATTED else f"ruff format ({finding.code})"
    if finding.tool == "ruff":
        return f"ruff ({finding.code})"
    return f"{finding.tool} [{finding.code}]" if finding.code else finding.tool


def location(finding: Finding) -> str:
    parts = [finding.path, *(str(n) for n in (finding.line, finding.column) if n is not None)]
    return ":".join(parts)


def full_message(finding: Finding) -> str:
    return "\n".join((finding.message, *finding.notes))


def spread_first(findings: Iterable[Finding]) -> list[Finding]:
    """Every finding, those on files and codes not yet shown first: the few the runner keeps say the most."""
    candidates = list(findings)
    order: list[int] = []
    taken: set[int] = set()
    files: set[str] = set()
    codes: set[str | None] = set()
    # Pass 0 wants a new file and a new code, pass 1 either, pass 2 anything.
    for strictness in range(3):
        for index, finding in enumerate(candidates):
            fresh = (finding.path not in files) + (finding.code not in codes)
            if index not in taken and fresh >= 2 - strictness:
                order.append(index)
                taken.add(index)
                files.add(finding.path)
                codes.add(finding.code)
    return [candidates[i] for i in order]


def finding_annotations(findings: Iterable[Finding]) -> list[Annotation]:
    """An annotation per finding, by level, each level spread over files and codes first."""
    by_level: dict[str, list[Finding]] = {}
    for finding in findings:
        by_level.setdefault(_LEVELS.get(finding.severity, "error"), []).append(finding)
    return [_annotation(level, finding) for level, group in by_level.items() for finding in spread_first(group)]


def _annotation(level: str, finding: Finding) -> Annotation:
    return Annotation(
        level,
        full_message(finding),
        title(finding),
        file=finding.path,
        line=finding.line,
        end_line=finding.end_line,
        column=finding.column,
        end_column=finding.end_column,
    )
