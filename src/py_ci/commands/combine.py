"""`py-ci combine`: the legs of a matrix, failures across legs, coverage of the union, one verdict."""

from __future__ import annotations

from pathlib import Path

from py_ci.commands import Console
from py_ci.coverage_data import combined_report, coverage_python
from py_ci.errors import InputError
from py_ci.files import InputLimit
from py_ci.job_result import coverage_section
from py_ci.model import COVERAGE_GATES, CoverageReport, Leg, MatrixResult, Verdict
from py_ci.options import Options
from py_ci.readers.durations import read_durations
from py_ci.readers.result_file import is_result_file, read_result
from py_ci.renderers.markdown import plural


def collect_results(paths: tuple[Path, ...], limit: InputLimit) -> tuple[Leg, ...]:
    """Result files named, and those found below folders named, read as legs."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file() and is_result_file(p, limit))
            if not found:
                raise InputError(
                    str(path), "holds no py-ci result file", "save them with `py-ci report --save RESULT.json`"
                )
            files += found
        else:
            files.append(path)
    return tuple(read_result(path, limit) for path in files)


def _legs_verdict(legs: tuple[Leg, ...]) -> Verdict:
    failing = [leg for leg in legs if not leg.passed(COVERAGE_GATES)]
    count = plural(len(legs), "leg")
    return Verdict("legs", not failing, f"{len(failing)} of {count} failed" if failing else f"all {count} passed")


def run(options: Options, console: Console) -> MatrixResult:
    legs = collect_results(options.results, options.input_limit)
    union: CoverageReport | None
    if options.coverage_data is not None:
        roots = [leg.workspace for leg in legs if leg.workspace]
        python = coverage_python(options.python)
        union = combined_report(options.coverage_data, options.workspace, python, roots, options.input_limit)
    else:
        reports = [leg.coverage for leg in legs if leg.coverage is not None]
        union = CoverageReport.merged(reports) if reports else None
    coverage = None if union is None else coverage_section(union, options)
    durations = None
    if options.durations_out is not None:
        found = (p for folder in options.results if folder.is_dir() for p in sorted(folder.rglob("durations*.json")))
        durations = read_durations(found, options.input_limit)
    return MatrixResult(legs, _legs_verdict(legs), coverage, not options.coverage_only, durations)
