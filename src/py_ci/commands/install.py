"""`py-ci install`: the project and its test tools, as its maintainers install them, with uv; then proof that the
checkout is what the tests will import."""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from py_ci.commands import Console
from py_ci.environment import TOOLS, Environment, missing_tools
from py_ci.errors import InputError, UsageError
from py_ci.install import (
    LOWEST_DIRECT,
    Installer,
    Step,
    distribution_name,
    project_steps,
    tool_step,
    vcs_version,
)
from py_ci.model import InstallResult
from py_ci.options import Options
from py_ci.readers.coverage_config import read_coverage_settings
from py_ci.readers.requirement_lists import requirement_name
from py_ci.readers.tool_pins import tool_pin
from py_ci.tool_runs import own_runner_runs

# What each check runs, as the modules to look for (their distributions are TOOL_VERSIONS' names).
CHECK_MODULES = {
    "lint": ("ruff",),
    "format": ("ruff",),
    "test": ("pytest", "coverage", "pytest_cov"),
}
# ruff reads the files: a job that only lints needs no project installed.
PROJECT_FREE = frozenset({"lint", "format"})
STDERR = 2
ERROR_MARK = "\N{MULTIPLICATION SIGN}"  # uv's mark of an error
LOWEST_FIX = (
    "the oldest versions the project's ranges allow do not go with these tools: raise those lower bounds, or list "
    "the test tools in the project's test dependencies (resolved with the rest)"
)
OVERRIDE = "give the command yourself (the action's install input), or choose pip (installer: pip)"
# Where the interpreter would import each name from, without running the project's code.
_WHERE = """
import importlib.util, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception as error:
        found[name] = "error: " + type(error).__name__ + ": " + str(error)
        continue
    places = list(spec.submodule_search_locations or []) if spec else []
    found[name] = (spec.origin if spec and spec.origin not in (None, "namespace") else (places[0] if places else None))
print(json.dumps(found))
"""
_VERSION = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"
_EVERY = "import importlib.metadata as m; [print(d.metadata['Name'] + '==' + d.version) for d in m.distributions()]"
_VERSIONS = "import importlib.metadata as m, sys; [print(name, m.version(name)) for name in sys.argv[1:]]"


