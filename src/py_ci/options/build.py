"""The one edge where settings come in: defaults, the project's files, PY_CI_* variables and flags, merged once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from py_ci.errors import InputError, PyCIError, UsageError, one_line
from py_ci.github import Runner
from py_ci.model import Setting
from py_ci.options import DEFAULT_INPUT_LIMIT, PIPELINE_FAIL_UNDER, Gates, Measurement, Options, Publishing
from py_ci.options.table import COMMON, FIELDS, FLAGS, TABLE_KEYS, VALUES, Flag
from py_ci.options.values import MAX_JOBS, BadValue
from py_ci.readers.coverage_config import read_coverage_settings
from py_ci.readers.dependencies import find_test_dependencies, installed_names
from py_ci.readers.layout import Layout, project_layout
from py_ci.readers.mypy_config import read_mypy_settings
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.pytest_config import read_pytest_settings, with_enabler
from py_ci.readers.test_command import TestCommand, find_test_command
from py_ci.readers.type_checkers import configured_checkers, warnings_fail
from py_ci.test_groups import (
    SERVICES,
    TestGroup,
    application,
    declared_groups,
    default_groups,
    find_group,
    parse_groups,
)

DIFF_BASE_NEEDED = "--diff-fail-under needs --diff-base REF (the branch the change goes into)"
DEFAULT_TAGS = {"postgres": "16", "redis": "7"}
# What the tests read to reach each service (the reusable workflow exports them beside its containers).
SERVICE_URLS = {"postgres": "DATABASE_URL", "redis": "REDIS_URL"}
_GATE_NAMES = {item.name for item in fields(Gates)}
_OPTION_NAMES = {item.name for item in fields(Options)} - {"command", "workspace", "project", "environ"}


@dataclass(frozen=True, slots=True)
class _Found:
    value: Any
    origin: str


class _Layers:
    """Where one subcommand's settings may come from, highest priority last."""

    def __init__(
        self, command: str, given: Mapping[str, object], environ: Mapping[str, str], flags: Mapping[str, Flag]
    ) -> None:
        self.command, self.given, self.environ, self.flags = command, given, environ, flags
        self.fields = FIELDS[command] | set(flags)
        self.table: Mapping[str, object] = {}
        self.files: dict[str, _Found] = {}

    def _variable_origin(self, name: str, variable: str) -> str:
        # The workflow's inputs reach it as variables; its users know them by the input's name.
        return f"input {name}" if self.command == "workflow-inputs" else variable

    def find(self, field: str) -> _Found | None:
        """The highest layer that sets `field`, parsed; None when nothing does."""
        spec = VALUES[field]
        found = self.files.get(field)
        if spec.table and spec.name is not None and spec.name in self.table:
            origin = f"pyproject.toml [tool.py-ci] {spec.name}"
            found = _Found(_parsed(spec.parse, self.table[spec.name], origin, InputError), origin)
        variable = spec.variable
        if variable is not None and field in self.fields and self.environ.get(variable, "").strip():
            origin = self._variable_origin(str(spec.name), variable)
            found = _Found(_parsed(spec.parse, self.environ[variable].strip(), origin, UsageError), origin)
        flag = self.flags.get(field)
        if flag is not None:
            given = self.given.get(field)
            if given is not None and given != []:
                found = _Found(tuple(given) if isinstance(given, list) else given, flag.name)
            elif found is None and flag.default is not None:
                found = _Found(flag.default, "default")
        return found

    def value(self, field: str, default: Any = None) -> Any:
        found = self.find(field)
        return default if found is None else found.value


def _parsed(parse: Any, raw: object, origin: str, error: type[InputError] | type[UsageError]) -> object:
    try:
        return parse(raw)
    except BadValue as bad:
        if error is UsageError:
            raise UsageError(f"{origin}: {bad.problem}; {bad.fix}") from None
        raise InputError(origin, bad.problem, bad.fix) from None


def _tool_table(project: ProjectFiles) -> Mapping[str, object]:
    table = project.tool("py-ci") or {}
    unknown = sorted(set(table) - set(TABLE_KEYS))
    if unknown:
        raise InputError(
            "pyproject.toml", f"[tool.py-ci] has unknown key {unknown[0]!r}", f"use one of: {', '.join(TABLE_KEYS)}"
        )
    return table


