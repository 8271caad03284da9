"""The mypy and ruff sections of a job summary: verdict, baseline, tables by code and file, all findings."""

from __future__ import annotations

from collections import Counter

from py_ci.model import CheckSection, Comparison, Finding, Setting
from py_ci.readers.ruff import FORMAT_TOOL
from py_ci.renderers.findings import location, title
from py_ci.renderers.markdown import Budget, code, details, escape, not_listed, number, plural, shorten, table
from py_ci.renderers.results import unformatted, violations

TOP_ROWS = 25
MESSAGE_CHARS = 300


def headline(section: CheckSection) -> str:
    """`mypy: 3 errors in 2 files`, `ruff: 4 violations, 1 unformatted file`."""
    report, comparison = section.report, section.comparison
    if comparison is not None and not report.stopped:
        # What fails the run comes first; what the baseline accepts is a count.
        noun = "new error" if section.type_checker else "new finding"
        return f"{section.tool}: {plural(len(comparison.new), noun)}, {comparison.known:,} accepted by the baseline"
    if section.tool == "ruff":
        said = {
            "ruff": plural(violations(section), "violation"),
            FORMAT_TOOL: plural(unformatted(section), "unformatted file"),
        }
        # Of the parts that ran: `--checks format` has nothing to say of violations.
        return "ruff: " + ", ".join(text for part, text in said.items() if part in (report.ran or said))
    tool = section.tool
    if report.stopped:
        return f"{tool}: stopped by {plural(report.errors, 'blocking error')}, the rest not checked"
    if report.errors:
        return f"{tool}: {plural(report.errors, 'error')} in {plural(report.files, 'file')}"
    if report.files_checked:
        return f"{tool}: no errors in {plural(report.files_checked, 'checked file')}"
    return f"{tool}: no errors"


def limit_origin(section: CheckSection, gate: str) -> str | None:
    """Where the limit of `gate` came from, when the user set it."""
    if gate == section.tool and section.limit.origin != "default":
        return section.limit.origin
    return None


def check_markdown(section: CheckSection, budget: Budget) -> str:
    failed = any(not v.passed for v in section.verdicts)
    lines = [f"### {'❌' if failed else '✅'} {escape(headline(section))}", ""]
    for verdict in section.verdicts:
        origin = limit_origin(section, verdict.gate)
        said = f" (limit from {code(origin)})" if origin is not None else ""
        lines.append(f"- {'❌' if not verdict.passed else '✅'} {escape(verdict.message)}{said}")
    lines.append("")
    if section.baseline is not None and section.comparison is not None:
        lines += _baseline_lines(section.baseline, section.comparison)
    for line in lines:
        budget.take(line)
    findings = section.shown
    if findings:
        lines += _by_code(findings, budget) + _by_file(findings, budget)
        if section.comparison is None:
            label = f"All {number(len(findings))} findings" if len(findings) > 1 else "The finding"
            lines += details(label, _all_findings(findings, budget))
        else:
            lines += [f"**{plural(len(findings), 'new finding')}**", "", *_all_findings(findings, budget), ""]
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


def _all_findings(findings: tuple[Finding, ...], budget: Budget) -> list[str]:
    rows = []
    for finding in findings:
        message = finding.message if finding.severity != "note" else f"note: {finding.message}"
        row = [escape(location(finding)), escape(title(finding)), escape(shorten(message, MESSAGE_CHARS))]
        if not budget.take(" | ".join(row)):
            break
        rows.append(row)
    body = table(["Location", "Code", "Message"], "lll", rows)
    if len(rows) < len(findings):
        body += ["", not_listed(len(findings) - len(rows), "finding", "`--json` lists every one")]
    return body
