"""Our stdout parsed the way actions/runner parses it (ActionCommand.TryParseV2) gives back what we meant."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given
from hypothesis import strategies as st

from py_ci.errors import InputError
from py_ci.github import Annotation
from py_ci.readers.mypy import read_mypy
from py_ci.readers.ruff import read_ruff
from tests.helpers import parse_command

odd_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=80)
hostile = st.sampled_from(["%", ",", ":", "\r", "\n", "%0A", "%25", "::", "::error::", "=", " ", "%3A%2C"])
mixed = st.lists(st.one_of(odd_text, hostile), min_size=1, max_size=6).map("".join)


@given(
    path=mixed,
    message=mixed,
    title=mixed,
    line=st.integers(1, 10**6),
    level=st.sampled_from(["error", "warning", "notice"]),
)
def test_annotations_round_trip_through_the_runners_parser(
    path: str, message: str, title: str, line: int, level: str
) -> None:
    command = Annotation(level, message, title, file=path, line=line).command()
    assert "\n" not in command
    assert "\r" not in command
    assert parse_command(command) == (level, {"title": title, "file": path, "line": str(line)}, message)


@given(message=mixed)
def test_a_message_alone_round_trips(message: str) -> None:
    assert parse_command(Annotation("error", message).command()) == ("error", {}, message)


def test_columns_only_on_single_line_spans() -> None:
    one_line = Annotation("error", "m", file="a.py", line=3, end_line=3, column=5, end_column=9).command()
    two_lines = Annotation("error", "m", file="a.py", line=3, end_line=4, column=5, end_column=9).command()
    assert one_line == "::error file=a.py,line=3,endLine=3,col=5,endColumn=9::m"
    assert two_lines == "::error file=a.py,line=3,endLine=4::m"


def test_long_messages_are_cut_below_the_runners_limit() -> None:
    parsed = parse_command(Annotation("warning", "x" * 10_000).command())
    assert parsed is not None
    assert len(parsed[2]) == 4096
    assert parsed[2].endswith("…")


@given(text=st.text(max_size=400))
def test_mypy_reader_raises_only_input_errors(text: str) -> None:
    with contextlib.suppress(InputError):
        read_mypy(text, "fuzz")


@given(text=st.text(max_size=400))
def test_ruff_reader_raises_only_input_errors(text: str) -> None:
    with contextlib.suppress(InputError):
        read_ruff(text, "fuzz")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
finding_like = st.fixed_dictionaries(
    {"filename": json_values | st.text(max_size=10), "message": json_values | st.text(max_size=10)},
    optional={
        "code": json_values,
        "location": json_values,
        "end_location": json_values,
        "fix": json_values,
        "file": json_values,
        "line": json_values,
        "column": json_values,
        "severity": json_values | st.sampled_from(["error", "note", "warning"]),
        "hint": json_values,
    },
)


@given(items=st.lists(finding_like | json_values, max_size=5))
def test_readers_raise_only_input_errors_on_json(items: list[object]) -> None:
    with contextlib.suppress(InputError):
        read_ruff(json.dumps(items), "fuzz")
    with contextlib.suppress(InputError):
        read_mypy(
            "\n".join(
                json.dumps({"file": "a.py", "message": "m", **item} if isinstance(item, dict) else item)
                for item in items
            )
            or "{}",
            "fuzz",
        )
