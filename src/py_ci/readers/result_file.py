"""Result files of `py-ci report --save`, read back as matrix legs for `py-ci combine`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from py_ci.errors import InputError
from py_ci.files import InputLimit, open_input
from py_ci.model import Branches, CoverageReport, FileCoverage, Leg, TestCase, TestCounts, Verdict

FIX = "make it with `py-ci report ... --save RESULT.json`"
FORMAT_VERSION = 1


def is_result_file(path: Path, limit: InputLimit) -> bool:
    """Whether a JSON file found in a folder is one of ours (a cheap look at its start)."""
    with open_input(path, limit) as stream:
        return b'"py-ci-result"' in stream.read(64)


def read_result(path: Path, limit: InputLimit) -> Leg:
    with open_input(path, limit) as stream:
        data = stream.read()
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not valid JSON ({error})", FIX) from None
    if not isinstance(document, dict) or document.get("py-ci-result") != FORMAT_VERSION:
        raise InputError(str(path), 'is not a py-ci result file (no "py-ci-result": 1)', FIX)
    try:
        return _leg(str(path), document)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(str(path), f"is a damaged py-ci result file ({type(error).__name__}: {error})", FIX) from None


def _leg(origin: str, document: dict[str, Any]) -> Leg:
    labels = {str(key): str(value) for key, value in document.get("labels", {}).items()}
    verdicts = tuple(
        Verdict(str(v["gate"]), bool(v["passed"]), str(v["message"])) for v in document.get("verdicts", [])
    )
    tests = document.get("tests")
    counts = None
    failures: tuple[TestCase, ...] = ()
    if tests is not None:
        total, passed, failed, errors, skipped = (
            int(tests[key]) for key in ("tests", "passed", "failed", "errors", "skipped")
        )
        counts = TestCounts(total, passed, failed, errors, skipped, float(tests.get("duration", 0.0)))
        failures = tuple(TestCase("", str(i), outcome=str(o), message=str(m)) for i, o, m in tests.get("failures", []))
    return Leg(
        origin=origin,
        labels=labels,
        verdicts=verdicts,
        tests=counts,
        failures=failures,
        coverage=None if document.get("coverage") is None else _coverage(document["coverage"], origin),
        workspace=None if document.get("workspace") is None else str(document["workspace"]),
    )


def _coverage(data: dict[str, Any], origin: str) -> CoverageReport:
    files = {}
    for path, file in data["files"].items():
        hits = {int(line): int(count) for line, count in file["hits"]}
        branches = {
            int(line): Branches(int(valid), int(covered), None if missing is None else frozenset(map(str, missing)))
            for line, valid, covered, missing in file["branches"]
        }
        files[str(path)] = FileCoverage(str(path), hits, branches)
    left_out = tuple(map(str, data.get("left_out", [])))
    return CoverageReport(files, tuple(map(str, data.get("sources", []))), (origin,), left_out)
