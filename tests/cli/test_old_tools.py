"""A tool older than what py-ci asks of it: run with its own flags where it has them, else named as not run with the
reason and the fix, and every other check still reports. The real ruff 0.0.272 (its JSON is `--format json`, before
`--output-format`; no `ruff format --check`), installed as the project pins it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from py_ci.readers.ruff import read_ruff
from tests.helpers import PYTHON, Outcome, run, write_files

PyCI = Callable[..., Outcome]
PINNED = {
    "pyproject.toml": """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "pinned"
        version = "1"

        [dependency-groups]
        lint = ["ruff==0.0.272"]
        test = ["pytest"]
        """,
    "pinned/__init__.py": "import os\n\n\ndef double(value: int) -> int:\n    return value * 2\n",
    "tests/test_pinned.py": "from pinned import double\n\n\ndef test_double() -> None:\n    assert double(2) == 4\n",
}


def test_a_ruff_too_old_is_not_run_and_every_other_check_reports(py_ci: PyCI, tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_files(project, PINNED)
    run([PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path)
    python = str(tmp_path / "venv" / "bin" / "python")
    installed = py_ci("install", str(project), "--python", python, "--json", cwd=tmp_path)
    assert installed.status == 0, installed.stderr
    assert "ruff==0.0.272, as pyproject.toml [dependency-groups] lint asks" in installed.stderr
    outcome = py_ci("run", "--python", python, "--json", "--summary", "s.md", cwd=project)
    result = json.loads(outcome.stdout)
    fix = (
        "raise the project's pin in pyproject.toml [dependency-groups] lint (ruff==0.0.272) to ruff>=0.1.2, the first "
        "with a stable `ruff format` (py-ci's own is 0.17.5)"
    )
    # ruff 0.0.272 lints as its maintainers run it, its JSON asked for by its own flag; it has no `format --check`.
    [problem] = result["not_run"]
    assert (problem["title"], problem["what"], problem["fix"]) == (
        "ruff format --check",
        "was not run (ruff too old)",
        fix,
    )
    assert problem["cause"] == "ruff 0.0.272 does not know `format --check .` (unexpected argument '--check' found)"
    assert (
        next(item for item in result["ran"] if item["check"] == "ruff check")["command"] == "ruff check --format=json ."
    )
    assert (result["ruff"]["violations"], result["ruff"]["findings"][0]["code"]) == (1, "F401")
    assert [v["gate"] for v in result["ruff"]["verdicts"]] == ["ruff"]  # no format verdict for a format never run
    # mypy, the tests and their coverage still ran and reported.
    assert (result["mypy"]["errors"], result["tests"]["passed"], result["coverage"]["total"]) == (0, 1, 100.0)
    assert "ruff format --check was not run (ruff too old)" in (project / "s.md").read_text()
    assert outcome.status == 2  # as any check that did not finish
    assert outcome.stderr.splitlines()[-1].startswith(
        "py-ci: error: ruff format --check was not run (ruff too old): ruff 0.0.272"
    )


def test_an_older_ruffs_format_summary_is_read(tmp_path: Path) -> None:
    """ruff 0.1.8 (backports.tarfile's pre-commit pin) closes `format --check` with "N files would be reformatted,
    M files left unchanged": its findings are read, the run is not lost to a line py-ci did not know."""
    run([PYTHON, "-m", "venv", str(tmp_path / "venv")], tmp_path)
    run([str(tmp_path / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "ruff==0.1.8"], tmp_path)
    write_files(tmp_path / "project", {"ugly.py": "x  =  1\n", "fine.py": "x = 1\n"})
    said = run([str(tmp_path / "venv" / "bin" / "ruff"), "format", "--check", "."], tmp_path / "project").stdout
    assert said.splitlines()[-1] == "1 file would be reformatted, 1 file left unchanged"
    report = read_ruff(said, "format.txt")
    assert [(finding.path, finding.code) for finding in report.findings] == [("ugly.py", "unformatted")]
