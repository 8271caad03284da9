"""The project's own Python environment, where its tools and dependencies live."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from py_ci.errors import InputError

# The module each check runs, and the package that brings it.
TOOLS = {
    "ruff": "ruff",
    "mypy": "mypy",
    "ty": "ty",
    "pyrefly": "pyrefly",
    "basedpyright": "basedpyright",
    "pyright": "pyright",
    "pytest": "pytest",
    "coverage": "coverage",
    "pytest_cov": "pytest-cov",
    "xdist": "pytest-xdist",
}


@dataclass(frozen=True, slots=True)
class Environment:
    python: Path
    why: str

    def describe(self) -> str:
        return f"{self.python} ({self.why})"


def _interpreter(folder: Path) -> Path | None:
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def find_environment(project: Path, environ: Mapping[str, str], python: str | None = None) -> Environment:
    """--python, else the active virtualenv, else the project's .venv or venv, else python on PATH."""
    if python:
        found = shutil.which(python)
        if found is None:
            raise InputError(f"--python {python}", "is not an interpreter on PATH", "give a path to python")
        return Environment(Path(found), "--python")
    active = environ.get("VIRTUAL_ENV")
    if active and (interpreter := _interpreter(Path(active))):
        return Environment(interpreter, "the active virtualenv, $VIRTUAL_ENV")
    for name in (".venv", "venv"):
        if interpreter := _interpreter(project / name):
            reason = (
                "the uv project's .venv"
                if (project / "uv.lock").is_file() and name == ".venv"
                else f"the project's {name}"
            )
            return Environment(interpreter, reason)
    for name in ("python3", "python"):
        if found := shutil.which(name, path=environ.get("PATH")):
            return Environment(Path(found), f"{name} on PATH")
    return Environment(Path(sys.executable), "py-ci's own interpreter")


_PROBE = "import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))"


def start_probe(environment: Environment, modules: list[str]) -> subprocess.Popen[str]:
    """Ask the environment, in the background, which of `modules` it cannot import."""
    return subprocess.Popen(
        [str(environment.python), "-c", _PROBE, *modules], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def probe_result(environment: Environment, probe: subprocess.Popen[str]) -> list[str]:
    """The packages the probe found missing."""
    out, err = probe.communicate()
    if probe.returncode != 0:
        raise InputError(environment.describe(), f"does not run ({err.strip()[-200:]})", "fix or recreate it")
    return [TOOLS.get(module, module) for module in out.split()]


_VERSION = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"


def installed_version(environment: Environment, distribution: str) -> tuple[int, ...] | None:
    """The release of `distribution` the environment has (its leading numbers), or None when it has none."""
    try:
        done = subprocess.run(
            [str(environment.python), "-c", _VERSION, distribution], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    numbers = re.match(r"\d+(?:\.\d+)*", done.stdout.strip()) if done.returncode == 0 else None
    return tuple(int(part) for part in numbers[0].split(".")) if numbers else None


def missing_tools(environment: Environment, modules: list[str]) -> list[str]:
    """The packages of `modules` the environment cannot import."""
    return probe_result(environment, start_probe(environment, modules))


def install_hint(environment: Environment, packages: list[str]) -> str:
    command = f"{environment.python} -m pip install {' '.join(packages)}"
    return f"install them with `{command}`, or leave their checks out with --checks"
