"""Annotations: which findings become workflow commands, within the runner's per-step caps."""

from __future__ import annotations

from py_ci.config import Options
from py_ci.gates import Verdict
from py_ci.github import ANNOTATIONS_PER_LEVEL, Annotation


def coverage_annotations(options: Options, verdicts: list[Verdict]) -> list[Annotation]:
    """An error for a total under the threshold; one per file under the per-file threshold."""
    annotations: list[Annotation] = []
    for verdict in verdicts:
        if verdict.passed:
            continue
        if verdict.path is None:
            origin = options.fail_under.origin if options.fail_under else ""
            annotations.append(Annotation("error", f"Coverage {verdict.message} (threshold from {origin})", "Coverage"))
        else:
            annotations.append(
                Annotation("error", f"Coverage of {verdict.message}", "Coverage", file=verdict.path, line=1)
            )
    return annotations[:ANNOTATIONS_PER_LEVEL]
