"""`py-ci install`: the project and its test tools into its environment, as the action's default install."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import IO

from py_ci.commands import Console
from py_ci.environment import Environment, missing_tools
from py_ci.errors import InputError
from py_ci.install import install_plan, tool_install
from py_ci.model import InstallResult
from py_ci.options import Options

MODULES = ["ruff", "mypy", "pytest", "coverage", "pytest_cov"]
STDERR = 2


def _run(command: list[str], project: Path, log: IO[str]) -> None:
    log.write(f"+ {shlex.join(command)}\n")
    log.flush()
    # The installer's own words go to stderr, beside ours: stdout is the result's (--json).
    done = subprocess.run(command, cwd=project, stdout=STDERR, check=False)
    if done.returncode != 0:
        raise InputError(
            "install",
            f"`{shlex.join(command)}` failed (exit {done.returncode})",
            "fix the project's install, or give the command yourself (the action's `install` input)",
        )


def run(options: Options, console: Console) -> InstallResult:
    log, project, python = console.progress, options.workspace, options.python or sys.executable
    layout, commands = ("your install command", []) if options.tools_only else install_plan(options.project, python)
    log.write(f"py-ci install: {layout} in {project}\n")
    for command in commands:
        _run(command, project, log)
    uv = layout == "uv.lock"
    interpreter = (
        project / ".venv" / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python") if uv else Path(python)
    )
    missing = missing_tools(Environment(interpreter, "the project's environment"), MODULES)
    if missing:
        command = tool_install(str(interpreter), missing)
        _run(
            [python, "-m", "uv", "pip", "install", "--python", str(interpreter), *command[5:]] if uv else command,
            project,
            log,
        )
    return InstallResult(layout, tuple(shlex.join(c) for c in commands), tuple(missing), str(interpreter))
