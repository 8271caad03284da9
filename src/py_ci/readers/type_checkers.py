"""Which type checkers the project configures, and the version it pins for each; mypy when it configures none."""

from __future__ import annotations

from dataclasses import dataclass

from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.tool_pins import ToolPin, tool_pin

# In the order they run and are reported; each with its pyproject table and its own files.
CHECKERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ty", "ty", ("ty.toml",)),
    ("pyrefly", "pyrefly", ("pyrefly.toml",)),
    ("basedpyright", "basedpyright", ()),
    ("pyright", "pyright", ("pyrightconfig.json",)),
    ("mypy", "mypy", ("mypy.ini", ".mypy.ini")),
)


@dataclass(frozen=True, slots=True)
class TypeChecker:
    """A checker to run; where the project configures it (None: the default), and its pin if it has one."""

    name: str
    configured_in: str | None
    pin: ToolPin | None


def _configured_in(project: ProjectFiles, table: str, files: tuple[str, ...]) -> str | None:
    if project.tool(table) is not None:
        return f"pyproject.toml [tool.{table}]"
    found = next((name for name in files if project.exists(name)), None)
    if found is None and table == "mypy" and (setup := project.ini("setup.cfg")) is not None:
        found = "setup.cfg [mypy]" if setup.has_section("mypy") else None
    return found


def _own_file(project: ProjectFiles, name: str) -> object:
    """The checker's own TOML file, parsed; one it cannot read is the checker's to say (it did not finish)."""
    try:
        return project.toml(name)
    except InputError:
        return None


def warnings_fail(project: ProjectFiles, tool: str) -> bool:
    """The checker fails its run on warnings, as on errors: ty 1.0 does unless `error-on-warning = false`
    ([tool.ty.terminal], ty.toml [terminal]); basedpyright when its `failOnWarnings` says so."""
    if tool == "ty":
        own = _own_file(project, "ty.toml")
        tables = [(project.tool("ty") or {}).get("terminal"), own.get("terminal") if isinstance(own, dict) else None]
        return not any(isinstance(table, dict) and table.get("error-on-warning") is False for table in tables)
    if tool == "basedpyright":
        return (project.tool("basedpyright") or {}).get("failOnWarnings") is True
    return False


def configured_checkers(project: ProjectFiles) -> tuple[tuple[str, str], ...]:
    """Each checker the project configures, and where, in CHECKERS' order; its files alone are read (no pins)."""
    return tuple(
        (name, where) for name, table, files in CHECKERS if (where := _configured_in(project, table, files)) is not None
    )


def type_checkers(project: ProjectFiles) -> tuple[TypeChecker, ...]:
    """Every configured checker, in CHECKERS' order, with its pin; mypy alone when none is."""
    configured = tuple(
        TypeChecker(name, where, tool_pin(project, name)) for name, where in configured_checkers(project)
    )
    return configured or (TypeChecker("mypy", None, tool_pin(project, "mypy")),)
