"""Every setting of one invocation, decoded once at the edge (`py_ci.options.build`) and read everywhere else.

Rising priority: defaults, the project's files (coverage.py's and mypy's configuration, `[tool.py-ci]`),
`PY_CI_*` variables (the action's and the workflow's inputs), command-line flags. Values that a summary
explains carry their origin (`Setting`). This package is the only code that reads `PY_CI_*`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from py_ci.application import AppStart
from py_ci.files import InputLimit
from py_ci.model import NeededJob, Setting
from py_ci.readers.dependencies import TestDependencies
from py_ci.readers.layout import Layout
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.test_command import DEFAULT as PYTEST_COMMAND
from py_ci.readers.test_command import TestCommand
from py_ci.test_groups import TestGroup

# coverage.py's default, so an unconfigured gate agrees with `coverage report --fail-under`.
DEFAULT_PRECISION = 0
# Percentages are never shown with fewer decimals than this.
MIN_SHOWN_DECIMALS = 2
# The threshold of py-ci's own pipeline (the action, the workflow's coverage job) when nothing sets one.
PIPELINE_FAIL_UNDER = 80.0
DEFAULT_INPUT_LIMIT = InputLimit(1024 * 1024 * 1024, "PY_CI_MAX_INPUT_MB")
# Each default once, named, and shared by every Options (they are immutable).
_CHECKS: Setting[tuple[str, ...]] = Setting(("lint", "format", "typecheck", "test"), "default")
_PRECISION = Setting(DEFAULT_PRECISION, "coverage.py's default")
_NO_FINDINGS = Setting(0, "default")
_MYPY_TARGETS: Setting[tuple[str, ...]] = Setting((".",), "default")
_MYPY_ARGS: Setting[tuple[str, ...]] = Setting(("--strict",), "default")
_MYPY_ALONE: Setting[tuple[str, ...]] = Setting(("mypy",), "py-ci's default: the project configures no type checker")
_PYTEST_ARGS: Setting[tuple[str, ...]] = Setting((), "default")
_SERIAL = Setting(False, "default")
_HERE = PurePosixPath(".")
# The interpreter a started application is told about, beside PATH.
APPLICATION_PYTHON_VARIABLE = "PY_CI_PYTHON"


@dataclass(frozen=True, slots=True)
class Gates:
    """What the gates and the renderers need to know of the user's thresholds and limits."""

    fail_under: Setting[float] | None = None
    fail_under_file: Setting[float] | None = None
    coverage_gated: bool = True  # False in a matrix leg: the combining job gates the union
    precision: Setting[int] = _PRECISION
    max_errors: Setting[int] = _NO_FINDINGS
    max_violations: Setting[int] = _NO_FINDINGS
    diff_base: str | None = None
    diff_fail_under: Setting[float] | None = None
    mypy_baseline: Setting[str] | None = None
    ty_baseline: Setting[str] | None = None
    pyrefly_baseline: Setting[str] | None = None
    basedpyright_baseline: Setting[str] | None = None
    pyright_baseline: Setting[str] | None = None
    ruff_baseline: Setting[str] | None = None
    write_baseline: Path | None = None

    def baseline_of(self, tool: str) -> Setting[str] | None:
        """The baseline a checker's findings are compared with (`mypy-baseline`, `ty-baseline`, ...)."""
        found: Setting[str] | None = getattr(self, f"{tool}_baseline", None)
        return found

    @property
    def shown_decimals(self) -> int:
        """Decimals a percentage is displayed with: the precision, but at least two."""
        return max(self.precision.value, MIN_SHOWN_DECIMALS)


@dataclass(frozen=True, slots=True)
class Measurement:
    """How the tests' coverage is measured (`coverage run -m pytest`, so import-time lines count).

    What the project configures is kept; where it says nothing, py-ci measures its packages, with branches.
    """

    source: tuple[str, ...] = ()  # given to coverage run as --source; () adds none
    include: tuple[str, ...] = ()  # the report's include patterns: the files of `source`
    py_ci_config: bool = False  # the project has no coverage configuration: every part of the run reads py-ci's
    origin: str = "coverage.py's defaults"
    pytest_cov_in_addopts: bool = False  # pytest-cov would measure too: it is told not to (--no-cov)
    workers_in_addopts: bool = False  # the project's addopts start pytest-xdist's workers (-n)
    children: bool = True  # the tests' child processes measured too ([run] patch = subprocess), unless it names patches
    branch: bool = False  # the maintainers' command measures branches (`coverage run --branch`, `--cov-branch`)
    everything: bool = False  # coverage.py's defaults, as the maintainers' `coverage run` names nothing to measure
    omit: tuple[str, ...] = ()  # the project's [run] omit, which py-ci's own --omit must not replace


@dataclass(frozen=True, slots=True)
class Publishing:
    """Where a command's words go: stdout as JSON or text, the step summary, outputs, annotations."""

    json: bool = False
    summary: Path | None = None  # --summary, else $GITHUB_STEP_SUMMARY; None writes none
    annotations: bool = False
    outputs: Path | None = None  # $GITHUB_OUTPUT
    in_actions: bool = False
    colour: bool = True  # NO_COLOR is not set; a terminal is still needed
    verbosity: int = 0  # -q: -1, the verdicts alone and no progress; -v: 1, every finding and file, and each command


