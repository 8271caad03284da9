"""The command the maintainers run their tests with, found where projects keep it, and which runner it starts.

Looked at in order: tox's test environment (`commands`, with its `setenv`), nox's test session, hatch's test
scripts (pyproject.toml, hatch.toml), pdm's scripts and poe's tasks, a Makefile's `test` target, the project's
workflows (`.github/workflows`), a `runtests.py`; else pytest. A line that hands over to another tool (tox, nox,
hatch, make) says nothing of the runner: the next place is read. `coverage run` before the command is left
out: py-ci measures the run itself.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles, strings, table_at
from py_ci.readers.pytest_config import PytestSettings, read_pytest_settings, xdist_workers
from py_ci.readers.tasks import NOX_SESSIONS, nox_sessions, tox_config, tox_lines, tox_native

PYTEST, UNITTEST, ZOPE, SCRIPT = "pytest", "unittest", "zope.testrunner", "script"
TOX_ENVS = ("testenv", "testenv:py", "testenv:py3", "testenv:tests", "testenv:test", "testenv:unit")
HATCH_ENVS = ("test", "tests", "default")
HATCH_SCRIPTS = ("test", "tests", "unit", "cov", "test-cov", "run")  # `run`: hatch run test:run
SCRIPTS = ("runtests.py", "tests/runtests.py", "run_tests.py")
# Tools that run a command in the project's environment (`poetry run pytest`), and their options with a value.
ENVIRONMENT_RUNNERS = frozenset({"poetry", "uv", "pdm", "hatch", "pipenv", "rye"})
_RUN_VALUED = frozenset({"--with", "--group", "--extra", "--python", "-p", "--env", "-e", "--directory", "--package"})
# coverage run's options that take a value as the next word.
_COVERAGE_VALUED = frozenset(
    {"--source", "--rcfile", "--omit", "--include", "--context", "--concurrency", "--data-file"}
)
# pytest options py-ci sets itself: those that take a value (next word or after =), and flags.
_PYTEST_VALUED = frozenset({"--cov-report", "--cov-config", "--cov-fail-under", "--junitxml", "--junit-xml"})
_PYTEST_VALUED |= {"--numprocesses", "--dist", "--basetemp", "--cov-context"}
_PYTEST_FLAGS = frozenset({"--cov", "--cov-branch", "--cov-append", "--no-cov", "--no-cov-on-fail"})
# A runner asked for something else than a test run: its version, its help, what it would collect.
_NO_TESTS = frozenset({"--version", "-V", "--help", "-h", "--co", "--collect-only", "--fixtures", "--markers"})
_PYTHON = re.compile(r"^(?:\{env_?python\}|python(?:\d(?:\.\d+)?)?|\$\(PYTHON\)|\$PYTHON|\$\{PYTHON\})$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TOX_ROOT = re.compile(r"\{(?:toxinidir|tox_root)\}")
_SITE_PACKAGES = re.compile(r"\{(?:env_site_packages_dir|envsitepackagesdir)\}/")
_CONTINUED = re.compile(r"[ \t]*\\[ \t]*\n")  # tox joins a line ending in a backslash to the next
_PYTEST_NAMED = re.compile(r"^(?:test_.*|.*_test)\.py$")
_UNITTEST_FILES = ("tests/test.py", "tests/tests.py", "test/test.py", "test/tests.py", "test.py", "tests.py")
_NOT_SOURCE = frozenset({"node_modules", "venv", "build", "dist", "__pycache__"})
_EXPORT = re.compile(r"^export\s+([A-Za-z_]\w*)\s*[:?]?=[ \t]*(.*)$", re.MULTILINE)
# A program found by the shell: `which django-admin` or $(which django-admin) is django-admin.
_WHICH = re.compile(r"`which\s+([^`\s]+)`|\$\(which\s+([^)\s]+)\)")
_ENV = re.compile(r"\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")  # tox's, a default holding none of its own
_ENV_DEPTH = 8  # defaults nest ({env:A:{env:B:}}): resolved from the inside, this deep at most
_POSARGS = re.compile(r"\{posargs(?::([^}]*))?\}|\[\]|\{env:[^:}]+:([^}]*)\}")  # their defaults, or nothing


@dataclass(frozen=True, slots=True)
class TestCommand:
    """How the maintainers run the tests: the runner, what follows `python` to start it, and where it was said."""

    runner: str  # pytest, unittest, zope.testrunner, or script (a runtests.py, manage.py test)
    found: str  # "tox.ini [testenv] commands", "runtests.py", "py-ci's default"
    # What follows `python` to start the runner: ("-m", "unittest", "discover"), ("runtests.py",); pytest's own
    # arguments for pytest ("tests", "-m", "not slow")
    target: tuple[str, ...] = ()
    line: str = ""  # the command as the project wrote it
    env: Mapping[str, str] = field(default_factory=dict)  # tox's setenv for the test environment
    # What the command has coverage.py measure (`coverage run --source`, pytest-cov's `--cov`), and with branches
    coverage_sources: tuple[str, ...] = ()
    coverage_branch: bool = False
    # It measures with coverage.py's defaults: `coverage run` or a bare `--cov`, naming nothing to measure
    coverage_everything: bool = False

    __test__ = False

    @property
    def own_runner(self) -> bool:
        """The project's own runner runs the tests (under coverage.py), not pytest."""
        return self.runner != PYTEST

    @property
    def workers(self) -> tuple[str, str] | None:
        """pytest-xdist's workers the command runs the tests on, and where it says so: its own `-n`, or the
        PYTEST_ADDOPTS its environment sets."""
        if self.runner != PYTEST:
            return None
        if (own := xdist_workers(_words(self.line))) is not None:
            return own, f"{self.found} -n {own}"
        added = self.added_options
        return None if added.workers is None else (added.workers, f"{added.file} -n {added.workers}")

    @property
    def added_options(self) -> PytestSettings:
        """The PYTEST_ADDOPTS its environment sets (tox's setenv), which pytest reads as it starts."""
        words = _words(self.env.get("PYTEST_ADDOPTS", "")) if self.runner == PYTEST else []
        return PytestSettings(f"{self.found}, its PYTEST_ADDOPTS", tuple(words))

    @property
    def title(self) -> str:
        """The runner's name, as the summary and a failure say it."""
        if self.target[:2] == ("-m", "django"):
            return "django-admin test"
        if self.runner == SCRIPT:
            script = Path(self.target[0]).name
            return f"{script} test" if self.target[1:2] == ("test",) else script
        return self.runner


