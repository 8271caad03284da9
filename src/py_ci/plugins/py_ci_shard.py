"""A pytest plugin py-ci loads in the project's own environment (`-p py_ci_shard`): it keeps one shard of the
collected tests and records how long each test took.

PYTEST_SHARD=K/N keeps shard K of N. With the durations of an earlier run (PYTEST_SHARD_DURATIONS, a JSON object of
test id -> seconds) the split is planned before collection: longest first, each to the lightest shard, with files kept
whole wherever that balances as well as test by test does, so that a shard skips collecting the files of the others
(python-dateutil's 2,916-test file cost every shard its collection under coverage). A file is skipped only when the
plan gives it whole to another shard, which collects it and keeps every test in it, new ones too; a test of any other
file the last run did not have weighs what an average one did and goes to the lightest shard, every shard seeing the
same ones. Without durations, test by test in id order, each to the lightest, so a file's (a parametrization's) slow
tests spread over the shards: whole files balanced far worse on real suites without them (packaging's 64,207 tests:
the slowest of 4 shards 2.96x a quarter by file, 1.04x by test; Markdown 2.09x and 1.30x). PYTEST_SHARD_DURATIONS_OUT
receives this run's durations: each test's, from the end of the one before (pytest's own work between tests counts),
and each file's collecting. The standard library and pytest alone: py-ci is not installed where the tests run.
"""

from __future__ import annotations

import heapq
import importlib
import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_FILE = getattr(pytest, "File", None) or importlib.import_module("_pytest.nodes").File  # pytest.File from pytest 7
# A plan may be at most this much slower than test by test to keep files whole (its slowest shard against that one's).
WHOLE_FILES_SLACK = 1.05


@dataclass
class Recorder:
    """This run's seconds: each test's, and each file's collecting (under the file's id, which has no `::`)."""

    tests: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    files: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    collected: set[str] = field(default_factory=set)  # the files' ids
    started: dict[str, float] = field(default_factory=dict)
    chained: bool = True  # a test counts from the end of the one before (not on pytest-xdist's controller)
    last_end: float | None = None


_RECORDED = Recorder()


@dataclass(frozen=True)
class Plan:
    """Where an earlier run's tests go: each known test's shard, the files kept whole and theirs, each shard's load."""

    shard_of: dict[str, int]
    owner: dict[str, int]
    loads: list[float]


def split(weights: dict[str, float], count: int, loads: list[float] | None = None) -> list[list[str]]:
    """Longest first, each to the lightest shard so far (within 4/3 of the best split); the same on every leg."""
    shards: list[list[str]] = [[] for _ in range(count)]
    lightest = [(load, index) for index, load in enumerate(loads or [0.0] * count)]
    heapq.heapify(lightest)
    for name in sorted(weights, key=lambda unit: (-weights[unit], unit)):
        load, index = heapq.heappop(lightest)
        shards[index].append(name)
        heapq.heappush(lightest, (load + weights[name], index))
    return shards


def file_of(test: str) -> str:
    return test.split("::", 1)[0]


def _assigned(
    by_file: dict[str, dict[str, float]], collecting: dict[str, float], divided: set[str], count: int
) -> Plan:
    """The files in `divided` test by test, collected by every shard; the others whole, collected by theirs alone."""
    units = {test: seconds for name in divided for test, seconds in by_file[name].items()}
    units.update(
        {
            name: sum(tests.values()) + collecting.get(name, 0.0)
            for name, tests in by_file.items()
            if name not in divided
        }
    )
    shared = sum(collecting.get(name, 0.0) for name in divided)
    shard_of: dict[str, int] = {}
    owner: dict[str, int] = {}
    loads = [shared] * count
    for index, shard in enumerate(split(units, count, list(loads))):
        for unit in shard:
            loads[index] += units[unit]
            if unit in by_file and unit not in divided:
                owner[unit] = index
                shard_of.update(dict.fromkeys(by_file[unit], index))
            else:
                shard_of[unit] = index
    return Plan(shard_of, owner, loads)


def plan(known: dict[str, float], count: int) -> Plan:
    """The fewest heaviest files divided test by test for the others to stay whole, balanced as well as all divided.

    `known` holds each test's seconds (its id has `::`) and each file's, collecting it (its id is the file's)."""
    by_file: defaultdict[str, dict[str, float]] = defaultdict(dict)
    for test, seconds in known.items():
        if "::" in test:
            by_file[file_of(test)][test] = seconds
    collecting = {name: seconds for name, seconds in known.items() if "::" not in name}
    heaviest = sorted(by_file, key=lambda name: (-sum(by_file[name].values()), name))
    finest = _assigned(by_file, collecting, set(heaviest), count)
    empty = count - len(set(finest.shard_of.values()))
    divided = 0
    while divided < len(heaviest):  # 0, 1, 2, 4, ... files divided: a few plans even for a suite of many files
        tried = _assigned(by_file, collecting, set(heaviest[:divided]), count)
        balanced = max(tried.loads) <= max(finest.loads) * WHOLE_FILES_SLACK
        if balanced and count - len(set(tried.shard_of.values())) <= empty:
            return tried
        divided = divided * 2 or 1
    return finest


