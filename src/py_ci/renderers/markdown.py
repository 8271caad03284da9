"""Markdown building blocks for job summaries: escaping, tables, collapsible blocks, a size budget."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from py_ci.github import SUMMARY_LIMIT

# Punctuation that starts Markdown syntax, emoji (:x:), mentions (@) or math ($) on GitHub.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~#!$:@{}])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape(text: str) -> str:
    """Text from an input as inert Markdown: no markup, no HTML, no line breaks."""
    visible = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return html.escape(_MARKDOWN.sub(r"\\\1", visible), quote=True)


def code(text: str) -> str:
    """An inline code span holding `text` literally, with a fence longer than any backtick run in it."""
    flat = _CONTROL.sub(" ", text)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, before escaping."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A GFM table; `align` holds one of `l`, `r` per column; cells must be escaped already."""
    marks = {"l": ":---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def details(summary: str, body: Sequence[str]) -> list[str]:
    """A collapsed block; the blank lines let GitHub render the Markdown inside."""
    # The blank line after it ends the HTML block: a heading right after `</details>` would be shown as text.
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


class Budget:
    """Bytes left for a summary, so it stays under the runner's limit by our choice, not its."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, line: str) -> bool:
        """Spend room for `line` if there is any; False when it does not fit."""
        size = len(line.encode("utf-8")) + 1
        if size > self.left:
            return False
        self.left -= size
        return True


def summary_budget() -> Budget:
    """Room for one command's summary: a tenth below the runner's limit, for what others append."""
    return Budget(SUMMARY_LIMIT * 9 // 10)


def number(value: int) -> str:
    return f"{value:,}"


def plural(count: int, noun: str) -> str:
    """`1 file`, `3 files`, with thousands separated."""
    return f"{number(count)} {noun}{'' if count == 1 else 's'}"


def not_listed(count: int, noun: str, where: str) -> str:
    """What a summary says of the rows it left out to stay under the runner's limit, and where they all are."""
    return f"{plural(count, noun)} not listed, to keep this summary under the runner's 1 MiB limit; {where}."
