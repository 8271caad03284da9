"""A unified diff (`git diff -U0`) read as the added and modified lines of each file."""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(name: str) -> str:
    """git's C-style quoting of odd names (`"tab\\there.py"`, octal bytes for non-UTF-8)."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    body, out, index = name[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in "01234567":
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
            out += _ESCAPES.get(following, following).encode()
            index += 2
            continue
        out += char.encode("utf-8", "surrogateescape")
        index += 1
    return out.decode("utf-8", "surrogateescape")


def changed_lines(diff: str) -> dict[str, set[int]]:
    """Per file (as git names it, from the repository root), the line numbers the change adds or modifies."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.split("\n"):
        if line.startswith("+++ "):
            # git ends a name holding a space with a tab, for patch(1); a quoted name has none.
            target = line[4:].rstrip("\r").removesuffix("\t")
            if target == "/dev/null":
                current = None  # a deleted file has no lines left to cover
            else:
                name = _unquote(target)
                current = changed.setdefault(name.removeprefix("b/"), set())
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match["start"]), int(match["count"] or "1")
                current.update(range(start, start + count))
    return {path: lines for path, lines in changed.items() if lines}
