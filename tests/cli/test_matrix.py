"""`py-ci report --save` per leg, then `py-ci combine`: the matrix, failures across legs, the union's coverage."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    SAMPLE_PACKAGE,
    SAMPLE_TESTS,
    Outcome,
    assert_one_line_error,
    child_pytest,
    commit,
    coverage,
    git,
    parse_outputs,
    py_ci_process,
    run,
    write_files,
)

PyCI = Callable[..., Outcome]

FLAKY_ON_B = {
    "tests/test_platform.py": """
        import os


        def test_platform_specific():
            assert os.environ.get("LEG") != "b"
        """,
}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two legs of the sample project, each running half of the tests, one failing a test of its own."""
    root = tmp_path_factory.mktemp("matrix")
    write_files(root, {**SAMPLE_PACKAGE, **SAMPLE_TESTS, **FLAKY_ON_B})
    (root / "data").mkdir()
    for leg, tests in (("a", "tests/test_geometry.py"), ("b", "tests/test_text.py")):
        run(
            child_pytest(
                "--cov=shapes",
                "--cov-branch",
                f"--cov-report=xml:{leg}.xml",
                f"--junitxml={leg}-junit.xml",
                tests,
                "tests/test_platform.py",
            ),
            root,
            {"LEG": leg, "COVERAGE_FILE": f"data/.coverage.{leg}"},
        )
    return root


def leg_arguments(leg: str) -> list[str]:
    """What a leg's job runs after its tests: one report, saved for combine."""
    return [
        "report",
        "--coverage",
        f"{leg}.xml",
        "--junit",
        f"{leg}-junit.xml",
        "--label",
        f"leg={leg}",
        "--save",
        f"results/{leg}.json",
    ]


def combined_total(root: Path) -> float:
    shutil.rmtree(root / "combined", ignore_errors=True)
    (root / "combined").mkdir()
    run(
        coverage("combine", "--keep", "-q", "--data-file=combined/.coverage", "data/.coverage.a", "data/.coverage.b"),
        root,
    )
    code = (
        "import coverage, os; c = coverage.Coverage(data_file='combined/.coverage'); c.load(); "
        "print(repr(c.report(file=open(os.devnull, 'w'))))"
    )
    return float(run([sys.executable, "-c", code], root).stdout)


def test_each_leg_saves_its_result(matrix: Path, py_ci: PyCI) -> None:
    (matrix / "results").mkdir(exist_ok=True)
    assert py_ci(*leg_arguments("a"), cwd=matrix).status == 0
    outcome = py_ci(*leg_arguments("b"), "--label", "os=linux", cwd=matrix)
    assert outcome.status == 1
    saved = json.loads((matrix / "results" / "b.json").read_text())
    assert saved["py-ci-result"] == 1
    assert saved["labels"] == {"leg": "b", "os": "linux"}
    assert saved["tests"]["failures"][0][0] == "tests/test_platform.py::test_platform_specific"
    assert "shapes/text.py" in saved["coverage"]["files"]


@pytest.fixture(scope="module")
def results(matrix: Path) -> Path:
    (matrix / "results").mkdir(exist_ok=True)
    for leg in "ab":
        py_ci_process(*leg_arguments(leg), cwd=matrix)
    return matrix / "results"


def test_combined_coverage_is_the_union_as_coverage_combine_says(matrix: Path, results: Path, py_ci: PyCI) -> None:
    combined = json.loads(py_ci("combine", "--json", str(results), cwd=matrix).stdout)
    legs = {tuple(leg["labels"].items()): leg["coverage"] for leg in combined["legs"]}
    assert combined["coverage"]["total"] == combined_total(matrix)
    assert combined["coverage"]["total"] > max(legs.values())
    assert combined["coverage"]["total"] != sum(legs.values()) / 2


def test_coverage_combine_on_the_data_files_gives_the_same(matrix: Path, results: Path, py_ci: PyCI) -> None:
    venv_bin = str(Path(sys.executable).parent)
    outcome = py_ci(
        "combine",
        "--json",
        "--coverage-data",
        "data",
        str(results),
        cwd=matrix,
        env={"PATH": venv_bin + ":/usr/bin:/bin"},
    )
    assert json.loads(outcome.stdout)["coverage"]["total"] == combined_total(matrix)


def test_matrix_table_failures_across_legs_and_gate(matrix: Path, results: Path, py_ci: PyCI, tmp_path: Path) -> None:
    output = tmp_path / "output"
    outcome = py_ci(
        "combine",
        str(results),
        "--fail-under",
        "50",
        "--summary",
        "matrix.md",
        cwd=matrix,
        env={"GITHUB_OUTPUT": str(output)},
    )
    assert outcome.status == 1  # leg b failed a test
    summary = (matrix / "matrix.md").read_text()
    assert summary.startswith("## py-ci matrix: ❌ 1 of 2 legs failed · combined coverage ")
    assert "| ✅ | leg=a | 4 | 0 | 0 | 54.76% |" in summary
    assert "| ❌ | leg=b | 3 | 1 | 0 | 21.43% |" in summary
    assert "| tests/test\\_platform.py\\:\\:test\\_platform\\_specific | leg=b only |" in summary
    outputs = parse_outputs(output.read_text())
    assert (outputs["tests"], outputs["failures"], outputs["passed"]) == ("7", "1", "false")
    assert "FAILED tests/test_platform.py::test_platform_specific on leg=b" in outcome.stdout


