"""How a project installs itself and its test tools, detected from its files (the action's `install` default)."""

from __future__ import annotations

from py_ci.readers.project_files import ProjectFiles

# The tools the checks need, at the versions py-ci is tested with; installed only where missing.
TOOL_VERSIONS = {"ruff": "0.17.5", "mypy": "2.4.1", "pytest": "9.2.0", "coverage": "7.17.3", "pytest-cov": "7.1.0"}
DEV_NAMES = ("dev", "test", "tests", "testing")
REQUIREMENTS_DEV = ("requirements-dev.txt", "requirements-test.txt", "dev-requirements.txt", "test-requirements.txt")


def install_plan(project: ProjectFiles, python: str) -> tuple[str, list[list[str]]]:
    """(which layout was found, the commands that install the project and its dev dependencies)."""
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check"]
    if project.exists("uv.lock"):
        return "uv.lock", [[*pip, "uv"], [python, "-m", "uv", "sync", "--frozen", "--all-extras", "--all-groups"]]
    if project.exists("requirements.txt"):
        extra = [arg for name in REQUIREMENTS_DEV if project.exists(name) for arg in ("-r", name)]
        return "requirements files", [[*pip, "-r", "requirements.txt", *extra]]
    document = project.pyproject
    if document or project.exists("setup.py"):
        groups = document.get("dependency-groups", {})
        names = [name for name in DEV_NAMES if isinstance(groups, dict) and name in groups]
        if names:
            # pip reads [dependency-groups] from 25.1 on.
            flags = [arg for name in names for arg in ("--group", name)]
            return f"dependency groups {', '.join(names)}", [[*pip, "pip>=25.1"], [*pip, "-e", ".", *flags]]
        project_table = document.get("project", {})
        extras_table = project_table.get("optional-dependencies", {}) if isinstance(project_table, dict) else {}
        extras = [name for name in DEV_NAMES if isinstance(extras_table, dict) and name in extras_table]
        if extras:
            return f"extras {', '.join(extras)}", [[*pip, "-e", f".[{','.join(extras)}]"]]
        return "the project alone", [[*pip, "-e", "."]]
    return "nothing to install", []


def tool_install(python: str, missing: list[str]) -> list[str]:
    return [
        python,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        *(f"{t}=={TOOL_VERSIONS[t]}" for t in missing),
    ]
