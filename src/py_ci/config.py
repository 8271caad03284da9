"""Options, in rising priority: defaults, coverage's configuration, `[tool.py-ci]`, PY_CI_*, flags."""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from py_ci.errors import InputError, UsageError
from py_ci.readers.coverage_config import read_coverage_settings

# coverage.py's default, so an unconfigured gate agrees with `coverage report --fail-under`.
DEFAULT_PRECISION = 0
# Percentages are never shown with fewer decimals than this.
MIN_SHOWN_DECIMALS = 2
T = TypeVar("T")
ErrorKind = type[InputError] | type[UsageError]


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """A value and where it came from, so the summary can say why a gate applies."""

    value: T
    origin: str


@dataclass(frozen=True, slots=True)
class Options:
    """Everything the gates and renderers need to know about the user's wishes."""

    fail_under: Setting[float] | None = None
    fail_under_file: Setting[float] | None = None
    coverage_gated: bool = True  # False in a matrix leg: the combining job gates the union
    precision: Setting[int] = Setting(DEFAULT_PRECISION, "coverage.py's default")
    max_errors: Setting[int] = Setting(0, "default")
    max_violations: Setting[int] = Setting(0, "default")
    diff_fail_under: Setting[float] | None = None
    mypy_baseline: Setting[str] | None = None
    ruff_baseline: Setting[str] | None = None
    checks: Setting[tuple[str, ...]] = Setting(("lint", "format", "typecheck", "test"), "default")
    mypy_targets: Setting[tuple[str, ...]] | None = None
    mypy_args: Setting[tuple[str, ...]] = Setting(("--strict",), "default")
    pytest_args: Setting[tuple[str, ...]] = Setting((), "default")

    @property
    def shown_decimals(self) -> int:
        """Decimals a percentage is displayed with: the precision, but at least two."""
        return max(self.precision.value, MIN_SHOWN_DECIMALS)


def _precision(raw: object, origin: str, error: ErrorKind) -> Setting[int]:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).isdigit() or int(raw) > 10:
        raise _bad(error, origin, f"{raw!r} is not a whole number of decimals from 0 to 10", "write e.g. 2")
    return Setting(int(raw), origin)


def _percent(raw: object, origin: str, error: ErrorKind) -> Setting[float]:
    """A percentage from 0 to 100; `origin` says where it was written, for messages and the summary."""
    try:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError
        percent = float(raw)
    except ValueError:
        raise _bad(error, origin, f"{raw!r} is not a number", "write a percentage such as 85 or 92.5") from None
    if not 0 <= percent <= 100:
        raise _bad(error, origin, f"{raw!r} is outside 0-100", "write a percentage from 0 to 100")
    return Setting(percent, origin)


def _count(raw: object, origin: str, error: ErrorKind) -> Setting[int]:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).isdigit():
        raise _bad(error, origin, f"{raw!r} is not a whole number of 0 or more", "write e.g. 0 or 25")
    return Setting(int(raw), origin)


def _path(raw: object, origin: str, error: ErrorKind) -> Setting[str]:
    if not isinstance(raw, str) or not raw.strip():
        raise _bad(error, origin, f"{raw!r} is not a file path", "write a path such as .mypy-baseline.json")
    return Setting(raw.strip(), origin)


def _words(raw: object, origin: str, error: ErrorKind) -> Setting[tuple[str, ...]]:
    """A list of strings, or one string split as a shell would (`--strict --no-incremental`)."""
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return Setting(tuple(raw), origin)
    if isinstance(raw, str):
        try:
            return Setting(tuple(shlex.split(raw)), origin)
        except ValueError as problem:
            raise _bad(error, origin, f"{raw!r} cannot be split into words ({problem})", "check its quotes") from None
    raise _bad(
        error, origin, f"{raw!r} is neither text nor a list of text", 'write e.g. "--strict" or ["src", "tests"]'
    )


CHECKS = ("lint", "format", "typecheck", "test")


def _checks(raw: object, origin: str, error: ErrorKind) -> Setting[tuple[str, ...]]:
    words = _words(raw.replace(",", " ") if isinstance(raw, str) else raw, origin, error).value
    unknown = [word for word in words if word not in CHECKS]
    if unknown or not words:
        raise _bad(error, origin, f"{raw!r} names no check or an unknown one", f"use some of: {', '.join(CHECKS)}")
    return Setting(tuple(dict.fromkeys(words)), origin)


