"""The composite action, run by a real runner (act) in consumer repositories that use `org/py-ci@v1`."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.act import ACTION_CONSUMER, GIT, ActRun, consumer, run_act
from tests.e2e.shop import SHOP_ENVIRON, shop_by_hand
from tests.helpers import EXAMPLE, break_it, child_pytest, copy_of_example, run

# Under act with the interpreters each case names: once per suite run, not once per Python of the suite.
pytestmark = pytest.mark.e2e


def by_hand(project: Path, services: dict[str, str]) -> dict[str, object]:
    """What the tools say when run by hand on the same project, the shop started by hand for its e2e tests."""
    scratch = project.parent / "by-hand"
    shutil.copytree(project, scratch, ignore=shutil.ignore_patterns(".git", ".github"))
    tests = {**services, "COVERAGE_FILE": str(scratch / ".coverage.tests")}
    with shop_by_hand(scratch, services, scratch / ".coverage.shop") as shop:
        tests.update(shop)
        run(child_pytest("--cov", "--cov-branch", "--cov-report=", "--junitxml=junit.xml"), scratch, tests)
    coverage = [sys.executable, "-m", "coverage"]
    run([*coverage, "combine", *(str(p) for p in scratch.glob(".coverage.*"))], scratch)
    run([*coverage, "json", "-q", "-o", "cov.json"], scratch)
    totals = json.loads((scratch / "cov.json").read_text())["totals"]
    return {
        "coverage": f"{totals['percent_covered']:.2f}",
        "tests": (scratch / "junit.xml").read_text().count("<testcase"),
    }


@pytest.fixture
def act(tmp_path: Path, action: Path, service_urls: dict[str, str]) -> Callable[..., ActRun]:
    def run_consumer(project: Path, **variables: str) -> ActRun:
        repository = consumer(tmp_path / "consumer", project, ACTION_CONSUMER)
        return run_act(repository, action, tmp_path / "out", {"PYTHON_VERSION": "3.12", **service_urls, **variables})

    return run_consumer


def test_clean_project_green_with_the_tools_numbers(
    tmp_path: Path, act: Callable[..., ActRun], service_urls: dict[str, str]
) -> None:
    result = act(EXAMPLE)
    assert result.status == 0, result.log[-3000:]
    # The consumer's Python (3.12) on its real interpreter, and the example's own layout, as the cases below.
    assert "python-version=3.12." in result.log
    assert "py-ci install: dependency groups (pyproject.toml [dependency-groups] dev), with uv, into " in result.log
    expected = by_hand(tmp_path / "consumer", service_urls)
    assert result.outputs["coverage"] == expected["coverage"]
    assert result.outputs["tests"] == str(expected["tests"])
    assert (result.outputs["mypy-errors"], result.outputs["ruff-violations"], result.outputs["unformatted-files"]) == (
        "0",
        "0",
        "0",
    )
    assert result.outputs["passed"] == "true"
    assert "## py-ci: ✅ every gate passed" in result.summary
    # The same code through `py-ci run` on this machine reports the same numbers as the action.
    local = run(
        [str(Path(sys.executable).parent / "py-ci"), "run", "--python", sys.executable, "--json"],
        tmp_path / "consumer",
        {**service_urls, **SHOP_ENVIRON},
    ).stdout
    here = json.loads(local)
    assert f"{here['coverage']['total']:.2f}" == result.outputs["coverage"]
    assert (str(here["tests"]["tests"]), str(here["mypy"]["errors"]), str(here["ruff"]["violations"])) == (
        result.outputs["tests"],
        result.outputs["mypy-errors"],
        result.outputs["ruff-violations"],
    )


def test_broken_project_red_with_all_five_problems(tmp_path: Path, act: Callable[..., ActRun]) -> None:
    project = copy_of_example(tmp_path / "broken")
    break_it(project)
    result = act(project, COVERAGE_THRESHOLD="95")
    assert result.status != 0
    outputs = result.outputs
    assert (outputs["mypy-errors"], outputs["unformatted-files"], outputs["failures"], outputs["passed"]) == (
        "2",
        "1",
        "1",
        "false",
    )
    assert int(outputs["ruff-violations"]) >= 1
    assert float(outputs["coverage"]) < 95
    summary = result.summary
    for section in ("### ❌ Tests: 1 failed", "### ❌ mypy", "### ❌ ruff", "### ❌ Coverage"):
        assert section in summary
    titles = {event["kvPairs"].get("title", "") for event in result.commands("error")}
    assert "tests/test_broken.py::test_broken failed" in titles
    assert "mypy [return-value]" in titles
    assert "ruff (F401)" in titles
    assert "ruff format" in titles
    assert "Coverage" in titles
    assert "py-ci" in titles  # the last step names the failure


def test_a_second_run_restores_the_package_and_mypy_caches_and_a_pull_request_saves_none(
    tmp_path: Path, action: Path, service_urls: dict[str, str]
) -> None:
    repository = consumer(tmp_path / "consumer", EXAMPLE, ACTION_CONSUMER)
    store, variables = tmp_path / "caches", {"PYTHON_VERSION": "3.12", **service_urls}
    first = run_act(repository, action, tmp_path / "first", variables, cache=store)
    assert first.status == 0, first.log[-3000:]
    assert "Cache not found for input keys: py-ci-mypy-Linux-" in first.log
    packages, mypy = sorted(path.name for path in store.iterdir())
    assert (packages.split("-")[:3], mypy.split("-")[:3]) == (["py", "ci", "Linux"], ["py", "ci", "mypy"])
    # act gives every run the same run id; on GitHub each run's key is its own: make the first run an older one.
    assert mypy.endswith("-1-1")  # run 1, attempt 1
    earlier = mypy.removesuffix("1-1") + "0-1"
    (store / mypy).rename(store / earlier)
    second = run_act(repository, action, tmp_path / "second", variables, cache=store)
    assert second.status == 0, second.log[-3000:]
    # The packages' exact key again (nothing to save); mypy's the newest of the default branch's, by its prefix.
    assert f"Cache restored from key: {packages}" in second.log
    assert f"Cache restored from key: {earlier}" in second.log
    # The helper's pinned packages came with the package cache: no pip started for them.
    pins = "defusedxml==0.7.1-uv==0.13.8"
    assert (store / packages / "helper" / "defusedxml-0.7.1-uv-0.13.8" / ".installed").is_file()
    assert f"the helper's packages ({pins}) from the package cache" not in first.log
    assert f"py-ci: the helper's packages ({pins}) from the package cache" in second.log
    assert sorted(path.name for path in store.iterdir()) == sorted([packages, earlier, mypy])  # its own, saved
    payload = tmp_path / "pull_request.json"
    payload.write_text(json.dumps({"number": 1, "pull_request": {"number": 1, "base": {"ref": "main"}}}))
    review = run_act(repository, action, tmp_path / "review", variables, "pull_request", payload, cache=store)
    assert review.status == 0, review.log[-3000:]
    assert f"Cache restored from key: {mypy}" in review.log
    assert "Cache saved" not in review.log
    assert len(list(store.iterdir())) == 3


# 3.12, the consumer's own, is the clean project's run above.
@pytest.mark.parametrize("version", ["3.11", "3.13"])
def test_each_python_on_the_real_interpreter(tmp_path: Path, act: Callable[..., ActRun], version: str) -> None:
    result = act(EXAMPLE, PYTHON_VERSION=version)
    assert result.status == 0, result.log[-3000:]
    assert f"python-version={version}." in result.log
    assert result.outputs["passed"] == "true"


def layout(project: Path, kind: str) -> None:
    """Turn the example into another way of declaring its dependencies."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    groups = text[text.index("[dependency-groups]") : text.index("[tool.pytest.ini_options]")]
    tools = groups.split("dev = ")[1].strip()
    without_groups = text.replace(groups, "")
    if kind == "requirements":
        pyproject.write_text(without_groups)
        runtime = ast.literal_eval(text.split("dependencies = ", 1)[1].splitlines()[0])
        (project / "requirements.txt").write_text("\n".join(runtime) + "\n")
        (project / "requirements-dev.txt").write_text("\n".join(ast.literal_eval(tools)) + "\n")
    elif kind == "extras":
        runtime = text.split("dependencies = ", 1)[1].splitlines()[0]
        extras = f"dependencies = {runtime}\n\n[project.optional-dependencies]\ntest = {tools}"
        pyproject.write_text(without_groups.replace(f"dependencies = {runtime}", extras))
    elif kind == "uv":
        run([sys.executable, "-m", "uv", "lock", "--quiet"], project)  # made here: a lock file names its index


