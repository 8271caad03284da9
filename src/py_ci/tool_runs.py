"""The tools `py-ci run` starts: what each one runs and where its output goes (check_runs.py runs them)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from py_ci.environment import Environment, installed_version
from py_ci.errors import InputError
from py_ci.options import Measurement, Options
from py_ci.readers.mypy_config import read_mypy_settings
from py_ci.test_groups import TestGroup

# py_ci_shard, the pytest plugin that keeps one shard of the tests, and the durations file it writes.
PLUGINS = Path(__file__).parent / "plugins"
DURATIONS = "durations.json"
# `coverage run` that measures the tests' child processes too, and where it says whether it could.
COVERAGE_RUN = PLUGINS / "py_ci_coverage_run.py"
COVERAGE_NOTE = "coverage-run.txt"  # what py-ci's coverage plugins say they did (COVERAGE_RUN_NOTE)
# py-ci's own coverage configuration, for a project that has none: every part of the run reads it.
COVERAGERC = "py-ci.coveragerc"
# The first mypy py-ci runs on worker processes: the one it is tested with.
WORKERS_SINCE = (2, 4)
# Each type checker's check: its title, and the file its output goes to.
TYPE_CHECK_TITLES = {
    "mypy": "mypy",
    "ty": "ty check",
    "pyrefly": "pyrefly check",
    "basedpyright": "basedpyright",
    "pyright": "pyright",
}
TYPE_CHECK_OUTPUTS = {
    "mypy": "mypy.txt",
    "ty": "ty.txt",
    "pyrefly": "pyrefly.json",
    "basedpyright": "basedpyright.json",
    "pyright": "pyright.json",
}


@dataclass
class Check:
    """One tool run: what it runs, where its output goes, and how it went."""

    name: str
    title: str
    command: list[str]
    output: Path
    modules: list[str]
    merge_stderr: bool = False
    env: dict[str, str] = field(default_factory=dict)  # on top of the run's environment
    group: TestGroup | None = None
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    seconds: float | None = None
    code: int | None = None
    timed_out: bool = False  # stopped at its group's timeout-minutes
    own_runner: bool = False  # the project's runner, not pytest: its exit statuses are not pytest's
    tool: str = ""  # a type check's checker (mypy, ty, ...)
    workers_crashed: bool = False  # mypy's workers crashed: it checked again in one process
    after: Callable[[], bool] | None = None  # starts once this says so (its application answers), or raises why not
    not_started: InputError | None = None  # why `after` never let it start

    @property
    def stderr_file(self) -> Path:
        return self.output.with_suffix(".stderr")


def plan(environment: Environment, options: Options, out: Path) -> list[Check]:
    python = [str(environment.python), "-m"]
    every = {
        "lint": Check(
            "lint", "ruff check", [*python, "ruff", "check", "--output-format=json", "."], out / "ruff.json", ["ruff"]
        ),
        "format": Check(
            "format",
            "ruff format --check",
            [*python, "ruff", "format", "--check", "."],
            out / "format.txt",
            ["ruff"],
            merge_stderr=True,
        ),
        "test": _own_runner(python, options, out) if own_runner_runs(options) else _pytest(python, options, out),
    }
    planned: list[Check] = []
    for name in options.checks.value:
        # The type checkers only when they run: mypy's workers are decided by asking its environment.
        planned += _type_checks(environment, options, out) if name == "typecheck" else [every[name]]
    return planned


def _type_checks(environment: Environment, options: Options, out: Path) -> list[Check]:
    """One check per type checker, each as the project configures it, on the project's interpreter, its output in
    the form py-ci reads (mypy's text, ty's concise lines, Pyrefly's and basedpyright's/Pyright's JSON)."""
    python = [str(environment.python), "-m"]
    interpreter = str(environment.python)
    commands = {
        "mypy": [*python, "mypy", *options.mypy_args.value, *options.mypy_targets.value],
        "ty": [*python, "ty", "check", "--output-format", "concise", "--python", interpreter],
        "pyrefly": [*python, "pyrefly", "check", "--output-format", "json", "--python-interpreter-path", interpreter],
        "basedpyright": [*python, "basedpyright", "--outputjson", "--pythonpath", interpreter],
        "pyright": [*python, "pyright", "--outputjson", "--pythonpath", interpreter],
    }
    return [
        Check(
            type_check_name(tool),
            TYPE_CHECK_TITLES[tool],
            commands[tool],
            out / TYPE_CHECK_OUTPUTS[tool],
            [tool],
            env={**_mypy_path(options), **_mypy_workers(environment, options)} if tool == "mypy" else {},
            tool=tool,
        )
        for tool in options.type_checkers.value
    ]


def type_check_name(tool: str) -> str:
    """mypy's check keeps the name `typecheck`; the others are `typecheck-ty`, `typecheck-pyrefly`, ..."""
    return "typecheck" if tool == "mypy" else f"typecheck-{tool}"


def _mypy_workers(environment: Environment, options: Options) -> dict[str, str]:
    """mypy's worker processes, one per core (MYPY_NUM_WORKERS), when its cache is empty: a first run gains, one with
    the cache restored loses (scripts/bench-typecheck). Not when the project or the caller chooses the workers, or
    turns off what they need; not on a mypy older than the one py-ci tests them with (experimental since 2.0)."""
    settings = read_mypy_settings(options.project)
    if "MYPY_NUM_WORKERS" in options.environ or (settings is not None and settings.serial):
        return {}
    cache = options.workspace / (options.environ.get("MYPY_CACHE_DIR") or ".mypy_cache")
    if cache.is_dir() and any(cache.iterdir()):
        return {}
    version = installed_version(environment, "mypy")
    return {"MYPY_NUM_WORKERS": "auto"} if version is not None and version >= WORKERS_SINCE else {}


def _mypy_path(options: Options) -> dict[str, str]:
    if not options.mypy_path:
        return {}
    given = options.environ.get("MYPYPATH", "")
    return {"MYPYPATH": os.pathsep.join([*options.mypy_path, *([given] if given else [])])}


def for_group(path: Path, group: TestGroup | None) -> Path:
    """A group's own copy of a run's file: junit.xml -> junit-e2e.xml, .coverage -> .coverage-e2e."""
    return path if group is None else path.with_name(f"{path.stem}-{group.name}{path.suffix}")


def _retarget(part: str, group: TestGroup) -> str:
    flag = "--junitxml="
    return flag + str(for_group(Path(part.removeprefix(flag)), group)) if part.startswith(flag) else part


def group_checks(test: Check, groups: list[TestGroup]) -> list[Check]:
    """The test check once per group, in parallel: its own selection, reports and coverage.py data file."""
    junit = str(junit_of(test))  # the project's own runner is given its report's path as a word of its own
    return [
        Check(
            f"test-{group.name}",
            f"{test.title} ({group.name})",
            [
                *(
                    str(for_group(Path(part), group)) if part == junit else _retarget(part, group)
                    for part in test.command
                ),
                *group.pytest_args(),
            ],
            for_group(test.output, group),
            test.modules,
            merge_stderr=test.merge_stderr,
            env={**test.env, **_retargeted(test.env, group)},
            group=group,
            own_runner=test.own_runner,
        )
        for group in groups
    ]


def _retargeted(env: dict[str, str], group: TestGroup) -> dict[str, str]:
    """The files a group writes of its own: coverage.py's data, and its shard's durations."""
    files = ("COVERAGE_FILE", "PYTEST_SHARD_DURATIONS_OUT", "COVERAGE_RUN_NOTE")
    return {name: str(for_group(Path(env[name]), group)) for name in files if name in env}


def _pytest(python: list[str], options: Options, out: Path) -> Check:
    """pytest under `coverage run`, so the lines pytest's own start-up imports count, measured once; on
    pytest-xdist's workers, under pytest-cov, which measures each worker and combines them."""
    measurement = options.measurement
    env = _coverage_env(options, out)
    shard = _shard(options, out, env)
    if options.parallel.value:
        return _pytest_on_workers(python, options, out, env, shard)
    source = _coverage_args(measurement)
    # pytest-cov, started by the project's addopts, would measure the same run again over coverage.py's tracer.
    no_cov = ["--no-cov"] if measurement.pytest_cov_in_addopts else []
    # `parallel: false` over the project's own -n: one process, as asked.
    serial = ["-n", "0"] if measurement.workers_in_addopts else []
    coverage = _coverage_run(python, measurement, out, env)
    command = [*coverage, "run", *source, "-m", "pytest", f"--junitxml={out / 'junit.xml'}", *no_cov, *serial, *shard]
    return Check("test", "pytest", [*command, *_args(options)], out / "pytest.txt", ["pytest", "coverage"], env=env)


def _coverage_run(python: list[str], measurement: Measurement, out: Path, env: dict[str, str]) -> list[str]:
    """coverage.py's command: through py-ci's launcher, which adds [run] patch = subprocess, where children count."""
    if not measurement.children:
        return [*python, "coverage"]
    env["COVERAGE_RUN_NOTE"] = str(out / COVERAGE_NOTE)
    return [python[0], str(COVERAGE_RUN)]


def _coverage_args(measurement: Measurement) -> list[str]:
    """`coverage run`'s options: what to measure, unless py-ci's configuration says it; branches, when asked."""
    source = [f"--source={','.join(measurement.source)}"] if measurement.source and not measurement.py_ci_config else []
    # coverage.py's defaults measure every file run outside site-packages: py-ci's own plugins are not the project's.
    omit = [f"--omit={','.join((*measurement.omit, f'{PLUGINS}/*'))}"] if measurement.everything else []
    return [*source, *omit, *(["--branch"] if measurement.branch else [])]


def own_runner_runs(options: Options) -> bool:
    """The project's own runner runs its tests: its command is not pytest's, and nothing asks for pytest's features
    (shards, workers, test groups)."""
    # A group that selects nothing of its own (the common layout's unit group, without other folders) is the whole run.
    whole = all(not group.pytest_args() for group in options.groups)
    return options.test_command.own_runner and options.shard is None and not options.parallel.value and whole


def _coverage_env(options: Options, out: Path) -> dict[str, str]:
    """The test environment's variables (tox's setenv), and where coverage.py's data and settings are."""
    env = {**options.test_command.env, "COVERAGE_FILE": str(out / ".coverage")}
    if options.measurement.py_ci_config:
        env["COVERAGE_RCFILE"] = str(out / COVERAGERC)
    return env


def _on_path(options: Options, env: dict[str, str]) -> None:
    """py-ci's plugins first on the tests' path, before the path the project gives them."""
    path = env.get("PYTHONPATH") or options.environ.get("PYTHONPATH", "")
    if path.split(os.pathsep)[0] != str(PLUGINS):
        env["PYTHONPATH"] = str(PLUGINS) + (os.pathsep + path if path else "")


def _own_runner(python: list[str], options: Options, out: Path) -> Check:
    """The project's runner (unittest, its runtests.py, zope.testrunner) under `coverage run`, each test's result
    written as JUnit by py_ci_unittest, which starts the runner as its maintainers do."""
    measurement, command = options.measurement, options.test_command
    env = _coverage_env(options, out)
    _on_path(options, env)
    source = _coverage_args(measurement)
    coverage = _coverage_run(python, measurement, out, env)
    runner = [*coverage, "run", *source, "-m", "py_ci_unittest", str(out / "junit.xml"), *command.target]
    output = out / "tests.txt"
    return Check("test", command.title, runner, output, ["coverage"], merge_stderr=True, env=env, own_runner=True)


def _args(options: Options) -> list[str]:
    """pytest's arguments: the maintainers' command's (paths, markers) unless test groups select; then the user's."""
    command = options.test_command
    own = command.target if command.runner == "pytest" and not options.groups else ()
    return [*own, *options.pytest_args.value]


def _shard(options: Options, out: Path, env: dict[str, str]) -> list[str]:
    """pytest's arguments and `env`'s variables for one shard of the tests: py_ci_shard, on the tests' path."""
    if options.shard is None:
        return []
    _on_path(options, env)
    env["PYTEST_SHARD"] = "/".join(map(str, options.shard))
    env["PYTEST_SHARD_DURATIONS_OUT"] = str(out / DURATIONS)
    if options.durations is not None:
        env["PYTEST_SHARD_DURATIONS"] = str(options.durations.resolve())
    return ["-p", "py_ci_shard"]


def _pytest_on_workers(python: list[str], options: Options, out: Path, env: dict[str, str], shard: list[str]) -> Check:
    measurement = options.measurement
    if measurement.pytest_cov_in_addopts:
        cov = []  # the project's addopts say what to measure
    elif measurement.py_ci_config:
        cov = [f"--cov-config={out / COVERAGERC}", "--cov"]
    else:
        cov = [f"--cov={source}" for source in measurement.source] or ["--cov"]
        cov += ["--cov-branch"] if measurement.branch else []
    # No report and no threshold of pytest-cov's: py-ci reads the data and the gate job judges the union.
    cov += ["--cov-report=", "--cov-fail-under=0"]
    workers = [] if measurement.workers_in_addopts else ["-n", "logical"]
    # The sys.monitoring core where it measures the same lines, as py_ci_coverage_run gives `coverage run` it.
    _on_path(options, env)
    env["COVERAGE_RUN_NOTE"] = str(out / COVERAGE_NOTE)
    command = [*python, "pytest", f"--junitxml={out / 'junit.xml'}", *cov, *workers, *shard, "-p", "py_ci_sysmon"]
    modules = ["pytest", "coverage", "pytest_cov", "xdist"]
    return Check("test", "pytest", [*command, *_args(options)], out / "pytest.txt", modules, env=env)


def coverage_config(options: Options) -> str:
    """py-ci's coverage configuration: the project's packages, with branches."""
    source = "".join(f"\n    {path}" for path in options.measurement.source)
    return "[run]\nbranch = True\n" + (f"source ={source}\n" if source else "")


def junit_of(check: Check) -> Path:
    return for_group(check.output.parent / "junit.xml", check.group)


def coverage_of(check: Check) -> Path:
    return for_group(check.output.parent / "coverage.xml", check.group)


def data_file_of(check: Check) -> Path:
    return Path(check.env["COVERAGE_FILE"])
