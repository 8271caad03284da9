"""Shared fixtures: real projects measured by the real coverage.py, real services, and py-ci run in this process."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from py_ci import cli
from tests.helpers import (
    LEAKY_PREFIXES,
    SAMPLE_PACKAGE,
    SAMPLE_TESTS,
    Measured,
    Outcome,
    copy_of_example,
    measure,
    write_files,
)


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


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_of_example(tmp_path / "bookshop")


@pytest.fixture
def py_ci(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run `py-ci` in this process (so our coverage sees it), in a folder, with a clean environment."""

    def invoke(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Outcome:
        with monkeypatch.context() as patch:
            for name in list(os.environ):
                if name.startswith(LEAKY_PREFIXES):
                    patch.delenv(name)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.chdir(cwd)
            capsys.readouterr()
            status = cli.main(list(args))
            captured = capsys.readouterr()
        return Outcome(status, captured.out, captured.err)

    return invoke


@pytest.fixture
def config_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each configuration file py-ci reads, once per read, in order."""
    from py_ci.readers import project_files

    reads: list[str] = []
    real = project_files._read

    def counted(path: Path) -> str:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(project_files, "_read", counted)
    return reads


@pytest.fixture
def shop_port() -> Iterator[int]:
    """The example's shop's port (127.0.0.1:8765), held for the test: across pytest-xdist's workers, and any other
    run of the suite on this machine, one test at a time starts the shop."""
    with (Path(tempfile.gettempdir()) / "py-ci-tests-shop-8765.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield 8765