@pytest.mark.parametrize(
    ("kind", "detected"),
    [
        ("requirements", "requirements files (requirements.txt, requirements-dev.txt)"),
        ("extras", "extras (pyproject.toml [project.optional-dependencies] test)"),
        ("uv", "uv.lock (uv.lock, with group dev)"),
        # dependency groups: the example's own layout, the clean project's run above.
    ],
)
def test_each_install_layout_is_detected(tmp_path: Path, act: Callable[..., ActRun], kind: str, detected: str) -> None:
    project = copy_of_example(tmp_path / "project")
    layout(project, kind)
    result = act(project, CHECKS="test")  # what the layout changes: the install, and the tests it lets run
    assert result.status == 0, result.log[-3000:]
    assert f"py-ci install: {detected}, with uv, into " in result.log
    assert (result.outputs["tests"], result.outputs["skipped"]) == ("13", "0")


def test_a_helper_that_cannot_report_fails_the_step(tmp_path: Path, act: Callable[..., ActRun]) -> None:
    project = copy_of_example(tmp_path / "project")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.py-ci]\ncoverage-treshold = 90\n")
    result = act(project)
    assert result.status != 0
    assert "py-ci: error: pyproject.toml: [tool.py-ci] has unknown key 'coverage-treshold'" in result.log
    # The install reads [tool.py-ci] too (its checks say what to install): the first step to read it stops.
    assert "Failure - Main Install the project" in result.log
    assert result.outputs.get("passed", "") == ""  # no verdict was reached, so none is claimed


def test_the_helper_is_the_one_at_the_commit_the_user_pinned(
    tmp_path: Path, action: Path, service_urls: dict[str, str]
) -> None:
    history = tmp_path / "py-ci"
    shutil.copytree(action, history)
    version_file = history / "src" / "py_ci" / "__init__.py"
    original = version_file.read_text()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=history, check=True)
    pinned = ""
    for version in ("1.4.0", "1.5.0"):  # the pinned commit, then the branch moving on past it
        version_file.write_text(original.replace('__version__ = "', f'__version__ = "{version}"  # was "'))
        subprocess.run(["git", "add", "-A"], cwd=history, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", version], cwd=history, check=True)
        pinned = pinned or run(["git", "rev-parse", "HEAD"], history).stdout.strip()
    at_pin = tmp_path / "at-pin"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(at_pin), pinned], cwd=history, check=True)
    workflow = ACTION_CONSUMER.replace("uses: org/py-ci@v1 ", f"uses: org/py-ci@{pinned} ")
    repository = consumer(tmp_path / "consumer", EXAMPLE, workflow)
    variables = {"PYTHON_VERSION": "3.12", **service_urls}
    result = run_act(repository, at_pin, tmp_path / "out", variables, action_ref=pinned)
    assert result.status == 0, result.log[-3000:]
    assert result.outputs["version"] == "1.4.0"
