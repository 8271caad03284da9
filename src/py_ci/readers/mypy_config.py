"""mypy's own configuration, found in the file mypy itself would use in the project's folder."""

from __future__ import annotations

from collections.abc import Callable
from configparser import ConfigParser
from dataclasses import dataclass

from py_ci.readers.project_files import ProjectFiles

# mypy's order; the shared files count only when they hold mypy's section.
_OWN = ("mypy.ini", ".mypy.ini")


@dataclass(frozen=True, slots=True)
class MypySettings:
    file: str
    section: str
    files: tuple[str, ...] = ()  # what mypy checks when it is given nothing to check
    serial: bool = False  # it chooses its workers itself (num_workers), or turns off what its workers need

    def origin(self, option: str) -> str:
        return f"{self.file} [{self.section}] {option}"


# What mypy's worker processes need (local partial types, a cache), and its own choice of them: each makes py-ci
# leave the workers alone.
_SERIAL = {"num_workers": None, "local_partial_types": "false", "incremental": "false", "cache_dir": "/dev/null"}


def _serial(get: Callable[[str], object]) -> bool:
    """Whether the configuration chooses the workers, or turns off what they need (`get` reads an option)."""
    for option, value in _SERIAL.items():
        found = get(option)
        if found is not None and (value is None or str(found).strip().lower() == value):
            return True
    return False


def _split(raw: object) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    return tuple(part.strip() for part in str(raw).split(",") if part.strip())


def _from_ini(parser: ConfigParser, file: str) -> MypySettings:
    def get(option: str) -> object:
        return parser.get("mypy", option, fallback=None)

    return MypySettings(file, "mypy", _split(parser.get("mypy", "files", fallback="")), _serial(get))


def read_mypy_settings(project: ProjectFiles) -> MypySettings | None:
    """The settings of the first file mypy would read, or None when there is none."""
    for name in _OWN:
        parser = project.ini(name)
        if parser is not None:
            return _from_ini(parser, name)
    table = project.tool("mypy")
    if table is not None:
        return MypySettings("pyproject.toml", "tool.mypy", _split(table.get("files", [])), _serial(table.get))
    setup = project.ini("setup.cfg")
    if setup is not None and setup.has_section("mypy"):
        return _from_ini(setup, "setup.cfg")
    return None