DEFAULT = TestCommand(PYTEST, "py-ci's default (the project names no test command)")


def _rooted(line: str) -> bool:
    """Whether a pytest command's paths all start at tox's own folders (`{tox_root}/tests`): right from a changedir."""
    words = line.split()
    after = words[next((i for i, word in enumerate(words) if Path(word).name in ("pytest", "py.test")), 0) + 1 :]
    return all(word.startswith(("-", "{")) for word in after)


def _words(line: str) -> list[str]:
    # The project's folder first: a {posargs:...} default may hold it. The installed package is the project's own.
    text = _SITE_PACKAGES.sub("", _TOX_ROOT.sub(".", line))
    text = _POSARGS.sub(lambda match: match[1] or match[2] or "", text).replace("\\\n", " ")
    # tox's environment's programs are on its PATH: `{envbindir}/coverage run` is `coverage run`.
    text = _WHICH.sub(lambda match: match[1] or match[2], text.replace("{envbindir}/", ""))
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    # `-mMODULE` is `-m MODULE`, as Python reads it (`python3 -munittest`).
    return [part for word in words for part in (["-m", word[2:]] if re.fullmatch(r"-m\w[\w.]*", word) else [word])]


def _without_coverage(words: list[str]) -> list[str]:
    """The command `coverage run [OPTIONS]` starts: `-m MODULE ...` or `SCRIPT ...`."""
    rest = words[2:]
    while rest and rest[0].startswith("-") and rest[0] != "-m":
        option = rest.pop(0)
        if option in _COVERAGE_VALUED and rest:
            rest.pop(0)
    return rest


def _started(words: list[str]) -> list[str] | None:
    """What the command starts, `-m MODULE ...` or `PROGRAM ...`, without its environment, interpreter and coverage."""
    while words and _ASSIGNMENT.match(words[0]):
        words = words[1:]
    if words[:1] and words[0] in ENVIRONMENT_RUNNERS and words[1:2] == ["run"]:
        words = words[2:]
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] in _RUN_VALUED else words[1:]
    if words and _PYTHON.match(words[0]):
        words = words[1:]
        while words and words[0].startswith("-") and words[0] != "-m":
            words = words[2:] if words[0] in ("-W", "-X") else words[1:]
    if words[:3] == ["-m", "coverage", "run"]:
        words = _without_coverage(words[1:])
    elif words[:2] == ["coverage", "run"]:
        words = _without_coverage(words)
    return words or None