def test_combined_coverage_gate(matrix: Path, results: Path, py_ci: PyCI) -> None:
    only_a = json.loads(py_ci("combine", "--json", str(results / "a.json"), "--fail-under", "99", cwd=matrix).stdout)
    assert only_a["passed"] is False
    assert only_a["verdicts"][0] == {"gate": "legs", "passed": True, "message": "all 1 leg passed"}
    assert only_a["verdicts"][1]["gate"] == "coverage"
    assert only_a["verdicts"][1]["passed"] is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{}", 'is not a py-ci result file (no "py-ci-result": 1)'),
        ('{"py-ci-result": 1, "tests": {"tests": "x"}}', "is a damaged py-ci result file"),
        ("not json", "is not valid JSON"),
    ],
)
def test_bad_result_files(py_ci: PyCI, tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "r.json").write_text(content)
    assert_one_line_error(py_ci("combine", "r.json", cwd=tmp_path), expected)


def test_empty_folder_and_report_without_inputs(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    assert "nothing: holds no py-ci result file" in py_ci("combine", "nothing", cwd=tmp_path).stderr
    outcome = py_ci("report", cwd=tmp_path)
    assert outcome.status == 2
    assert "needs at least one of --junit, --mypy, --ruff, --coverage" in outcome.stderr
    assert "is not KEY=VALUE" in py_ci("report", "--junit", "x.xml", "--label", "oops", cwd=tmp_path).stderr


def measured_elsewhere(root: Path, leg: str, tests: str) -> None:
    """A leg run in a folder of its own, as matrix jobs on other runners (or act's) are."""
    write_files(root, {**SAMPLE_PACKAGE, **SAMPLE_TESTS, **FLAKY_ON_B})
    data = {"COVERAGE_FILE": str(root / ".coverage"), "LEG": leg}
    run(child_pytest("--cov=shapes", "--cov-branch", "--cov-report=xml:c.xml", "--junitxml=j.xml", tests), root, data)
    py_ci_process(
        "report", "--coverage", "c.xml", "--junit", "j.xml", "--label", f"leg={leg}", "--save", "r.json", cwd=root
    )


def combined_in_a_coverage_job(uploads: Path, here: Path, py_ci: PyCI) -> dict[str, Any]:
    """What the coverage job does with the downloaded legs, in a checkout of its own."""
    write_files(here, SAMPLE_PACKAGE)
    args = ("combine", "--json", str(uploads), "--coverage-data", str(uploads), "--python", sys.executable)
    combined: dict[str, Any] = json.loads(py_ci(*args, cwd=here).stdout)["coverage"]
    return combined


def test_legs_measured_in_other_folders_combine_onto_this_one(matrix: Path, tmp_path: Path, py_ci: PyCI) -> None:
    uploads = tmp_path / "uploads"
    for leg, tests in (("a", "tests/test_geometry.py"), ("b", "tests/test_text.py")):
        measured_elsewhere(tmp_path / f"runner-{leg}" / "work", leg, tests)
        # What the coverage job downloads: each leg's folder of results.
        shutil.copytree(
            tmp_path / f"runner-{leg}" / "work", uploads / leg, ignore=shutil.ignore_patterns("shapes", "tests")
        )
    combined = combined_in_a_coverage_job(uploads, tmp_path / "coverage-job", py_ci)
    # The same figure as coverage combine over the same tests run in one folder.
    assert combined["total"] == combined_total(matrix)
    assert {file["path"] for file in combined["files"]} == {
        "shapes/__init__.py",
        "shapes/geometry.py",
        "shapes/text.py",
    }


def test_coverage_data_needs_a_coverage_py(matrix: Path, results: Path, py_ci: PyCI) -> None:
    outcome = py_ci("combine", str(results), "--coverage-data", "data", cwd=matrix, env={"PATH": "/nonexistent"})
    assert_one_line_error(outcome, "--coverage-data needs coverage.py: pass --python")
    missing = py_ci("combine", str(results), "--coverage-data", "data", "--python", "/nonexistent/python", cwd=matrix)
    assert_one_line_error(missing, "--python /nonexistent/python: cannot run it")


def test_data_that_coverage_cannot_combine_is_one_line(
    matrix: Path, results: Path, py_ci: PyCI, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / ".coverage.broken").write_text("not SQLite")
    outcome = py_ci(
        "combine", str(results), "--coverage-data", str(tmp_path / "data"), "--python", sys.executable, cwd=matrix
    )
    assert_one_line_error(outcome, "coverage.py could not combine the data: ")


def test_a_default_threshold_applies_only_when_nothing_sets_one(matrix: Path, results: Path, py_ci: PyCI) -> None:
    defaulted = json.loads(py_ci("combine", "--json", str(results), "--default-fail-under", "99", cwd=matrix).stdout)
    assert (defaulted["coverage"]["fail_under"], defaulted["coverage"]["fail_under_source"]) == (99, "py-ci's default")
    chosen = py_ci(
        "combine",
        "--json",
        str(results),
        "--default-fail-under",
        "99",
        cwd=matrix,
        env={"PY_CI_COVERAGE_THRESHOLD": "10"},
    )
    assert json.loads(chosen.stdout)["coverage"]["fail_under"] == 10
    assert_one_line_error(py_ci("combine", str(results), "--default-fail-under", "101", cwd=matrix), "outside 0-100")


def test_changed_lines_of_the_union(matrix: Path, results: Path, py_ci: PyCI, tmp_path: Path) -> None:
    repository = tmp_path / "repository"
    shutil.copytree(matrix, repository)
    git(repository, "init", "-q", "-b", "main")
    text = (repository / "shapes" / "text.py").read_text()
    commit(repository, {"shapes/text.py": text.split("def never_called")[0]}, "base")
    git(repository, "checkout", "-q", "-b", "feature")
    commit(repository, {"shapes/text.py": text}, "feature")
    for report in ("a.xml", "b.xml"):  # the legs' reports, as if measured here
        path = repository / report
        path.write_text(path.read_text().replace(str(matrix), str(repository)))
    assert_one_line_error(py_ci("combine", "results", "--diff-fail-under", "90", cwd=repository), "needs --diff-base")
    combined = py_ci("combine", "--json", "results", "--diff-base", "main", "--diff-fail-under", "90", cwd=repository)
    assert combined.status == 1
    by_coverage = json.loads(
        py_ci(
            "coverage", "--json", "a.xml", "b.xml", "--diff-base", "main", "--diff-fail-under", "90", cwd=repository
        ).stdout
    )
    document = json.loads(combined.stdout)
    assert document["coverage"]["diff"] == by_coverage["diff"]
    assert 0 < document["coverage"]["diff"]["total"] < 90
    assert any(v["gate"] == "diff-coverage" and not v["passed"] for v in document["verdicts"])


def test_a_leg_measured_on_windows_combines_onto_linux(matrix: Path, tmp_path: Path, py_ci: PyCI) -> None:
    """A Windows leg's data names D:\\a\\proj\\proj\\shapes\\...; its result file names that folder."""
    from coverage import CoverageData

    uploads = tmp_path / "uploads"
    measured_elsewhere(tmp_path / "runner-a" / "work", "a", "tests/test_geometry.py")
    shutil.copytree(tmp_path / "runner-a" / "work", uploads / "a", ignore=shutil.ignore_patterns("shapes", "tests"))
    measured_elsewhere(tmp_path / "runner-b" / "work", "b", "tests/test_text.py")
    linux = CoverageData(basename=str(tmp_path / "runner-b" / "work" / ".coverage"))
    linux.read()
    root = str(tmp_path / "runner-b" / "work")
    (uploads / "b").mkdir(parents=True)
    windows = CoverageData(basename=str(uploads / "b" / ".coverage"))
    windows_root = "D:\\a\\proj\\proj"
    arcs = {}
    for name in linux.measured_files():
        arcs[windows_root + name.removeprefix(root).replace("/", "\\")] = linux.arcs(name) or []
    windows.add_arcs(arcs)
    windows.write()
    result = json.loads((tmp_path / "runner-b" / "work" / "r.json").read_text())
    result["workspace"] = windows_root
    (uploads / "b" / "r.json").write_text(json.dumps(result))
    combined = combined_in_a_coverage_job(uploads, tmp_path / "coverage-job", py_ci)
    assert combined["total"] == combined_total(matrix)
    assert {file["path"] for file in combined["files"]} == {
        "shapes/__init__.py",
        "shapes/geometry.py",
        "shapes/text.py",
    }


def test_coverage_only_judges_the_union_and_leaves_the_legs_to_the_gate(
    matrix: Path, results: Path, py_ci: PyCI, tmp_path: Path
) -> None:
    summary = tmp_path / "s.md"
    outcome = py_ci(
        "combine", str(results), "--coverage-only", "--fail-under", "50", "--summary", str(summary), cwd=matrix
    )
    assert outcome.status == 0  # leg b failed a test: the pipeline's gate says so, not this job
    text = summary.read_text()
    assert text.startswith("## py-ci matrix: ❌ 1 of 2 legs failed")
    assert "This job gates the combined coverage; the legs' own results are the pipeline gate's." in text
    assert py_ci("combine", str(results), "--coverage-only", "--fail-under", "99", cwd=matrix).status == 1
