"""The reusable workflow under a real runner (act), in consumers that use `org/py-ci/.github/workflows/py-ci.yml@v1`."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import coverage
import pytest

from py_ci.renderers.markdown import escape
from tests.e2e.act import PIPELINE_CONSUMER, VERSIONS, ActRun, consumer, run_act
from tests.e2e.shop import shop_by_hand
from tests.helpers import child_pytest, copy_of_example, run

pytestmark = pytest.mark.e2e


@pytest.fixture
def pipeline(tmp_path: Path, action: Path, service_containers: dict[str, str]) -> Callable[..., ActRun]:
    def run_pipeline(project: Path, **variables: str) -> ActRun:
        repository = consumer(tmp_path / "consumer", project, PIPELINE_CONSUMER)
        return run_act(repository, action, tmp_path / "out", {"PYTHON_VERSIONS": json.dumps(VERSIONS), **variables})

    return run_pipeline


def combined_by_hand(project: Path, services: dict[str, str]) -> tuple[str, int]:
    """coverage combine + coverage report over the unit, integration and e2e runs (the shop's too), done by hand."""
    scratch = project.parent / "by-hand"
    shutil.copytree(project, scratch, ignore=shutil.ignore_patterns(".git", ".github"))
    unit = {"COVERAGE_FILE": str(scratch / ".coverage.unit")}
    run(child_pytest("--cov", "--cov-branch", "--ignore=tests/integration", "--ignore=tests/e2e"), scratch, unit)
    integration = {"COVERAGE_FILE": str(scratch / ".coverage.integration"), **services}
    run(child_pytest("--cov", "--cov-branch", "tests/integration", "--junitxml=integration.xml"), scratch, integration)
    with shop_by_hand(scratch, services, scratch / ".coverage.shop") as shop:
        run(child_pytest("tests/e2e", "-p", "no:cacheprovider"), scratch, shop)
    coverage = [sys.executable, "-m", "coverage"]
    run([*coverage, "combine", *(str(p) for p in scratch.glob(".coverage.*"))], scratch)
    total = run([*coverage, "report", "--format=total", "--precision=2"], scratch).stdout.strip()
    return total, (scratch / "integration.xml").read_text().count("<testcase")


def artifact(out: Path, name: str) -> Path:
    return out / "artifacts" / name


def test_green_pipeline_combines_every_leg_and_the_integration_job(
    tmp_path: Path, pipeline: Callable[..., ActRun], service_containers: dict[str, str]
) -> None:
    project = copy_of_example(tmp_path / "project")
    result = pipeline(project, LOWEST_DIRECT="true")
    assert result.status == 0, result.log[-4000:]
    assert result.outputs["passed"] == "true"
    total, integration_tests = combined_by_hand(project, service_containers)
    assert result.outputs["coverage"] == total
    # Every leg of the unit group ran on its own interpreter and left its results for the gate job to combine.
    out = tmp_path / "out"
    for version in VERSIONS:
        leg = json.loads((artifact(out, f"py-ci-test-ubuntu-latest-{version}") / "result-unit.json").read_text())
        assert leg["labels"] == {"group": "unit", "python": version, "os": "ubuntu-latest"}
        assert f"python-version={version}." in result.log
    # One leg more installed the oldest versions the project's ranges allow (the example pins them: those).
    lowest = json.loads((artifact(out, "py-ci-test-ubuntu-latest-3.11-lowest-direct") / "result-unit.json").read_text())
    assert lowest["labels"] == {"group": "unit", "python": "3.11", "os": "ubuntu-latest", "resolution": "lowest-direct"}
    assert "--resolution lowest-direct -e ." in result.log
    said = "resolution lowest-direct, the oldest versions the project's ranges allow: psycopg 3.3.9, redis 8.1.0"
    assert said in result.log  # and in the job's summary, after its install
    # One job ran the other groups, in parallel, each kept as a leg of its own.
    groups = artifact(out, "py-ci-groups")
    assert sorted(path.name for path in groups.glob("result-*.json")) == ["result-e2e.json", "result-integration.json"]
    # The integration tests ran against the real servers: executed, none skipped.
    junit = (groups / "junit-integration.xml").read_text()
    assert junit.count("<testcase") == integration_tests > 0
    assert "<skipped" not in junit
    assert (groups / ".coverage-integration").is_file()
    # The e2e group started the shop, waited for it, and kept its coverage.py data beside the tests'.
    assert "<skipped" not in (groups / "junit-e2e.xml").read_text()
    # Its tests only speak HTTP: what the e2e group's data holds of web.py, the shop measured itself.
    data = coverage.CoverageData(basename=str(groups / ".coverage-e2e"))
    data.read()
    served = [path for path in data.measured_files() if path.endswith("bookshop/web.py")]
    assert served, "no data from the shop"
    assert data.lines(served[0]) or data.arcs(served[0])
    assert "application: PYTHONPATH=src python -m coverage run" in result.log
    summary = result.summary
    assert "## py-ci: the plan" in summary
    for row in ("group=unit, python=3.11", "group=unit, python=3.12", "group=integration", "group=e2e"):
        assert row in summary
    assert "| coverage | ✅ passed |" in summary  # the gate job's table


def test_a_failing_leg_and_a_failing_e2e_test_turn_the_gate_red(
    tmp_path: Path, pipeline: Callable[..., ActRun]
) -> None:
    project = copy_of_example(tmp_path / "project")
    (project / "tests" / "test_version.py").write_text(
        "import sys\n\n\ndef test_runs_on_older_pythons_only() -> None:\n    assert sys.version_info < (3, 12)\n"
    )
    e2e = project / "tests" / "e2e" / "test_shop_over_http.py"
    e2e.write_text(e2e.read_text().replace('"price_from": "cache"', '"price_from": "the moon"'))
    result = pipeline(project)
    assert result.status != 0
    assert result.job_outputs("gate")["passed"] == "false"
    summary = result.summary
    assert "tests/test_version.py::test_runs_on_older_pythons_only" in summary
    assert "group=unit, python=3.12, os=ubuntu-latest only" in summary
    assert "tests/e2e/test_shop_over_http.py::test_a_book_round_trips_through_postgres_and_redis" in summary
    assert "| test | ❌ failure |" in summary
    assert "| group | ❌ failure |" in summary
    assert "| coverage | ✅ passed |" in summary  # the union's coverage is fine: only tests failed
    gate = [e for e in result.commands("error") if e["kvPairs"].get("title") == "py-ci gate"]
    assert len(gate) == 1
    assert gate[0]["arg"] == "test, group did not pass: see those jobs' summaries"


def test_combined_coverage_short_of_the_threshold_turns_the_gate_red(
    tmp_path: Path, pipeline: Callable[..., ActRun]
) -> None:
    project = copy_of_example(tmp_path / "project")
    # The project type-checks with ty too: its typecheck job runs ty beside the mypy it configures, and says so.
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.ty]\n")
    result = pipeline(project, COVERAGE_THRESHOLD="100")
    assert result.status != 0
    assert result.job_outputs("gate")["passed"] == "false"
    assert float(result.job_outputs("gate")["coverage"]) < 100
    summary = result.summary
    assert "| test | ✅ passed |" in summary  # every leg passed: only the union's gate failed
    assert "| coverage | ❌ failure |" in summary
    assert "| typecheck | ✅ passed |" in summary
    assert f"### ✅ {escape('ty: no errors')}" in summary
    assert f"### ✅ {escape('mypy: no errors')}" in summary
    said = "type checkers from the project's configuration (ty in pyproject.toml [tool.ty]; mypy in pyproject.toml"
    assert escape(said) in summary


