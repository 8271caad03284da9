"""What `py-ci init` did, in words: each file and what it holds, what the next run will say, and what to commit."""

from __future__ import annotations

import shlex

from py_ci.model import Adoption
from py_ci.renderers.markdown import code, escape, table

STATES = {
    "new": "written",
    "updated": "updated",
    "replaced": "replaced (--force)",
    "same": "already so",
    "kept": "left as it was",
}
WRITTEN = ("new", "updated", "replaced")


def _to_commit(adoption: Adoption) -> list[str]:
    return [file.path for file in adoption.files if file.state in WRITTEN]


def _git_add(adoption: Adoption) -> str:
    """The command that commits what init wrote: with -f when a .gitignore would hide one of the files."""
    written = [file for file in adoption.files if file.state in WRITTEN]
    force = ["-f"] if any(file.hidden for file in written) else []
    return shlex.join(["git", "add", *force, *(file.path for file in written)])


def _found(adoption: Adoption) -> list[str]:
    """What init found around the project, and each written file git would not see."""
    hidden = [f"{file.path}: {file.hidden}" for file in adoption.files if file.hidden]
    return [*adoption.said, *hidden]


def adoption_markdown(adoption: Adoption) -> str:
    head = "✅ the next run is green" if adoption.passed else "❌ the next run stays red"
    rows = [[code(file.path), STATES[file.state], escape(file.holds)] for file in adoption.files]
    lines = [f"## py-ci init: {head}", "", *table(["File", "", "What it holds"], "lll", rows), ""]
    lines += [f"- ❌ {escape(note)}" for note in adoption.notes]
    found = _found(adoption)
    if found:
        lines += ["", "Found around the project:", "", *(f"- {escape(line)}" for line in found)]
    if _to_commit(adoption):
        lines += ["", f"Commit them: {code(_git_add(adoption))}"]
    return "\n".join(lines) + "\n"


def adoption_text(adoption: Adoption) -> str:
    lines = [f"{STATES[file.state]:>18}  {file.path}: {file.holds}" for file in adoption.files]
    lines += [f"still red: {note}" for note in adoption.notes]
    lines += [f"found: {line}" for line in _found(adoption)]
    lines.append(
        f"commit them: {_git_add(adoption)}" if _to_commit(adoption) else "nothing to commit: it was all so already"
    )
    verdict = "the next run is green" if adoption.passed else "the next run stays red"
    return "\n".join([*lines, f"py-ci init: {verdict}"]) + "\n"
