"""The `coverage run` that measures the tests' child processes: what it adds, and what an older coverage.py gets.

The whole run, child processes measured, is tests/cli/test_as_configured.py's; here, its two ways in-process."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import coverage
import pytest
from coverage import cmdline
from coverage.config import CoverageConfig

from py_ci.plugins import py_ci_coverage_run as launcher
from py_ci.plugins import py_ci_sysmon


@pytest.fixture
def note(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(cmdline, "Coverage", coverage.Coverage)  # restored after the test
    monkeypatch.setattr(cmdline, "main", lambda: None)
    monkeypatch.setenv("COVERAGE_RUN_NOTE", str(tmp_path / "children.txt"))
    return tmp_path / "children.txt"


def test_the_patch_is_added_over_the_configuration(note: Path, tmp_path: Path) -> None:
    assert launcher.main() == 0
    assert note.read_text() == "child processes measured too (coverage.py's [run] patch = subprocess)"
    made: coverage.Coverage = vars(cmdline)["Coverage"](data_file=str(tmp_path / ".coverage"), config_file=False)
    assert (made.get_option("run:patch"), made.get_option("run:parallel")) == (["subprocess"], True)
    assert made.config.config_file == os.devnull  # no file read: the patch needs one named


def test_an_older_coverage_runs_as_it_is(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage, "version_info", (7, 6, 1, "final", 0))
    monkeypatch.setattr(coverage, "__version__", "7.6.1")
    assert launcher.main() == 0
    assert vars(cmdline)["Coverage"] is coverage.Coverage
    assert note.read_text().startswith("child processes not measured: coverage.py 7.6.1 predates")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("branch", True),
        ("dynamic_context", "test_function"),
        ("plugins", ["django_coverage_plugin"]),
        ("concurrency", ["gevent"]),
        ("timid", True),
        ("core", "ctrace"),
    ],
)
def test_sys_monitoring_is_left_where_it_would_measure_otherwise(setting: str, value: object) -> None:
    config = CoverageConfig()
    assert launcher.sysmon_fits(config, (3, 12), (7, 17, 3))
    setattr(config, setting, value)
    assert not launcher.sysmon_fits(config, (3, 12), (7, 17, 3))


@pytest.mark.parametrize(
    ("python", "release", "fits"),
    [
        ((3, 11), (7, 17, 3), False),  # no sys.monitoring
        ((3, 12), (7, 14, 2), True),
        ((3, 13), (7, 17, 3), True),
        ((3, 12), (7, 14, 1), False),  # before its last line-measuring fix
        ((3, 14), (7, 17, 3), False),  # coverage.py's own choice there
    ],
)
def test_sys_monitoring_on_3_12_and_3_13_with_a_coverage_that_measures_lines_right(
    python: tuple[int, int], release: tuple[int, int, int], fits: bool
) -> None:
    assert launcher.sysmon_fits(CoverageConfig(), python, release) is fits


def workers_options(tmp_path: Path, **given: object) -> argparse.Namespace:
    """pytest-cov's options as its parser leaves them, with `given` over them."""
    defaults = {"cov_source": [True], "no_cov": False, "cov_context": None, "cov_branch": None}
    return argparse.Namespace(**{**defaults, "cov_config": str(tmp_path / ".coveragerc"), **given})


@pytest.mark.parametrize(
    "given",
    [{"cov_source": []}, {"no_cov": True}, {"cov_context": "test"}, {"cov_branch": True}],
    ids=["no --cov", "--no-cov", "--cov-context", "--cov-branch"],
)
def test_the_workers_keep_the_default_core_where_pytest_cov_measures_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: dict[str, object]
) -> None:
    monkeypatch.delenv("COVERAGE_CORE", raising=False)
    assert not py_ci_sysmon.chosen(workers_options(tmp_path, **given))


def test_the_workers_choose_as_coverage_run_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVERAGE_CORE", raising=False)
    fits = (3, 12) <= sys.version_info[:2] < (3, 14)
    (tmp_path / ".coveragerc").write_text("[run]\nsource = pkg\n")
    assert py_ci_sysmon.chosen(workers_options(tmp_path)) is fits
    (tmp_path / ".coveragerc").write_text("[run]\nbranch = True\n")
    assert not py_ci_sysmon.chosen(workers_options(tmp_path))
    (tmp_path / ".coveragerc").write_text("[run]\nbranch = maybe\n")  # coverage.py refuses it: pytest-cov will say so
    assert not py_ci_sysmon.chosen(workers_options(tmp_path))
    monkeypatch.setenv("COVERAGE_CORE", "ctrace")
    (tmp_path / ".coveragerc").write_text("[run]\n")
    assert not py_ci_sysmon.chosen(workers_options(tmp_path))
