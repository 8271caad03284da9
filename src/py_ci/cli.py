"""The `py-ci` command: parsers built from the settings table, a registry of subcommands, and `main`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from py_ci import __version__
from py_ci.errors import PyCIError, UsageError, one_line
from py_ci.github import Annotation, Runner

if TYPE_CHECKING:  # the commands' modules and the settings table load only when needed (`--version` needs neither)
    from py_ci.commands import Console
    from py_ci.options import Options
    from py_ci.options.table import Flag
    from py_ci.publication import Publication

EXIT_ERROR = 2


@dataclass(frozen=True)
class Command:
    """A subcommand: what computes it and what renders it, as `module:name`, imported only when it runs."""

    compute: str
    render: str

    def run(self, options: Options, console: Console) -> Publication:
        result = _load(self.compute)(options, console)
        render: Callable[[Any, Options], Publication] = _load(f"py_ci.renderers.publications:{self.render}")
        return render(result, options)


def _load(target: str) -> Callable[..., Any]:
    module, name = target.split(":")
    return cast("Callable[..., Any]", getattr(importlib.import_module(module), name))


COMMANDS: dict[str, Command] = {
    "run": Command("py_ci.commands.run:run", "job_publication"),
    "init": Command("py_ci.commands.init:run", "adoption_publication"),
    "install": Command("py_ci.commands.install:run", "install_publication"),
    "coverage": Command("py_ci.commands.coverage:run", "coverage_publication"),
    "mypy": Command("py_ci.commands.checks:mypy", "check_publication"),
    "ruff": Command("py_ci.commands.checks:ruff", "check_publication"),
    "junit": Command("py_ci.commands.junit:run", "tests_publication"),
    "report": Command("py_ci.commands.report:run", "job_publication"),
    "combine": Command("py_ci.commands.combine:run", "matrix_publication"),
    "action": Command("py_ci.commands.run:run", "job_publication"),
    "workflow-inputs": Command("py_ci.commands.workflow_inputs:run", "plan_publication"),
    "gate": Command("py_ci.commands.gate:run", "gate_publication"),
}
# What the action and the workflow run: they work as any command, and stay out of the list people read.
INTERNAL = ("action", "workflow-inputs", "gate")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line that says what and how to fix, instead of argparse's usage block.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _type(field: str) -> Callable[[str], object]:
    """argparse's conversion through the setting's own parser, so a flag and a variable read alike."""
    from py_ci.options.table import VALUES
    from py_ci.options.values import BadValue

    def convert(text: str) -> object:
        try:
            return VALUES[field].parse(text)
        except BadValue as bad:
            raise argparse.ArgumentTypeError(str(bad)) from None

    return convert


def _add(parser: argparse.ArgumentParser, flag: Flag, groups: dict[str, Any], taken: set[str]) -> None:
    from py_ci.options.table import option_strings

    if flag.kind == "positional":
        parser.add_argument(flag.field, nargs=flag.nargs, type=_type(flag.field), metavar=flag.metavar, help=flag.help)
        return
    # Each group made once: argparse's usage fails on an empty mutually exclusive group (`--help`).
    where: Any = parser
    if flag.section:
        where = groups.get(flag.section) or groups.setdefault(flag.section, parser.add_argument_group(flag.section))
    if flag.exclusive:
        where = groups.get(flag.exclusive) or groups.setdefault(flag.exclusive, where.add_mutually_exclusive_group())
    if flag.kind == "switch":
        where.add_argument(
            *option_strings(flag, taken), dest=flag.field, action="store_true", default=None, help=flag.help
        )
        return
    action = "append" if flag.kind == "append" else "store"
    where.add_argument(
        *option_strings(flag, taken), dest=flag.field, action=action, type=_type(flag.field), metavar=flag.metavar,
        required=flag.required, help=flag.help,
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from py_ci.options.table import ABOUT, COMMON, FLAGS

    parser = _Parser(
        prog="py-ci",
        description="Reports and gates for Python CI: coverage, tests, type checkers, ruff.",
        epilog=f"Run by the action and the reusable workflow: {', '.join(INTERNAL)} (see each one's --help).",
    )
    parser.add_argument("--version", action="version", version=f"py-ci {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        about, description = ABOUT[name]
        if name in INTERNAL:  # argparse lists a command only when it has a help
            sub = subparsers.add_parser(name, description=description or about)
        else:
            sub = subparsers.add_parser(name, help=about, description=description or about)
        groups: dict[str, Any] = {}
        for flag in (flags := (*COMMON, *FLAGS[name])):
            _add(sub, flag, groups, {other.name for other in flags})
    return parser


def _fail(error: PyCIError, json: bool) -> int:
    line = f"py-ci: error: {one_line(error)}"
    print(line, file=sys.stderr)
    if Runner.from_environ(os.environ).in_actions:
        # In Actions the line also heads the run's page, not only the step's log; --json keeps stdout for JSON.
        print(Annotation("error", line, title="py-ci").command(), file=sys.stderr if json else sys.stdout, flush=True)
    return EXIT_ERROR


def _parsed(words: list[str]) -> dict[str, Any]:
    """argparse's reading; what follows `--` goes to pytest, after any --pytest-args (`py-ci run -- -x`)."""
    ahead, rest = (words[: words.index("--")], words[words.index("--") + 1 :]) if "--" in words else (words, [])
    given = vars(build_parser().parse_args(ahead))
    if rest and "pytest_args" not in given:
        raise UsageError(f"py-ci {given['command']} runs no pytest: {' '.join(rest)!r} after -- has nowhere to go")
    if rest:
        given["pytest_args"] = [*(given["pytest_args"] or ()), *rest]
    return given


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Windows runners' code page cannot print file names or marks
        getattr(stream, "reconfigure", lambda **_: None)(encoding="utf-8", errors="backslashreplace")
    words = sys.argv[1:] if argv is None else list(argv)
    traceback, json = "--traceback" in words, "--json" in words
    if words[:1] == ["--version"]:  # answered before the settings table (and the model under it) is imported
        print(f"py-ci {__version__}")
        return 0
    try:
        given = _parsed(words)
        name = given.pop("command")
        from py_ci.commands import Console
        from py_ci.options.build import build_options
        from py_ci.publication import publish

        options = build_options(name, given, os.environ, Path.cwd())
        publication = COMMANDS[name].run(options, Console.standard(options.publishing.verbosity < 0))
        return publish(publication, options.publishing, sys.stdout, sys.stderr)
    except PyCIError as error:
        return _fail(error, json)
    except KeyboardInterrupt:
        print("py-ci: error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:
        if traceback:
            raise
        # A crash must never pass a build: exit 2, and say how to see more.
        crash = f"internal error ({type(error).__name__}: {error}); rerun with --traceback and report it"
        print(f"py-ci: error: {crash}", file=sys.stderr)
        return EXIT_ERROR
