"""A report always: coverage.py's data may name files it cannot report (a template compiled under its own name, a
module generated at install that a gate's checkout lacks). They are left out of the figure and named; the tests'
results and every other file's coverage are still reported. Real pytest, coverage.py and git checkouts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.helpers import PYTHON, Outcome, write_files

PyCI = Callable[..., Outcome]
# A template language's compiled code runs under the template's own file name, as Mako and Chameleon do.
TEMPLATED = {
    # The project silences the warning coverage.py gives for such a file (as jaraco's projects do): still named.
    "pyproject.toml": '[tool.coverage.run]\nsource = ["pages"]\nbranch = true\ndisable_warnings = ["couldnt-parse"]\n',
    "pages/__init__.py": "",
    "pages/render.py": """
        from pathlib import Path

        TEMPLATES = Path(__file__).parent / "templates"


        def render(name: str, **values: object) -> str:
            page = TEMPLATES / name
            # The template's own text becomes Python code, compiled under the template's name.
            code = "out = " + repr(page.read_text()) + ".format(**values)\\n"
            namespace: dict[str, object] = {"values": values}
            exec(compile(code, str(page), "exec"), namespace)
            return str(namespace["out"])
        """,
    "pages/templates/page": "Hello, {who}!\n",
    "tests/test_render.py": """
        from pages.render import render


        def test_page() -> None:
            assert render("page", who="world") == "Hello, world!\\n"


        def test_fails() -> None:
            assert render("page", who="nobody") == "Nobody here"
        """,
}


def test_a_measured_file_that_is_not_python_is_left_out_and_named(py_ci: PyCI, tmp_path: Path) -> None:
    write_files(tmp_path, TEMPLATED)
    env = {"PYTHONPATH": str(tmp_path)}
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", "--summary", "s.md", cwd=tmp_path, env=env)
    result = json.loads(outcome.stdout)
    assert outcome.status == 1, outcome.stderr  # the failing test, not the coverage
    assert (result["tests"]["passed"], result["tests"]["failed"]) == (1, 1)
    assert "not_run" not in result
    assert [file["path"] for file in result["coverage"]["files"]] == ["pages/__init__.py", "pages/render.py"]
    assert result["coverage"]["left_out"] == ["pages/templates/page (not Python)"]
    summary = (tmp_path / "s.md").read_text()
    assert (
        "Left out of the figure: 1 measured file coverage.py cannot report (`pages/templates/page (not Python)`)."
        in summary
    )


def test_coverage_that_cannot_be_reported_keeps_the_tests_results(py_ci: PyCI, tmp_path: Path) -> None:
    # The configured source is never imported: coverage.py has no data to report, the tests still ran.
    files = {**TEMPLATED, "pyproject.toml": '[tool.coverage.run]\nsource = ["elsewhere"]\n'}
    write_files(tmp_path, files)
    env = {"PYTHONPATH": str(tmp_path)}
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=tmp_path, env=env)
    result = json.loads(outcome.stdout)
    assert outcome.status == 2
    assert (result["tests"]["passed"], result["tests"]["failed"]) == (1, 1)
    [problem] = result["not_run"]
    assert (problem["title"], problem["what"]) == ("coverage of pytest", "was not measured")
    assert "No data to report" in problem["cause"]
