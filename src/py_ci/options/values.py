"""What a setting may hold: each parser turns a raw value (flag, variable, TOML) into one, or says why not."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import cast

from py_ci import pythons
from py_ci.install import TOOL_VERSIONS
from py_ci.model import NeededJob

CHECKS = ("lint", "format", "typecheck", "test")
TYPE_CHECKERS = ("mypy", "ty", "pyrefly", "basedpyright", "pyright")
# setup-python's spellings: 3.12, 3.13.1, 3.14-dev, 3.13t, 3.x, pypy3.10, graalpy-24.1.
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*")
# The reusable workflow's shards input lists up to this many (GitHub runs at most MAX_JOBS jobs a matrix).
MAX_SHARDS, MAX_JOBS = 16, 256
# How a step or a job ended, as `steps.<id>.outcome` and `needs.<id>.result` say it.
OUTCOMES = ("success", "failure", "cancelled", "skipped")
RUNNER_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")
# Docker's rule for a tag, optionally pinned by digest.
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}(@sha256:[0-9a-f]{64})?")
MAX_TIMEOUT_MINUTES = 360


class BadValue(Exception):
    """A value that cannot be a setting: what is wrong with it, and how to write it instead."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem, self.fix = problem, fix


Parser = Callable[[object], object]


def percent(raw: object) -> float:
    try:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError
        value = float(raw)
    except ValueError:
        raise BadValue(f"{raw!r} is not a number", "write a percentage such as 85 or 92.5") from None
    if not 0 <= value <= 100:
        raise BadValue(f"{raw!r} is outside 0-100", "write a percentage from 0 to 100")
    return value


def threshold(raw: object) -> float:
    """A percentage py-ci gates on: 0.85 is a fraction written by mistake, never a gate at 0.85%."""
    value = percent(raw)
    if 0 < value < 1:
        raise BadValue(f"{raw!r} reads as a fraction", f"write a percentage: {value * 100:g} for {value * 100:g}%")
    return value


def _whole(raw: object) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdigit():
        return None
    return int(raw)


def precision(raw: object) -> int:
    value = _whole(raw)
    if value is None or value > 10:
        raise BadValue(f"{raw!r} is not a whole number of decimals from 0 to 10", "write e.g. 2")
    return value


def count(raw: object) -> int:
    value = _whole(raw)
    if value is None:
        raise BadValue(f"{raw!r} is not a whole number of 0 or more", "write e.g. 0 or 25")
    return value


def megabytes(raw: object) -> int:
    value = _whole(raw)
    if not value:
        raise BadValue(f"{raw!r} is not a whole number of MiB above 0", "write e.g. 2048")
    return value


def minutes(raw: object) -> int:
    value = _whole(raw)
    if value is None or not 0 < value <= MAX_TIMEOUT_MINUTES:
        raise BadValue(f"{raw!r} is not a whole number of minutes from 1 to 360", "write e.g. 30")
    return value


def text(raw: object) -> str:
    if not isinstance(raw, str):
        raise BadValue(f"{raw!r} is not text", 'write it as a string, e.g. "value"')
    return raw.strip()


def file_path(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise BadValue(f"{raw!r} is not a file path", "write a path such as .mypy-baseline.json")
    return raw.strip()


def path(raw: object) -> Path:
    return Path(file_path(raw))


def choice(*allowed: str) -> Parser:
    def parse(raw: object) -> str:
        word = str(raw).strip().lower()
        if word not in allowed:
            raise BadValue(f"{raw!r} is not one of {', '.join(allowed)}", f"write {' or '.join(allowed)}")
        return word

    return parse


def shard(raw: object) -> tuple[int, int]:
    """`2/4`: the second of four shards of a leg's tests."""
    index, slash, count = str(raw).strip().partition("/")
    if slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count) <= MAX_SHARDS:
        return int(index), int(count)
    raise BadValue(f"{raw!r} is not K/N, a shard K of N", f"write e.g. 2/4 (N at most {MAX_SHARDS})")


def shards(raw: object) -> int:
    """The workflow's shards input: how many legs each Python x OS splits its tests over."""
    value = _whole(raw)
    if value is None or not 1 <= value <= MAX_SHARDS:
        raise BadValue(f"{raw!r} is not a whole number from 1 to {MAX_SHARDS}", "write e.g. 4")
    return value


def tool(raw: object) -> str:
    name = str(raw).strip()
    if name not in TOOL_VERSIONS:
        raise BadValue(f"{raw!r} is not one of py-ci's tools", f"use some of: {', '.join(TOOL_VERSIONS)}")
    return name