_Parser = Callable[[object, str, ErrorKind], Setting[Any]]

# [tool.py-ci] key (the action's input name, so a setting lives in one place) -> (field, parser, flag).
KEYS: Mapping[str, tuple[str, _Parser, str]] = {
    "coverage-threshold": ("fail_under", _percent, "--fail-under"),
    "coverage-threshold-file": ("fail_under_file", _percent, "--fail-under-file"),
    "coverage-precision": ("precision", _precision, "--precision"),
    "diff-coverage-threshold": ("diff_fail_under", _percent, "--diff-fail-under"),
    "max-mypy-errors": ("max_errors", _count, "--max-errors"),
    "max-ruff-violations": ("max_violations", _count, "--max-violations"),
    "mypy-baseline": ("mypy_baseline", _path, "--baseline"),
    "ruff-baseline": ("ruff_baseline", _path, "--baseline"),
    "checks": ("checks", _checks, "--checks"),
    "mypy-targets": ("mypy_targets", _words, "--mypy-targets"),
    "mypy-args": ("mypy_args", _words, "--mypy-args"),
    "pytest-args": ("pytest_args", _words, "--pytest-args"),
}


# What [tool.py-ci] may hold: the options above, and the test groups (read by py_ci.test_groups).
TABLE_KEYS = (*KEYS, "test-groups")


def load_options(project: Path, environ: Mapping[str, str], flags: Mapping[str, object]) -> Options:
    """Build the options for a run in `project` from every source, highest priority last."""
    options = Options()
    coverage = read_coverage_settings(project, environ)
    if coverage is not None and coverage.fail_under is not None:
        options = replace(options, fail_under=Setting(coverage.fail_under, coverage.origin("fail_under")))
    if coverage is not None and coverage.precision is not None:
        options = replace(options, precision=Setting(coverage.precision, coverage.origin("precision")))
    for key, raw, origin, error in _layers(project, environ, flags):
        field, parse, _ = KEYS[key]
        setting: Any = parse(raw, origin, error)
        options = replace(options, **{field: setting})
    if flags.get("coverage_gate") is False:
        # A matrix leg: its coverage is partial, so only the combined coverage is gated.
        return replace(options, fail_under=None, fail_under_file=None, coverage_gated=False)
    fallback = flags.get("default_fail_under")
    if options.fail_under is None and isinstance(fallback, (int, float)):
        options = replace(options, fail_under=Setting(float(fallback), "py-ci's default"))
    return options


def _layers(
    project: Path, environ: Mapping[str, str], flags: Mapping[str, object]
) -> Iterator[tuple[str, object, str, ErrorKind]]:
    """(key, raw value, origin, error kind) from [tool.py-ci], then PY_CI_*, then flags."""
    for key, value in _read_tool_table(project / "pyproject.toml").items():
        if key in KEYS:
            yield key, value, f"pyproject.toml [tool.py-ci] {key}", InputError
    for key in KEYS:
        variable = "PY_CI_" + key.upper().replace("-", "_")
        if environ.get(variable, "").strip():
            yield key, environ[variable].strip(), variable, UsageError
    for key, (field, _, flag) in KEYS.items():
        if flags.get(field) is not None:
            yield key, flags[field], flag, UsageError


def _bad(error: ErrorKind, origin: str, problem: str, fix: str) -> Exception:
    if error is UsageError:
        return UsageError(f"{origin}: {problem}; {fix}")
    return InputError(origin, problem, fix)


def _read_tool_table(pyproject: Path) -> dict[str, object]:
    if not pyproject.is_file():
        return {}
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError("pyproject.toml", f"is not valid TOML ({error})", "fix its syntax") from None
    table = document.get("tool", {}).get("py-ci", {})
    if not isinstance(table, dict):
        raise InputError("pyproject.toml", "[tool.py-ci] is not a table", "write it as a [tool.py-ci] section")
    unknown = sorted(set(table) - set(TABLE_KEYS))
    if unknown:
        raise InputError(
            "pyproject.toml",
            f"[tool.py-ci] has unknown key {unknown[0]!r}",
            f"use one of: {', '.join(TABLE_KEYS)}",
        )
    return table
