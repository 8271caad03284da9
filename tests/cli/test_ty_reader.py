"""ty's concise output, really run on a small project, read into the findings model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.ty import read_ty
from tests.helpers import TYPE_ERRORS, run, write_files

TY = str(Path(sys.executable).with_name("ty"))


def test_counts_and_lines_are_tys_own(tmp_path: Path) -> None:
    write_files(tmp_path, {**TYPE_ERRORS, "pyproject.toml": "[tool.ty]\n"})
    result = run([TY, "check", "--output-format", "concise"], cwd=tmp_path, allowed=(1,))
    report = read_ty(result.stdout, "ty's output")
    # ty's summary counts every diagnostic; all five here are errors.
    assert report.claimed_errors == report.errors == 5
    assert sorted((f.path, f.line, f.code) for f in report.findings) == [
        ("pkg/a.py", 2, "invalid-explicit-return"),
        ("pkg/a.py", 5, "invalid-assignment"),
        ("pkg/b.py", 1, "import-not-found"),
        ("pkg/b.py", 5, "invalid-argument-type"),
        ("pkg/b.py", 6, "unresolved-reference"),
    ]


def test_a_clean_project(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.ty]\n", "ok.py": "x: int = 1\n"})
    report = read_ty(run([TY, "check", "--output-format", "concise"], cwd=tmp_path).stdout, "out")
    assert (report.claimed_errors, report.errors) == (0, 0)


def test_other_text_is_one_error() -> None:
    with pytest.raises(InputError, match="no ty diagnostics"):
        read_ty("ty failed\n", "out")
