"""`py-ci mypy` and `py-ci ruff` on output the real tools print here."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.github import SUMMARY_LIMIT
from tests.helpers import Outcome, annotation_lines, assert_gold, assert_one_line_error, parse_outputs, run, write_files

PyCI = Callable[..., Outcome]

PROBLEMS = {
    "app/__init__.py": "",
    "app/models.py": """
        import os
        from dataclasses import dataclass


        @dataclass
        class User:
            name: str
            age: int


        def make(name, age):
            return User(name, age)


        def older(user: User) -> User:
            return User(user.name, user.age + "1")
        """,
    "app/views.py": """
        import json, sys

        from app.models import User


        def render(user: User) -> str:
            return json.dumps({"name": user.name, "age": user.age}, indent = 2)


        def broken() -> int:
            return undefined_name
        """,
    "app/clean.py": """
        def ok(value: int) -> int:
            return value * 2
        """,
}
RUFF_SELECT = "--select=E,F,I,UP"


def mypy(root: Path, *flags: str, target: str = "app") -> str:
    return run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *flags, target], root, allowed=(0, 1, 2)
    ).stdout


def ruff(root: Path, *args: str) -> str:
    return run([sys.executable, "-m", "ruff", *args, "--no-cache"], root).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checks")
    write_files(root, PROBLEMS)
    (root / "mypy.txt").write_text(mypy(root))
    (root / "mypy.json").write_text(mypy(root, "--output", "json"))
    (root / "ruff.json").write_text(ruff(root, "check", "--output-format=json", RUFF_SELECT, "app"))
    (root / "format.txt").write_text(ruff(root, "format", "--check", "app"))
    return root


def file_of(command: str) -> str:
    match = re.search(r"file=([^,:]+)", command)
    assert match is not None, command
    return match[1]


def found(pattern: str, text: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    assert match is not None, text
    return int(match[1])


@pytest.mark.parametrize("output", ["mypy.txt", "mypy.json"])
def test_mypy_errors_equal_mypys_count(project: Path, py_ci: PyCI, output: str) -> None:
    theirs = found(r"^Found (\d+) errors? in", (project / "mypy.txt").read_text())
    outcome = py_ci("mypy", "--json", output, cwd=project)
    result = json.loads(outcome.stdout)
    assert outcome.status == 1
    assert result["errors"] == theirs >= 4
    assert result["files"] == 2
    assert result["new_errors"] is None
    assert result["passed"] is False


def test_ruff_violations_equal_ruffs_count(project: Path, py_ci: PyCI) -> None:
    theirs = found(r"^Found (\d+) errors?\.", ruff(project, "check", "--output-format=concise", RUFF_SELECT, "app"))
    fixable = found(r"^\[\*\] (\d+) fixable", ruff(project, "check", "--output-format=concise", RUFF_SELECT, "app"))
    would = found(r"^(\d+) files? would be reformatted", (project / "format.txt").read_text())
    result = json.loads(py_ci("ruff", "--json", "ruff.json", "format.txt", cwd=project).stdout)
    assert result["violations"] == theirs
    assert result["fixable"] == fixable
    assert result["unformatted_files"] == would >= 1
    checked = {f["path"] for f in result["findings"] if f["code"] != "unformatted"}
    assert checked == {"app/models.py", "app/views.py"}  # ruff's absolute paths, relative to the workspace


def mypy_count(project: Path) -> int:
    return found(r"^Found (\d+) errors? in", (project / "mypy.txt").read_text())


def test_outputs(project: Path, py_ci: PyCI, tmp_path: Path) -> None:
    output = tmp_path / "output"
    py_ci("mypy", "mypy.txt", cwd=project, env={"GITHUB_OUTPUT": str(output)})
    py_ci("ruff", "ruff.json", "format.txt", cwd=project, env={"GITHUB_OUTPUT": str(output)})
    outputs = parse_outputs(output.read_text())
    assert outputs["mypy-errors"] == str(mypy_count(project))
    assert outputs["ruff-violations"] == str(
        json.loads(py_ci("ruff", "--json", "ruff.json", cwd=project).stdout)["violations"]
    )
    assert outputs["unformatted-files"] == str(found(r"^(\d+) files? would", (project / "format.txt").read_text()))
    assert outputs["passed"] == "false"


def test_limits_from_flags_and_tool_table(project: Path, py_ci: PyCI, tmp_path: Path) -> None:
    errors = mypy_count(project)
    assert py_ci("mypy", "mypy.txt", "--max-errors", str(errors), cwd=project).status == 0
    assert py_ci("mypy", "mypy.txt", "--max-errors", str(errors - 1), cwd=project).status == 1
    for name in ("mypy.txt", "ruff.json"):
        (tmp_path / name).write_text((project / name).read_text())
    (tmp_path / "pyproject.toml").write_text(f"[tool.py-ci]\nmax-mypy-errors = {errors}\nmax-ruff-violations = 100\n")
    outcome = py_ci("mypy", "mypy.txt", cwd=tmp_path)
    assert outcome.status == 0
    assert "(limit from pyproject.toml [tool.py-ci] max-mypy-errors)" in outcome.stdout
    assert py_ci("ruff", "ruff.json", cwd=tmp_path).status == 0


def test_stdin(project: Path, py_ci: PyCI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((project / "mypy.txt").read_bytes())))
    result = json.loads(py_ci("mypy", "--json", "-", cwd=project).stdout)
    assert result["errors"] == mypy_count(project)


def test_summaries_gold(project: Path, py_ci: PyCI) -> None:
    for tool, args in (("mypy", ["mypy.txt"]), ("ruff", ["ruff.json", "format.txt"])):
        summary = project / f"{tool}-summary.md"
        summary.unlink(missing_ok=True)
        outcome = py_ci(tool, *args, "--summary", str(summary), cwd=project)
        assert_gold(f"{tool}_summary.md", summary.read_text(encoding="utf-8"))
        assert_gold(f"{tool}_terminal.txt", outcome.stdout)


def test_annotations_spread_over_files_and_codes(project: Path, py_ci: PyCI) -> None:
    outcome = py_ci("ruff", "ruff.json", "format.txt", "--annotations", cwd=project)
    commands = annotation_lines(outcome.stdout)
    assert 1 < len(commands) <= 10
    assert {file_of(c) for c in commands} == {
        "app/clean.py",
        "app/models.py",
        "app/views.py",
    }
    assert any("title=ruff format," in c for c in commands)
    assert all(c.startswith("::error title=ruff") for c in commands)


# --- thousands of findings -------------------------------------------------------------------


@pytest.fixture(scope="module")
def flood(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 real mypy errors and 6,000 real ruff violations over 30 files."""
    root = tmp_path_factory.mktemp("flood")
    files = {"flood/__init__.py": ""}
    for module in range(30):
        files[f"flood/m{module:02d}.py"] = "import os, sys\n" + "".join(
            f'v{i}: int = "text {i}"\nw{i} = undefined_{i}\n' for i in range(100)
        )
    write_files(root, files)
    (root / "mypy.txt").write_text(mypy(root, target="flood"))
    (root / "ruff.json").write_text(ruff(root, "check", "--output-format=json", "--select=F,E", "flood"))
    return root


