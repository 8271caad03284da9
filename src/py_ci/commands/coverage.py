"""`py-ci coverage`: Cobertura reports in, one coverage verdict out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from py_ci.config import Options
from py_ci.diff_coverage import diff_coverage
from py_ci.gates import Verdict, coverage_verdicts, diff_verdict, display_percent
from py_ci.git import diff_since, merge_base, repository_root
from py_ci.github import Annotation
from py_ci.model import CoverageReport, DiffCoverage
from py_ci.paths import relocate
from py_ci.publication import Publication
from py_ci.readers.cobertura import read_cobertura
from py_ci.readers.git_diff import changed_lines
from py_ci.renderers.annotations import coverage_annotations, diff_annotations
from py_ci.renderers.coverage_summary import coverage_markdown
from py_ci.renderers.diff_summary import diff_json, diff_markdown, diff_text
from py_ci.renderers.markdown import Budget, summary_budget
from py_ci.renderers.results import coverage_json, coverage_outputs
from py_ci.renderers.terminal import coverage_text


def read_coverage(paths: list[Path], workspace: Path) -> CoverageReport:
    """The reports merged line by line, their paths relative to the workspace."""
    return CoverageReport.merged(relocate(read_cobertura(path), workspace) for path in paths)


def read_diff(report: CoverageReport, base: str, workspace: Path) -> DiffCoverage:
    """The report's coverage of the lines changed since the merge base of `base` and HEAD."""
    root = repository_root(workspace)
    start = merge_base(base, workspace)
    inside = workspace.resolve()
    changed: dict[str, set[int]] = {}
    for path, lines in changed_lines(diff_since(start, workspace)).items():
        absolute = (root / path).resolve()
        # A monorepo's project folder sees only its own files, named from the folder.
        if absolute.is_relative_to(inside):
            changed[absolute.relative_to(inside).as_posix()] = lines
    return diff_coverage(report, changed, base, start)


@dataclass(frozen=True)
class DiffSections:
    """What the changed lines add to a coverage publication, wherever the coverage comes from."""

    gate: Verdict | None
    markdown: str
    text: str
    annotations: list[Annotation]
    result: dict[str, Any]
    output: str


def diff_sections(diff: DiffCoverage, options: Options, budget: Budget) -> DiffSections:
    gate = diff_verdict(diff, options)
    return DiffSections(
        gate,
        diff_markdown(diff, options, gate, budget),
        diff_text(diff, options, gate),
        diff_annotations(diff),
        diff_json(diff, options),
        display_percent(diff.counts.percent, 2),
    )


def coverage_publication(
    report: CoverageReport, options: Options, budget: Budget | None = None, diff: DiffCoverage | None = None
) -> Publication:
    budget = budget or summary_budget()
    verdicts = coverage_verdicts(report, options)
    sections = diff_sections(diff, options, budget) if diff is not None else None
    if sections is not None and sections.gate is not None:
        verdicts.append(sections.gate)
    passed = all(v.passed for v in verdicts)
    markdown = coverage_markdown(report, options, verdicts, budget)
    annotations = coverage_annotations(options, verdicts)
    result = coverage_json(report, options, verdicts)
    outputs = coverage_outputs(report, passed)
    text = coverage_text(report, options, verdicts)
    if sections is not None:
        markdown += sections.markdown
        annotations += sections.annotations
        result["diff"] = sections.result
        outputs["diff-coverage"] = sections.output
        text += sections.text
    return Publication(passed, result, markdown, text, outputs, annotations)
