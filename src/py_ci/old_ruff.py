"""A ruff older than what py-ci asks of it (`ruff check --output-format`, `ruff format --check`): its own flag where it
has one (the project's ruff lints as its maintainers run it), else named as not run with the pin and the fix."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from py_ci.files import tool_text
from py_ci.install import TOOL_VERSIONS
from py_ci.model import NotRun
from py_ci.options import Options
from py_ci.readers.tool_pins import tool_pin
from py_ci.tool_runs import Check

# The first ruff with everything py-ci asks of it: `check --output-format` (0.0.291), a stable `format --check`.
RUFF_FIRST = "0.1.2"
RUFF = TOOL_VERSIONS["ruff"]
RUFF_JSON, OLD_RUFF_JSON = "--output-format", "--format=json"


def lint_with_an_old_ruff(checks: list[Check], project: Path, environ: dict[str, str]) -> None:
    """A ruff before 0.0.291 names its JSON output `--format`: the project's own ruff lints again with it."""
    for check in checks:
        said = tool_text(check.stderr_file)
        if check.name == "lint" and check.code == 2 and f"unexpected argument '{RUFF_JSON}'" in said:
            check.command = [OLD_RUFF_JSON if part == f"{RUFF_JSON}=json" else part for part in check.command]
            with check.output.open("wb") as stdout, check.stderr_file.open("wb") as stderr:
                done = subprocess.run(
                    check.command, cwd=project, stdout=stdout, stderr=stderr, env=environ, check=False
                )
            check.code = done.returncode


def ruff_too_old(check: Check, gate: str, rejected: str, options: Options) -> NotRun:
    """A ruff older than what py-ci asks of it (`check --output-format`, `format --check`): not run, and why."""
    said = subprocess.run([check.command[0], "-m", "ruff", "--version"], capture_output=True, text=True, check=False)
    version = said.stdout.strip() or "its ruff"
    pin = tool_pin(options.project, "ruff")
    where = f"the project's pin in {pin.where} ({pin.requirement})" if pin else "the environment's ruff"
    cause = f"{version} does not know `{shlex.join(check.command[3:])}` ({rejected.removeprefix('error: ')})"
    fix = f"raise {where} to ruff>={RUFF_FIRST}, the first with a stable `ruff format` (py-ci's own is {RUFF})"
    return NotRun(gate, check.title, "was not run (ruff too old)", cause, fix)
