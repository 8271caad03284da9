"""Which type checkers the project configures, and the version it pins for each; mypy when it configures none."""

from __future__ import annotations

import json
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


# Where each checker's configuration says what it checks: ty's [src] include, Pyrefly's project-includes, Pyright's
# and basedpyright's include; in pyproject.toml's [tool.NAME] or the checker's own file.
_INCLUDES = {
    "ty": (("src", "include"), "ty.toml"),
    "pyrefly": (("project-includes",), "pyrefly.toml"),
    "basedpyright": (("include",), "pyrightconfig.json"),
    "pyright": (("include",), "pyrightconfig.json"),
}


def _own_file(project: ProjectFiles, name: str) -> object:
    """The checker's own configuration file, parsed; one it cannot read is the checker's to say (did not finish)."""
    try:
        return json.loads(project.text(name) or "{}") if name.endswith(".json") else project.toml(name)
    except (InputError, json.JSONDecodeError):
        return None


def names_its_files(project: ProjectFiles, tool: str) -> bool:
    """The checker's configuration says which files it checks: py-ci gives it none, as it gives mypy none when
    mypy's `files` is set."""
    if tool not in _INCLUDES:
        return False
    keys, own = _INCLUDES[tool]
    for document in (project.tool(tool), _own_file(project, own)):
        for key in keys:
            document = document.get(key) if isinstance(document, dict) else None
        if document:
            return True
    return False


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


def type_checkers(project: ProjectFiles) -> tuple[TypeChecker, ...]:
    """Every configured checker, in CHECKERS' order; mypy alone when none is."""
    configured = tuple(
        TypeChecker(name, where, tool_pin(project, name))
        for name, table, files in CHECKERS
        if (where := _configured_in(project, table, files)) is not None
    )
    return configured or (TypeChecker("mypy", None, tool_pin(project, "mypy")),)
