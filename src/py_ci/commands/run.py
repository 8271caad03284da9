"""`py-ci run`: the checks the action runs, concurrently, in the project's own environment, then one report."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from py_ci.application import AppStart, running_application
from py_ci.commands import Console
from py_ci.coverage_data import combine_to_xml
from py_ci.environment import Environment, find_environment, install_hint, probe_result, start_probe
from py_ci.errors import InputError
from py_ci.job_result import JobOutputs, job_result
from py_ci.model import JobResult
from py_ci.options import APPLICATION_PYTHON_VARIABLE, Options
from py_ci.services import postgres, redis
from py_ci.test_groups import SERVICES, TestGroup

POLL_SECONDS = 0.02


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
        "typecheck": Check(
            "typecheck",
            "mypy",
            [*python, "mypy", *options.mypy_args.value, *options.mypy_targets.value],
            out / "mypy.txt",
            ["mypy"],
        ),
        "test": Check(
            "test",
            "pytest",
            [
                *python,
                "pytest",
                "--cov",
                "--cov-branch",
                "--cov-fail-under=0",  # py-ci applies the threshold, to the whole: not pytest-cov, to a part
                f"--cov-report=xml:{out / 'coverage.xml'}",
                f"--junitxml={out / 'junit.xml'}",
                *options.pytest_args.value,
            ],
            out / "pytest.txt",
            ["pytest", "pytest_cov"],
            # coverage.py's data beside the reports: a later job combines it, the application's joins it.
            env={"COVERAGE_FILE": str(out / ".coverage")},
        ),
    }
    return [every[name] for name in options.checks.value]


def for_group(path: Path, group: TestGroup | None) -> Path:
    """A group's own copy of a run's file: junit.xml -> junit-e2e.xml, .coverage -> .coverage-e2e."""
    return path if group is None else path.with_name(f"{path.stem}-{group.name}{path.suffix}")


def _retarget(part: str, group: TestGroup) -> str:
    for flag in ("--cov-report=xml:", "--junitxml="):
        if part.startswith(flag):
            return flag + str(for_group(Path(part.removeprefix(flag)), group))
    return part


def group_checks(test: Check, groups: list[TestGroup]) -> list[Check]:
    """The test check once per group, in parallel: its own selection, reports and coverage.py data file."""
    return [
        Check(
            f"test-{group.name}",
            f"pytest ({group.name})",
            [*(_retarget(part, group) for part in test.command), *group.pytest_args()],
            for_group(test.output, group),
            test.modules,
            env={"COVERAGE_FILE": str(for_group(data_file_of(test), group))},
            group=group,
        )
        for group in groups
    ]


def _start(check: Check, project: Path, environ: Mapping[str, str]) -> None:
    # Both streams go to files: a pipe nobody reads would stall a chatty tool.
    with check.output.open("wb") as stdout, check.stderr_file.open("wb") as stderr:
        check.process = subprocess.Popen(
            check.command,
            cwd=project,
            stdout=stdout,
            stderr=subprocess.STDOUT if check.merge_stderr else stderr,
            env={**environ, **check.env},
        )
    check.started = time.monotonic()


class Progress:
    """Which checks run and which finished: a live line on a terminal, a line per check in a log."""

    def __init__(self, stream: IO[str], live: bool) -> None:
        self.stream, self.live, self.begun = stream, live, time.monotonic()

    def update(self, checks: list[Check]) -> None:
        if not self.live:
            return
        running = ", ".join(c.title for c in checks if c.seconds is None)
        self.stream.write(f"\r\033[K  running {running or 'nothing'} · {time.monotonic() - self.begun:.1f} s")
        self.stream.flush()

    def finished(self, check: Check) -> None:
        mark = "✓" if check.code in (0, None) else "✗"
        prefix = "\r\033[K" if self.live else ""
        self.stream.write(f"{prefix}  {mark} {check.title} finished in {check.seconds:.1f} s (exit {check.code})\n")
        self.stream.flush()


def run_checks(checks: list[Check], project: Path, environ: Mapping[str, str], progress: Progress) -> None:
    for check in checks:
        _start(check, project, environ)
    waiting = list(checks)
    while waiting:
        for check in list(waiting):
            assert check.process is not None
            if check.process.poll() is not None:
                check.code = check.process.returncode
                check.seconds = time.monotonic() - check.started
                waiting.remove(check)
                progress.finished(check)
        progress.update(checks)
        if waiting:
            time.sleep(POLL_SECONDS)


def _failed_to_run(check: Check) -> InputError | None:
    """A tool that crashed or was called wrongly: its own last words, not a parse error of empty output."""
    said = check.stderr_file.read_text("utf-8", "replace").strip().splitlines()
    # The tool's complaint, not its trailing context (pytest ends usage errors with its rootdir).
    complaint = [line for line in said if "error" in line.lower()] or said
    tail = complaint[-1].strip()[:300] if complaint else f"exit {check.code}"
    if check.name.startswith("test") and (check.code in (3, 4) or not junit_of(check).is_file()):
        return InputError(
            check.title, f"did not run the tests (exit {check.code}): {tail}", "run pytest by hand to see why"
        )
    if check.group is not None and "<testcase" not in junit_of(check).read_text(errors="replace"):
        return InputError(
            f"test group {check.group.name!r}", "selected no tests", "check its paths and markers (test-groups)"
        )
    if check.name in ("lint", "format") and check.code == 2 and not check.output.read_bytes().strip():
        return InputError(check.title, f"failed (exit 2): {tail}", "run it by hand to see why")
    if check.name == "typecheck" and not check.output.read_bytes().strip():
        return InputError("mypy", f"printed nothing (exit {check.code}): {tail}", "run mypy by hand to see why")
    return None


def junit_of(check: Check) -> Path:
    return for_group(check.output.parent / "junit.xml", check.group)


def coverage_of(check: Check) -> Path:
    return for_group(check.output.parent / "coverage.xml", check.group)


def data_file_of(check: Check) -> Path:
    return Path(check.env["COVERAGE_FILE"])


def _add_application_coverage(check: Check, environment: Environment, project: Path) -> None:
    """The tests' coverage and the application's (`coverage run -p` beside it) in the check's report."""
    data = data_file_of(check)
    parts = sorted(str(path) for path in data.parent.glob(f"{data.name}.*"))
    if parts:
        files = [*parts, *([str(data)] if data.is_file() else [])]
        fix = "start the application as `python -m coverage run --parallel-mode ...`"
        combine_to_xml(files, project, str(environment.python), coverage_of(check), [], fix)


