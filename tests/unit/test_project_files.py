"""The project's configuration files: each read once, and a broken one always the same kind of error."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.coverage_config import read_coverage_settings
from py_ci.readers.mypy_config import read_mypy_settings
from py_ci.readers.project_files import ProjectFiles
from tests.helpers import write_files

BROKEN: dict[str, tuple[str, str | bytes, str]] = {
    "toml": ("pyproject.toml", "[tool.py-ci\n", "pyproject.toml: is not valid TOML ("),
    "ini": ("setup.cfg", "[metadata\nname = x\n", "setup.cfg:1: cannot be read as configuration ("),
    "latin-1": ("tox.ini", b"[tox]\nenvlist = caf\xe9\n", "tox.ini: is not UTF-8 text; save it as UTF-8"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_is_one_error_whoever_reads_it(tmp_path: Path, case: str) -> None:
    name, content, expected = BROKEN[case]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    files = ProjectFiles(tmp_path)
    read = files.toml if name.endswith(".toml") else files.ini
    with pytest.raises(InputError) as raised:
        read(name)
    assert str(raised.value).startswith(expected)
    assert str(raised.value).endswith("; fix its syntax") or "UTF-8" in expected


def test_each_file_is_read_once(tmp_path: Path, config_reads: list[str]) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[tool.coverage.report]\nfail_under = 90\n\n[tool.mypy]\nfiles = ['src']\n",
            "setup.cfg": "[metadata]\nname = x\n",
        },
    )
    files = ProjectFiles(tmp_path)
    coverage = read_coverage_settings(files, {})
    mypy = read_mypy_settings(files)
    assert files.tool("py-ci") is None
    assert coverage is not None
    assert coverage.fail_under == 90
    assert mypy is not None
    assert mypy.files == ("src",)
    assert sorted(config_reads) == ["pyproject.toml", "setup.cfg"]


def test_a_tool_table_that_is_not_a_table(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "tool = {py-ci = 3}\n"})
    with pytest.raises(InputError, match=r"\[tool.py-ci\] is not a table"):
        ProjectFiles(tmp_path).tool("py-ci")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"mypy.ini": "[mypy]\nfiles = a, b\n", "pyproject.toml": "[tool.mypy]\nfiles = ['c']\n"},
            ("mypy.ini", ("a", "b")),
        ),
        ({".mypy.ini": "[mypy]\nstrict = true\n"}, (".mypy.ini", ())),
        (
            {"pyproject.toml": "[tool.mypy]\nfiles = 'src'\n", "setup.cfg": "[mypy]\nfiles = x\n"},
            ("pyproject.toml", ("src",)),
        ),
        ({"setup.cfg": "[metadata]\nname = x\n\n[mypy]\nfiles = lib\n"}, ("setup.cfg", ("lib",))),
        ({"setup.cfg": "[metadata]\nname = x\n"}, None),
    ],
)
def test_mypy_settings_come_from_the_file_mypy_reads(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, tuple[str, ...]] | None
) -> None:
    write_files(tmp_path, files)
    found = read_mypy_settings(ProjectFiles(tmp_path))
    assert (None if found is None else (found.file, found.files)) == expected
