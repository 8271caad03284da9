"""What installs a project and its tests' dependencies, found in its own files the way its maintainers wrote it.

The order (the README's table): uv.lock; poetry; pdm; a hatch test environment; dependency groups; extras;
requirements files; tox's test environment; nox's test session; else the project alone. The first found installs,
and every other one adds what it says the tests need. A group or an extra named test, tests or testing is taken
first, dev only when there is none, and one that builds docs never.
"""

from __future__ import annotations

import ast
import configparser
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from py_ci.errors import InputError
from py_ci.readers.poetry import poetry_requirements
from py_ci.readers.project_files import ProjectFiles

TEST_NAMES = ("test", "tests", "testing")
DEV_NAMES = ("dev", "develop", "development")
DOCS_NAMES = ("docs", "doc", "documentation")
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
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
NOX_SESSIONS = ("tests", "test", "pytest", "unit", "tests-unit")


@dataclass(frozen=True, slots=True)
class TestDependencies:
    """What to install: the project (editable) with some of its extras and groups, requirement files, requirements."""

    convention: str  # what was found: "uv.lock", "poetry", "dependency groups", ...
    found: str  # where, and which: "[dependency-groups] test", "requirements/tests.txt"
    project: bool = True
    extras: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # -r FILE
    requirements: tuple[str, ...] = ()  # PEP 508 requirements of the tests (poetry, pdm, hatch, tox, nox)
    lock: bool = False  # uv.lock: uv sync installs the project and these groups and extras, as locked

    __test__ = False


