"""py_ci_unittest: a unittest-based runner's results, each test written as JUnit, read back by py-ci's reader."""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

import pytest

import py_ci.plugins.py_ci_unittest as py_ci_unittest
from py_ci.files import InputLimit
from py_ci.readers.junit import read_junit
from tests.helpers import unittest_runs_skips, write_files

SUITE = {
    "test_every_outcome.py": """
        import unittest


        class Outcomes(unittest.TestCase):
            def test_passes(self):
                pass

            def test_fails(self):
                self.assertEqual(1, 2)

            def test_errs(self):
                raise KeyError("missing")

            @unittest.skip("not here")
            def test_skipped(self):
                pass

            @unittest.expectedFailure
            def test_expected(self):
                self.assertEqual(1, 2)

            @unittest.expectedFailure
            def test_unexpected(self):
                pass

            def test_sub(self):
                for value in (0, 1):
                    with self.subTest(value=value):
                        self.assertEqual(value, 0)


        class NoFixture(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                raise RuntimeError("no database")

            def test_never_runs(self):
                pass
        """,
}
LIMIT = InputLimit(1024 * 1024, "X")


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """unittest.TestResult, sys.argv and sys.path as they were, after the runner ran in this process."""
    for name in ("startTest", "stopTest", "addError", "addFailure", "addSkip", "addExpectedFailure"):
        monkeypatch.setattr(unittest.TestResult, name, getattr(unittest.TestResult, name))
    for name in ("addUnexpectedSuccess", "addSubTest"):
        monkeypatch.setattr(unittest.TestResult, name, getattr(unittest.TestResult, name))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))


def outcomes(junit: Path) -> dict[str, tuple[str, str]]:
    report = read_junit(junit, LIMIT)
    return {f"{case.classname}.{case.name}": (case.outcome, case.message) for case in report.cases}


@pytest.mark.usefixtures("restored")
def test_every_outcome_as_unittest_said_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, SUITE)
    junit = tmp_path / "junit.xml"
    with pytest.raises(SystemExit) as stopped:
        py_ci_unittest.main([str(junit), "-m", "unittest", "discover", "-s", str(tmp_path), "-t", str(tmp_path)])
    assert stopped.value.code == 1  # unittest's own exit: the run failed (True before 3.12)
    # What unittest ran: a test its decorator skips is among them where unittest starts it (not on 3.12.1).
    skips_run = unittest_runs_skips()
    assert f"Ran {6 + skips_run} tests" in capsys.readouterr().err
    skipped = {"test_every_outcome.Outcomes.test_skipped": ("skipped", "not here")} if skips_run else {}
    assert outcomes(junit) == {
        "test_every_outcome.Outcomes.test_passes": ("passed", ""),
        "test_every_outcome.Outcomes.test_fails": ("failed", "AssertionError: 1 != 2"),
        "test_every_outcome.Outcomes.test_errs": ("error", "KeyError: 'missing'"),
        **skipped,
        "test_every_outcome.Outcomes.test_expected": ("skipped", "expected failure"),
        "test_every_outcome.Outcomes.test_unexpected": ("failed", "unexpected success"),
        "test_every_outcome.Outcomes.test_sub": (
            "failed",
            "test_every_outcome.Outcomes.test_sub (value=1): AssertionError: 1 != 0",
        ),
        "test_every_outcome.NoFixture.setUpClass": ("error", "RuntimeError: no database"),
    }


@pytest.mark.usefixtures("restored")
def test_a_script_runs_from_its_own_folder(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            **SUITE,
            "helper_module.py": "",
            "runtests.py": "import sys\nimport unittest\n\nimport helper_module\n\n"
            "unittest.main(module='test_every_outcome', argv=sys.argv[:1] + ['Outcomes.test_passes'])\n",
        },
    )
    junit = tmp_path / "junit.xml"
    with pytest.raises(SystemExit) as stopped:
        py_ci_unittest.main([str(junit), str(tmp_path / "runtests.py")])
    assert stopped.value.code == 0  # False before 3.12
    assert outcomes(junit) == {"test_every_outcome.Outcomes.test_passes": ("passed", "")}


def test_without_a_runner_it_says_how_to_call_it() -> None:
    for argv in ([], ["junit.xml"], ["junit.xml", "-m"]):
        with pytest.raises(SystemExit) as stopped:
            py_ci_unittest.main(argv)
        assert stopped.value.code == py_ci_unittest.USAGE


@pytest.mark.usefixtures("restored")
def test_a_result_of_its_own_is_heard_and_a_skipped_class_is_no_test(tmp_path: Path) -> None:
    # unittest-xml-reporting's result records a skip without calling the base class's addSkip.
    runtests = """
        import sys
        import unittest


        class OwnResult(unittest.TextTestResult):
            def addSkip(self, test, reason):
                self.skipped.append((test, reason))


        class Skipped(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                raise unittest.SkipTest("no server")

            def test_never(self):
                pass


        class Runs(unittest.TestCase):
            def test_skips(self):
                self.skipTest("not today")


        unittest.main(testRunner=unittest.TextTestRunner(resultclass=OwnResult))
        """
    write_files(tmp_path, {"runtests.py": runtests})
    junit = tmp_path / "junit.xml"
    with pytest.raises(SystemExit):
        py_ci_unittest.main([str(junit), str(tmp_path / "runtests.py")])
    # unittest's own count: Ran 1 test, OK (skipped=2): the class's skip ran no test.
    assert outcomes(junit) == {"__main__.Runs.test_skips": ("skipped", "not today")}
