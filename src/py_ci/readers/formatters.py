"""Whether the project lints and formats with black and flake8, which py-ci's ruff check and ruff format stand for."""

from __future__ import annotations

import re

from py_ci.readers.project_files import ProjectFiles

# pre-commit's hook repositories (and hook ids) of each tool.
_HOOKS = {
    "black": re.compile(r"psf/black|id:\s*black(?:-jupyter)?\s*$", re.MULTILINE),
    "flake8": re.compile(r"(?:pycqa|PyCQA)/flake8|id:\s*flake8\s*$", re.MULTILINE),
}
FLAKE8_FILES = (".flake8", "setup.cfg", "tox.ini")


def used_tools(project: ProjectFiles) -> dict[str, str]:
    """black and flake8 where the project configures or runs them: tool -> where (`pyproject.toml [tool.black]`)."""
    found: dict[str, str] = {}
    if project.tool("black") is not None:
        found["black"] = "pyproject.toml [tool.black]"
    for name in FLAKE8_FILES:
        parser = project.ini(name)
        if "flake8" not in found and parser is not None and parser.has_section("flake8"):
            found["flake8"] = f"{name} [flake8]"
    tox = project.ini("tox.ini")
    # A tox environment that runs them (`[testenv:lint] commands = flake8 ...`) counts as using them.
    runs = {name: tox.get(name, "commands", fallback="") for name in tox.sections()} if tox is not None else {}
    for section, commands in runs.items():
        for tool in _HOOKS if section.startswith("testenv") else ():
            if tool not in found and re.search(rf"(?<![\w-]){tool}(?![\w-])", commands):
                found[tool] = f"tox.ini [{section}]"
    hooks = project.text(".pre-commit-config.yaml") or ""
    for tool, pattern in _HOOKS.items():
        if tool not in found and pattern.search(hooks):
            found[tool] = ".pre-commit-config.yaml"
    return dict(sorted(found.items()))
