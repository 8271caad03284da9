"""`py-ci init`: adopt py-ci on a green first day: today's coverage is the bar, today's findings the baseline."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from py_ci.adoption import toml_value, with_tool_table, workflow_yaml
from py_ci.baseline import render_baseline
from py_ci.commands import Console
from py_ci.errors import InputError
from py_ci.git import default_branch, repository_root
from py_ci.local_run import run_locally
from py_ci.model import AdoptedFile, Adoption, CheckSection, JobResult
from py_ci.options import Options
from py_ci.readers.formatters import used_tools
from py_ci.readers.pytest_config import read_pytest_settings
from py_ci.readers.python_versions import admitted, supported_versions
from py_ci.readers.workflows import read_workflows
from py_ci.renderers.adoption import WRITTEN
from py_ci.survey import carried_over, hidden, ruff_for
from py_ci.test_groups import SERVICES

WORKFLOW = ".github/workflows/py-ci.yml"
SERVICE_TAGS = {"postgres": "16", "redis": "7"}
OUTSIDE_GIT_FIX = "run py-ci init in the project's git checkout (`git init` and a first commit make one)"
NO_TESTS_FIX = "add a test (tests/test_*.py) and run py-ci init again"


def _planned(root: Path, name: str, text: str, holds: str, force: bool) -> AdoptedFile:
    path = root / name
    if not path.is_file():
        return AdoptedFile(name, text, "new", holds)
    if path.read_text(encoding="utf-8") == text:
        return AdoptedFile(name, text, "same", holds)
    return AdoptedFile(name, text, "replaced" if force else "kept", holds)


def _threshold(job: JobResult, options: Options) -> tuple[dict[str, str], list[str]]:
    """Today's coverage, rounded down, as the bar, unless a bar the project has is met today."""
    if job.coverage is None:
        return {}, []
    total = job.coverage.report.counts.percent
    today = math.floor(total)
    existing = options.gates.fail_under
    if existing is None:
        return {"coverage-threshold": toml_value(today)}, [f"coverage threshold {today}% (today: {total:.2f}%)"]
    if all(v.passed for v in job.coverage.verdicts if v.gate == "coverage"):
        return {}, [f"coverage threshold {existing.value:g}% from {existing.origin}, met today ({total:.2f}%): kept"]
    said = f"coverage threshold {today}% (today: {total:.2f}%), below {existing.value:g}% from {existing.origin}"
    return {"coverage-threshold": toml_value(today)}, [f"{said}: raise it as coverage grows"]


def _baseline(section: CheckSection, options: Options) -> tuple[str, str] | None:
    """The tool's baseline of today's findings, where it has any: (file, content)."""
    counted = tuple(f for f in section.report.findings if f.severity == "error")
    configured = options.gates.ruff_baseline if section.tool == "ruff" else options.gates.baseline_of(section.tool)
    if not counted and configured is None:
        return None
    name = configured.value if configured is not None else f".py-ci/{section.tool}-baseline.json"
    return name, render_baseline(section.tool, counted)


def _notes(job: JobResult) -> list[str]:
    """What stays red after adopting: a baseline accepts findings, never failing tests or a check that cannot run."""
    notes = [f"{problem.title} {problem.what}: {problem.cause}" for problem in job.not_run if not problem.no_tests]
    if any(problem.no_tests for problem in job.not_run):
        notes.append(
            f"no tests: pytest collected none, and the pipeline's test jobs would fail: {WORKFLOW} not written; "
            + NO_TESTS_FIX
        )
    if job.tests is not None and not job.tests.verdict.passed:
        notes.append(f"the tests fail today ({job.tests.verdict.message}): py-ci init hides no failing test")
    return notes


def _repository(root: Path) -> Path:
    """The checkout's root: init writes files to commit, and reads the default branch and the .gitignore there."""
    try:
        return repository_root(root)
    except InputError:
        raise InputError(str(root), "is not inside a git repository", OUTSIDE_GIT_FIX) from None


def _workflow(options: Options, job: JobResult, repository: Path) -> tuple[AdoptedFile | None, list[str]]:
    """The workflow calling the pipeline, with what the project's own CI tests carried over; none without tests."""
    root = options.workspace
    versions = supported_versions(options.project)
    pytest = read_pytest_settings(options.project)
    doctests = pytest is not None and any(word.startswith("--doctest") for word in pytest.addopts)
    own = read_workflows(repository, skip=frozenset({(root / WORKFLOW).relative_to(repository).as_posix()}))
    metadata = options.project.pyproject.get("project")
    requires = metadata.get("requires-python") if isinstance(metadata, dict) else None
    matrix = carried_over(own, versions.versions, doctests, admitted(requires) if isinstance(requires, str) else None)
    if any(problem.no_tests for problem in job.not_run):
        return None, list(matrix.said)
    needed = {service for group in options.groups for service in group.services}
    services = {name: SERVICE_TAGS[name] for name in SERVICES if name in needed}
    workflow = workflow_yaml(default_branch(root), matrix.versions, services, matrix.runners)
    on = f"py-ci's pipeline on Python {', '.join(matrix.versions)} (from {versions.origin}"
    on += ", and the project's own workflows)" if matrix.versions != versions.versions else ")"
    on += f", on {', '.join(matrix.runners)}" if matrix.runners else ""
    return _planned(root, WORKFLOW, workflow, on, options.force), list(matrix.said)


def run(options: Options, console: Console) -> Adoption:
    root, force = options.workspace, options.force
    repository = _repository(root)
    job = run_locally(options, console)
    settings, described = _threshold(job, options)
    files: list[AdoptedFile] = []
    for section in job.checks:
        baseline = _baseline(section, options)
        if baseline is not None:
            name, text = baseline
            files.append(_planned(root, name, text, f"today's {section.tool} findings, accepted", force))
            settings[f"{section.tool}-baseline"] = toml_value(name)
    pyproject = root / "pyproject.toml"
    before = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    after, _, kept = with_tool_table(before, settings, force)
    notes = _notes(job)
    notes += [f"[tool.py-ci] {key} holds another value: rerun with --force to set it" for key in kept]
    notes += [
        f"{file.path} differs from today's findings: rerun with --force" for file in files if file.state == "kept"
    ]
    holds = "; ".join([*described, *(f"{key} kept as it was (--force sets it)" for key in kept)]) or "nothing new"
    # An edit that keeps all the rest: its keys are added, or replaced where --force says so (`kept` otherwise).
    state = "same" if after == before else ("updated" if before else "new")
    files.append(AdoptedFile("pyproject.toml", after, state, f"[tool.py-ci]: {holds}"))
    workflow, said = _workflow(options, job, repository)
    files += [workflow] if workflow is not None else []
    said += [line for line in [ruff_for(used_tools(options.project), job.ruff)] if line]
    hides = hidden([file.path for file in files if file.state in WRITTEN], root)
    files = [replace(file, hidden=hides.get(file.path, "")) for file in files]
    return Adoption(job, tuple(files), tuple(notes), tuple(said))
