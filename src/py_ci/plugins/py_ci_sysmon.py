"""A pytest plugin py-ci loads where pytest-cov measures the tests on pytest-xdist's workers (`-p py_ci_sysmon`): the
sys.monitoring core for lines alone on CPython 3.12 and 3.13, by the rule py_ci_coverage_run applies to `coverage run`.

It decides before pytest-cov starts coverage.py (a wrapper around the hook pytest-cov starts it in), from the
configuration pytest-cov will give it (`--cov-config`, `--cov-branch`, `--cov-context`), and hands the choice to
every worker through COVERAGE_CORE. What it chose goes to the file named by COVERAGE_RUN_NOTE. The standard library,
pytest and coverage.py only: py-ci is not installed where the tests run.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import coverage
import pytest


def _launcher() -> Any:
    """py_ci_coverage_run: beside this file on the tests' path, or in py-ci's own package (its tests)."""
    try:
        return importlib.import_module("py_ci_coverage_run")
    except ImportError:
        return importlib.import_module("py_ci.plugins.py_ci_coverage_run")


def chosen(options: Any) -> bool:
    """Whether pytest-cov's measurement, as these options make it, fits the sys.monitoring core."""
    if not getattr(options, "cov_source", None) or getattr(options, "no_cov", False):
        return False  # pytest-cov measures nothing
    if os.environ.get("COVERAGE_CORE") or getattr(options, "cov_context", None):
        return False
    # As pytest-cov makes its Coverage: the configuration file it names, the branches its option asks for.
    try:
        measured = coverage.Coverage(config_file=options.cov_config, branch=options.cov_branch or None)
    except coverage.CoverageException:  # a configuration it refuses: pytest-cov says so, in its words
        return False
    release = tuple(coverage.version_info[:3])
    return bool(_launcher().sysmon_fits(measured.config, sys.version_info[:2], release))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: Any) -> Generator[None, None, None]:
    if chosen(early_config.known_args_namespace):
        os.environ["COVERAGE_CORE"] = "sysmon"  # the workers inherit it
        if where := os.environ.get("COVERAGE_RUN_NOTE"):
            Path(where).write_text(_launcher().SYSMON, encoding="utf-8")
    yield
