"""Baselines: the findings a project accepts for now, matched by file, code and message, never by line."""

from __future__ import annotations

import json
import re
from collections import Counter

from py_ci.errors import InputError
from py_ci.model import BaselineKey, Comparison, Finding

FORMAT_VERSION = 1
FIX = "write one with --write-baseline FILE"
# Messages that quote a line number ("defined on line 12") must still match after code moves.
_LINE_NUMBER = re.compile(r"\bline \d+")


def baseline_key(finding: Finding) -> BaselineKey:
    message = _LINE_NUMBER.sub("line N", finding.message)
    # An unformatted file stays the same finding only while its changes do: new unformatted code is new.
    return (finding.path, finding.code or "", f"{message} [{finding.fingerprint}]" if finding.fingerprint else message)


def compare(findings: tuple[Finding, ...], baseline: Counter[BaselineKey]) -> Comparison:
    """Match with counts: the first N findings of a key are known, the rest are new."""
    remaining = Counter(baseline)
    new: list[Finding] = []
    known = 0
    for finding in findings:
        key = baseline_key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            known += 1
        else:
            new.append(finding)
    fixed = tuple(sorted((key, count) for key, count in remaining.items() if count > 0))
    return Comparison(tuple(new), known, fixed)


def render_baseline(tool: str, findings: tuple[Finding, ...]) -> str:
    """A baseline file: sorted, one finding per line of JSON, so its diffs review well."""
    counts = Counter(baseline_key(finding) for finding in findings)
    entries = [
        json.dumps({"path": path, "code": code, "message": message, "count": count}, ensure_ascii=False)
        for (path, code, message), count in sorted(counts.items())
    ]
    body = ",\n    ".join(entries)
    findings_json = f"[\n    {body}\n  ]" if entries else "[]"
    return f'{{\n  "py-ci-baseline": {FORMAT_VERSION},\n  "tool": "{tool}",\n  "findings": {findings_json}\n}}\n'


def parse_baseline(text: str, where: str, tool: str) -> Counter[BaselineKey]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}:{error.lineno}:{error.colno}", f"is not valid JSON ({error.msg})", FIX) from None
    if not isinstance(document, dict) or document.get("py-ci-baseline") != FORMAT_VERSION:
        raise InputError(where, 'is not a py-ci baseline (no "py-ci-baseline": 1)', FIX)
    if document.get("tool") != tool:
        raise InputError(where, f"is a baseline for {document.get('tool')!r}, not {tool}", f"pass the {tool} baseline")
    counts: Counter[BaselineKey] = Counter()
    for index, entry in enumerate(document.get("findings", [])):
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["message"]))
            count = int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError, AttributeError):
            raise InputError(where, f"finding {index + 1} lacks path, code or message", FIX) from None
        counts[key] += count
    return counts
