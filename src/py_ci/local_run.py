"""The checks the action runs, concurrently, in the project's own environment, then one result (`py-ci run`, `init`)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from py_ci.application import AppStart, AppWatch, running_application
from py_ci.check_runs import Progress, mypy_again_in_one_process, run_checks
from py_ci.commands import Console
from py_ci.coverage_data import combine_to_xml
from py_ci.environment import (
    Environment,
    find_environment,
    install_hint,
    missing_tools,
    probe_result,
    start_probe,
)
from py_ci.errors import InputError
from py_ci.files import tool_text
from py_ci.generated_sources import carry
from py_ci.job_result import JobOutputs, job_result, read_tests
from py_ci.model import JobResult, NotRun, Ran
from py_ci.old_ruff import lint_with_an_old_ruff, ruff_too_old
from py_ci.options import APPLICATION_PYTHON_VARIABLE, Options
from py_ci.outcomes import coverage_outcome, pytest_outcome, ruff_outcome, runner_outcome, type_check_outcome
from py_ci.renderers.how_it_ran import runner_said
from py_ci.renderers.markdown import plural
from py_ci.services import postgres, redis
from py_ci.test_groups import GROUP_KINDS
from py_ci.tool_runs import (
    COVERAGE_RUN,
    COVERAGERC,
    Check,
    coverage_config,
    coverage_of,
    data_file_of,
    for_group,
    group_checks,
    junit_of,
    plan,
)

# Where a workflow job's kind of test groups runs, for the note of a job that has none of them.
# Beside a coverage report: the measured files coverage.py could not report, each with why (JSON).
LEFT_OUT = ".left-out.json"
# A group past its timeout-minutes: what happened, and the way out.
STOPPED = "py-ci stopped it at the group's timeout-minutes"
TIMEOUT_FIX = "find the test that hangs (pytest --durations), or raise the group's timeout-minutes"
APP_FIX = "free its port, or run the start command by hand to see why it stopped"
# From this long a suite in one process, a project with pytest-xdist is told of `parallel`.
PARALLEL_HINT_SECONDS = 60.0


@dataclass(frozen=True)
class RunProblems:
    """What went wrong beside the checks' own exits, by check: coverage that could not be reported, an application
    that exited while its tests ran (its start, and what it said)."""

    coverage: dict[str, str] = field(default_factory=dict)
    application: dict[str, tuple[AppStart, AppWatch]] = field(default_factory=dict)


def _checks(options: Options, environment: Environment, out: Path) -> list[Check]:
    """The checks asked for; the tests once per group when there are groups (none when the job's kind has none)."""
    checks = plan(environment, options, out)
    test = next((check for check in checks if check.name == "test"), None)
    if test is None or (not options.groups and options.run_groups is None):
        return checks
    return [check for check in checks if check is not test] + group_checks(test, list(options.groups))


def _not_run(check: Check, options: Options, problems: RunProblems) -> NotRun | None:
    """A tool that did not finish (a crash, a bad call, nothing collected): what happened and its cause."""
    code = check.code if check.code is not None else -1
    output, stderr = tool_text(check.output), tool_text(check.stderr_file)
    if check.name.startswith("test"):
        if check.not_started is not None:
            started = check.not_started
            return NotRun("tests", check.title, "did not start", f"{started.where}: {started.problem}", started.fix)
        if check.name in problems.application:
            app, watch = problems.application[check.name]
            # Whatever answered the tests after it exited was not this application: no count is theirs.
            what = f"ran against an application that {watch.exited}"
            return NotRun("tests", check.title, what, f"`{app.command}` said: {watch.said}", APP_FIX)
        if check.timed_out and check.group is not None:
            within = f"did not finish within {plural(check.group.timeout_minutes or 0, 'minute')}"
            return NotRun("tests", check.title, within, STOPPED, TIMEOUT_FIX)
        junit = junit_of(check)
        report = read_tests([junit], options.workspace, options.input_limit) if junit.is_file() else None
        group = None if check.group is None else check.group.name
        if check.own_runner:
            problem = runner_outcome(check.title, code, report, output)
        else:
            problem = pytest_outcome(check.title, code, report, output, stderr, group)
        if problem is None and not coverage_of(check).is_file():
            return coverage_outcome(check.title, problems.coverage.get(check.name, "coverage.py wrote no data"))
        return problem
    if check.tool:
        return type_check_outcome(check.tool, code, output, stderr)
    gate = "ruff" if check.name == "lint" else "ruff-format"
    return ruff_outcome(check.title, gate, code, output, stderr, lambda said: ruff_too_old(check, gate, said, options))


def _write_coverage(check: Check, environment: Environment, options: Options) -> str | None:
    """The check's coverage report from coverage.py's data and a started application's beside it, and the files it
    leaves out (beside it, LEFT_OUT); what went wrong."""
    data = data_file_of(check)
    files = [
        *sorted(str(path) for path in data.parent.glob(f"{data.name}.*")),
        *([str(data)] if data.is_file() else []),
    ]
    if not files:
        return None
    measurement = options.measurement
    include = None if measurement.py_ci_config else list(measurement.include)
    try:
        left_out = combine_to_xml(
            files,
            options.workspace,
            str(environment.python),
            coverage_of(check),
            [],
            "start the application as `python -m coverage run --parallel-mode ...`",
            check.env.get("COVERAGE_RCFILE"),
            include or None,
            # Parallel pieces alone (each process's, the child processes' too): one data file, as a leg uploads it.
            None if data.is_file() else data,
        )
    except InputError as problem:
        return problem.problem
    coverage_of(check).with_suffix(LEFT_OUT).write_text(json.dumps(left_out), encoding="utf-8")
    return None


def _start_services(
    stack: contextlib.ExitStack, wanted: frozenset[str], environ: dict[str, str], progress: IO[str]
) -> None:
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
) -> AppWatch:
    environment, project, environ = context
    # The project's interpreter first on PATH; coverage.py's data (`coverage run -p`) and settings the tests'.
    app_environ = {
        **environ,
        **check.env,
        "PATH": f"{environment.python.parent}{os.pathsep}{environ.get('PATH', '')}",
        APPLICATION_PYTHON_VARIABLE: str(environment.python),
    }
    progress.write(f"  application: {app.command} (waiting for {app.ready})\n")
    log = for_group(check.output.parent / "application.log", check.group)
    # Not awaited here: its tests start once it answers, the other checks at once.
    watch = stack.enter_context(running_application(app, project, app_environ, log, awaited=False))
    check.after = watch.answered
    return watch


