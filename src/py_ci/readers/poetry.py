"""poetry's dependency tables as PEP 508 requirements, at poetry.lock's versions where the lock has them.

poetry writes constraints its own way (`^1.2`, `~1.2.3`, tables with extras, markers, paths, git); uv and pip
read PEP 508, so each is turned into what poetry means by it (its documentation's "Dependency
specification").
"""

from __future__ import annotations

import platform
import re
from collections.abc import Mapping
from pathlib import Path

_BARE = re.compile(r"^\d+(\.\d+)*(\.\*)?$")


def _bump(parts: list[int], index: int) -> str:
    bumped = [*parts[:index], parts[index] + 1]
    return ".".join(map(str, bumped))


def _caret(version: str) -> str:
    """`^1.2.3` allows what does not change the first non-zero part (`^0.2.3` stays below 0.3)."""
    parts = [int(part) for part in version.split(".")]
    index = next((i for i, part in enumerate(parts) if part != 0), len(parts) - 1)
    return f">={version},<{_bump(parts, index)}"


def _tilde(version: str) -> str:
    """`~1.2.3` allows patches, `~1.2` too, `~1` minors."""
    parts = [int(part) for part in version.split(".")]
    return f">={version},<{_bump(parts, 0 if len(parts) == 1 else 1)}"


def constraint(spec: str) -> str:
    """One poetry version constraint as a PEP 440 specifier ('' for any version)."""
    clauses = []
    for clause in (part.strip() for part in spec.split(",")):
        if clause in ("", "*"):
            continue
        if clause.startswith("^"):
            clauses.append(_caret(clause[1:].strip()))
        elif clause.startswith("~") and not clause.startswith("~="):
            clauses.append(_tilde(clause[1:].strip()))
        elif _BARE.match(clause):
            clauses.append(f"=={clause}")
        else:
            clauses.append(clause.replace(" ", ""))
    return ",".join(clauses)


def _python_allows(spec: object) -> bool:
    """Whether a dependency's `python` constraint admits this interpreter's X.Y (a rough reading: >=, <, ^, ~)."""
    if not isinstance(spec, str):
        return True
    here = tuple(int(part) for part in platform.python_version_tuple()[:2])
    for clause in constraint(spec).split(","):
        match = re.match(r"^(>=|<=|==|!=|<|>)(\d+(?:\.\d+)*)", clause)
        if match is None:
            continue
        wanted = tuple(int(part) for part in match[2].split(".")[:2])
        allowed = {
            ">=": here >= wanted,
            "<=": here <= wanted,
            "<": here < wanted,
            ">": here > wanted,
            "==": here == wanted,
            "!=": here != wanted,
        }[match[1]]
        if not allowed:
            return False
    return True


def _one(name: str, spec: object, pins: Mapping[str, str], root: Path) -> str | None:
    if isinstance(spec, list):
        chosen = next((item for item in spec if isinstance(item, Mapping) and _python_allows(item.get("python"))), None)
        return None if chosen is None else _one(name, chosen, pins, root)
    table: Mapping[str, object] = spec if isinstance(spec, Mapping) else {"version": spec}
    if not _python_allows(table.get("python")):
        return None
    listed = table.get("extras")
    extras = [extra for extra in listed if isinstance(extra, str)] if isinstance(listed, list) else []
    named = f"{name}[{','.join(extras)}]" if extras else name
    markers = f" ; {table['markers']}" if isinstance(table.get("markers"), str) else ""
    if isinstance(table.get("path"), str):
        return f"{named} @ {(root / str(table['path'])).resolve().as_uri()}{markers}"
    if isinstance(table.get("git"), str):
        rev = next((table[key] for key in ("rev", "tag", "branch") if isinstance(table.get(key), str)), None)
        return f"{named} @ git+{table['git']}{'@' + str(rev) if rev else ''}{markers}"
    if isinstance(table.get("url"), str):
        return f"{named} @ {table['url']}{markers}"
    locked = pins.get(name.lower().replace("_", "-"))
    version = f"=={locked}" if locked else constraint(str(table.get("version", "*")))
    return f"{named}{version}{markers}"


def poetry_requirements(deps: Mapping[str, object], lock: Mapping[str, object] | None, root: Path) -> tuple[str, ...]:
    """The group's dependencies (python itself aside), pinned to the lock's versions when there is a lock."""
    packages = (lock or {}).get("package")
    pins = {
        str(p["name"]).lower().replace("_", "-"): str(p["version"])
        for p in (packages if isinstance(packages, list) else [])
        if isinstance(p, Mapping) and "name" in p and "version" in p
    }
    found = (_one(name, spec, pins, root) for name, spec in deps.items() if name.lower() != "python")
    return tuple(requirement for requirement in found if requirement is not None)
