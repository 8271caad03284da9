"""Every setting once: how it parses, which input, variable and `[tool.py-ci]` key set it, and which flags."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from py_ci.options import values as v
from py_ci.test_groups import EXAMPLE as GROUPS_EXAMPLE


@dataclass(frozen=True, slots=True)
class Value:
    """A setting: its parser and, besides flags, where it may be written."""

    parse: v.Parser
    name: str | None = None  # the action's / workflow's input, read from the variable PY_CI_<NAME>
    table: bool = False  # also a key NAME of [tool.py-ci]
    origin: bool = False  # kept with where it came from (a Setting), for the summary to say

    @property
    def variable(self) -> str | None:
        return None if self.name is None else "PY_CI_" + self.name.upper().replace("-", "_")


VALUES: Mapping[str, Value] = {
    # Gates.
    "fail_under": Value(v.threshold, "coverage-threshold", table=True, origin=True),
    "fail_under_file": Value(v.threshold, "coverage-threshold-file", table=True, origin=True),
    "precision": Value(v.precision, "coverage-precision", table=True, origin=True),
    "diff_base": Value(v.text),
    "diff_fail_under": Value(v.threshold, "diff-coverage-threshold", table=True, origin=True),
    "max_errors": Value(v.count, "max-mypy-errors", table=True, origin=True),
    "max_violations": Value(v.count, "max-ruff-violations", table=True, origin=True),
    "mypy_baseline": Value(v.file_path, "mypy-baseline", table=True, origin=True),
    # The other type checkers' baselines: a [tool.py-ci] key each (py-ci init writes them).
    **{
        f"{tool}_baseline": Value(v.file_path, f"{tool}-baseline", table=True, origin=True)
        for tool in v.TYPE_CHECKERS[1:]
    },
    "ruff_baseline": Value(v.file_path, "ruff-baseline", table=True, origin=True),
    "write_baseline": Value(v.path),
    "coverage_gated": Value(v.boolean, "gate-coverage"),
    "default_fail_under": Value(v.percent),
    "base_ref": Value(v.text, "base-ref"),
    # Publishing.
    "json": Value(v.boolean),
    "quiet": Value(v.boolean),
    "verbose": Value(v.boolean),
    "summary": Value(v.path),
    "annotations": Value(v.boolean, "annotations"),
    "write_summary": Value(v.boolean, "summary"),
    "input_limit_mb": Value(v.megabytes, "max-input-mb"),
    # Reports read.
    "coverage_reports": Value(v.path),
    "junit_reports": Value(v.path),
    "mypy_outputs": Value(v.file_path),
    "ruff_outputs": Value(v.file_path),
    "labels": Value(v.label),
    "label_input": Value(v.labels, "label"),
    "save": Value(v.path),
    # The checks of run and action.
    "project_path": Value(v.path),
    "python": Value(v.text),
    "checks": Value(v.checks, "checks", table=True, origin=True),
    "type_checkers": Value(v.type_checkers, "type-checkers", table=True, origin=True),
    "mypy_targets": Value(v.words, "mypy-targets", table=True, origin=True),
    "mypy_args": Value(v.words, "mypy-args", table=True, origin=True),
    "pytest_args": Value(v.words, "pytest-args", table=True, origin=True),
    "parallel": Value(v.boolean, "parallel", table=True, origin=True),
    "shard": Value(v.shard, "shard"),
    "durations": Value(v.path, "durations"),
    "durations_out": Value(v.path),
    "output_dir": Value(v.path),
    "services": Value(v.boolean),
    "group": Value(v.text),
    "start": Value(v.text, "start"),
    "ready": Value(v.text, "ready"),
    "ready_timeout": Value(v.text, "ready-timeout"),
    # Which of the project's test groups a job runs (the reusable workflow's jobs), each its own pytest.
    "run_groups": Value(v.choice("matrix", "single", "all"), "groups"),
    # install, combine.
    "tools_only": Value(v.boolean),
    "installer": Value(v.choice("uv", "pip"), "installer"),
    "resolution": Value(v.choice("highest", "lowest-direct"), "resolution"),
    "tools": Value(v.tool),
    "force": Value(v.boolean),
    "results": Value(v.path),
    "coverage_data": Value(v.path),
    "coverage_only": Value(v.boolean),
    "check_inputs": Value(v.boolean),
    "combine_results": Value(v.path),
    # The reusable workflow's inputs.
    "repository": Value(v.path),
    "python_versions": Value(v.python_versions, "python-versions"),
    "os": Value(v.json_list(v.RUNNER_LABEL, '["ubuntu-latest", "windows-latest"]'), "os"),
    "working_directory": Value(v.inside("services/api"), "working-directory"),
    "postgres": Value(v.image_tag("postgres"), "postgres"),
    "redis": Value(v.image_tag("redis"), "redis"),
    "integration_tests": Value(v.inside("tests/integration"), "integration-tests"),
    "test_groups": Value(v.json_value(GROUPS_EXAMPLE), "test-groups"),
    "timeout_minutes": Value(v.minutes, "timeout-minutes"),
    "shards": Value(v.shards, "shards"),
    "lowest_direct": Value(v.boolean, "lowest-direct"),
    # The gate job's.
    "needs": Value(v.needs, "needs"),
    "unplanned_jobs": Value(v.json_list(v.RUNNER_LABEL, '["group"]', empty=True), "unplanned-jobs"),
    # The outcome of the gate job's own coverage step: the combined coverage is judged beside the jobs.
    "coverage_outcome": Value(v.choice(*v.OUTCOMES), "coverage-outcome"),
    # The outcome of the gate job's check of the workflow's inputs: judged as a job's result too.
    "inputs_outcome": Value(v.choice(*v.OUTCOMES), "inputs-outcome"),
}

# What [tool.py-ci] may hold: the settings written there, and the test groups (read by py_ci.test_groups).
TABLE_KEYS = (*(value.name for value in VALUES.values() if value.table and value.name), "test-groups")

Kind = Literal["value", "switch", "append", "positional"]


@dataclass(frozen=True, slots=True)
class Flag:
    """One command-line argument of a subcommand, and the setting it gives."""

    name: str  # `--fail-under`, or a positional's metavar
    field: str
    help: str
    metavar: str | None = None
    kind: Kind = "value"
    nargs: Literal["?", "*", "+"] | None = None
    default: object = None
    section: str | None = None  # the help's group
    short: str | None = None  # `-q` beside `--quiet`
    exclusive: str | None = None  # flags of one exclusive group share this name
    required: bool = False


COMMON = (
    Flag("--json", "json", "print the machine-readable result on stdout", kind="switch"),
    Flag("--quiet", "quiet", "print the verdicts alone, and no progress", kind="switch", exclusive="say", short="-q"),
    Flag(
        "--verbose",
        "verbose",
        "print every finding and file, and each command run",
        kind="switch",
        exclusive="say",
        short="-v",
    ),
    Flag("--summary", "summary", "append the Markdown summary to PATH", "PATH"),
    Flag("--annotations", "annotations", "print workflow-command annotations", kind="switch"),
    Flag("--traceback", "traceback", "show the traceback of an internal error", kind="switch"),
)
_GATES = "gates"
COVERAGE_GATES = (
    Flag("--fail-under", "fail_under", "fail when total coverage is below PCT", "PCT", section=_GATES),
    Flag("--fail-under-file", "fail_under_file", "fail when any file is below PCT", "PCT", section=_GATES),
    Flag("--precision", "precision", "decimals the gate compares at (default: coverage's, 0)", "N", section=_GATES),
    Flag("--diff-base", "diff_base", "also measure the lines changed since REF's merge base", "REF", section=_GATES),
    Flag("--diff-fail-under", "diff_fail_under", "fail when changed lines are below PCT", "PCT", section=_GATES),
)
JOB_GATES = (
    *COVERAGE_GATES,
    Flag("--max-errors", "max_errors", "mypy errors allowed", "N", section=_GATES),
    Flag("--max-violations", "max_violations", "ruff violations allowed", "N", section=_GATES),
    Flag("--mypy-baseline", "mypy_baseline", "count only mypy errors not in FILE", "FILE", section=_GATES),
    Flag("--ruff-baseline", "ruff_baseline", "count only ruff findings not in FILE", "FILE", section=_GATES),
)
SAVE = Flag("--save", "save", "write the result that `py-ci combine` reads", "RESULT.json")
DURATIONS_OUT = Flag("--durations-out", "durations_out", "write every leg's test durations, merged, to FILE", "FILE")
LABEL = Flag("--label", "labels", "name this run (repeatable)", "KEY=VALUE", kind="append")
PROJECT = Flag(
    "project", "project_path", "the project (default .)", "PATH", kind="positional", nargs="?", default=Path()
)


def _check(tool: str, noun: str, limit: str, baseline: str) -> tuple[Flag, ...]:
    return (
        Flag(
            "outputs",
            f"{tool}_outputs",
            f"{tool}'s output; '-' or nothing reads stdin",
            "OUTPUT",
            "positional",
            "*",
            ("-",),
        ),
        Flag(f"--max-{noun}", limit, f"fail when there are more than N {noun} (default 0)", "N"),
        Flag("--baseline", baseline, f"count only {noun} not in FILE", "FILE", exclusive="baseline"),
        Flag(
            "--write-baseline",
            "write_baseline",
            f"accept today's {noun}: write them to FILE",
            "FILE",
            exclusive="baseline",
        ),
    )


def _reports(field: str, noun: str) -> Flag:
    return Flag(f"--{noun}", field, f"{noun}'s report or output (repeatable)", "FILE", "append", section="inputs")


FLAGS: Mapping[str, tuple[Flag, ...]] = {
    "coverage": (
        Flag(
            "reports", "coverage_reports", "default: coverage.xml", "REPORT", "positional", "*", (Path("coverage.xml"),)
        ),
        *COVERAGE_GATES,
    ),
    "junit": (
        Flag("reports", "junit_reports", "default: report.xml", "REPORT", "positional", "*", (Path("report.xml"),)),
    ),
    "mypy": _check("mypy", "errors", "max_errors", "mypy_baseline"),
    "ruff": _check("ruff", "violations", "max_violations", "ruff_baseline"),
    "report": (
        _reports("junit_reports", "junit"),
        _reports("mypy_outputs", "mypy"),
        _reports("ruff_outputs", "ruff"),
        _reports("coverage_reports", "coverage"),
        SAVE,
        LABEL,
        *JOB_GATES,
    ),
    "run": (
        PROJECT,
        Flag("--python", "python", "the project's interpreter (default: found, see README)", "PYTHON"),
        Flag("--checks", "checks", "some of lint,format,typecheck,test (default all)", "LIST"),
        Flag(
            "--type-checkers",
            "type_checkers",
            "some of mypy,ty,pyrefly,basedpyright,pyright (default: those the project configures, else mypy)",
            "LIST",
        ),
        Flag("--mypy-targets", "mypy_targets", "what mypy checks (default: mypy's `files`, else .)", "ARGS"),
        Flag(
            "--mypy-args",
            "mypy_args",
            "mypy's flags (default: [tool.py-ci] mypy-args, else the project's mypy configuration, else --strict)",
            "ARGS",
        ),
        Flag("--pytest-args", "pytest_args", "extra pytest arguments", "ARGS"),
        Flag("--parallel", "parallel", "tests on pytest-xdist's workers (-n logical), each measured", kind="switch"),
        Flag("--shard", "shard", "run shard K of N of the tests (by --durations, else test by test)", "K/N"),
        Flag("--durations", "durations", "an earlier run's test durations (JSON), to split the shards by", "FILE"),
        Flag("--output-dir", "output_dir", "keep the tools' outputs in DIR", "DIR"),
        Flag("--services", "services", "start throwaway PostgreSQL and Redis for the tests", kind="switch"),
        Flag("--group", "group", "run one test group alone, with its services", "NAME"),
        SAVE,
        LABEL,
        *JOB_GATES,
    ),
    "install": (
        PROJECT,
        Flag("--python", "python", "the interpreter to install into", "PYTHON", default=sys.executable),
        Flag("--tools-only", "tools_only", "only add the missing test tools", kind="switch"),
        Flag("--installer", "installer", "uv (the default) or pip", "NAME"),
        Flag(
            "--resolution", "resolution", "highest (the default) or lowest-direct: the oldest versions allowed", "NAME"
        ),
        Flag(
            "--tool",
            "tools",
            "only this test tool, pinned (repeatable): no project, no checkout to check",
            "NAME",
            kind="append",
        ),
    ),
    "action": (
        Flag("--python", "python", "the project's interpreter", "PYTHON", required=True),
        Flag("--output-dir", "output_dir", "keep the tools' outputs in DIR", "DIR"),
    ),
    "combine": (
        Flag("results", "results", "result files, or folders of them", "RESULT.json|DIR", "positional", "+"),
        DURATIONS_OUT,
        Flag("--coverage-data", "coverage_data", "run `coverage combine` on the .coverage* files in DIR", "DIR"),
        Flag("--python", "python", "run coverage.py as `PYTHON -m coverage` (default: `coverage` on PATH)", "PYTHON"),
        Flag(
            "--coverage-only",
            "coverage_only",
            "the pipeline's coverage job: gate the combined coverage alone (the gate job checks the legs), "
            "at py-ci's default threshold when nothing sets one",
            kind="switch",
        ),
        Flag(
            "--default-fail-under",
            "default_fail_under",
            "the coverage threshold when no flag, variable or coverage configuration sets one",
            "PCT",
        ),
        *COVERAGE_GATES,
    ),
    "init": (
        PROJECT,
        Flag("--python", "python", "the project's interpreter (default: found, see README)", "PYTHON"),
        Flag("--services", "services", "start throwaway PostgreSQL and Redis for the tests", kind="switch"),
        Flag("--force", "force", "replace files and [tool.py-ci] keys that hold something else", kind="switch"),
    ),
    "workflow-inputs": (Flag("--repository", "repository", "the checked-out repository", "DIR", default=Path()),),
    "gate": (
        Flag(
            "--inputs",
            "check_inputs",
            "check the reusable workflow's inputs (PY_CI_<INPUT> variables) here, as workflow-inputs does: "
            "the row `inputs`, and the plan in the summary",
            kind="switch",
        ),
        Flag(
            "--combine",
            "combine_results",
            "combine and gate the coverage of the legs' results in DIR here, as `py-ci combine DIR --coverage-only` "
            "does in the input working-directory: the row `coverage`, the matrix in the summary",
            "DIR",
        ),
        DURATIONS_OUT,
    ),
}

# Each subcommand's line in `py-ci --help`, and the paragraph of its own --help (empty: the line again).
ABOUT: Mapping[str, tuple[str, str]] = {
    "coverage": (
        "report and gate a Cobertura coverage report",
        "Read Cobertura XML (coverage.py, pytest-cov, gcovr, Istanbul), report it and gate it.",
    ),
    "junit": (
        "report and gate JUnit XML test reports",
        "Read JUnit XML (pytest xunit1/xunit2, and other producers), report it and gate it.",
    ),
    "mypy": ("report and gate mypy's output (text or --output json)", ""),
    "ruff": ("report and gate `ruff check --output-format json` and `ruff format --check` output", ""),
    "report": (
        "one summary, one set of outputs and one exit status for a whole job",
        "Report tests, mypy, ruff and coverage of one job together, and save a result for combine.",
    ),
    "run": (
        "the whole pipeline locally: ruff, the type checker and pytest with coverage, in parallel, then one report",
        "Run what the action runs, in the project's own environment, and report it as CI would.",
    ),
    "install": (
        "install the project and its test tools (what the action does by default)",
        "Detect how the project installs (uv.lock, requirements files, dependency groups or extras named "
        "dev/test, or the project alone), install it, then add ruff, its type checker (mypy unless it configures "
        "ty, Pyrefly, basedpyright or Pyright), pytest and pytest-cov if missing.",
    ),
    "action": ("what the composite action runs: py-ci run with the action's inputs from its variables", ""),
    "combine": (
        "one table, one coverage and one verdict for the legs of a matrix",
        "Combine the result files of `py-ci report --save` from every leg of a matrix.",
    ),
    "init": (
        "adopt py-ci: a workflow, today's coverage as the threshold, today's findings as baselines",
        "Run the checks, then write .github/workflows/py-ci.yml calling the reusable workflow, a [tool.py-ci] "
        "table with the coverage threshold at today's coverage (rounded down), and baselines of today's mypy "
        "and ruff findings: the next run is green, and only new problems fail it. Nothing is overwritten "
        "without --force; run twice, it changes nothing.",
    ),
    "workflow-inputs": ("check the reusable workflow's inputs and write its plan as step outputs", ""),
    "gate": ("the reusable workflow's gate: every job's result in, one verdict out", ""),
}

_GATE_FIELDS = {
    "fail_under",
    "fail_under_file",
    "precision",
    "diff_base",
    "diff_fail_under",
    "max_errors",
    "max_violations",
    "mypy_baseline",
    *(f"{tool}_baseline" for tool in v.TYPE_CHECKERS[1:]),
    "ruff_baseline",
    "input_limit_mb",
}
_RUN_FIELDS = {
    "python",
    "checks",
    "type_checkers",
    "mypy_targets",
    "mypy_args",
    "pytest_args",
    "parallel",
    "shard",
    "durations",
    "output_dir",
    "labels",
    "save",
}
# Which test groups a job of the reusable workflow runs, and where they are declared.
_GROUP_FIELDS = {"run_groups", "test_groups", "integration_tests"}
_WORKFLOW_FIELDS = {
    "python_versions",
    "os",
    "working_directory",
    "postgres",
    "redis",
    "integration_tests",
    "test_groups",
    "timeout_minutes",
    "shards",
    "lowest_direct",
    "fail_under",
    "diff_fail_under",
    "mypy_args",
    "pytest_args",
}
# The settings each subcommand reads, beyond its flags: the variables and [tool.py-ci] keys that apply to it.
FIELDS: Mapping[str, frozenset[str]] = {
    "coverage": frozenset(_GATE_FIELDS),
    "junit": frozenset({"input_limit_mb"}),
    "mypy": frozenset(_GATE_FIELDS),
    "ruff": frozenset(_GATE_FIELDS),
    "report": frozenset(_GATE_FIELDS),
    "run": frozenset(_GATE_FIELDS | _RUN_FIELDS),
    "install": frozenset({"installer", "resolution", "checks", "type_checkers", "parallel"} | _GROUP_FIELDS),
    "action": frozenset(
        _GATE_FIELDS
        | _RUN_FIELDS
        | _GROUP_FIELDS
        | {"label_input", "annotations", "write_summary", "coverage_gated", "base_ref", "start", "ready"}
        | {"ready_timeout"}
    ),
    "combine": frozenset(_GATE_FIELDS | {"base_ref"}),
    "init": frozenset(_GATE_FIELDS | _RUN_FIELDS),
    "workflow-inputs": frozenset(_WORKFLOW_FIELDS),
    "gate": frozenset({"needs", "unplanned_jobs", "coverage_outcome", "inputs_outcome", "check_inputs"}),
}


def option_strings(flag: Flag, taken: set[str]) -> tuple[str, ...]:
    """`--fail-under` and, as its alias, the name the setting has in [tool.py-ci] and the action
    (`--coverage-threshold`): one vocabulary wherever a user sets it. `taken` holds the command's own flags."""
    key = VALUES[flag.field].name if flag.field in VALUES else None
    alias = f"--{key}"
    names = (flag.name, alias) if key and alias != flag.name and alias not in taken else (flag.name,)
    return (flag.short, *names) if flag.short else names