def normal_name(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str | None:
    """The normalized distribution name a PEP 508 requirement is for."""
    match = _NAME.match(requirement)
    return normal_name(match[1]) if match else None


def pick(names: Iterable[str]) -> tuple[str, ...]:
    """The groups (or extras) the tests need: those named test/tests/testing, else dev; never the docs' alone."""
    present = list(names)
    tests = tuple(name for name in TEST_NAMES if name in present)
    return tests or tuple(name for name in DEV_NAMES if name in present)[:1]


def table_at(document: object, *keys: str) -> Mapping[str, object]:
    """The table at `keys` under `document`, empty when any of them is missing or is not a table."""
    node: object = document
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def strings(value: object) -> tuple[str, ...]:
    """The strings of a TOML array, nothing when it is not one."""
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _has_project(project: ProjectFiles) -> bool:
    return (
        bool(project.pyproject.get("project"))
        or any(project.exists(name) for name in ("setup.py", "setup.cfg"))
        or bool(table_at(project.pyproject, "tool", "poetry"))
    )


def _uv_lock(project: ProjectFiles) -> TestDependencies | None:
    if not project.exists("uv.lock"):
        return None
    groups = pick(table_at(project.pyproject, "dependency-groups"))
    extras = pick(table_at(project.pyproject, "project", "optional-dependencies"))
    chosen = ", ".join([*(f"group {g}" for g in groups), *(f"extra {e}" for e in extras)]) or "its default groups"
    return TestDependencies("uv.lock", f"uv.lock, with {chosen}", groups=groups, extras=extras, lock=True)


def _poetry(project: ProjectFiles) -> TestDependencies | None:
    poetry = table_at(project.pyproject, "tool", "poetry")
    if not poetry:
        return None
    groups = {name: table_at(table_at(poetry, "group"), name, "dependencies") for name in table_at(poetry, "group")}
    chosen = pick(groups)
    if chosen:
        deps = {name: spec for group in chosen for name, spec in groups[group].items()}
        where = ", ".join(f"[tool.poetry.group.{group}]" for group in chosen)
    else:
        deps, where = dict(table_at(poetry, "dev-dependencies")), "[tool.poetry.dev-dependencies]"
    if not deps:
        return None
    locked = project.toml("poetry.lock") if project.exists("poetry.lock") else None
    requirements = poetry_requirements(deps, locked, project.root)
    return TestDependencies(
        "poetry",
        f"pyproject.toml {where}" + (", at poetry.lock's versions" if locked else ""),
        requirements=requirements,
    )


def _pdm(project: ProjectFiles) -> TestDependencies | None:
    legacy = table_at(project.pyproject, "tool", "pdm", "dev-dependencies")
    chosen = pick(legacy)
    if not chosen:
        return None
    # pdm writes the project itself in as `-e file:///${PROJECT_ROOT}/...`: it is installed anyway.
    requirements = tuple(r for group in chosen for r in strings(legacy[group]) if not r.startswith("-e "))
    return TestDependencies(
        "pdm", f"pyproject.toml [tool.pdm.dev-dependencies] {', '.join(chosen)}", requirements=requirements
    )


def _hatch(project: ProjectFiles) -> TestDependencies | None:
    for envs, where in (
        (table_at(project.pyproject, "tool", "hatch", "envs"), "pyproject.toml [tool.hatch.envs.{}]"),
        (table_at(project.toml("hatch.toml") or {}, "envs"), "hatch.toml [envs.{}]"),
    ):
        found = _hatch_env(envs, where)
        if found is not None:
            return found
    return None


def _inherited(envs: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
    """An environment and the ones it inherits from, as hatch reads them: its `template`, "default" unless it says;
    one that names itself inherits nothing (platformdirs' test environment leaves the default's docs extra out)."""
    chain: list[Mapping[str, object]] = []
    while name in envs and len(chain) < len(envs):
        env = table_at(envs, name)
        chain.append(env)
        template = env.get("template", "default")
        if not isinstance(template, str) or template == name:
            break
        name = template
    return chain


def _hatch_env(envs: Mapping[str, object], where: str) -> TestDependencies | None:
    name = next((env for env in ("test", "tests", "default") if env in envs), None)
    if name is None:
        return None
    chosen = _inherited(envs, name)
    requirements = tuple(
        r for env in chosen for key in ("dependencies", "extra-dependencies") for r in strings(env.get(key))
    )
    extras = tuple(dict.fromkeys(f for env in chosen for f in strings(env.get("features"))))
    if not requirements and not extras:
        return None
    skip = any(env.get("skip-install") is True for env in chosen[:1])
    return TestDependencies("hatch", where.format(name), not skip, extras, requirements=requirements)


def _listing_pytest(table: Mapping[str, object]) -> tuple[str, ...]:
    """The first extra or group that lists pytest, where none is named for the tests (idna's extra `all`)."""
    listing = (name for name, wanted in table.items() if "pytest" in map(requirement_name, strings(wanted)))
    return tuple(itertools.islice(listing, 1))


def _groups(project: ProjectFiles) -> TestDependencies | None:
    table = table_at(project.pyproject, "dependency-groups")
    chosen = pick(table) or _listing_pytest(table)
    if not chosen:
        return None
    where = f"pyproject.toml [dependency-groups] {', '.join(chosen)}"
    return TestDependencies("dependency groups", where, _has_project(project), groups=chosen)


def _extras(project: ProjectFiles) -> TestDependencies | None:
    table = table_at(project.pyproject, "project", "optional-dependencies")
    chosen = pick(table) or _listing_pytest(table)
    where = "pyproject.toml [project.optional-dependencies]"
    setup = project.ini("setup.cfg")
    if not chosen and setup is not None and setup.has_section("options.extras_require"):
        chosen, where = pick(setup.options("options.extras_require")), "setup.cfg [options.extras_require]"
    if not chosen:
        return None
    return TestDependencies("extras", f"{where} {', '.join(chosen)}", extras=chosen)


def _requirements(project: ProjectFiles) -> TestDependencies | None:
    tests = next((name for name in REQUIREMENT_FILES if project.exists(name)), None)
    files = tuple(name for name in ("requirements.txt", tests) if name is not None and project.exists(name))
    if not files:
        return None
    return TestDependencies("requirements files", ", ".join(files), _has_project(project), files=files)


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


def _tox_lines(deps: str, root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(requirement files, requirements) of a tox `deps` value; conditional lines are some other environment's."""
    files, requirements = [], []
    for raw in tox_lines(deps.replace("{toxinidir}", str(root)).replace("{tox_root}", str(root))):
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#") or "{" in line:
            continue
        if line.startswith("-r"):
            files.append(line[2:].strip())
        elif not line.startswith("-"):
            requirements.append(line)
    return tuple(files), tuple(requirements)


def tox_config(project: ProjectFiles) -> tuple[configparser.ConfigParser | None, str]:
    """tox's INI configuration (tox.ini, else pyproject.toml's legacy_tox_ini) and where it is."""
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


def _words_of(value: str) -> tuple[str, ...]:
    """A tox list written on one line or many, comma or space separated."""
    return tuple(word for word in re.split(r"[,\s]+", value) if word)


def tox_native(project: ProjectFiles) -> tuple[Mapping[str, object], str]:
    """tox's TOML configuration of every environment (tox.toml, else pyproject.toml's [tool.tox]) and where."""
    if project.exists("tox.toml"):
        return table_at(project.toml("tox.toml"), "env_run_base"), "tox.toml [env_run_base]"
    return table_at(project.pyproject, "tool", "tox", "env_run_base"), "pyproject.toml [tool.tox.env_run_base]"


def _tox(project: ProjectFiles) -> TestDependencies | None:
    parser, where = tox_config(project)
    native, native_where = tox_native(project)
    if parser is not None and parser.has_section("testenv"):
        files, requirements = _tox_lines(parser.get("testenv", "deps", fallback=""), project.root)
        extras = _words_of("\n".join(tox_lines(parser.get("testenv", "extras", fallback=""))))
        groups = _words_of("\n".join(tox_lines(parser.get("testenv", "dependency_groups", fallback=""))))
        skip = parser.get("testenv", "skip_install", fallback="false").strip().lower() == "true"
        where += " [testenv]"
    elif native:
        files, requirements = (), tuple(d for d in strings(native.get("deps")) if not d.startswith("-"))
        extras, groups = strings(native.get("extras")), strings(native.get("dependency_groups"))
        skip, where = native.get("skip_install") is True, native_where
    else:
        return None
    # The environment may build the docs too (sphinx's doctest): py-ci runs the tests alone.
    extras = tuple(extra for extra in extras if extra not in DOCS_NAMES)
    if not (files or requirements or extras or groups):
        return None
    return TestDependencies("tox", f"{where} deps", not skip, extras, groups, files=files, requirements=requirements)


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


def _installs(function: ast.FunctionDef) -> list[str]:
    """The literal arguments of the session's `session.install(...)` calls."""
    words = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "install":
            words += [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return words


def nox_sessions(project: ProjectFiles) -> dict[str, ast.FunctionDef]:
    """noxfile.py's sessions by name; none when it has none, or cannot be parsed."""
    try:
        tree = ast.parse(project.text("noxfile.py") or "")
    except (SyntaxError, InputError):
        return {}
    return {name: node for node in tree.body if isinstance(node, ast.FunctionDef) and (name := _session_name(node))}


def _nox(project: ProjectFiles) -> TestDependencies | None:
    sessions = nox_sessions(project)
    name = next((candidate for candidate in NOX_SESSIONS if candidate in sessions), None)
    if name is None:
        return None
    words = iter(_installs(sessions[name]))
    files, requirements, extras, with_project = [], [], [], False
    for word in words:
        if word in ("-r", "--requirement"):
            files.append(next(words, ""))
        elif word in ("-e", "--editable", "-c", "--constraint"):
            continue
        elif word == "." or word.startswith(".["):
            with_project = True
            extras += [e.strip() for e in word[2:-1].split(",") if e.strip()] if word.startswith(".[") else []
        elif not word.startswith("-"):
            requirements.append(word)
    if not (files or requirements or extras or with_project):
        return None
    return TestDependencies(
        "nox",
        f"noxfile.py session {name!r}",
        with_project or _has_project(project),
        tuple(extras),
        files=tuple(f for f in files if f),
        requirements=tuple(requirements),
    )


def _joined(first: TestDependencies, other: TestDependencies, root: Path) -> TestDependencies:
    """`first` and what `other` adds; a lock installs as locked: it takes only the extras and groups it knows."""
    files: tuple[str, ...] = tuple(
        str(Path(f).relative_to(root)) if Path(f).is_relative_to(root) else f for f in other.files
    )
    requirements = other.requirements
    if first.lock:
        files, requirements = (), ()
    extras, groups = (other.extras if first.project else ()), other.groups
    if not (set(extras) - set(first.extras) or set(groups) - set(first.groups) or files or requirements):
        return first
    return replace(
        first,
        convention=f"{first.convention} + {other.convention}",
        found=f"{first.found}; {other.found}",
        extras=tuple(dict.fromkeys((*first.extras, *extras))),
        groups=tuple(dict.fromkeys((*first.groups, *groups))),
        files=tuple(dict.fromkeys((*first.files, *files))),
        requirements=tuple(dict.fromkeys((*first.requirements, *requirements))),
    )


def find_test_dependencies(project: ProjectFiles) -> TestDependencies:
    """Every convention the project uses, read together: the first found in the documented order installs, and each
    other adds what its tests need (a tox environment's extras beside the dependency groups). Requirements files
    count only where nothing else is found: they often pin a whole development setup of their own."""
    found = [dep for detect in DETECTORS if (dep := detect(project)) is not None]
    if found:
        joined = found[0]
        for other in found[1:]:
            if other.convention != "requirements files":
                joined = _joined(joined, other, project.root)
        return joined
    if _has_project(project):
        return TestDependencies(
            "the project alone", "pyproject.toml" if project.exists("pyproject.toml") else "setup.py"
        )
    return TestDependencies("nothing to install", "no pyproject.toml, setup.py or requirements file", project=False)


DETECTORS = (_uv_lock, _poetry, _pdm, _hatch, _groups, _extras, _requirements, _tox, _nox)
