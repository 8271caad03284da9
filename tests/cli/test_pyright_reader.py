"""basedpyright's `--outputjson`, really run on a small project, read into the findings model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.pyright import read_pyright
from tests.helpers import TYPE_ERRORS, run, write_files

BASEDPYRIGHT = str(Path(sys.executable).with_name("basedpyright"))


def test_counts_and_lines_are_basedpyrights_own(tmp_path: Path) -> None:
    write_files(tmp_path, TYPE_ERRORS)
    result = run([BASEDPYRIGHT, "--outputjson"], cwd=tmp_path, allowed=(1,))
    report = read_pyright(result.stdout, "basedpyright's output")
    assert report.claimed_errors == report.errors == 5
    assert report.files_checked == 3
    where = sorted((Path(f.path).name, f.line, f.code) for f in report.findings if f.severity == "error")
    assert where == [
        ("a.py", 2, "reportReturnType"),
        ("a.py", 5, "reportAssignmentType"),
        ("b.py", 1, "reportMissingImports"),
        ("b.py", 5, "reportArgumentType"),
        ("b.py", 6, "reportUndefinedVariable"),
    ]
    assert report.files == 2


def test_a_clean_project_is_zero_errors(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.basedpyright]\n", "ok.py": "x: int = 1\n"})
    report = read_pyright(run([BASEDPYRIGHT, "--outputjson"], cwd=tmp_path).stdout, "out")
    assert (report.claimed_errors, report.errors, report.files_checked) == (0, 0, 1)


@pytest.mark.parametrize("text", ["", "Traceback (most recent call last):\n", "[]", '{"summary": {}}'])
def test_what_is_not_its_json_is_one_error(text: str) -> None:
    with pytest.raises(InputError, match="basedpyright"):
        read_pyright(text, "out")


def test_a_diagnostic_without_a_file_is_one_error() -> None:
    with pytest.raises(InputError, match="without a file"):
        read_pyright('{"generalDiagnostics": [{"message": "m"}]}', "out")
