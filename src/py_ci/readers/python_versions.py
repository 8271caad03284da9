"""The Python versions a project says it supports: its classifiers, else its `requires-python`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from py_ci.pythons import AVAILABLE, SUPPORTED
from py_ci.readers.project_files import ProjectFiles

_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
_CLAUSE = re.compile(r"^\s*(?P<op>~=|==|!=|<=|>=|<|>)\s*(?P<version>\d+(?:\.\d+)*)(?P<star>\.\*)?\s*$")


@dataclass(frozen=True, slots=True)
class Versions:
    versions: tuple[str, ...]
    origin: str


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _padded(version: tuple[int, ...]) -> tuple[int, ...]:
    return (*version, 0, 0, 0)[:3]


def _satisfies(clause: re.Match[str], version: tuple[int, ...]) -> bool:
    """One clause of a specifier (PEP 440's operators, for plain X.Y.Z releases)."""
    op, wanted = clause["op"], _key(clause["version"])
    if clause["star"]:
        same = version[: len(wanted)] == wanted
        return same if op == "==" else not same
    if op == "~=":
        return version >= _padded(wanted) and version[: len(wanted) - 1] == wanted[:-1]
    have, want = version, _padded(wanted)
    return {
        "==": have == want,
        "!=": have != want,
        "<": have < want,
        "<=": have <= want,
        ">": have > want,
        ">=": have >= want,
    }[op]


def admitted(specifier: str) -> tuple[str, ...] | None:
    """The releases setup-python provides that a `requires-python` specifier admits; None if it cannot be read."""
    clauses = [_CLAUSE.match(part) for part in specifier.split(",") if part.strip()]
    if not clauses or any(clause is None for clause in clauses):
        return None
    matched = [clause for clause in clauses if clause is not None]
    return tuple(
        release
        for release in AVAILABLE
        if any(all(_satisfies(c, (*_key(release), patch)) for c in matched) for patch in range(100))
    )


def supported_versions(project: ProjectFiles) -> Versions:
    metadata = project.pyproject.get("project") or {}
    classifiers = metadata.get("classifiers") if isinstance(metadata, dict) else None
    listed = sorted(
        {match[1] for item in classifiers or () if isinstance(item, str) and (match := _CLASSIFIER.match(item))},
        key=_key,
    )
    if listed:
        return Versions(tuple(listed), "pyproject.toml classifiers")
    requires = metadata.get("requires-python") if isinstance(metadata, dict) else None
    if isinstance(requires, str) and (found := admitted(requires)):
        return Versions(found, f"pyproject.toml requires-python {requires!r}")
    return Versions(SUPPORTED, "the CPython releases that still get fixes (the project names none)")
