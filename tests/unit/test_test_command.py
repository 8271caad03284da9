"""The maintainers' test command, read from each place projects keep it, and the runner it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.test_command import DEFAULT, PYTEST, SCRIPT, UNITTEST, ZOPE, TestCommand, find_test_command
from tests.helpers import write_files

RUNTESTS = {"runtests.py": "import django\n"}
WORKFLOW = """
name: ci
jobs:
  test:
    steps:
      - uses: actions/checkout@v4
      - run: pip install tox
      - run: python -m pytest --version
      - name: Test
        run: |
          python -m pip install -e .
          coverage run --source=pkg -p -m unittest discover -s tests
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "tox.ini": "[testenv]\nsetenv =\n    MODE = test\n    py39: OLD = 1\ncommands =\n"
                "    pip list\n    py39: pytest\n    {envpython} -W error -m unittest {posargs:-v}\n"
            },
            TestCommand(
                UNITTEST,
                "tox.ini [testenv] commands",
                ("-m", "unittest", "-v"),
                "{envpython} -W error -m unittest {posargs:-v}",
                {"MODE": "test", "PYTHONWARNINGS": "error"},
            ),
        ),
        (
            {
                "pyproject.toml": "[tool.tox]\nlegacy_tox_ini = '''\n[testenv:py]\n"
                "commands = zope-testrunner --test-path=src\n'''\n"
            },
            TestCommand(
                ZOPE,
                "pyproject.toml [tool.tox] legacy_tox_ini [testenv:py] commands",
                ("-m", "zope.testrunner", "--test-path=src"),
                "zope-testrunner --test-path=src",
            ),
        ),
        (
            {
                "pyproject.toml": "[tool.tox.env_run_base]\ncommands = [['python', '-m', 'pytest']]\n"
                "set_env = { A = 'b' }\n"
            },
            TestCommand(PYTEST, "pyproject.toml [tool.tox.env_run_base] commands", (), "python -m pytest", {"A": "b"}),
        ),
        (
            {
                "noxfile.py": "import nox\n\n@nox.session\ndef tests(session):\n    session.install('.')\n"
                "    session.run('python', 'runtests.py', *session.posargs)\n    session.run('coverage', 'report')\n",
                **RUNTESTS,
            },
            TestCommand(SCRIPT, "noxfile.py session 'tests'", ("runtests.py",), "python runtests.py"),
        ),
        (
            {"hatch.toml": "[envs.default.scripts]\ntest = ['coverage run -m zope.testrunner --test-path=src -vc']\n"},
            TestCommand(
                ZOPE,
                "hatch.toml [envs.default.scripts] test",
                ("-m", "zope.testrunner", "--test-path=src", "-vc"),
                "coverage run -m zope.testrunner --test-path=src -vc",
                coverage_everything=True,
            ),
        ),
        (
            {"pyproject.toml": "[tool.hatch.envs.test.scripts]\ncov = 'pytest --cov {args}'\n"},
            TestCommand(PYTEST, "pyproject.toml [tool.hatch.envs.test.scripts] cov", (), "pytest --cov {args}"),
        ),
        (
            {
                "Makefile": "lint:\n\truff check\n\ntest:\n\t@echo testing\n\t-$(PYTHON) manage.py test --parallel\n",
                "manage.py": "import django\n",
            },
            TestCommand(
                SCRIPT,
                "Makefile test target",
                ("manage.py", "test", "--parallel"),
                "$(PYTHON) manage.py test --parallel",
            ),
        ),
        (
            {
                "tox.ini": "[testenv]\ncommands = pytest --cov pkg --cov-report=xml -n auto --junitxml x.xml "
                "-m 'not slow' --basetemp={envtmpdir} -nauto tests {posargs}\n"
            },
            TestCommand(
                PYTEST,
                "tox.ini [testenv] commands",
                ("-m", "not slow", "tests"),
                "pytest --cov pkg --cov-report=xml -n auto --junitxml x.xml -m 'not slow' --basetemp={envtmpdir} "
                "-nauto tests {posargs}",
                coverage_sources=("pkg",),
            ),
        ),
        (
            {"tests/test.py": "import unittest\n", "pkg/__init__.py": ""},
            TestCommand(
                UNITTEST,
                "the project's tests/test.py (unittest's file naming; pytest's collects no file)",
                ("-m", "unittest", "discover", "-s", "tests"),
                "python -m unittest discover tests",
            ),
        ),
        # Beside a file pytest's naming collects, or with pytest configured, pytest runs them as before.
        ({"tests/test.py": "import unittest\n", "tests/test_more.py": ""}, DEFAULT),
        ({"tests/test.py": "import unittest\n", "pytest.ini": "[pytest]\n"}, DEFAULT),
        (
            # structlog 26.1.0: the line for the test factor, not the type checker's.
            {"tox.ini": "[testenv]\ncommands =\n    tests: pytest {posargs}\n    mypy: mypy tests/typing\n"},
            TestCommand(PYTEST, "tox.ini [testenv] commands", (), "pytest {posargs}"),
        ),
        (
            # python-dateutil 4.0.0: {posargs}'s default holds tox's own folders.
            {
                "tox.ini": '[testenv]\ncommands = python -m pytest {posargs: "{toxinidir}/tests" "{toxinidir}/docs" '
                '--cov-config="{toxinidir}/tox.ini" --cov=dateutil}\n'
            },
            TestCommand(
                PYTEST,
                "tox.ini [testenv] commands",
                ("./tests", "./docs"),
                'python -m pytest {posargs: "{toxinidir}/tests" "{toxinidir}/docs" --cov-config="{toxinidir}/tox.ini" '
                "--cov=dateutil}",
                coverage_sources=("dateutil",),
            ),
        ),
        (
            # boltons 26.2.0: from another folder, paths that start at tox's folders and the installed package.
            {
                "tox.ini": "[testenv]\nchangedir = .tox\ncommands = pytest --doctest-modules "
                "{env_site_packages_dir}/boltons {tox_root}/tests {posargs}\n"
            },
            TestCommand(
                PYTEST,
                "tox.ini [testenv] commands",
                ("--doctest-modules", "boltons", "./tests"),
                "pytest --doctest-modules {env_site_packages_dir}/boltons {tox_root}/tests {posargs}",
            ),
        ),
        (
            # humanize 4.17.0: one command over several lines, each but the last ending in a backslash.
            {
                "tox.ini": "[testenv]\ncommands =\n    {envpython} -m pytest \\\n      --cov humanize \\\n"
                "      --cov tests \\\n      --cov-report term \\\n      {posargs}\n"
            },
            TestCommand(
                PYTEST,
                "tox.ini [testenv] commands",
                (),
                "{envpython} -m pytest --cov humanize --cov tests --cov-report term {posargs}",
                coverage_sources=("humanize", "tests"),
            ),
        ),
        (
            # Its paths are another folder's: pytest runs them from the project's.
            {"tox.ini": "[testenv]\nchangedir = tests\ncommands = pytest --cov --cov-branch unit\n"},
            TestCommand(
                PYTEST,
                "tox.ini [testenv] commands",
                (),
                "pytest --cov --cov-branch unit",
                coverage_branch=True,
                coverage_everything=True,
            ),
        ),
        (
            {".github/workflows/ci.yml": WORKFLOW},
            TestCommand(
                UNITTEST,
                ".github/workflows/ci.yml",
                ("-m", "unittest", "discover", "-s", "tests"),
                "coverage run --source=pkg -p -m unittest discover -s tests",
                coverage_sources=("pkg",),
            ),
        ),
        (
            {"tests/runtests.py": "import pytest\npytest.main()\n"},
            TestCommand(PYTEST, "the project's tests/runtests.py", ("tests/runtests.py",)),
        ),
        (
            # tox hands over to nothing it names: the next place (the script) says the runner.
            {"tox.ini": "[testenv]\ncommands = make docs\n    manage.py runserver\n", "manage.py": "", **RUNTESTS},
            TestCommand(SCRIPT, "the project's runtests.py", ("runtests.py",)),
        ),
        (
            {"tox.ini": "[testenv]\ncommands = coverage run {envbindir}/django-admin test -v2 {posargs:appconf}\n"},
            TestCommand(
                SCRIPT,
                "tox.ini [testenv] commands",
                ("-m", "django", "test", "-v2", "appconf"),
                "coverage run {envbindir}/django-admin test -v2 {posargs:appconf}",
                coverage_everything=True,
            ),
        ),
        (
            {"tox.ini": "[testenv]\ncommands =\n    {env:_TOX_CMD:pytest} {posargs}\n    coverage: coverage report\n"},
            TestCommand(PYTEST, "tox.ini [testenv] commands", (), "{env:_TOX_CMD:pytest} {posargs}"),
        ),
        (
            {"tox.toml": "[env_run_base]\ncommands = [['python', '-m', 'unittest', 'discover', '-s', 'tests/']]\n"},
            TestCommand(
                UNITTEST,
                "tox.toml [env_run_base] commands",
                ("-m", "unittest", "discover", "-s", "tests/"),
                "python -m unittest discover -s tests/",
            ),
        ),
        (
            {"pyproject.toml": "[tool.pdm.scripts]\ntest = {cmd = ['python', '-m', 'unittest', '-v']}\n"},
            TestCommand(
                UNITTEST, "pyproject.toml [tool.pdm.scripts] test", ("-m", "unittest", "-v"), "python -m unittest -v"
            ),
        ),
        (
            {"pyproject.toml": "[tool.poe.tasks]\ntest = 'pytest tests'\ntests = {shell = 'pytest'}\n"},
            TestCommand(PYTEST, "pyproject.toml [tool.poe.tasks] test", ("tests",), "pytest tests"),
        ),
        (
            {"pyproject.toml": "[tool.poe.tasks]\ntests = {shell = 'pytest'}\n[tool.pdm.scripts]\ntest = 1\n"},
            TestCommand(PYTEST, "pyproject.toml [tool.poe.tasks] tests", (), "pytest"),
        ),
        (
            {".github/workflows/test.yaml": "    steps:\n      - run: uv run --frozen --group test pytest tests\n"},
            TestCommand(PYTEST, ".github/workflows/test.yaml", ("tests",), "uv run --frozen --group test pytest tests"),
        ),
        (
            # The doctests' own step is not the test run.
            {".github/workflows/ci.yml": "steps:\n  - run: pytest --doctest-modules pkg\n  - run: pytest\n"},
            TestCommand(PYTEST, ".github/workflows/ci.yml", (), "pytest"),
        ),
        (
            {"manage.py": "import django\n"},
            TestCommand(SCRIPT, "the project's manage.py (Django's own runner)", ("manage.py", "test")),
        ),
        (
            # pytest-django is configured: pytest it is.
            {"manage.py": "import django\n", "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = site.settings\n"},
            TestCommand(PYTEST, "py-ci's default (the project names no test command)"),
        ),
        (
            {"Makefile": "test:\n\tCOVERAGE_FILE=x python3 -X dev -b -m coverage run --source pkg -m unittest\n"},
            TestCommand(
                UNITTEST,
                "Makefile test target",
                ("-m", "unittest"),
                "COVERAGE_FILE=x python3 -X dev -b -m coverage run --source pkg -m unittest",
                coverage_sources=("pkg",),
            ),
        ),
        (
            # make's own lower-case name; `-mMODULE` as Python reads it (jsonpointer's makefile).
            {"makefile": "test:\n\tpython3 -munittest\n"},
            TestCommand(UNITTEST, "makefile test target", ("-m", "unittest"), "python3 -munittest"),
        ),
        (
            # coverage by tox's environment's path (django-js-asset's tox.ini).
            {
                "tox.ini": "[testenv]\ncommands =\n"
                "    python -Wd {envbindir}/coverage run tests/manage.py test -v2 {posargs:testapp}\n",
                "tests/manage.py": "import django\n",
            },
            TestCommand(
                SCRIPT,
                "tox.ini [testenv] commands",
                ("tests/manage.py", "test", "-v2", "testapp"),
                "python -Wd {envbindir}/coverage run tests/manage.py test -v2 {posargs:testapp}",
                {"PYTHONWARNINGS": "d"},
                coverage_everything=True,
            ),
        ),
        (
            # django-admin found by the shell, its settings exported by the Makefile (django-formtools').
            {
                "Makefile": "export DJANGO_SETTINGS_MODULE = tests.settings\nexport PYTHONPATH := $(shell pwd)\n\n"
                "test:\n\t@ruff check .\n\t@ python -W error -m coverage run `which django-admin` test tests\n"
            },
            TestCommand(
                SCRIPT,
                "Makefile test target",
                ("-m", "django", "test", "tests"),
                "python -W error -m coverage run `which django-admin` test tests",
                {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONWARNINGS": "error"},
                coverage_everything=True,
            ),
        ),
        (
            # A quote left open: the words as they are split by spaces.
            {"hatch.toml": "[envs.test.scripts]\ntest = 'pytest -k \"fast'\n"},
            TestCommand(PYTEST, "hatch.toml [envs.test.scripts] test", ("-k", '"fast'), 'pytest -k "fast'),
        ),
        ({"setup.py": ""}, TestCommand(PYTEST, "py-ci's default (the project names no test command)")),
    ],
)
def test_the_command_is_found_where_the_project_keeps_it(
    tmp_path: Path, files: dict[str, str], expected: TestCommand
) -> None:
    write_files(tmp_path, files)
    assert find_test_command(ProjectFiles(tmp_path)) == expected