class _Probe:
    """Which of the checks' modules the environment lacks, asked in the background and answered once."""

    def __init__(self, environment: Environment, checks: list[Check]) -> None:
        self.environment = environment
        self.missing: list[str] | None = None
        self.process = start_probe(environment, list(dict.fromkeys(m for check in checks for m in check.modules)))

    def check(self) -> None:
        """An error naming the missing tools and how to install them, before any check's own failure is said."""
        if self.missing is None:
            self.missing = probe_result(self.environment, self.process)
        if self.missing:
            hint = install_hint(self.environment, self.missing)
            raise InputError(self.environment.describe(), f"lacks {', '.join(self.missing)}", hint)


def _run_all(
    checks: list[Check], options: Options, probe: _Probe, environ: dict[str, str], progress: IO[str]
) -> RunProblems:
    """The services, then every check in parallel, a group's tests once its application answers; each test's
    coverage report after."""
    project, environment = options.workspace, probe.environment
    live = progress.isatty() and options.publishing.colour
    tests = [check for check in checks if check.name.startswith("test")]
    with_app = [
        (check, app)
        for check in tests
        if (app := options.app if check.group is None else check.group.application) is not None
    ]
    if options.started_services or with_app:
        probe.check()  # before servers that would start for nothing
    with contextlib.ExitStack() as stack:
        _start_services(stack, options.started_services, environ, progress)
        watches = [
            (check, app, _start_application(stack, app, check, (environment, project, environ), progress))
            for check, app in with_app
        ]
        run_checks(checks, project, environ, Progress(progress, live), probe.check)
    lint_with_an_old_ruff(checks, project, environ)
    mypy_again_in_one_process(checks, project, environ)
    # Each report is coverage.py's own processes: the groups' at once.
    with ThreadPoolExecutor(max_workers=max(1, len(tests))) as pool:
        reports = [(check.name, pool.submit(_write_coverage, check, environment, options)) for check in tests]
    written = {name: report.result() for name, report in reports}
    return RunProblems(
        {name: problem for name, problem in written.items() if problem is not None},
        {check.name: (app, watch) for check, app, watch in watches if watch.exited is not None},
    )