def _workspace(command: str, layers: _Layers, cwd: Path) -> Path:
    project: Path
    if command in ("run", "install", "init"):
        project = cwd / layers.value("project_path", Path())
        if not project.is_dir():
            raise InputError(str(layers.value("project_path")), "is not a folder", "pass the project's folder")
        return project.resolve()
    if command == "workflow-inputs":
        directory: PurePosixPath = layers.value("working_directory", PurePosixPath("."))
        project = cwd / layers.value("repository", Path()) / directory
        if not project.is_dir():
            raise UsageError(
                f"input working-directory: {str(directory)!r} is not a folder of the repository; "
                "name the project's folder"
            )
        return project
    return cwd


def _file_settings(
    project: ProjectFiles, environ: Mapping[str, str], layout: Layout | None, command: TestCommand | None
) -> dict[str, _Found]:
    """What coverage.py's, pytest's and mypy's own configuration and the maintainers' test command say, as the lowest
    layer above the defaults."""
    found: dict[str, _Found] = {}
    coverage = read_coverage_settings(project, environ)
    if coverage is not None and coverage.fail_under is not None:
        found["fail_under"] = _Found(coverage.fail_under, coverage.origin("fail_under"))
    if coverage is not None and coverage.precision is not None:
        found["precision"] = _Found(coverage.precision, coverage.origin("precision"))
    pytest = read_pytest_settings(project)
    if pytest is not None and pytest.workers is not None:
        # The project runs its tests on pytest-xdist's workers: so do its jobs, each worker measured.
        found["parallel"] = _Found(True, f"{pytest.file} addopts -n {pytest.workers}")
    elif command is not None and (workers := command.workers) is not None:
        found["parallel"] = _Found(True, workers[1])  # the maintainers' own command runs them on workers
    mypy = read_mypy_settings(project)
    if mypy is not None:
        # The project's own strictness: nothing is added over it.
        found["mypy_args"] = _Found((), f"{mypy.file} [{mypy.section}], the project's own mypy configuration")
    else:
        found["mypy_args"] = _Found(("--strict",), "py-ci's default: the project has no mypy configuration")
    if mypy is not None and mypy.files:
        # mypy checks its configured files when given none.
        found["mypy_targets"] = _Found((), mypy.origin("files"))
    elif layout is not None:
        # A PEP 420 namespace package's import name starts above its folder: mypy is told where (MYPYPATH).
        bases = ("--explicit-package-bases",) if layout.namespace_roots() else ()
        found["mypy_targets"] = _Found((*bases, *layout.paths), f"the project's packages, from {layout.origin}")
    return found


def _measurement(
    project: ProjectFiles,
    environ: Mapping[str, str],
    command: TestCommand,
    layout: Layout | None,
    tested: frozenset[str],
) -> Measurement:
    """The project's coverage configuration as it stands; what the maintainers' test command measures (`tested`: what
    its install names, which may add pytest-enabler's arguments); its packages, with branches, where neither says."""
    coverage = read_coverage_settings(project, environ)
    pytest = with_enabler(read_pytest_settings(project), project, tested)
    # What reaches pytest without py-ci: its addopts, and the PYTEST_ADDOPTS the maintainers' command sets.
    added = command.added_options
    addopts = (pytest is not None and pytest.uses_pytest_cov) or added.uses_pytest_cov
    workers = (pytest is not None and pytest.workers is not None) or added.workers is not None
    children = coverage is None or not coverage.patches
    if coverage is not None and coverage.measured is not None:
        return Measurement(
            origin=coverage.measured, pytest_cov_in_addopts=addopts, workers_in_addopts=workers, children=children
        )
    if pytest is not None and pytest.cov_sources:
        origin = f"{pytest.file} addopts --cov"
        include = tuple(f"{path}/*" if "." not in path else path for path in pytest.cov_sources)
        branch = "--cov-branch" in pytest.addopts
        origin += ", with branches" if branch else ""
        return Measurement(pytest.cov_sources, include, False, origin, addopts, workers, children, branch)
    if command.coverage_sources:
        rest = f"; the rest from {coverage.file}" if coverage is not None else ""
        said = f"{command.found}: {', '.join(command.coverage_sources)}" + (
            ", with branches" if command.coverage_branch else ""
        )
        # Its --source names packages or folders: what they hold is the report's, no include narrows it.
        return Measurement(
            command.coverage_sources, (), False, said + rest, addopts, workers, children, command.coverage_branch
        )
    bare_cov = pytest is not None and pytest.cov_everything
    if command.coverage_everything or bare_cov:
        # The maintainers' coverage.py measures with its defaults: `coverage run` naming no source, a bare `--cov`.
        found = command.found if command.coverage_everything else f"{pytest.file if pytest else ''} addopts --cov"
        said = f"{found}: coverage.py's defaults, every file the tests run but the standard library and installed"
        branch = command.coverage_branch or (pytest is not None and "--cov-branch" in pytest.addopts)
        said += " packages" + (", with branches" if branch else "")
        said += f"; the rest from {coverage.file}" if coverage is not None else ""
        omit = coverage.omit if coverage is not None else ()
        return Measurement((), (), False, said, addopts, workers, children, branch, everything=True, omit=omit)
    source = () if layout is None else layout.coverage_source()
    include = () if layout is None else tuple(p if p.endswith(".py") else f"{p}/*" for p in layout.paths)
    where = "everything it runs (no package found)" if layout is None else f"the project's packages ({layout.origin})"
    rest = f"; the rest from {coverage.file}" if coverage is not None else ", with branches"
    return Measurement(source, include, coverage is None, where + rest, addopts, workers, children)


