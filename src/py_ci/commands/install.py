"""`py-ci install`: the project and its test tools into its environment, as the action's default install."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import IO

from py_ci.environment import Environment, missing_tools
from py_ci.errors import InputError
from py_ci.install import install_plan, tool_install
from py_ci.publication import Publication

MODULES = ["ruff", "mypy", "pytest", "pytest_cov"]


def _run(command: list[str], project: Path, log: IO[str]) -> None:
    log.write(f"+ {shlex.join(command)}\n")
    log.flush()
    done = subprocess.run(command, cwd=project, check=False)
    if done.returncode != 0:
        raise InputError(
            "install",
            f"`{shlex.join(command)}` failed (exit {done.returncode})",
            "fix the project's install, or give the command yourself (the action's `install` input)",
        )


def install_publication(
    project: Path, python: str, log: IO[str] | None = None, tools_only: bool = False
) -> Publication:
    log = log or sys.stderr
    project = project.resolve()
    layout, commands = ("your install command", []) if tools_only else install_plan(project, python)
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
    text = f"installed ({layout}); tools: {'added ' + ', '.join(missing) if missing else 'all present'}\n"
    result = {
        "layout": layout,
        "commands": [shlex.join(c) for c in commands],
        "added_tools": missing,
        "python": str(interpreter),
    }
    return Publication(True, result, "", text, {"python": str(interpreter)})
