"""`py-ci junit` on reports the real pytest writes here, in both JUnit families, and node's runner's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.github import SUMMARY_LIMIT
from py_ci.renderers.markdown import escape
from tests.helpers import DATA, Outcome, assert_one_line_error, child_pytest, parse_outputs, run, write_files

PyCI = Callable[..., Outcome]

OUTCOMES = {
    "tests/__init__.py": "",
    "tests/test_all.py": """
        import pytest


        def test_pass():
            assert 1 == 1


        def test_fail():
            x = 2
            assert x == 3  # the failing line


        @pytest.mark.skip(reason="not today")
        def test_skip():
            pass


        @pytest.mark.xfail(reason="known bug")
        def test_xfail():
            assert False


        @pytest.mark.xfail(reason="fixed now")
        def test_xpass():
            assert True


        @pytest.fixture
        def broken():
            raise RuntimeError("setup exploded")


        def test_error(broken):
            pass


        @pytest.fixture
        def bad_teardown():
            yield
            raise RuntimeError("teardown exploded")


        def test_fail_and_teardown(bad_teardown):
            assert 0


        class TestGroup:
            @pytest.mark.parametrize("n", [1, 2])
            def test_param(self, n):
                assert n == 1
        """,
    "tests/test_helpers.py": """
        from tests.helper import check


        def test_through_a_helper():
            check(5)  # the failing line of this test file
        """,
    "tests/helper.py": """
        def check(value):
            assert value < 3
        """,
}
FAMILIES = ["xunit1", "xunit2"]


def pytest_run(root: Path, family: str, *arguments: str) -> tuple[Path, str]:
    """Run the real pytest; return its JUnit report and its closing line."""
    report = root / f"{family}.xml"
    result = run(
        child_pytest("-o", f"junit_family={family}", f"--junitxml={report}", *arguments),
        root,
        allowed=(0, 1, 2, 5),
    )
    return report, result.stdout.strip().splitlines()[-1]


def closing_counts(line: str) -> dict[str, int]:
    """`3 failed, 2 passed, 1 skipped, 1 xfailed, 1 xpassed, 2 errors in 0.50s` as numbers."""
    counts = {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", line.split(" in ")[0])}
    return {("error" if word == "errors" else word): n for word, n in counts.items()}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outcomes")
    write_files(root, OUTCOMES)
    return root


@pytest.mark.parametrize("family", FAMILIES)
def test_counts_equal_pytests_closing_line(outcomes: Path, py_ci: PyCI, family: str) -> None:
    report, closing = pytest_run(outcomes, family, "tests")
    theirs = closing_counts(closing)
    outcome = py_ci("junit", "--json", str(report), cwd=outcomes)
    ours = json.loads(outcome.stdout)
    assert outcome.status == 1
    assert ours["failed"] == theirs["failed"]
    assert ours["errors"] == theirs["error"]
    assert ours["passed"] == theirs["passed"] + theirs["xpassed"]
    assert ours["skipped"] == theirs["skipped"] + theirs["xfailed"]
    assert ours["tests"] == sum(theirs.values()) == report.read_text().count("<testcase")
    assert ours["passed_gate"] is False


def failing_line(root: Path, file: str, marker: str) -> int:
    lines = (root / file).read_text().splitlines()
    return next(number for number, text in enumerate(lines, start=1) if marker in text)


@pytest.mark.parametrize("family", FAMILIES)
def test_failure_annotations_land_on_the_failing_line(outcomes: Path, py_ci: PyCI, family: str) -> None:
    report, _ = pytest_run(outcomes, family, "tests")
    outcome = py_ci("junit", str(report), cwd=outcomes, env={"GITHUB_ACTIONS": "true"})
    commands = [line for line in outcome.stdout.splitlines() if line.startswith("::error")]
    assert any(
        f"file=tests/test_all.py,line={failing_line(outcomes, 'tests/test_all.py', 'the failing line')}::assert 2 == 3"
        in c
        for c in commands
    ), commands
    helper_line = failing_line(outcomes, "tests/test_helpers.py", "the failing line of this test file")
    assert any(f"file=tests/test_helpers.py,line={helper_line}::" in c for c in commands), commands
    assert any("title=tests/test_all.py%3A%3ATestGroup%3A%3Atest_param[2] failed" in c for c in commands)


def test_collection_error_is_an_error(tmp_path: Path, py_ci: PyCI) -> None:
    write_files(tmp_path, {"tests/test_broken.py": "import nope_missing_module\n\n\ndef test_never():\n    pass\n"})
    report, closing = pytest_run(tmp_path, "xunit2", "tests")
    assert "1 error" in closing
    outcome = py_ci("junit", "--json", "--annotations", str(report), cwd=tmp_path)
    result = json.loads(outcome.stdout)  # --json: stdout is the JSON alone; the annotations are on stderr
    assert outcome.status == 1
    assert (result["tests"], result["errors"], result["passed_gate"]) == (1, 1, False)
    assert result["failures"][0]["id"] == "tests/test_broken.py"
    assert (
        "::error title=tests/test_broken.py error,file=tests/test_broken.py,line=1::collection failure"
        in outcome.stderr
    )


SUBTESTS = """
    import unittest


    class T(unittest.TestCase):
        def test_some_subtests_skipped(self):
            for n in range(3):
                with self.subTest(n=n):
                    if n:
                        self.skipTest("backend absent")

        def test_whole(self):
            self.skipTest("not today")
    """


def test_a_test_whose_subtests_were_skipped_ran(tmp_path: Path, py_ci: PyCI) -> None:
    """python-slugify: pytest writes one <skipped> per skipped subtest, in a test that ran; pytest counts it passed."""
    write_files(tmp_path, {"tests/test_sub.py": SUBTESTS})
    report, closing = pytest_run(tmp_path, "xunit2", "tests")
    assert "1 passed, 3 skipped" in closing  # pytest's own: the two subtests' skips and the whole test's
    result = json.loads(py_ci("junit", "--json", str(report), cwd=tmp_path).stdout)
    assert (result["tests"], result["passed"], result["skipped"]) == (2, 1, 1)


def test_no_tests_is_not_a_pass(tmp_path: Path, py_ci: PyCI) -> None:
    (tmp_path / "tests").mkdir()
    report, closing = pytest_run(tmp_path, "xunit2", "tests")
    assert "no tests ran" in closing
    outcome = py_ci("junit", str(report), cwd=tmp_path)
    assert outcome.status == 1
    assert "no test cases in the report: did the tests run?" in outcome.stdout


def test_green_run_summary_and_outputs(tmp_path: Path, py_ci: PyCI) -> None:
    write_files(
        tmp_path,
        {"tests/test_ok.py": "import time\n\n\ndef test_a():\n    time.sleep(0.02)\n\n\ndef test_b():\n    pass\n"},
    )
    report, _ = pytest_run(tmp_path, "xunit2", "tests")
    output = tmp_path / "output"
    outcome = py_ci("junit", str(report), "--summary", "s.md", cwd=tmp_path, env={"GITHUB_OUTPUT": str(output)})
    assert outcome.status == 0
    assert parse_outputs(output.read_text()) == {
        "tests": "2",
        "failures": "0",
        "errors": "0",
        "skipped": "0",
        "passed": "true",
    }
    summary = (tmp_path / "s.md").read_text()
    assert summary.startswith("### ✅ Tests: 2 passed\n\n2 tests in ")
    assert ": no failures and no errors.\n" in summary
    assert "<summary>Slowest tests</summary>" in summary
    assert summary.index(escape("tests/test_ok.py::test_a")) < summary.index(escape("tests/test_ok.py::test_b"))


def test_failures_in_the_summary(outcomes: Path, py_ci: PyCI) -> None:
    report, _ = pytest_run(outcomes, "xunit2", "tests")
    summary = outcomes / "summary.md"
    summary.unlink(missing_ok=True)
    py_ci("junit", str(report), "--summary", str(summary), cwd=outcomes)
    text = summary.read_text()
    assert text.startswith("### ❌ Tests: 4 failed, 2 errors, 3 passed, 2 skipped\n")
    assert "<summary>❌ <code>tests/test_all.py::test_fail</code> — assert 2 == 3</summary>" in text
    # pytest's message says only when it failed (on setup): the summary gives the cause from the traceback.
    assert "<summary>💥 <code>tests/test_all.py::test_error</code> — RuntimeError: setup exploded</summary>" in text
    assert "```text\n" in text
    assert ">       assert x == 3  # the failing line" in text


def test_thousands_of_failures(tmp_path: Path, py_ci: PyCI) -> None:
    write_files(
        tmp_path,
        {
            "tests/test_many.py": (
                "import pytest\n\n\n@pytest.mark.parametrize('n', range(3000))\n"
                "def test_many(n):\n    assert n < 0, 'x' * 400\n"
            )
        },
    )
    # One line of traceback each (the report keeps every message): pytest's long form took two thirds of the time.
    report, closing = pytest_run(tmp_path, "xunit2", "--tb=line", "tests")
    assert closing.startswith("3000 failed")
    outcome = py_ci("junit", str(report), "--summary", "s.md", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert outcome.status == 1
    assert sum(1 for line in outcome.stdout.splitlines() if line.startswith("::error")) == 10
    text = (tmp_path / "s.md").read_text()
    assert len(text.encode()) < SUMMARY_LIMIT
    assert "2,950 more failures not shown; `--json` has them all." in text


def test_node_test_runner_report(py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci("junit", "--json", "--annotations", str(DATA / "node" / "node.xml"), cwd=tmp_path)
    result = json.loads(outcome.stdout)
    # node's own totals, in the report's closing comments: tests 4, pass 2, fail 1, skipped 1.
    assert (result["tests"], result["passed"], result["failed"], result["skipped"]) == (4, 2, 1, 1)
    assert result["duration"] == pytest.approx(0.000899 + 0.001060 + 0.000469)
    annotation = next(line for line in outcome.stderr.splitlines() if line.startswith("::error"))
    assert re.search(r"file=[^,]*math\.test\.js,line=9::Expected values to be strictly equal", annotation)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('<?xml version="1.0"?><coverage><packages/></coverage>', "is a Cobertura coverage report, not JUnit"),
        ("<html/>", "is an XML document with root <html>, not a JUnit report"),
        ("", "is empty"),
        ('<testsuites><testsuite name="x"><testcase name="a">', "the file is truncated"),
    ],
)
def test_bad_junit_input(py_ci: PyCI, tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "report.xml").write_text(content)
    assert_one_line_error(py_ci("junit", cwd=tmp_path), expected)
