"""The tests run as their maintainers run them: the runner their files name (unittest, a Django runtests.py,
zope.testrunner), found where they keep the command, under the real coverage.py, each test counted by that runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import py_ci.plugins.py_ci_unittest as py_ci_unittest
from py_ci.files import InputLimit
from py_ci.readers.junit import read_junit
from tests.helpers import PYTHON, Outcome, find_python, fresh_venv, run, unittest_runs_skips, write_files

PyCI = Callable[..., Outcome]
HATCHLING = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
DJANGO = "Django==5.2.19"
ZOPE_TESTRUNNER = "zope.testrunner==8.3"
LIMIT = InputLimit(1024 * 1024, "X")


def run_tests(py_ci: PyCI, root: Path, python: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    outcome = py_ci("run", "--python", python, "--checks", "test", "--json", cwd=root, env=env)
    assert outcome.status in (0, 1), outcome.stderr
    result: dict[str, Any] = json.loads(outcome.stdout)
    assert not result.get("not_run"), result["not_run"]
    return result


def installed(py_ci: PyCI, root: Path, tmp_path: Path) -> str:
    """The project installed as its files say, by `py-ci install`, into a fresh environment."""
    python = fresh_venv(tmp_path / "venv")
    outcome = py_ci("install", str(root), "--python", str(python), "--json", cwd=tmp_path, env={"PY_CI_CHECKS": "test"})
    assert outcome.status == 0, outcome.stderr
    # Their runner needs coverage.py alone: pytest (and the Pygments it brings) would change what the tests see.
    assert json.loads(outcome.stdout)["added_tools"] == ["coverage"]
    return str(python)


# A package whose tests turn every warning into an error when imported: pytest's collection warning for a helper
# class named Test... becomes a collection error there; unittest never looks at that class.
STRICT_UNITTEST = {
    "calc/__init__.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "tests/__init__.py": "import warnings\n\nwarnings.simplefilter('error')\n",
    "tests/test_add.py": """
        import unittest

        from calc import add


        class TestData:
            def __init__(self, value):
                self.value = value


        class AddTest(unittest.TestCase):
            def test_add(self):
                self.assertEqual(add(1, 2), TestData(3).value)

            def test_negative(self):
                self.assertEqual(add(-1, -2), -3)

            @unittest.skip("not on this platform")
            def test_skipped(self):
                pass

            def test_fails(self):
                for value in (1, 2):
                    with self.subTest(value=value):
                        self.assertEqual(add(value, 0), 1)
        """,
    "tox.ini": "[tox]\nenv_list = py\n\n[testenv]\ncommands =\n"
    "    python -m unittest discover -s tests -t . {posargs}\n",
}


# Whether unittest counts a test its decorator skips as run: py-ci counts what the runner ran.
SKIPS_RUN = unittest_runs_skips()


def test_a_unittest_suite_is_counted_by_unittest(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(tmp_path, STRICT_UNITTEST)
    result = run_tests(py_ci, tmp_path, PYTHON, {"PYTHONPATH": str(tmp_path)})
    tests = result["tests"]
    # unittest's own count: Ran 4 tests, FAILED (failures=1, skipped=1) (Ran 3 on 3.12.1); pytest said 1 error.
    expected = (3 + SKIPS_RUN, 2, 1, 0, SKIPS_RUN)
    assert (tests["tests"], tests["passed"], tests["failed"], tests["errors"], tests["skipped"]) == expected
    assert tests["failures"][0]["id"] == "tests/test_add.py::AddTest::test_fails"
    assert tests["failures"][0]["message"] == "tests.test_add.AddTest.test_fails (value=2): AssertionError: 2 != 1"
    (ran,) = result["ran"]
    assert ran["check"] == "unittest"
    assert ran["command"].startswith("coverage run -m py_ci_unittest ")
    assert ran["command"].split(".xml ", 1)[1] == "-m unittest discover -s tests -t ."
    assert ran["settings"].startswith(
        "runner: unittest, from tox.ini [testenv] commands (python -m unittest discover -s tests -t . {posargs})"
    )
    assert result["coverage"]["files"][0]["path"] == "calc/__init__.py"
    assert result["coverage"]["files"][0]["total"] == 100.0


# decorator 5.3.1's shape: its tests in tests/test.py, run by `python tests/test.py`; no test command named and
# pytest not configured. pytest's file naming collects nothing there (exit 5); unittest's finds the file.
UNITTEST_NAMED = {
    "src/calc.py": "def add(a, b):\n    return a + b\n",
    "pyproject.toml": '[project]\nname = "calc"\nversion = "1"\n' + HATCHLING,
    "tests/test.py": """
        import unittest

        from calc import add


        class AddTest(unittest.TestCase):
            def test_add(self):
                self.assertEqual(add(1, 2), 3)

            def test_fails(self):
                self.assertEqual(add(1, 1), 3)


        if __name__ == "__main__":
            unittest.main()
        """,
}


def test_a_unittest_module_pytest_s_naming_misses_runs_by_unittest(py_ci: PyCI, tmp_path: Path) -> None:
    root = tmp_path / "calc"
    write_files(root, UNITTEST_NAMED)
    result = run_tests(py_ci, root, PYTHON, {"PYTHONPATH": str(root / "src")})
    tests = result["tests"]
    assert (tests["tests"], tests["passed"], tests["failed"]) == (2, 1, 1)
    assert tests["failures"][0]["id"] == "tests/test.py::AddTest::test_fails"
    (ran,) = result["ran"]
    assert ran["check"] == "unittest"
    assert ran["command"].split(".xml ", 1)[1] == "-m unittest discover -s tests"
    assert ran["settings"].startswith("runner: unittest, from the project's tests/test.py (unittest's file naming")
    assert result["coverage"]["files"][0]["path"] == "src/calc.py"


def test_a_runner_that_fails_with_no_failed_test_is_no_pass(py_ci: PyCI, tmp_path: Path) -> None:
    # The suite passes, then the script fails on its own: the maintainers' run is red, so py-ci's is never green.
    files = {
        "calc/__init__.py": "",
        "tests/__init__.py": "",
        "tests/test_calc.py": "import unittest\n\n\nclass T(unittest.TestCase):\n"
        "    def test_ok(self):\n        pass\n",
        "runtests.py": "import sys\nimport unittest\n\nunittest.main(module=None, argv=['x', 'discover'], exit=False)\n"
        "sys.exit('the documentation build failed')\n",
    }
    write_files(tmp_path, files)
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=tmp_path)
    assert outcome.status == 2, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["tests"]["passed"] == 1
    (problem,) = result["not_run"]
    assert problem["what"] == "failed (exit 1) with no failed test"
    assert problem["cause"] == "the documentation build failed"


DJANGO_APP = {
    "pyproject.toml": f'{HATCHLING}[project]\nname = "greetings"\nversion = "1.0"\ndependencies = ["Django"]\n',
    "tox.ini": f"[testenv]\ndeps =\n    {DJANGO}\ncommands =\n    {{envpython}} runtests.py {{posargs}}\n",
    "greetings/__init__.py": "",
    "greetings/views.py": """
        from django.http import HttpResponse


        def hello(request, name):
            if name == "world":
                return HttpResponse("Hello, everyone")
            return HttpResponse(f"Hello, {name}")
        """,
    "greetings/urls.py": """
        from django.urls import path

        from greetings.views import hello

        urlpatterns = [path("hello/<str:name>", hello)]
        """,
    "greetings/tests.py": """
        from django.contrib.auth.models import User
        from django.test import SimpleTestCase, TestCase


        class HelloTests(SimpleTestCase):
            def test_hello(self):
                self.assertContains(self.client.get("/hello/ada"), "Hello, ada")


        class UserTests(TestCase):
            def test_user_is_saved(self):
                User.objects.create(username="ada")
                self.assertEqual(User.objects.count(), 1)
        """,
    # The settings are made in the script: there is no settings module for pytest-django to load.
    "runtests.py": """
        import sys

        import django
        from django.conf import settings
        from django.test.utils import get_runner

        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "greetings"],
            ROOT_URLCONF="greetings.urls",
            SECRET_KEY="tests",
        )
        django.setup()
        failures = get_runner(settings)(verbosity=1).run_tests(["greetings"])
        sys.exit(bool(failures))
        """,
}


def test_a_django_app_runs_by_its_runtests_script(py_ci: PyCI, tmp_path: Path) -> None:
    root = tmp_path / "greetings"
    write_files(root, DJANGO_APP)
    result = run_tests(py_ci, root, installed(py_ci, root, tmp_path))
    tests = result["tests"]
    assert (tests["tests"], tests["passed"]) == (2, 2)
    assert {case["id"] for case in tests["slowest"]} == {
        "greetings/tests.py::HelloTests::test_hello",
        "greetings/tests.py::UserTests::test_user_is_saved",
    }
    (ran,) = result["ran"]
    assert ran["check"] == "runtests.py"
    assert ran["settings"].startswith("runner: runtests.py, from tox.ini [testenv] commands")
    views = next(file for file in result["coverage"]["files"] if file["path"] == "greetings/views.py")
    assert views["missing"] == "7"  # the view ran in the test client, its other branch did not


ZOPE_PACKAGE = {
    "pyproject.toml": f'{HATCHLING}[project]\nname = "zdemo"\nversion = "1.0"\n',
    "tox.ini": f"[testenv]\ndeps =\n    {ZOPE_TESTRUNNER}\n"
    "commands =\n    zope-testrunner --test-path=. {posargs:-vc}\n",
    "zdemo/__init__.py": "def double(value):\n    return value * 2\n",
    # zope.testrunner's naming: a `tests` module, which pytest's default file pattern never collects.
    "zdemo/tests.py": """
        import unittest

        from zdemo import double


        class DoubleTests(unittest.TestCase):
            def test_double(self):
                self.assertEqual(double(2), 4)

            def test_zero(self):
                self.assertEqual(double(0), 0)
        """,
}


def test_a_zope_package_runs_by_zope_testrunner(py_ci: PyCI, tmp_path: Path) -> None:
    root = tmp_path / "zdemo"
    write_files(root, ZOPE_PACKAGE)
    result = run_tests(py_ci, root, installed(py_ci, root, tmp_path))
    assert (result["tests"]["tests"], result["tests"]["passed"]) == (2, 2)
    (ran,) = result["ran"]
    assert ran["check"] == "zope.testrunner"
    assert ran["command"].split(".xml ", 1)[1] == "-m zope.testrunner --test-path=. -vc"
    assert result["coverage"]["files"][0] == {
        "path": "zdemo/__init__.py",
        "total": 100.0,
        "lines_valid": 2,
        "lines_covered": 2,
        "branches_valid": 0,
        "branches_covered": 0,
        "missing": "",
    }


def test_a_pytest_command_runs_the_paths_and_markers_it_names(py_ci: PyCI, tmp_path: Path) -> None:
    # tox runs the unit tests alone, and not the slow ones; pytest-cov's options are py-ci's to set.
    files = {
        "calc/__init__.py": "def one() -> int:\n    return 1\n",
        "tests/unit/test_one.py": "import pytest\n\nfrom calc import one\n\n\n"
        "def test_one():\n    assert one() == 1\n\n\n@pytest.mark.slow\ndef test_slow():\n    assert False\n",
        "tests/needs_a_database/test_db.py": "def test_db():\n    assert False\n",
        "pyproject.toml": "[tool.pytest.ini_options]\nmarkers = ['slow']\n",
        "tox.ini": "[testenv]\ncommands = pytest --cov=calc --cov-report=xml -m 'not slow' {posargs:tests/unit}\n",
    }
    write_files(tmp_path, files)
    result = run_tests(py_ci, tmp_path, PYTHON, {"PYTHONPATH": str(tmp_path)})
    assert (result["tests"]["tests"], result["tests"]["passed"]) == (1, 1)
    (ran,) = result["ran"]
    assert ran["command"].endswith(" -m 'not slow' tests/unit")
    assert ran["settings"].startswith("runner: pytest, from tox.ini [testenv] commands (pytest --cov=calc")
    # Measured as the command measures it: calc, lines alone (no --cov-branch).
    assert "; coverage: tox.ini [testenv] commands: calc; child processes measured too" in ran["settings"]
    assert result["coverage"]["branches_valid"] == 0
    assert [file["path"] for file in result["coverage"]["files"]] == ["calc/__init__.py"]


def test_a_runner_that_runs_no_test_says_why(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(tmp_path, {"calc/__init__.py": "", "runtests.py": "import no_such_runner\n"})
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=tmp_path)
    assert outcome.status == 2, outcome.stderr
    (problem,) = json.loads(outcome.stdout)["not_run"]
    assert (problem["title"], problem["what"]) == ("runtests.py", "ran no tests (exit 1)")
    assert problem["cause"] == "ModuleNotFoundError: No module named 'no_such_runner'"


def test_workers_are_pytest_s_and_it_says_it_stood_in(py_ci: PyCI, tmp_path: Path) -> None:
    files = {**STRICT_UNITTEST, "tests/__init__.py": ""}  # pytest collects this package as unittest does
    write_files(tmp_path, files)
    outcome = py_ci(
        "run",
        "--python",
        PYTHON,
        "--checks",
        "test",
        "--parallel",
        "--json",
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path)},
    )
    result = json.loads(outcome.stdout)
    assert result["tests"]["tests"] == 4
    (ran,) = result["ran"]
    assert ran["check"] == "pytest"
    assert ran["settings"].startswith(
        "runner: pytest, for its shards, workers or test groups (the project's runner: unittest, from tox.ini"
    )


def test_it_runs_in_the_oldest_python_a_project_may_have(tmp_path: Path) -> None:
    # It runs in the project's own interpreter: Python 3.9's, here, with the standard library alone.
    write_files(tmp_path, {**STRICT_UNITTEST, "tests/__init__.py": ""})
    junit = tmp_path / "junit.xml"
    plugins = Path(py_ci_unittest.__file__).parent
    command = [find_python("3.9"), "-m", "py_ci_unittest", str(junit), "-m", "unittest", "discover", "-s", "tests"]
    done = run(command, tmp_path, env={"PYTHONPATH": os.pathsep.join([str(plugins), str(tmp_path)])}, allowed=(1,))
    assert "Ran 4 tests" in done.stderr
    cases = {f"{case.classname}.{case.name}": case.outcome for case in read_junit(junit, LIMIT).cases}
    assert cases == {
        "test_add.AddTest.test_add": "passed",
        "test_add.AddTest.test_negative": "passed",
        "test_add.AddTest.test_skipped": "skipped",
        "test_add.AddTest.test_fails": "failed",
    }


def test_the_workflow_s_unit_group_runs_by_the_project_s_runner(py_ci: PyCI, tmp_path: Path) -> None:
    # The reusable workflow's matrix job: the common layout's unit group, which selects every test, is the whole run.
    write_files(tmp_path, STRICT_UNITTEST)
    variables = {"PYTHONPATH": str(tmp_path), "PY_CI_GROUPS": "matrix", "PY_CI_CHECKS": "test", "PY_CI_LABEL": "x=1"}
    outcome = py_ci("action", "--python", PYTHON, "--output-dir", "out", "--json", cwd=tmp_path, env=variables)
    assert "unittest (unit) finished" in outcome.stderr
    leg = json.loads((tmp_path / "out" / "result-unit.json").read_text())
    assert (leg["tests"]["tests"], leg["tests"]["failed"]) == (3 + SKIPS_RUN, 1)
    assert "junit-unit.xml -m unittest discover -s tests -t ." in outcome.stdout  # how it ran, in the job's result
