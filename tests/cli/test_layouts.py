"""Every layout a project keeps its code in, read once: the install's checkout proof, mypy's targets and coverage.py's
source all name the project's own packages, never its tests. Real projects, real uv, mypy, pytest and coverage.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PYTHON, Outcome, run, write_files

PyCI = Callable[..., Outcome]
MODULE = {
    "mod.py": """
        def half(value: int) -> int:
            if value < 0:
                return 0
            return value // 2
        """,
    "test_mod.py": "from mod import half\n\n\ndef test_half() -> None:\n    assert half(4) == 2\n",
    "tests/test_more.py": "from mod import half\n\n\ndef test_negative() -> None:\n    assert half(-1) == 0\n",
}
NAMESPACE = {
    "setup.py": "from setuptools import setup\nsetup(name = 'ns-pkg')\n",
    "src/ns/pkg/__init__.py": "from ns.pkg.core import double\n\n__all__ = ['double']\n",
    "src/ns/pkg/core.py": "def double(value: int) -> int:\n    if value < 0:\n        return 0\n    return value * 2\n",
    "tests/test_pkg.py": "from ns.pkg import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n",
}


def py_ci_run(py_ci: PyCI, root: Path, pythonpath: Path, **env: str) -> tuple[Outcome, dict[str, Any]]:
    env["PYTHONPATH"] = str(pythonpath)
    outcome = py_ci("run", "--python", PYTHON, "--json", "--checks", "typecheck,test", cwd=root, env=env)
    return outcome, json.loads(outcome.stdout)


def command_of(result: dict[str, Any], check: str) -> str:
    return str(next(item for item in result["ran"] if item["check"] == check)["command"])


def test_a_single_module_beside_its_tests_is_measured_and_checked_alone(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(tmp_path, {**MODULE, "pyproject.toml": '[project]\nname = "halving-tools"\nversion = "1"\n'})
    outcome, result = py_ci_run(py_ci, tmp_path, tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert command_of(result, "mypy") == "mypy --strict mod.py"
    assert "coverage: the project's packages (the project's top-level modules)" in str(result["ran"])
    assert [file["path"] for file in result["coverage"]["files"]] == ["mod.py"]
    assert (result["tests"]["passed"], result["coverage"]["total"]) == (2, 100.0)


def test_the_checkout_proof_of_a_single_module_leaves_its_tests_alone(py_ci: PyCI, tmp_path: Path) -> None:
    project = tmp_path / "project"
    # setuptools ships the module it is told of; the tests beside it stay out of the wheel.
    pyproject = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
    pyproject += '[project]\nname = "halving-tools"\nversion = "1"\n[tool.setuptools]\npy-modules = ["mod"]\n'
    write_files(project, {**MODULE, "pyproject.toml": pyproject})
    run([PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    # The user's own install command, as the action's install input runs it; then py-ci adds the tools and proves.
    run([PYTHON, "-m", "uv", "pip", "install", "--python", str(python), "-e", str(project)], tmp_path, allowed=(0,))
    outcome = py_ci("install", str(project), "--python", str(python), "--tools-only", "--json", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert json.loads(outcome.stdout)["checked"] == [{"package": "mod", "from": "mod.py"}]


def test_a_namespace_package_is_what_mypy_checks_and_coverage_measures(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(tmp_path, NAMESPACE)
    # The project's own MYPYPATH (its stubs) is kept, after the namespace's base.
    typed = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from other import other\n"
    write_files(tmp_path, {"stubs/other.pyi": "def other() -> int: ...\n", "src/ns/pkg/typed.py": typed})
    outcome, result = py_ci_run(py_ci, tmp_path, tmp_path / "src", MYPYPATH="stubs")
    assert outcome.status == 0, outcome.stderr
    assert command_of(result, "mypy") == "mypy --strict --explicit-package-bases src/ns/pkg"
    assert result["mypy"]["errors"] == 0
    assert sorted(file["path"] for file in result["coverage"]["files"]) == [
        "src/ns/pkg/__init__.py",
        "src/ns/pkg/core.py",
        "src/ns/pkg/typed.py",
    ]
    assert result["tests"]["passed"] == 1


# Beside the package: a package of test helpers (flat), a conftest.py in src, a namespace's own tests.
@pytest.mark.parametrize(
    ("files", "mypy"),
    [
        ({"flat/__init__.py": "", "flat/tests/__init__.py": "", "tests_support/__init__.py": ""}, "flat"),
        ({"src/inner/__init__.py": "", "src/inner/tests/__init__.py": "", "src/conftest.py": ""}, "src/inner"),
        ({"ns/pkg/__init__.py": "", "ns/pkg/tests/__init__.py": ""}, "--explicit-package-bases ns/pkg"),
    ],
    ids=["flat", "src", "namespace"],
)
def test_tests_inside_the_package_flat_src_and_namespace(
    py_ci: PyCI, tmp_path: Path, files: dict[str, str], mypy: str
) -> None:
    write_files(tmp_path, {**files, "pyproject.toml": '[project]\nname = "the-project"\nversion = "1"\n'})
    outcome = py_ci("run", "--python", PYTHON, "--json", "--checks", "typecheck", cwd=tmp_path)
    assert outcome.status == 0, outcome.stderr
    assert command_of(json.loads(outcome.stdout), "mypy") == f"mypy --strict {mypy}"
