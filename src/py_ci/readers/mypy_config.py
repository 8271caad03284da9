"""mypy's own configuration, found in the file mypy itself would use in the project's folder."""

from __future__ import annotations

from dataclasses import dataclass

from py_ci.readers.project_files import ProjectFiles

# mypy's order; the shared files count only when they hold mypy's section.
_OWN = ("mypy.ini", ".mypy.ini")


@dataclass(frozen=True, slots=True)
class MypySettings:
    file: str
    section: str
    files: tuple[str, ...] = ()  # what mypy checks when it is given nothing to check

    def origin(self, option: str) -> str:
        return f"{self.file} [{self.section}] {option}"


def _split(raw: object) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    return tuple(part.strip() for part in str(raw).split(",") if part.strip())


def read_mypy_settings(project: ProjectFiles) -> MypySettings | None:
    """The settings of the first file mypy would read, or None when there is none."""
    for name in _OWN:
        parser = project.ini(name)
        if parser is not None:
            files = parser.get("mypy", "files", fallback="")
            return MypySettings(name, "mypy", _split(files))
    table = project.tool("mypy")
    if table is not None:
        return MypySettings("pyproject.toml", "tool.mypy", _split(table.get("files", [])))
    setup = project.ini("setup.cfg")
    if setup is not None and setup.has_section("mypy"):
        return MypySettings("setup.cfg", "mypy", _split(setup.get("mypy", "files", fallback="")))
    return None
