"""The `py-ci` command: parses flags, runs one subcommand, maps outcomes to exit statuses."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from py_ci import __version__
from py_ci.errors import PyCIError, UsageError
from py_ci.publication import Publication, publish

EXIT_ERROR = 2
DIFF_BASE_NEEDED = "--diff-fail-under needs --diff-base REF (the branch the change goes into)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line that says what and how to fix, instead of argparse's usage block.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write a percentage such as 85") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is outside 0-100; write a percentage from 0 to 100")
    return value


def _precision(text: str) -> int:
    if not text.isdigit() or int(text) > 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of decimals from 0 to 10")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="py-ci", description="Reports and gates for Python CI: coverage, tests, mypy, ruff.")
    parser.add_argument("--version", action="version", version=f"py-ci {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the machine-readable result on stdout")
    common.add_argument("--summary", type=Path, metavar="PATH", help="append the Markdown summary to PATH")
    common.add_argument("--annotations", action="store_true", help="print workflow-command annotations")
    common.add_argument("--traceback", action="store_true", help="show the traceback of an internal error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    coverage = commands.add_parser(
        "coverage",
        parents=[common],
        help="report and gate a Cobertura coverage report",
        description="Read Cobertura XML (coverage.py, pytest-cov, gcovr, Istanbul), report it and gate it.",
    )
    coverage.add_argument("reports", nargs="*", type=Path, metavar="REPORT", help="default: coverage.xml")
    _add_coverage_gates(coverage.add_argument_group("gates"), diff=True)
    coverage.set_defaults(run=_run_coverage)
    junit = commands.add_parser(
        "junit",
        parents=[common],
        help="report and gate JUnit XML test reports",
        description="Read JUnit XML (pytest xunit1/xunit2, and other producers), report it and gate it.",
    )
    junit.add_argument("reports", nargs="*", type=Path, metavar="REPORT", help="default: report.xml")
    junit.set_defaults(run=_run_junit)
    _add_check(commands, common, "mypy", "errors", "max_errors", "mypy_baseline")
    _add_check(commands, common, "ruff", "violations", "max_violations", "ruff_baseline")
    _add_report(commands, common)
    _add_run(commands, common)
    install = commands.add_parser(
        "install",
        parents=[common],
        help="install the project and its test tools (what the action does by default)",
        description="Detect how the project installs (uv.lock, requirements files, dependency groups or extras "
        "named dev/test, or the project alone), install it, then add ruff, mypy, pytest and pytest-cov if missing.",
    )
    install.add_argument(
        "project", nargs="?", type=Path, default=Path(), metavar="PATH", help="the project (default .)"
    )
    install.add_argument("--python", default=sys.executable, metavar="PYTHON", help="the interpreter to install into")
    install.add_argument("--tools-only", action="store_true", help="only add the missing test tools")
    install.set_defaults(run=_run_install)
    action = commands.add_parser(
        "action",
        parents=[common],
        help="what the composite action runs: py-ci run with the action's inputs from PY_CI_* variables",
    )
    action.add_argument("--python", required=True, metavar="PYTHON", help="the project's interpreter")
    action.add_argument("--output-dir", type=Path, metavar="DIR", help="keep the tools' outputs in DIR")
    action.set_defaults(run=_run_action)
    combine = commands.add_parser(
        "combine",
        parents=[common],
        help="one table, one coverage and one verdict for the legs of a matrix",
        description="Combine the result files of `py-ci report --save` from every leg of a matrix.",
    )
    combine.add_argument(
        "results", nargs="+", type=Path, metavar="RESULT.json|DIR", help="result files, or folders of them"
    )
    combine.add_argument(
        "--coverage-data", type=Path, metavar="DIR", help="run `coverage combine` on the .coverage* files in DIR"
    )
    combine.add_argument(
        "--python", metavar="PYTHON", help="run coverage.py as `PYTHON -m coverage` (default: `coverage` on PATH)"
    )
    combine.add_argument(
        "--coverage-only",
        action="store_true",
        help="gate the combined coverage alone, not the legs' own verdicts (a pipeline's gate job checks those)",
    )
    combine.add_argument(
        "--default-fail-under",
        type=_percent,
        metavar="PCT",
        help="the coverage threshold when no flag, PY_CI_COVERAGE_THRESHOLD or coverage configuration sets one",
    )
    _add_coverage_gates(combine.add_argument_group("gates of the combined coverage"), diff=True)
    combine.set_defaults(run=_run_combine)
    workflow = commands.add_parser(
        "workflow-inputs",
        parents=[common],
        help="check the reusable workflow's inputs (PY_CI_* variables) and write its plan as step outputs",
    )
    workflow.add_argument("--repository", type=Path, default=Path(), metavar="DIR", help="the checked-out repository")
    workflow.set_defaults(run=_run_workflow_inputs)
    return parser


def _run_combine(args: argparse.Namespace) -> Publication:
    from py_ci.commands.combine import collect_results, combine_publication, coverage_combine, merged_coverage
    from py_ci.commands.coverage import read_diff
    from py_ci.config import load_options

    if args.diff_fail_under is not None and args.diff_base is None:
        raise UsageError(DIFF_BASE_NEEDED)
    legs = collect_results(args.results)
    union = (
        coverage_combine(args.coverage_data, Path.cwd(), args.python, [leg.workspace for leg in legs if leg.workspace])
        if args.coverage_data
        else merged_coverage(legs)
    )
    diff = read_diff(union, args.diff_base, Path.cwd()) if args.diff_base and union is not None else None
    options = load_options(Path.cwd(), os.environ, vars(args))
    return combine_publication(legs, options, union, diff=diff, gate_legs=not args.coverage_only)


def _run_workflow_inputs(args: argparse.Namespace) -> Publication:
    from py_ci.commands.workflow_inputs import workflow_inputs_publication

    return workflow_inputs_publication(os.environ, args.repository)


def _add_report(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    report = commands.add_parser(
        "report",
        parents=[common],
        help="one summary, one set of outputs and one exit status for a whole job",
        description="Report tests, mypy, ruff and coverage of one job together, and save a result for combine.",
    )
    inputs = report.add_argument_group("inputs (at least one)")
    inputs.add_argument(
        "--junit", action="append", type=Path, default=[], metavar="FILE", help="JUnit XML (repeatable)"
    )
    inputs.add_argument("--mypy", action="append", default=[], metavar="FILE", help="mypy's output (repeatable)")
    inputs.add_argument(
        "--ruff", action="append", default=[], metavar="FILE", help="ruff's JSON or format text (repeatable)"
    )
    inputs.add_argument(
        "--coverage", action="append", type=Path, default=[], metavar="FILE", help="Cobertura XML (repeatable)"
    )
    report.add_argument("--save", type=Path, metavar="RESULT.json", help="write the result that `py-ci combine` reads")
    report.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="name this leg (repeatable)")
    _add_gate_flags(report)
    report.set_defaults(run=_run_report, write_baseline=None)


def _add_coverage_gates(gates: argparse._ArgumentGroup, diff: bool) -> None:
    """The coverage gate flags, one definition for coverage, report, run and combine."""
    gates.add_argument("--fail-under", type=_percent, metavar="PCT", help="fail when total coverage is below PCT")
    gates.add_argument("--fail-under-file", type=_percent, metavar="PCT", help="fail when any file is below PCT")
    gates.add_argument(
        "--precision", type=_precision, metavar="N", help="decimals the gate compares at (default: coverage's, 0)"
    )
    if diff:
        gates.add_argument("--diff-base", metavar="REF", help="also measure the lines changed since REF's merge base")
        gates.add_argument(
            "--diff-fail-under", type=_percent, metavar="PCT", help="fail when changed lines are below PCT"
        )


def _add_gate_flags(parser: _Parser) -> None:
    gates = parser.add_argument_group("gates")
    _add_coverage_gates(gates, diff=True)
    gates.add_argument("--max-errors", dest="max_errors", type=_count, metavar="N", help="mypy errors allowed")
    gates.add_argument(
        "--max-violations", dest="max_violations", type=_count, metavar="N", help="ruff violations allowed"
    )
    gates.add_argument(
        "--mypy-baseline", dest="mypy_baseline", metavar="FILE", help="count only mypy errors not in FILE"
    )
    gates.add_argument(
        "--ruff-baseline", dest="ruff_baseline", metavar="FILE", help="count only ruff findings not in FILE"
    )


def _add_run(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="the whole pipeline locally: ruff, mypy and pytest with coverage, in parallel, then one report",
        description="Run what the action runs, in the project's own environment, and report it as CI would.",
    )
    run.add_argument("project", nargs="?", type=Path, default=Path(), metavar="PATH", help="the project (default .)")
    run.add_argument("--python", metavar="PYTHON", help="the project's interpreter (default: found, see README)")
    run.add_argument("--checks", metavar="LIST", help="some of lint,format,typecheck,test (default all)")
    run.add_argument("--mypy-targets", metavar="ARGS", help="what mypy checks (default: mypy's `files`, else .)")
    run.add_argument("--mypy-args", metavar="ARGS", help="mypy's flags (default --strict)")
    run.add_argument("--pytest-args", metavar="ARGS", help="extra pytest arguments")
    run.add_argument("--output-dir", type=Path, metavar="DIR", help="keep the tools' outputs in DIR")
    run.add_argument(
        "--services",
        action="store_true",
        help="start throwaway PostgreSQL and Redis (local binaries, free ports) for the tests",
    )
    run.add_argument(
        "--group",
        metavar="NAME",
        help="run one test group alone ([tool.py-ci] test-groups, else unit, integration, e2e), with its services",
    )
    run.add_argument("--save", type=Path, metavar="RESULT.json", help="write the result that `py-ci combine` reads")
    run.add_argument("--label", action="append", default=[], metavar="KEY=VALUE", help="name this run (repeatable)")
    _add_gate_flags(run)
    run.set_defaults(run=_run_run, write_baseline=None)


def _run_run(args: argparse.Namespace) -> Publication:
    from py_ci.commands.run import RunInputs, run_publication

    inputs = RunInputs(
        args.project,
        dict(os.environ),
        vars(args),
        sys.stdin.buffer,
        args.output_dir,
        args.python,
        args.label,
        args.save,
        args.services,
        every_group=True,
    )
    if args.group is not None:
        from py_ci.test_groups import find_group, project_groups

        group = find_group(project_groups(args.project.resolve()), args.group)
        inputs = replace(inputs, group=group, labels=[*inputs.labels, f"group={group.name}"])
    return run_publication(inputs)


def _run_install(args: argparse.Namespace) -> Publication:
    from py_ci.commands.install import install_publication

    return install_publication(args.project, args.python, tools_only=args.tools_only)


# The action's coverage threshold when neither its input nor the project's configuration sets one.
ACTION_DEFAULT_FAIL_UNDER = 80.0


def _run_action(args: argparse.Namespace) -> Publication:
    from py_ci.commands.run import RunInputs, run_publication

    environ = dict(os.environ)
    flags = {**vars(args), "default_fail_under": ACTION_DEFAULT_FAIL_UNDER}
    args.no_annotations = environ.get("PY_CI_ANNOTATIONS", "true").strip().lower() == "false"
    args.no_summary = environ.get("PY_CI_SUMMARY", "true").strip().lower() == "false"
    base = environ.get("PY_CI_BASE_REF", "").strip()
    if base and environ.get("PY_CI_DIFF_COVERAGE_THRESHOLD", "").strip():
        flags["diff_base"] = f"origin/{base}"
    flags["coverage_gate"] = environ.get("PY_CI_GATE_COVERAGE", "true").strip().lower() != "false"
    labels = [label.strip() for label in environ.get("PY_CI_LABEL", "").split(",") if label.strip()]
    # What a later job combines: the result file, beside the tools' outputs and coverage.py's data.
    save = None if args.output_dir is None else args.output_dir / "result.json"
    from py_ci.test_groups import application_from

    inputs = RunInputs(Path(), environ, flags, sys.stdin.buffer, args.output_dir, args.python, labels, save)
    return run_publication(replace(inputs, app=application_from(environ)))


def _run_report(args: argparse.Namespace) -> Publication:
    from py_ci.commands.report import ReportInputs, report_publication

    inputs = ReportInputs(
        args.coverage,
        args.junit,
        args.mypy,
        args.ruff,
        args.label,
        args.save,
        Path.cwd(),
        dict(os.environ),
        vars(args),
        sys.stdin.buffer,
    )
    return report_publication(inputs)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _add_check(
    commands: argparse._SubParsersAction[_Parser], common: _Parser, tool: str, noun: str, limit: str, baseline: str
) -> None:
    helps = {
        "mypy": ("report and gate mypy's output (text or --output json)", "mypy's output; '-' or nothing reads stdin"),
        "ruff": (
            "report and gate `ruff check --output-format json` and `ruff format --check` output",
            "ruff's output; '-' or nothing reads stdin",
        ),
    }
    command = commands.add_parser(tool, parents=[common], help=helps[tool][0], description=helps[tool][0])
    command.add_argument("outputs", nargs="*", metavar="OUTPUT", help=helps[tool][1])
    command.add_argument(
        f"--max-{noun}",
        dest=limit,
        type=_count,
        metavar="N",
        help=f"fail when there are more than N {noun} (default 0)",
    )
    known = command.add_mutually_exclusive_group()
    known.add_argument("--baseline", dest=baseline, metavar="FILE", help=f"count only {noun} not in FILE")
    known.add_argument("--write-baseline", type=Path, metavar="FILE", help=f"accept today's {noun}: write them to FILE")
    command.set_defaults(run=_run_check)


def _run_check(args: argparse.Namespace) -> Publication:
    from py_ci.commands.checks import CheckInputs, mypy_publication, ruff_publication

    inputs = CheckInputs(args.outputs or ["-"], Path.cwd(), dict(os.environ), vars(args), sys.stdin.buffer)
    return mypy_publication(inputs) if args.command == "mypy" else ruff_publication(inputs)


def _run_coverage(args: argparse.Namespace) -> Publication:
    from py_ci.commands.coverage import coverage_publication, read_coverage, read_diff
    from py_ci.config import load_options

    options = load_options(Path.cwd(), os.environ, vars(args))
    report = read_coverage(args.reports or [Path("coverage.xml")], Path.cwd())
    if args.diff_fail_under is not None and args.diff_base is None:
        raise UsageError(DIFF_BASE_NEEDED)
    diff = read_diff(report, args.diff_base, Path.cwd()) if args.diff_base else None
    return coverage_publication(report, options, diff=diff)


def _run_junit(args: argparse.Namespace) -> Publication:
    from py_ci.commands.junit import junit_publication, read_tests

    return junit_publication(read_tests(args.reports or [Path("report.xml")], Path.cwd()), Path.cwd())


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Windows runners default to a code page that cannot print file names or marks.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    traceback = "--traceback" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], Publication] = args.run
        return publish(run(args), args, sys.stdout)
    except PyCIError as error:
        # One line, whatever a library put in the message.
        line = f"py-ci: error: {' '.join(str(error).split())}"
        print(line, file=sys.stderr)
        from py_ci.github import Annotation, Runner

        if Runner.from_environ(os.environ).in_actions:
            # In Actions the line also heads the run's page, not only the step's log.
            print(Annotation("error", line, title="py-ci").command(), flush=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("py-ci: error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:
        if traceback:
            raise
        # A crash must never pass a build: exit 2, and say how to see more.
        print(
            f"py-ci: error: internal error ({type(error).__name__}: {error}); rerun with --traceback and report it",
            file=sys.stderr,
        )
        return EXIT_ERROR
