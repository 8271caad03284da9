"""Coverage of a change's lines, on git histories made here, against diff-cover's own figures."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from py_ci.readers.git_diff import changed_lines
from tests.helpers import (
    GIT_ENV,
    Outcome,
    assert_one_line_error,
    child_pytest,
    clean_environ,
    commit,
    git,
    parse_outputs,
    run,
    write_files,
)

PyCI = Callable[..., Outcome]
BASE = {
    ".gitignore": "coverage.xml\n.coverage\n__pycache__/\ndiff-cover.json\n",
    "pkg/__init__.py": "",
    "pkg/calc.py": """
        def add(a, b):
            return a + b


        def sub(a, b):
            return a - b
        """,
    "pkg/old.py": "def gone():\n    return 1\n",
    "tests/test_calc.py": """
        from pkg.calc import add


        def test_add():
            assert add(1, 2) == 3
        """,
}
FEATURE = {
    "pkg/calc.py": """
        def add(a, b):
            return a + b


        def sub(a, b):
            return a - b


        def clamp(value, low, high):
            # Keep value within [low, high].
            if value < low:
                return low
            if value > high:
                return high
            return value


        def unused(x):
            y = x * 2
            return y
        """,
    "pkg/fresh.py": "def hello(name):\n    return 'hello ' + name\n",
    "tests/test_calc.py": """
        from pkg.calc import add, clamp
        from pkg.fresh import hello


        def test_add():
            assert add(1, 2) == 3


        def test_clamp():
            assert clamp(-5, 0, 10) == 0
            assert clamp(5, 0, 10) == 5


        def test_hello():
            assert hello("x") == "hello x"
        """,
}


def measure(root: Path, cov: str = "pkg") -> None:
    run(child_pytest(f"--cov={cov}", "--cov-report=xml", "tests"), root)


def diff_cover(root: Path, *extra: str) -> dict[str, Any]:
    report = root / "diff-cover.json"
    run(
        [
            sys.executable,
            "-m",
            "diff_cover.diff_cover_tool",
            "coverage.xml",
            "--compare-branch=main",
            f"--format=json:{report}",
            *extra,
        ],
        root,
        GIT_ENV,
    )
    result: dict[str, Any] = json.loads(report.read_text())
    return result


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, BASE, "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    (tmp_path / "pkg" / "old.py").unlink()
    commit(tmp_path, FEATURE, "feature")
    measure(tmp_path)
    return tmp_path


def ours(py_ci: PyCI, root: Path, *extra: str) -> dict[str, Any]:
    outcome = py_ci("coverage", "--json", "--diff-base", "main", *extra, cwd=root, env=GIT_ENV)
    assert outcome.status in (0, 1), outcome.stderr
    diff: dict[str, Any] = json.loads(outcome.stdout)["diff"]
    return diff


def assert_equals_diff_cover(diff: dict[str, Any], root: Path) -> None:
    theirs = diff_cover(root)
    theirs_float = diff_cover(root, "--total-percent-float")
    assert diff["lines_valid"] == theirs["total_num_lines"]
    assert diff["lines_valid"] - diff["lines_covered"] == theirs["total_num_violations"]
    assert int(diff["total"]) == theirs["total_percent_covered"]
    assert round(diff["total"], 2) == theirs_float["total_percent_covered"]
    stats = theirs["src_stats"]
    assert isinstance(stats, dict)
    for file in diff["files"]:
        # Per file, the uncovered changed lines are diff-cover's violations, one for one.
        assert file["lines_valid"] - file["lines_covered"] == len(stats[file["path"]]["violation_lines"])
        assert file["lines_covered"] == len(stats[file["path"]]["covered_lines"])


def test_equals_diff_cover(repo: Path, py_ci: PyCI) -> None:
    diff = ours(py_ci, repo)
    assert diff["lines_valid"] == 11  # 9 statements of clamp() and unused(), 2 of fresh.py; no comment line
    assert diff["lines_covered"] == 8
    assert_equals_diff_cover(diff, repo)
    assert [f["path"] for f in diff["files"]] == ["pkg/calc.py", "pkg/fresh.py"]


def test_a_base_that_moved_on_changes_nothing(repo: Path, py_ci: PyCI) -> None:
    before = ours(py_ci, repo)
    git(repo, "checkout", "-q", "main")
    commit(
        repo,
        {"pkg/calc.py": BASE["pkg/calc.py"] + "\n\ndef mul(a, b):\n    return a * b\n", "pkg/other.py": "x = 1\n"},
        "main moves on",
    )
    git(repo, "checkout", "-q", "feature")
    after = ours(py_ci, repo)
    assert {k: v for k, v in after.items() if k != "merge_base"} == {
        k: v for k, v in before.items() if k != "merge_base"
    }
    assert after["merge_base"] == before["merge_base"]
    assert_equals_diff_cover(after, repo)


def test_renames_deletions_crlf_and_uncommitted_changes(repo: Path, py_ci: PyCI) -> None:
    git(repo, "mv", "pkg/fresh.py", "pkg/renamed.py")
    (repo / "tests" / "test_calc.py").write_text(
        (repo / "tests" / "test_calc.py").read_text().replace("pkg.fresh", "pkg.renamed")
    )
    (repo / "pkg" / "crlf.py").write_bytes(b"def crlf(x):\r\n    if x:\r\n        return 1\r\n    return 2\r\n")
    (repo / "tests" / "test_crlf.py").write_text(
        "from pkg.crlf import crlf\n\n\ndef test_crlf():\n    assert crlf(1) == 1\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "rename, crlf")
    calc = repo / "pkg" / "calc.py"
    calc.write_text(calc.read_text() + "\n\ndef uncommitted():\n    return 0\n")  # unstaged: still counts
    measure(repo)
    diff = ours(py_ci, repo)
    paths = [f["path"] for f in diff["files"]]
    assert "pkg/renamed.py" in paths
    assert "pkg/fresh.py" not in paths
    calc_diff = next(f for f in diff["files"] if f["path"] == "pkg/calc.py")
    assert calc_diff["missing"] == "15, 20-21, 25"
    crlf = next(f for f in diff["files"] if f["path"] == "pkg/crlf.py")
    assert (crlf["lines_valid"], crlf["missing"]) == (4, "4")
    assert_equals_diff_cover(diff, repo)


def test_monorepo_folder_and_report_paths_relative_to_source(tmp_path: Path, py_ci: PyCI) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    project = tmp_path / "services" / "api"
    write_files(project, BASE)
    write_files(tmp_path, {"README.md": "monorepo\n"})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    write_files(project, FEATURE)
    write_files(tmp_path, {"services/web/app.py": "x = 1\n"})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "feature")
    measure(project)  # --cov=pkg: coverage.xml names files relative to <source>.../pkg
    assert 'filename="calc.py"' in (project / "coverage.xml").read_text()
    diff = ours(py_ci, project)
    assert [f["path"] for f in diff["files"]] == ["pkg/calc.py", "pkg/fresh.py"]
    assert diff["lines_valid"] == 11


def test_gate_output_summary_and_annotations(repo: Path, py_ci: PyCI, tmp_path: Path) -> None:
    output = tmp_path / "output"
    outcome = py_ci(
        "coverage",
        "--diff-base",
        "main",
        "--diff-fail-under",
        "80",
        "--summary",
        "s.md",
        cwd=repo,
        env={**GIT_ENV, "GITHUB_OUTPUT": str(output), "GITHUB_ACTIONS": "true"},
    )
    assert outcome.status == 1  # 8 of 11 is 72.73%
    assert parse_outputs(output.read_text())["diff-coverage"] == "72.73"
    warnings = [line for line in outcome.stdout.splitlines() if line.startswith("::warning")]
    assert warnings == [
        "::warning title=Diff coverage,file=pkg/calc.py,line=15,endLine=15::Changed line 15 not covered by tests",
        "::warning title=Diff coverage,file=pkg/calc.py,line=20,endLine=21::Changed lines 20-21 not covered by tests",
    ]
    assert "::error title=Diff coverage::Diff coverage of 73 is less than diff-fail-under=80" in outcome.stdout
    summary = (repo / "s.md").read_text()
    assert "#### ❌ Changed lines: 72.73% covered" in summary
    assert "| pkg/calc.py | 66.67% | 6/9 | 15, 20-21 |" in summary
    assert py_ci("coverage", "--diff-base", "main", "--diff-fail-under", "72", cwd=repo, env=GIT_ENV).status == 0


def test_odd_names_in_the_diff(repo: Path) -> None:
    (repo / "pkg" / "with space ü.py").write_text("x = 1\n")
    (repo / "pkg" / "tab\there.py").write_text("y = 2\n")
    git(repo, "add", "-A")
    diff = git(repo, "-c", "core.quotePath=false", "diff", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/", "main")
    assert '"b/pkg/tab\\there.py"' in diff
    changed = changed_lines(diff)
    assert changed["pkg/with space ü.py"] == {1}
    assert changed["pkg/tab\there.py"] == {1}


def test_missing_base_and_shallow_clone(repo: Path, py_ci: PyCI, tmp_path: Path) -> None:
    assert_one_line_error(py_ci("coverage", "--diff-base", "nope", cwd=repo, env=GIT_ENV), "fetch-depth: 0")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo}", str(shallow)],
        check=True,
        env=clean_environ(GIT_ENV),
    )
    git(shallow, "fetch", "-q", "--depth", "1", "origin", "main:main")
    (shallow / "coverage.xml").write_text((repo / "coverage.xml").read_text())
    outcome = py_ci("coverage", "--diff-base", "main", cwd=shallow, env=GIT_ENV)
    assert_one_line_error(outcome, "has no merge base with HEAD")
    assert "the clone may be shallow; check out with `fetch-depth: 0`" in outcome.stderr


def test_diff_fail_under_needs_a_base(repo: Path, py_ci: PyCI) -> None:
    assert_one_line_error(
        py_ci("coverage", "--diff-fail-under", "80", cwd=repo), "--diff-fail-under needs --diff-base REF"
    )


def test_report_carries_the_diff_gate(repo: Path, py_ci: PyCI) -> None:
    outcome = py_ci(
        "report",
        "--coverage",
        "coverage.xml",
        "--diff-base",
        "main",
        "--diff-fail-under",
        "80",
        "--json",
        cwd=repo,
        env=GIT_ENV,
    )
    result = json.loads(outcome.stdout)
    assert outcome.status == 1
    assert result["coverage"]["diff"]["lines_valid"] == 11
    assert {
        "gate": "diff-coverage",
        "passed": False,
        "message": "diff coverage of 73 is less than diff-fail-under=80",
    } in (result["coverage"]["verdicts"])
    assert_one_line_error(
        py_ci("report", "--coverage", "coverage.xml", "--diff-fail-under", "80", cwd=repo), "needs --diff-base"
    )
