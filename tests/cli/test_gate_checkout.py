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

from tests.helpers import PYTHON, Outcome, commit, git, write_files

PyCI = Callable[..., Outcome]
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
    combined = ("--coverage-data", str(uploads), "--python", PYTHON) if data else ()
    args = (*combined, "--coverage-only", "--durations-out", str(durations))
    outcome = py_ci("combine", str(uploads), *args, "--json", "--summary", "s.md", cwd=gate, env=env)
    assert outcome.status == 0, outcome.stderr
    coverage = json.loads(outcome.stdout)["coverage"]
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
