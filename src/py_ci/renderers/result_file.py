"""The result file of `py-ci report --save`: all that `py-ci combine` needs of one leg."""

from __future__ import annotations

import json

from py_ci import __version__
from py_ci.model import CoverageReport, JobResult
from py_ci.renderers.results import JSON, check_counts, test_counts_json, verdicts_json

FORMAT_VERSION = 1


def render_result(job: JobResult) -> str:
    leg = job.leg("")
    document = {
        "py-ci-result": FORMAT_VERSION,
        "py-ci-version": __version__,
        "labels": dict(leg.labels),
        "workspace": leg.workspace,
        "passed": job.passed,
        "verdicts": verdicts_json(leg.verdicts),
        "tests": None
        if leg.tests is None
        else {
            **test_counts_json(leg.tests),
            "failures": [[case.test_id, case.outcome, case.message] for case in leg.failures],
        },
        "coverage": None if leg.coverage is None else _coverage(leg.coverage),
        "mypy": None if job.mypy is None else check_counts(job.mypy),
        "ruff": None if job.ruff is None else check_counts(job.ruff),
        **{section.tool: check_counts(section) for section in job.types},
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _coverage(report: CoverageReport) -> JSON:
    return {
        "sources": list(report.sources),
        **({"left_out": list(report.left_out)} if report.left_out else {}),
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