def _start_services(stack: contextlib.ExitStack, wanted: set[str], environ: dict[str, str], progress: IO[str]) -> None:
    if "postgres" in wanted:
        environ["DATABASE_URL"] = stack.enter_context(postgres())
        progress.write(f"  services: PostgreSQL at {environ['DATABASE_URL']}\n")
    if "redis" in wanted:
        environ["REDIS_URL"] = stack.enter_context(redis())
        progress.write(f"  services: Redis at {environ['REDIS_URL']}\n")


def _start_application(
    stack: contextlib.ExitStack,
    app: AppStart,
    check: Check,
    context: tuple[Environment, Path, dict[str, str]],
    progress: IO[str],
) -> None:
    environment, project, environ = context
    # The project's interpreter first on PATH; coverage.py's data (`coverage run -p`) beside the tests'.
    app_environ = {
        **environ,
        "PATH": f"{environment.python.parent}{os.pathsep}{environ.get('PATH', '')}",
        APPLICATION_PYTHON_VARIABLE: str(environment.python),
        "COVERAGE_FILE": str(data_file_of(check)),
    }
    progress.write(f"  application: {app.command} (waiting for {app.ready})\n")
    log = for_group(check.output.parent / "application.log", check.group)
    stack.enter_context(running_application(app, project, app_environ, log))


def _raise_if_missing(environment: Environment, probe: subprocess.Popen[str]) -> None:
    missing = probe_result(environment, probe)
    if missing:
        raise InputError(environment.describe(), f"lacks {', '.join(missing)}", install_hint(environment, missing))


def _checks(options: Options, environment: Environment, out: Path) -> list[Check]:
    """The checks asked for; the tests once per group when there are groups."""
    checks = plan(environment, options, out)
    if not options.groups:
        return checks
    test = next(check for check in checks if check.name == "test")
    return [check for check in checks if check is not test] + group_checks(test, list(options.groups))


def _run_all(
    checks: list[Check], options: Options, environment: Environment, environ: dict[str, str], progress: IO[str]
) -> None:
    """The services, then the applications, then every check in parallel; the applications' coverage after."""
    project = options.workspace
    wanted = set(SERVICES) if options.services else {s for group in options.groups for s in group.services}
    live = progress.isatty() and options.publishing.colour
    tests = [check for check in checks if check.name.startswith("test")]
    with_app = [
        (check, app)
        for check in tests
        if (app := options.app if check.group is None else check.group.application) is not None
    ]
    with contextlib.ExitStack() as stack:
        _start_services(stack, wanted, environ, progress)
        for check, app in with_app:
            _start_application(stack, app, check, (environment, project, environ), progress)
        run_checks(checks, project, environ, Progress(progress, live))
    for check, _ in with_app:
        if check.code is not None and junit_of(check).is_file():
            _add_application_coverage(check, environment, project)


def run(options: Options, console: Console) -> JobResult:
    progress, project = console.progress, options.workspace
    environment = find_environment(project, options.environ, options.python)
    with tempfile.TemporaryDirectory(prefix="py-ci-") as scratch:
        out = options.output_dir.resolve() if options.output_dir else Path(scratch)
        checks = _checks(options, environment, out)
        # The probe runs beside the checks: a missing tool is still named first, at no cost when none is.
        probe = start_probe(environment, list(dict.fromkeys(m for check in checks for m in check.modules)))
        out.mkdir(parents=True, exist_ok=True)
        names = ", ".join(check.title for check in checks)
        progress.write(f"py-ci run: {names} in {project}, with {environment.describe()}\n")
        environ = {**options.environ, "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "1")}
        try:
            _run_all(checks, options, environment, environ, progress)
        except InputError:
            # A missing tool explains a failed start (no coverage.py, no pytest) better than the start does.
            _raise_if_missing(environment, probe)
            raise
        _raise_if_missing(environment, probe)
        for check in checks:
            if (problem := _failed_to_run(check)) is not None:
                raise problem
        named = {check.name: check for check in checks}
        tests = [check for check in checks if check.name.startswith("test")]
        outputs = JobOutputs(
            junit=tuple(junit_of(check) for check in tests),
            mypy=(str(named["typecheck"].output),) if "typecheck" in named else (),
            ruff=tuple(str(named[name].output) for name in ("lint", "format") if name in named),
            coverage=tuple(coverage_of(check) for check in tests),
        )
        return job_result(outputs, options, console.stdin)
