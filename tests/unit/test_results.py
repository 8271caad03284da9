"""The typed results, and the renderers that alone turn them into every surface."""

from __future__ import annotations

from pathlib import Path

import pytest

from py_ci.github import Annotation
from py_ci.model import (
    Branches,
    CheckReport,
    CheckSection,
    CoverageReport,
    CoverageSection,
    FileCoverage,
    Finding,
    GateResult,
    JobResult,
    Leg,
    MatrixResult,
    NeededJob,
    Setting,
    TestCase,
    TestCounts,
    TestReport,
    TestsSection,
    Verdict,
)
from py_ci.options import DEFAULT_INPUT_LIMIT, Gates, Options
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.result_file import read_result
from py_ci.renderers.annotations import capped, cut_note
from py_ci.renderers.publications import gate_publication, job_publication, matrix_publication
from py_ci.renderers.result_file import render_result

FAILED = TestCase("tests.test_a", "test_x", 0.5, "failed", "AssertionError", "assert 1 == 2", file="tests/test_a.py")
PASSED = TestCase("tests.test_a", "test_y", 0.1)
SKIPPED = TestCase("tests.test_a", "test_z", outcome="skipped", message="not today")


def options(tmp_path: Path, **changes: object) -> Options:
    fields: dict[str, object] = {"gates": Gates(fail_under=Setting(50.0, "--fail-under")), **changes}
    return Options("report", tmp_path, ProjectFiles(tmp_path), {}, **fields)  # type: ignore[arg-type]


def job(passed_tests: bool = False) -> JobResult:
    cases = (PASSED, SKIPPED) if passed_tests else (FAILED, PASSED, SKIPPED)
    report = TestReport(cases, 0.6, ("junit.xml",))
    coverage = CoverageReport(
        {"pkg/a.py": FileCoverage("pkg/a.py", {1: 1, 2: 0, 3: 4}, {3: Branches(2, 1, frozenset({"exit"}))})},
        ("/work/src",),
        ("coverage.xml",),
    )
    mypy = CheckReport("mypy", (Finding("mypy", "pkg/a.py", "Bad", "misc", line=2),), 1, 3)
    return JobResult(
        labels={"python": "3.12"},
        tests=TestsSection(report, Verdict("tests", passed_tests, "no failures" if passed_tests else "1 failure")),
        mypy=CheckSection("mypy", mypy, (Verdict("mypy", False, "1 error"),), Setting(0, "default")),
        coverage=CoverageSection(coverage, (Verdict("coverage", True, "total of 60 meets fail-under=50"),)),
        workspace="/work",
    )


def test_a_jobs_verdicts_in_the_order_a_reviewer_reads_them() -> None:
    result = job()
    assert [v.gate for v in result.verdicts] == ["tests", "mypy", "coverage"]
    assert result.passed is False


def test_the_result_file_round_trips_to_the_same_leg(tmp_path: Path) -> None:
    result = job()
    path = tmp_path / "result.json"
    path.write_text(render_result(result))
    assert read_result(path, DEFAULT_INPUT_LIMIT) == result.leg(str(path))
    leg = read_result(path, DEFAULT_INPUT_LIMIT)
    assert leg.tests == TestCounts(3, 1, 1, 0, 1, 0.6)
    assert [case.test_id for case in leg.failures] == ["tests/test_a.py::test_x"]


def test_one_place_caps_annotations_and_says_what_it_left_out() -> None:
    made = [Annotation("error", f"e{i}") for i in range(25)] + [Annotation("warning", f"w{i}") for i in range(3)]
    kept, left_out = capped(made)
    assert [a.message for a in kept] == [f"e{i}" for i in range(10)] + ["w0", "w1", "w2"]
    assert left_out == 15
    assert "15 annotations left out: the runner shows 10 per level in a step" in cut_note(left_out)
    assert cut_note(0) == ""


def test_a_job_on_every_surface(tmp_path: Path) -> None:
    publication = job_publication(job(), options(tmp_path, labels={"python": "3.12"}, save=tmp_path / "r.json"))
    assert publication.markdown.startswith("## py-ci: ❌ 2 of 3 gates failed\n\npython=3.12\n\n")
    assert publication.outputs["passed"] == "false"
    assert (publication.outputs["tests"], publication.outputs["failures"], publication.outputs["mypy-errors"]) == (
        "3",
        "1",
        "1",
    )
    # mypy's findings fail it with no baseline: the way to adopt without a red first run is the last word.
    accepts = "it accepts today's mypy findings in baselines, so only new ones fail"
    assert publication.text.endswith(
        f"\npy-ci: FAILED (tests, mypy)\nto adopt py-ci without a red first run: `py-ci init` ({accepts})\n"
    )
    assert publication.markdown.endswith(f"py-ci init` in your checkout ({accepts}).\n")
    assert set(publication.result) == {"passed", "labels", "tests", "mypy", "coverage"}
    assert [a.title for a in publication.annotations] == ["tests/test_a.py::test_x failed", "mypy [misc]"]
    assert tmp_path / "r.json" in publication.files


def leg(name: str, passed: bool, coverage_passed: bool = True) -> Leg:
    verdicts = (Verdict("tests", passed, ""), Verdict("coverage", coverage_passed, ""))
    return Leg(f"{name}.json", {"leg": name}, verdicts, TestCounts(2, 2 if passed else 1, 0 if passed else 1))


@pytest.mark.parametrize("gate_legs", [True, False])
def test_a_matrix_judges_its_legs_without_their_partial_coverage(tmp_path: Path, gate_legs: bool) -> None:
    legs = (leg("a", True, coverage_passed=False), leg("b", False))
    result = MatrixResult(legs, Verdict("legs", False, "1 of 2 legs failed"), None, gate_legs)
    assert [item.passed(frozenset({"coverage"})) for item in legs] == [True, False]
    assert result.passed is not gate_legs
    assert result.totals == TestCounts(4, 3, 1, 0, 0)
    publication = matrix_publication(result, options(tmp_path))
    assert publication.result["failed"] == 1
    assert publication.markdown.startswith("## py-ci matrix: ❌ 1 of 2 legs failed")


def test_the_gate_names_what_did_not_pass(tmp_path: Path) -> None:
    jobs = (
        NeededJob("lint", "success"),
        NeededJob("test", "failure"),
        NeededJob("coverage", "success", {"coverage": "91.50"}),
    )
    gate = GateResult(
        jobs, frozenset(), ("test",), (), Verdict("jobs", False, "test did not pass: see those jobs' summaries")
    )
    publication = gate_publication(gate, options(tmp_path))
    assert publication.markdown == (
        "## py-ci gate\n\n| job | result |\n| :--- | :--- |\n| lint | ✅ passed |\n| test | ❌ failure |\n"
        "| coverage | ✅ passed |\n\nCombined coverage: 91.50%\n"
    )
    assert publication.outputs == {"passed": "false"}
    assert [(a.title, a.message) for a in publication.annotations] == [
        ("py-ci gate", "test did not pass: see those jobs' summaries")
    ]
