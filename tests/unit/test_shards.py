"""Shards: the split py_ci_shard makes (the same on every leg), the K/N values, and the merged durations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.options import values
from py_ci.plugins.py_ci_shard import longest_first_on_each_worker, plan, split
from py_ci.readers.durations import read_durations

LIMIT = InputLimit(1024 * 1024, "PY_CI_MAX_INPUT_MB")


def test_longest_first_each_to_the_lightest_shard() -> None:
    weights = {f"t{n}": n / 10 for n in range(1, 9)}
    shards = split(weights, 4)
    assert sorted(name for shard in shards for name in shard) == sorted(weights)
    loads = [sum(weights[name] for name in shard) for shard in shards]
    assert max(loads) <= 1.3 * sum(loads) / 4
    assert shards == split(dict(reversed(weights.items())), 4)  # the same split whatever the order given


class Item:
    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid


WEIGHTS = {
    "a.py::t1": 0.1,
    "a.py::t2": 0.2,
    "b.py::C::t": 0.05,
    "y.py::t": 2.0,
    "z.py::slow[1]": 3.0,
    "z.py::quick": 0.01,
}


@pytest.mark.parametrize(
    ("dist", "expected"),
    [
        # worksteal sends each of two workers half the list and a worker's next test stays with it: each half starts
        # with one of the two longest tests, then the shortest left, then the rest in their order.
        ("worksteal", ["z.py::slow[1]", "z.py::quick", "a.py::t1", "y.py::t", "b.py::C::t", "a.py::t2"]),
        # load sends each a first chunk (here 2 tests), all of it that worker's: the shortest wait behind the longest.
        ("load", ["z.py::slow[1]", "z.py::quick", "y.py::t", "b.py::C::t", "a.py::t1", "a.py::t2"]),
        ("loadfile", list(WEIGHTS)),  # grouped by file: the order is left as it is
    ],
)
def test_on_workers_each_worker_starts_with_one_of_the_longest(dist: str, expected: list[str]) -> None:
    items = [Item(nodeid) for nodeid in WEIGHTS]
    assert [item.nodeid for item in longest_first_on_each_worker(items, WEIGHTS, 2, dist)] == expected


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6])
def test_on_workers_every_test_is_handed_out_once(count: int) -> None:
    items = [Item(nodeid) for nodeid in list(WEIGHTS)[:count]]
    for workers in (1, 2, 3, 4):
        for dist in ("worksteal", "load"):
            ordered = longest_first_on_each_worker(items, WEIGHTS, workers, dist)
            assert sorted(item.nodeid for item in ordered) == sorted(item.nodeid for item in items)


def test_under_load_a_long_list_waits_in_chunks_of_a_quarter_share() -> None:
    weights = {f"t.py::t[{n:02}]": float(n) for n in range(40)}  # 40 tests, 2 workers: a first chunk of 5 each
    ordered = [item.nodeid for item in longest_first_on_each_worker([Item(n) for n in weights], weights, 2, "load")]
    assert (ordered[0], ordered[5]) == ("t.py::t[39]", "t.py::t[38]")
    assert sorted(ordered[1:5] + ordered[6:10]) == [f"t.py::t[{n:02}]" for n in range(8)]  # the 8 shortest
    assert longest_first_on_each_worker([Item(n) for n in weights], weights, 2, "load", chunk_cap=3)[3].nodeid == (
        "t.py::t[38]"
    )


def test_by_durations_a_light_file_whole_a_heavy_one_test_by_test() -> None:
    # 8 s in all, 4 shards: a file of at most 1 s (half a shard) stays whole; the 3 s file's tests spread.
    durations = {"heavy.py::t[1]": 1.5, "heavy.py::t[2]": 1.0, "heavy.py::t[3]": 0.5}
    durations |= {f"light_{n}.py::{test}": 0.25 for n in range(5) for test in ("a", "b", "c", "d")}
    chosen = plan(durations, 4)
    assert set(chosen.files) == {f"light_{n}.py" for n in range(5)}
    assert set(chosen.tests) == {"heavy.py::t[1]", "heavy.py::t[2]", "heavy.py::t[3]"}
    assert chosen.tests["heavy.py::t[1]"] != chosen.tests["heavy.py::t[2]"]
    assert chosen.loads == [2.0, 2.0, 2.0, 2.0]
    assert chosen.shard_of("light_0.py::new_test") == chosen.files["light_0.py"]  # a file whole takes its new tests
    assert chosen.shard_of("heavy.py::t[4]") is None  # planned with the tests no run knew, on every shard alike
    assert chosen.shard_of("new.py::t") is None
    assert chosen.average == 8 / 23  # the 23 tests known
    assert plan(dict(reversed(durations.items())), 4) == chosen  # the same plan on every leg


def test_without_durations_nothing_is_planned_and_every_test_weighs_the_same() -> None:
    chosen = plan({}, 3)
    assert (chosen.files, chosen.tests, chosen.loads, chosen.average) == ({}, {}, [0.0, 0.0, 0.0], 1.0)


def test_more_shards_than_tests_leaves_some_empty() -> None:
    assert split({"a": 1.0, "b": 1.0}, 3) == [["a"], ["b"], []]


@pytest.mark.parametrize(("raw", "expected"), [("2/4", (2, 4)), (" 1/1 ", (1, 1)), ("16/16", (16, 16))])
def test_a_shard_is_k_of_n(raw: str, expected: tuple[int, int]) -> None:
    assert values.shard(raw) == expected


@pytest.mark.parametrize("raw", ["0/4", "5/4", "2", "a/b", "1/17", "-1/2"])
def test_a_bad_shard_says_how_to_write_one(raw: str) -> None:
    with pytest.raises(values.BadValue, match="is not K/N"):
        values.shard(raw)


@pytest.mark.parametrize("raw", ["0", "17", "two", "1.5"])
def test_shards_is_1_to_16(raw: str) -> None:
    with pytest.raises(values.BadValue, match="from 1 to 16"):
        values.shards(raw)


def test_every_legs_durations_merged_at_their_longest(tmp_path: Path) -> None:
    first, second = tmp_path / "durations-unit.json", tmp_path / "durations.json"
    first.write_text(json.dumps({"t::a": 0.5, "t::b": 1.0, "t::c": "slow"}))
    second.write_text(json.dumps({"t::a": 0.75}))
    assert read_durations([first, second], LIMIT) == {"t::a": 0.75, "t::b": 1.0}
    second.write_text("[1, 2]")
    with pytest.raises(InputError, match="is not a JSON object of test ids"):
        read_durations([second], LIMIT)
    second.write_text("{")
    with pytest.raises(InputError, match="is not JSON"):
        read_durations([second], LIMIT)
