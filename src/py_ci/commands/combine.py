"""`py-ci combine`: the legs of a matrix in one table, failures across legs, coverage of the union, one verdict."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from py_ci.commands.coverage import diff_sections
from py_ci.config import Options
from py_ci.errors import InputError, UsageError
from py_ci.gates import Verdict, coverage_verdicts, display_percent
from py_ci.model import CoverageReport, DiffCoverage, Leg
from py_ci.paths import relocate
from py_ci.publication import Publication
from py_ci.readers.cobertura import read_cobertura
from py_ci.readers.result_file import is_result_file, read_result
from py_ci.renderers.annotations import coverage_annotations
from py_ci.renderers.coverage_summary import coverage_markdown
from py_ci.renderers.markdown import Budget, escape, number, plural, summary_budget, table
from py_ci.renderers.results import coverage_json, coverage_outputs
from py_ci.renderers.terminal import coverage_text

# A leg's own coverage is partial in a matrix: only the union is gated.
COVERAGE_GATES = frozenset({"coverage", "coverage-file"})


def collect_results(paths: list[Path]) -> list[Leg]:
    """Result files named, and those found below folders named, read as legs."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file() and is_result_file(p))
            if not found:
                raise InputError(
                    str(path), "holds no py-ci result file", "save them with `py-ci report --save RESULT.json`"
                )
            files += found
        else:
            files.append(path)
    return [read_result(path) for path in files]


# Run by the project's interpreter, whose coverage.py wrote the data: combine with the project's own [paths]
# and, after them, each leg's project folder mapped onto this one (legs run in other folders, on other systems).
COMBINE_SCRIPT = """
import json, sys
import coverage
job = json.loads(sys.argv[1])
try:
    cov = coverage.Coverage(data_file=job["combined"])
    paths = dict(cov.get_option("paths") or {})
    if job["roots"]:
        paths["py-ci legs"] = [job["here"], *job["roots"]]
    cov.set_option("paths", paths)
    cov.combine(job["files"], keep=True)
    cov.save()
    cov.xml_report(outfile=job["xml"])
except Exception as error:
    print(" ".join(str(error).split()), file=sys.stderr)
    sys.exit(1)
"""


def _coverage_python(python: str | None) -> str:
    if python is not None:
        return python
    executable = shutil.which("coverage")
    beside = [Path(executable).parent / name for name in ("python", "python.exe")] if executable else []
    found = next((str(path) for path in beside if path.is_file()), None)
    if found is None:
        raise UsageError(
            "--coverage-data needs coverage.py: pass --python with the project's interpreter, activate the "
            "project's environment, or leave it out to merge the legs' saved reports"
        )
    return found


