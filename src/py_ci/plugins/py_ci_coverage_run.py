"""`coverage run` that measures the child processes the tests start too (a CLI run with `subprocess`): coverage.py's
own `[run] patch = ["subprocess"]` added to the project's configuration, which it reads as ever. From coverage.py
7.10.3 on, which hands every setting to the children; an older one runs as it is, and says so.

py-ci runs it as `python py_ci_coverage_run.py run ...` where the project's configuration names no patch of its own;
what it did goes to the file named by COVERAGE_RUN_NOTE (stdlib and coverage.py only).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import coverage
from coverage import cmdline

# The first coverage.py whose subprocess patch hands the children the whole configuration (CHANGES.rst, 7.10.3).
FIRST = (7, 10, 3)


class _MeasuringChildren(coverage.Coverage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.config_file is None:
            # No configuration file read: the patch wants one named, and an empty one is the same defaults.
            self.config.config_file = os.devnull
        self.set_option("run:patch", ["subprocess"])
        self.set_option("run:parallel", True)  # each child writes a data file of its own, combined after


def _said(text: str) -> None:
    where = os.environ.get("COVERAGE_RUN_NOTE")
    if where:
        Path(where).write_text(text, encoding="utf-8")


def main() -> int:
    if tuple(coverage.version_info[:3]) >= FIRST:
        setattr(cmdline, "Coverage", _MeasuringChildren)  # noqa: B010 (the class cmdline makes its Coverage with)
        _said("child processes measured too (coverage.py's [run] patch = subprocess)")
    else:
        _said(
            f"child processes not measured: coverage.py {coverage.__version__} predates [run] patch = subprocess "
            "(7.10.3); pin coverage>=7.10.3 to measure them"
        )
    return cmdline.main() or 0


if __name__ == "__main__":
    sys.exit(main())
