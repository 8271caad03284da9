"""The planned checks run: all at once (each after what it waits for), with progress; how each one ended."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from py_ci.errors import InputError
from py_ci.files import tool_text
from py_ci.tool_runs import Check

POLL_SECONDS = 0.02
MINUTE = 60.0  # a group's timeout-minutes, in seconds


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
        running = ", ".join(c.title for c in checks if c.seconds is None and c.not_started is None)
        # Once nothing runs the live line is cleared: what is printed next starts on a clean line.
        self.stream.write(
            f"\r\033[K  running {running} · {time.monotonic() - self.begun:.1f} s" if running else "\r\033[K"
        )
        self.stream.flush()

    def not_started(self, check: Check) -> None:
        prefix = "\r\033[K" if self.live else ""
        self.stream.write(f"{prefix}  ✗ {check.title} did not start: see below\n")
        self.stream.flush()

    def finished(self, check: Check) -> None:
        # Exit 1 is a tool's "found something": judged below, against baselines and limits, not a failure yet.
        mark = {0: "✓", None: "✓", 1: "•"}.get(check.code, "✗")
        said = "found something, judged below" if check.code == 1 else f"exit {check.code}"
        prefix = "\r\033[K" if self.live else ""
        self.stream.write(f"{prefix}  {mark} {check.title} finished in {check.seconds:.1f} s ({said})\n")
        self.stream.flush()


def mypy_again_in_one_process(checks: list[Check], project: Path, environ: Mapping[str, str]) -> None:
    """mypy's workers are experimental: where they crashed (exit 2, "INTERNAL ERROR"; seen once under load on
    Python 3.12), mypy checks again in one process, and its result is that run's. Said in how it ran."""
    for check in checks:
        on_workers = check.tool == "mypy" and check.env.get("MYPY_NUM_WORKERS") == "auto" and check.code == 2
        # mypy says it on stderr (errors.py, report_internal_error); stdout too, in case a release moves it.
        if on_workers and any("INTERNAL ERROR" in tool_text(path) for path in (check.stderr_file, check.output)):
            check.env["MYPY_NUM_WORKERS"] = "0"
            check.workers_crashed = True
            _start(check, project, environ)
            assert check.process is not None
            check.code = check.process.wait()
            check.seconds = (check.seconds or 0.0) + time.monotonic() - check.started


def run_checks(
    checks: list[Check], project: Path, environ: Mapping[str, str], progress: Progress, ready: Callable[[], None]
) -> None:
    """Every check at once, each with an `after` once that says so; `ready` (whether the tools are there) judged
    before any check's end is said. If either raises, the checks started are stopped."""
    waiting = list(checks)
    try:
        _start_those_due(waiting, project, environ, progress)
        ready()
        while waiting:
            _start_those_due(waiting, project, environ, progress)
            for check in list(waiting):
                if check.process is not None and _ended(check):
                    waiting.remove(check)
                    progress.finished(check)
            progress.update(checks)
            if waiting:
                time.sleep(POLL_SECONDS)
    except Exception:
        for check in waiting:
            if check.process is not None:
                check.process.kill()
                check.process.wait()
        raise


def _start_those_due(checks: list[Check], project: Path, environ: Mapping[str, str], progress: Progress) -> None:
    """Those whose `after` says so started; one it raises for never starts, said, and the others go on."""
    for check in list(checks):
        try:
            due = check.process is None and (check.after is None or check.after())
        except InputError as problem:
            check.not_started = problem
            checks.remove(check)
            progress.not_started(check)
            continue
        if due:
            _start(check, project, environ)


def _ended(check: Check) -> bool:
    """Whether the check's process ended (stopped at its group's timeout if it ran past it); its code and time."""
    assert check.process is not None
    limit = check.group.timeout_minutes if check.group is not None else None
    if limit is not None and check.process.poll() is None and time.monotonic() - check.started > limit * MINUTE:
        check.timed_out = True
        check.process.kill()
        check.process.wait()
    if check.process.poll() is None:
        return False
    check.code = check.process.returncode
    check.seconds = time.monotonic() - check.started
    return True
