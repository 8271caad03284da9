"""The mypy reader on output the real mypy prints here, in every shape it has."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.readers.mypy import read_mypy
from tests.helpers import run, write_files

SAMPLE = {
    "pkg/__init__.py": "",
    "pkg/calc.py": """
        from typing import reveal_type


        def add(a: int, b: int) -> int:
            return a + b


        def untyped(x):
            return x


        result: str = add(1, "two")
        reveal_type(result)
        value = undefined_name + 1
        """,
    "pkg/long.py": """
        def f() -> int:
            return "a string long enough that mypy --pretty has to wrap the message of this error onto more lines"


        def g(items: list[int]) -> None:
            items.append("x")
        """,
}
SHAPES = {
    "text": [],
    "columns": ["--show-column-numbers"],
    "error-end": ["--show-column-numbers", "--show-error-end"],
    "pretty": ["--pretty"],
    "pretty-narrow": ["--pretty"],
    "no-codes": ["--hide-error-codes"],
    "json": ["--output", "json"],
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mypy")
    write_files(root, SAMPLE)
    return root


# A terminal narrower than `path:line: error:` and a word: mypy starts messages on the next line.
ENVIRONMENTS = {"pretty-narrow": {"MYPY_FORCE_TERMINAL_WIDTH": "30"}}


def mypy(project: Path, *flags: str, target: str = "pkg", env: dict[str, str] | None = None) -> str:
    """The real mypy's stdout for `target`, checked with --strict and `flags`."""
    args = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *flags, target]
    return run(args, project, env=env, allowed=(0, 1, 2)).stdout


@pytest.fixture(scope="module")
def outputs(project: Path) -> dict[str, str]:
    return {name: mypy(project, *flags, env=ENVIRONMENTS.get(name)) for name, flags in SHAPES.items()}


def mypys_own_count(text_output: str) -> int:
    match = re.search(r"^Found (\d+) errors? in", text_output, re.MULTILINE)
    assert match is not None
    return int(match[1])


@pytest.mark.parametrize("shape", SHAPES)
def test_counts_equal_mypys_found_line(outputs: dict[str, str], shape: str) -> None:
    report = read_mypy(outputs[shape], "mypy.txt")
    assert report.errors == mypys_own_count(outputs["text"]) == 6
    assert report.notes == 1  # reveal_type
    assert report.files == 2


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_gives_the_same_findings(outputs: dict[str, str], shape: str) -> None:
    plain = read_mypy(outputs["columns"], "columns")
    report = read_mypy(outputs[shape], shape)
    expected = [(f.path, f.line, f.message) for f in plain.findings]
    assert [(f.path, f.line, f.message) for f in report.findings] == expected
    if shape != "no-codes":
        assert [f.code for f in report.findings] == [f.code for f in plain.findings]
    if shape in ("columns", "error-end", "json"):
        # JSON columns are 0-based; the model's are 1-based like the text's.
        assert [f.column for f in report.findings] == [f.column for f in plain.findings]


def test_pretty_reads_messages_that_start_on_the_next_line(outputs: dict[str, str]) -> None:
    assert "pkg/long.py:3: error:" in outputs["pretty-narrow"].splitlines()
    assert read_mypy(outputs["pretty-narrow"], "narrow").errors == mypys_own_count(outputs["pretty-narrow"])


def test_pretty_rejoins_wrapped_messages(outputs: dict[str, str]) -> None:
    pretty_lines = outputs["pretty"].splitlines()
    assert any(line.startswith("pkg/long.py:3: error: ") and "[return-value]" not in line for line in pretty_lines)
    report = read_mypy(outputs["pretty"], "pretty")
    wrapped = next(f for f in report.findings if f.code == "return-value")
    assert wrapped.message == 'Incompatible return value type (got "str", expected "int")'


def test_error_end_and_summary(outputs: dict[str, str]) -> None:
    report = read_mypy(outputs["error-end"], "end")
    untyped = next(f for f in report.findings if f.code == "no-untyped-def")
    assert (untyped.line, untyped.column, untyped.end_line) == (9, 1, 10)
    assert report.claimed_errors == 6
    assert report.files_checked == 3


def test_notes_attach_to_their_error(project: Path) -> None:
    write_files(project, {"notes/__init__.py": "", "notes/m.py": "import not_a_real_module_xyz\n"})
    for flags in ([], ["--output", "json"]):
        report = read_mypy(mypy(project, *flags, target="notes"), "notes")
        (finding,) = report.findings
        assert finding.code == "import-not-found"
        assert any("missing-imports" in note for note in finding.notes), finding


def test_success_and_blocking_syntax_error(project: Path) -> None:
    write_files(
        project, {"ok/__init__.py": "", "ok/m.py": "x: int = 1\n", "broken/__init__.py": "", "broken/m.py": "def f(:\n"}
    )
    success = read_mypy(mypy(project, target="ok"), "ok")
    assert (success.errors, success.claimed_errors, success.files_checked) == (0, 0, 2)
    blocking = mypy(project, target="broken")
    assert "errors prevented further checking" in blocking
    report = read_mypy(blocking, "broken")
    assert report.errors == report.claimed_errors == 2
    assert {finding.code for finding in report.findings} == {"syntax"}


CRASH = """Traceback (most recent call last):
  File "mypy/main.py", line 1, in main
RuntimeError: boom
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        (CRASH, "holds a mypy crash (Traceback (most recent call last))"),
        ("pkg/m.py:3: error: INTERNAL ERROR -- Please try using mypy master\n", "holds a mypy crash (INTERNAL ERROR)"),
        ("mypy: can't read file 'nope.py': No such file or directory\n", "says mypy did not run"),
        ("All checks passed!\n", "is not a mypy line: 'All checks passed!'"),
        ('{"file": "a.py"}\n', "is a JSON object without mypy's file and message"),
        ('{"file": "a.py", "message": "m", "severity": "fatal"}\n', "has an unknown severity 'fatal'"),
        ('{"file": "a.py", "message": "m"}\n{oops\n', "out.txt:2: is not a JSON line"),
        ("   \n\n", "is empty"),
    ],
)
def test_not_a_type_check_is_an_input_error(text: str, expected: str) -> None:
    with pytest.raises(InputError, match=re.escape(expected)):
        read_mypy(text, "out.txt")