@pytest.mark.parametrize(
    ("tool", "output", "key"), [("mypy", "mypy.txt", "errors"), ("ruff", "ruff.json", "violations")]
)
def test_thousands_of_findings(flood: Path, py_ci: PyCI, tool: str, output: str, key: str) -> None:
    summary = flood / f"{tool}.md"
    summary.unlink(missing_ok=True)
    outcome = py_ci(tool, output, "--summary", str(summary), cwd=flood, env={"GITHUB_ACTIONS": "true"})
    assert outcome.status == 1
    commands = annotation_lines(outcome.stdout)
    levels = [line.split(" ", 1)[0] for line in commands]
    assert levels.count("::error") == 10
    assert all(levels.count(level) <= 10 for level in set(levels))
    assert len({file_of(c) for c in commands}) == 10
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode()) < SUMMARY_LIMIT
    total = json.loads(py_ci(tool, output, "--json", cwd=flood).stdout)[key]
    assert total >= 3000
    assert f"{total - 10:,} annotations left out: the runner shows 10 per level in a step" in text


# --- baselines ----------------------------------------------------------------------------------


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    write_files(tmp_path, PROBLEMS)
    return tmp_path


def test_baseline_round_trip_survives_moved_lines_and_names_a_new_error(legacy: Path, py_ci: PyCI) -> None:
    (legacy / "before.txt").write_text(mypy(legacy))
    outcome = py_ci("mypy", "before.txt", "--write-baseline", "baseline.json", cwd=legacy)
    assert outcome.status == 0
    assert py_ci("mypy", "before.txt", "--baseline", "baseline.json", cwd=legacy).status == 0

    for path in (legacy / "app").glob("*.py"):
        path.write_text("\n" * 5 + path.read_text())
    shifted = mypy(legacy)
    assert shifted != (legacy / "before.txt").read_text()
    (legacy / "shifted.txt").write_text(shifted)
    assert py_ci("mypy", "shifted.txt", "--baseline", "baseline.json", cwd=legacy).status == 0

    models = legacy / "app" / "models.py"
    models.write_text(models.read_text() + "\n\ndef new_bug() -> str:\n    return 42\n")
    (legacy / "after.txt").write_text(mypy(legacy))
    summary = legacy / "summary.md"
    outcome = py_ci(
        "mypy", "after.txt", "--baseline", "baseline.json", "--summary", str(summary), "--annotations", cwd=legacy
    )
    assert outcome.status == 1
    text = summary.read_text()
    assert "4 known findings, **1 new**, 0 fixed" in text
    assert "Incompatible return value type (got &quot;int&quot;, expected &quot;str&quot;)" in text
    commands = annotation_lines(outcome.stdout)
    assert commands == [
        "::error title=mypy [return-value],file=app/models.py,line=26::"
        'Incompatible return value type (got "int", expected "str")'
    ]
    assert (
        json.loads(py_ci("mypy", "after.txt", "--baseline", "baseline.json", "--json", cwd=legacy).stdout)["new_errors"]
        == 1
    )


