"""The version of a tool (ruff, coverage.py) that the project itself asks for, wherever its files say it.

A job that runs one tool alone (lint: ruff, without the project) must run the project's ruff, not py-ci's: the
newest ruff has rules and formatting the project's code was never checked against. Looked at, most exact first:
the lock files (uv.lock, poetry.lock, pdm.lock), then every requirement list the project declares
(readers/requirement_lists.py: dependency groups, extras, poetry's, pdm's and hatch's tables, requirements files,
tox's environments, nox's sessions), then pre-commit's hook revision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.requirement_lists import normal_name, requirement_lists, requirement_name

LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")
# pre-commit's hook repositories of each tool, and the revision line that follows them.
HOOKS = {"ruff": "astral-sh/ruff-pre-commit", "mypy": "pre-commit/mirrors-mypy"}
_REV = r"""\s*\n\s*rev:\s*['"]?v?([^'"\s]+)['"]?[ \t]*(?:#\s*frozen:\s*v?(\S+))?"""
_VERSION = re.compile(r"\d+(?:\.\d+)*(?:(?:a|b|rc|\.post|\.dev)\d+)?")


@dataclass(frozen=True, slots=True)
class ToolPin:
    """What to install for the tool, and where the project said so (for the log)."""

    requirement: str  # PEP 508: "ruff==0.6.9", "coverage[toml]>=7.4"
    where: str


def _locked(project: ProjectFiles, tool: str) -> Iterator[ToolPin]:
    for name in LOCK_FILES:
        packages = (project.toml(name) or {}).get("package") if project.exists(name) else None
        for package in packages if isinstance(packages, list) else []:
            named = isinstance(package, Mapping) and normal_name(str(package.get("name", ""))) == tool
            if named and "version" in package:
                yield ToolPin(f"{tool}=={package['version']}", name)


def _hook(project: ProjectFiles, tool: str) -> Iterator[ToolPin]:
    text = project.text(".pre-commit-config.yaml")
    if tool not in HOOKS or text is None:
        return
    match = re.search(re.escape(HOOKS[tool]) + _REV, text)
    # `pre-commit autoupdate --freeze` writes a commit, and the version it is beside a `# frozen:` comment.
    version = (
        next((found for found in (match[1], match[2]) if _VERSION.fullmatch(found or "")), None) if match else None
    )
    if version is not None:
        yield ToolPin(f"{tool}=={version}", ".pre-commit-config.yaml")


def tool_pin(project: ProjectFiles, tool: str) -> ToolPin | None:
    """The project's own requirement on `tool`, the most exact one its files hold; None when they name none."""
    wanted = normal_name(tool)
    declared = (
        ToolPin(r, listed.where)
        for listed in requirement_lists(project)
        for r in listed.requirements
        if requirement_name(r) == wanted
    )
    return next((pin for pins in (_locked(project, wanted), declared, _hook(project, wanted)) for pin in pins), None)
