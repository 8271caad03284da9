"""The errors py-ci turns into exit statuses; each message says what, where and how to fix it."""

from __future__ import annotations


class PyCIError(Exception):
    """Base of every error py-ci reports as a one-line message."""

    exit_status = 2


def one_line(error: PyCIError) -> str:
    """The message on one line, whatever a library put in it."""
    return " ".join(str(error).split())


class UsageError(PyCIError):
    """A flag, value or combination of them that cannot work."""


class InputError(PyCIError):
    """A report or configuration file that is missing, unreadable, malformed or hostile."""

    def __init__(self, where: str, problem: str, fix: str = "") -> None:
        self.where = where
        self.problem = problem
        self.fix = fix
        message = f"{where}: {problem}" if where else problem
        super().__init__(f"{message}; {fix}" if fix else message)
