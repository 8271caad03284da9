"""Findings of mypy and ruff as words: titles, locations, and which become annotations."""

from __future__ import annotations

from collections.abc import Iterable

from py_ci.github import ANNOTATIONS_PER_LEVEL, Annotation
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


def select(findings: Iterable[Finding], limit: int = ANNOTATIONS_PER_LEVEL) -> list[Finding]:
    """Up to `limit` findings, spread first over files and codes not yet shown, then the rest in order."""
    candidates = list(findings)
    chosen: set[int] = set()
    files: set[str] = set()
    codes: set[str | None] = set()
    # Pass 0 wants a new file and a new code, pass 1 either, pass 2 anything.
    for strictness in range(3):
        for index, finding in enumerate(candidates):
            if len(chosen) == limit:
                break
            fresh = (finding.path not in files) + (finding.code not in codes)
            if index not in chosen and fresh >= 2 - strictness:
                chosen.add(index)
                files.add(finding.path)
                codes.add(finding.code)
    return [candidates[i] for i in sorted(chosen)]


def finding_annotations(findings: Iterable[Finding]) -> tuple[list[Annotation], int]:
    """The annotations for `findings` within the per-level cap, and how many were left out."""
    by_level: dict[str, list[Finding]] = {}
    for finding in findings:
        by_level.setdefault(_LEVELS.get(finding.severity, "error"), []).append(finding)
    made: list[Annotation] = []
    left_out = 0
    for level, group in by_level.items():
        chosen = select(group)
        left_out += len(group) - len(chosen)
        made += [_annotation(level, finding) for finding in chosen]
    return made, left_out


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