def test_baseline_reports_fixed_findings(legacy: Path, py_ci: PyCI) -> None:
    (legacy / "before.json").write_text(ruff(legacy, "check", "--output-format=json", RUFF_SELECT, "app"))
    py_ci("ruff", "before.json", "--write-baseline", "ruff-baseline.json", cwd=legacy)
    views = legacy / "app" / "views.py"
    views.write_text(views.read_text().replace("import json, sys", "import json"))
    (legacy / "after.json").write_text(ruff(legacy, "check", "--output-format=json", RUFF_SELECT, "app"))
    result = json.loads(py_ci("ruff", "after.json", "--baseline", "ruff-baseline.json", "--json", cwd=legacy).stdout)
    assert result["new_violations"] == 0
    assert result["passed"] is True
    summary = legacy / "s.md"
    py_ci("ruff", "after.json", "--baseline", "ruff-baseline.json", "--summary", str(summary), cwd=legacy)
    assert "**0 new**, 3 fixed" in summary.read_text()  # E401, F401 and I001 on the import line


def test_a_format_baseline_accepts_the_file_as_it_was_not_new_unformatted_code(legacy: Path, py_ci: PyCI) -> None:
    views = legacy / "app" / "views.py"
    (legacy / "before.txt").write_text(ruff(legacy, "format", "--check", "app"))
    assert py_ci("ruff", "before.txt", "--write-baseline", "format-baseline.json", cwd=legacy).status == 0
    # Formatted code above it moves the unformatted lines: still the same finding.
    views.write_text('"""Views."""\n\n' + views.read_text())
    (legacy / "moved.txt").write_text(ruff(legacy, "format", "--check", "app"))
    assert py_ci("ruff", "moved.txt", "--baseline", "format-baseline.json", cwd=legacy).status == 0
    # A badly formatted function added to the accepted file is new.
    views.write_text(views.read_text() + "\n\ndef  added( x ):\n    return {1:x}\n")
    (legacy / "after.txt").write_text(ruff(legacy, "format", "--check", "app"))
    outcome = py_ci("ruff", "after.txt", "--baseline", "format-baseline.json", cwd=legacy)
    assert outcome.status == 1
    assert "1 new format finding" in outcome.stdout
    # Only ruff format ran: nothing is said of ruff check, its violations neither passed nor fixed.
    assert "violation" not in outcome.stdout
    moved = py_ci("ruff", "moved.txt", "--baseline", "format-baseline.json", cwd=legacy).stdout
    assert "Baseline: 3 known, 0 new, 0 fixed" in moved
    assert "ruff passed" not in moved


