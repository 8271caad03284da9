"""How a job's checks ran, in words: each command and where its settings came from, and what did not finish."""

from __future__ import annotations

from py_ci.model import NotRun, Ran
from py_ci.readers.test_command import TestCommand
from py_ci.renderers.markdown import code, details, escape, shorten, table

COMMAND_CHARS = 200


def not_run_markdown(problem: NotRun) -> str:
    return (
        f"### ❌ {escape(problem.title)} {escape(problem.what)}\n\n{code(problem.cause)}\n\n{escape(problem.fix)}.\n\n"
    )


def not_run_text(problem: NotRun) -> str:
    return f"{problem.title} {problem.what}: {problem.cause}\n  {problem.fix}\n"


def ran_markdown(ran: tuple[Ran, ...]) -> str:
    if not ran:
        return ""
    rows = [[escape(r.title), code(shorten(r.command, COMMAND_CHARS)), escape(r.settings)] for r in ran]
    return "\n".join(details("How the checks ran", table(["Check", "Command", "Settings from"], "lll", rows))) + "\n\n"


def ran_text(ran: tuple[Ran, ...]) -> str:
    """-v: each check's command and where its settings came from."""
    return "How the checks ran:\n" + "".join(f"  {r.title}: {r.command}\n    settings from {r.settings}\n" for r in ran)


def runner_said(command: TestCommand, own_runner: bool) -> str:
    """Which runner ran the tests and where its command came from; pytest for its features, when it stood in."""
    said = f"{command.title}, from {command.found}" + (f" ({command.line})" if command.line else "")
    if command.own_runner and not own_runner:
        return f"pytest, for its shards, workers or test groups (the project's runner: {said})"
    return said
