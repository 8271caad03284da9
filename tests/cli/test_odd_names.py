"""File names with characters that mean something to Markdown, HTML, JSON or the runner."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.github import escape_property
from py_ci.renderers.markdown import code, escape
from tests.helpers import Outcome, cobertura, coverage, run

PyCI = Callable[..., Outcome]

ODD_NAMES = [
    "with space.py",
    "comma,name.py",
    "colon:name.py",
    "pipe|name.py",
    "naïve_ünïcode_名前.py",
    "amp&lt<gt>quote\"apos'.py",
    "back`tick`.py",
    "star*under_score*.py",
    "emoji :x: @mention $math$.py",
]


@pytest.fixture(scope="module")
def odd_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real scripts with odd names, measured by coverage.py with relative paths."""
    root = tmp_path_factory.mktemp("odd")
    (root / ".coveragerc").write_text("[run]\nbranch = true\nrelative_files = true\n")
    for name in ODD_NAMES:
        (root / name).write_text("import sys\nif len(sys.argv) > 5:\n    print('many')\nprint('ok')\n")
        run(coverage("run", "--append", name), root)
    run(coverage("xml", "-q"), root)
    return root


def test_names_survive_into_json(odd_project: Path, py_ci: PyCI) -> None:
    outcome = py_ci("coverage", "--json", cwd=odd_project)
    paths = [f["path"] for f in json.loads(outcome.stdout)["files"]]
    assert sorted(paths) == sorted(ODD_NAMES)


def test_names_are_inert_in_the_summary(odd_project: Path, py_ci: PyCI) -> None:
    py_ci("coverage", "--summary", "summary.md", cwd=odd_project)
    summary = (odd_project / "summary.md").read_text(encoding="utf-8")
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "%" in line]
    assert len(rows) == len(ODD_NAMES)
    for row in rows:
        # Five columns: a `|` from a name is escaped, so it never opens a cell.
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
    assert "<gt>" not in summary
    assert "&lt;gt&gt;" in summary
    assert "&quot;" in summary
    assert "&#x27;" in summary
    assert "pipe\\|name.py" in summary
    assert "back\\`tick\\`.py" in summary
    assert "star\\*under\\_score\\*.py" in summary
    assert "emoji \\:x\\: \\@mention \\$math\\$.py" in summary
    assert "naïve\\_ünïcode\\_名前.py" in summary


def test_newlines_in_names_cannot_break_a_row(py_ci: PyCI, tmp_path: Path) -> None:
    # Linux allows CR and LF in file names; a report carries them as &#10; and &#13;.
    (tmp_path / "coverage.xml").write_text(cobertura({"a\nb\rc.py": [1, 0]}))
    outcome = py_ci("coverage", "--json", "--summary", "s.md", cwd=tmp_path)
    assert json.loads(outcome.stdout)["files"][0]["path"] == "a\nb\rc.py"
    assert r"| a\\nb\\rc.py |" in (tmp_path / "s.md").read_text()


def test_escape_and_code_spans() -> None:
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape("a|b") == "a\\|b"
    assert code("plain") == "`plain`"
    assert code("has `tick`") == "`` has `tick` ``"
    assert code("`edge") == "`` `edge ``"


def test_annotation_properties_escape_commas_and_colons() -> None:
    assert escape_property("dir,with:odd%name\r\n.py") == "dir%2Cwith%3Aodd%25name%0D%0A.py"


def test_json_is_utf8_on_any_console(odd_project: Path) -> None:
    result = run([sys.executable, "-m", "py_ci", "coverage", "--json"], odd_project, {"PYTHONIOENCODING": "ascii"})
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert "naïve_ünïcode_名前.py" in paths
