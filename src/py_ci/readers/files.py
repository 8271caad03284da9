"""Opening the files a user names, with errors that say what is wrong with the path."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from py_ci.errors import InputError


def open_input(path: Path) -> BinaryIO:
    """Open `path` for reading bytes, or raise an InputError naming the problem."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(str(path), "no such file", "check the path, or make the report first") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a report file", "pass the report file's path") from None
    except PermissionError:
        raise InputError(str(path), "cannot be read (permission denied)", "make it readable") from None
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror})", "pass a readable file") from None
