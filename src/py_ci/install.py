"""How a project and its test tools are installed: the commands uv (or pip) runs, from what its files say."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from py_ci.helper_python import HELPER_FLOOR
from py_ci.readers.dependencies import TestDependencies
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.requirement_lists import requirement_name

# The tools the checks need, at the versions py-ci is tested with; installed only where missing.
TOOL_VERSIONS = {
    "ruff": "0.17.5",
    "mypy": "2.4.1",
    "ty": "1.0.0",
    "pyrefly": "1.5.0",
    "basedpyright": "1.40.2",
    "pyright": "1.1.414",
    "pytest": "9.2.0",
    "coverage": "7.17.3",
    "pytest-cov": "7.1.0",
    "pytest-xdist": "3.8.0",
}
# Build plugins that take the version from git: an untagged checkout gets their fallback (0.1.dev1) otherwise.
VCS_PLUGINS = (
    "setuptools-scm",
    "hatch-vcs",
    "versioningit",
    "setuptools-git-versioning",
    "poetry-dynamic-versioning",
    "uv-dynamic-versioning",
    "dunamai",
)
# What those plugins read instead of git, when they are given a version.
PRETEND_VERSION = (
    "SETUPTOOLS_SCM_PRETEND_VERSION",
    "PDM_BUILD_SCM_VERSION",
    "UV_DYNAMIC_VERSIONING_BYPASS",
    "POETRY_DYNAMIC_VERSIONING_BYPASS",
)
# uv's resolutions: the newest versions allowed (the default), or the oldest the project's own ranges allow.
HIGHEST, LOWEST_DIRECT = "highest", "lowest-direct"
_TAG = re.compile(r"^v?(\d+(?:\.\d+)*)$")


@dataclass(frozen=True, slots=True)
class Step:
    """One install command, and what it installs, for the log and for a failure's message."""

    what: str
    command: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Installer:
    """uv (`python -m uv`, the helper's) or pip (the project interpreter's own)."""

    name: str  # uv or pip
    uv: tuple[str, ...] = ()

    def pip_install(self, python: str) -> list[str]:
        if self.name == "uv":
            return [*self.uv, "pip", "install", "--python", python]
        return [python, "-m", "pip", "install", "--disable-pip-version-check"]


def project_steps(deps: TestDependencies, python: str, installer: Installer, resolution: str = HIGHEST) -> list[Step]:
    """The project (editable) and its tests' dependencies, in one resolution: nothing installed later replaces it.

    `lowest-direct` (uv's) takes the oldest version each of the project's own ranges allows, the lock's included.
    """
    what = f"the project and its test dependencies from {deps.found}"
    lowest = ("--resolution", resolution) if resolution != HIGHEST else ()
    if deps.lock and installer.name == "uv":
        groups = ["--no-default-groups", *(w for g in deps.groups for w in ("--group", g))] if deps.groups else []
        extras = [w for extra in deps.extras for w in ("--extra", extra)]
        # The lock as it is, unless the lowest versions are asked for: then uv resolves the ranges anew.
        how = lowest or ("--frozen",)
        return [Step(what, (*installer.uv, "sync", *how, "--python", python, *groups, *extras))]
    editable = ["-e", f".[{','.join(deps.extras)}]" if deps.extras else "."] if deps.project else []
    words = [
        *editable,
        *(w for group in deps.groups for w in ("--group", group)),
        *(w for file in deps.files for w in ("-r", file)),
        *deps.requirements,
    ]
    if not words:
        return []
    steps = []
    if deps.groups and installer.name == "pip":
        # pip reads [dependency-groups] from 25.1 on.
        steps.append(
            Step("pip 25.1 or newer, which reads dependency groups", (*installer.pip_install(python), "pip>=25.1"))
        )
    return [*steps, Step(what, (*installer.pip_install(python), *lowest, *words))]


def _pinned(tool: str) -> tuple[str, str]:
    """py-ci's pin on the Pythons it is chosen for; on an older one (3.9, 3.10) the newest release up to it that still
    supports that Python (pytest 9 and coverage 7.11 left 3.9 behind): the installer reads the markers."""
    version, floor = TOOL_VERSIONS[tool], "{}.{}".format(*HELPER_FLOOR)
    return f'{tool}=={version}; python_version >= "{floor}"', f'{tool}<={version}; python_version < "{floor}"'


def tool_step(
    missing: list[str], python: str, installer: Installer, constraints: Path | None, asked: Mapping[str, str]
) -> Step:
    """The missing tools at the versions the project asks for (`asked`), else py-ci's pins; `constraints` holds the
    project to its installed version."""
    held = ["-c", str(constraints)] if constraints is not None else []
    pins = [pin for tool in missing for pin in ((asked[tool],) if tool in asked else _pinned(tool))]
    return Step(f"the test tools py-ci runs ({', '.join(missing)})", (*installer.pip_install(python), *held, *pins))


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return subprocess.CompletedProcess(["git", *args], 1, "", str(problem))


def uses_vcs_version(project: ProjectFiles) -> bool:
    requires = (project.pyproject.get("build-system") or {}).get("requires") or []
    named = {requirement_name(str(req)) for req in requires}
    tool = project.pyproject.get("tool") or {}
    return bool(named & set(VCS_PLUGINS)) or "setuptools_scm" in tool or "setuptools-scm" in tool


def vcs_version(project: ProjectFiles) -> tuple[dict[str, str], str | None]:
    """For an untagged checkout of a VCS-versioned project: its newest release's version, from origin's tags.

    The plugins' fallback (0.1.dev1) would let a tool that needs the project (pytest needs pluggy) pull the
    release from the index over the checkout. Returns the variables to set, and what was done.
    """
    if not uses_vcs_version(project) or _git(["describe", "--tags", "--abbrev=0"], project.root).returncode == 0:
        return {}, None
    listed = _git(["ls-remote", "--tags", "--refs", "origin"], project.root)
    versions = [
        match[1]
        for line in listed.stdout.splitlines()
        if (match := _TAG.match(line.rpartition("refs/tags/")[2].strip()))
    ]
    if listed.returncode != 0 or not versions:
        said = "no tag in the checkout nor at origin"
        return (
            {},
            f"untagged checkout of a VCS-versioned project ({said}): it installs as its plugin's fallback version",
        )
    newest = max(versions, key=lambda v: tuple(int(part) for part in v.split(".")))
    version = f"{newest}+checkout"
    note = f"untagged checkout of a VCS-versioned project: version {version}, from origin's newest tag, "
    note += "given to its plugin"
    return dict.fromkeys(PRETEND_VERSION, version), note


def distribution_name(project: ProjectFiles) -> str | None:
    """The project's own distribution name, where its files say it."""
    name = (project.pyproject.get("project") or {}).get("name") or (
        (project.pyproject.get("tool") or {}).get("poetry") or {}
    ).get("name")
    setup = project.ini("setup.cfg")
    if not isinstance(name, str) and setup is not None:
        name = setup.get("metadata", "name", fallback=None)
    return name if isinstance(name, str) else None
