"""The application an end-to-end group tests: started in the background, awaited until it answers, then stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from py_ci.errors import InputError

POLL_SECONDS = 0.2
# SIGINT first: Python runs its exit handlers (coverage.py saves its data) on KeyboardInterrupt, not on SIGTERM.
STOP_SIGNALS = ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0))
KILL_SECONDS = 5.0
STOP_POLL_SECONDS = 0.05


# Started by a parent that ignores SIGINT (a shell script's `&` job, act started so), the application would inherit
# that through exec and never see the first stop signal: its disposition is set back before the shell runs.
_INTERRUPTIBLE = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)


def _through_the_shell(command: str) -> str | list[str]:
    """What Popen runs: the command for the shell, or, where SIGINT is ignored here, a start that un-ignores it."""
    if os.name != "posix" or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        return command
    return [sys.executable, "-I", "-c", _INTERRUPTIBLE, "/bin/sh", "-c", command]


@dataclass(frozen=True)
class AppStart:
    command: str
    ready: str
    timeout: float


@dataclass
class AppWatch:
    """What became of a started application while the tests ran: None while it ran to the end, and its last words;
    `answered` polls, once, whether it answers yet (an error if it stopped first or its time ran out)."""

    answered: Callable[[], bool]
    exited: str | None = None
    said: str = ""


def answers(ready: str) -> bool:
    """Whether the address answers: a URL with any status below 500, or a port that accepts a connection."""
    if ready.startswith(("http://", "https://")):
        import urllib.error  # here: http.client and ssl would double py-ci's start-up for every other command
        import urllib.request

        try:
            # Only http(s) gets here (checked above and by the groups' parser).
            with urllib.request.urlopen(ready, timeout=2) as response:  # noqa: S310
                return int(response.status) < 500
        except urllib.error.HTTPError as error:
            return error.code < 500
        except (urllib.error.URLError, OSError, ValueError):
            return False
    host, _, port = ready.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
            return True
    except OSError:
        return False


def _last_words(log: Path) -> str:
    said = log.read_text(errors="replace").strip().splitlines() if log.is_file() else []
    return said[-1][:300] if said else "nothing"


def answer_poll(
    process: subprocess.Popen[bytes], ready: str, timeout: float, log: Path, where: str, fixes: tuple[str, str]
) -> Callable[[], bool]:
    """Whether `ready` answers yet, asked once per call and remembered once it did; if the process stops first or
    time runs out, an error with its last words."""
    deadline = time.monotonic() + timeout
    answered = False

    def poll() -> bool:
        nonlocal answered
        if answered or (answered := answers(ready)):
            return True
        if process.poll() is not None:
            problem = f"stopped (exit {process.returncode}) before {ready} answered; it said: {_last_words(log)}"
            raise InputError(where, problem, fixes[0])
        if time.monotonic() > deadline:
            problem = f"{ready} did not answer within {timeout:g} s; it said: {_last_words(log)}"
            raise InputError(where, problem, fixes[1])
        return False

    return poll


def await_answer(
    process: subprocess.Popen[bytes], ready: str, timeout: float, log: Path, where: str, fixes: tuple[str, str]
) -> None:
    """Until `ready` answers; if the process stops first or time runs out, an error with its last words."""
    _until(answer_poll(process, ready, timeout, log, where, fixes))


def _until(poll: Callable[[], bool]) -> None:
    while not poll():
        time.sleep(POLL_SECONDS)


def _group_lives(group: int) -> bool:
    """Whether a member of the process group still runs: the shell may be gone while what it started is not."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").is_file():
        return _group_signalable(group)
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # After the command name's closing parenthesis: state, parent, group. Zombies hold no port.
            state, _, member_of = stat.read_text().rpartition(")")[2].split()[:3]
            if int(member_of) == group and state not in "ZX":
                return True
    return False


def _group_signalable(group: int) -> bool:  # pragma: no cover - macOS and the BSDs: no /proc, init reaps orphans
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None or (hasattr(os, "killpg") and _group_lives(process.pid))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Each signal in turn to the shell and what it started, until none of them runs; SIGKILL last."""
    for sent, grace in (*STOP_SIGNALS, (getattr(signal, "SIGKILL", signal.SIGTERM), KILL_SECONDS)):
        if not _running(process):
            break
        with contextlib.suppress(ProcessLookupError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, sent)
            else:  # pragma: no cover - Windows
                process.send_signal(sent)
        deadline = time.monotonic() + grace
        while _running(process) and time.monotonic() < deadline:
            time.sleep(STOP_POLL_SECONDS)
    process.wait()  # reaped already, SIGKILL having come last


@contextlib.contextmanager
def running_application(
    app: AppStart, project: Path, environ: Mapping[str, str], log: Path, *, awaited: bool = True
) -> Iterator[AppWatch]:
    """The start command runs (through the shell, in the project) until the block ends, the block entered once `ready`
    answers (unless not `awaited`: then the watch's `answered` tells); the watch says, after the block, whether it
    exited before the end."""
    command, ready, timeout = app.command, app.ready, app.timeout
    with log.open("wb") as output:
        # The project's own start command, from its own configuration, as its install command is.
        started = _through_the_shell(command)
        process = subprocess.Popen(
            started,
            shell=isinstance(started, str),
            cwd=project,
            env=dict(environ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        fixes = (
            "run the start command by hand to see why",
            "check the start command and ready, or raise ready-timeout",
        )
        watch = AppWatch(answer_poll(process, ready, timeout, log, f"application `{command}`", fixes))
        if awaited:
            _until(watch.answered)
        yield watch
        # Gone before the tests were done: what answered them was not this application (another on its port?).
        if process.poll() is not None:
            watch.exited, watch.said = f"exited (status {process.returncode}) while the tests ran", _last_words(log)
    finally:
        _stop(process)
