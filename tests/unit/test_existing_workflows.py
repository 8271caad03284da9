"""The line reader of a project's own workflows: what a matrix lists, in block and flow style, and nothing else."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from py_ci.readers.workflows import ExistingWorkflow, read_workflow, read_workflows

MATRIX = """
    name: "CI"  # the tests
    on: [push]
    jobs:
      test:
        runs-on: ${{ matrix.platform }}
        strategy:
          matrix:
            platform:
              - ubuntu-22.04
              - 'macos-14'  # Apple silicon

              - windows-latest
            py: ["3.9", '3.13t', pypy3.10, "${{ github.event.inputs.extra }}", "3.x"]
            include:
              - platform: ubuntu-24.04-arm
                py: "3.14"
        steps:
          - uses: actions/setup-python@v5
            with:
              python-version: ${{ matrix.py }}
          - run: echo "# pytest is not run here" && make html
"""


def test_a_matrix_in_block_and_flow_style_is_read_and_expressions_are_left_out() -> None:
    found = read_workflow(".github/workflows/ci.yml", textwrap.dedent(MATRIX))
    assert found == ExistingWorkflow(
        path=".github/workflows/ci.yml",
        name="CI",
        tests=True,  # a quoted `#` is no comment: the run line says pytest
        runners=("macos-14", "ubuntu-22.04", "ubuntu-24.04-arm", "windows-latest"),
        pythons=("3.9", "3.13t", "pypy3.10", "3.14"),
        doctests=False,
        tools=(),
    )


def test_a_workflow_that_names_neither_is_named_by_its_file_and_tests_nothing(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.yaml").write_text("on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n")
    (folder / "py-ci.yml").write_text("name: ci\n")
    assert read_workflows(tmp_path, skip=frozenset({".github/workflows/py-ci.yml"})) == (
        ExistingWorkflow(".github/workflows/release.yaml", "release", False, ("ubuntu-latest",), (), False, ()),
    )
    assert read_workflows(tmp_path / "elsewhere") == ()


@pytest.mark.parametrize(
    ("run", "tools"),
    [
        ("tox", ("tox",)),  # the default environments: the tests
        ("pip install tox && tox -e py", ("tox",)),
        ("tox -e py312,docs", ("tox",)),
        ("nox -s tests-3.12", ("nox",)),
        ("tox -e ${{ matrix.env }}", ("tox",)),  # unknown until it runs: counted
        ("uvx --with tox-uv tox -e docs", ()),
        ("python -m pip install tox tox-gh", ()),  # installed, not run
        ("pip install tox; tox -e lint", ()),
        ("nox --session=lint", ()),
    ],
)
def test_tox_and_nox_count_where_they_run_test_environments(run: str, tools: tuple[str, ...]) -> None:
    found = read_workflow("ci.yml", f"jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n")
    assert (found.tools, found.tests) == (tools, bool(tools))
