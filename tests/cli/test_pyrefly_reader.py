"""Pyrefly's JSON output, really run on a small project, read into the findings model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.pyrefly import read_pyrefly
from tests.helpers import TYPE_ERRORS, run, write_files

PYREFLY = str(Path(sys.executable).with_name("pyrefly"))


def test_counts_and_lines_are_pyreflys_own(tmp_path: Path) -> None:
    write_files(tmp_path, {**TYPE_ERRORS, "pyproject.toml": "[tool.pyrefly]\n"})
    result = run([PYREFLY, "check", "--output-format", "json"], cwd=tmp_path, allowed=(1,))
    report = read_pyrefly(result.stdout, "pyrefly's output", result.stderr)
    assert report.claimed_errors == report.errors == 5
    where = sorted((f.path, f.line, f.code) for f in report.findings)
    assert where == [
        ("pkg/a.py", 2, "bad-return"),
        ("pkg/a.py", 5, "bad-assignment"),
        ("pkg/b.py", 1, "missing-import"),
        ("pkg/b.py", 5, "bad-argument-type"),
        ("pkg/b.py", 6, "unknown-name"),
    ]


@pytest.mark.parametrize("text", ["", "[]", '{"summary": 1}'])
def test_what_is_not_its_json_is_one_error(text: str) -> None:
    with pytest.raises(InputError, match="pyrefly"):
        read_pyrefly(text, "out")


def test_an_error_without_a_path_is_one_error() -> None:
    with pytest.raises(InputError, match="without a path"):
        read_pyrefly('{"errors": [{"line": 1}]}', "out")
