"""Line numbers as the ranges `coverage report` prints in its Missing column."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping


def line_ranges(statements: Iterable[int], lines: Collection[int]) -> list[tuple[int, int]]:
    """Runs of `lines`, joined across statement gaps as coverage.py's `format_lines` joins them."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for statement in sorted(statements):
        if statement in lines:
            if start is None:
                start = statement
            end = statement
        elif start is not None:
            ranges.append((start, end))
            start = None
    if start is not None:
        ranges.append((start, end))
    return ranges


def format_missing(
    statements: Iterable[int],
    missing: Collection[int],
    missed_arcs: Mapping[int, Iterable[str]] | None = None,
) -> str:
    """`44-48, 91-97, 12->exit`: missing lines, then branches whose start and end both ran."""
    items = [(a, f"{a}" if a == b else f"{a}-{b}") for a, b in line_ranges(statements, missing)]
    for line, destinations in sorted((missed_arcs or {}).items()):
        if line in missing:
            continue
        for destination in destinations:
            if not destination.isdigit() or int(destination) not in missing:
                items.append((line, f"{line}->{destination}"))
    # coverage.py sorts (line, text) pairs, so arcs from one line come in text order.
    return ", ".join(text for _, text in sorted(items))
