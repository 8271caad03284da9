"""Shared fixtures: real projects measured by the real coverage.py, and ways to run py-ci."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from py_ci import cli

# Variables of the outer run (pytest-cov, GitHub, our own config) that must not leak into a child.
_LEAKY_PREFIXES = ("COV_CORE_", "COVERAGE_", "PYTEST_", "GITHUB_", "PY_CI_", "RUNNER_")


def annotation_lines(stdout: str) -> list[str]:
    """The annotation commands of an output (not the `::stop-commands::` block around verbatim text)."""
    return [line for line in stdout.splitlines() if line.startswith(("::error", "::warning", "::notice"))]


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_PREFIXES)}
    environ["PYTHONDONTWRITEBYTECODE"] = "1"
    environ.update(extra or {})
    return environ


def run(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, allowed: tuple[int, ...] = (0, 1)
) -> subprocess.CompletedProcess[str]:
    """Run a tool to completion; its failure is the test's failure, with its output shown."""
    result = subprocess.run(
        args, cwd=cwd, env=clean_environ(env), capture_output=True, text=True, encoding="utf-8", check=False
    )
    if result.returncode not in allowed:
        raise AssertionError(f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def coverage(*args: str) -> list[str]:
    return [sys.executable, "-m", "coverage", *args]


def child_pytest(*args: str) -> list[str]:
    """The real pytest, quiet, leaving no cache behind."""
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


SAMPLE_PACKAGE = {
    "shapes/__init__.py": "",
    "shapes/geometry.py": """
        def classify(n: int) -> str:
            if n < 0:
                return "negative"
            elif n == 0:
                return "zero"
            return "positive"


        def clamp(value: float, low: float, high: float) -> float:
            if value < low:
                value = low
            if value > high:
                value = high
            return value


        def first_even(values: list[int]) -> int | None:
            for value in values:
                if value % 2 == 0:
                    return value
            return None
        """,
    "shapes/text.py": """
        def shout(text: str) -> str:
            return text.upper() + "!"


        def never_called() -> None:
            x = 1
            y = 2
            print(x + y)


        def maybe(flag: bool) -> int:
            result = 0
            if flag:
                result = 1
            return result
        """,
}

SAMPLE_TESTS = {
    "tests/test_geometry.py": """
        from shapes.geometry import clamp, classify, first_even


        def test_classify():
            assert classify(5) == "positive"
            assert classify(-1) == "negative"


        def test_clamp():
            assert clamp(5, 0, 10) == 5
            assert clamp(-5, 0, 10) == 0


        def test_first_even():
            assert first_even([1, 2]) == 2
        """,
    "tests/test_text.py": """
        from shapes.text import maybe, shout


        def test_shout():
            assert shout("hi") == "HI!"


        def test_maybe():
            assert maybe(True) == 1
        """,
}


@dataclass(frozen=True)
class Measured:
    """A project that the real coverage.py measured, and its XML report."""

    root: Path
    xml: Path

    def coverage(self, *args: str, allowed: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        return run(coverage(*args), self.root, allowed=allowed)


def measure(root: Path, *, branch: bool, tests: str = "tests", pytest_cov: bool = False) -> Measured:
    """Run the project's tests under coverage.py (or pytest-cov) and write coverage.xml."""
    if pytest_cov:
        branch_flag = ["--cov-branch"] if branch else []
        run(
            child_pytest("--cov=shapes", *branch_flag, "--cov-report=xml", tests),
            root,
        )
    else:
        branch_flag = ["--branch"] if branch else []
        run(
            coverage("run", *branch_flag, "--source=shapes", "-m", "pytest", "-q", "-p", "no:cacheprovider", tests),
            root,
        )
        run(coverage("xml", "-q"), root)
    return Measured(root, root / "coverage.xml")


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Measured]:
    """A fresh copy of the sample project, measured as asked (cached per variant)."""
    made: dict[tuple[bool, bool], Measured] = {}

    def make(*, branch: bool = True, pytest_cov: bool = False) -> Measured:
        key = (branch, pytest_cov)
        if key not in made:
            root = tmp_path_factory.mktemp(f"sample-{'branch' if branch else 'line'}-{'cov' if pytest_cov else 'run'}")
            write_files(root, {**SAMPLE_PACKAGE, **SAMPLE_TESTS})
            made[key] = measure(root, branch=branch, pytest_cov=pytest_cov)
        return made[key]

    return make


@pytest.fixture(scope="session")
def service_urls() -> Iterator[dict[str, str]]:
    """Real PostgreSQL and Redis on 127.0.0.1, started once: DATABASE_URL and REDIS_URL, as services would give."""
    from py_ci.services import postgres, redis

    with postgres() as database, redis() as cache:
        yield {"DATABASE_URL": database, "REDIS_URL": cache}


EXAMPLE = Path(__file__).parent.parent / "examples" / "bookshop"


def copy_of_example(destination: Path) -> Path:
    """The example as a fresh checkout has it: no environment, caches or coverage data."""
    ignore = shutil.ignore_patterns(".venv", "__pycache__", ".*cache", ".coverage*")
    shutil.copytree(EXAMPLE, destination, ignore=ignore)
    return destination


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_of_example(tmp_path / "bookshop")


@pytest.fixture(scope="session")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as a user's `uses: org/py-ci@v1` gets it, copied once for the end-to-end tests."""
    from tests.e2e.act import action_copy

    return action_copy(tmp_path_factory.mktemp("action"))


@pytest.fixture(scope="session")
def service_containers() -> Iterator[dict[str, str]]:
    """PostgreSQL and Redis where the workflow's service containers would be: localhost:5432 and :6379."""
    from py_ci.services import postgres, redis

    with postgres(5432) as database, redis(6379) as cache:
        yield {"DATABASE_URL": database, "REDIS_URL": cache}


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def py_ci(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run `py-ci` in this process (so our coverage sees it), in a folder, with a clean environment."""

    def invoke(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Outcome:
        with monkeypatch.context() as patch:
            for name in list(os.environ):
                if name.startswith(_LEAKY_PREFIXES):
                    patch.delenv(name)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            capsys.readouterr()
            status = cli.main(list(args))
            captured = capsys.readouterr()
        return Outcome(status, captured.out, captured.err)

    return invoke


def py_ci_process(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Outcome:
    """Run the installed `py-ci` as a user would, in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "py_ci", *args],
        cwd=cwd,
        env=clean_environ(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return Outcome(result.returncode, result.stdout, result.stderr)
