"""The platform as it is: caches written from branch pushes only, one list of Pythons, the helper on a CPython of
its own whatever the leg's interpreter."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from py_ci import pythons
from py_ci.helper_python import described, why_not_the_legs
from tests.helpers import ROOT, clean_environ, find_python, load_yaml, steps_of

ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SAVES = re.compile(r"^actions/cache(/save)?@")  # actions/cache saves in its post step, actions/cache/save at once
PUSH = "github.event_name == 'push'"
NOT_A_TAG = "!startsWith(github.ref, 'refs/tags/')"
DEFAULT_BRANCH = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"


def conjuncts(condition: str) -> list[str]:
    """The terms of an `if:` joined by `&&` at its top level (an `||` there would let any event through)."""
    terms, depth, current = [], 0, ""
    for part in re.split(r"(\(|\)|&&|\|\|)", " ".join(condition.split())):
        depth += part == "("
        depth -= part == ")"
        if depth == 0 and part == "||":
            raise AssertionError(f"an || at the top level of {condition!r}")
        if depth == 0 and part == "&&":
            terms.append(current.strip())
            current = ""
        else:
            current += part
    return [*terms, current.strip()]


def cache_writers(path: Path) -> list[dict[str, Any]]:
    """Every step that writes a cache, and every step a writer needs to have succeeded (the prune)."""
    steps = steps_of(path)
    savers = [step for step in steps if SAVES.match(step.get("uses", ""))]
    guards = {
        name for step in savers for name in re.findall(r"steps\.([\w-]+)\.outcome == 'success'", step.get("if", ""))
    }
    return savers + [step for step in steps if step.get("id") in guards]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_every_cache_is_written_from_branch_pushes_only(path: Path) -> None:
    for step in cache_writers(path):
        terms = conjuncts(str(step.get("if", "")))
        assert PUSH in terms, f"{path.name}: {step['name']!r} writes a cache on events other than push"
        assert NOT_A_TAG in terms or DEFAULT_BRANCH in terms, f"{path.name}: {step['name']!r} writes from tags"


def test_the_cache_writers_are_found() -> None:
    """The guard above holds something: the action's package and mypy caches, with the prune step before them."""
    assert [step["name"] for step in cache_writers(ACTION)] == [
        "Keep the package cache",
        "Keep mypy's cache",
        "Prune the package cache",
    ]
    names = [step["name"] for path in WORKFLOWS for step in cache_writers(path)]
    assert names == ["Keep the test durations for the next run's shards"]


def test_a_cache_written_on_any_other_event_is_caught() -> None:
    with pytest.raises(AssertionError, match=r"an \|\| at the top level"):
        conjuncts("always() && github.event_name == 'push' || github.event_name == 'merge_group'")
    assert PUSH not in conjuncts("always() && github.event_name != 'pull_request'")
    assert conjuncts("a && (b || c) && d") == ["a", "(b || c)", "d"]


def input_default(path: Path, name: str) -> str:
    document = load_yaml(path)
    inputs = document["inputs"] if "inputs" in document else document[True]["workflow_call"]["inputs"]
    return str(inputs[name]["default"])


def test_one_list_of_pythons() -> None:
    """action.yml, the reusable workflow, their docs tables, our classifiers and our own CI agree with pythons.py."""
    assert input_default(ACTION, "python-version") == pythons.NEWEST
    # The version the action falls back on, a list without one X.Y in it.
    assert re.findall(r"version=\$\{version:-([\d.]+)\}", ACTION.read_text()) == [pythons.NEWEST]
    workflow = ROOT / ".github" / "workflows" / "py-ci.yml"
    assert json.loads(input_default(workflow, "python-versions")) == list(pythons.SUPPORTED)
    assert f"| `python-version` | `{pythons.NEWEST}` |" in (ROOT / "docs" / "action.md").read_text()
    listed = f"| `python-versions` | string | `{json.dumps(list(pythons.SUPPORTED))}` |"
    assert listed in (ROOT / "docs" / "workflow.md").read_text()
    classifiers = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["classifiers"]
    prefix = "Programming Language :: Python :: 3."
    ours = [c.removeprefix("Programming Language :: Python :: ") for c in classifiers if c.startswith(prefix)]
    assert ours == list(pythons.SUPPORTED)
    ci = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")
    assert json.loads(ci["jobs"]["pipeline"]["with"]["python-versions"]) == list(pythons.SUPPORTED)


