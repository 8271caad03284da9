"""The result file of `py-ci report --save`: all that `py-ci combine` needs of one leg."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from py_ci import __version__
from py_ci.model import CoverageReport, TestReport
from py_ci.renderers.results import test_counts

FORMAT_VERSION = 1


def render_result(
    labels: Mapping[str, str],
    verdicts: list[dict[str, Any]],
    tests: TestReport | None,
    coverage: CoverageReport | None,
    sections: Mapping[str, Any],
    workspace: str | None = None,
) -> str:
    document = {
        "py-ci-result": FORMAT_VERSION,
        "py-ci-version": __version__,
        "labels": dict(labels),
        "workspace": workspace,
        "passed": all(v["passed"] for v in verdicts),
        "verdicts": verdicts,
        "tests": None if tests is None else _tests(tests),
        "coverage": None if coverage is None else _coverage(coverage),
        **sections,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _tests(report: TestReport) -> dict[str, Any]:
    return {
        **test_counts(report),
        "failures": [[case.test_id, case.outcome, case.message] for case in report.problems],
    }


def _coverage(report: CoverageReport) -> dict[str, Any]:
    return {
        "sources": list(report.sources),
        "files": {
            path: {
                "hits": sorted(file.hits.items()),
                "branches": [
                    [line, b.valid, b.covered, None if b.missing is None else sorted(b.missing)]
                    for line, b in sorted(file.branches.items())
                ],
            }
            for path, file in sorted(report.files.items())
        },
    }
