"""The project's own packages: what its build configuration ships, else what its layout holds.

mypy checks them and coverage.py measures them when the project does not say otherwise, so neither
wanders into setup.py, noxfile.py, docs/conf.py or the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from py_ci.readers.project_files import ProjectFiles

# Folders that hold a project's tooling, not its code.
NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "benchmarks", "bench", "build"}
    | {"dist", "venv", "env", "site-packages", "node_modules", "tools", "ci", "typings", "stubs"}
)
# Top-level modules that run the project's tools, not its code.
NOT_MODULES = frozenset({"setup.py", "conftest.py", "noxfile.py", "tasks.py", "fabfile.py", "dodo.py"})


@dataclass(frozen=True, slots=True)
class Layout:
    """The project's packages as paths from its folder (`src/pkg`, `pkg`, `module.py`), and how they were found."""

    paths: tuple[str, ...]
    origin: str


def _is_package(folder: Path) -> bool:
    return folder.is_dir() and (folder / "__init__.py").is_file()


def _found(root: Path, names: list[str], origin: str) -> Layout | None:
    paths = tuple(dict.fromkeys(name.strip("/") for name in names if (root / name).exists()))
    return Layout(paths, origin) if paths else None


def _declared(project: ProjectFiles) -> Layout | None:
    """What the build backend's own configuration says it ships."""
    root = project.root
    hatch = (((project.tool("hatch") or {}).get("build") or {}).get("targets") or {}).get("wheel") or {}
    if isinstance(hatch.get("packages"), list):
        return _found(root, [str(p) for p in hatch["packages"]], "pyproject.toml [tool.hatch.build.targets.wheel]")
    poetry = (project.tool("poetry") or {}).get("packages")
    if isinstance(poetry, list):
        names = [f"{p.get('from', '.')}/{p['include']}" for p in poetry if isinstance(p, dict) and "include" in p]
        return _found(root, [name.removeprefix("./") for name in names], "pyproject.toml [tool.poetry] packages")
    setuptools = project.tool("setuptools") or {}
    listed = setuptools.get("packages")
    if isinstance(listed, list):
        base = (setuptools.get("package-dir") or {}).get("", ".")
        tops = sorted({str(name).split(".")[0] for name in listed})
        return _found(root, [f"{base}/{name}".removeprefix("./") for name in tops], "pyproject.toml [tool.setuptools]")
    flit = ((project.tool("flit") or {}).get("module") or {}).get("name")
    if isinstance(flit, str):
        return _found(root, [flit, f"{flit}.py", f"src/{flit}"], "pyproject.toml [tool.flit.module]")
    return None


def _named(project: ProjectFiles) -> str | None:
    name = (project.pyproject.get("project") or {}).get("name")
    setup = project.ini("setup.cfg")
    if not isinstance(name, str) and setup is not None:
        name = setup.get("metadata", "name", fallback=None)
    return None if not isinstance(name, str) else re.sub(r"[-_.]+", "_", name).lower()


def project_layout(project: ProjectFiles) -> Layout | None:
    """The project's packages, from its build configuration, else its `src/` folder, else its top level."""
    declared = _declared(project)
    if declared is not None:
        return declared
    root = project.root
    src = root / "src"
    if src.is_dir():
        inside = sorted(f"src/{p.name}" for p in src.iterdir() if _is_package(p) or p.suffix == ".py")
        if inside:
            return Layout(tuple(inside), "the src layout")
    tops = sorted(p.name for p in root.iterdir() if _is_package(p) and p.name not in NOT_PACKAGES)
    if tops:
        return Layout(tuple(tops), "the project's top-level packages")
    named = _named(project)
    if named is not None:
        found = _found(root, [named, f"{named}.py"], "the project's name")
        if found is not None:
            return found
    modules = sorted(p.name for p in root.glob("*.py") if p.name not in NOT_MODULES)
    return Layout(tuple(modules), "the project's top-level modules") if modules else None