def test_a_file_that_is_not_text_names_no_command(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_bytes(b"test:\n\tpython -m unittest \xff\n")
    assert find_test_command(ProjectFiles(tmp_path)).runner == PYTEST


def test_the_runner_is_named_as_the_maintainers_start_it() -> None:
    assert TestCommand(SCRIPT, "x", ("manage.py", "test", "-v2")).title == "manage.py test"
    assert TestCommand(SCRIPT, "x", ("./runtests.py", "--fast")).title == "runtests.py"
    assert TestCommand(ZOPE, "x", ("-m", "zope.testrunner")).title == "zope.testrunner"
    assert TestCommand(SCRIPT, "x", ("-m", "django", "test")).title == "django-admin test"
    assert not TestCommand(PYTEST, "x").own_runner


# python-dateutil 4.0.0's tox.ini: the maintainers' tests run on pytest-xdist's workers through PYTEST_ADDOPTS.
DATEUTIL_TOX = """[testenv]
setenv =
    COVERAGE_FILE={toxworkdir}/.coverage.{envname}
    PYTEST_ADDOPTS=-n auto --dist worksteal {env:PYTEST_ADDOPTS:}
    MODE = {env:MODE:{env:FALLBACK:plain}}
commands = python -m pytest {posargs: "{toxinidir}/tests"}
"""


@pytest.mark.parametrize(
    ("environ", "addopts", "mode"),
    [
        ({}, "-n auto --dist worksteal ", "plain"),
        ({"PYTEST_ADDOPTS": "-x", "FALLBACK": "fallen back"}, "-n auto --dist worksteal -x", "fallen back"),
        ({"MODE": "given", "FALLBACK": "unused"}, "-n auto --dist worksteal ", "given"),
    ],
)
def test_tox_setenv_reads_the_environment_as_tox_does(
    tmp_path: Path, environ: dict[str, str], addopts: str, mode: str
) -> None:
    write_files(tmp_path, {"tox.ini": DATEUTIL_TOX})
    command = find_test_command(ProjectFiles(tmp_path), environ)
    # {toxworkdir} and {envname} are tox's own folders: that line is left, py-ci names coverage.py's data file.
    assert command.env == {"PYTEST_ADDOPTS": addopts, "MODE": mode}
    assert command.workers == ("auto", "tox.ini [testenv] commands, its PYTEST_ADDOPTS -n auto")


@pytest.mark.parametrize(
    ("line", "workers"),
    [
        ("pytest -n 4 tests", ("4", "tox.ini [testenv] commands -n 4")),
        ("pytest --numprocesses=logical", ("logical", "tox.ini [testenv] commands -n logical")),
        ("pytest -n 0 tests", None),
        ("pytest tests", None),
        ("python -m unittest -n 2", None),  # not pytest's option
    ],
)
def test_the_commands_own_workers(tmp_path: Path, line: str, workers: tuple[str, str] | None) -> None:
    write_files(tmp_path, {"tox.ini": f"[testenv]\ncommands = {line}\n"})
    assert find_test_command(ProjectFiles(tmp_path)).workers == workers
