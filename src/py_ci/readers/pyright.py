"""basedpyright's and Pyright's `--outputjson` (one schema): diagnostics with 0-based ranges, and a summary."""

from __future__ import annotations

import json
from typing import Any

from py_ci.errors import InputError
from py_ci.model import CheckReport, Finding

FIX = "pass the output of `basedpyright --outputjson` or `pyright --outputjson`"
# Their severities, as the model names them; "information" and basedpyright's "hint" are notes.
SEVERITIES = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def _position(diagnostic: dict[str, Any], end: str) -> tuple[int | None, int | None]:
    point = (diagnostic.get("range") or {}).get(end) or {}
    line, column = point.get("line"), point.get("character")
    # The JSON counts lines and columns from 0; the model from 1.
    return (line + 1 if isinstance(line, int) else None, column + 1 if isinstance(column, int) else None)


def _finding(tool: str, diagnostic: Any, where: str) -> Finding:
    if not isinstance(diagnostic, dict) or not isinstance(diagnostic.get("file"), str):
        raise InputError(where, "has a diagnostic without a file", FIX)
    line, column = _position(diagnostic, "start")
    end_line, end_column = _position(diagnostic, "end")
    rule = diagnostic.get("rule")
    return Finding(
        tool=tool,
        path=diagnostic["file"],
        message=str(diagnostic.get("message", "")),
        code=rule if isinstance(rule, str) else None,
        severity=SEVERITIES.get(str(diagnostic.get("severity")), "error"),
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
    )


def read_pyright(text: str, where: str, tool: str = "basedpyright") -> CheckReport:
    """Parse the JSON; anything else (a crash's text, an empty file) is an InputError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(where, f"is not {tool}'s JSON output ({error.msg} at line {error.lineno})", FIX) from None
    if not isinstance(document, dict) or not isinstance(document.get("generalDiagnostics"), list):
        raise InputError(where, f"is JSON without {tool}'s generalDiagnostics list", FIX)
    findings = tuple(_finding(tool, diagnostic, where) for diagnostic in document["generalDiagnostics"])
    summary = document.get("summary")
    summary = summary if isinstance(summary, dict) else {}
    claimed, checked = summary.get("errorCount"), summary.get("filesAnalyzed")
    return CheckReport(
        tool,
        findings,
        claimed if isinstance(claimed, int) else None,
        checked if isinstance(checked, int) else None,
    )