def build_options(command: str, given: Mapping[str, object], environ: Mapping[str, str], cwd: Path) -> Options:
    """Every setting `command` takes, from every source, each combination checked once."""
    flags = {flag.field: flag for flag in (*COMMON, *FLAGS[command])}
    layers = _Layers(command, given, environ, flags)
    workspace = _workspace(command, layers, cwd)
    project = ProjectFiles(workspace)
    if any(VALUES[field].table for field in layers.fields if field in VALUES):
        layers.table = _tool_table(project)
    # One reading of the layout: mypy's targets, coverage.py's source and the install's checkout proof.
    runs = command in ("run", "action", "init", "install")
    wanted = "mypy_targets" in layers.fields or runs
    layout = project_layout(project) if wanted else None
    test_command = find_test_command(project, environ) if runs else None
    if layers.fields & {"fail_under", "precision", "mypy_targets", "parallel"}:
        layers.files = _file_settings(project, environ, layout, test_command)
    if "type_checkers" in layers.fields and (configured := configured_checkers(project)):
        # Only where the checks run: `py-ci coverage` reads no type checker's configuration.
        where = "; ".join(f"{name} in {place}" for name, place in configured)
        layers.files["type_checkers"] = _Found(
            tuple(n for n, _ in configured), f"the project's configuration ({where})"
        )
    resolved: dict[str, Any] = {}
    if test_command is not None:
        resolved["test_command"] = test_command
        resolved["test_dependencies"] = find_test_dependencies(project)
        resolved["layout"] = layout
    if command in ("run", "action", "init"):
        tested = installed_names(project, resolved["test_dependencies"])
        resolved["measurement"] = _measurement(project, environ, resolved["test_command"], layout, tested)
    for field in sorted(layers.fields & (_OPTION_NAMES | _GATE_NAMES)):
        found = layers.find(field)
        if found is not None:
            resolved[field] = Setting(found.value, found.origin) if VALUES[field].origin else found.value
    checkers = resolved.get("type_checkers")
    if isinstance(checkers, Setting):
        resolved["warnings_fail"] = frozenset(tool for tool in checkers.value if warnings_fail(project, tool))
    targets = resolved.get("mypy_targets")
    if layout is not None and isinstance(targets, Setting) and "--explicit-package-bases" in targets.value:
        resolved["mypy_path"] = layout.namespace_roots()
    resolved.update(_labels(layers))
    resolved["publishing"] = _publishing(layers, environ)
    limit = layers.value("input_limit_mb")
    if limit is not None:
        resolved["input_limit"] = replace(DEFAULT_INPUT_LIMIT, size=limit * 1024 * 1024)
    if resolved.get("check_inputs"):
        resolved["workflow_inputs"] = _workflow_inputs(environ, cwd)
    if resolved.get("combine_results") is not None:
        resolved["combined"] = _combined(resolved["combine_results"], resolved.get("durations_out"), environ, cwd)
    gates = Gates(**{name: resolved.pop(name) for name in list(resolved) if name in _GATE_NAMES})
    options = Options(command, workspace, project, environ, gates=gates, **resolved)
    return _RULES.get(command, _no_rule)(options, layers)


