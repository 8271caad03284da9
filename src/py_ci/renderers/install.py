"""The install's section of a job summary: what was found and why, the commands, and where the code imports from."""

from __future__ import annotations

from py_ci.model import InstallResult
from py_ci.renderers.markdown import code, escape


def install_markdown(result: InstallResult) -> str:
    where = f" from {escape(result.found)}" if result.found else ""
    lines = [f"### py-ci install: {escape(result.layout)}{where}", ""]
    lines += [f"- {code(command)}" for command in result.commands] or ["- nothing to install"]
    lines += ["", f"With {escape(result.installer)}, into {code(result.python)}."]
    if result.added_tools:
        lines.append(f"Test tools added: {escape(', '.join(result.added_tools))}.")
    if result.checked:
        lines.append(
            "The checkout is what the tests import: "
            + ", ".join(f"{code(n)} from {code(w)}" for n, w in result.checked)
            + "."
        )
    lines += [escape(note) + "." for note in result.notes]
    return "\n".join(lines) + "\n\n"
