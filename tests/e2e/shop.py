"""The example's shop started by hand, under coverage.py, as its e2e group starts it: the tests' independent figures."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HEALTH = "http://127.0.0.1:8765/health"


@contextlib.contextmanager
def shop_by_hand(project: Path, services: dict[str, str], data_file: Path) -> Iterator[None]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": "src",
        "COVERAGE_FILE": str(data_file),
        **services,
    }
    command = [sys.executable, "-m", "coverage", "run", "--parallel-mode", "-m", "bookshop.web"]
    shop = subprocess.Popen(command, cwd=project, env=env)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(HEALTH, timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the shop did not start")
        yield
    finally:
        shop.send_signal(signal.SIGINT)  # coverage.py saves its data on the way out
        shop.wait(timeout=30)
