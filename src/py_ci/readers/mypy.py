"""mypy's output: text in all its shapes, or `--output json` lines; detected from the content."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from py_ci.errors import InputError
from py_ci.model import CheckReport, Finding

FIX = "pass the output of `mypy` (text) or `mypy --output json`"
_HEADER = re.compile(
    r"^(?P<path>.+?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?(?::(?P<end_line>\d+):(?P<end_column>\d+))?"
    # --pretty may wrap right after `error:`: the message then starts on the next line.
    r": (?P<severity>error|warning|note):(?: (?P<message>.*))?$"
)
_CODE = re.compile(r"\s+\[(?P<code>[a-z0-9][a-z0-9_-]*)\]$")
_FOUND = re.compile(
    r"^Found (?P<errors>\d+) errors? in (?P<files>\d+) files?"
    r"(?: \((?:checked (?P<checked>\d+) source files?|(?P<stopped>errors prevented further checking))\))?$"
)
_SUCCESS = re.compile(r"^Success: no issues found in (?P<checked>\d+) source files?$")
_CRASH = ("Traceback (most recent call last):", "INTERNAL ERROR")


class _Collector:
    def __init__(self, where: str) -> None:
        self.where = where
        self.findings: list[Finding] = []
        self.claimed: int | None = None
        self.checked: int | None = None
        self.stopped = False
        self.summarised = False

    def summary(self, line: str) -> bool:
        found = _FOUND.match(line)
        success = _SUCCESS.match(line)
        if found:
            self.claimed = int(found["errors"])
            self.checked = int(found["checked"]) if found["checked"] else None
            self.stopped = bool(found["stopped"])
        elif success:
            self.claimed, self.checked = 0, int(success["checked"])
        self.summarised = self.summarised or bool(found or success)
        return bool(found or success)

    def add(self, finding: Finding) -> None:
        previous = self.findings[-1] if self.findings else None
        # mypy prints an error's notes right after it, on its line.
        if (
            finding.severity == "note"
            and previous is not None
            and previous.severity == "error"
            and (previous.path, previous.line) == (finding.path, finding.line)
        ):
            self.findings[-1] = _with_note(previous, finding.message)
        else:
            self.findings.append(finding)

    def report(self) -> CheckReport:
        if not self.findings and not self.summarised:
            raise InputError(self.where, "has no mypy findings and no mypy summary line", FIX)
        return CheckReport("mypy", tuple(self.findings), self.claimed, self.checked, self.stopped)


def _with_note(finding: Finding, note: str) -> Finding:
    return replace(finding, notes=(*finding.notes, note))


def read_mypy(text: str, where: str) -> CheckReport:
    """Parse mypy's output; a crash, an empty file or other text is an InputError."""
    for marker in _CRASH:
        if marker in text:
            raise InputError(
                where,
                f"holds a mypy crash ({marker.rstrip(':')}), not a type check",
                "fix or report the crash, then rerun mypy",
            )
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if text in ("\n", "\r\n"):
        # `mypy --output json` on a clean project prints a lone newline: no finding, no summary.
        return CheckReport("mypy", (), 0)
    if not first:
        raise InputError(where, "is empty", FIX)
    collector = _Collector(where)
    if first.lstrip().startswith("{"):
        _read_json_lines(lines, collector)
    else:
        _read_text(lines, collector)
    return collector.report()


def _read_text(lines: list[str], collector: _Collector) -> None:
    wrapped: list[str] | None = None  # --pretty wraps a message onto lines that start at column 0
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line[0].isspace():
            continue  # --pretty source snippets and carets are indented
        if collector.summary(line):
            wrapped = None
            continue
        if line.startswith("mypy: "):
            raise InputError(
                f"{collector.where}:{number}", f"says mypy did not run ({line[6:120]})", "fix mypy's invocation"
            )
        header = _HEADER.match(line)
        if header is not None:
            wrapped = [header["message"] or ""]
            collector.add(_text_finding(header))
        elif wrapped is not None and collector.findings:
            wrapped.append(line)
            collector.findings[-1] = _rewrapped(collector.findings[-1], wrapped)
        else:
            raise InputError(f"{collector.where}:{number}", f"is not a mypy line: {line[:120]!r}", FIX)


def _rewrapped(finding: Finding, parts: list[str]) -> Finding:
    """A wrapped message joined again, its error code taken from its last line."""
    message, code = _split_code(" ".join(part.strip() for part in parts if part.strip()))
    return replace(finding, message=message, code=code or finding.code)


def _split_code(message: str) -> tuple[str, str | None]:
    match = _CODE.search(message)
    if match is None:
        return message.rstrip(), None
    return message[: match.start()].rstrip(), match["code"]


def _text_finding(header: re.Match[str]) -> Finding:
    message, code = _split_code(header["message"] or "")
    return Finding(
        tool="mypy",
        path=header["path"],
        message=message,
        code=code,
        severity=header["severity"],
        line=_int(header["line"]),
        column=_int(header["column"]),
        end_line=_int(header["end_line"]),
        end_column=_int(header["end_column"]),
    )


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)


def _read_json_lines(lines: list[str], collector: _Collector) -> None:
    for number, line in enumerate(lines, start=1):
        if not line.strip() or collector.summary(line):
            continue
        where = f"{collector.where}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(where, f"is not a JSON line of `mypy --output json` ({error.msg})", FIX) from None
        collector.add(_json_finding(item, where))


def _json_finding(item: object, where: str) -> Finding:
    if not isinstance(item, dict) or not isinstance(item.get("file"), str) or not isinstance(item.get("message"), str):
        raise InputError(where, "is a JSON object without mypy's file and message", FIX)
    severity = item.get("severity", "error")
    if severity not in ("error", "warning", "note"):
        raise InputError(where, f"has an unknown severity {severity!r}", FIX)
    line, column = _position(item.get("line")), _position(item.get("column"))
    hint = item.get("hint")
    return Finding(
        tool="mypy",
        path=item["file"],
        message=item["message"],
        # Text output gives notes no code; JSON calls them "misc": keep both shapes alike.
        code=item.get("code") if isinstance(item.get("code"), str) and severity != "note" else None,
        severity=severity,
        line=line,
        # --output json counts columns from 0 and says -1 for none.
        column=None if column is None else column + 1,
        end_line=_position(item.get("end_line")),
        end_column=_position(item.get("end_column")),
        notes=tuple(hint.splitlines()) if isinstance(hint, str) and hint else (),
    )


def _position(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
