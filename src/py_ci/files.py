"""The files a user names: opened and read with errors that say what is wrong, written atomically; what a tool wrote."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from py_ci.errors import InputError


@dataclass(frozen=True, slots=True)
class InputLimit:
    """Bytes an input may have (far above any real report, low enough to refuse an absurd one in time)."""

    size: int
    setting: str  # how a user raises it

    def refuse(self, where: str, size: int) -> InputError:
        return InputError(
            where,
            f"is {size / 1048576:.0f} MiB, over py-ci's limit of {self.size // 1048576} MiB",
            f"check that it is the right file, or raise the limit with {self.setting}",
        )


def open_input(path: Path, limit: InputLimit) -> BinaryIO:
    """Open `path` for reading bytes, refusing one over the limit, or raise an InputError naming the problem."""
    try:
        size = path.stat().st_size
        if size > limit.size and path.is_file():
            raise limit.refuse(str(path), size)
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(str(path), "no such file", "check the path, or make the report first") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a report file", "pass the report file's path") from None
    except PermissionError:
        raise InputError(str(path), "cannot be read (permission denied)", "make it readable") from None
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror})", "pass a readable file") from None


def read_text_input(name: str, stdin: BinaryIO, limit: InputLimit) -> str:
    """The text of file `name`, or of standard input for `-`, decoded as UTF-8."""
    if name == "-":
        data = stdin.read(limit.size + 1)
        where = "<stdin>"
        if len(data) > limit.size:
            raise limit.refuse(where, len(data))
    else:
        with open_input(Path(name), limit) as stream:
            data = stream.read()
        where = name
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            where, f"is not UTF-8 text (byte {error.start})", "pass the tool's output as it printed it"
        ) from None


def tool_text(path: Path) -> str:
    """What a tool wrote to `path`, empty where it wrote nothing; undecodable bytes replaced, never a stop."""
    return path.read_text("utf-8", "replace") if path.is_file() else ""


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file, so no reader ever sees half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot be written ({error.strerror})", "check the path") from None
