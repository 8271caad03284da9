"""coverage.py's own `fail_under` and `precision`, found in the file coverage.py itself would use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles

# The sections whose settings make a shared file (setup.cfg, tox.ini, pyproject.toml) count.
_SECTIONS = ("run", "report", "html", "xml", "json", "lcov", "paths")
_MEASURED = ("source", "include", "source_pkgs")
_VARIABLE = re.compile(r"\$(?:(?P<dollar>\$)|(?P<word1>\w+)|\{(?P<word2>\w+)(?:(?P<strict>\?)|-(?P<default>[^}]*))?\})")


@dataclass(frozen=True, slots=True)
class CoverageSettings:
    """The report settings of one configuration file, and how to name where they came from."""

    file: str
    section: str
    fail_under: float | None = None
    precision: int | None = None
    # [run] source or include: the project says what to measure (else coverage.py measures everything it runs).
    measured: str | None = None
    # [run] patch: the project says which of coverage.py's patches it wants (none added over it).
    patches: bool = False
    # [run] plugins: modules coverage.py imports to read the configuration, whatever it does (covdefaults).
    plugins: tuple[str, ...] = ()
    # [run] omit: what the project leaves out, kept when py-ci leaves its plugins out of a run measuring everything.
    omit: tuple[str, ...] = ()

    def origin(self, option: str) -> str:
        return f"{self.file} [{self.section}] {option}"


def candidate_files(environ: Mapping[str, str]) -> list[tuple[str, bool]]:
    """coverage.py's order: (file name, whether it is coverage's own file)."""
    rcfile = environ.get("COVERAGE_RCFILE") or ".coveragerc"
    return [
        (rcfile, True),
        (".coveragerc.toml", True),
        ("setup.cfg", False),
        ("tox.ini", False),
        ("pyproject.toml", False),
    ]


def read_coverage_settings(project: ProjectFiles, environ: Mapping[str, str]) -> CoverageSettings | None:
    """The settings of the first file coverage.py would read, or None when there is none."""
    for name, ours in candidate_files(environ):
        if not project.exists(name):
            if name == environ.get("COVERAGE_RCFILE"):
                raise InputError(name, "named by COVERAGE_RCFILE does not exist", "fix or unset COVERAGE_RCFILE")
            continue
        read = _from_toml if name.endswith(".toml") else _from_ini
        settings = read(project, name, ours, environ)
        if settings is not None:
            return settings
    return None


def _from_ini(project: ProjectFiles, name: str, ours: bool, environ: Mapping[str, str]) -> CoverageSettings | None:
    parser = project.ini(name)
    assert parser is not None  # the file exists
    prefixes = ("coverage:", "") if ours else ("coverage:",)

    def section(short: str) -> str | None:
        return next((p + short for p in prefixes if parser.has_section(p + short)), None)

    used = ours or any(s is not None and parser.options(s) for s in map(section, _SECTIONS))
    if not used:
        return None
    run = section("run")
    measured = next((f"{name} [{run}] {key}" for key in _MEASURED if run and parser.has_option(run, key)), None)
    patches = run is not None and parser.has_option(run, "patch")
    plugins, omit = (_ini_list(parser.get(run, key, fallback="")) if run else () for key in ("plugins", "omit"))
    report = section("report")
    if report is None:
        settings = CoverageSettings(name, "report")
    else:
        settings = _settings(
            name, report, {key: _substitute(value, environ, name) for key, value in parser.items(report)}
        )
    return replace(settings, measured=measured, patches=patches, plugins=plugins, omit=omit)


def _ini_list(value: str) -> tuple[str, ...]:
    """An INI list setting of coverage.py's: one item a line, or comma separated."""
    return tuple(item.strip() for item in value.replace(",", "\n").splitlines() if item.strip())


def _from_toml(project: ProjectFiles, name: str, ours: bool, environ: Mapping[str, str]) -> CoverageSettings | None:
    document = project.toml(name) or {}
    tables: list[tuple[str, Any]] = [("tool.coverage.", document.get("tool", {}).get("coverage"))]
    if ours:
        tables.append(("", document))
    for prefix, table in tables:
        if not isinstance(table, dict):
            continue
        if not ours and not any(isinstance(table.get(s), dict) and table[s] for s in _SECTIONS):
            continue
        report = table.get("report", {})
        values = {
            key: _substitute(value, environ, name) if isinstance(value, str) else value
            for key, value in (report.items() if isinstance(report, dict) else ())
        }
        run: dict[str, object] = table["run"] if isinstance(table.get("run"), dict) else {}
        measured = next((f"{name} [{prefix}run] {key}" for key in _MEASURED if key in run), None)
        plugins, omit = (
            tuple(map(str, v)) if isinstance(v := run.get(key), list) else () for key in ("plugins", "omit")
        )
        settings = _settings(name, f"{prefix}report", values)
        return replace(settings, measured=measured, patches="patch" in run, plugins=plugins, omit=omit)
    return CoverageSettings(name, "report") if ours else None


def _settings(name: str, section: str, values: Mapping[str, object]) -> CoverageSettings:
    fail_under = values.get("fail_under")
    precision = values.get("precision")
    return CoverageSettings(
        name,
        section,
        None if fail_under is None else _number(fail_under, float, f"{name} [{section}] fail_under"),
        None if precision is None else int(_number(precision, int, f"{name} [{section}] precision")),
    )


def _number(value: object, kind: type[float] | type[int], where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(where, f"{value!r} is not a number", "write a number")
    try:
        return kind(value)
    except ValueError:
        raise InputError(
            where, f"{value!r} is not {'an integer' if kind is int else 'a number'}", "write a number"
        ) from None


def _substitute(text: str, environ: Mapping[str, str], where: str) -> str:
    """coverage.py's `${VAR}` expansion: $VAR, ${VAR}, ${VAR?} (required), ${VAR-default}, $$."""

    def substituted(match: re.Match[str]) -> str:
        if match["dollar"]:
            return "$"
        word = match["word1"] or match["word2"]
        if word in environ:
            return environ[word]
        if match["strict"]:
            raise InputError(where, f"variable {word} is required but not set", f"set {word}")
        return match["default"] or ""

    return _VARIABLE.sub(substituted, text) if "$" in text else text
