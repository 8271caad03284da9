"""The version of ruff (or coverage.py) a project asks for, wherever its files say it: a lint job runs that one."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.tool_pins import ToolPin, tool_pin

PRE_COMMIT = """repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.9
    hooks:
      - id: ruff
"""
LAYOUTS = [
    ({"pyproject.toml": '[dependency-groups]\nlint = ["ruff==0.15.2"]\n'}, "ruff==0.15.2", "[dependency-groups] lint"),
    (
        {"pyproject.toml": '[project]\nname = "p"\n[project.optional-dependencies]\ndev = ["Ruff>=0.4"]\n'},
        "Ruff>=0.4",
        "[project.optional-dependencies] dev",
    ),
    # Since every requirement list is read in one place: setup.cfg's extras, hatch.toml, tox's and nox's installs.
    (
        {"setup.cfg": "[options.extras_require]\nlint =\n    flake8\n    ruff==0.5.7\n"},
        "ruff==0.5.7",
        "setup.cfg [options.extras_require] lint",
    ),
    ({"hatch.toml": '[envs.lint]\ndependencies = ["ruff==0.9.3"]\n'}, "ruff==0.9.3", "hatch.toml [envs.lint]"),
    (
        {"tox.ini": "[testenv]\ndeps = pytest\n[testenv:lint]\ndeps =\n    lint: ruff==0.4.10\n"},
        "ruff==0.4.10",
        "tox.ini [testenv:lint] deps",
    ),
    (
        {"noxfile.py": 'import nox\n@nox.session\ndef lint(session):\n    session.install("-r", "r", "ruff==0.7.2")\n'},
        "ruff==0.7.2",
        "noxfile.py session 'lint'",
    ),
    (
        {"pyproject.toml": '[tool.poetry.group.lint.dependencies]\nruff = "^0.6.1"\n'},
        "ruff>=0.6.1,<0.7",
        "[tool.poetry.group.lint]",
    ),
    (
        {"pyproject.toml": '[tool.hatch.envs.lint]\ndependencies = ["ruff==0.9.1", "mypy"]\n'},
        "ruff==0.9.1",
        "[tool.hatch.envs.lint]",
    ),
    (
        {"pyproject.toml": '[tool.pdm.dev-dependencies]\nlint = ["ruff~=0.8.0"]\n'},
        "ruff~=0.8.0",
        "[tool.pdm.dev-dependencies] lint",
    ),
    ({"requirements/dev.txt": "-r base.txt\n# linters\nruff==0.11.0  # keep in step\n"}, "ruff==0.11.0", "dev.txt"),
    ({".pre-commit-config.yaml": PRE_COMMIT}, "ruff==0.6.9", ".pre-commit-config.yaml"),
    # A lock file is the most exact: it wins over the range that asked for it.
    (
        {
            "pyproject.toml": '[dependency-groups]\ndev = ["ruff>=0.6"]\n',
            "uv.lock": 'version = 1\n[[package]]\nname = "ruff"\nversion = "0.6.4"\n',
        },
        "ruff==0.6.4",
        "uv.lock",
    ),
]


@pytest.mark.parametrize(("files", "requirement", "where"), LAYOUTS)
def test_the_projects_own_ruff_is_found(tmp_path: Path, files: dict[str, str], requirement: str, where: str) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    pin = tool_pin(ProjectFiles(tmp_path), "ruff")
    assert pin is not None
    assert pin.requirement == requirement
    assert where in pin.where


def test_no_pin_where_the_project_names_none(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[dependency-groups]\ntest = ["pytest", "ruffus==2.8"]\n')
    (tmp_path / ".pre-commit-config.yaml").write_text(PRE_COMMIT)
    assert tool_pin(ProjectFiles(tmp_path), "mypy") is None
    assert tool_pin(ProjectFiles(tmp_path), "coverage") is None
    # "ruffus" is not ruff: names are compared whole.
    assert tool_pin(ProjectFiles(tmp_path), "ruff") == ToolPin("ruff==0.6.9", ".pre-commit-config.yaml")


@pytest.mark.parametrize(
    ("rev", "expected"),
    [
        ("2834ec6639549dd6796205c8f011dedcd587288b # frozen: v2.4.0", "mypy==2.4.0"),
        ('"ef4a397f916211b4a39ccf9d3d9cbb6562157251"  # frozen: v1.19.1', "mypy==1.19.1"),
        ("v1.11.2", "mypy==1.11.2"),
        ("2834ec6639549dd6796205c8f011dedcd587288b", None),  # a commit alone says no version
        ("main", None),
    ],
)
def test_a_frozen_pre_commit_revision_gives_its_version_never_the_commit(
    tmp_path: Path, rev: str, expected: str | None
) -> None:
    """scikit-build-core's hooks are frozen (`pre-commit autoupdate --freeze`): "mypy==2834ec66..." cannot install."""
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: {rev}\n    hooks:\n      - id: mypy\n"
    )
    pin = tool_pin(ProjectFiles(tmp_path), "mypy")
    assert (pin.requirement if pin is not None else None) == expected
