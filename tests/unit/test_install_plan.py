"""What installs a project, read from its files, and the commands uv or pip is given for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.install import Installer, project_steps, tool_step
from py_ci.readers.dependencies import TestDependencies, find_test_dependencies, installed_names, pick
from py_ci.readers.poetry import constraint, poetry_requirements
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.requirement_lists import requirement_lists
from tests.helpers import write_files

PROJECT = "[project]\nname = 'a'\nversion = '1'\n"
UV = Installer("uv", ("python", "-m", "uv"))


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"uv.lock": "", "pyproject.toml": PROJECT + "[dependency-groups]\ntest = ['x']\ndocs = ['y']\n"},
            TestDependencies("uv.lock", "uv.lock, with group test", groups=("test",), lock=True),
        ),
        (
            {"pyproject.toml": PROJECT + "[dependency-groups]\ndev = ['x']\ndocs = ['y']\nlint = ['z']\n"},
            TestDependencies("dependency groups", "pyproject.toml [dependency-groups] dev", groups=("dev",)),
        ),
        (
            {
                "pyproject.toml": PROJECT
                + "[dependency-groups]\ndocs = ['y']\n[project.optional-dependencies]\ntests = ['x']\n"
            },
            TestDependencies("extras", "pyproject.toml [project.optional-dependencies] tests", extras=("tests",)),
        ),
        (
            {
                "pyproject.toml": PROJECT
                + "[tool.pdm.dev-dependencies]\ntest = ['x', '-e file:///${PROJECT_ROOT}/sub']\n"
            },
            TestDependencies("pdm", "pyproject.toml [tool.pdm.dev-dependencies] test", requirements=("x",)),
        ),
        (
            {
                "pyproject.toml": PROJECT + "[tool.hatch.envs.default]\ndependencies = ['x']\n"
                "[tool.hatch.envs.tests]\nextra-dependencies = ['y']\nfeatures = ['z']\n"
            },
            TestDependencies("hatch", "pyproject.toml [tool.hatch.envs.tests]", extras=("z",), requirements=("y", "x")),
        ),
        (
            # A test environment that is its own template inherits nothing of the default's (platformdirs 4.3.7).
            {
                "pyproject.toml": PROJECT + "[tool.hatch.envs.default]\nfeatures = ['test', 'docs']\n"
                "[tool.hatch.envs.test]\ntemplate = 'test'\nfeatures = ['test']\n"
            },
            TestDependencies("hatch", "pyproject.toml [tool.hatch.envs.test]", extras=("test",)),
        ),
        (
            {"requirements.txt": "", "requirements/test.txt": "x\n", "requirements-dev.txt": "y\n"},
            TestDependencies(
                "requirements files",
                "requirements.txt, requirements/test.txt",
                False,
                files=("requirements.txt", "requirements/test.txt"),
            ),
        ),
        (
            {
                "setup.py": "",
                "tox.ini": "[testenv]\ndeps =\n    -r{toxinidir}/req.txt\n    x>=1\n    py312: y\nextras = a, b\n",
            },
            TestDependencies(
                "tox", "tox.ini [testenv] deps", extras=("a", "b"), files=("{root}/req.txt",), requirements=("x>=1",)
            ),
        ),
        (
            {
                "noxfile.py": "import nox\n@nox.session(name='tests')\ndef t(session):\n"
                "    session.install('-r', 'r.txt', '.[x]', 'y')\n"
            },
            TestDependencies("nox", "noxfile.py session 'tests'", extras=("x",), files=("r.txt",), requirements=("y",)),
        ),
        (
            {"setup.py": "", "setup.cfg": "[options.extras_require]\ndocs = y\ntesting = x\n"},
            TestDependencies("extras", "setup.cfg [options.extras_require] testing", extras=("testing",)),
        ),
        (
            {"setup.py": "", "hatch.toml": "[envs.test]\ndependencies = ['x']\n[envs.docs]\ndependencies = ['y']\n"},
            TestDependencies("hatch", "hatch.toml [envs.test]", requirements=("x",)),
        ),
        (
            # Read together: the group installs, tox's environment adds its extra and deps, nox its requirement;
            # the requirements file (a whole setup of its own) is left.
            {
                "pyproject.toml": PROJECT + "[dependency-groups]\ntest = ['x']\n",
                "tox.ini": "[testenv]\nextras = a\ndeps =\n    -r {toxinidir}/req.txt\n    y\n",
                "noxfile.py": "import nox\n@nox.session\ndef tests(session):\n    session.install('.[a]', 'z')\n",
                "requirements-dev.txt": "w\n",
            },
            TestDependencies(
                "dependency groups + tox + nox",
                "pyproject.toml [dependency-groups] test; tox.ini [testenv] deps; noxfile.py session 'tests'",
                extras=("a",),
                groups=("test",),
                files=("req.txt",),
                requirements=("y", "z"),
            ),
        ),
        (
            # A lock installs as locked: tox adds the extra the lock knows, not its loose requirements.
            {"uv.lock": "", "pyproject.toml": PROJECT, "tox.ini": "[testenv]\nextras = a\ndeps = y\n"},
            TestDependencies(
                "uv.lock + tox", "uv.lock, with its default groups; tox.ini [testenv] deps", extras=("a",), lock=True
            ),
        ),
        (
            # Nothing to add: the same group twice is one convention.
            {"uv.lock": "", "pyproject.toml": PROJECT + "[dependency-groups]\ntest = ['x']\n"},
            TestDependencies("uv.lock", "uv.lock, with group test", groups=("test",), lock=True),
        ),
        (
            # Requirements files alone install no project: an extra of tox's has nothing to go with.
            {"requirements-dev.txt": "x\n", "tox.ini": "[testenv]\nextras = a\ndeps = y\n"},
            TestDependencies(
                "requirements files + tox",
                "requirements-dev.txt; tox.ini [testenv] deps",
                False,
                files=("requirements-dev.txt",),
                requirements=("y",),
            ),
        ),
        (
            # tox's environment builds the docs too (sphinx's doctest): py-ci takes what the tests need.
            {"setup.py": "", "tox.ini": "[testenv]\nextras =\n    test\n    docs\ndependency_groups = testing\n"},
            TestDependencies("tox", "tox.ini [testenv] deps", extras=("test",), groups=("testing",)),
        ),
        (
            {"setup.py": "", "tox.toml": "[env_run_base]\nextras = ['re2']\ndeps = ['x', '-r r.txt']\n"},
            TestDependencies("tox", "tox.toml [env_run_base] deps", extras=("re2",), requirements=("x",)),
        ),
        (
            # structlog 26.1.0: the test factor's group, not the type checkers'.
            {"setup.py": "", "tox.ini": "[testenv]\ndependency_groups =\n    tests: tests\n    mypy: typing\n"},
            TestDependencies("tox", "tox.ini [testenv] deps", groups=("tests",)),
        ),
        (
            {"setup.py": "", "tox.ini": "[testenv]\ndeps =\n    x\n    py38: old\n    !tests: lint\n"},
            TestDependencies("tox", "tox.ini [testenv] deps", requirements=("x",)),
        ),
        (
            # idna 3.20: no extra named for the tests; the one that lists pytest is theirs.
            {
                "pyproject.toml": PROJECT
                + "[project.optional-dependencies]\nall = ['ruff', 'pytest >= 8', 'hypothesis']\n"
            },
            TestDependencies("extras", "pyproject.toml [project.optional-dependencies] all", extras=("all",)),
        ),
        ({"setup.py": ""}, TestDependencies("the project alone", "setup.py")),
        ({}, TestDependencies("nothing to install", "no pyproject.toml, setup.py or requirements file", project=False)),
    ],
)
def test_detection_in_the_documented_order(tmp_path: Path, files: dict[str, str], expected: TestDependencies) -> None:
    write_files(tmp_path, files)
    found = find_test_dependencies(ProjectFiles(tmp_path))
    assert found.convention == expected.convention
    assert (found.found, found.project, found.extras, found.groups, found.requirements, found.lock) == (
        expected.found,
        expected.project,
        expected.extras,
        expected.groups,
        expected.requirements,
        expected.lock,
    )
    assert found.files == tuple(f.replace("{root}", str(tmp_path)) for f in expected.files)


def test_test_groups_first_dev_only_without_them_docs_never() -> None:
    assert pick(["docs", "dev", "test", "tests"]) == ("test", "tests")
    assert pick(["docs", "dev", "develop"]) == ("dev",)
    assert pick(["docs", "lint"]) == ()


@pytest.mark.parametrize(
    ("poetry", "pep440"),
    [
        ("^1.2.3", ">=1.2.3,<2"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("~1", ">=1,<2"),
        ("*", ""),
        ("1.2.3", "==1.2.3"),
        (">=1,<2", ">=1,<2"),
        ("1.2.*", "==1.2.*"),
    ],
)
def test_poetrys_ranges_as_poetry_means_them(poetry: str, pep440: str) -> None:
    assert constraint(poetry) == pep440


def test_poetry_dependencies_at_the_locks_versions(tmp_path: Path) -> None:
    deps = {
        "python": "^3.9",
        "six": "^1.16",
        "rich": {"version": "*", "extras": ["jupyter"]},
        "old": {"version": "1", "python": "<3.0"},
    }
    lock = {"package": [{"name": "six", "version": "1.17.0"}]}
    assert poetry_requirements(deps, lock, tmp_path) == ("six==1.17.0", "rich[jupyter]")


def test_one_resolution_for_the_project_and_its_tests(tmp_path: Path) -> None:
    deps = TestDependencies(
        "requirements files", "x", extras=("a",), groups=("test",), files=("r.txt",), requirements=("y",)
    )
    [step] = project_steps(deps, "/py", UV)
    assert step.command == (
        "python",
        "-m",
        "uv",
        "pip",
        "install",
        "--python",
        "/py",
        "-e",
        ".[a]",
        "--group",
        "test",
        "-r",
        "r.txt",
        "y",
    )
    pip = project_steps(deps, "/py", Installer("pip"))
    assert [s.command[-1] for s in pip] == ["pip>=25.1", "y"]  # pip reads dependency groups from 25.1 on
    locked = project_steps(TestDependencies("uv.lock", "uv.lock", groups=("test",), lock=True), "/py", UV)
    assert locked[0].command[3:] == ("sync", "--frozen", "--python", "/py", "--no-default-groups", "--group", "test")


def test_lowest_direct_resolves_the_ranges_anew_even_over_a_lock() -> None:
    deps = TestDependencies("dependency groups", "x", groups=("test",))
    [step] = project_steps(deps, "/py", UV, "lowest-direct")
    assert step.command[3:9] == ("pip", "install", "--python", "/py", "--resolution", "lowest-direct")
    locked = TestDependencies("uv.lock", "uv.lock", lock=True)
    assert project_steps(locked, "/py", UV, "lowest-direct")[0].command[3:6] == (
        "sync",
        "--resolution",
        "lowest-direct",
    )


def test_the_tools_are_pinned_and_hold_the_project(tmp_path: Path) -> None:
    step = tool_step(["pytest", "coverage"], "/py", UV, tmp_path / "held.txt", {})
    assert step.command[-6:] == (
        "-c",
        str(tmp_path / "held.txt"),
        'pytest==9.2.0; python_version >= "3.11"',
        'pytest<=9.2.0; python_version < "3.11"',  # on 3.9 and 3.10: the newest pytest that still supports it
        'coverage==7.17.3; python_version >= "3.11"',
        'coverage<=7.17.3; python_version < "3.11"',
    )
    asked = tool_step(["ruff", "mypy"], "/py", UV, None, {"ruff": "ruff==0.6.9"})
    # The project's own ruff, py-ci's mypy.
    assert asked.command[-3:] == (
        "ruff==0.6.9",
        'mypy==2.4.1; python_version >= "3.11"',
        'mypy<=2.4.1; python_version < "3.11"',
    )


def test_what_the_tests_install_is_every_list_they_name(tmp_path: Path) -> None:
    """The names pytest's plugins are known by: the chosen extras, the project's own extras they name (jaraco's
    `test = ["p[cover]"]`), the tox environment's files and requirements; not the lists the tests do not take."""
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'P.Q'\nversion = '1'\n[project.optional-dependencies]\n"
            "test = ['pytest >= 6', 'p-q[cover, enabler]']\ncover = ['pytest-cov; python_version > \"3\"']\n"
            "enabler = ['pytest-enabler', 'p_q[cover]']\ndocs = ['sphinx']\n",
            "tox.ini": "[testenv]\nextras = test\ndeps =\n    -r requirements/extra.txt\n    hypothesis\n",
            "requirements/extra.txt": "# more\nfreezegun==1.5  # clocks\n-c constraints.txt\n",
        },
    )
    project = ProjectFiles(tmp_path)
    deps = find_test_dependencies(project)
    assert installed_names(project, deps) == {"pytest", "pytest-cov", "pytest-enabler", "hypothesis", "freezegun"}
    # Read once: the second reading is the first one's.
    assert requirement_lists(project) is requirement_lists(project)