@dataclass(frozen=True)
class Options:
    """One invocation's settings. A subcommand reads the fields it takes; the others keep their defaults."""

    command: str
    workspace: Path  # the project's folder: where its files are read and the tools run
    project: ProjectFiles = field(repr=False)
    environ: Mapping[str, str] = field(repr=False)  # handed to the tools py-ci starts
    publishing: Publishing = Publishing()
    gates: Gates = Gates()
    input_limit: InputLimit = DEFAULT_INPUT_LIMIT
    # The reports a reporting subcommand reads.
    coverage_reports: tuple[Path, ...] = ()
    junit_reports: tuple[Path, ...] = ()
    mypy_outputs: tuple[str, ...] = ()
    ruff_outputs: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    save: Path | None = None  # the result file `py-ci combine` reads
    # The checks of `py-ci run` and `py-ci action`.
    python: str | None = None
    checks: Setting[tuple[str, ...]] = _CHECKS
    type_checkers: Setting[tuple[str, ...]] = _MYPY_ALONE  # what the typecheck check runs, each its own tool
    warnings_fail: frozenset[str] = frozenset()  # the checkers configured to fail on warnings: they count as errors
    mypy_targets: Setting[tuple[str, ...]] = _MYPY_TARGETS
    mypy_path: tuple[str, ...] = ()  # MYPYPATH: where a PEP 420 namespace package's import name starts
    mypy_args: Setting[tuple[str, ...]] = _MYPY_ARGS
    pytest_args: Setting[tuple[str, ...]] = _PYTEST_ARGS
    parallel: Setting[bool] = _SERIAL  # pytest-xdist's workers, measured by pytest-cov in each
    shard: tuple[int, int] | None = None  # shard K of N of the tests (py_ci_shard, the plugin)
    durations: Path | None = None  # an earlier run's test durations, that the shards are split by
    output_dir: Path | None = None
    services: bool = False  # --services: both, whatever the groups ask
    started_services: frozenset[str] = frozenset()  # what `py-ci run` starts itself; a workflow job has containers
    groups: tuple[TestGroup, ...] = ()  # test groups, each its own pytest; none: one pytest
    run_groups: str | None = None  # the workflow job's kind of groups (matrix, single, all); None: not asked
    measurement: Measurement = Measurement()
    test_command: TestCommand = PYTEST_COMMAND  # the maintainers' runner, found in the project's files
    test_dependencies: TestDependencies | None = None  # what installs the tests, found in the project's files
    layout: Layout | None = None  # the project's packages or modules, read once (None: none found, or not asked)
    app: AppStart | None = None
    # `py-ci install`, `py-ci init`
    tools_only: bool = False
    installer: str = "uv"  # or pip
    resolution: str = "highest"  # or lowest-direct (uv's): the oldest versions the project's ranges allow
    tools: tuple[str, ...] = ()  # these test tools alone, for a job that runs only them (combining coverage)
    force: bool = False  # init replaces what differs
    # `py-ci combine`
    results: tuple[Path, ...] = ()
    coverage_data: Path | None = None
    coverage_only: bool = False
    durations_out: Path | None = None  # every leg's test durations, merged, for the next run's shards
    # `py-ci workflow-inputs`: the reusable workflow's inputs (its test groups are `groups`)
    python_versions: tuple[str, ...] = ()
    os: tuple[str, ...] = ()
    working_directory: PurePosixPath = _HERE
    postgres: str = ""
    redis: str = ""
    timeout_minutes: int = 30
    shards: int = 1  # legs each Python x OS splits its matrix tests over
    lowest_direct: bool = False  # one leg more, on the oldest versions the project's ranges allow
    # `py-ci gate`: the pipeline's jobs as `needs` tells them, and those its plan left out
    needs: tuple[NeededJob, ...] = ()
    unplanned_jobs: tuple[str, ...] = ()
    coverage_outcome: str = ""  # the combining step's, when the gate job combines the coverage itself
    inputs_outcome: str = ""  # the step's that checks the workflow's inputs, in the gate job
    check_inputs: bool = False  # `--inputs`: the gate checks the workflow's inputs itself, in its own process
    # Those inputs as `py-ci workflow-inputs` reads them, or the one line that says what is wrong with them.
    workflow_inputs: Options | str | None = None
    combine_results: Path | None = None  # `--combine DIR`: the gate combines and gates the coverage itself
    # Its settings as `py-ci combine DIR --coverage-only` reads them in the project's folder, or why it cannot run.
    combined: Options | str | None = None

    @property
    def nothing_to_run(self) -> bool:
        """A workflow job whose kind of test groups the project has none of, and that runs nothing else that needs
        the project (lint and format need ruff alone): it needs no set-up."""
        return self.run_groups is not None and not self.groups and set(self.checks.value) <= {"lint", "format", "test"}
