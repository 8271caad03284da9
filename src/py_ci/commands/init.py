"""`py-ci init`: adopt py-ci on a green first day: today's coverage is the bar, today's findings the baseline."""

from __future__ import annotations

import math
from pathlib import Path

from py_ci.adoption import toml_value, with_tool_table, workflow_yaml
from py_ci.baseline import render_baseline
from py_ci.commands import Console
from py_ci.git import default_branch
from py_ci.local_run import run_locally
from py_ci.model import AdoptedFile, Adoption, CheckSection, JobResult
from py_ci.options import Options
from py_ci.readers.python_versions import supported_versions
from py_ci.test_groups import SERVICES

WORKFLOW = ".github/workflows/py-ci.yml"
BASELINES = {"mypy": ".py-ci/mypy-baseline.json", "ruff": ".py-ci/ruff-baseline.json"}
SERVICE_TAGS = {"postgres": "16", "redis": "7"}


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


def _baseline(section: CheckSection | None, options: Options) -> tuple[str, str] | None:
    """The tool's baseline of today's findings, where it has any: (file, content)."""
    if section is None:
        return None
    counted = tuple(f for f in section.report.findings if f.severity == "error")
    configured = options.gates.mypy_baseline if section.tool == "mypy" else options.gates.ruff_baseline
    if not counted and configured is None:
        return None
    name = configured.value if configured is not None else BASELINES[section.tool]
    return name, render_baseline(section.tool, counted)


def _notes(job: JobResult) -> list[str]:
    """What stays red after adopting: a baseline accepts findings, never failing tests or a check that cannot run."""
    notes = [f"{problem.title} {problem.what}: {problem.cause}" for problem in job.not_run]
    if job.tests is not None and not job.tests.verdict.passed:
        notes.append(f"the tests fail today ({job.tests.verdict.message}): py-ci init hides no failing test")
    return notes


def run(options: Options, console: Console) -> Adoption:
    job = run_locally(options, console)
    root, force = options.workspace, options.force
    settings, described = _threshold(job, options)
    files: list[AdoptedFile] = []
    for section, key in ((job.mypy, "mypy-baseline"), (job.ruff, "ruff-baseline")):
        baseline = _baseline(section, options)
        if baseline is not None:
            name, text = baseline
            files.append(_planned(root, name, text, f"today's {key.split('-')[0]} findings, accepted", force))
            settings[key] = toml_value(name)
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
    versions = supported_versions(options.project)
    needed = {service for group in options.groups for service in group.services}
    services = {name: SERVICE_TAGS[name] for name in SERVICES if name in needed}
    workflow = workflow_yaml(default_branch(root), versions.versions, services)
    on = f"py-ci's pipeline on Python {', '.join(versions.versions)} (from {versions.origin})"
    files.append(_planned(root, WORKFLOW, workflow, on, force))
    return Adoption(job, tuple(files), tuple(notes))
