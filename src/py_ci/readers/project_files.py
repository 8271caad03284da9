"""The project's configuration files (pyproject.toml, setup.cfg, tox.ini, .coveragerc, mypy.ini, ...).

Each is read and parsed at most once per invocation, and a broken one is always the same kind of error:
where it is, what is wrong, and to fix its syntax.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

from py_ci.errors import InputError

FIX = "fix its syntax"
_Read = TypeVar("_Read")


def table_at(document: object, *keys: str) -> Mapping[str, object]:
    """The table at `keys` under `document`, empty when any of them is missing or is not a table."""
    node: object = document
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def strings(value: object) -> tuple[str, ...]:
    """The strings of a TOML array, nothing when it is not one."""
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _read(path: Path) -> str:
    """The one place a configuration file's text is read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path.name, "is not UTF-8 text", "save it as UTF-8") from None
    except OSError as error:
        raise InputError(path.name, f"cannot be read ({error.strerror})", "make it readable") from None


class ProjectFiles:
    """The configuration files of the project in `root`, parsed on first use and kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._toml: dict[str, dict[str, Any] | None] = {}
        self._ini: dict[str, configparser.ConfigParser | None] = {}
        self._read: dict[Callable[[ProjectFiles], object], object] = {}

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def text(self, name: str) -> str | None:
        """The file `name` as text (a requirements file, pre-commit's YAML), or None when it does not exist."""
        path = self.root / name
        return _read(path) if path.is_file() else None

    def toml(self, name: str) -> dict[str, Any] | None:
        """The TOML document `name`, or None when the file does not exist."""
        if name not in self._toml:
            path = self.root / name
            document = None
            if path.is_file():
                try:
                    document = tomllib.loads(_read(path))
                except tomllib.TOMLDecodeError as error:
                    raise InputError(name, f"is not valid TOML ({error})", FIX) from None
            self._toml[name] = document
        return self._toml[name]

    def ini(self, name: str) -> configparser.ConfigParser | None:
        """The INI file `name` (no interpolation, as coverage.py and mypy read theirs), or None when absent."""
        if name not in self._ini:
            path = self.root / name
            parser = None
            if path.is_file():
                parser = configparser.ConfigParser(interpolation=None)
                try:
                    parser.read_string(_read(path), source=name)
                except configparser.Error as error:
                    line = getattr(error, "lineno", None)
                    where = f"{name}:{line}" if line else name
                    problem = str(getattr(error, "message", error)).splitlines()[0]
                    raise InputError(where, f"cannot be read as configuration ({problem})", FIX) from None
            self._ini[name] = parser
        return self._ini[name]

    def once(self, reader: Callable[[ProjectFiles], _Read]) -> _Read:
        """What `reader` makes of these files (tox's environments, the requirement lists), made on first use and kept:
        install, the test command, the tools' pins and init share one reading."""
        if reader not in self._read:
            self._read[reader] = reader(self)
        return cast(_Read, self._read[reader])

    @property
    def pyproject(self) -> dict[str, Any]:
        """pyproject.toml, empty when there is none."""
        return self.toml("pyproject.toml") or {}

    def tool(self, name: str) -> dict[str, Any] | None:
        """pyproject.toml's [tool.NAME] table, None when absent; an error when it is not a table."""
        tools = self.pyproject.get("tool", {})
        table = tools.get(name) if isinstance(tools, dict) else None
        if table is not None and not isinstance(table, dict):
            raise InputError("pyproject.toml", f"[tool.{name}] is not a table", f"write it as a [tool.{name}] section")
        return table