def _warning_filters(words: list[str]) -> list[str]:
    """The interpreter's `-W` filters before what it starts (`python -W error::DeprecationWarning -m coverage run`):
    the tests are given them as PYTHONWARNINGS, which says the same."""
    start = next((index for index, word in enumerate(words) if _PYTHON.match(word)), None)
    rest, filters = words[start + 1 :] if start is not None else [], []
    while rest and rest[0].startswith("-") and rest[0] != "-m":
        flag = rest.pop(0)
        if flag in ("-W", "-X") and rest:
            value = rest.pop(0)
            filters += [value] if flag == "-W" else []
        elif flag.startswith("-W"):
            filters.append(flag[2:])
    return filters


def _measured(words: list[str]) -> tuple[tuple[str, ...], bool]:
    """What the command's coverage options measure (`coverage run --source`, pytest-cov's `--cov`), and branches."""
    sources: list[str] = []
    for index, word in enumerate(words):
        after = words[index + 1] if index + 1 < len(words) else "-"
        if word.startswith(("--source=", "--cov=")):
            sources += word.split("=", 1)[1].split(",")
        elif word in ("--source", "--cov") and not after.startswith("-"):
            sources += after.split(",")
    return tuple(source for source in sources if source and "{" not in source), bool(
        {"--branch", "--cov-branch"} & {*words}
    )


def _everything(words: list[str]) -> bool:
    """`coverage run` or pytest-cov's bare `--cov` that say nothing of what to measure: coverage.py's default, every
    file the tests run outside the standard library and installed packages."""
    pairs = list(zip(words, [*words[1:], "-"], strict=True))
    started = any(Path(word).name == "coverage" and after == "run" for word, after in pairs)
    bare = any(word == "--cov" and after.startswith("-") for word, after in pairs)
    named = any(word.split("=", 1)[0] in ("--source", "--include", "--rcfile", "--cov-config") for word in words)
    return (started or bare) and not named and not _measured(words)[0]


def _pytest_args(words: list[str]) -> tuple[str, ...]:
    """The command's own pytest arguments (its paths, markers, options), without what py-ci sets itself: coverage
    (pytest-cov's), the JUnit report and pytest-xdist's workers; and without tox's substitutions."""
    kept: list[str] = []
    index = 0
    while index < len(words):
        word, after = words[index], words[index + 1] if index + 1 < len(words) else "-"
        name = word.split("=", 1)[0]
        # A value in the next word: an option's, or pytest-cov's optional source (`--cov pkg`).
        takes_next = (name in _PYTEST_VALUED or word == "-n") and "=" not in word
        index += 2 if takes_next or (word == "--cov" and not after.startswith("-")) else 1
        if not (name in _PYTEST_VALUED or name in _PYTEST_FLAGS or word.startswith("-n") or "{" in word):
            kept.append(word)
    return tuple(kept)


def _text(project: ProjectFiles, name: str) -> str:
    """A file the command may be in; one that cannot be read (not UTF-8) holds none: pytest runs, as by default."""
    try:
        return project.text(name) or ""
    except InputError:
        return ""


def _script_runner(project: ProjectFiles, script: str) -> str:
    """A script that starts pytest itself (`pytest.main`) is pytest's; any other runs unittest's kind of runner."""
    text = _text(project, script)
    return PYTEST if re.search(r"^\s*(?:import pytest|from pytest )", text, re.MULTILINE) else SCRIPT


def classify(project: ProjectFiles, line: str, found: str, env: Mapping[str, str] | None = None) -> TestCommand | None:
    """The runner a command line starts; None for a line that runs no tests, or hands over to another tool."""
    written = _words(line)
    words = _started(written)
    if not words:
        return None
    program, module = Path(words[0]).name, words[1] if words[0] == "-m" and len(words) > 1 else ""
    sources, branch = _measured(written)
    given = dict(env or {})
    if filters := _warning_filters(written):
        given["PYTHONWARNINGS"] = ",".join([*filter(None, [given.get("PYTHONWARNINGS")]), *filters])

    def said(runner: str, target: tuple[str, ...] = ()) -> TestCommand:
        return TestCommand(runner, found, target, line.strip(), given, sources, branch, _everything(written))

    if set(words) & _NO_TESTS:
        return None
    if program in ("pytest", "py.test") or module in ("pytest", "py.test"):
        return said(PYTEST, _pytest_args(words[2 if module else 1 :]))
    if module == "unittest":
        return said(UNITTEST, tuple(words))
    if program == "zope-testrunner" or module == "zope.testrunner":
        return said(ZOPE, ("-m", "zope.testrunner", *words[2 if module else 1 :]))
    if (program == "django-admin" or module == "django") and "test" in words:
        return said(SCRIPT, ("-m", "django", *words[2 if module else 1 :]))
    if program.endswith(".py") and program != "setup.py" and project.exists(words[0]):
        is_tests = program != "manage.py" or words[1:2] == ["test"]
        return said(_script_runner(project, words[0]), tuple(words)) if is_tests else None
    return None


