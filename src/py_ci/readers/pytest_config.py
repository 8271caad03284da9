"""pytest's own `addopts`, found in the file pytest itself would use, for what it says of pytest-cov."""

from __future__ import annotations

import itertools
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from py_ci.readers.project_files import ProjectFiles, table_at

# pytest's order: the first file that holds pytest's section is its configuration.
_INI = (("pytest.ini", "pytest"), (".pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))


@dataclass(frozen=True, slots=True)
class PytestSettings:
    file: str
    addopts: tuple[str, ...]

    @property
    def cov_sources(self) -> tuple[str, ...]:
        """What `--cov=SOURCE` in addopts measures (a bare `--cov` names nothing)."""
        words = self.addopts
        sources = [word.split("=", 1)[1] for word in words if word.startswith("--cov=") and word != "--cov="]
        sources += [after for word, after in itertools.pairwise(words) if word == "--cov" and not after.startswith("-")]
        return tuple(sources)

    @property
    def cov_everything(self) -> bool:
        """A bare `--cov` in addopts: pytest-cov gives coverage.py no source, which then measures every file the tests
        run but the standard library and installed packages, unless its configuration says what to measure."""
        words = self.addopts
        return any(w == "--cov" and (i + 1 == len(words) or words[i + 1].startswith("-")) for i, w in enumerate(words))

    @property
    def workers(self) -> str | None:
        """What `-n`/`--numprocesses` in addopts asks pytest-xdist for (None: nothing, or "0" that runs none)."""
        return xdist_workers(self.addopts)

    @property
    def uses_pytest_cov(self) -> bool:
        return any(word == "--cov" or word.startswith("--cov=") for word in self.addopts)


def xdist_workers(words: Sequence[str]) -> str | None:
    """What `-n`/`--numprocesses` among pytest's arguments asks pytest-xdist for (None: nothing, or "0" that runs
    none)."""
    for index, word in enumerate(words):
        if word in ("-n", "--numprocesses"):
            value = words[index + 1] if index + 1 < len(words) else ""
        elif word.startswith("--numprocesses="):
            value = word.split("=", 1)[1]
        elif word.startswith("-n") and not word.startswith("--"):
            value = word[2:].lstrip("=")
        else:
            continue
        return None if value in ("", "0") else value
    return None


def _words(raw: object) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    try:
        return tuple(shlex.split(str(raw)))
    except ValueError:
        return tuple(str(raw).split())


def read_pytest_settings(project: ProjectFiles) -> PytestSettings | None:
    for name in ("pytest.toml", ".pytest.toml"):
        document = project.toml(name)
        if document is not None:
            table = document.get("pytest") or {}
            return PytestSettings(name, _words(table.get("addopts", [])))
    for name, section in _INI[:2]:
        parser = project.ini(name)
        if parser is not None:
            return PytestSettings(name, _words(parser.get(section, "addopts", fallback="")))
    tool = project.tool("pytest")
    if tool is not None:
        table = tool.get("ini_options", tool)
        return PytestSettings("pyproject.toml", _words(table.get("addopts", []) if isinstance(table, dict) else []))
    for name, section in _INI[2:]:
        parser = project.ini(name)
        if parser is not None and parser.has_section(section):
            return PytestSettings(name, _words(parser.get(section, "addopts", fallback="")))
    return None


def with_enabler(
    settings: PytestSettings | None, project: ProjectFiles, installed: frozenset[str]
) -> PytestSettings | None:
    """pytest's settings as the maintainers' run has them: pytest-enabler, installed beside pytest-cov (jaraco's
    projects), adds pytest-cov's arguments to pytest's, `--cov` unless [tool.pytest-enabler.cov] addopts says."""
    if not {"pytest-enabler", "pytest-cov"} <= installed:
        return settings
    added = _words(table_at(project.pyproject, "tool", "pytest-enabler", "cov").get("addopts", "--cov"))
    if settings is None:
        return PytestSettings("pytest-enabler", added)
    return PytestSettings(f"{settings.file} and pytest-enabler", (*settings.addopts, *added))
