"""`py-ci init` on a project that is red today: a green first day, and only new problems fail after it."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest
import yaml

from tests.helpers import BIN, LEGACY_PROJECT, PYTHON, Outcome, assert_one_line_error, commit, git, run, write_files

PyCI = Callable[..., Outcome]


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    root = tmp_path / "legacy"
    write_files(root, LEGACY_PROJECT)
    git(root, "init", "-q", "-b", "trunk")
    commit(root, {}, "today's code")
    return root


def py_ci_run(py_ci: PyCI, root: Path) -> tuple[Outcome, dict[str, object]]:
    outcome = py_ci("run", "--python", PYTHON, "--json", cwd=root)
    return outcome, json.loads(outcome.stdout)


def test_red_today_green_after_init_and_only_new_problems_fail(py_ci: PyCI, legacy: Path) -> None:
    before, result = py_ci_run(py_ci, legacy)
    assert before.status == 1  # mypy --strict, ruff and ruff format say no today
    total = result["coverage"]["total"]  # type: ignore[index]
    assert 60 < total < 90
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 0, outcome.stdout + outcome.stderr
    assert "py-ci init: the next run is green" in outcome.stdout
    table = tomllib.loads((legacy / "pyproject.toml").read_text())["tool"]["py-ci"]
    assert table == {
        "coverage-threshold": int(total),
        "mypy-baseline": ".py-ci/mypy-baseline.json",
        "ruff-baseline": ".py-ci/ruff-baseline.json",
    }
    assert "commit them: git add .py-ci/mypy-baseline.json .py-ci/ruff-baseline.json pyproject.toml" in outcome.stdout
    workflow = (legacy / ".github" / "workflows" / "py-ci.yml").read_text()
    assert "uses: org/py-ci/.github/workflows/py-ci.yml@v1" in workflow
    assert 'python-versions: \'["3.11", "3.12"]\'' in workflow  # from the classifiers
    assert 'branches: ["trunk"]' in workflow

    after, _ = py_ci_run(py_ci, legacy)
    assert after.status == 0, after.stdout

    # Run twice, it changes nothing.
    adopted = [legacy / "pyproject.toml", *legacy.glob(".py-ci/*"), *legacy.glob(".github/workflows/*")]
    written = {path: path.read_bytes() for path in adopted}
    again = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert again.status == 0
    assert "nothing to commit: it was all so already" in again.stdout
    assert {path: path.read_bytes() for path in written} == written

    # A new type error is the change's own: it fails, by name; the old ones stay accepted.
    prices = legacy / "legacy" / "prices.py"
    prices.write_text(prices.read_text() + '\n\ndef broken() -> int:\n    return "one"\n')
    red = py_ci("run", "--python", PYTHON, "--checks", "typecheck", cwd=legacy)
    assert red.status == 1
    # Only the new one is listed: the accepted ones would bury it.
    listed = [line for line in red.stdout.splitlines() if ": error: " in line]
    assert listed == [
        'legacy/prices.py:24: error: Incompatible return value type (got "str", expected "int")  [return-value]'
    ]
    assert "mypy: 1 new error, 1 accepted by the baseline" in red.stdout
    assert "mypy FAILED: 1 new error" in red.stdout
    assert "py-ci init" not in red.stdout  # a baseline is configured: the new error is the change's own


def test_nothing_is_overwritten_without_force(py_ci: PyCI, legacy: Path) -> None:
    pyproject = legacy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.py-ci]\ncoverage-threshold = 95\n")
    workflow = legacy / ".github" / "workflows" / "py-ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n")
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 1
    assert "still red: [tool.py-ci] coverage-threshold holds another value: rerun with --force" in outcome.stdout
    assert workflow.read_text() == "name: mine\n"
    assert "coverage-threshold = 95" in pyproject.read_text()
    forced = py_ci("init", "--python", PYTHON, "--force", cwd=legacy)
    assert forced.status == 0, forced.stdout
    assert "coverage-threshold = 95" not in pyproject.read_text()
    assert workflow.read_text().startswith("# Written by `py-ci init`")
    assert py_ci("run", "--python", PYTHON, cwd=legacy).status == 0


def test_the_workflow_it_writes_lints_clean(py_ci: PyCI, legacy: Path) -> None:
    py_ci("init", "--python", PYTHON, cwd=legacy)
    workflow = legacy / ".github" / "workflows" / "py-ci.yml"
    linted = run([str(BIN / "actionlint"), "-shellcheck", str(BIN / "shellcheck"), str(workflow)], legacy)
    assert linted.returncode == 0, linted.stdout
    checked = run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)], legacy)
    assert checked.returncode == 0, checked.stdout
    audited = run(
        [str(BIN / "zizmor"), "--offline", "--persona=auditor", str(workflow)],
        legacy,
        allowed=(0, 1, 10, 11, 12, 13, 14),
    )
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "No findings to report" in audited.stdout + audited.stderr


def test_the_workflow_reports_in_merge_queues_and_cancels_only_superseded_pull_request_runs(
    py_ci: PyCI, legacy: Path
) -> None:
    py_ci("init", "--python", PYTHON, cwd=legacy)
    workflow = yaml.safe_load((legacy / ".github" / "workflows" / "py-ci.yml").read_text())
    assert set(workflow[True]) == {"push", "pull_request", "merge_group"}  # YAML 1.1 reads `on` as true
    group = workflow["concurrency"]["group"]
    # Pull requests share a group per ref; every other run (a push to the default branch, a queue entry) its own.
    assert group == "${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}"
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    text = (legacy / ".github" / "workflows" / "py-ci.yml").read_text()
    assert "strictest" not in text
    assert "pins this workflow's jobs, not their\n    # steps: they run the action `org/py-ci@v1`" in text


def test_failing_tests_are_not_hidden(py_ci: PyCI, legacy: Path) -> None:
    write_files(legacy, {"tests/test_more.py": "def test_wrong():\n    assert 1 == 2\n"})
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 1
    assert (
        "still red: the tests fail today (1 failure and 0 errors): py-ci init hides no failing test" in outcome.stdout
    )


def test_its_json_is_alone_on_stdout_in_actions(py_ci: PyCI, legacy: Path) -> None:
    outcome = py_ci("init", "--python", PYTHON, "--json", cwd=legacy, env={"GITHUB_ACTIONS": "true"})
    result = json.loads(outcome.stdout)
    assert (outcome.status, result["passed"]) == (0, True)
    assert [item["state"] for item in result["files"]] == ["new", "new", "updated", "new"]
    assert [item["hidden"] for item in result["files"]] == ["", "", "", ""]
    assert result["found"] == []  # no workflow of its own, no black, no flake8
    assert result["job"]["mypy"]["errors"] > 0


# A project's own CI, as projects write theirs: a matrix over runners and Pythons, doctests, tox.
OWN_CI = {
    ".github/workflows/tests.yml": """
        name: tests
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-latest, windows-latest]  # Windows users report most bugs
                python-version:
                  - "3.10"
                  - "3.11"
                  - "3.13"
                  - "3.7"
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-python@v5
                with:
                  python-version: ${{ matrix.python-version }}
              - run: pip install tox && tox -e py
              - run: pytest --doctest-modules legacy
          self:
            runs-on: [self-hosted, gpu]
            steps:
              - run: pytest
        """,
    ".github/workflows/docs.yml": """
        name: docs
        on: push
        jobs:
          d:
            runs-on: ubuntu-latest
            steps:
              - run: make html
        """,
    ".flake8": "[flake8]\nmax-line-length = 100\n",
}


def test_it_looks_around_carries_the_projects_ci_over_and_names_what_git_would_hide(py_ci: PyCI, legacy: Path) -> None:
    pyproject = legacy / "pyproject.toml"
    commit(legacy, {**OWN_CI, "pyproject.toml": pyproject.read_text() + "\n[tool.black]\nline-length = 100\n"}, "ci")
    commit(legacy, {".gitignore": ".*\n!/.py-ci/\n"}, "hide the dot files")  # `.*`, as a real project has it
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 0, outcome.stdout + outcome.stderr
    said = outcome.stdout
    assert "found: .github/workflows/docs.yml: run no tests, left as they are" in said
    assert (
        "found: .github/workflows/tests.yml (tests) tests too: py-ci's workflow takes over Python 3.13; "
        "runners windows-latest (os)" in said
    )
    assert (
        "found: .github/workflows/tests.yml (tests): Python 3.10 left out: the project's requires-python "
        "excludes them" in said
    )
    assert (
        "found: .github/workflows/tests.yml (tests): Python 3.7 left out: setup-python no longer provides them" in said
    )
    assert (
        "found: .github/workflows/tests.yml (tests): runner labels gpu, self-hosted left out: py-ci's workflow runs "
        "on GitHub's hosted runners" in said
    )
    assert "found: .github/workflows/tests.yml (tests) runs doctests, which py-ci's tests do not collect" in said
    assert "found: .github/workflows/tests.yml (tests) runs tox: what its environments run beyond pytest" in said
    workflow = (legacy / ".github" / "workflows" / "py-ci.yml").read_text()
    assert 'python-versions: \'["3.11", "3.12", "3.13"]\'' in workflow
    assert 'os: \'["ubuntu-latest", "windows-latest"]\'' in workflow
    assert (
        "found: the project uses black (pyproject.toml [tool.black]) and flake8 (.flake8 [flake8]); py-ci runs ruff "
        "in their place: ruff check finds 1 (1 F401), ruff format would reformat 3 files; accepted in the ruff baseline"
        in said
    )
    hidden = "git ignores it (.gitignore:1:.*): commit it with `git add -f`, or add `!/.github/` to .gitignore"
    assert f"found: .github/workflows/py-ci.yml: {hidden}" in said
    assert ".py-ci/ruff-baseline.json: git ignores it" not in said  # the .gitignore's own `!/.py-ci/` shows it
    line = next(line for line in said.splitlines() if line.startswith("commit them: "))
    assert line.startswith("commit them: git add -f ")
    git(legacy, *line.removeprefix("commit them: git ").split())  # what it says works
    staged = git(legacy, "diff", "--cached", "--name-only").split()
    assert sorted(staged) == sorted(line.removeprefix("commit them: git add -f ").split())


def test_outside_a_git_repository_it_says_so_and_writes_nothing(py_ci: PyCI, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write_files(root, LEGACY_PROJECT)
    outcome = py_ci("init", "--python", PYTHON, cwd=root)
    assert_one_line_error(
        outcome, f"{root}: is not inside a git repository; run py-ci init in the project's git checkout"
    )
    assert not (root / ".github").exists()
    assert "[tool.py-ci]" not in (root / "pyproject.toml").read_text()


def test_a_project_without_tests_is_told_and_gets_no_workflow_that_would_be_red(py_ci: PyCI, legacy: Path) -> None:
    git(legacy, "rm", "-q", "-r", "tests")
    outcome = py_ci("init", "--python", PYTHON, cwd=legacy)
    assert outcome.status == 1, outcome.stdout + outcome.stderr
    assert outcome.stderr.count("py-ci: error") == 0
    assert (
        "still red: no tests: pytest collected none, and the pipeline's test jobs would fail: "
        ".github/workflows/py-ci.yml not written; add a test (tests/test_*.py) and run py-ci init again"
    ) in outcome.stdout
    assert not (legacy / ".github").exists()


def test_a_red_first_day_ends_naming_py_ci_init(py_ci: PyCI, legacy: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    red = py_ci("run", "--python", PYTHON, "--summary", str(summary), cwd=legacy)
    assert red.status == 1
    accepts = "it accepts today's mypy and ruff findings in baselines, so only new ones fail"
    assert red.stdout.splitlines()[-2:] == [
        "py-ci: FAILED (mypy, ruff, ruff-format)",
        f"to adopt py-ci without a red first run: `py-ci init` ({accepts})",
    ]
    # The summary as GitHub shows it (cmark-gfm renders job summaries): its last paragraph names the command.
    html = str(cmarkgfm.github_flavored_markdown_to_html(summary.read_text()))
    # Every section is a heading (a `</details>` without a blank line after it once showed the next one as text).
    assert html.count("<h3>") == 4
    assert "###" not in html
    command = "uvx --from git+https://github.com/org/py-ci@v1 py-ci init"
    assert html.rstrip().endswith(
        f"<p><strong>To adopt py-ci without a red first run:</strong> <code>{command}</code> in your checkout "
        f"({accepts}).</p>"
    )