def combine_to_xml(files: list[str], project: Path, python: str, xml: Path, roots: list[str], fix: str) -> None:
    """coverage.py's own combine over `files` in `project`, each of `roots` mapped onto it, written to `xml`."""
    here = str(project.resolve())
    with tempfile.TemporaryDirectory() as scratch:
        job = {
            "combined": str(Path(scratch, ".coverage")),
            "xml": str(xml),
            "files": files,
            "here": here,
            "roots": sorted({root for root in roots if root != here}),
        }
        try:
            done = subprocess.run(
                [python, "-c", COMBINE_SCRIPT, json.dumps(job)],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as problem:
            raise UsageError(f"--python {python}: cannot run it ({problem.strerror}); pass an interpreter") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise InputError("", f"coverage.py could not combine the data: {said[-1] if said else done.returncode}", fix)


def coverage_combine(
    data: Path, workspace: Path, python: str | None = None, roots: list[str] | None = None
) -> CoverageReport:
    """The legs' data files below `data`, each leg's folder mapped onto `workspace`, combined and read back."""
    interpreter = _coverage_python(python)
    files = sorted(str(p) for p in data.rglob(".coverage*") if p.is_file())
    if not files:
        raise InputError(str(data), "holds no coverage.py data files (.coverage*)", "upload each leg's .coverage file")
    with tempfile.TemporaryDirectory() as scratch:
        xml = Path(scratch, "coverage.xml")
        fix = f"check the data files in {data} and the project's [paths] configuration"
        combine_to_xml(files, workspace, interpreter, xml, roots or [], fix)
        return relocate(read_cobertura(xml), workspace)


def combine_publication(
    legs: list[Leg],
    options: Options,
    union: CoverageReport | None,
    budget: Budget | None = None,
    diff: DiffCoverage | None = None,
    gate_legs: bool = True,
) -> Publication:
    """`gate_legs=False` judges the combined coverage alone: a pipeline whose gate job checks the legs."""
    budget = budget or summary_budget()
    failing = [leg for leg in legs if not leg.passed(COVERAGE_GATES)]
    verdicts = [
        Verdict(
            "legs",
            not failing,
            f"{len(failing)} of {plural(len(legs), 'leg')} failed"
            if failing
            else f"all {plural(len(legs), 'leg')} passed",
        )
    ]
    coverage_gates = coverage_verdicts(union, options) if union is not None else []
    sections = diff_sections(diff, options, budget) if diff is not None else None
    if sections is not None and sections.gate is not None:
        coverage_gates.append(sections.gate)
    passed = all(v.passed for v in [*(verdicts if gate_legs else []), *coverage_gates])
    totals = {
        key: sum((leg.tests or {}).get(key, 0) for leg in legs) for key in ("tests", "failed", "errors", "skipped")
    }
    markdown = _matrix_markdown(legs, union, options, passed and verdicts[0].passed, verdicts[0])
    if not gate_legs:
        markdown += "This job gates the combined coverage; the legs' own results are the pipeline gate's.\n\n"
    markdown += _failures_markdown(legs)
    text = _matrix_text(legs, union, options) + verdicts[0].message + "\n"
    outputs = {
        "tests": str(totals["tests"]),
        "failures": str(totals["failed"]),
        "errors": str(totals["errors"]),
        "skipped": str(totals["skipped"]),
    }
    result: dict[str, Any] = {
        "legs": [_leg_json(leg) for leg in legs],
        **totals,
        "coverage": None,
        "verdicts": [{"gate": v.gate, "passed": v.passed, "message": v.message} for v in [*verdicts, *coverage_gates]],
        "passed": passed,
    }
    if union is not None:
        markdown += coverage_markdown(union, options, coverage_gates, budget)
        text += coverage_text(union, options, coverage_gates)
        outputs.update(coverage_outputs(union, passed))
        result["coverage"] = coverage_json(union, options, coverage_gates)
    annotations = coverage_annotations(options, coverage_gates) if union is not None else []
    if sections is not None and result["coverage"] is not None:
        markdown += sections.markdown
        text += sections.text
        annotations += sections.annotations
        result["coverage"]["diff"] = sections.result
        outputs["diff-coverage"] = sections.output
    outputs["passed"] = "true" if passed else "false"
    return Publication(passed, result, markdown, text, outputs, annotations)


def _leg_json(leg: Leg) -> dict[str, Any]:
    tests = leg.tests or {}
    return {
        "labels": dict(leg.labels),
        "result": leg.origin,
        "tests": tests.get("tests"),
        "failed": tests.get("failed"),
        "errors": tests.get("errors"),
        "coverage": None if leg.coverage is None else leg.coverage.counts.percent,
        "passed": leg.passed(COVERAGE_GATES),
        "failures": [{"id": i, "outcome": o, "message": m} for i, o, m in leg.failures],
    }


def _cells(leg: Leg, options: Options) -> list[str]:
    tests = leg.tests or {}
    coverage = (
        "—" if leg.coverage is None else display_percent(leg.coverage.counts.percent, options.shown_decimals) + "%"
    )
    return [number(tests.get("tests", 0)), number(tests.get("failed", 0)), number(tests.get("errors", 0)), coverage]


def _matrix_markdown(
    legs: list[Leg], union: CoverageReport | None, options: Options, passed: bool, legs_verdict: Verdict
) -> str:
    rows = [["✅" if leg.passed(COVERAGE_GATES) else "❌", escape(leg.name), *_cells(leg, options)] for leg in legs]
    coverage = (
        ""
        if union is None
        else f" · combined coverage {display_percent(union.counts.percent, options.shown_decimals)}%"
    )
    lines = [
        f"## py-ci matrix: {'✅' if passed else '❌'} {escape(legs_verdict.message)}{coverage}",
        "",
        *table(["", "Leg", "Tests", "Failed", "Errors", "Coverage"], "llrrrr", rows),
        "",
    ]
    return "\n".join(lines) + "\n"


def where_it_fails(legs: list[Leg]) -> dict[str, list[str]]:
    """Each failing test id and the legs it fails on, most widespread first."""
    found: dict[str, list[str]] = {}
    for leg in legs:
        for test_id, _, _ in leg.failures:
            names = found.setdefault(test_id, [])
            if leg.name not in names:
                names.append(leg.name)
    return dict(sorted(found.items(), key=lambda item: (-len(item[1]), item[0])))


def _failures_markdown(legs: list[Leg]) -> str:
    with_tests = [leg for leg in legs if leg.tests is not None]
    groups = where_it_fails(legs)
    if not groups:
        return ""
    rows = []
    for test_id, names in groups.items():
        where = (
            "every leg"
            if len(names) == len(with_tests) > 1
            else " / ".join(names) + (" only" if len(with_tests) > 1 else "")
        )
        rows.append([escape(test_id), escape(where)])
    return "\n".join(["### Failures across the matrix", "", *table(["Test", "Fails on"], "ll", rows[:100]), "", ""])


def _matrix_text(legs: list[Leg], union: CoverageReport | None, options: Options) -> str:
    lines = [
        f"{'ok  ' if leg.passed(COVERAGE_GATES) else 'FAIL'} {leg.name}: tests {' / '.join(_cells(leg, options)[:3])} "
        f"(tests / failed / errors), coverage {_cells(leg, options)[3]}"
        for leg in legs
    ]
    for test_id, names in where_it_fails(legs).items():
        lines.append(f"FAILED {test_id} on {' / '.join(names)}")
    return "\n".join(lines) + "\n"


def merged_coverage(legs: list[Leg]) -> CoverageReport | None:
    reports = [leg.coverage for leg in legs if leg.coverage is not None]
    return CoverageReport.merged(reports) if reports else None