def _workflow_inputs(environ: Mapping[str, str], cwd: Path) -> Options | str:
    """The reusable workflow's inputs as `py-ci workflow-inputs` reads them, else the line that says what is wrong:
    the gate judges them beside the jobs, in the process that gives its verdict (one helper start the fewer)."""
    try:
        return build_options("workflow-inputs", {}, environ, cwd)
    except PyCIError as error:
        return one_line(error)


def _combined(results: Path, durations: Path | None, environ: Mapping[str, str], cwd: Path) -> Options | str:
    """`py-ci combine RESULTS --coverage-only` as the project's folder (the input working-directory) reads it, else
    the line that says why it cannot run: the gate's row `coverage` fails with it, and every other row stands."""
    try:
        inputs = _Layers("workflow-inputs", {}, environ, {flag.field: flag for flag in FLAGS["workflow-inputs"]})
        folder = _workspace("workflow-inputs", inputs, cwd)
        given = {"results": [cwd / results], "coverage_only": True, "durations_out": durations and cwd / durations}
        return build_options("combine", given, environ, folder)
    except PyCIError as error:
        return one_line(error)


def _labels(layers: _Layers) -> dict[str, Any]:
    pairs = [*layers.value("label_input", ()), *layers.value("labels", ())]
    return {"labels": dict(pairs)} if "labels" in layers.fields else {}


def _publishing(layers: _Layers, environ: Mapping[str, str]) -> Publishing:
    runner = Runner.from_environ(environ)
    summary = layers.value("summary") or runner.summary_path
    annotations = layers.value("annotations")
    return Publishing(
        json=bool(layers.value("json", False)),
        summary=summary if layers.value("write_summary", True) else None,
        annotations=runner.in_actions if annotations is None else annotations,
        outputs=runner.output_path,
        in_actions=runner.in_actions,
        colour=not environ.get("NO_COLOR"),
        verbosity=(1 if layers.value("verbose") else 0) - (1 if layers.value("quiet") else 0),
    )


def _no_rule(options: Options, layers: _Layers) -> Options:
    return options


def _diff(options: Options, layers: _Layers) -> Options:
    """A changed-lines threshold needs a base: given as a flag, or a pull request's base branch."""
    base_ref = layers.value("base_ref")
    if options.gates.diff_base is None and base_ref and options.gates.diff_fail_under is not None:
        options = replace(options, gates=replace(options.gates, diff_base=f"origin/{base_ref}"))
    if layers.given.get("diff_fail_under") is not None and options.gates.diff_base is None:
        raise UsageError(DIFF_BASE_NEEDED)
    return options


def _default_threshold(options: Options, fallback: float | None) -> Options:
    if options.gates.fail_under is not None or fallback is None:
        return options
    return replace(options, gates=replace(options.gates, fail_under=Setting(float(fallback), "py-ci's default")))


def _report(options: Options, layers: _Layers) -> Options:
    if not (options.coverage_reports or options.junit_reports or options.mypy_outputs or options.ruff_outputs):
        raise UsageError("py-ci report needs at least one of --junit, --mypy, --ruff, --coverage")
    return _diff(options, layers)


def _run(options: Options, layers: _Layers) -> Options:
    """One group alone (--group), else the declared groups when the tests run, else one pytest."""
    options = _diff(options, layers)
    name = layers.value("group")
    if name is not None:
        declared = declared_groups(options.project)
        group = find_group(declared or default_groups(options.workspace, "tests/integration", SERVICES), name)
        checks: Setting[tuple[str, ...]] = Setting(("test",), f"--group {group.name}")
        labels = {**options.labels, "group": group.name}
        options = replace(options, groups=(group,), checks=checks, labels=labels)
    elif "test" in options.checks.value:
        options = replace(options, groups=tuple(declared_groups(options.project) or ()))
    wanted = SERVICES if options.services else [service for group in options.groups for service in group.services]
    return replace(options, started_services=frozenset(wanted))


def _action(options: Options, layers: _Layers) -> Options:
    """`py-ci run` as the action's inputs ask: a leg's gate, its result file, an application to start."""
    options = _diff(options, layers)
    if not options.gates.coverage_gated:
        gates = replace(options.gates, fail_under=None, fail_under_file=None, coverage_gated=False)
        options = replace(options, gates=gates)
    options = _default_threshold(options, PIPELINE_FAIL_UNDER if options.gates.coverage_gated else None)
    # What a later job combines: the result file, beside the tools' outputs and coverage.py's data.
    save = None if options.output_dir is None else options.output_dir / "result.json"
    start = layers.value("start", "")
    app = application(start, layers.value("ready", ""), layers.value("ready_timeout")) if start else None
    return _chosen_groups(replace(options, save=save, app=app), layers, _service_urls(options.environ))


