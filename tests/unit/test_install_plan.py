"""How the action installs a project, detected from its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.install import install_plan
from py_ci.readers.project_files import ProjectFiles
from tests.helpers import write_files

LAYOUTS = {
    "uv": ({"uv.lock": "version = 1\n", "requirements.txt": "x\n"}, "uv.lock", [["uv"], ["uv", "sync", "--frozen"]]),
    "requirements": (
        {"requirements.txt": "x\n", "requirements-dev.txt": "y\n", "pyproject.toml": "[project]\nname='a'\n"},
        "requirements files",
        [["-r", "requirements.txt", "-r", "requirements-dev.txt"]],
    ),
    "groups": (
        {"pyproject.toml": "[dependency-groups]\ntest = ['pytest']\ndev = ['ruff']\n"},
        "dependency groups dev, test",
        [["pip>=25.1"], ["-e", ".", "--group", "dev", "--group", "test"]],
    ),
    "extras": (
        {"pyproject.toml": "[project]\nname='a'\n[project.optional-dependencies]\ntest = ['pytest']\n"},
        "extras test",
        [["-e", ".[test]"]],
    ),
    "plain": ({"pyproject.toml": "[project]\nname='a'\n"}, "the project alone", [["-e", "."]]),
    "setup.py": ({"setup.py": "from setuptools import setup\nsetup()\n"}, "the project alone", [["-e", "."]]),
    "nothing": ({}, "nothing to install", []),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_install_plan(tmp_path: Path, name: str) -> None:
    files, layout, fragments = LAYOUTS[name]
    write_files(tmp_path, files)
    found, commands = install_plan(ProjectFiles(tmp_path), "python")
    assert found == layout
    assert len(commands) == len(fragments)
    for command, fragment in zip(commands, fragments, strict=True):
        assert " ".join(fragment) in " ".join(command)
