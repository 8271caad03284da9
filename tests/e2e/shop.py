"""The example's shop started by hand, under coverage.py, as its e2e group starts it: the tests' independent figures."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from py_ci.application import answers

# Off the example's own 8765, which the CLI tiers use: scripts/test runs them beside this one. The example's knobs.
PORT = 8766
URL = f"http://127.0.0.1:{PORT}"
HEALTH = f"{URL}/health"
SHOP_ENVIRON = {"BOOKSHOP_PORT": str(PORT), "BOOKSHOP_URL": URL}


def on_the_tiers_port(project: Path) -> None:
    """The project's start and ready on this tier's port (the start command reads BOOKSHOP_PORT)."""
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        pyproject.write_text(pyproject.read_text().replace("127.0.0.1:8765", f"127.0.0.1:{PORT}"))


@contextlib.contextmanager
def shop_by_hand(project: Path, services: dict[str, str], data_file: Path) -> Iterator[dict[str, str]]:
    """The shop, until the block ends; the block gets what its tests need to find it."""
    env = {
        **SHOP_ENVIRON,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": "src",
        "COVERAGE_FILE": str(data_file),
        **services,
    }
    command = [sys.executable, "-m", "coverage", "run", "--parallel-mode", "-m", "bookshop.web"]
    # A handler here is SIG_DFL in the shop: a shell's background job (`pytest ... &`) inherits SIGINT ignored, and a
    # shop that ignores it would never stop (nor save its coverage).
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        shop = subprocess.Popen(command, cwd=project, env=env)
    finally:
        signal.signal(signal.SIGINT, before)
    try:
        for _ in range(150):
            if answers(HEALTH):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the shop did not start")
        yield {**services, **SHOP_ENVIRON}
    finally:
        shop.send_signal(signal.SIGINT)  # coverage.py saves its data on the way out
        shop.wait(timeout=30)
