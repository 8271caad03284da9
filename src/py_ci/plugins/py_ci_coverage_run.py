"""`coverage run` that measures the child processes the tests start too (a CLI run with `subprocess`): coverage.py's
own `[run] patch = ["subprocess"]` added to the project's configuration, which it reads as ever. From coverage.py
7.10.3 on, which hands every setting to the children; an older one runs as it is, and says so.

Where it measures the same lines for a fraction of the cost, it also picks coverage.py's sys.monitoring core, which
coverage.py itself picks only from Python 3.14 on: CPython 3.12 and 3.13, lines alone (no branches, which it cannot
measure there), nothing the core lacks (dynamic contexts, plugins, gevent-like concurrency, timid), the project's own
choice of core (`core`, COVERAGE_CORE) kept. python-dateutil's 5,344 tests on 3.12: 58.6 s under the default core,
22.0 s under this one, the same lines measured (docs/performance.md).

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
# The last fix to its sys.monitoring core's line measurement on 3.12 and 3.13 (CHANGES.rst 7.14.2: the tool id).
FIRST_SYSMON = (7, 14, 2)
CHILDREN = "child processes measured too (coverage.py's [run] patch = subprocess)"
SYSMON = "lines measured by coverage.py's sys.monitoring core (Python 3.12 and 3.13, no branches: the same lines)"


def sysmon_fits(config: Any, python: tuple[int, ...], release: tuple[int, ...]) -> bool:
    """The core coverage.py would choose on 3.14, where it measures what the default core does on 3.12 and 3.13."""
    if sys.implementation.name != "cpython" or not (3, 12) <= python < (3, 14) or release < FIRST_SYSMON:
        return False
    lacking = {"greenlet", "eventlet", "gevent"} & set(config.concurrency)
    chosen = config.core is not None or config.timid  # the project's (COVERAGE_CORE is read into core)
    return not (chosen or config.branch or config.dynamic_context or config.plugins or lacking)


class _MeasuringChildren(coverage.Coverage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.config_file is None:
            # No configuration file read: the patch wants one named, and an empty one is the same defaults.
            self.config.config_file = os.devnull
        self.set_option("run:patch", ["subprocess"])
        self.set_option("run:parallel", True)  # each child writes a data file of its own, combined after
        if sysmon_fits(self.config, sys.version_info[:2], tuple(coverage.version_info[:3])):
            self.set_option("run:core", "sysmon")  # the children are handed it with the rest
            _said(f"{CHILDREN}; {SYSMON}")


def _said(text: str) -> None:
    where = os.environ.get("COVERAGE_RUN_NOTE")
    if where:
        Path(where).write_text(text, encoding="utf-8")


def main() -> int:
    if tuple(coverage.version_info[:3]) >= FIRST:
        setattr(cmdline, "Coverage", _MeasuringChildren)  # noqa: B010 (the class cmdline makes its Coverage with)
        _said(CHILDREN)
    else:
        _said(
            f"child processes not measured: coverage.py {coverage.__version__} predates [run] patch = subprocess "
            "(7.10.3); pin coverage>=7.10.3 to measure them"
        )
    return cmdline.main() or 0


if __name__ == "__main__":
    sys.exit(main())
