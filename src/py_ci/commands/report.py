"""`py-ci report`: every check of one job in one summary, one set of outputs, one exit status, one result file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from py_ci.cli import DIFF_BASE_NEEDED
from py_ci.commands.checks import CheckInputs, mypy_publication, ruff_publication
from py_ci.commands.coverage import coverage_publication, read_coverage, read_diff
from py_ci.commands.junit import junit_publication, read_tests
from py_ci.config import load_options
from py_ci.errors import UsageError
from py_ci.github import ANNOTATIONS_PER_LEVEL, Annotation
from py_ci.publication import Publication
from py_ci.renderers.markdown import escape, plural, summary_budget
from py_ci.renderers.result_file import render_result


@dataclass(frozen=True)
class ReportInputs:
    coverage: list[Path]
    junit: list[Path]
    mypy: list[str]
    ruff: list[str]
    labels: list[str]
    save: Path | None
    workspace: Path
    environ: Mapping[str, str]
    flags: Mapping[str, object]
    stdin: BinaryIO


def parse_labels(labels: list[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for label in labels:
        key, equals, value = label.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"--label {label!r} is not KEY=VALUE; write e.g. --label python=3.12")
        parsed[key.strip()] = value.strip()
    return parsed


def capped(annotations: list[Annotation]) -> tuple[list[Annotation], int]:
    """The first ten of each level, in section order (tests, types, lint, coverage), and how many were cut."""
    kept: list[Annotation] = []
    per_level: Counter[str] = Counter()
    for annotation in annotations:
        per_level[annotation.level] += 1
        if per_level[annotation.level] <= ANNOTATIONS_PER_LEVEL:
            kept.append(annotation)
    return kept, len(annotations) - len(kept)


def report_publication(inputs: ReportInputs) -> Publication:
    if not (inputs.coverage or inputs.junit or inputs.mypy or inputs.ruff):
        raise UsageError("py-ci report needs at least one of --junit, --mypy, --ruff, --coverage")
    labels = parse_labels(inputs.labels)
    if inputs.flags.get("diff_fail_under") is not None and not inputs.flags.get("diff_base"):
        raise UsageError(DIFF_BASE_NEEDED)
    options = load_options(inputs.workspace, inputs.environ, inputs.flags)
    budget = summary_budget()
    sections: dict[str, Publication] = {}
    tests = read_tests(inputs.junit, inputs.workspace) if inputs.junit else None
    coverage = read_coverage(inputs.coverage, inputs.workspace) if inputs.coverage else None
    if tests is not None:
        sections["tests"] = junit_publication(tests, inputs.workspace, budget)
    for tool, given, publish in (("mypy", inputs.mypy, mypy_publication), ("ruff", inputs.ruff, ruff_publication)):
        if given:
            check = CheckInputs(given, inputs.workspace, inputs.environ, inputs.flags, inputs.stdin)
            sections[tool] = publish(check, budget)
    if coverage is not None:
        base = inputs.flags.get("diff_base")
        diff = read_diff(coverage, base, inputs.workspace) if isinstance(base, str) else None
        sections["coverage"] = coverage_publication(coverage, options, budget, diff)

    verdicts: list[dict[str, Any]] = [v for section in sections.values() for v in section.result["verdicts"]]
    passed = all(section.passed for section in sections.values())
    annotations, cut = capped([a for section in sections.values() for a in section.annotations])
    files = {path: text for section in sections.values() for path, text in section.files.items()}
    if inputs.save is not None:
        results = {name: section.result for name, section in sections.items() if name in ("mypy", "ruff")}
        files[inputs.save] = render_result(
            labels, verdicts, tests, coverage, _check_counts(results), str(inputs.workspace.resolve())
        )
    outputs: dict[str, str] = {}
    for section in sections.values():
        outputs.update(section.outputs)
    outputs["passed"] = "true" if passed else "false"
    return Publication(
        passed=passed,
        result={"passed": passed, "labels": labels, **{name: section.result for name, section in sections.items()}},
        markdown=_header(labels, verdicts) + "".join(s.markdown for s in sections.values()) + _cut_note(cut),
        text="\n".join(section.text for section in sections.values()) + _verdict_line(verdicts),
        outputs=outputs,
        annotations=annotations,
        files=files,
    )


def _check_counts(results: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    mypy, ruff = results.get("mypy"), results.get("ruff")
    return {
        "mypy": None if mypy is None else {"errors": mypy["errors"], "new_errors": mypy["new_errors"]},
        "ruff": None
        if ruff is None
        else {"violations": ruff["violations"], "unformatted_files": ruff["unformatted_files"]},
    }


def _header(labels: Mapping[str, str], verdicts: list[dict[str, Any]]) -> str:
    failed = [v for v in verdicts if not v["passed"]]
    state = f"❌ {len(failed)} of {plural(len(verdicts), 'gate')} failed" if failed else "✅ every gate passed"
    leg = " · ".join(f"{escape(key)}={escape(value)}" for key, value in labels.items())
    return f"## py-ci: {state}\n\n" + (f"{leg}\n\n" if leg else "")


def _cut_note(cut: int) -> str:
    if not cut:
        return ""
    return (
        f"\n{plural(cut, 'annotation')} left out: the runner shows {ANNOTATIONS_PER_LEVEL} per level in a step; "
        "every finding is in the sections above.\n"
    )


def _verdict_line(verdicts: list[dict[str, Any]]) -> str:
    failed = [v["gate"] for v in verdicts if not v["passed"]]
    return f"\npy-ci: FAILED ({', '.join(failed)})\n" if failed else "\npy-ci: every gate passed\n"
