"""When ty, Pyrefly or basedpyright/Pyright did not finish, from their exit status and their own words.

Each has its own way: ty exits 2 on a bad configuration and 101 on a panic; Pyrefly exits 1 for a fatal
configuration error as for found errors, but prints no JSON; basedpyright ignores a configuration it cannot read
or a bad value in it, checks with its defaults and says so on stderr only.
"""

from __future__ import annotations

from py_ci.model import NotRun

CAUSE_CHARS = 300
# basedpyright's stderr when it dropped the project's configuration and checked with its defaults.
PYRIGHT_CONFIG_IGNORED = ("could not be parsed", 'invalid "', "config file", "unknown config")


def _cause(stderr: str, *marks: str) -> str:
    said = [line.strip() for line in stderr.splitlines() if line.strip()]
    marked = [line for line in said if any(mark in line.lower() for mark in marks)]
    chosen = marked or said
    return chosen[0][:CAUSE_CHARS] if chosen else "it said nothing"


def ty_outcome(code: int, output: str, stderr: str) -> NotRun | None:
    """ty: 0 clean, 1 errors found; 2 a bad configuration or invocation; anything else a crash (101: panic)."""
    if code in (0, 1) and output.strip():
        return None
    what = "did not finish" if code == 2 else "crashed"
    # ty says `Cause:` lines, then the TOML's context, then the reason on its last line.
    said = [line.strip() for line in stderr.splitlines() if line.strip()]
    causes = [line.removeprefix("Cause: ") for line in said if line.startswith("Cause: ")]
    cause = "; ".join([*causes, said[-1]])[:CAUSE_CHARS] if causes else _cause(stderr, "error", "panic")
    return NotRun("ty", "ty", f"{what} (exit {code})", cause, "fix ty's configuration ([tool.ty] or ty.toml)")


def pyrefly_outcome(code: int, output: str, stderr: str) -> NotRun | None:
    """Pyrefly: its JSON on stdout means it checked; without it (exit 1 too) its configuration stopped it."""
    if code in (0, 1) and output.lstrip().startswith("{"):
        return None
    what = "did not finish" if code in (0, 1) else "crashed"
    cause = _cause(stderr, "error", "invalid", "panic")
    return NotRun("pyrefly", "pyrefly", f"{what} (exit {code})", cause, "fix Pyrefly's configuration (pyrefly.toml)")


def pyright_outcome(tool: str, code: int, output: str, stderr: str) -> NotRun | None:
    """basedpyright/Pyright: 0/1 checked; 2 fatal, 3 configuration, 4 bad arguments; a dropped configuration too."""
    ignored = [line for line in stderr.splitlines() if any(m in line.lower() for m in PYRIGHT_CONFIG_IGNORED)]
    if code in (0, 1) and output.strip() and not ignored:
        return None
    what = "crashed" if code not in (0, 1, 2, 3, 4) else "did not finish"
    cause = ignored[0].strip()[:CAUSE_CHARS] if ignored else _cause(stderr, "error")
    return NotRun(tool, tool, f"{what} (exit {code})", cause, f"fix {tool}'s configuration, then it checks as set")
