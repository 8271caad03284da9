"""Every kind of summary py-ci writes, rendered by GitHub's own renderer (cmark-gfm's binding): each heading a
heading, each table a table, every `<details>` closed, and no Markdown left showing as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm import cmark

from tests.helpers import (
    LEGACY_PROJECT,
    PYTHON,
    TEST_GROUPS,
    TYPE_ERRORS,
    WORKFLOW_DEFAULTS,
    Outcome,
    commit,
    git,
    headings_on_github,
    needs,
    run,
    write_files,
)

PyCI = Callable[..., Outcome]
CLEAN = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
    "calc/__init__.py": '"""Sums."""\n\n\ndef add(a: int, b: int) -> int:\n    """Their sum."""\n    return a + b\n',
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 3\n",
}
# Markdown's own marks, which must never reach the reader as text (outside code, where they are the content).
STRAY = (
    re.compile(r"^#{1,6} ", re.MULTILINE),
    re.compile(r"\|\s*-{3,}"),
    re.compile(r"\*\*\S"),
    re.compile(r"\\[:_*]"),
)


def assert_renders_on_github(markdown: str) -> None:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=cmark.Options.CMARK_OPT_UNSAFE)
    headings_on_github(markdown)  # every heading a heading
    separators = [line for line in markdown.splitlines() if re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", line.strip())]
    assert html.count("<table>") == len(separators), f"a table shown as text on GitHub:\n{html}"
    assert markdown.count("<details>") == markdown.count("</details>") > 0 or "<details>" not in markdown
    assert html.count("<details>") == html.count("</details>")
    text = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "", text)
    for mark in STRAY:
        assert not mark.search(text), f"{mark.pattern!r} shown as text on GitHub:\n{text}"


def summary_of(py_ci: PyCI, root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    path = root.parent / f"{root.name}-summary.md"
    path.unlink(missing_ok=True)
    py_ci(*args, "--summary", str(path), cwd=root, env=env)
    return path.read_text()


def project(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    git(root, "init", "-q", "-b", "main")
    commit(root, {}, "today's code")
    return root


def green_run(py_ci: PyCI, tmp_path: Path) -> str:
    root = project(tmp_path / "green", CLEAN)
    return summary_of(py_ci, root, "run", "--python", PYTHON)


def red_run(py_ci: PyCI, tmp_path: Path) -> str:
    root = project(tmp_path / "red", LEGACY_PROJECT)
    return summary_of(py_ci, root, "run", "--python", PYTHON)


def baseline_run(py_ci: PyCI, tmp_path: Path) -> str:
    root = project(tmp_path / "baseline", LEGACY_PROJECT)
    py_ci("init", "--python", PYTHON, cwd=root)
    prices = root / "legacy" / "prices.py"
    prices.write_text(prices.read_text() + '\n\ndef broken() -> int:\n    return "one"\n')
    return summary_of(py_ci, root, "run", "--python", PYTHON)


def type_checker_run(py_ci: PyCI, tmp_path: Path) -> str:
    root = project(tmp_path / "ty", {**TYPE_ERRORS, "pyproject.toml": "[tool.ty]\n[tool.basedpyright]\n"})
    return summary_of(py_ci, root, "run", "--python", PYTHON, "--checks", "typecheck")


def legs(py_ci: PyCI, root: Path, names: tuple[str, ...]) -> Path:
    project(root, CLEAN)
    for leg in names:
        py_ci("run", "--python", PYTHON, "--checks", "test", "--save", f"results/{leg}.json", "--label", f"leg={leg}",
              cwd=root)  # fmt: skip
    return root


def matrix(py_ci: PyCI, tmp_path: Path) -> str:
    return summary_of(py_ci, legs(py_ci, tmp_path / "matrix", ("a", "b")), "combine", "results")


def gate_that_combines(py_ci: PyCI, tmp_path: Path) -> str:
    """The workflow's gate as it runs: the legs' coverage combined in its own process, then every job's row."""
    root = legs(py_ci, tmp_path / "combining", ("python=3.12",))
    env = {**WORKFLOW_DEFAULTS, "PY_CI_NEEDS": needs(), "PY_CI_COVERAGE_THRESHOLD": "100"}
    return summary_of(py_ci, root, "gate", "--inputs", "--combine", "results", env=env)


def gate(py_ci: PyCI, tmp_path: Path) -> str:
    path = tmp_path / "gate-summary.md"
    env = {"PY_CI_NEEDS": needs(test="failure"), "PY_CI_UNPLANNED_JOBS": "[]", "PY_CI_COVERAGE_OUTCOME": "success"}
    py_ci("gate", "--summary", str(path), cwd=tmp_path, env=env)
    return path.read_text()


def gate_with_its_plan(py_ci: PyCI, tmp_path: Path) -> str:
    """The workflow's gate, which checks the inputs itself: the plan after the table, or the wrong input's line."""
    (tmp_path / "tests" / "integration").mkdir(parents=True)
    env = {
        **WORKFLOW_DEFAULTS,
        "PY_CI_NEEDS": needs(),
        "PY_CI_COVERAGE_OUTCOME": "success",
        "PY_CI_TEST_GROUPS": TEST_GROUPS,
    }
    env["PY_CI_POSTGRES"] = "16"
    summary = summary_of(py_ci, tmp_path, "gate", "--inputs", env=env)
    env["PY_CI_COVERAGE_THRESHOLD"] = "nine*ty"
    return summary + "\n" + summary_of(py_ci, tmp_path, "gate", "--inputs", env=env)


def install(py_ci: PyCI, tmp_path: Path) -> str:
    run([PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path)
    root = project(tmp_path / "install", CLEAN)
    return summary_of(py_ci, root, "install", "--python", str(tmp_path / "venv" / "bin" / "python"), "--tool", "ruff")


def init(py_ci: PyCI, tmp_path: Path) -> str:
    root = project(tmp_path / "init", LEGACY_PROJECT)
    return summary_of(py_ci, root, "init", "--python", PYTHON)


KINDS = [
    green_run,
    red_run,
    baseline_run,
    type_checker_run,
    matrix,
    gate,
    gate_with_its_plan,
    gate_that_combines,
    install,
    init,
]


@pytest.mark.parametrize("kind", KINDS, ids=[kind.__name__ for kind in KINDS])
def test_every_summary_renders_on_github(py_ci: PyCI, tmp_path: Path, kind: Callable[[PyCI, Path], str]) -> None:
    markdown = kind(py_ci, tmp_path)
    assert markdown.strip(), f"{kind.__name__} wrote no summary"
    assert_renders_on_github(markdown)


def test_the_check_itself_sees_what_github_would_break() -> None:
    """A heading right after a closed `<details>` with no blank line is swallowed into the HTML block."""
    with pytest.raises(AssertionError, match="headings shown as text"):
        assert_renders_on_github("<details>\n<summary>x</summary>\n\ny\n</details>\n### ❌ ruff\\: 1 violation\n")
    with pytest.raises(AssertionError, match="shown as text"):
        assert_renders_on_github("**12 new findings, 3 fixed\n")  # a mark left open is shown as it is
