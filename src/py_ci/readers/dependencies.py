"""What installs a project and its tests' dependencies, found in its own files the way its maintainers wrote it.

The order (the README's table): uv.lock; poetry; pdm; a hatch test environment; dependency groups; extras;
requirements files; tox's test environment; nox's test session; else the project alone. The first found installs,
and every other one adds what it says the tests need. A group or an extra named test, tests or testing is taken
first, dev only when there is none, and one that builds docs never.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from py_ci.readers.project_files import ProjectFiles, strings, table_at
from py_ci.readers.requirement_lists import (
    EXTRA,
    GROUP,
    PDM,
    POETRY,
    POETRY_DEV,
    REQUIREMENT_FILES,
    SETUP_EXTRA,
    RequirementList,
    normal_name,
    requirement_lines,
    requirement_lists,
    requirement_name,
)
from py_ci.readers.tasks import (
    NOX_SESSIONS,
    TEST_NAMES,
    nox_installs,
    nox_sessions,
    tox_config,
    tox_lines,
    tox_native,
    words_of,
)

_EXTRAS = re.compile(r"\[([^\]]*)\]")  # `project[test,cover]`: the extras a requirement asks for
DEV_NAMES = ("dev", "develop", "development")
DOCS_NAMES = ("docs", "doc", "documentation")


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


def pick(names: Iterable[str]) -> tuple[str, ...]:
    """The groups (or extras) the tests need: those named test/tests/testing, else dev; never the docs' alone."""
    present = list(names)
    tests = tuple(name for name in TEST_NAMES if name in present)
    return tests or tuple(name for name in DEV_NAMES if name in present)[:1]


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


def _lists(project: ProjectFiles, *kinds: str) -> dict[str, RequirementList]:
    """The project's requirement lists of the first of `kinds` it has, by name."""
    for kind in kinds:
        if found := {listed.name: listed for listed in requirement_lists(project, kind)}:
            return found
    return {}


def _poetry(project: ProjectFiles) -> TestDependencies | None:
    groups = _lists(project, POETRY)
    chosen = [groups[name] for name in pick(groups)] or list(_lists(project, POETRY_DEV).values())
    requirements = tuple(dict.fromkeys(r for listed in chosen for r in listed.requirements))
    if not requirements:
        return None
    where = ", ".join(listed.where for listed in chosen)
    return TestDependencies(
        "poetry",
        where + (", at poetry.lock's versions" if project.exists("poetry.lock") else ""),
        requirements=requirements,
    )


def _pdm(project: ProjectFiles) -> TestDependencies | None:
    groups = _lists(project, PDM)
    chosen = pick(groups)
    if not chosen:
        return None
    requirements = tuple(r for group in chosen for r in groups[group].requirements)
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


def _listing_pytest(lists: Mapping[str, RequirementList]) -> tuple[str, ...]:
    """The first extra or group that lists pytest, where none is named for the tests (idna's extra `all`)."""
    listing = (name for name, listed in lists.items() if "pytest" in map(requirement_name, listed.requirements))
    return tuple(itertools.islice(listing, 1))


def _groups(project: ProjectFiles) -> TestDependencies | None:
    lists = _lists(project, GROUP)
    chosen = pick(lists) or _listing_pytest(lists)
    if not chosen:
        return None
    where = f"pyproject.toml [dependency-groups] {', '.join(chosen)}"
    return TestDependencies("dependency groups", where, _has_project(project), groups=chosen)


def _extras(project: ProjectFiles) -> TestDependencies | None:
    lists = _lists(project, EXTRA, SETUP_EXTRA)
    chosen = pick(lists) or _listing_pytest(lists)
    if not chosen:
        return None
    where = lists[chosen[0]].where.rsplit(" ", 1)[0]
    return TestDependencies("extras", f"{where} {', '.join(chosen)}", extras=chosen)


def _requirements(project: ProjectFiles) -> TestDependencies | None:
    tests = next((name for name in REQUIREMENT_FILES if project.exists(name)), None)
    files = tuple(name for name in ("requirements.txt", tests) if name is not None and project.exists(name))
    if not files:
        return None
    return TestDependencies("requirements files", ", ".join(files), _has_project(project), files=files)


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


def _tox(project: ProjectFiles) -> TestDependencies | None:
    parser, where = tox_config(project)
    native, native_where = tox_native(project)
    if parser is not None and parser.has_section("testenv"):
        files, requirements = _tox_lines(parser.get("testenv", "deps", fallback=""), project.root)
        extras = words_of("\n".join(tox_lines(parser.get("testenv", "extras", fallback=""))))
        groups = words_of("\n".join(tox_lines(parser.get("testenv", "dependency_groups", fallback=""))))
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


def _nox(project: ProjectFiles) -> TestDependencies | None:
    sessions = nox_sessions(project)
    name = next((candidate for candidate in NOX_SESSIONS if candidate in sessions), None)
    if name is None:
        return None
    words = iter(nox_installs(sessions[name]))
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


def installed_names(project: ProjectFiles, deps: TestDependencies) -> frozenset[str]:
    """The distributions the tests' install names (its groups', extras' and files' lists, its requirements): what
    tells which pytest plugins the maintainers' run loads. An extra naming the project's own extras adds theirs."""
    own = normal_name(str(table_at(project.pyproject, "project").get("name", "")))
    files = [r for file in deps.files for r in requirement_lines((project.text(file) or "").splitlines())]
    extras, lists = set(deps.extras), requirement_lists(project)
    while True:
        chosen = {(GROUP, group) for group in deps.groups} | {
            (kind, e) for e in extras for kind in (EXTRA, SETUP_EXTRA)
        }
        listed = [
            *deps.requirements,
            *files,
            *(r for found in lists if (found.kind, found.name) in chosen for r in found),
        ]
        mine = (match[1] for r in listed if requirement_name(r) == own and (match := _EXTRAS.search(r)))
        more = {extra.strip() for named in mine for extra in named.split(",")} - extras
        if not more:
            return frozenset(name for r in listed if (name := requirement_name(r)) not in (None, own))
        extras |= more
