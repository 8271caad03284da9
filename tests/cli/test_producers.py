"""Cobertura from producers other than coverage.py: gcovr (run here), Istanbul/c8 (stored), Java (shape)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from defusedxml import ElementTree

from py_ci.options import DEFAULT_INPUT_LIMIT
from py_ci.readers.cobertura import read_cobertura
from tests.helpers import DATA, Outcome, run

PyCI = Callable[..., Outcome]

C_SOURCE = """\
#include <stdio.h>

static int sign(int n) {
    if (n < 0) {
        return -1;
    } else if (n == 0) {
        return 0;
    }
    return 1;
}

static int unused(int n) {
    return n * 2;
}

int main(void) {
    printf("%d\\n", sign(5));
    printf("%d\\n", sign(-5));
    return 0;
}
"""


def root_counts(xml: Path) -> dict[str, int]:
    root = ElementTree.parse(xml).getroot()
    assert root is not None
    return {
        name: int(root.get(name, "0"))
        for name in ("lines-valid", "lines-covered", "branches-valid", "branches-covered")
    }


@pytest.fixture(scope="module")
def gcovr_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:  # pragma: no cover - gcc is on every machine of ours
        pytest.fail("gcc is needed to make a gcovr report; install it (apt-get install gcc)")
    root = tmp_path_factory.mktemp("gcovr")
    (root / "sign.c").write_text(C_SOURCE)
    subprocess.run(["gcc", "--coverage", "-O0", "-o", "sign", "sign.c"], cwd=root, check=True)
    subprocess.run(["./sign"], cwd=root, check=True, capture_output=True)
    run([sys.executable, "-m", "gcovr", "--cobertura", "coverage.xml", "--cobertura-pretty", "-r", "."], root)
    return root / "coverage.xml"


def test_gcovr_report_counts_equal_gcovr_totals(gcovr_report: Path, py_ci: PyCI) -> None:
    assert gcovr_report.read_text().lstrip().startswith("<?xml")
    theirs = root_counts(gcovr_report)
    outcome = py_ci("coverage", "--json", str(gcovr_report), cwd=gcovr_report.parent)
    ours = json.loads(outcome.stdout)
    assert outcome.status == 0
    assert (ours["lines_valid"], ours["lines_covered"]) == (theirs["lines-valid"], theirs["lines-covered"])
    assert (ours["branches_valid"], ours["branches_covered"]) == (theirs["branches-valid"], theirs["branches-covered"])
    assert ours["branches_valid"] > 0
    assert [f["path"] for f in ours["files"]] == ["sign.c"]
    assert ours["files"][0]["missing"] == "6->?, 7, 12-13"  # else-if half taken, return 0, unused()


def test_istanbul_c8_report_with_doctype(py_ci: PyCI, tmp_path: Path) -> None:
    report = DATA / "c8" / "cobertura-coverage.xml"
    assert "<!DOCTYPE coverage SYSTEM" in report.read_text()
    ours = json.loads(py_ci("coverage", "--json", str(report), cwd=tmp_path).stdout)
    # c8's own figures (COMMAND.md): lines 8/12, branches 3/4.
    assert (ours["lines_valid"], ours["lines_covered"], ours["branches_valid"], ours["branches_covered"]) == (
        12,
        8,
        4,
        3,
    )
    assert ours["total"] == 100 * (8 + 3) / (12 + 4)
    assert ours["files"][0]["path"] == "lib.js"
    assert ours["files"][0]["missing"].startswith("7, 9-11")


def test_java_cobertura_counts_class_lines_once() -> None:
    report = read_cobertura(DATA / "java" / "coverage.xml", DEFAULT_INPUT_LIMIT)
    (greeter,) = report.files.values()
    assert greeter.path == "com/example/Greeter.java"
    assert greeter.counts.lines_valid == 5
    assert greeter.counts.lines_covered == 3
    assert (greeter.counts.branches_valid, greeter.counts.branches_covered) == (2, 1)
    assert report.sources == ("src/main/java",)
