"""ty's `check --output-format concise`: one diagnostic a line, and its `Found N diagnostics` summary."""

from __future__ import annotations

import re

from py_ci.errors import InputError
from py_ci.model import CheckReport, Finding

FIX = "pass the output of `ty check --output-format concise`"
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): "
    r"(?P<severity>error|warning|info)\[(?P<code>[\w-]+)\] (?P<message>.*)$"
)
_FOUND = re.compile(r"^Found (?P<count>\d+) diagnostics?$")
_CLEAN = "All checks passed!"


def read_ty(text: str, where: str) -> CheckReport:
    """Parse the concise output; text with neither a diagnostic nor ty's summary is an InputError."""
    findings: list[Finding] = []
    claimed: int | None = None
    for line in text.splitlines():
        if match := _LINE.match(line):
            severity = "note" if match["severity"] == "info" else match["severity"]
            findings.append(
                Finding(
                    "ty",
                    match["path"],
                    match["message"],
                    match["code"],
                    severity,
                    int(match["line"]),
                    int(match["column"]),
                )
            )
        elif found := _FOUND.match(line.strip()):
            claimed = int(found["count"])
        elif line.strip() == _CLEAN:
            claimed = 0
    if claimed is None and not findings:
        raise InputError(where, "has no ty diagnostics and no ty summary line", FIX)
    return CheckReport("ty", tuple(findings), claimed)
