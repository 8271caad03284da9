"""What a reviewer reads: the summary, the terminal text, step outputs and annotations."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.cli import COMMANDS
from py_ci.commands import Console
from py_ci.commands import coverage as coverage_command
from py_ci.github import SUMMARY_LIMIT
from py_ci.options.build import build_options
from py_ci.publication import publish
from py_ci.renderers.publications import coverage_publication
from tests.helpers import Measured, Outcome, annotation_lines, assert_gold, cobertura, parse_outputs

PyCI = Callable[..., Outcome]
Measure = Callable[..., Measured]


def test_summary_gold(sample_project: Measure, py_ci: PyCI) -> None:
    project = sample_project(branch=True)
    summary = project.root / "summary.md"
    summary.unlink(missing_ok=True)
    outcome = py_ci(
        "coverage", "--fail-under", "80", "--fail-under-file", "70", "--summary", str(summary), cwd=project.root
    )
    assert outcome.status == 1
    assert_gold("coverage_summary.md", summary.read_text(encoding="utf-8"))
    assert_gold("coverage_terminal.txt", outcome.stdout)


def test_summary_without_branches_and_passing(sample_project: Measure, py_ci: PyCI) -> None:
    project = sample_project(branch=False)
    summary = project.root / "summary.md"
    summary.unlink(missing_ok=True)
    outcome = py_ci("coverage", "--fail-under", "75", "--summary", str(summary), cwd=project.root)
    assert outcome.status == 0
    assert_gold("coverage_summary_lines.md", summary.read_text(encoding="utf-8"))


def test_summary_appends_to_the_step_summary(sample_project: Measure, py_ci: PyCI, tmp_path: Path) -> None:
    project = sample_project(branch=True)
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("# Earlier step\n")
    py_ci("coverage", cwd=project.root, env={"GITHUB_STEP_SUMMARY": str(step_summary)})
    text = step_summary.read_text()
    assert text.startswith("# Earlier step\n### ✅ Coverage 76.19%")


def test_step_outputs(sample_project: Measure, py_ci: PyCI, tmp_path: Path) -> None:
    project = sample_project(branch=True)
    output = tmp_path / "output"
    output.write_text("earlier<<EOF\nvalue\nEOF\n")
    py_ci("coverage", "--fail-under", "80", cwd=project.root, env={"GITHUB_OUTPUT": str(output)})
    outputs = parse_outputs(output.read_text())
    assert outputs == {
        "earlier": "value",
        "coverage": "76.19",
        "lines-covered": "22",
        "lines-valid": "28",
        "branches-covered": "10",
        "branches-valid": "14",
        "passed": "false",
    }


def test_annotations_in_actions(sample_project: Measure, py_ci: PyCI) -> None:
    project = sample_project(branch=True)
    outcome = py_ci(
        "coverage", "--fail-under", "80", "--fail-under-file", "75", cwd=project.root, env={"GITHUB_ACTIONS": "true"}
    )
    commands = annotation_lines(outcome.stdout)
    assert commands == [
        "::error title=Coverage::Coverage total of 76 is less than fail-under=80 (threshold from --fail-under)",
        "::error title=Coverage,file=shapes/text.py,line=1::"
        "Coverage of shapes/text.py: 69 is less than fail-under-file=75",
    ]


def test_no_annotations_outside_actions_unless_asked(sample_project: Measure, py_ci: PyCI) -> None:
    project = sample_project(branch=True)
    assert "::error" not in py_ci("coverage", "--fail-under", "80", cwd=project.root).stdout
    assert "::error" in py_ci("coverage", "--fail-under", "80", "--annotations", cwd=project.root).stdout


def test_json_prints_nothing_else(sample_project: Measure, py_ci: PyCI) -> None:
    project = sample_project(branch=True)
    outcome = py_ci("coverage", "--json", "--fail-under", "80", cwd=project.root)
    json.loads(outcome.stdout)
    assert outcome.status == 1


@pytest.fixture(scope="module")
def huge_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 files of 200 lines with every other line missing: a summary that must be cut."""
    root = tmp_path_factory.mktemp("huge")
    files = {f"pkg/module_{i:05d}/{'deep/' * 8}file.py": [1, 0] * 100 for i in range(5000)}
    (root / "coverage.xml").write_text(cobertura(files))
    return root


def test_summary_stays_under_the_runner_limit(huge_report: Path, py_ci: PyCI) -> None:
    outcome = py_ci("coverage", "--summary", "s.md", "--fail-under", "60", cwd=huge_report)
    assert outcome.status == 1
    summary = (huge_report / "s.md").read_text(encoding="utf-8")
    assert len(summary.encode("utf-8")) < SUMMARY_LIMIT
    listed = len(re.findall(r"^\| pkg/", summary, re.MULTILINE))
    assert 25 < listed < 5000
    assert f"{5000 - listed:,} files not listed, to keep this summary under the runner's 1 MiB limit" in summary
    assert "<summary>" in summary
    missing_cells = [line.rsplit("|", 2)[1] for line in summary.splitlines() if line.startswith("| pkg/")]
    assert all(len(cell) <= 242 for cell in missing_cells)
    assert all(cell.strip().endswith("…") for cell in missing_cells)


def test_terminal_lists_the_worst_files(huge_report: Path, py_ci: PyCI) -> None:
    outcome = py_ci("coverage", cwd=huge_report)
    assert "... 4,950 more files with the same or higher coverage (all are in --json)" in outcome.stdout


def test_collapsed_past_25_files(py_ci: PyCI, tmp_path: Path) -> None:
    (tmp_path / "coverage.xml").write_text(cobertura({f"f{i:02d}.py": [1] * i + [0] for i in range(1, 31)}))
    py_ci("coverage", "--summary", "s.md", cwd=tmp_path)
    summary = (tmp_path / "s.md").read_text()
    visible, hidden = summary.split("<details>")
    assert visible.count("\n| f") == 25
    assert "<summary>5 more files</summary>" in hidden
    assert hidden.count("\n| f") == 5
    # Worst first: f01 (50%) leads, f30 (96.77%) comes last.
    assert visible.index("| f01.py") < visible.index("| f02.py")
    assert "| f30.py" in hidden


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal_unless_no_color(sample_project: Measure, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_project(branch=True)
    monkeypatch.chdir(project.root)
    for name in ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def publish_to(terminal: FakeTerminal) -> str:
        options = build_options("coverage", {"fail_under": 80.0}, os.environ, project.root)
        publication = coverage_publication(coverage_command.run(options, Console(io.BytesIO(), io.StringIO())), options)
        publish(publication, options.publishing, terminal, io.StringIO())
        return terminal.getvalue()

    assert "\033[31mCoverage FAILED: total of 76 is less than fail-under=80" in publish_to(FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in publish_to(FakeTerminal())


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_is_printed(command: str, py_ci: PyCI, tmp_path: Path) -> None:
    """`--help` of each subcommand prints its usage (an empty exclusive group once made it an internal error)."""
    with pytest.raises(SystemExit) as ended:
        py_ci(*filter(None, [command, "--help"]), cwd=tmp_path)
    assert ended.value.code == 0
