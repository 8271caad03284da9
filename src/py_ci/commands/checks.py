"""`py-ci mypy` and `py-ci ruff`: a checker's output in, findings, a gate and every surface out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from py_ci.baseline import Comparison, Key, baseline_key, compare, parse_baseline, render_baseline
from py_ci.config import Setting, load_options
from py_ci.files import read_text_input
from py_ci.gates import Verdict, limit_verdict
from py_ci.model import CheckReport, Finding
from py_ci.paths import relative_to_workspace
from py_ci.publication import Publication
from py_ci.readers.mypy import read_mypy
from py_ci.readers.ruff import FORMAT_TOOL, UNFORMATTED, read_ruff
from py_ci.renderers.check_summary import CheckView, check_markdown
from py_ci.renderers.findings import finding_annotations
from py_ci.renderers.markdown import Budget, plural, summary_budget
from py_ci.renderers.results import mypy_json, ruff_json
from py_ci.renderers.terminal import check_text


@dataclass(frozen=True)
class CheckInputs:
    """What a check subcommand was given."""

    outputs: list[str]
    workspace: Path
    environ: Mapping[str, str]
    flags: Mapping[str, object]
    stdin: BinaryIO


def _read(inputs: CheckInputs, read: Callable[[str, str], CheckReport], tool: str) -> CheckReport:
    reports = [read(read_text_input(name, inputs.stdin), "<stdin>" if name == "-" else name) for name in inputs.outputs]
    findings = tuple(_relocated(finding, inputs.workspace) for report in reports for finding in report.findings)
    claimed = [r.claimed_errors for r in reports]
    checked = [r.files_checked for r in reports]
    return CheckReport(
        tool,
        findings,
        None if None in claimed else sum(c for c in claimed if c is not None),
        None if None in checked else sum(c for c in checked if c is not None),
    )


def _relocated(finding: Finding, workspace: Path) -> Finding:
    return replace(finding, path=relative_to_workspace(finding.path, workspace))


def _against_baseline(
    tool: str, counted: tuple[Finding, ...], setting: Setting[str] | None, inputs: CheckInputs
) -> tuple[Comparison | None, Setting[str] | None, dict[Path, str]]:
    """The comparison with the baseline, the baseline used, and the baseline file to write if asked."""
    write_to = inputs.flags.get("write_baseline")
    if isinstance(write_to, Path):
        accepted: Counter[Key] = Counter(baseline_key(f) for f in counted)
        return (
            compare(counted, accepted),
            Setting(str(write_to), "--write-baseline"),
            {write_to: render_baseline(tool, counted)},
        )
    if setting is None:
        return None, None, {}
    text = read_text_input(str(inputs.workspace / setting.value), inputs.stdin)
    return compare(counted, parse_baseline(text, setting.value, tool)), setting, {}


def _publication(
    view: CheckView,
    result: Callable[[CheckView], dict[str, Any]],
    outputs: dict[str, str],
    files: dict[Path, str],
    budget: Budget | None,
) -> Publication:
    # With a baseline only the new findings are the change's own, so only they are annotated.
    made, left_out = finding_annotations(view.comparison.new if view.comparison is not None else view.findings)
    view = replace(view, not_annotated=left_out)
    return Publication(
        passed=all(v.passed for v in view.verdicts),
        result=result(view),
        markdown=check_markdown(view, budget or summary_budget()),
        text=check_text(view),
        outputs=outputs,
        annotations=made,
        files=files,
    )


def mypy_publication(inputs: CheckInputs, budget: Budget | None = None) -> Publication:
    options = load_options(inputs.workspace, inputs.environ, inputs.flags)
    report = _read(inputs, read_mypy, "mypy")
    errors = tuple(f for f in report.findings if f.severity == "error")
    comparison, baseline, files = _against_baseline("mypy", errors, options.mypy_baseline, inputs)
    counted = len(comparison.new) if comparison is not None else len(errors)
    verdicts = [limit_verdict("mypy", counted, options.max_errors.value, "error", comparison is not None)]
    headline = (
        f"mypy: {plural(report.errors, 'error')} in {plural(report.files, 'file')}"
        if report.errors
        else (
            f"mypy: no errors in {plural(report.files_checked, 'checked file')}"
            if report.files_checked
            else "mypy: no errors"
        )
    )
    view = CheckView("mypy", headline, report.findings, verdicts, {"mypy": options.max_errors}, baseline, comparison, 0)
    outputs = {"mypy-errors": str(report.errors), "passed": _flag(verdicts)}
    return _publication(view, lambda shown: mypy_json(shown, report), outputs, files, budget)


def ruff_publication(inputs: CheckInputs, budget: Budget | None = None) -> Publication:
    options = load_options(inputs.workspace, inputs.environ, inputs.flags)
    report = _read(inputs, read_ruff, "ruff")
    comparison, baseline, files = _against_baseline("ruff", report.findings, options.ruff_baseline, inputs)
    gated = comparison.new if comparison is not None else report.findings
    against = comparison is not None
    violations = sum(1 for f in report.findings if f.tool != FORMAT_TOOL)
    unformatted = len({f.path for f in report.findings if f.code == UNFORMATTED})
    verdicts = [
        limit_verdict(
            "ruff", sum(1 for f in gated if f.tool != FORMAT_TOOL), options.max_violations.value, "violation", against
        ),
        limit_verdict("ruff-format", sum(1 for f in gated if f.tool == FORMAT_TOOL), 0, "format finding", against),
    ]
    headline = f"ruff: {plural(violations, 'violation')}, {plural(unformatted, 'unformatted file')}"
    limits = {"ruff": options.max_violations}
    view = CheckView("ruff", headline, report.findings, verdicts, limits, baseline, comparison, 0)
    outputs = {"ruff-violations": str(violations), "unformatted-files": str(unformatted), "passed": _flag(verdicts)}
    return _publication(view, lambda shown: ruff_json(shown, violations, unformatted), outputs, files, budget)


def _flag(verdicts: list[Verdict]) -> str:
    return "true" if all(v.passed for v in verdicts) else "false"
