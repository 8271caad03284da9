"""A pytest plugin py-ci loads in the project's own environment (`-p py_ci_shard`): it keeps one shard of the
collected tests and records how long each test took.

PYTEST_SHARD=K/N keeps shard K of N. Without durations, test by test in id order, each to the lightest shard, so a
file's (a parametrization's) slow tests spread over the shards: whole files balanced far worse on real suites, as they
ran (packaging's 64,207 tests: the slowest of 4 shards 2.96x a quarter by file, 1.04x by test; Markdown 2.09x and
1.30x). With the durations of an earlier run (PYTEST_SHARD_DURATIONS, a JSON object of test id -> seconds), longest
first, each to the lightest shard: a file whole where it weighs at most half a shard, so that the other shards never
import it (each of python-dateutil's pytest-xdist workers spent 1.9 s collecting its 5,344 tests under coverage.py,
0.5-0.75 s a shard's files), a heavier file test by test; tests the durations do not know, test by test after them.
A module's fixtures may run once in each shard of a file split. On pytest-xdist's workers, with durations, each worker
starts with one of the shard's longest tests. PYTEST_SHARD_DURATIONS_OUT receives this run's durations, as measured
where the tests ran. The standard library and pytest alone: py-ci is not installed where the tests run.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_DURATIONS: defaultdict[str, float] = defaultdict(float)


@dataclass
class Plan:
    """Which shard (from 0) runs each file kept whole and each test of a file split; the seconds planned for each."""

    files: dict[str, int] = field(default_factory=dict)
    tests: dict[str, int] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    average: float = 1.0  # what a test the durations do not know weighs; with no durations all weigh the same

    def shard_of(self, nodeid: str) -> int | None:
        """The shard planned for a test, None for one the durations did not know outside a file kept whole."""
        file = self.files.get(_file(nodeid))
        return file if file is not None else self.tests.get(nodeid)


def split(weights: dict[str, float], count: int) -> list[list[str]]:
    """Longest first, each to the lightest shard so far (within 4/3 of the best split); the same on every leg."""
    shards: list[list[str]] = [[] for _ in range(count)]
    _assign(weights, [0.0] * count, shards)
    return shards


def _assign(weights: dict[str, float], loads: list[float], shards: list[list[str]]) -> None:
    for name in sorted(weights, key=lambda unit: (-weights[unit], unit)):
        lightest = min(range(len(loads)), key=lambda index: (loads[index], index))
        shards[lightest].append(name)
        loads[lightest] += weights[name]


def plan(durations: dict[str, float], count: int) -> Plan:
    """The shards by the durations alone, so that each leg knows before collecting which files it never imports."""
    files: defaultdict[str, float] = defaultdict(float)
    for test, seconds in durations.items():
        files[_file(test)] += seconds
    total = sum(durations.values())
    whole = {file: seconds for file, seconds in files.items() if seconds <= total / count / 2}  # half a shard at most
    units = {**whole, **{test: seconds for test, seconds in durations.items() if _file(test) not in whole}}
    shards = split(units, count)
    loads = [sum(units[name] for name in names) for names in shards]
    chosen = Plan(loads=loads, durations=durations, average=total / len(durations) if durations else 1.0)
    for index, names in enumerate(shards):
        for name in names:
            (chosen.files if name in whole else chosen.tests)[name] = index
    return chosen


_PLAN: list[tuple[int, Plan]] = []  # this process's shard (from 0) and plan, made once at pytest_configure


def pytest_configure(config: Any) -> None:
    shard = os.environ.get("PYTEST_SHARD", "")
    if shard:
        index, count = (int(part) for part in shard.split("/"))
        _PLAN[:] = [(index - 1, plan(_known(), count))]


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


if int(pytest.__version__.split(".")[0]) >= 7:  # collection_path is pytest 7's; before it, every file is collected

    def pytest_ignore_collect(collection_path: Path, config: Any) -> bool | None:
        """A file kept whole in another shard is never imported (None lets the other plugins and pytest decide)."""
        if not _PLAN or collection_path.name == "__init__.py":
            return None  # a package's __init__ collects its folder too
        index, chosen = _PLAN[0]
        try:
            file = collection_path.relative_to(config.rootpath).as_posix()
        except ValueError:
            return None
        elsewhere = chosen.files.get(file, index) != index
        return True if elsewhere else None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if not _PLAN:
        return
    index, chosen = _PLAN[0]
    # Tests no shard was planned for: every shard collects them, and splits them the same way, test by test.
    unplanned = {item.nodeid: chosen.average for item in items if chosen.shard_of(item.nodeid) is None}
    shards: list[list[str]] = [[] for _ in chosen.loads]
    _assign(unplanned, list(chosen.loads), shards)
    kept_unplanned = set(shards[index])
    kept = [item for item in items if chosen.shard_of(item.nodeid) == index or item.nodeid in kept_unplanned]
    if len(kept) < len(items):
        keep = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in keep])
        items[:] = kept
    if chosen.durations and hasattr(config, "workerinput"):
        weights = {item.nodeid: chosen.durations.get(item.nodeid, chosen.average) for item in items}
        workers = int(config.workerinput.get("workercount", 1))
        # A worker's own options say "no": what the run was started with is in the arguments parsed first.
        started = getattr(config, "known_args_namespace", None)
        dist, cap = str(getattr(started, "dist", "load")), getattr(started, "maxschedchunk", None)
        items[:] = longest_first_on_each_worker(items, weights, workers, dist, cap)


def longest_first_on_each_worker(
    items: list[Any], weights: dict[str, float], workers: int, dist: str, chunk_cap: int | None = None
) -> list[Any]:
    """The order pytest-xdist's controller hands the shard's tests out in: each worker's first test one of the longest,
    the tests that must wait behind it on that worker the shortest, the rest in their order. Under `--dist worksteal`
    each worker is sent one contiguous run of the list and keeps its next test while it runs one (python-dateutil's
    shard of a 10 s test, in file order: it started after a 1.7 s one, and a 1.9 s one waited behind it while the other
    worker idled for 10 s); under `--dist load` each is sent a first chunk, all of it its own. Other modes keep the
    order, which their groups depend on."""
    runs = _first_runs(len(items), workers, dist, chunk_cap)
    if runs is None or len(items) <= workers:
        return items
    by_weight = sorted(items, key=lambda item: (-weights[item.nodeid], item.nodeid))
    heads, lightest = by_weight[:workers], by_weight[: workers - 1 : -1]
    behind = iter(lightest)
    placed: dict[int, Any] = {}
    for index, (start, waiting) in enumerate(runs):  # the project's Python may be older than zip(strict=)
        placed[start] = heads[index]
        placed.update((start + offset, next(behind)) for offset in range(1, waiting + 1))
    taken = {id(item) for item in placed.values()}
    order = iter(item for item in items if id(item) not in taken)
    return [placed[at] if at in placed else next(order) for at in range(len(items))]


def _first_runs(count: int, workers: int, dist: str, chunk_cap: int | None) -> list[tuple[int, int]] | None:
    """Where each worker's first test sits in the list and how many tests wait behind it, as xdist 3's schedulers
    split a list of `count` tests: no other worker can take those."""
    if dist == "worksteal":  # the list evenly over the workers; a worker keeps the test after the one it runs
        runs, start, left = [], 0, count
        for index in range(workers):
            run = left // (workers - index)
            runs.append((start, min(1, run - 1)))
            start, left = start + run, left - run
        return runs
    if dist == "load":  # a chunk each: a quarter of a worker's share, at least 2, one each when fewer than 2 a worker
        if count < 2 * workers:
            return [(index, 0) for index in range(workers)]
        chunk = max(min(count // workers // 4, chunk_cap or count), 2)
        return [(index * chunk, chunk - 1) for index in range(workers)]
    return None


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


@dataclass
class _Clock:
    """Where the tests run (one process, or each pytest-xdist worker), each test's seconds from its start to the next
    one's: what pytest, the reports and the workers' messages cost around a test is the shard's time too (python-
    dateutil's 2,916 tests of test_tzfile.py took 6.2 s by their reports, 12.5 s on two workers)."""

    here: bool = True  # not on pytest-xdist's controller, which replays its workers' reports
    running: tuple[str, float] | None = None
    finished: float = 0.0

    def start(self, nodeid: str) -> None:
        now = time.perf_counter()
        if self.running is not None:
            _DURATIONS[self.running[0]] += now - self.running[1]
        self.running = (nodeid, now)

    def stop(self) -> None:
        if self.running is not None:
            _DURATIONS[self.running[0]] += max(0.0, self.finished - self.running[1])  # 0 if it never finished
            self.running = None


_CLOCK = _Clock()


def pytest_sessionstart(session: Any) -> None:
    _CLOCK.here = not session.config.pluginmanager.has_plugin("dsession")


def pytest_runtest_logstart(nodeid: str) -> None:
    if _CLOCK.here:
        _CLOCK.start(nodeid)


def pytest_runtest_logfinish() -> None:
    _CLOCK.finished = time.perf_counter()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any) -> None:
    """On pytest-xdist's controller: a worker's durations, as it measured them."""
    for nodeid, seconds in getattr(node, "workeroutput", {}).get("py_ci_shard", {}).items():
        _DURATIONS[nodeid] += seconds


def pytest_sessionfinish(session: Any) -> None:
    _CLOCK.stop()
    if hasattr(session.config, "workerinput"):
        session.config.workeroutput["py_ci_shard"] = dict(_DURATIONS)  # the controller writes once
        return
    out = os.environ.get("PYTEST_SHARD_DURATIONS_OUT", "")
    if out:
        Path(out).write_text(json.dumps(dict(sorted(_DURATIONS.items())), indent=0), encoding="utf-8")
