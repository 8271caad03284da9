"""The workflow `py-ci init` writes, run by a real runner (act) on the tree init measured: green on day one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.act import GIT, run_act
from tests.helpers import LEGACY_PROJECT, PYTHON, py_ci_process, write_files

pytestmark = pytest.mark.e2e


def test_the_workflow_init_wrote_is_green_on_the_same_tree(tmp_path: Path, action: Path) -> None:
    root = tmp_path / "legacy"
    write_files(root, LEGACY_PROJECT)
    subprocess.run(["git", "init", "-q", "-b", "trunk"], cwd=root, check=True)
    adopted = py_ci_process("init", "--python", PYTHON, cwd=root)
    assert adopted.status == 0, adopted.stdout + adopted.stderr
    for cache in (".mypy_cache", ".ruff_cache", ".pytest_cache"):
        shutil.rmtree(root / cache, ignore_errors=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "adopt py-ci"], cwd=root, check=True)
    result = run_act(root, action, tmp_path / "out", {})
    assert result.status == 0, result.log[-4000:]
    assert result.job_outputs("gate")["passed"] == "true"
    summary = result.summary
    assert "| coverage | ✅ passed |" in summary
    assert "Baseline `.py-ci/mypy-baseline.json`" in summary  # the old findings are known, none is new
    assert "**0 new**" in summary
