"""Shards: the split py_ci_shard makes (the same on every leg), the K/N values, and the merged durations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.options import values
from py_ci.plugins.py_ci_shard import plan, split
from py_ci.readers.durations import read_durations

LIMIT = InputLimit(1024 * 1024, "PY_CI_MAX_INPUT_MB")


def test_longest_first_each_to_the_lightest_shard() -> None:
    weights = {f"t{n}": n / 10 for n in range(1, 9)}
    shards = split(weights, 4)
    assert sorted(name for shard in shards for name in shard) == sorted(weights)
    loads = [sum(weights[name] for name in shard) for shard in shards]
    assert max(loads) <= 1.3 * sum(loads) / 4
    assert shards == split(dict(reversed(weights.items())), 4)  # the same split whatever the order given


def test_more_shards_than_tests_leaves_some_empty() -> None:
    assert split({"a": 1.0, "b": 1.0}, 3) == [["a"], ["b"], []]


def test_files_stay_whole_where_that_balances_and_the_heaviest_are_divided() -> None:
    # One file too heavy for any shard (python-dateutil's time-zone data tests), the others whole in some shard.
    known = {f"tests/test_data.py::test_{n}": seconds for n, seconds in enumerate((9.0, 8.0, 3.0, 3.0, 2.0, 1.0))}
    known |= {f"tests/test_{name}.py::test_{n}": 0.01 for name in "abcdef" for n in range(100 * (ord(name) - 96))}
    planned = plan(known, 4)
    assert sorted(planned.shard_of) == sorted(known)  # every known test in one shard
    assert "tests/test_data.py" not in planned.owner
    assert sorted(planned.owner) == [f"tests/test_{name}.py" for name in "abcdef"]
    for test, shard in planned.shard_of.items():
        assert planned.owner.get(test.split("::")[0], shard) == shard  # a whole file's tests all in its shard
    assert max(planned.loads) <= 1.05 * sum(known.values()) / 4
    assert planned == plan(dict(reversed(known.items())), 4)  # the same plan on every leg


def test_files_are_divided_when_whole_ones_would_balance_worse_or_leave_a_shard_empty() -> None:
    two_files = {f"tests/test_{name}.py::test_{n}": 1.0 for name in "ab" for n in range(4)}
    assert plan(two_files, 4).owner == {}  # whole, two of four shards would have nothing to run
    uneven = {"tests/test_a.py::test_1": 3.0, "tests/test_a.py::test_2": 3.0, "tests/test_b.py::test_1": 1.0}
    planned = plan(uneven, 2)
    assert planned.owner == {"tests/test_b.py": 0}  # test_a.py divided: whole, one shard would carry 6 s of 7
    assert planned.loads == [4.0, 3.0]
    assert plan({}, 3).loads == [0.0, 0.0, 0.0]


def test_what_collecting_a_file_took_weighs_on_the_shard_that_collects_it() -> None:
    known = {f"tests/test_{name}.py::test_1": 1.0 for name in "abcd"} | {"tests/test_a.py": 2.0}
    planned = plan(known, 2)
    assert planned.loads == [3.0, 3.0]  # test_a.py's shard runs it alone: collecting it takes 2 s of its 3
    assert list(planned.owner.values()).count(planned.owner["tests/test_a.py"]) == 1
    divided = plan({"tests/test_a.py::test_1": 4.0, "tests/test_a.py::test_2": 4.0, "tests/test_a.py": 1.0}, 2)
    assert divided.owner == {}
    assert divided.loads == [5.0, 5.0]  # divided, every shard collects the file


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