def test_bad_input_turns_the_gate_red_with_the_fix(tmp_path: Path, pipeline: Callable[..., ActRun]) -> None:
    # No job waits for a plan: the gate job checks the inputs and names the fix. (A python-versions that is not a
    # JSON list fails the test job on GitHub and the gate says why; act stops the whole run before any job then.)
    versions = json.dumps(["3.12", "3.14t"])
    result = pipeline(copy_of_example(tmp_path / "project"), COVERAGE_THRESHOLD="ninety", PYTHON_VERSIONS=versions)
    assert result.status != 0
    # A free-threaded entry asks setup-python for its own build, in its leg: no such interpreter here, so that leg
    # stops at its set-up (its plan and the step's input are what this machine can show).
    assert "setup-python: asked for 3.14t" in result.log
    assert "::error::Python 3.14t is not installed on this machine" in result.log
    assert "tests (Python 3.14t, ubuntu-latest)" in result.log
    line = "py-ci: error: input coverage-threshold: 'ninety' is not a number; write a percentage such as 85 or 92.5"
    assert line in result.log
    assert result.job_outputs("gate")["passed"] == "false"
    summary = result.summary
    assert "| inputs | ❌ failure |" in summary
    assert "| typecheck | ✅ passed |" in summary  # on 3.12, the newest CPython listed: no plan held it back
    assert "| test | ❌ failure |" in summary  # the 3.14t leg
    gate = [e["arg"] for e in result.commands("error") if e["kvPairs"].get("title") == "py-ci gate"]
    assert gate == ["inputs, test, coverage did not pass: see those jobs' summaries"]
