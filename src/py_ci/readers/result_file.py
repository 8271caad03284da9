"""Result files of `py-ci report --save`, read back as matrix legs for `py-ci combine`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from py_ci.errors import InputError
from py_ci.files import open_input
from py_ci.model import Branches, CoverageReport, FileCoverage, Leg

FIX = "make it with `py-ci report ... --save RESULT.json`"
FORMAT_VERSION = 1


def is_result_file(path: Path) -> bool:
    """Whether a JSON file found in a folder is one of ours (a cheap look at its start)."""
    with open_input(path) as stream:
        return b'"py-ci-result"' in stream.read(64)


def read_result(path: Path) -> Leg:
    with open_input(path) as stream:
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
    verdicts = tuple((str(v["gate"]), bool(v["passed"]), str(v["message"])) for v in document.get("verdicts", []))
    tests = document.get("tests")
    return Leg(
        origin=origin,
        labels=labels,
        verdicts=verdicts,
        tests=None
        if tests is None
        else {key: int(tests[key]) for key in ("tests", "passed", "failed", "errors", "skipped")},
        failures=() if tests is None else tuple((str(i), str(o), str(m)) for i, o, m in tests.get("failures", [])),
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
    return CoverageReport(files, tuple(map(str, data.get("sources", []))), (origin,))