def _cause(said: str) -> str:
    """The installer's own reason: its error line and what follows, else its last line."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    marked = next((i for i, line in enumerate(lines) if line.startswith(("error:", "ERROR:", ERROR_MARK))), None)
    picked = lines[marked : marked + 3] if marked is not None else lines[-1:]
    return " ".join(picked)[:400] or "it said nothing"


def _run(step: Step, project: Path, log: IO[str], env: dict[str, str], fix: str) -> None:
    log.write(f"+ {shlex.join(step.command)}\n")
    log.flush()
    # The installer's own words go to stderr, beside ours: stdout is the result's (--json).
    done = subprocess.run(
        step.command, cwd=project, stdout=STDERR, stderr=subprocess.PIPE, text=True, env=env, check=False
    )
    log.write(done.stderr)
    if done.returncode != 0:
        raise InputError("install", f"{step.what} failed (exit {done.returncode}): {_cause(done.stderr)}", fix)


def _installer(options: Options, log: IO[str]) -> Installer:
    """uv, py-ci's own (the helper's environment has it), else uv on PATH; pip when asked, or when uv is absent."""
    if options.installer == "pip":
        return Installer("pip")
    if importlib.util.find_spec("uv") is not None:
        return Installer("uv", (sys.executable, "-m", "uv"))
    if (found := shutil.which("uv")) is not None:
        return Installer("uv", (found,))
    log.write("py-ci install: uv is not installed here: pip installs instead\n")
    return Installer("pip")


def _checked(python: str, options: Options) -> tuple[tuple[str, str], ...]:
    """Each of the project's packages imports from the checkout, or the tests would test another copy."""
    names = list(options.layout.modules() if options.layout else ())
    if not names:
        return ()
    root = options.workspace.resolve()
    with tempfile.TemporaryDirectory() as elsewhere:  # not the checkout: its folder on sys.path would prove nothing
        done = subprocess.run(
            [python, "-c", _WHERE, *names], cwd=elsewhere, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        raise InputError("install", f"{python} cannot look for the project's packages: {_cause(done.stderr)}", OVERRIDE)
    checked = []
    for name, where in json.loads(done.stdout).items():
        if where is None or where.startswith("error: "):
            said = where.removeprefix("error: ") if where else f"No module named {name!r}"
            raise InputError("install", f"the project's package {name!r} cannot be imported: {said}", OVERRIDE)
        if not Path(where).resolve().is_relative_to(root):
            problem = f"the project's package {name!r} imports from {where}, not from the checkout {root}"
            raise InputError("install", problem, "install the project editable (pip install -e .), or " + OVERRIDE)
        checked.append((name, str(Path(where).resolve().relative_to(root))))
    return tuple(checked)


def _held(python: str, options: Options, scratch: Path) -> Path | None:
    """A constraints file that keeps the project at its installed version while the tools are added; with the
    lowest-direct resolution, everything installed, so no tool lifts the oldest versions just installed."""
    name = distribution_name(options.project)
    if options.resolution == LOWEST_DIRECT:
        every = subprocess.run([python, "-c", _EVERY], capture_output=True, text=True, check=False)
        pins = every.stdout if every.returncode == 0 else ""
    elif name is not None:
        done = subprocess.run([python, "-c", _VERSION, name], capture_output=True, text=True, check=False)
        pins = f"{name}=={done.stdout.strip()}\n" if done.returncode == 0 else ""
    else:
        pins = ""
    if not pins:
        return None
    held = scratch / "project-constraint.txt"
    held.write_text(pins, encoding="utf-8")
    return held


def _lowest_installed(python: str, options: Options) -> str:
    """What the lowest-direct resolution installed of the project's own dependencies, for the summary."""
    listed = (options.project.pyproject.get("project") or {}).get("dependencies") or []
    names = sorted({name for requirement in listed if (name := requirement_name(str(requirement))) is not None})
    done = subprocess.run([python, "-c", _VERSIONS, *names], capture_output=True, text=True, check=False)
    found = ", ".join(line for line in done.stdout.splitlines() if line) if done.returncode == 0 else ""
    return f"resolution lowest-direct, the oldest versions the project's ranges allow: {found or 'no dependency'}"


def _asked(options: Options, tools: list[str], log: IO[str]) -> dict[str, str]:
    """The versions of `tools` the project's own files ask for, said in the log."""
    asked = {}
    for tool in tools:
        if (pin := tool_pin(options.project, tool)) is not None:
            log.write(f"  {pin.requirement}, as {pin.where} asks\n")
            asked[tool] = pin.requirement
    return asked


def _modules(check: str, options: Options) -> tuple[str, ...]:
    """What a check runs; the project's own runner needs coverage.py alone, and pytest added beside it would change
    what its tests see (pytest brings Pygments, which a suite may test with or without)."""
    if check == "typecheck":
        return options.type_checkers.value  # each checker's module is named as it is
    return ("coverage",) if check == "test" and own_runner_runs(options) else CHECK_MODULES[check]


def _coverage_plugins(options: Options) -> dict[str, str]:
    """The coverage.py plugins the project's configuration names: each module's package, at the version the
    project asks for."""
    settings = read_coverage_settings(options.project, options.environ)
    names = [plugin.split(".")[0] for plugin in settings.plugins] if settings is not None else []
    return {name: pin.requirement if (pin := tool_pin(options.project, name)) else name for name in names}


def _plugins_step(plugins: list[str], python: str, installer: Installer) -> Step:
    # coverage.py imports them to read its configuration at all: without them no test would run, nor combine.
    return Step(f"coverage.py's plugins ({', '.join(plugins)})", (*installer.pip_install(python), *plugins))


def _tools_alone(
    options: Options, tools: list[str], why: str, python: str, installer: Installer, log: IO[str]
) -> InstallResult:
    """Some tools alone, no project: a job that lints needs ruff, one that combines coverage coverage.py."""
    # The module each tool imports as (pytest-xdist's is xdist).
    modules = [next(module for module, package in TOOLS.items() if package == name) for name in tools]
    missing = missing_tools(Environment(Path(python), "the tools' environment"), modules)
    log.write(f"py-ci install: {', '.join(tools)} alone ({why}), with {installer.name}, into {python}\n")
    asked = _asked(options, missing, log)
    steps = [tool_step(missing, python, installer, None, asked)] if missing else []
    plugins = list(_coverage_plugins(options).values()) if "coverage" in tools else []
    if plugins:
        steps.append(_plugins_step(plugins, python, installer))
    for step in steps:
        _run(step, options.workspace, log, dict(options.environ), OVERRIDE)
    return InstallResult(
        "the tools alone", tuple(shlex.join(s.command) for s in steps), tuple(missing), python, "", installer.name
    )


def run(options: Options, console: Console) -> InstallResult:
    log, project, python = console.progress, options.workspace, options.python or sys.executable
    # A path is run from other folders too (the checkout proof runs elsewhere); a bare name stays a name.
    python = str(Path(python).absolute()) if Path(python).parent != Path() else python
    installer = _installer(options, log)
    checks = options.checks.value
    if options.tools:
        return _tools_alone(options, list(options.tools), "as asked", python, installer, log)
    if set(checks) <= PROJECT_FREE and not options.tools_only:
        return _tools_alone(options, ["ruff"], f"{' and '.join(checks)} need no project", python, installer, log)
    if options.nothing_to_run:
        log.write(f"py-ci install: no {options.run_groups} test group in this project: nothing to install\n")
        return InstallResult("nothing to run", (), (), python, "", installer.name)
    if options.resolution == LOWEST_DIRECT and installer.name != "uv":
        raise UsageError("resolution lowest-direct is uv's: pip has none; leave installer: pip out of that leg")
    deps = None if options.tools_only else options.test_dependencies
    env, vcs = ({}, None) if deps is None else vcs_version(options.project)
    env = {**options.environ, **env}
    steps = [] if deps is None else project_steps(deps, python, installer, options.resolution)
    said = "your install command" if deps is None else f"{deps.convention} ({deps.found})"
    log.write(f"py-ci install: {said}, with {installer.name}, into {python}\n" + (f"  {vcs}\n" if vcs else ""))
    fix = f"fix it in {deps.found}, or {OVERRIDE}" if deps is not None else OVERRIDE
    for step in steps:
        _run(step, project, log, env, fix)
    uv_venv = deps is not None and deps.lock and installer.name == "uv"
    venv_python = project / ".venv" / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    target = str(venv_python) if uv_venv else python
    modules = list(dict.fromkeys(module for check in checks for module in _modules(check, options)))
    if "test" in checks and options.parallel.value:
        modules.append("xdist")
    missing = missing_tools(Environment(Path(target), "the project's environment"), modules)
    with tempfile.TemporaryDirectory() as scratch:
        held = _held(target, options, Path(scratch)) if missing else None
        tools = [tool_step(missing, target, installer, held, _asked(options, missing, log))] if missing else []
        # The plugins the coverage configuration names that nothing the project lists installed (covdefaults).
        plugins = _coverage_plugins(options) if "test" in checks else {}
        absent = missing_tools(Environment(Path(target), "the project's environment"), list(plugins)) if plugins else []
        tools += [_plugins_step([plugins[name] for name in absent], target, installer)] if absent else []
        for step in tools:
            _run(step, project, log, env, LOWEST_FIX if options.resolution == LOWEST_DIRECT else OVERRIDE)
    checked = _checked(target, options)
    for name, where in checked:
        log.write(f"  {name} imports from the checkout: {where}\n")
    commands = tuple(shlex.join(step.command) for step in [*steps, *tools])
    notes: tuple[str, ...] = (vcs,) if vcs else ()
    if options.resolution == LOWEST_DIRECT and deps is not None:
        notes += (_lowest_installed(target, options),)
    layout = "your install command" if deps is None else deps.convention
    found = "" if deps is None else deps.found
    return InstallResult(layout, commands, tuple(missing), target, found, installer.name, checked, notes)
