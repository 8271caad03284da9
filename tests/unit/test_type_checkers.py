"""Which type checkers a project configures, from its own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.type_checkers import type_checkers, warnings_fail
from tests.helpers import write_files


def _checkers(root: Path, files: dict[str, str]) -> list[tuple[str, str | None, str | None]]:
    write_files(root, files)
    found = type_checkers(ProjectFiles(root))
    return [(c.name, c.configured_in, c.pin.requirement if c.pin else None) for c in found]


def test_none_configured_is_mypy_at_the_projects_pin(tmp_path: Path) -> None:
    pyproject = '[dependency-groups]\ndev = ["mypy==1.18.2"]\n'
    assert _checkers(tmp_path, {"pyproject.toml": pyproject}) == [("mypy", None, "mypy==1.18.2")]


def test_every_configured_checker_in_a_stable_order(tmp_path: Path) -> None:
    pyproject = '[tool.pyright]\n[tool.basedpyright]\n[tool.ty]\n[dependency-groups]\ndev = ["ty==0.0.104"]\n'
    files = {"pyproject.toml": pyproject, "pyrefly.toml": "", "setup.cfg": "[mypy]\nstrict = True\n"}
    assert _checkers(tmp_path, files) == [
        ("ty", "pyproject.toml [tool.ty]", "ty==0.0.104"),
        ("pyrefly", "pyrefly.toml", None),
        ("basedpyright", "pyproject.toml [tool.basedpyright]", None),
        ("pyright", "pyproject.toml [tool.pyright]", None),
        ("mypy", "setup.cfg [mypy]", None),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ty.toml", "ty"), ("pyrightconfig.json", "pyright"), ("mypy.ini", "mypy"), (".mypy.ini", "mypy")],
)
def test_a_checkers_own_file(tmp_path: Path, name: str, expected: str) -> None:
    assert _checkers(tmp_path, {name: ""}) == [(expected, name, None)]


def test_setup_cfg_without_mypy_is_not_mypys(tmp_path: Path) -> None:
    files = {"setup.cfg": "[metadata]\nname = x\n", "ty.toml": ""}
    assert [name for name, _, _ in _checkers(tmp_path, files)] == ["ty"]


def test_a_tool_table_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": '[tool]\nty = "yes"\n'})
    with pytest.raises(InputError, match=r"\[tool.ty\] is not a table"):
        type_checkers(ProjectFiles(tmp_path))


@pytest.mark.parametrize(
    ("files", "tool", "fails"),
    [
        ({"pyproject.toml": "[tool.ty]\n"}, "ty", True),  # ty 1.0 exits 1 on a warning by default
        ({"pyproject.toml": "[tool.ty.terminal]\nerror-on-warning = false\n"}, "ty", False),
        ({"ty.toml": "[terminal]\nerror-on-warning = false\n"}, "ty", False),
        ({"pyproject.toml": "[tool.basedpyright]\n"}, "basedpyright", False),
        ({"pyproject.toml": "[tool.basedpyright]\nfailOnWarnings = true\n"}, "basedpyright", True),
        ({"pyproject.toml": "[tool.pyrefly]\n"}, "pyrefly", False),
    ],
)
def test_whether_warnings_fail_as_each_checker_is_configured(
    tmp_path: Path, files: dict[str, str], tool: str, fails: bool
) -> None:
    write_files(tmp_path, files)
    assert warnings_fail(ProjectFiles(tmp_path), tool) is fails


def test_a_broken_ty_toml_is_ty_s_to_say(tmp_path: Path) -> None:
    """ty reports its own configuration error (did not finish); py-ci's options never stop on it."""
    write_files(tmp_path, {"ty.toml": "[terminal\n"})
    assert warnings_fail(ProjectFiles(tmp_path), "ty") is True