def _type_check_settings(check: Check, options: Options) -> str:
    """Where a type checker's settings came from, and how it ran (mypy's workers, warnings that fail)."""
    chosen = f"type checkers from {options.type_checkers.origin}"
    if check.tool != "mypy":
        warnings = "; its warnings fail the run, as errors do" if check.tool in options.warnings_fail else ""
        return f"the project's {check.tool} configuration, which says what it checks; {chosen}{warnings}"
    said = f"flags from {options.mypy_args.origin}; targets from {options.mypy_targets.origin}; {chosen}"
    if check.workers_crashed:
        return f"{said}; its worker processes crashed (mypy's INTERNAL ERROR), so it checked again in one process"
    if check.env.get("MYPY_NUM_WORKERS") == "auto":
        return f"{said}; in worker processes, one per core, its cache being empty (MYPY_NUM_WORKERS=auto)"
    return said


def _ran(check: Check, options: Options) -> Ran:
    """How a check ran, and where its settings came from."""
    settings = {
        "lint": "the project's ruff configuration",
        "format": "the project's ruff configuration",
        **({check.name: _type_check_settings(check, options)} if check.tool else {}),
    }
    workers = f"; pytest-xdist's workers, from {options.parallel.origin}" if options.parallel.value else ""
    command = options.test_command
    # tox's setenv, or the variables a Makefile exports to its recipes.
    tox = command.found.endswith(" commands")
    given = f"{command.found.removesuffix(' commands')} setenv" if tox else command.found
    env = f"; variables from {given}" if command.env else ""
    children = tool_text(Path(check.env["COVERAGE_RUN_NOTE"])) if "COVERAGE_RUN_NOTE" in check.env else ""
    measured = f"coverage: {options.measurement.origin}{workers}{children and '; ' + children}"
    tests = f"runner: {runner_said(command, check.own_runner)}; {measured}{env}"
    # The launcher that adds the child processes is coverage.py's own `coverage run`, said so.
    words = ["coverage", *check.command[2:]] if check.command[1] == str(COVERAGE_RUN) else check.command[2:]
    return Ran(check.title, shlex.join(words), settings.get(check.name, tests))


def _tests_counted(check: Check, problem: NotRun | None) -> bool:
    """Its tests are reported: they finished, or were interrupted (a collection error is one of them), or only their
    coverage could not be reported, which never takes the tests' results with it; the project's own runner's report
    holds every test it ran, whatever it did after."""
    return junit_of(check).is_file() and (
        problem is None or check.code == 2 or problem.gate == "coverage" or check.own_runner
    )


def _with_left_out(result: JobResult, tests: list[Check]) -> JobResult:
    """The files coverage.py measured and cannot report, named with the coverage they are left out of."""
    named = [json.loads(p.read_text("utf-8")) for c in tests if (p := coverage_of(c).with_suffix(LEFT_OUT)).is_file()]
    left_out = tuple(dict.fromkeys(entry for entries in named for entry in entries))
    if result.coverage is None or not left_out:
        return result
    report = replace(result.coverage.report, left_out=left_out)
    return replace(result, coverage=replace(result.coverage, report=report))


