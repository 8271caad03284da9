"""The project's own packages: what its build configuration ships, else what its layout holds.

mypy checks them, coverage.py measures them and the install proves they import from the checkout, when the project
does not say otherwise: so none of them wanders into setup.py, noxfile.py, docs/conf.py or the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from py_ci.readers.project_files import ProjectFiles

# Folders that hold a project's tooling, not its code.
NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "benchmarks", "bench", "build"}
    | {"dist", "venv", "env", "site-packages", "node_modules", "tools", "ci", "typings", "stubs"}
)
# Top-level modules that run the project's tools, not its code.
NOT_MODULES = frozenset({"setup.py", "conftest.py", "noxfile.py", "tasks.py", "fabfile.py", "dodo.py", "runtests.py"})
# How far below a folder a PEP 420 namespace package's regular packages are looked for (ns/sub/pkg).
NAMESPACE_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Layout:
    """The project's packages as paths from its folder (`src/pkg`, `pkg`, `module.py`, `src/ns/pkg`), the folder
    each one's import name starts from (`src`, or `` for the project's own), and how they were found."""

    paths: tuple[str, ...]
    origin: str
    roots: tuple[str, ...] = ()

    def _roots(self) -> tuple[str, ...]:
        return self.roots or tuple("src" if path.startswith("src/") else "" for path in self.paths)

    def modules(self) -> tuple[str, ...]:
        """Each package's import name: `pkg`, `module`, `ns.pkg`."""
        return tuple(_import_name(path, root) for path, root in zip(self.paths, self._roots(), strict=True))

    def coverage_source(self) -> tuple[str, ...]:
        """What coverage.py's `source` takes: a package's folder, a lone module's import name."""
        pairs = zip(self.paths, self.modules(), strict=True)
        return tuple(name if path.endswith(".py") else path for path, name in pairs)

    def namespace_roots(self) -> tuple[str, ...]:
        """The folders a PEP 420 namespace package's import name starts from: mypy's package bases."""
        pairs = zip(self.modules(), self._roots(), strict=True)
        return tuple(dict.fromkeys(root or "." for name, root in pairs if "." in name))


def _import_name(path: str, root: str) -> str:
    inside = PurePosixPath(path).relative_to(root) if root else PurePosixPath(path)
    return ".".join(inside.with_suffix("").parts if inside.suffix == ".py" else inside.parts)


def _not_code(name: str) -> bool:
    """Tests or tooling (`test_mod.py`, `mod_test.py`, `tests`, `conftest.py`, `docs`): never one of the packages."""
    stem = name.removesuffix(".py")
    return stem in NOT_PACKAGES or stem == "conftest" or stem.startswith(("test_", "tests_")) or stem.endswith("_test")


def _is_package(folder: Path) -> bool:
    return folder.is_dir() and (folder / "__init__.py").is_file()


def _is_module(path: Path) -> bool:
    return path.suffix == ".py" and path.is_file() and path.name not in NOT_MODULES and not _not_code(path.name)


def _candidate(folder: Path) -> bool:
    """A folder that may hold a PEP 420 namespace package: an identifier, not tooling, not tests."""
    return folder.is_dir() and folder.name.isidentifier() and not _not_code(folder.name)


def _namespaced(folder: Path, depth: int = NAMESPACE_DEPTH) -> Iterator[Path]:
    """The regular packages below a folder without `__init__.py` (PEP 420: `ns/pkg/__init__.py`)."""
    for child in sorted(folder.iterdir()):
        if _is_package(child) and not _not_code(child.name):
            yield child
        elif depth > 1 and _candidate(child) and not (child / "__init__.py").exists():
            yield from _namespaced(child, depth - 1)


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
        return _poetry(root, [p for p in poetry if isinstance(p, dict) and "include" in p and _in_wheel(p)])
    setuptools = project.tool("setuptools") or {}
    listed, modules = setuptools.get("packages"), setuptools.get("py-modules")
    if isinstance(listed, list) or isinstance(modules, list):
        base = str((setuptools.get("package-dir") or {}).get("", ".")).strip("/")
        tops = sorted({str(name).split(".")[0] for name in listed or ()}) + [f"{name}.py" for name in modules or ()]
        found = _found(root, [f"{base}/{name}".removeprefix("./") for name in tops], "pyproject.toml [tool.setuptools]")
        return None if found is None else Layout(found.paths, found.origin, (base.strip("."),) * len(found.paths))
    flit = ((project.tool("flit") or {}).get("module") or {}).get("name")
    if isinstance(flit, str):
        return _found(root, [flit, f"{flit}.py", f"src/{flit}"], "pyproject.toml [tool.flit.module]")
    return None


def _in_wheel(package: dict[str, object]) -> bool:
    """A poetry package entry the wheel ships: no `format`, or one that names the wheel (not `format = "sdist"`)."""
    shipped = package.get("format", "wheel")
    return "wheel" in ([shipped] if isinstance(shipped, str) else shipped if isinstance(shipped, list) else ["wheel"])


def _poetry(root: Path, listed: list[dict[str, object]]) -> Layout | None:
    bases = {f"{p.get('from', '.')}/{p['include']}".removeprefix("./"): str(p.get("from", "")) for p in listed}
    found = _found(root, list(bases), "pyproject.toml [tool.poetry] packages")
    if found is None:
        return None
    return Layout(found.paths, found.origin, tuple(bases[path].strip("./") for path in found.paths))


def _named(project: ProjectFiles) -> str | None:
    name = (project.pyproject.get("project") or {}).get("name")
    setup = project.ini("setup.cfg")
    if not isinstance(name, str) and setup is not None:
        name = setup.get("metadata", "name", fallback=None)
    return None if not isinstance(name, str) else re.sub(r"[-_.]+", "_", name).lower()


def _inside(folder: Path, prefix: str) -> list[str]:
    """The packages and modules a folder holds, PEP 420 namespace packages' included; no tests, no tooling."""
    found: list[str] = []
    for child in sorted(folder.iterdir()):
        if (_is_package(child) and not _not_code(child.name)) or _is_module(child):
            found.append(f"{prefix}{child.name}")
        elif _candidate(child):
            found += [f"{prefix}{p.relative_to(folder).as_posix()}" for p in _namespaced(child, NAMESPACE_DEPTH - 1)]
    return found


def project_layout(project: ProjectFiles) -> Layout | None:
    """The project's packages, from its build configuration, else its `src/` folder, else its top level."""
    declared = _declared(project)
    if declared is not None:
        return declared
    root = project.root
    src = root / "src"
    if src.is_dir() and (inside := _inside(src, "src/")):
        return Layout(tuple(inside), "the src layout", ("src",) * len(inside))
    tops = sorted(p.name for p in root.iterdir() if _is_package(p) and not _not_code(p.name))
    if tops:
        return Layout(tuple(tops), "the project's top-level packages")
    named = _named(project)
    if named is not None and (found := _found(root, [named, f"{named}.py"], "the project's name")) is not None:
        return found
    spaces = [p.as_posix() for p in _namespace_tops(root)]
    if spaces:
        return Layout(tuple(spaces), "the project's namespace packages (PEP 420)")
    modules = sorted(p.name for p in root.glob("*.py") if _is_module(p))
    return Layout(tuple(modules), "the project's top-level modules") if modules else None


def _namespace_tops(root: Path) -> Iterator[PurePosixPath]:
    for child in sorted(root.iterdir()):
        if _candidate(child) and not child.name.startswith("_") and child.name != "src":
            yield from (PurePosixPath(p.relative_to(root).as_posix()) for p in _namespaced(child, NAMESPACE_DEPTH - 1))
