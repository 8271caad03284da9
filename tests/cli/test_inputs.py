"""Bad input: exit 2, one line that says what and where, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci import __version__
from tests.helpers import Measured, Outcome, assert_one_line_error, py_ci_process, with_total

PyCI = Callable[..., Outcome]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<coverage><packages>&lol3;</packages></coverage>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<coverage><sources><source>&secret;</source></sources><packages/></coverage>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<coverage><packages/></coverage>
"""
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="1">
<testcase classname="tests.test_a" name="test_a" time="0.001"/></testsuite></testsuites>
"""
CLOVER = '<?xml version="1.0"?>\n<coverage generated="1" clover="4.4.1"><project timestamp="1"/></coverage>\n'

CASES: dict[str, tuple[bytes | None, str]] = {
    "missing": (None, "coverage.xml: no such file"),
    "empty": (b"", "coverage.xml: is empty"),
    "blank": (b"  \n\n", "coverage.xml: is empty"),
    "junit": (
        JUNIT.encode(),
        "coverage.xml: is a JUnit test report (<testsuites>), not Cobertura coverage; pass it to `py-ci junit`",
    ),
    "billion laughs": (BILLION_LAUGHS.encode(), "declares XML entities"),
    "external entity": (EXTERNAL_ENTITY.encode(), "declares XML entities"),
    "parameter entity": (PARAMETER_ENTITY.encode(), "declares XML entities"),
    "random bytes": (bytes(range(256)) * 4, "coverage.xml:1:1: not well-formed XML"),
    "json": (b'{"totals": {"percent_covered": 90}}', "coverage.xml:1:1: not well-formed XML (invalid token)"),
    "html": (b"<html><body>nope</body></html>", "is an XML document with root <html>, not a Cobertura coverage report"),
    "clover": (CLOVER.encode(), "is a Clover report, not Cobertura"),
    "no packages": (b"<coverage><sources/></coverage>", "has no <packages> element"),
    "line without number": (
        b'<coverage><packages><package><classes><class filename="a.py"><lines><line hits="1"/>'
        b"</lines></class></classes></package></packages></coverage>",
        "coverage.xml:1: has a <line> without a number attribute",
    ),
    "negative hits": (
        b'<coverage><packages><package><classes><class filename="a.py"><lines><line number="1" hits="-1"/>'
        b"</lines></class></classes></package></packages></coverage>",
        "has a <line> with a negative number or hits",
    ),
    "class without filename": (
        b"<coverage><packages><package><classes><class name='x'/></classes></package></packages></coverage>",
        "has a <class> without a filename attribute",
    ),
    "latin-1 without declaration": (
        b"<coverage><sources><source>caf\xe9</source></sources></coverage>",
        "not well-formed XML",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_report_is_one_line_and_writes_nothing(py_ci: PyCI, tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    if content is not None:
        (tmp_path / "coverage.xml").write_bytes(content)
    outputs = tmp_path / "outputs"
    outputs.write_text("before\n")
    outcome = py_ci("coverage", "--summary", "summary.md", cwd=tmp_path, env={"GITHUB_OUTPUT": str(outputs)})
    assert_one_line_error(outcome, expected)
    assert not (tmp_path / "summary.md").exists()
    assert outputs.read_text() == "before\n"


def test_truncated_real_report(sample_project: Callable[..., Measured], py_ci: PyCI, tmp_path: Path) -> None:
    whole = sample_project(branch=True).xml.read_bytes()
    (tmp_path / "coverage.xml").write_bytes(whole[: len(whole) // 2])
    outcome = py_ci("coverage", cwd=tmp_path)
    assert_one_line_error(outcome, "the file is truncated")
    assert outcome.stderr.startswith("py-ci: error: coverage.xml:")


def test_one_bad_report_among_good_ones_writes_nothing(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_text(with_total(1, 2))
    (tmp_path / "bad.xml").write_text("<coverage>")
    outcome = py_ci("coverage", "good.xml", "bad.xml", "--summary", "s.md", cwd=tmp_path)
    assert_one_line_error(outcome, "bad.xml:")
    assert not (tmp_path / "s.md").exists()


def test_directory_and_unreadable(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    assert_one_line_error(py_ci("coverage", "reports", cwd=tmp_path), "reports: is a directory")


def test_utf8_bom_is_accepted(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "coverage.xml").write_bytes(b"\xef\xbb\xbf" + with_total(1, 2).encode())
    assert py_ci("coverage", cwd=tmp_path).status == 0


def test_plain_doctype_is_accepted(py_ci: PyCI, tmp_path: Path) -> None:
    text = with_total(1, 2).replace(
        "?>", '?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">', 1
    )
    (tmp_path / "coverage.xml").write_text(text)
    assert py_ci("coverage", cwd=tmp_path).status == 0


def test_unwritable_summary_is_an_error(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "coverage.xml").write_text(with_total(1, 2))
    outcome = py_ci("coverage", "--summary", str(tmp_path / "no" / "such" / "dir.md"), cwd=tmp_path)
    assert_one_line_error(outcome, "cannot write the summary")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["coverage", "--precision", "x"], "argument --precision/--coverage-precision: 'x' is not a whole number"),
        (["coverage", "--nope"], "unrecognized arguments: --nope"),
        (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors(py_ci: PyCI, tmp_path: Path, args: list[str], expected: str) -> None:
    assert_one_line_error(py_ci(*args, cwd=tmp_path), expected)


@pytest.mark.parametrize("case", ["missing", "billion laughs", "junit"])
def test_installed_command_never_prints_a_traceback(tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    if content is not None:
        (tmp_path / "coverage.xml").write_bytes(content)
    assert_one_line_error(py_ci_process("coverage", cwd=tmp_path), expected)


def test_internal_error_is_exit_2_not_a_pass(py_ci: PyCI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "coverage.xml").write_text(with_total(1, 2))

    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("py_ci.job_result.coverage_verdicts", crash)
    outcome = py_ci("coverage", cwd=tmp_path)
    assert_one_line_error(outcome, "internal error (RuntimeError: boom); rerun with --traceback and report it")
    with pytest.raises(RuntimeError, match="boom"):
        py_ci("coverage", "--traceback", cwd=tmp_path)


def test_version_and_module_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = py_ci_process("--version", cwd=tmp_path)
    assert (outcome.status, outcome.stdout.strip()) == (0, f"py-ci {__version__}")
