"""Every list of requirements the project declares, read once: dependency groups, extras (pyproject.toml and
setup.cfg), poetry's, pdm's and hatch's tables, requirements files, tox's environments and nox's sessions.

What installs the tests (readers/dependencies.py) chooses among them; the tools' pins (readers/tool_pins.py) look in
all of them; what the tests install tells which pytest plugins the maintainers' run has (pytest-enabler).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from py_ci.readers.poetry import poetry_requirements
from py_ci.readers.project_files import ProjectFiles, strings, table_at
from py_ci.readers.tasks import every_line, nox_installs, nox_sessions, tox_config, tox_native

# Requirement files that hold the tests' dependencies, most specific first.
REQUIREMENT_FILES = (
    "requirements/test.txt",
    "requirements/tests.txt",
    "requirements/testing.txt",
    "requirements/requirements-test.txt",
    "requirements/requirements-tests.txt",
    "tests/requirements.txt",
    "test-requirements.txt",
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements_test.txt",
    "requirements/dev.txt",
    "requirements/requirements-dev.txt",
    "requirements-dev.txt",
    "requirements_dev.txt",
    "dev-requirements.txt",
)
# The kinds of list, in the order a tool's pin is looked for (the lock files come before all of them).
GROUP, EXTRA, SETUP_EXTRA, POETRY, POETRY_DEV, PDM, HATCH, FILE, TOX, NOX = (
    "group",
    "extra",
    "setup.cfg extra",
    "poetry group",
    "poetry dev-dependencies",
    "pdm group",
    "hatch environment",
    "file",
    "tox environment",
    "nox session",
)
_VALUED = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable"})
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normal_name(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str | None:
    """The normalized distribution name a PEP 508 requirement is for."""
    match = _NAME.match(requirement)
    return normal_name(match[1]) if match else None


@dataclass(frozen=True, slots=True)
class RequirementList:
    """One list: its kind, its name (the group's, extra's, environment's, or the file's path), where it is said."""

    kind: str
    name: str
    where: str
    requirements: tuple[str, ...]  # PEP 508; a file's `-r`, `-e` and options left out

    def __iter__(self) -> Iterator[str]:
        return iter(self.requirements)


def requirement_lines(lines: Iterable[str]) -> tuple[str, ...]:
    """The requirements of a requirements file's (or a tox `deps`') lines: no comments, options or includes."""
    lines = (line.split(" #", 1)[0].strip() for line in lines)
    return tuple(line for line in lines if line and not line.startswith(("-", "#")))


def _pyproject(project: ProjectFiles) -> list[RequirementList]:
    document = project.pyproject
    found = [
        RequirementList(GROUP, name, f"pyproject.toml [dependency-groups] {name}", strings(listed))
        for name, listed in table_at(document, "dependency-groups").items()
    ]
    extras = table_at(document, "project", "optional-dependencies")
    found += [
        RequirementList(EXTRA, name, f"pyproject.toml [project.optional-dependencies] {name}", strings(listed))
        for name, listed in extras.items()
    ]
    setup = project.ini("setup.cfg")
    if setup is not None and setup.has_section("options.extras_require"):
        found += [
            RequirementList(
                SETUP_EXTRA, name, f"setup.cfg [options.extras_require] {name}", requirement_lines(value.splitlines())
            )
            for name, value in setup.items("options.extras_require")
        ]
    return found


def _poetry(project: ProjectFiles) -> list[RequirementList]:
    poetry = table_at(project.pyproject, "tool", "poetry")
    if not poetry:
        return []
    locked = project.toml("poetry.lock") if project.exists("poetry.lock") else None
    groups = table_at(poetry, "group")
    tables = [(POETRY, g, f"[tool.poetry.group.{g}]", table_at(groups, g, "dependencies")) for g in groups]
    tables.append((POETRY_DEV, "dev", "[tool.poetry.dev-dependencies]", table_at(poetry, "dev-dependencies")))
    return [
        RequirementList(kind, name, f"pyproject.toml {where}", poetry_requirements(deps, locked, project.root))
        for kind, name, where, deps in tables
        if deps
    ]


def _pdm_and_hatch(project: ProjectFiles) -> list[RequirementList]:
    # pdm writes the project itself in as `-e file:///${PROJECT_ROOT}/...`: it is installed anyway.
    found = [
        RequirementList(
            PDM, name, f"pyproject.toml [tool.pdm.dev-dependencies] {name}", requirement_lines(strings(listed))
        )
        for name, listed in table_at(project.pyproject, "tool", "pdm", "dev-dependencies").items()
    ]
    for envs, where in (
        (table_at(project.pyproject, "tool", "hatch", "envs"), "pyproject.toml [tool.hatch.envs.{}]"),
        (table_at(project.toml("hatch.toml") or {}, "envs"), "hatch.toml [envs.{}]"),
    ):
        for name in envs:
            env = table_at(envs, name)
            listed = (r for key in ("dependencies", "extra-dependencies") for r in strings(env.get(key)))
            found.append(RequirementList(HATCH, name, where.format(name), tuple(listed)))
    return found


def _files(project: ProjectFiles) -> list[RequirementList]:
    return [
        RequirementList(FILE, name, name, requirement_lines(text.splitlines()))
        for name in ("requirements.txt", *REQUIREMENT_FILES)
        if (text := project.text(name)) is not None
    ]


def _tasks(project: ProjectFiles) -> list[RequirementList]:
    """Every tox environment's `deps` and every nox session's literal installs: a lint environment pins ruff there."""
    found = []
    parser, where = tox_config(project)
    if parser is not None:
        found += [
            RequirementList(TOX, env, f"{where} [{env}] deps", requirement_lines(every_line(parser.get(env, "deps"))))
            for env in parser.sections()
            if env.split(":")[0] == "testenv" and parser.has_option(env, "deps")
        ]
    native, native_where = tox_native(project)
    if native:
        found.append(RequirementList(TOX, "testenv", f"{native_where} deps", _unflagged(strings(native.get("deps")))))
    for name, session in nox_sessions(project).items():
        words = _unflagged(nox_installs(session))
        found.append(RequirementList(NOX, name, f"noxfile.py session {name!r}", words))
    return found


def _unflagged(words: Iterable[str]) -> tuple[str, ...]:
    """The words of an install that name requirements: no option, nor the file an option names, nor the project."""
    named, skip = [], False
    for word in words:
        if not skip and not word.startswith(("-", ".")):
            named.append(word)
        skip = word in _VALUED
    return tuple(named)


def _every_list(project: ProjectFiles) -> tuple[RequirementList, ...]:
    return (*_pyproject(project), *_poetry(project), *_pdm_and_hatch(project), *_files(project), *_tasks(project))


def requirement_lists(project: ProjectFiles, kind: str | None = None) -> tuple[RequirementList, ...]:
    """The project's requirement lists (of one kind, when given), in the order a tool's pin is looked for."""
    every = project.once(_every_list)
    return every if kind is None else tuple(listed for listed in every if listed.kind == kind)
