"""The project's layout, read once: each package's path, its import name, coverage.py's source and mypy's bases."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.readers.layout import project_layout
from py_ci.readers.project_files import ProjectFiles
from tests.helpers import write_files

CASES: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # files: paths, import names, coverage.py's source, mypy's namespace bases
    "poetry from src": (
        {
            "pyproject.toml": '[tool.poetry]\npackages = [{include = "lib", from = "src"}, {include = "one.py"}]\n',
            "src/lib/__init__.py": "",
            "one.py": "",
        },
        ("src/lib", "one.py"),
        ("lib", "one"),
        ("src/lib", "one"),
        (),
    ),
    "poetry, its tests in the sdist only": (
        {
            "pyproject.toml": '[tool.poetry]\npackages = [{include = "lib"}, {include = "tests", format = "sdist"},'
            ' {include = "both", format = ["sdist", "wheel"]}]\n',
            "lib/__init__.py": "",
            "tests/__init__.py": "",
            "both/__init__.py": "",
        },
        ("lib", "both"),
        ("lib", "both"),
        ("lib", "both"),
        (),
    ),
    "setuptools package-dir and py-modules": (
        {
            "pyproject.toml": '[tool.setuptools]\npackage-dir = {"" = "lib"}\npackages = ["a", "a.b"]\n'
            'py-modules = ["solo"]\n',
            "lib/a/__init__.py": "",
            "lib/solo.py": "",
        },
        ("lib/a", "lib/solo.py"),
        ("a", "solo"),
        ("lib/a", "solo"),
        (),
    ),
    "a namespace two deep, beside a module, in src": (
        {"src/org/team/tool/__init__.py": "", "src/helper.py": "", "src/test_helper.py": "", "src/conftest.py": ""},
        ("src/helper.py", "src/org/team/tool"),
        ("helper", "org.team.tool"),
        ("helper", "src/org/team/tool"),
        ("src",),
    ),
    "a flat namespace, its tests beside": (
        {"org/tool/__init__.py": "", "org/tests/__init__.py": "", "docs/conf.py": "", "setup.py": ""},
        ("org/tool",),
        ("org.tool",),
        ("org/tool",),
        (".",),
    ),
    "the project's name, no package": (
        {"pyproject.toml": '[project]\nname = "Odd.Name"\n', "odd_name.py": "", "other.py": "", "odd_name_test.py": ""},
        ("odd_name.py",),
        ("odd_name",),
        ("odd_name",),
        (),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_layout_read_once_for_every_reader(tmp_path: Path, case: str) -> None:
    files, paths, modules, source, bases = CASES[case]
    write_files(tmp_path, files)
    layout = project_layout(ProjectFiles(tmp_path))
    assert layout is not None
    assert (layout.paths, layout.modules(), layout.coverage_source(), layout.namespace_roots()) == (
        paths,
        modules,
        source,
        bases,
    )


def test_tests_alone_are_no_layout(tmp_path: Path) -> None:
    write_files(tmp_path, {"test_it.py": "", "conftest.py": "", "tests/__init__.py": "", "it_test.py": ""})
    assert project_layout(ProjectFiles(tmp_path)) is None
