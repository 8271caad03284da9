"""`py-ci install` on small real projects in every convention, installed by the real uv (and pip): then their
tests run with their dependencies, and the checkout is what they import."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.tool_runs import PLUGINS
from tests.helpers import BIN, PYTHON, Outcome, assert_one_line_error, find_python, fresh_venv, run, write_files

PyCI = Callable[..., Outcome]
HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
PROJECT = '[project]\nname = "demo"\nversion = "1.0"\n'
# The tests need six, a dependency only the tests declare; a docs group asks for what does not exist.
CODE = {
    "demo/__init__.py": "def answer() -> int:\n    return 42\n",
    "tests/test_demo.py": (
        "import six\n\nfrom demo import answer\n\n\ndef test_answer():\n    assert answer() == 42 and six.PY3\n"
    ),
}
MISSING = "py-ci-no-such-package-for-docs==0.0.0"

CONVENTIONS: dict[str, tuple[dict[str, str], str, str]] = {
    "dependency groups": (
        {"pyproject.toml": f'{HATCHLING}{PROJECT}[dependency-groups]\ntest = ["six"]\ndocs = ["{MISSING}"]\n'},
        "dependency groups",
        "pyproject.toml [dependency-groups] test",
    ),
    "dev group when there is no test group": (
        {"pyproject.toml": f'{HATCHLING}{PROJECT}[dependency-groups]\ndev = ["six"]\ndocs = ["{MISSING}"]\n'},
        "dependency groups",
        "pyproject.toml [dependency-groups] dev",
    ),
    "extras": (
        {
            "pyproject.toml": f"{HATCHLING}{PROJECT}[project.optional-dependencies]\n"
            f'tests = ["six"]\ndocs = ["{MISSING}"]\n'
        },
        "extras",
        "pyproject.toml [project.optional-dependencies] tests",
    ),
    "poetry group": (
        {
            "pyproject.toml": '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
            '[tool.poetry]\nname = "demo"\nversion = "1.0"\ndescription = ""\nauthors = []\n'
            '[tool.poetry.dependencies]\npython = "^3.11"\n[tool.poetry.group.test.dependencies]\nsix = "^1.16"\n'
            f'[tool.poetry.group.docs.dependencies]\n"{MISSING.split("==")[0]}" = "0.0.0"\n'
        },
        "poetry",
        "pyproject.toml [tool.poetry.group.test]",
    ),
    "poetry dev-dependencies": (
        {
            "pyproject.toml": '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
            '[tool.poetry]\nname = "demo"\nversion = "1.0"\ndescription = ""\nauthors = []\n'
            '[tool.poetry.dependencies]\npython = ">=3.9"\n[tool.poetry.dev-dependencies]\nsix = "~1.17"\n'
        },
        "poetry",
        "pyproject.toml [tool.poetry.dev-dependencies]",
    ),
    "pdm": (
        {
            "pyproject.toml": '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n'
            f'{PROJECT}[tool.pdm.dev-dependencies]\ntest = ["six>=1.16"]\ndoc = ["{MISSING}"]\n'
        },
        "pdm",
        "pyproject.toml [tool.pdm.dev-dependencies] test",
    ),
    "hatch test environment": (
        {
            "pyproject.toml": f"{HATCHLING}{PROJECT}[project.optional-dependencies]\nfast = []\n"
            '[tool.hatch.envs.test]\ndependencies = ["six"]\nfeatures = ["fast"]\n'
            f'[tool.hatch.envs.docs]\ndependencies = ["{MISSING}"]\n'
        },
        "hatch",
        "pyproject.toml [tool.hatch.envs.test]",
    ),
    "requirements folder": (
        {"pyproject.toml": HATCHLING + PROJECT, "requirements/tests.txt": "six\n", "requirements/docs.txt": MISSING},
        "requirements files",
        "requirements/tests.txt",
    ),
    "requirements-dev without requirements.txt": (
        {"pyproject.toml": HATCHLING + PROJECT, "requirements-dev.txt": "six\n"},
        "requirements files",
        "requirements-dev.txt",
    ),
    "tests/requirements.txt beside requirements.txt": (
        {"pyproject.toml": HATCHLING + PROJECT, "requirements.txt": "", "tests/requirements.txt": "six\n"},
        "requirements files",
        "requirements.txt, tests/requirements.txt",
    ),
    "tox": (
        {
            "pyproject.toml": HATCHLING + PROJECT,
            "tox.ini": f"[tox]\nenv_list = py\n\n[testenv]\ndeps =\n    six\n    docs: {MISSING}\ncommands = pytest\n",
        },
        "tox",
        "tox.ini [testenv] deps",
    ),
    "nox": (
        {
            "pyproject.toml": HATCHLING + PROJECT,
            "noxfile.py": "import nox\n\n\n@nox.session\ndef tests(session):\n    session.install('.', 'six')\n"
            f"    session.run('pytest')\n\n\n@nox.session\ndef docs(session):\n    session.install('{MISSING}')\n",
        },
        "nox",
        "noxfile.py session 'tests'",
    ),
}


venv = fresh_venv


@pytest.mark.parametrize("name", CONVENTIONS)
def test_each_convention_installs_what_the_tests_need(py_ci: PyCI, tmp_path: Path, name: str) -> None:
    files, convention, found = CONVENTIONS[name]
    project = tmp_path / "demo"
    write_files(project, {**CODE, **files})
    python = venv(tmp_path / "venv")
    outcome = py_ci("install", str(project), "--python", str(python), "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert (result["layout"], result["found"], result["installer"]) == (convention, found, "uv")
    assert result["checked"] == [{"package": "demo", "from": "demo/__init__.py"}]
    assert set(result["added_tools"]) == {"ruff", "mypy", "pytest", "coverage", "pytest-cov"}
    assert MISSING not in " ".join(result["commands"])  # never a group or extra that only builds docs
    tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert "1 passed" in tests.stdout


def test_a_uv_lock_project_runs_on_the_python_asked_for(py_ci: PyCI, tmp_path: Path) -> None:
    """This machine's default is 3.11: asked for 3.12, the project's environment is 3.12."""
    asked = find_python("3.12")
    project = tmp_path / "locked"
    write_files(
        project,
        {
            **CODE,
            "pyproject.toml": f'{HATCHLING}{PROJECT}requires-python = ">=3.11"\n[dependency-groups]\ntest = ["six"]\n',
        },
    )
    run([PYTHON, "-m", "uv", "lock", "--python", asked], project)  # the lock is made here, never stored
    outcome = py_ci("install", str(project), "--python", asked, "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["python"] == str(project / ".venv" / "bin" / "python")
    version = run([result["python"], "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], project).stdout
    assert version.strip() == "3.12"
    assert any("uv sync --frozen --python" in command and "--group test" in command for command in result["commands"])
    assert "1 passed" in run([result["python"], "-m", "pytest", "-q", "-p", "no:cacheprovider"], project).stdout


def test_pip_when_asked(py_ci: PyCI, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    write_files(project, {**CODE, "pyproject.toml": HATCHLING + PROJECT, "requirements-dev.txt": "six\n"})
    run([PYTHON, "-m", "venv", str(tmp_path / "venv")], tmp_path)  # pip's own environment has pip
    python = tmp_path / "venv" / "bin" / "python"
    outcome = py_ci("install", str(project), "--python", str(python), "--installer", "pip", "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["installer"] == "pip"
    assert all(command.startswith(f"{python} -m pip install") for command in result["commands"])
    assert "1 passed" in run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project).stdout


def test_a_failed_install_names_its_file_and_the_way_around(py_ci: PyCI, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    write_files(project, {**CODE, "pyproject.toml": HATCHLING + PROJECT, "requirements-dev.txt": f"{MISSING}\n"})
    outcome = py_ci("install", str(project), "--python", str(venv(tmp_path / "venv")), cwd=tmp_path)
    assert_one_line_error(
        outcome, "the project and its test dependencies from requirements-dev.txt failed (exit 1)", after_progress=True
    )
    last = outcome.stderr.splitlines()[-1]
    assert "py-ci-no-such-package-for-docs" in last
    assert last.endswith(
        "fix it in requirements-dev.txt, or give the command yourself (the action's install input), "
        "or choose pip (installer: pip)"
    )


def test_a_copy_that_is_not_the_checkout_is_an_error(py_ci: PyCI, tmp_path: Path) -> None:
    project = tmp_path / "demo"
    write_files(project, {**CODE, "pyproject.toml": HATCHLING + PROJECT})
    python = venv(tmp_path / "venv")
    run([PYTHON, "-m", "uv", "pip", "install", "--python", str(python), str(project)], tmp_path)  # not editable
    outcome = py_ci("install", str(project), "--python", str(python), "--tools-only", cwd=tmp_path)
    assert_one_line_error(outcome, "the project's package 'demo' imports from ", after_progress=True)
    assert "site-packages/demo/__init__.py, not from the checkout" in outcome.stderr


VERSIONED = {
    "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'
    'build-backend = "setuptools.build_meta"\n[project]\nname = "corelib"\ndynamic = ["version"]\n'
    '[tool.setuptools_scm]\n[tool.setuptools]\npackages = ["corelib"]\n'
    '[dependency-groups]\ntest = ["needs-corelib"]\n',
    "corelib/__init__.py": "VALUE = 'the checkout'\n",
    "tests/test_corelib.py": (
        "import needs_corelib\n\n\ndef test_value():\n    assert needs_corelib.value() == 'the checkout'\n"
    ),
}
# A test dependency that needs the project itself (as pytest needs pluggy), and the project's release "on the index".
NEEDS = {
    "pyproject.toml": f'{HATCHLING}[project]\nname = "needs-corelib"\nversion = "1.0"\n'
    'dependencies = ["corelib>=2.0"]\n',
    "needs_corelib/__init__.py": "import corelib\n\n\ndef value():\n    return corelib.VALUE\n",
}


def git(root: Path, *args: str) -> None:
    env = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main"]
    subprocess.run(["git", *env, *args], cwd=root, check=True, capture_output=True)


def test_an_untagged_checkout_of_a_vcs_versioned_project_is_still_what_is_tested(py_ci: PyCI, tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    write_files(origin, VERSIONED)
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "release")
    git(origin, "tag", "v2.3.1")
    index = tmp_path / "index"
    released = {**VERSIONED, "corelib/__init__.py": "VALUE = 'the release'\n"}
    write_files(tmp_path / "release", released)
    build = [PYTHON, "-m", "uv", "build", "--wheel", "--out-dir", str(index)]
    run(build, tmp_path / "release", {"SETUPTOOLS_SCM_PRETEND_VERSION": "2.3.1"})
    write_files(tmp_path / "needs", NEEDS)
    run(build, tmp_path / "needs")
    # As actions/checkout leaves it: one commit, no tags.
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-tags", origin.as_uri(), str(tmp_path / "checkout")], check=True
    )
    checkout = tmp_path / "checkout"
    python = venv(tmp_path / "venv")
    env = {"UV_FIND_LINKS": str(index)}
    outcome = py_ci("install", str(checkout), "--python", str(python), "--json", cwd=tmp_path, env=env)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["checked"] == [{"package": "corelib", "from": "corelib/__init__.py"}]
    assert result["notes"] == [
        "untagged checkout of a VCS-versioned project: version 2.3.1+checkout, from origin's newest tag, "
        "given to its plugin"
    ]
    version = run([str(python), "-c", "import importlib.metadata as m; print(m.version('corelib'))"], tmp_path).stdout
    assert version.strip() == "2.3.1+checkout"
    # The test dependency that needs the project got the checkout, not the release beside it in the index.
    assert "1 passed" in run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], checkout).stdout


def test_a_tool_alone_for_a_job_that_needs_only_it(py_ci: PyCI, tmp_path: Path) -> None:
    """The workflow's coverage job: coverage.py in an environment of its own, no project, nothing to check."""
    python = venv(tmp_path / "venv")
    outcome = py_ci("install", "--python", str(python), "--tool", "coverage", "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert (result["layout"], result["added_tools"], result["checked"]) == ("the tools alone", ["coverage"], [])
    assert run([str(python), "-m", "coverage", "--version"], tmp_path).stdout.startswith("Coverage.py, version 7.17.3")
    assert_one_line_error(py_ci("install", "--tool", "nose", cwd=tmp_path), "argument --tool: 'nose' is not one of")


def test_coverage_alone_brings_the_plugins_its_configuration_names(py_ci: PyCI, tmp_path: Path) -> None:
    """coverage.py imports [run] plugins to read its configuration: the gate's combine needs them (platformdirs')."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\noptional-dependencies.test = ["covdefaults==2.3.0"]\n'
        '[tool.coverage.run]\nplugins = ["covdefaults"]\n'
    )
    python = venv(tmp_path / "venv")
    outcome = py_ci("install", "--python", str(python), "--tool", "coverage", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert "+ covdefaults==2.3.0" in outcome.stderr  # at the version the project's test extra names
    # coverage.py reads the configuration, plugin and all, where it failed with "No module named 'covdefaults'".
    assert run([str(python), "-m", "coverage", "report"], tmp_path, allowed=(1,)).stdout.startswith("No data")


def test_a_plugin_the_coverage_configuration_names_and_no_requirement_lists_is_installed_too(
    py_ci: PyCI, tmp_path: Path
) -> None:
    """pycodestyle's sdist: setup.cfg names covdefaults, nothing lists it; coverage.py would stop before the tests."""
    write_files(
        tmp_path,
        {
            "setup.cfg": "[metadata]\nname = p\nversion = 1\n[options]\npy_modules = p\n[coverage:run]\n"
            "plugins = covdefaults\n",
            "setup.py": "from setuptools import setup\nsetup()\n",
            "p.py": "x = 1\n",
            "test_p.py": "import p\n\ndef test_p():\n    assert p.x == 1\n",
        },
    )
    python = venv(tmp_path / "venv")
    outcome = py_ci("install", "--python", str(python), "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert "covdefaults" in json.loads(outcome.stdout)["commands"][-1]
    tests = run([str(python), "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path)
    assert "1 passed" in tests.stdout


def test_on_python_3_9_the_tools_are_the_newest_that_still_support_it(py_ci: PyCI, tmp_path: Path) -> None:
    """py-ci's pins are ceilings: pytest 9 and coverage 7.11 left 3.9 behind, so a 3.9 leg gets their last releases."""
    python = venv(tmp_path / "venv", find_python("3.9"))
    tools = ("--tool", "pytest", "--tool", "coverage", "--tool", "pytest-xdist")
    outcome = py_ci("install", "--python", str(python), *tools, "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert json.loads(outcome.stdout)["added_tools"] == ["pytest", "coverage", "pytest-xdist"]
    versions = run([str(python), "-c", "import pytest, coverage, xdist; print(pytest.__version__)"], tmp_path)
    assert versions.stdout.strip() == "8.4.2"
    assert run([str(python), "-m", "coverage", "--version"], tmp_path).stdout.startswith("Coverage.py, version 7.10.")
    # py-ci's pytest plugin runs on that Python too: it keeps its shard of the tests.
    write_files(
        tmp_path / "suite",
        {"tests/test_a.py": "def test_a():\n    pass\n", "tests/test_b.py": "def test_b():\n    pass\n"},
    )
    env = {"PYTHONPATH": str(PLUGINS), "PYTEST_SHARD": "2/2"}
    sharded = run([str(python), "-m", "pytest", "-p", "no:cacheprovider", "-p", "py_ci_shard"], tmp_path / "suite", env)
    assert "1 passed, 1 deselected" in sharded.stdout


def test_a_lint_job_installs_the_projects_ruff_alone(py_ci: PyCI, tmp_path: Path) -> None:
    """ruff reads the files: no project, no test tools; and the ruff the project asks for, not py-ci's."""
    project = tmp_path / "project"
    (project / "lintme").mkdir(parents=True)
    (project / "lintme" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "lintme"\nversion = "1"\ndependencies = ["attrs"]\n'
        '[dependency-groups]\ntest = ["pytest"]\nlint = ["ruff==0.15.2"]\n'
    )
    python = venv(tmp_path / "venv")
    env = {"PY_CI_CHECKS": "lint,format"}
    outcome = py_ci("install", str(project), "--python", str(python), "--json", cwd=tmp_path, env=env)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert (result["layout"], result["added_tools"]) == ("the tools alone", ["ruff"])
    assert "ruff alone (lint and format need no project)" in outcome.stderr
    assert "ruff==0.15.2, as pyproject.toml [dependency-groups] lint asks" in outcome.stderr
    assert run([str(python), "-m", "ruff", "--version"], tmp_path).stdout.strip() == "ruff 0.15.2"
    listed = run([str(BIN / "uv"), "pip", "list", "--python", str(python), "--format=freeze"], tmp_path).stdout
    assert listed.split() == ["ruff==0.15.2"]  # neither the project, its dependencies nor pytest


def test_lowest_direct_installs_the_oldest_versions_the_ranges_allow(py_ci: PyCI, tmp_path: Path) -> None:
    """uv's lowest-direct: each of the project's own ranges at its floor, and no tool added after lifts one."""
    project = tmp_path / "project"
    write_files(project, {"floors/__init__.py": ""})
    (project / "pyproject.toml").write_text(
        '[project]\nname = "floors"\nversion = "1"\ndependencies = ["packaging>=24.0", "idna>=3.4,<4"]\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    python = venv(tmp_path / "venv")
    env = {"PY_CI_RESOLUTION": "lowest-direct", "PY_CI_CHECKS": "test"}
    outcome = py_ci("install", str(project), "--python", str(python), "--json", cwd=tmp_path, env=env)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert "--resolution lowest-direct -e ." in result["commands"][0]
    floors = "resolution lowest-direct, the oldest versions the project's ranges allow: idna 3.4, packaging 24.0"
    assert result["notes"] == [floors]
    listed = run([str(BIN / "uv"), "pip", "list", "--python", str(python), "--format=freeze"], tmp_path).stdout
    assert {"idna==3.4", "packaging==24.0", "pytest==9.2.0"} <= set(listed.split())  # pytest did not lift packaging
    # Floors the test tools cannot live with: said, with the way out; and pip has no such resolution.
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text().replace(">=24.0", ">=23.0"))
    outcome = py_ci("install", str(project), "--python", str(venv(tmp_path / "v2")), cwd=tmp_path, env=env)
    assert_one_line_error(outcome, "pytest>=9.2.0 depends on packaging>=24", after_progress=True)
    assert "raise those lower bounds, or list the test tools in the project's test dependencies" in outcome.stderr
    env["PY_CI_INSTALLER"] = "pip"
    assert_one_line_error(
        py_ci("install", str(project), "--python", PYTHON, cwd=tmp_path, env=env),
        "resolution lowest-direct is uv's: pip has none; leave installer: pip out of that leg",
    )


def test_parallel_tests_get_pytest_xdist(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(
        tmp_path / "project", {"par/__init__.py": "", "pyproject.toml": '[project]\nname = "par"\nversion = "1"\n'}
    )
    python = venv(tmp_path / "venv")
    env = {"PY_CI_PARALLEL": "true", "PY_CI_CHECKS": "test"}
    outcome = py_ci("install", "project", "--python", str(python), "--json", cwd=tmp_path, env=env)
    assert outcome.status == 0, outcome.stderr
    assert "pytest-xdist" in json.loads(outcome.stdout)["added_tools"]
    assert run([str(python), "-c", "import xdist, pytest_cov"], tmp_path).returncode == 0


def test_a_tox_extra_beside_a_dependency_group_is_installed_too(py_ci: PyCI, tmp_path: Path) -> None:
    # The group has what every test needs; the tox environment adds the extra one test needs: none is skipped.
    project = tmp_path / "demo"
    files = {
        **CODE,
        "pyproject.toml": f"{HATCHLING}{PROJECT}[project.optional-dependencies]\ntoml = ['tomli-w']\n"
        "[dependency-groups]\ntest = ['six']\n",
        "tox.ini": "[testenv]\nextras = toml\ncommands = pytest {posargs}\n",
        "tests/test_toml.py": "import pytest\n\n\ndef test_dumps():\n    tomli_w = pytest.importorskip('tomli_w')\n"
        "    assert tomli_w.dumps({'a': 1}) == 'a = 1\\n'\n",
    }
    write_files(project, files)
    python = venv(tmp_path / "venv")
    outcome = py_ci("install", str(project), "--python", str(python), "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["layout"] == "dependency groups + tox"
    assert result["found"] == "pyproject.toml [dependency-groups] test; tox.ini [testenv] deps"
    tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"], project)
    assert tests.stdout.splitlines()[-1].startswith("2 passed in")
