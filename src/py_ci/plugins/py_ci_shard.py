"""A pytest plugin py-ci loads in the project's own environment (`-p py_ci_shard`): it keeps one shard of the
collected tests and records how long each test took.

PYTEST_SHARD=K/N keeps shard K of N: the tests split by the durations of an earlier run (PYTEST_SHARD_DURATIONS, a JSON
object of test id -> seconds), longest first, each to the lightest shard; without durations, test by test in id order,
each to the lightest, so a file's (a parametrization's) slow tests spread over the shards. Whole files balanced far
worse on real suites, as they ran (packaging's 64,207 tests: the slowest of 4 shards 2.96x a quarter by file, 1.04x by
test; Markdown 2.09x and 1.30x); a module's fixtures may then run once in each shard. PYTEST_SHARD_DURATIONS_OUT
receives this run's durations. On pytest-xdist's workers, with durations, the shard's longest files go first. The
standard library and pytest alone: py-ci is not installed where the tests run.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

_DURATIONS: defaultdict[str, float] = defaultdict(float)


def split(weights: dict[str, float], count: int) -> list[list[str]]:
    """Longest first, each to the lightest shard so far (within 4/3 of the best split); the same on every leg."""
    shards: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for name in sorted(weights, key=lambda unit: (-weights[unit], unit)):
        lightest = min(range(count), key=lambda index: (loads[index], index))
        shards[lightest].append(name)
        loads[lightest] += weights[name]
    return shards


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


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    shard = os.environ.get("PYTEST_SHARD", "")
    if not shard:
        return
    index, count = (int(part) for part in shard.split("/"))
    earlier = _known()
    known = {item.nodeid: earlier[item.nodeid] for item in items if item.nodeid in earlier}
    # A test the last run did not have weighs what an average one did; with no durations all weigh the same.
    average = sum(known.values()) / len(known) if known else 1.0
    weights: dict[str, float] = defaultdict(float)
    for item in items:
        weights[item.nodeid] += known.get(item.nodeid, average)
    chosen = set(split(dict(weights), count)[index - 1])
    kept = [item for item in items if item.nodeid in chosen]
    left = [item for item in items if item.nodeid not in chosen]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
    if known and hasattr(config, "workerinput"):
        items[:] = longest_files_first(items, weights)


def longest_files_first(items: list[Any], weights: dict[str, float]) -> list[Any]:
    """On pytest-xdist's workers, the files by their tests' durations, longest first, each file's tests in their order:
    the controller hands tests out in this order, so a long test starts at once instead of after the rest (python-
    dateutil's 10 s test of a 15 s shard, last in id order: the shard took 20-23 s on two workers; first, 14-15 s)."""
    files: dict[str, float] = defaultdict(float)
    for item in items:
        files[_file(item.nodeid)] += weights[item.nodeid]
    return sorted(items, key=lambda item: -files[_file(item.nodeid)])  # stable: a file's tests keep their order


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_runtest_logreport(report: Any) -> None:
    _DURATIONS[report.nodeid] += report.duration


def pytest_sessionfinish(session: Any) -> None:
    out = os.environ.get("PYTEST_SHARD_DURATIONS_OUT", "")
    # pytest-xdist's workers report to the controller, which writes once.
    if out and not hasattr(session.config, "workerinput"):
        Path(out).write_text(json.dumps(dict(sorted(_DURATIONS.items())), indent=0), encoding="utf-8")
