"""The only door to the runner: workflow commands, `$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from py_ci.errors import InputError

# The runner cuts a summary above 1 MiB and drops it whole; what we append stays well below.
SUMMARY_LIMIT = 1024 * 1024
# The runner keeps 10 annotations of each level (error, warning, notice) per step.
ANNOTATIONS_PER_LEVEL = 10
# The runner truncates annotation messages past 4,096 characters.
MESSAGE_LIMIT = 4096


def _token() -> str:
    """32 random hex digits, as `secrets.token_hex(16)` makes them: secrets imports OpenSSL, 15 ms a start."""
    return os.urandom(16).hex()


def escape_data(text: str) -> str:
    """actions/toolkit `escapeData`: `%` first, then CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """actions/toolkit `escapeProperty`: data escaping plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True, slots=True)
class Annotation:
    """One `::error` / `::warning` / `::notice` workflow command; lines and columns 1-based."""

    level: str
    message: str
    title: str = ""
    file: str = ""
    line: int | None = None
    end_line: int | None = None
    column: int | None = None
    end_column: int | None = None

    def command(self) -> str:
        properties: list[tuple[str, object]] = [("title", self.title), ("file", self.file)]
        properties += [("line", self.line), ("endLine", self.end_line)]
        # The runner ignores columns unless the span is on one line.
        if self.end_line is None or self.end_line == self.line:
            properties += [("col", self.column), ("endColumn", self.end_column)]
        rendered = ",".join(
            f"{name}={escape_property(str(value))}" for name, value in properties if value not in (None, "")
        )
        message = self.message
        if len(message) > MESSAGE_LIMIT:
            message = message[: MESSAGE_LIMIT - 1] + "…"
        return (
            f"::{self.level} {rendered}::{escape_data(message)}"
            if rendered
            else f"::{self.level}::{escape_data(message)}"
        )


def verbatim(text: str) -> str:
    """Text that holds input-derived words, inside a `::stop-commands::` block the runner reads no command from."""
    token = f"py-ci-{_token()}"
    while token in text:  # pragma: no cover - 128 random bits
        token = f"py-ci-{_token()}"
    return f"::stop-commands::{token}\n{text.rstrip(chr(10))}\n::{token}::\n"


def format_outputs(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` lines in the toolkit's heredoc form, with a delimiter no value contains."""
    lines: list[str] = []
    for name, value in outputs.items():
        delimiter = f"ghadelimiter_{_token()}"
        while delimiter in value:  # pragma: no cover - 128 random bits
            delimiter = f"ghadelimiter_{_token()}"
        lines += [f"{name}<<{delimiter}", value, delimiter]
    return "\n".join(lines) + "\n" if lines else ""


def append_file(path: Path, text: str, what: str) -> None:
    """Append `text` in one write, so a failure leaves the file as it was found."""
    try:
        with path.open("a", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as error:
        raise InputError(str(path), f"cannot write the {what} ({error.strerror})", "check the path") from None


@dataclass(frozen=True, slots=True)
class Runner:
    """What the environment says about where we run."""

    in_actions: bool
    summary_path: Path | None
    output_path: Path | None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Runner:
        summary = environ.get("GITHUB_STEP_SUMMARY") or None
        output = environ.get("GITHUB_OUTPUT") or None
        return cls(
            in_actions=environ.get("GITHUB_ACTIONS") == "true",
            summary_path=Path(summary) if summary else None,
            output_path=Path(output) if output else None,
        )