def test_baseline_in_the_tool_table(legacy: Path, py_ci: PyCI) -> None:
    (legacy / "mypy.txt").write_text(mypy(legacy))
    (legacy / "ci").mkdir()
    py_ci("mypy", "mypy.txt", "--write-baseline", "ci/mypy-baseline.json", cwd=legacy)
    (legacy / "pyproject.toml").write_text('[tool.py-ci]\nmypy-baseline = "ci/mypy-baseline.json"\n')
    outcome = py_ci("mypy", "mypy.txt", cwd=legacy)
    assert outcome.status == 0
    assert "Baseline: 4 known, 0 new, 0 fixed" in outcome.stdout


BAD_BASELINES = {
    "missing": (None, "nope.json: no such file"),
    "not json": ("{", "nope.json:1:2: is not valid JSON"),
    "not ours": ('{"findings": []}', 'is not a py-ci baseline (no "py-ci-baseline": 1)'),
    "other tool": ('{"py-ci-baseline": 1, "tool": "ruff", "findings": []}', "is a baseline for 'ruff', not mypy"),
    "bad entry": (
        '{"py-ci-baseline": 1, "tool": "mypy", "findings": [{"path": "a"}]}',
        "finding 1 lacks path, code or message",
    ),
}


@pytest.mark.parametrize("case", BAD_BASELINES)
def test_bad_baseline_is_one_line(project: Path, py_ci: PyCI, tmp_path: Path, case: str) -> None:
    text, expected = BAD_BASELINES[case]
    (tmp_path / "mypy.txt").write_text((project / "mypy.txt").read_text())
    if text is not None:
        (tmp_path / "nope.json").write_text(text)
    assert_one_line_error(py_ci("mypy", "mypy.txt", "--baseline", "nope.json", cwd=tmp_path), expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["mypy", "x", "--baseline", "a", "--write-baseline", "b"], "not allowed with argument"),
        (
            ["ruff", "--max-violations", "-1"],
            "argument --max-violations/--max-ruff-violations: '-1' is not a whole number",
        ),
        (["mypy", "missing.txt"], "missing.txt: no such file"),
        (["ruff", "empty.txt"], "empty.txt: is empty"),
        (["ruff", "junk.txt"], "junk.txt:1: is not a line of `ruff format --check`"),
        (["mypy", "junk.txt"], "junk.txt:1: is not a mypy line"),
        (["mypy", "latin1.txt"], "latin1.txt: is not UTF-8 text"),
    ],
)
def test_check_usage_and_input_errors(py_ci: PyCI, tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "junk.txt").write_text("hello there\n")
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9.py:1: error: x\n")
    assert_one_line_error(py_ci(*args, cwd=tmp_path), expected)