def _first(
    project: ProjectFiles, lines: Iterable[str], found: str, env: Mapping[str, str] | None = None
) -> TestCommand | None:
    return next((command for line in lines if (command := classify(project, line, found, env)) is not None), None)


def _with_env(text: str, environ: Mapping[str, str]) -> str:
    """tox's `{env:NAME}` and `{env:NAME:DEFAULT}`, innermost first: the variable's value, else the default, else
    nothing (tox 4's replace_env)."""
    for _ in range(_ENV_DEPTH):
        done = _ENV.sub(lambda found: environ.get(found[1], found[2] or ""), text)
        if done == text:
            break
        text = done
    return text


def _setenv(value: str, root: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """tox's `setenv` lines, KEY = VALUE; a line for some environments only, or with other substitutions, is left."""
    env = {}
    for line in tox_lines(value):
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, text = (part.strip() for part in line.partition("="))
        text = _with_env(text.replace("{toxinidir}", str(root)).replace("{tox_root}", str(root)), environ)
        if "{" not in text and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            env[name] = text
    return env


def _tox(project: ProjectFiles, environ: Mapping[str, str]) -> TestCommand | None:
    parser, where = tox_config(project)
    if parser is not None:
        for section in (name for name in TOX_ENVS if parser.has_section(name)):
            commands = tox_lines(_CONTINUED.sub(" ", parser.get(section, "commands", fallback="")))
            env = _setenv(parser.get("testenv", "setenv", fallback=""), project.root, environ)
            found = _first(project, commands, f"{where} [{section}] commands", env)
            moved = parser.has_option(section, "changedir") and not _rooted(found.line) if found else False
            if found is not None and moved and found.runner == PYTEST:
                return replace(found, target=())  # its paths are another folder's
            if found is not None:
                return found
        return None
    native, where = tox_native(project)
    listed = native.get("commands")
    lines = [shlex.join(strings(command)) for command in (listed if isinstance(listed, list) else [])]
    env = {k: v for k, v in table_at(native, "set_env").items() if isinstance(v, str)}
    return _first(project, lines, f"{where} commands", env)


def _runs(function: ast.FunctionDef) -> Iterator[str]:
    """The session's `session.run(...)` calls whose words are all literal (`*session.posargs` left out), as lines."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            given = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
            words = [arg.value for arg in given if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if words and len(words) == len(given):
                yield shlex.join(words)


def _nox(project: ProjectFiles) -> TestCommand | None:
    sessions = nox_sessions(project)
    name = next((candidate for candidate in NOX_SESSIONS if candidate in sessions), None)
    return None if name is None else _first(project, _runs(sessions[name]), f"noxfile.py session {name!r}")


def _hatch(project: ProjectFiles) -> TestCommand | None:
    for envs, where in (
        (table_at(project.pyproject, "tool", "hatch", "envs"), "pyproject.toml [tool.hatch.envs.{}.scripts]"),
        (table_at(project.toml("hatch.toml") or {}, "envs"), "hatch.toml [envs.{}.scripts]"),
    ):
        for env in (name for name in HATCH_ENVS if name in envs):
            scripts = table_at(envs, env, "scripts")
            for script in (name for name in HATCH_SCRIPTS if name in scripts):
                value = scripts[script]
                lines = [value] if isinstance(value, str) else list(strings(value))
                found = _first(project, lines, where.format(env) + f" {script}")
                if found is not None:
                    return found
    return None


def _task_lines(value: object) -> list[str]:
    """A pdm script's or poe task's command: a string, a list of them, or a table's `cmd` or `shell`."""
    if isinstance(value, Mapping):
        value = value.get("cmd") or value.get("shell")
    if isinstance(value, list):
        return [shlex.join(strings(value))] if all(isinstance(word, str) for word in value) else []
    return [value] if isinstance(value, str) else []


def _tasks(project: ProjectFiles) -> TestCommand | None:
    """pdm's scripts and poe's tasks named test or tests."""
    for keys, where in (
        (("tool", "pdm", "scripts"), "[tool.pdm.scripts]"),
        (("tool", "poe", "tasks"), "[tool.poe.tasks]"),
    ):
        tasks = table_at(project.pyproject, *keys)
        for name in (name for name in ("test", "tests") if name in tasks):
            found = _first(project, _task_lines(tasks[name]), f"pyproject.toml {where} {name}")
            if found is not None:
                return found
    return None


def _make(project: ProjectFiles) -> TestCommand | None:
    # The names make itself looks for, in its order.
    name = next((name for name in ("GNUmakefile", "makefile", "Makefile") if project.exists(name)), "Makefile")
    text = _text(project, name)
    match = re.search(r"^tests?:[^\n]*\n((?:\t[^\n]*\n?)+)", text or "", re.MULTILINE)
    if match is None:
        return None
    lines = [line.strip().lstrip("@-").strip() for line in match[1].splitlines()]
    # The variables it exports to its recipes (`export DJANGO_SETTINGS_MODULE = tests.settings`), where literal.
    exported = {key: value.strip() for key, value in _EXPORT.findall(text) if "$" not in value}
    return _first(project, lines, f"{name} test target", exported)


_DOCTESTS = {"--doctest-modules", "--doctest-glob"}


def _workflows(project: ProjectFiles) -> TestCommand | None:
    """The first step line of the project's workflows that starts a test runner (read as lines: no YAML parser)."""
    folder = project.root / ".github" / "workflows"
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []
    for path in files:
        text = _text(project, str(path.relative_to(project.root)))
        lines = [re.sub(r"^\s*(?:-\s*)?(?:run:\s*)?[|>]?-?\s*", "", line) for line in text.splitlines()]
        where = f".github/workflows/{path.name}"
        found = [c for line in lines if "${{" not in line and (c := classify(project, line, where)) is not None]
        # A step that runs the doctests beside the tests is not the test run: init names it apart.
        tests = [command for command in found if not _DOCTESTS.intersection(_words(command.line))]
        if found:
            return (tests or found)[0]
    return None


def _script(project: ProjectFiles) -> TestCommand | None:
    """A test script at the root; else a Django project's `manage.py test`, where pytest is not configured."""
    name = next((name for name in SCRIPTS if project.exists(name)), None)
    if name is not None:
        return TestCommand(_script_runner(project, name), f"the project's {name}", (name,))
    django = "django" in _text(project, "manage.py")
    if django and read_pytest_settings(project) is None and not project.exists("conftest.py"):
        return TestCommand(SCRIPT, "the project's manage.py (Django's own runner)", ("manage.py", "test"))
    return None


def _pytest_named(root: Path) -> bool:
    """Whether any file of the project has pytest's default test-file naming (test_*.py, *_test.py)."""
    for _folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in _NOT_SOURCE]
        if any(_PYTEST_NAMED.match(name) for name in files):
            return True
    return False


def _unittest_named(project: ProjectFiles) -> TestCommand | None:
    """A unittest module named as unittest finds it and pytest does not (decorator's tests/test.py), where pytest
    is not configured and no file has pytest's naming: pytest would collect nothing, unittest runs them."""
    name = next((name for name in _UNITTEST_FILES if "unittest" in _text(project, name)), None)
    if name is None or read_pytest_settings(project) is not None or _pytest_named(project.root):
        return None
    folder = str(Path(name).parent)
    start = ("-s", folder) if folder != "." else ()
    found = f"the project's {name} (unittest's file naming; pytest's collects no file)"
    return TestCommand(UNITTEST, found, ("-m", "unittest", "discover", *start), f"python -m unittest discover {folder}")


def find_test_command(project: ProjectFiles, environ: Mapping[str, str] | None = None) -> TestCommand:
    """The maintainers' test command, from the first place that says one; pytest where none does. `environ` is what
    tox's `{env:NAME}` reads (None: no variable set)."""
    tox = partial(_tox, environ=environ or {})
    for read in (tox, _nox, _hatch, _tasks, _make, _workflows, _script, _unittest_named):
        found = read(project)
        if found is not None:
            return found
    return DEFAULT
