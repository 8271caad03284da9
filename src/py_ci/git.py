"""The git commands py-ci asks for the changed lines of a pull request."""

from __future__ import annotations

import subprocess
from pathlib import Path

from py_ci.errors import InputError

FETCH_FIX = "check out with `fetch-depth: 0` (actions/checkout) or `git fetch origin BASE`, and pass a ref that exists"


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise InputError("git", "is not installed", "install git to compute diff coverage") from None


def repository_root(cwd: Path) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode != 0:
        raise InputError(str(cwd), "is not inside a git repository", "run py-ci in the project's checkout")
    return Path(done.stdout.strip())


def merge_base(ref: str, cwd: Path) -> str:
    """Where HEAD left `ref`: the diff starts there, so a base that moved on changes nothing."""
    done = _git(["merge-base", ref, "HEAD"], cwd)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no common ancestor"])[-1]
        raise InputError(
            f"--diff-base {ref}", f"has no merge base with HEAD ({said}); the clone may be shallow", FETCH_FIX
        )
    return done.stdout.strip()


def diff_since(commit: str, cwd: Path) -> str:
    """Committed, staged and unstaged changes since `commit`, with no context lines (as diff-cover reads them)."""
    args = [
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--find-renames",
        "--unified=0",
        "--src-prefix=a/",
        "--dst-prefix=b/",
    ]
    done = _git([*args, commit, "--"], cwd)
    if done.returncode != 0:
        raise InputError(f"git diff {commit}", done.stderr.strip() or "failed", FETCH_FIX)
    return done.stdout


def default_branch(cwd: Path) -> str:
    """The branch pushes go to: the remote's HEAD, else the branch checked out, else main."""
    remote = _git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd)
    if remote.returncode == 0 and "/" in remote.stdout:
        return remote.stdout.strip().split("/", 1)[1]
    current = _git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd)
    return current.stdout.strip() if current.returncode == 0 and current.stdout.strip() else "main"


def ignore_rules(paths: list[str], cwd: Path, tracked_too: bool = False) -> dict[str, str]:
    """The paths (a folder ends in `/`) git ignores, each with its rule (`.gitignore:3:.*`).

    A tracked file is never ignored, nor a folder holding one, unless `tracked_too` (the rules alone) is asked.
    """
    if not paths:
        return {}
    done = _git(["check-ignore", "--verbose", *(["--no-index"] if tracked_too else []), "--", *paths], cwd)
    rules = {}
    for line in done.stdout.splitlines():
        rule, _, path = line.rpartition("\t")
        # A path that a negated rule (`!.github/`) matches is shown too, and is not ignored.
        if rule and not rule.split(":", 2)[-1].startswith("!"):
            rules[path] = rule
    return rules
