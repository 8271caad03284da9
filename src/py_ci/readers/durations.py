"""The test durations py_ci_shard writes in each leg (test id -> seconds), merged for the next run's shards."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from py_ci.errors import InputError
from py_ci.files import InputLimit, open_input


def read_durations(paths: Iterable[Path], limit: InputLimit) -> dict[str, float]:
    """Every leg's durations of each test: the longest, so that no shard is planned short."""
    merged: dict[str, float] = {}
    for path in paths:
        with open_input(path, limit) as stream:
            data = stream.read()
        try:
            document = json.loads(data)
        except ValueError as problem:
            raise InputError(str(path), f"is not JSON ({problem})", "it is py_ci_shard's: delete it") from None
        if not isinstance(document, dict):
            raise InputError(str(path), "is not a JSON object of test ids", "it is py_ci_shard's: delete it")
        for test, seconds in document.items():
            if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
                merged[str(test)] = max(merged.get(str(test), 0.0), float(seconds))
    return dict(sorted(merged.items()))
