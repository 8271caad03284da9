"""ruff's output: `ruff check --output-format json`, and the text of `ruff format --check`."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

from py_ci.errors import InputError
from py_ci.model import CheckReport, Finding

FIX = "pass the output of `ruff check --output-format json` or of `ruff format --check`"
UNFORMATTED = "unformatted"
# Findings of `ruff format --check`: files it would change or could not parse; not lint violations.
FORMAT_TOOL = "ruff-format"
_ARROW = re.compile(r"^\s*-->\s*(?P<path>.+?):(?P<line>\d+):(?P<column>\d+)$")
_DIAGNOSTIC = re.compile(r"^(?P<code>[a-z][a-z0-9-]*): (?P<message>.+)$")
# ruff's snippets: numbered lines, and the lines that separate or elide hunks.
_DIFF_LINE = re.compile(r"^(?:\d+\s+[|+-](?: |$)|-{3,}$|\.{3}$|…$)")
# A line the diff under `unformatted` takes out (`  - x`) or puts in (`4 + x`).
_CHANGE = re.compile(r"^\s*(?:\d+\s+)?[+-](?: .*)?$")
_WOULD_REFORMAT = re.compile(r"^Would reformat: (?P<path>.+)$")
_FAILED_TO_PARSE = re.compile(r"^error: Failed to parse (?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")
# The closing line; an older ruff (0.1.8) says "left unchanged" where a newer one says "already formatted".
_SUMMARY = re.compile(
    r"^(?:\d+ files? would be reformatted(?:, \d+ files? (?:already formatted|left unchanged))?"
    r"|\d+ files? (?:already formatted|left unchanged))$"
)


def read_ruff(text: str, where: str) -> CheckReport:
    """Parse ruff's output; JSON from `ruff check` or text from `ruff format --check`, by content."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise InputError(where, "is empty", FIX)
    if stripped.startswith("["):
        return CheckReport("ruff", _read_check_json(stripped, where), ran=("ruff",))
    return CheckReport("ruff", _read_format_text(text, where), ran=(FORMAT_TOOL,))


def _read_check_json(text: str, where: str) -> tuple[Finding, ...]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}:{error.lineno}:{error.colno}", f"is not valid JSON ({error.msg})", FIX) from None
    if not isinstance(items, list):
        raise InputError(where, "is JSON but not a list of ruff findings", FIX)
    return tuple(_check_finding(item, f"{where}: finding {index + 1}") for index, item in enumerate(items))


def _check_finding(item: object, where: str) -> Finding:
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("filename"), str)
        or not isinstance(item.get("message"), str)
    ):
        raise InputError(where, "is not a ruff finding (it needs filename and message)", FIX)
    start, end = _location(item.get("location")), _location(item.get("end_location"))
    code = item.get("code")
    if code is not None and not isinstance(code, str):
        raise InputError(where, f"has a code that is not text ({code!r})", FIX)
    return Finding(
        tool="ruff",
        path=item["filename"],
        message=item["message"],
        # ruff before 0.9 wrote syntax errors with no code.
        code=code if isinstance(code, str) and code else "invalid-syntax",
        line=start[0],
        column=start[1],
        end_line=end[0],
        end_column=end[1],
        fixable=isinstance(item.get("fix"), dict),
    )


def _location(value: object) -> tuple[int | None, int | None]:
    if not isinstance(value, dict):
        return None, None
    row, column = value.get("row"), value.get("column")
    return (
        row if isinstance(row, int) and row > 0 else None,
        column if isinstance(column, int) and column > 0 else None,
    )


def _read_format_text(text: str, where: str) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    pending: tuple[str, str] | None = None  # (code, message) waiting for its `-->` line
    changes: dict[int, list[str]] = {}  # an unformatted file's finding -> the lines its diff takes out and puts in
    recognised = False
    for number, line in enumerate(text.splitlines(), start=1):
        arrow = _ARROW.match(line)
        if arrow and pending is not None:
            code, message = pending
            if code == UNFORMATTED:
                changes[len(findings)] = []
            findings.append(_format_finding(arrow["path"], code, message, arrow["line"], arrow["column"]))
            pending = None
            continue
        if not line.strip() or line[0].isspace() or _DIFF_LINE.match(line):
            if (change := _CHANGE.match(line)) and len(findings) - 1 in changes:
                changes[len(findings) - 1].append(change.group(0).strip())
            continue  # the snippet and diff ruff prints under a diagnostic
        recognised = True
        if _SUMMARY.match(line) or line.startswith("warning: "):
            continue
        if match := _WOULD_REFORMAT.match(line):
            findings.append(_format_finding(match["path"], UNFORMATTED, "File would be reformatted"))
        elif match := _FAILED_TO_PARSE.match(line):
            findings.append(
                _format_finding(match["path"], "invalid-syntax", match["message"], match["line"], match["column"])
            )
        elif match := _DIAGNOSTIC.match(line):
            pending = (match["code"], match["message"])
        else:
            raise InputError(f"{where}:{number}", f"is not a line of `ruff format --check`: {line[:120]!r}", FIX)
    if not recognised:
        raise InputError(where, "has no ruff output in it", FIX)
    for index, lines in changes.items():
        findings[index] = replace(findings[index], fingerprint=_fingerprint(lines))
    return tuple(findings)


def _fingerprint(changes: list[str]) -> str | None:
    """The changes ruff would make, without their line numbers: what a baseline accepts of an unformatted file."""
    if not changes:
        return None  # an older ruff names the file alone
    text = "\n".join(re.sub(r"^\d+\s+", "", change) for change in changes)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _format_finding(path: str, code: str, message: str, line: str | None = None, column: str | None = None) -> Finding:
    return Finding(
        tool=FORMAT_TOOL,
        path=path,
        message=message,
        code=code,
        line=int(line) if line else None,
        column=int(column) if column else None,
    )