def boolean(raw: object) -> bool:
    """true or false, as the action's inputs and TOML write them."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise BadValue(f"{raw!r} is neither true nor false", 'write "true" or "false"')


def words(raw: object) -> tuple[str, ...]:
    """A list of strings, or one string split as a shell would (`--strict --no-incremental`)."""
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    if isinstance(raw, str):
        try:
            return tuple(shlex.split(raw))
        except ValueError as problem:
            raise BadValue(f"{raw!r} cannot be split into words ({problem})", "check its quotes") from None
    raise BadValue(f"{raw!r} is neither text nor a list of text", 'write e.g. "--strict" or ["src", "tests"]')


def _some_of(raw: object, allowed: tuple[str, ...], noun: str) -> tuple[str, ...]:
    chosen = words(raw.replace(",", " ") if isinstance(raw, str) else raw)
    unknown = [word for word in chosen if word not in allowed]
    if unknown or not chosen:
        raise BadValue(f"{raw!r} names no {noun} or an unknown one", f"use some of: {', '.join(allowed)}")
    return tuple(dict.fromkeys(chosen))


def checks(raw: object) -> tuple[str, ...]:
    return _some_of(raw, CHECKS, "check")


def type_checkers(raw: object) -> tuple[str, ...]:
    return _some_of(raw, TYPE_CHECKERS, "type checker")


def label(raw: object) -> tuple[str, str]:
    key, equals, value = str(raw).partition("=")
    if not equals or not key.strip():
        raise BadValue(f"{raw!r} is not KEY=VALUE", "write e.g. python=3.12")
    return key.strip(), value.strip()


def labels(raw: object) -> tuple[tuple[str, str], ...]:
    """`python=3.12, os=linux`: the action's label input."""
    return tuple(label(part) for part in str(raw).split(",") if part.strip())


def json_list(pattern: re.Pattern[str], example: str, empty: bool = False) -> Parser:
    """A JSON list of distinct strings that each match `pattern` (the workflow's list inputs), empty if allowed."""

    def parse(raw: object) -> tuple[str, ...]:
        try:
            value = json.loads(str(raw))
        except json.JSONDecodeError:
            raise BadValue(f"{raw!r} is not JSON", f"write a JSON list of strings such as '{example}'") from None
        if not isinstance(value, list) or not (value or empty):
            raise BadValue(f"{raw!r} is not a{'' if empty else ' non-empty'} JSON list", f"write e.g. '{example}'")
        for item in value:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                # YAML and JSON read 3.10 as the number 3.1.
                raise BadValue(f"{item!r} is a number, not a string", 'quote every entry, e.g. ["3.10"] not [3.10]')
            if not isinstance(item, str) or not pattern.fullmatch(item):
                raise BadValue(f"{item!r} is not a valid entry", f"write e.g. '{example}'")
        if len(set(value)) != len(value):
            raise BadValue(f"{raw!r} lists an entry twice", "list each one once")
        return tuple(value)

    return parse


_VERSION_LIST = json_list(VERSION, '["3.12", "3.13"]')


def python_versions(raw: object) -> tuple[str, ...]:
    """The workflow's Pythons: a JSON list of versions setup-python can set up today."""
    versions = cast("tuple[str, ...]", _VERSION_LIST(raw))
    for version in versions:
        reason = pythons.unavailable(version)
        if reason is not None:
            problem, _, fix = reason.partition("; ")
            raise BadValue(problem, fix)
    return versions


def inside(example: str) -> Parser:
    """A relative path that stays inside the repository."""

    def parse(raw: object) -> PurePosixPath:
        written = str(raw).strip().replace("\\", "/") or "."
        relative = PurePosixPath(written)
        if relative.is_absolute() or ".." in relative.parts:
            raise BadValue(f"{raw!r} is not a path inside the repository", f"write a relative path such as {example}")
        return relative

    return parse


def image_tag(image: str) -> Parser:
    def parse(raw: object) -> str:
        tag = str(raw).strip()
        if tag and not IMAGE_TAG.fullmatch(tag):
            raise BadValue(f"{raw!r} is not an image tag", f'give the tag of the {image} image alone, e.g. "16"')
        return tag

    return parse


def json_value(example: str) -> Parser:
    def parse(raw: object) -> object:
        try:
            return json.loads(str(raw))
        except json.JSONDecodeError as problem:
            raise BadValue(f"is not JSON ({problem.msg} at {problem.pos})", f"write e.g. {example}") from None

    return parse


def needs(raw: object) -> tuple[NeededJob, ...]:
    """`toJSON(needs)`: each job the gate waits for, its result and its outputs."""
    fix = "pass `${{ toJSON(needs) }}`"
    try:
        document = json.loads(str(raw))
    except json.JSONDecodeError:
        raise BadValue(f"{shorten(str(raw))!r} is not JSON", fix) from None
    if not isinstance(document, dict):
        raise BadValue("is not a JSON object of jobs", fix)
    jobs = []
    for name, job in document.items():
        if not isinstance(job, dict) or not isinstance(job.get("result"), str):
            raise BadValue(f"job {name!r} has no result", fix)
        # GitHub writes a job without outputs as {}, act as null.
        outputs = job.get("outputs") if job.get("outputs") is not None else {}
        if not isinstance(outputs, dict):
            raise BadValue(f"job {name!r} has outputs that are not an object", fix)
        jobs.append(NeededJob(str(name), job["result"], {str(k): str(v) for k, v in outputs.items()}))
    return tuple(jobs)


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