def _known() -> dict[str, float]:
    path = os.environ.get("PYTEST_SHARD_DURATIONS", "")
    if not path or not Path(path).is_file():
        return {}
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache splits test by test, as a first run does
    if not isinstance(raw, dict):
        return {}
    return {str(k): float(v) for k, v in raw.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


_PLANNED: dict[int, tuple[Plan, float]] = {}


def _planned(count: int) -> tuple[Plan, float]:
    """This run's plan, and what a test the last run did not have weighs: once a process."""
    if count not in _PLANNED:
        known = _known()
        tests = [seconds for name, seconds in known.items() if "::" in name]
        _PLANNED[count] = plan(known, count), sum(tests) / len(tests) if tests else 1.0
    return _PLANNED[count]


def _shard() -> tuple[int, int] | None:
    shard = os.environ.get("PYTEST_SHARD", "")
    if not shard:
        return None
    index, count = (int(part) for part in shard.split("/"))
    return index - 1, count


def _elsewhere(path: Path, config: Any) -> bool | None:
    """True for a file the plan gives whole to another shard; None lets pytest and the project's conftest decide."""
    shard = _shard()
    if shard is None or path.name == "__init__.py" or not path.is_file():
        return None  # a package's __init__ stays: skipping it would change how pytest collects the package
    index, count = shard
    root = Path(str(getattr(config, "rootpath", None) or config.rootdir))
    owner = _planned(count)[0].owner.get(Path(os.path.relpath(path, root)).as_posix())
    return True if owner is not None and owner != index else None


def _ignore_collect(collection_path: Path, config: Any) -> bool | None:
    return _elsewhere(collection_path, config)


def _ignore_collect_py_path(path: Any, config: Any) -> bool | None:
    return _elsewhere(Path(str(path)), config)


# pytest 6 and older name the path `path`, a py.path; pluggy passes the arguments by the names the hook has.
pytest_ignore_collect = _ignore_collect if int(pytest.__version__.split(".")[0]) >= 7 else _ignore_collect_py_path


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    shard = _shard()
    if shard is None:
        return
    index, count = shard
    planned, average = _planned(count)
    shard_of = dict(planned.shard_of)
    for name in (item.nodeid for item in items if item.nodeid not in shard_of):
        if file_of(name) in planned.owner:
            shard_of[name] = planned.owner[file_of(name)]  # a new test of a whole file: its file's shard collects it
    new = {item.nodeid: average for item in items if item.nodeid not in shard_of}
    for placed, shard_tests in enumerate(split(new, count, list(planned.loads))):
        shard_of.update(dict.fromkeys(shard_tests, placed))
    kept = [item for item in items if shard_of[item.nodeid] == index]
    left = [item for item in items if shard_of[item.nodeid] != index]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: Any) -> Any:
    """What collecting each file took (importing it, making its tests), recorded under the file's id."""
    started = time.perf_counter()
    yield
    if isinstance(collector, _FILE):
        _RECORDED.collected.add(collector.nodeid)
    if file_of(collector.nodeid) in _RECORDED.collected:  # the file's classes too; a folder's is no file's
        _RECORDED.files[file_of(collector.nodeid)] += time.perf_counter() - started


def pytest_configure(config: Any) -> None:
    # On pytest-xdist's controller the workers' tests interleave: there each counts from its own start.
    _RECORDED.chained = not getattr(config.option, "numprocesses", None)


def pytest_runtest_logstart(nodeid: str) -> None:
    # From the end of the one before, pytest's own work between tests (each one's warnings caught, its reports
    # written) counts: python-dateutil's 5,344 tests under coverage on 3.11 take 56.7 s so, 52.8 s from each one's
    # start to its end, 48.7 s by pytest's durations; a shard of its 2,916-test file ran 1.8 s over its estimate.
    now = time.perf_counter()
    last = _RECORDED.last_end
    _RECORDED.started[nodeid] = last if _RECORDED.chained and last is not None else now


def pytest_runtest_logfinish(nodeid: str) -> None:
    now = _RECORDED.last_end = time.perf_counter()
    if nodeid in _RECORDED.started:
        _RECORDED.tests[nodeid] += now - _RECORDED.started.pop(nodeid)


def pytest_sessionfinish(session: Any) -> None:
    out = os.environ.get("PYTEST_SHARD_DURATIONS_OUT", "")
    # pytest-xdist's workers report to the controller, which writes once.
    if out and not hasattr(session.config, "workerinput"):
        recorded = {**_RECORDED.files, **_RECORDED.tests}
        Path(out).write_text(json.dumps(dict(sorted(recorded.items())), indent=0), encoding="utf-8")
