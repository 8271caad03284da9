"""The gate job combines what the legs measured in a checkout of its own, as GitHub gives every job: a module the
legs' install generated (a VCS-versioning plugin's `_version.py`, ignored by git) is not in it. Real git checkouts,
real pytest and coverage.py, the workflow's own combine command."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import (
    PYTHON,
    ROOT,
    WORKFLOW_DEFAULTS,
    Outcome,
    assert_one_line_error,
    clean_environ,
    commit,
    git,
    steps_of,
    write_files,
)

PyCI = Callable[..., Outcome]
HELPER_STEP = next(step for step in steps_of(ROOT / "action.yml") if step.get("id") == "helper")
VERSIONED = {
    ".gitignore": "src/stamp/_version.py\n",
    "pyproject.toml": '[tool.coverage.run]\nsource = ["stamp"]\nbranch = true\n',
    "src/stamp/__init__.py": "from stamp._version import version\n\n__all__ = ['version']\n",
    "src/stamp/core.py": "def label(name: str) -> str:\n    if not name:\n        return ''\n    return name.title()\n",
    "tests/test_core.py": """
        import stamp
        from stamp.core import label


        def test_label() -> None:
            assert label("abc") == "Abc" and stamp.version
        """,
    "tests/test_empty.py": "from stamp.core import label\n\n\ndef test_empty() -> None:\n    assert not label('')\n",
}
# What setuptools-scm's version_file writes at install, in each leg's checkout alone.
GENERATED = {"src/stamp/_version.py": "version = '1.2.3'\nversion_tuple = (1, 2, 3)\n"}


def action_helper(runner: Path, installer: str, checks: str = "none") -> tuple[Outcome, PyCI]:
    """The action's helper step run as the runner runs it (bash, the job's Python), and py-ci through the helper it
    made: the gate job's is `installer: none`."""
    runner.mkdir(parents=True)
    output = runner / "output"
    output.write_text("")
    env = {"PY_CI_ACTION_PATH": str(ROOT), "PY_CI_PYTHON": PYTHON, "PY_CI_INSTALLER": installer}
    env |= {"PY_CI_CHECKS": checks, "RUNNER_TEMP": str(runner), "GITHUB_OUTPUT": str(output)}
    step = subprocess.run(
        ["/bin/bash", "-e", "-c", HELPER_STEP["run"]], env=clean_environ(env), capture_output=True, text=True
    )
    made = Outcome(step.returncode, step.stdout, step.stderr)
    python = dict(line.split("=", 1) for line in output.read_text().splitlines()).get("python", "")

    def helper(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Outcome:
        done = subprocess.run(
            [python, "-m", "py_ci", *args], cwd=cwd, env=clean_environ(env), capture_output=True, text=True
        )
        return Outcome(done.returncode, done.stdout, done.stderr)

    return made, helper


def checkout(origin: Path, where: Path) -> Path:
    """As actions/checkout leaves it: one commit, only what git tracks."""
    subprocess.run(["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(where)], check=True)
    return where


@pytest.mark.parametrize(
    ("data", "carried"),
    [(False, True), (True, True), (True, False)],
    ids=["the workflow's: the legs' reports merged", "data combined, carried with the legs", "data without it"],
)
def test_a_module_only_the_legs_have_is_carried_or_left_out_never_red(
    py_ci: PyCI, tmp_path: Path, data: bool, carried: bool
) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q")
    commit(origin, VERSIONED, "release")
    uploads = tmp_path / "py-ci-results"
    for shard in (1, 2):
        leg = checkout(origin, tmp_path / f"leg-{shard}")
        write_files(leg, GENERATED)
        out = tmp_path / f"out-{shard}"
        env = {"PYTHONPATH": str(leg / "src"), "PY_CI_CHECKS": "test", "PY_CI_SHARD": f"{shard}/2"}
        env |= {"PY_CI_GATE_COVERAGE": "false", "PY_CI_LABEL": f"shard={shard}"}
        ran = py_ci("action", "--python", PYTHON, "--output-dir", str(out), cwd=leg, env=env)
        assert ran.status == 0, ran.stderr
        assert (out / "py-ci-sources" / "src/stamp/_version.py").is_file()  # git ignores it: the leg carries it
        if not carried:
            shutil.rmtree(out / "py-ci-sources")  # as results of a py-ci before it carried them
        shutil.copytree(out, uploads / f"py-ci-leg-{shard}")  # what upload-artifact and download-artifact carry
        shutil.rmtree(leg)  # the leg's runner is gone: only its uploaded results reach the gate
    gate = checkout(origin, tmp_path / "gate")
    assert not (gate / "src/stamp/_version.py").exists()
    durations = tmp_path / "durations.json"
    env = {"PY_CI_COVERAGE_THRESHOLD": "0"}
    # The reusable workflow's gate merges the legs' own reports, which need no source; --coverage-data runs
    # coverage.py's combine over their data, which needs each measured file here.
    if data:
        args = ("--coverage-data", str(uploads), "--python", PYTHON, "--coverage-only")
        outcome = py_ci("combine", str(uploads), *args, "--durations-out", str(durations), "--json", "--summary",
                        "s.md", cwd=gate, env=env)  # fmt: skip
        assert outcome.status == 0, outcome.stderr
        coverage = json.loads(outcome.stdout)["coverage"]
    else:
        # The workflow's gate job, on the helper `installer: none` makes (py-ci's code, no package at all): the
        # verdict's own process combines them.
        helper = action_helper(tmp_path / "runner", "none")[1]
        env["PY_CI_NEEDS"] = json.dumps({job: {"result": "success", "outputs": {}} for job in ("test", "group")})
        outcome = helper("gate", "--combine", str(uploads), "--durations-out", str(durations), "--json", "--summary",
                         "s.md", cwd=gate, env=env)  # fmt: skip
        assert outcome.status == 0, outcome.stdout + outcome.stderr
        coverage = json.loads(outcome.stdout)["combined"]["coverage"]
    tests = {"tests/test_core.py::test_label", "tests/test_empty.py::test_empty"}
    assert json.loads(durations.read_text()).keys() == tests
    summary = (gate / "s.md").read_text()
    files = [file["path"] for file in coverage["files"]]
    if not data:
        assert files == ["src/stamp/__init__.py", "src/stamp/_version.py", "src/stamp/core.py"]
        assert ("carried" in coverage, "left_out" in coverage) == (False, False)
    elif carried:
        assert files == ["src/stamp/__init__.py", "src/stamp/_version.py", "src/stamp/core.py"]
        assert (coverage["carried"], "left_out" in coverage) == (["src/stamp/_version.py"], False)
        assert (
            "Carried from the legs, generated at their install and absent from this checkout: `src/stamp/_version.py`"
            in summary
        )
    else:
        assert files == ["src/stamp/__init__.py", "src/stamp/core.py"]
        assert coverage["left_out"] == ["src/stamp/_version.py (its source is not here)"]
        assert "`src/stamp/_version.py (its source is not here)`" in summary
    assert coverage["total"] == 100.0  # each leg ran half of the tests: the union is whole


def test_the_gate_job_s_helper_is_py_ci_alone(tmp_path: Path) -> None:
    made, helper = action_helper(tmp_path / "runner", "none")
    assert made.status == 0, made.stderr
    site = next((tmp_path / "runner").glob("py-ci-helper-*/lib/python*/site-packages"))
    assert sorted(path.name for path in site.iterdir()) == ["py-ci-action.pth"]  # no pip ran: no package
    needs = {job: {"result": "success", "outputs": {}} for job in ("lint", "typecheck", "test", "group")}
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")}
    checked = helper("workflow-inputs", cwd=tmp_path, env={**github, **WORKFLOW_DEFAULTS})
    assert checked.status == 0, checked.stderr
    verdict = helper("gate", cwd=tmp_path, env={**github, "PY_CI_NEEDS": json.dumps(needs)})
    assert verdict.status == 0, verdict.stderr
    # An XML report is what it cannot read: one line, the fix, never a traceback.
    (tmp_path / "coverage.xml").write_text('<coverage line-rate="1"><packages/></coverage>')
    assert_one_line_error(
        helper("coverage", "coverage.xml", cwd=tmp_path),
        "coverage.xml: cannot be read: this helper has no defusedxml; set the helper up with installer uv or pip",
    )
    # With checks to run it makes no helper: they need the project installed.
    refused, _ = action_helper(tmp_path / "other", "none", checks="test")
    assert (refused.status, refused.stderr.splitlines()) == (
        2,
        ["py-ci: error: input installer: none installs nothing, and checks need the project; write uv or pip"],
    )
