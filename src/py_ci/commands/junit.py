"""`py-ci junit`: JUnit XML reports in, test totals, failures and one verdict out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from py_ci.failures import failure_location, located, module_paths
from py_ci.gates import tests_verdict
from py_ci.model import TestCase, TestReport
from py_ci.paths import relative_to_workspace
from py_ci.publication import Publication
from py_ci.readers.junit import read_junit
from py_ci.renderers.annotations import test_annotations
from py_ci.renderers.markdown import Budget, summary_budget
from py_ci.renderers.results import tests_json, tests_outputs
from py_ci.renderers.terminal import tests_text
from py_ci.renderers.tests_summary import tests_markdown


def read_tests(paths: list[Path], workspace: Path) -> TestReport:
    """Every report's cases, failures placed on their test file so their ids read like pytest's."""
    reports = [read_junit(path) for path in paths]

    def relative(path: str) -> str:
        return relative_to_workspace(path, workspace)

    files: dict[str, str | None] = {}

    def on_disk(case: TestCase) -> TestCase:
        # xunit2 has no file attribute: the module's file in the workspace gives pytest's id.
        if case.file is not None:
            return case
        key = case.classname or case.name
        if key not in files:
            files[key] = next((p for p in module_paths(case) if (workspace / p).is_file()), None)
        return replace(case, file=files[key]) if files[key] else located(case, relative)

    cases = tuple(on_disk(case) for report in reports for case in report.cases)
    return TestReport(
        cases,
        sum(report.duration for report in reports),
        tuple(origin for report in reports for origin in report.origins),
    )


def junit_publication(report: TestReport, workspace: Path, budget: Budget | None = None) -> Publication:
    verdict = tests_verdict(report.count("failed"), report.count("error"), report.tests)
    return Publication(
        passed=verdict.passed,
        result=tests_json(report, verdict),
        markdown=tests_markdown(report, verdict, budget or summary_budget()),
        text=tests_text(report, verdict),
        outputs=tests_outputs(report, verdict.passed),
        annotations=test_annotations(
            report, lambda case: failure_location(case, lambda path: relative_to_workspace(path, workspace))
        ),
    )
