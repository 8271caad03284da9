"""Shards: the split py_ci_shard makes (the same on every leg), the K/N values, and the merged durations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.options import values
from py_ci.plugins.py_ci_shard import longest_files_first, split
from py_ci.readers.durations import read_durations

LIMIT = InputLimit(1024 * 1024, "PY_CI_MAX_INPUT_MB")


def test_longest_first_each_to_the_lightest_shard() -> None:
    weights = {f"t{n}": n / 10 for n in range(1, 9)}
    shards = split(weights, 4)
    assert sorted(name for shard in shards for name in shard) == sorted(weights)
    loads = [sum(weights[name] for name in shard) for shard in shards]
    assert max(loads) <= 1.3 * sum(loads) / 4
    assert shards == split(dict(reversed(weights.items())), 4)  # the same split whatever the order given


def test_on_workers_the_longest_files_go_first_each_in_its_order() -> None:
    class Item:
        def __init__(self, nodeid: str) -> None:
            self.nodeid = nodeid

    weights = {"a.py::t1": 0.1, "a.py::t2": 0.2, "b.py::C::t": 0.05, "z.py::slow[1]": 3.0, "z.py::quick": 0.01}
    items = [Item(nodeid) for nodeid in weights]
    ordered = [item.nodeid for item in longest_files_first(items, weights)]
    assert ordered == ["z.py::slow[1]", "z.py::quick", "a.py::t1", "a.py::t2", "b.py::C::t"]


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
