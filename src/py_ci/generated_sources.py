"""The measured files a leg's install generated (a VCS-versioning plugin's `_version.py`, ignored by git): carried
with the leg's results, and put back where the gate job's own checkout lacks them, so its combine reports them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

# The folder of a leg's results that holds them, by their paths in the project.
CARRIED = "py-ci-sources"


def _ignored(paths: list[str], workspace: Path) -> set[str]:
    """The paths git ignores (none outside a git checkout): generated, never in a checkout."""
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=workspace,
            input="\0".join(paths),
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return set()
    return set(done.stdout.split("\0")) - {""} if done.returncode == 0 else set()


def carry(measured: Iterable[str], workspace: Path, out: Path) -> tuple[str, ...]:
    """Copy the measured files of the project that git ignores into `out`'s CARRIED folder."""
    inside = [path for path in measured if not Path(path).is_absolute() and (workspace / path).is_file()]
    ignored = _ignored(inside, workspace) if inside else set()
    carried = tuple(path for path in inside if path in ignored)
    for path in carried:
        target = out / CARRIED / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workspace / path, target)
    return carried


def put_back(results: Path, workspace: Path) -> tuple[str, ...]:
    """The files the legs carried that this checkout lacks, put back in it; their paths."""
    put: list[str] = []
    for folder in sorted(results.rglob(CARRIED)):
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            path = file.relative_to(folder).as_posix()
            target = workspace / path
            if not target.exists() and target.resolve().is_relative_to(workspace.resolve()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
                put.append(path)
    return tuple(dict.fromkeys(put))
