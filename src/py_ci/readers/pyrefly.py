"""Pyrefly's `check --output-format json`: its errors (1-based lines) on stdout, its count on stderr."""

from __future__ import annotations

import json
import re
from typing import Any

from py_ci.errors import InputError
from py_ci.model import CheckReport, Finding

FIX = "pass the output of `pyrefly check --output-format json`"
# The JSON has no summary: pyrefly's own count is its log's ` INFO 5 errors` line.
_COUNT = re.compile(r"^\s*INFO (?P<errors>\d+) errors?\b", re.MULTILINE)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _finding(error: Any, where: str) -> Finding:
    if not isinstance(error, dict) or not isinstance(error.get("path"), str):
        raise InputError(where, "has an error without a path", FIX)
    name = error.get("name")
    return Finding(
        tool="pyrefly",
        path=error["path"],
        message=str(error.get("concise_description") or error.get("description") or ""),
        code=name if isinstance(name, str) else None,
        severity="note" if error.get("severity") == "info" else str(error.get("severity") or "error"),
        line=_int(error.get("line")),
        column=_int(error.get("column")),
        end_line=_int(error.get("stop_line")),
        end_column=_int(error.get("stop_column")),
    )


def read_pyrefly(text: str, where: str, log: str = "") -> CheckReport:
    """Parse the JSON (and the count in `log`, pyrefly's stderr); anything else is an InputError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(where, f"is not pyrefly's JSON output ({error.msg} at line {error.lineno})", FIX) from None
    if not isinstance(document, dict) or not isinstance(document.get("errors"), list):
        raise InputError(where, "is JSON without pyrefly's errors list", FIX)
    findings = tuple(_finding(error, where) for error in document["errors"])
    count = _COUNT.search(log)
    return CheckReport("pyrefly", findings, int(count["errors"]) if count else None)