def _result(checks: list[Check], options: Options, console: Console, problems: RunProblems) -> JobResult:
    """The job's result from what the checks left; a check that did not finish is said so, never read as a pass."""
    not_run = {c.name: problem for c in checks if (problem := _not_run(c, options, problems)) is not None}
    done = {check.name: check for check in checks if check.name not in not_run}
    tests = [check for check in checks if check.name.startswith("test")]
    outputs = JobOutputs(
        junit=tuple(junit_of(c) for c in tests if _tests_counted(c, not_run.get(c.name))),
        mypy=(str(done["typecheck"].output),) if "typecheck" in done else (),
        types=tuple(
            (check.tool, str(check.output), str(check.stderr_file))
            for check in checks
            if check.tool not in ("", "mypy") and check.name in done
        ),
        ruff=tuple(str(done[name].output) for name in ("lint", "format") if name in done),
        coverage=tuple(coverage_of(check) for check in tests if check.name in done),
    )
    result = _with_left_out(job_result(outputs, options, console.stdin), tests)
    if result.ruff is not None:
        # A ruff check that did not run is judged by its not-run verdict alone, never passed for reading no output.
        unjudged = {problem.gate for problem in not_run.values()}
        verdicts = tuple(v for v in result.ruff.verdicts if v.gate not in unjudged)
        result = replace(result, ruff=replace(result.ruff, verdicts=verdicts))
    # A workflow job's groups are each a leg of the pipeline: each its own result file, labelled with its name.
    parts = (
        tuple(_group_result(c, options, console, not_run.get(c.name)) for c in tests if c.group is not None)
        if options.run_groups is not None
        else ()
    )
    return replace(
        result, not_run=tuple(not_run.values()), ran=tuple(_ran(check, options) for check in checks), parts=parts
    )


def _group_result(check: Check, options: Options, console: Console, problem: NotRun | None) -> JobResult:
    """One group's tests and coverage, as a result of its own."""
    assert check.group is not None
    junit, coverage = junit_of(check), coverage_of(check)
    outputs = JobOutputs(
        junit=(junit,) if _tests_counted(check, problem) else (),
        coverage=(coverage,) if problem is None and coverage.is_file() else (),
    )
    labelled = replace(options, labels={"group": check.group.name, **options.labels})
    result = _with_left_out(job_result(outputs, labelled, console.stdin), [check])
    return replace(result, not_run=() if problem is None else (problem,), ran=(_ran(check, options),))


def _parallel_hint(result: JobResult, checks: list[Check], options: Options, environment: Environment) -> list[str]:
    """A long suite in one process, where the project has pytest-xdist: said, with the input that uses it; never
    turned on by itself."""
    pytest_ran = any(check.name.startswith("test") and not check.own_runner for check in checks)
    if options.parallel.value or not pytest_ran or result.tests is None:
        return []
    seconds = result.tests.report.duration
    if seconds < PARALLEL_HINT_SECONDS or missing_tools(environment, ["xdist"]):
        return []
    return [
        f"The tests took {seconds:.0f} s in one process, and pytest-xdist is installed: `parallel: true` (the "
        "action's or the workflow's input, or `parallel = true` in [tool.py-ci]) runs them on every core, each "
        "worker measured."
    ]


def run_locally(options: Options, console: Console) -> JobResult:
    progress, project = console.progress, options.workspace
    environment = find_environment(project, options.environ, options.python)
    with tempfile.TemporaryDirectory(prefix="py-ci-") as scratch:
        out = options.output_dir.resolve() if options.output_dir else Path(scratch)
        checks = _checks(options, environment, out)
        if not checks:
            kind = GROUP_KINDS.get(options.run_groups or "", "")
            progress.write(f"py-ci run: no test group of this project runs {kind}: nothing to run here\n")
            note = f"No test group of this project runs {kind}: nothing to run here."
            return JobResult(dict(options.labels), workspace=str(project.resolve()), notes=(note,))
        # The probe runs beside the checks: a missing tool is still named first, at no cost when none is.
        probe = _Probe(environment, checks)
        out.mkdir(parents=True, exist_ok=True)
        if options.measurement.py_ci_config:
            (out / COVERAGERC).write_text(coverage_config(options), encoding="utf-8")
        names = ", ".join(check.title for check in checks)
        progress.write(f"py-ci run: {names} in {project}, with {environment.describe()}\n")
        if any(check.name.startswith("test") for check in checks):
            own = any(check.own_runner for check in checks)
            progress.write(f"  tests: {runner_said(options.test_command, own)}\n")
        environ = {**options.environ, "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "1")}
        try:
            problems = _run_all(checks, options, probe, environ, progress)
        except InputError:
            # A missing tool explains a failed start (no coverage.py, no pytest) better than the start does.
            probe.check()
            raise
        result = _result(checks, options, console, problems)
        result = replace(result, notes=(*result.notes, *_parallel_hint(result, checks, options, environment)))
        if options.output_dir is not None and result.coverage is not None:
            # What the gate job's own checkout will lack, carried with the results it combines.
            carry(result.coverage.report.files, project, out)
        return result
