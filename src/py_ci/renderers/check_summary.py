"""The mypy and ruff sections of a job summary: verdict, baseline, tables by code and file, all findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from py_ci.baseline import Comparison
from py_ci.config import Setting
from py_ci.gates import Verdict
from py_ci.model import Finding
from py_ci.renderers.findings import location, title
from py_ci.renderers.markdown import Budget, code, details, escape, number, plural, shorten, table

TOP_ROWS = 25
MESSAGE_CHARS = 300


@dataclass(frozen=True, slots=True)
class CheckView:
    """What a check section shows, already decided by the command."""

    tool: str
    headline: str
    findings: tuple[Finding, ...]
    verdicts: list[Verdict]
    limits: dict[str, Setting[int]]
    baseline: Setting[str] | None
    comparison: Comparison | None
    not_annotated: int


def check_markdown(view: CheckView, budget: Budget) -> str:
    failed = any(not v.passed for v in view.verdicts)
    lines = [f"### {'❌' if failed else '✅'} {escape(view.headline)}", ""]
    for verdict in view.verdicts:
        limit = view.limits.get(verdict.gate)
        origin = f" (limit from {code(limit.origin)})" if limit is not None and limit.origin != "default" else ""
        lines.append(f"- {'❌' if not verdict.passed else '✅'} {escape(verdict.message)}{origin}")
    lines.append("")
    if view.baseline is not None and view.comparison is not None:
        lines += _baseline_lines(view.baseline, view.comparison)
    for line in lines:
        budget.take(line)
    shown = view.comparison.new if view.comparison is not None else view.findings
    if view.findings:
        lines += _by_code(view.findings, budget) + _by_file(view.findings, budget)
        label = "new findings" if view.comparison is not None else "findings"
        lines += _all_findings(shown, label, budget)
    if view.not_annotated:
        lines += [
            "",
            f"{plural(view.not_annotated, 'finding')} not annotated: the runner shows 10 per level "
            "in a step; every one is listed above.",
        ]
    return "\n".join(lines) + "\n"


def _baseline_lines(baseline: Setting[str], comparison: Comparison) -> list[str]:
    lines = [
        f"Baseline {code(baseline.value)} (from {code(baseline.origin)}): {plural(comparison.known, 'known finding')}, "
        f"**{number(len(comparison.new))} new**, {number(sum(n for _, n in comparison.fixed))} fixed.",
        "",
    ]
    if comparison.fixed:
        rows = [
            [escape(path), escape(rule or "—"), escape(shorten(message, MESSAGE_CHARS)), number(count)]
            for (path, rule, message), count in comparison.fixed[:TOP_ROWS]
        ]
        lines += [
            *details(
                "Fixed since the baseline (remove them from it with --write-baseline)",
                table(["File", "Code", "Message", "Count"], "lllr", rows),
            ),
            "",
        ]
    return lines


def _by_code(findings: tuple[Finding, ...], budget: Budget) -> list[str]:
    counts = Counter(title(f) for f in findings)
    examples: dict[str, Finding] = {}
    for finding in findings:
        examples.setdefault(title(finding), finding)
    rows = []
    for name, count in counts.most_common(TOP_ROWS):
        example = examples[name]
        row = [escape(name), number(count), escape(shorten(f"{location(example)}: {example.message}", 160))]
        if not budget.take(" | ".join(row)):
            break
        rows.append(row)
    return [*table(["Code", "Count", "Example"], "lrl", rows), ""]


def _by_file(findings: tuple[Finding, ...], budget: Budget) -> list[str]:
    counts = Counter(f.path for f in findings)
    rows = []
    for path, count in counts.most_common():
        row = [escape(path), number(count)]
        if not budget.take(" | ".join(row)):
            break
        rows.append(row)
    lines = table(["File", "Findings"], "lr", rows[:TOP_ROWS])
    if len(rows) > TOP_ROWS:
        lines += [
            "",
            *details(plural(len(rows) - TOP_ROWS, "more file"), table(["File", "Findings"], "lr", rows[TOP_ROWS:])),
        ]
    return [*lines, ""]


def _all_findings(findings: tuple[Finding, ...], label: str, budget: Budget) -> list[str]:
    if not findings:
        return []
    rows = []
    for finding in findings:
        message = finding.message if finding.severity != "note" else f"note: {finding.message}"
        row = [escape(location(finding)), escape(title(finding)), escape(shorten(message, MESSAGE_CHARS))]
        if not budget.take(" | ".join(row)):
            break
        rows.append(row)
    body = table(["Location", "Code", "Message"], "lll", rows)
    if len(rows) < len(findings):
        body += [
            "",
            f"{plural(len(findings) - len(rows), 'finding')} not listed, to keep this summary under the "
            "runner's 1 MiB limit; `--json` lists every one.",
        ]
    return details(f"All {plural(len(findings), label.removesuffix('s'))}", body)