def test_the_schedule_as_of_today() -> None:
    assert pythons.SUPPORTED == ("3.11", "3.12", "3.13", "3.14", "3.15")
    assert pythons.NEWEST == "3.15"
    assert pythons.HELPER_PYTHON in pythons.SUPPORTED
    assert pythons.key(pythons.HELPER_PYTHON) >= pythons.HELPER_FLOOR


def step(step_id: str) -> dict[str, Any]:
    return next(step for step in steps_of(ACTION) if step.get("id") == step_id)


# An interpreter that reports itself as another kind: the real one, told so before it runs the file it was given.
PRETENDING = """#!/bin/sh
[ "$1" = -I ] && shift
exec {real} -I -c '
import runpy, sys, sysconfig
sys.implementation.name = "{name}"
real = sysconfig.get_config_var
sysconfig.get_config_var = lambda name: {free_threaded} if name == "Py_GIL_DISABLED" else real(name)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
' "$@"
"""


def pretending(tmp_path: Path, real: str, name: str, free_threaded: bool) -> str:
    script = tmp_path / f"{name}{'t' if free_threaded else ''}"
    script.write_text(PRETENDING.format(real=real, name=name, free_threaded=int(free_threaded)))
    script.chmod(0o755)
    return str(script)


def choose(tmp_path: Path, python: str) -> tuple[dict[str, str], str]:
    """The action's step, run as the runner runs it: its outputs and what it said."""
    chooser = step("interpreter")
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    env = clean_environ({"PY_CI_PYTHON": python, "PY_CI_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(outputs)})
    done = subprocess.run(["bash", "-c", chooser["run"]], env=env, capture_output=True, text=True, check=True)
    said = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return said, done.stderr.strip()


@pytest.mark.parametrize(
    ("leg", "kind", "expected"),
    [
        ("3.8", "cpython", "CPython 3.8 is older than 3.11"),
        ("3.9", "cpython", "CPython 3.9 is older than 3.11"),
        ("3.10", "cpython", "CPython 3.10 is older than 3.11"),
        ("3.10", "pypy", "PyPy 3.10 is not CPython"),
        ("3.13", "free-threaded", "CPython 3.13t is a free-threaded build"),
    ],
)
def test_a_leg_that_cannot_host_the_helper_gets_it_a_cpython_of_its_own(
    tmp_path: Path, leg: str, kind: str, expected: str
) -> None:
    python = find_python(leg)
    if kind != "cpython":
        python = pretending(tmp_path, python, "pypy" if kind == "pypy" else "cpython", kind == "free-threaded")
    outputs, said = choose(tmp_path, python)
    assert outputs == {"own": pythons.HELPER_PYTHON}
    assert said == f"py-ci: the leg's {expected}: the helper runs on CPython {pythons.HELPER_PYTHON} of its own"


@pytest.mark.parametrize("leg", ["3.11", "3.13"])
def test_a_leg_on_a_recent_cpython_hosts_the_helper_itself(tmp_path: Path, leg: str) -> None:
    python = find_python(leg)
    outputs, said = choose(tmp_path, python)
    assert outputs == {"own": "", "host": str(Path(python).resolve())}
    assert said == f"py-ci: the helper runs on the leg's CPython {leg}"


def test_the_helper_is_set_up_apart_and_the_project_keeps_its_own() -> None:
    own = step("helper-python")
    assert own["if"] == "steps.interpreter.outputs.own != ''"
    assert own["with"] == {"python-version": "${{ steps.interpreter.outputs.own }}", "update-environment": False}
    assert own["uses"] == step("python")["uses"]
    helper = " ".join(step("helper")["env"]["PY_CI_PYTHON"].split())
    chosen = "steps.helper-python.outputs.python-path || steps.python.outputs.python-path"
    assert helper == f"${{{{ steps.runner-python.outputs.python-path || {chosen} }}}}"
    assert step("project")["env"]["PY_CI_PYTHON"] == "${{ steps.python.outputs.python-path }}"
    outputs = load_yaml(ACTION)["outputs"]
    assert " ".join(outputs["python"]["value"].split()) == (
        "${{ steps.project.outputs.python || steps.python.outputs.python-path "
        "|| steps.runner-python.outputs.python-path }}"
    )


def test_a_helper_alone_takes_the_runners_python_and_sets_up_none() -> None:
    """installer: none (the gate job): the runner's python3 when it hosts the helper, and no setup-python then."""
    runner = step("runner-python")
    assert runner["if"] == (
        "steps.work.outputs.nothing != 'true' && inputs.checks == 'none' && inputs.installer == 'none'"
    )
    assert 'python3 -I "$PY_CI_ACTION_PATH/src/py_ci/helper_python.py"' in runner["run"]
    for skipped in ("python", "interpreter"):
        assert step(skipped)["if"].endswith(" && steps.runner-python.outputs.python-path == ''"), skipped


@pytest.mark.parametrize("runner", ["3.11 or newer", "a shim", "PyPy", "none"])
def test_the_runners_python_is_taken_only_when_it_hosts_the_helper(tmp_path: Path, runner: str) -> None:
    """The step run as the runner runs it, with a python3 of each kind, or none, alone on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sed"):
        (bin_dir / tool).symlink_to(subprocess.check_output(["bash", "-c", f"command -v {tool}"], text=True).strip())
    if runner == "3.11 or newer":
        (bin_dir / "python3").symlink_to(sys.executable)
    elif runner == "a shim":  # as pyenv's: a script that starts the interpreter from where it lies
        (bin_dir / "python3").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
        (bin_dir / "python3").chmod(0o755)
    elif runner == "PyPy":
        (bin_dir / "python3").symlink_to(pretending(tmp_path, sys.executable, "pypy", free_threaded=False))
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    env = clean_environ({"PATH": str(bin_dir), "PY_CI_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(outputs)})
    subprocess.run([str(bin_dir / "bash"), "-c", step("runner-python")["run"]], env=env, check=True)
    # The path the interpreter itself gives (sys.executable): a shim that starts it from elsewhere is left behind.
    hosts = {"3.11 or newer": str(bin_dir / "python3"), "a shim": sys.executable}
    expected = f"python-path={hosts[runner]}\n" if runner in hosts else ""
    assert outputs.read_text() == expected


def test_the_choice_reads_pypy_graalpy_and_free_threaded_builds() -> None:
    assert why_not_the_legs("cpython", (3, 10), False) == "is older than 3.11"
    assert why_not_the_legs("graalpy", (3, 11), False) == "is not CPython"
    assert why_not_the_legs("cpython", (3, 14), True) == "is a free-threaded build"
    assert why_not_the_legs("cpython", (3, 15), False) is None
    assert described("graalpy", (3, 11), False) == "GraalPy 3.11"
    assert described("cpython", (3, 14), True) == "CPython 3.14t"
    assert described("other", (3, 9), False) == "other 3.9"


def test_the_choice_runs_in_this_process_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_ci import helper_python

    assert helper_python.main() == 0
    out, err = capsys.readouterr()
    assert out == f"own=\nhost={sys.executable}\n"  # our own venv is CPython 3.11 or newer
    assert err.startswith("py-ci: the helper runs on the leg's CPython 3.")
    monkeypatch.setattr(sys.implementation, "name", "pypy")
    assert helper_python.main() == 0
    out, err = capsys.readouterr()
    assert out == f"own={pythons.HELPER_PYTHON}\n"
    assert err.endswith(f"is not CPython: the helper runs on CPython {pythons.HELPER_PYTHON} of its own\n")


def test_our_own_ci_runs_in_the_merge_queue_and_cancels_pull_request_runs_only() -> None:
    ci = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")
    assert "merge_group" in ci[True]
    assert ci["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert "github.run_id" in ci["concurrency"]["group"]  # a push or a queue's run is a group of its own


# The first major release of each action that runs on Node 24 (its action.yml says `using: node24`), read from the
# actions' own repositories: GitHub's hosted runners have had no Node 20 since September 2026.
NODE24_FROM = {"checkout": 5, "setup-python": 6, "cache": 5, "upload-artifact": 6, "download-artifact": 7}
PIN = re.compile(r"uses: actions/([\w-]+)(?:/[\w-]+)?@[0-9a-f]{40} # v(\d+)\.\d+\.\d+")


def test_every_action_we_pin_runs_on_node_24() -> None:
    yaml_files = [ACTION, *WORKFLOWS, *sorted((ROOT / "tests" / "e2e").glob("*.yml"))]
    pins = [match for path in yaml_files for match in PIN.findall(path.read_text())]
    assert {name for name, _ in pins} == set(NODE24_FROM)
    old = [f"actions/{name} v{major}" for name, major in pins if int(major) < NODE24_FROM[name]]
    assert not old, f"Node 20 releases: {old}"
