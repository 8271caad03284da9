"""The unit tier: readers, gates, renderers and options on values made here; no process is started."""

from __future__ import annotations

import subprocess
from typing import NoReturn

import pytest


@pytest.fixture(autouse=True)
def _no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError(f"a unit test started a process: {args[1:2]}; it belongs in tests/cli")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
