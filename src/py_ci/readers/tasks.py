"""The task runners' files the tests are run through: tox's environments (tox.ini, tox.toml, pyproject.toml) and
nox's sessions (noxfile.py), each parsed once per project and shared by what install and the test command read."""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Mapping

from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles, table_at

TEST_NAMES = ("test", "tests", "testing")
NOX_SESSIONS = ("tests", "test", "pytest", "unit", "tests-unit")
_FACTOR = re.compile(r"^([\w,{}.\-!]+):\s+")  # `py38: pkg`, a dependency only some environments take
TEST_FACTORS = frozenset({*TEST_NAMES, "unit"})


def tox_lines(value: str) -> list[str]:
    """A tox setting's lines for its test environment: a line conditioned on the test factors alone (structlog's
    `tests: pytest`) without its condition; one for some other environment (`py38:`, `mypy:`, `!tests:`) left out."""
    kept = []
    for raw in value.splitlines():
        line = raw.strip()
        condition = _FACTOR.match(line)
        if condition is None:
            kept.append(line)
        elif set(filter(None, re.split(r"[,{}\-]", condition[1]))) <= TEST_FACTORS:
            kept.append(line[condition.end() :])
    return kept


def every_line(value: str) -> list[str]:
    """A tox setting's lines for every environment, without their conditions (`py38: pkg` is `pkg`)."""
    return [
        line[condition.end() :] if (condition := _FACTOR.match(line)) else line
        for line in map(str.strip, value.splitlines())
    ]


def words_of(value: str) -> tuple[str, ...]:
    """A tox list written on one line or many, comma or space separated."""
    return tuple(word for word in re.split(r"[,\s]+", value) if word)


def _tox_ini(project: ProjectFiles) -> tuple[configparser.ConfigParser | None, str]:
    parser = project.ini("tox.ini")
    if parser is not None:
        return parser, "tox.ini"
    legacy = table_at(project.pyproject, "tool", "tox").get("legacy_tox_ini")
    if not isinstance(legacy, str):
        return None, ""
    where = "pyproject.toml [tool.tox] legacy_tox_ini"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(legacy, source=where)
    return parser, where


def tox_config(project: ProjectFiles) -> tuple[configparser.ConfigParser | None, str]:
    """tox's INI configuration (tox.ini, else pyproject.toml's legacy_tox_ini) and where it is."""
    return project.once(_tox_ini)


def tox_native(project: ProjectFiles) -> tuple[Mapping[str, object], str]:
    """tox's TOML configuration of every environment (tox.toml, else pyproject.toml's [tool.tox]) and where."""
    if project.exists("tox.toml"):
        return table_at(project.toml("tox.toml"), "env_run_base"), "tox.toml [env_run_base]"
    return table_at(project.pyproject, "tool", "tox", "env_run_base"), "pyproject.toml [tool.tox.env_run_base]"


def _session_name(function: ast.FunctionDef) -> str | None:
    """A nox session's name: its function's, or the decorator's `name=`."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        dotted = ast.unparse(target)
        if dotted in ("nox.session", "session"):
            named = [k.value for k in getattr(decorator, "keywords", []) if k.arg == "name"]
            literal = named[0].value if named and isinstance(named[0], ast.Constant) else None
            return literal if isinstance(literal, str) else function.name
    return None


def nox_installs(function: ast.FunctionDef) -> list[str]:
    """The literal arguments of a session's `session.install(...)` calls."""
    words = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "install":
            words += [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return words


def _noxfile(project: ProjectFiles) -> dict[str, ast.FunctionDef]:
    try:
        tree = ast.parse(project.text("noxfile.py") or "")
    except (SyntaxError, InputError):
        return {}
    return {name: node for node in tree.body if isinstance(node, ast.FunctionDef) and (name := _session_name(node))}


def nox_sessions(project: ProjectFiles) -> dict[str, ast.FunctionDef]:
    """noxfile.py's sessions by name; none when it has none, or cannot be parsed."""
    return project.once(_noxfile)