def _service_urls(environ: Mapping[str, str]) -> list[str]:
    """The services a job has, by the addresses its tests read (the workflow sets them beside its containers)."""
    return [name for name in SERVICES if environ.get(SERVICE_URLS[name], "").strip()]


def _chosen_groups(options: Options, layers: _Layers, services: list[str]) -> Options:
    """The project's groups of the kind a workflow job runs (`groups` input), when its tests run at all."""
    kind = layers.value("run_groups")
    if kind is None or "test" not in options.checks.value:
        return options
    every = _project_groups(options, layers, services)
    chosen = [group for group in every if kind == "all" or group.matrix == (kind == "matrix")]
    return replace(options, groups=_served(chosen, services, workflow=False), run_groups=kind)


def _install(options: Options, layers: _Layers) -> Options:
    return _chosen_groups(options, layers, _service_urls(options.environ))


def _combine(options: Options, layers: _Layers) -> Options:
    options = _diff(options, layers)
    fallback = layers.value("default_fail_under")
    return _default_threshold(options, PIPELINE_FAIL_UNDER if options.coverage_only and fallback is None else fallback)


def _project_groups(options: Options, layers: _Layers, services: list[str]) -> list[TestGroup]:
    """The input's groups, else the project's [tool.py-ci] test-groups, else the common layout (whose groups
    beside the services get those there are: the workflow's inputs, or the addresses a job's tests read)."""
    raw = layers.find("test_groups")
    if raw is not None:
        return parse_groups(raw.value, "input test-groups")
    integration = layers.find("integration_tests")
    folder = "" if integration is None or str(integration.value) == "." else str(integration.value)
    return declared_groups(options.project) or default_groups(options.workspace, folder, services)


def _served(groups: Sequence[TestGroup], services: list[str], workflow: bool) -> tuple[TestGroup, ...]:
    """The groups, once every service they need is there."""
    for group in groups:
        for service in group.services:
            if service not in services:
                url = SERVICE_URLS[service]
                lacking = "the input is empty" if workflow else f"{url} is not set"
                raise UsageError(
                    f"input {service}: the test group {group.name!r} needs {service}, and {lacking}; "
                    f'set the input {service} to an image tag, e.g. "{DEFAULT_TAGS[service]}"'
                    + ("" if workflow else f", or {url} to a server of your own")
                )
    return tuple(groups)


def _workflow(options: Options, layers: _Layers) -> Options:
    for name in ("python_versions", "os"):
        if not getattr(options, name):
            spec = VALUES[name]
            _parsed(spec.parse, "", f"input {spec.name}", UsageError)
    legs = len(options.python_versions) * len(options.os) * options.shards + options.lowest_direct
    if legs > MAX_JOBS:
        raise UsageError(
            f"input shards: {len(options.python_versions)} Pythons x {len(options.os)} systems x {options.shards} "
            f"shards{' + 1' if options.lowest_direct else ''} make {legs} test jobs, over GitHub's {MAX_JOBS} a "
            "matrix; fewer shards, Pythons or systems"
        )
    services = [name for name in SERVICES if getattr(options, name)]
    groups = _served(_project_groups(options, layers, services), services, workflow=True)
    for group in groups:
        if group.matrix and group.services:
            raise UsageError(_no_services_in_the_matrix(group.name, group.services[0], options.os))
    return replace(options, groups=groups)


def _no_services_in_the_matrix(group: str, service: str, systems: tuple[str, ...]) -> str:
    """Service containers run in the job beside the services alone (Linux): no matrix leg has them."""
    dockerless = [label for label in systems if not label.startswith("ubuntu-") or label == "ubuntu-slim"]
    where = f", and {', '.join(dockerless)} runners have no Docker to run them" if dockerless else ""
    return (
        f"test group {group!r}: it runs across the matrix and asks for {service}, but only the job beside the "
        f"services has them (once, on ubuntu-latest){where}; "
        f'set "matrix": false for it, or drop "{service}" from its services'
    )


_RULES = {
    "coverage": _diff,
    "report": _report,
    "run": _run,
    "init": _run,
    "action": _action,
    "install": _install,
    "combine": _combine,
    "workflow-inputs": _workflow,
}
