"""`py-ci run --shard K/N`: one shard of the tests, test by test on a first run, by an earlier run's durations after;
every test in one shard; `py-ci combine --durations-out` merges what the shards recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from py_ci.tool_runs import PLUGINS
from tests.helpers import PYTHON, Outcome, run, write_files

PyCI = Callable[..., Outcome]


def suite(root: Path) -> Path:
    files = {
        "calc/__init__.py": "def add(a, b):\n    return a + b\n",
        "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
    }
    for index, name in enumerate("abcd"):
        tests = "".join(
            f"\ndef test_{n}():\n    time.sleep({n / 50})\n    assert add(1, 1) == 2\n\n"
            for n in (2 * index + 1, 2 * index + 2)
        )
        files[f"tests/test_{name}.py"] = "import time\n\nfrom calc import add\n\n" + tests
    write_files(root, files)
    return root


def shard(py_ci: PyCI, root: Path, index: int, *flags: str) -> set[str]:
    out = root / f"out-{index}"
    outcome = py_ci(
        "run", "--python", PYTHON, "--checks", "test", "--fail-under", "0", "--shard", f"{index}/4",
        "--output-dir", str(out), "--save", str(out / "result.json"), "--json", *flags, cwd=root,
    )  # fmt: skip
    assert outcome.status == 0, outcome.stderr
    recorded: dict[str, float] = json.loads((out / "durations.json").read_text())
    tests = {name for name in recorded if "::" in name}  # the others are files: what collecting each took
    assert json.loads(outcome.stdout)["tests"]["tests"] == len(tests)
    if "--parallel" not in flags:  # pytest-xdist's workers collect, where py_ci_shard records nothing
        assert {name.split("::")[0] for name in tests} <= set(recorded) - tests
    return tests


def test_test_by_test_then_by_the_durations_recorded(py_ci: PyCI, tmp_path: Path) -> None:
    root = suite(tmp_path / "calc")
    first = [shard(py_ci, root, index) for index in range(1, 5)]
    # No durations yet: test by test in id order, so each file's slower second test lands in another shard.
    assert [sorted(test.split("::")[1] for test in tests) for tests in first] == [
        ["test_1", "test_5"], ["test_2", "test_6"], ["test_3", "test_7"], ["test_4", "test_8"],
    ]  # fmt: skip
    merged = root / "durations.json"
    outcome = py_ci("combine", *(f"out-{i}" for i in range(1, 5)), "--durations-out", str(merged), cwd=root)
    assert outcome.status == 0, outcome.stderr
    known = {name: seconds for name, seconds in json.loads(merged.read_text()).items() if "::" in name}
    assert len(known) == 8
    second = [shard(py_ci, root, index, "--durations", str(merged)) for index in range(1, 5)]
    assert sorted(test for tests in second for test in tests) == sorted(known)  # each test in one shard
    loads = [sum(known[test] for test in tests) for tests in second]
    assert max(loads) <= 1.3 * sum(loads) / 4, loads
    # On pytest-xdist's workers, every worker keeps the same shard: the controller's tests are the serial run's.
    assert shard(py_ci, root, 2, "--durations", str(merged), "--parallel") == second[1]


def test_a_shard_skips_collecting_the_files_it_does_not_run_and_every_new_test_runs_once(
    py_ci: PyCI, tmp_path: Path
) -> None:
    root = suite(tmp_path / "calc")
    imported = tmp_path / "imported"
    for name in "abcd":  # each test file says when it is imported: collected
        path = root / "tests" / f"test_{name}.py"
        path.write_text(f"open({str(imported)!r} + '-' + __name__[-1], 'a').close()\n" + path.read_text())
    # An earlier run's durations where whole files balance as well as single tests: one file to each shard.
    known = {
        f"tests/test_{name}.py::test_{n}": 0.5
        for index, name in enumerate("abcd")
        for n in (2 * index + 1, 2 * index + 2)
    }
    recorded = root / "durations.json"
    recorded.write_text(json.dumps(known))
    # Since then: a new test in a whole file, a new file.
    with (root / "tests" / "test_b.py").open("a") as tests:
        tests.write("\ndef test_new():\n    assert add(2, 2) == 4\n")
    write_files(root, {"tests/test_e.py": "def test_e1():\n    pass\n\n\ndef test_e2():\n    pass\n"})
    shards = []
    for index in range(1, 5):
        for marker in tmp_path.glob("imported-*"):
            marker.unlink()
        shards.append(shard(py_ci, root, index, "--durations", str(recorded)))
        # This shard imported its own file alone of the four, and the new one every shard collects.
        assert len(list(tmp_path.glob("imported-*"))) == 1, index
    owners = [{test.split("::")[0] for test in tests} - {"tests/test_e.py"} for tests in shards]
    assert sorted(len(files) for files in owners) == [1, 1, 1, 1]
    every = [test for tests in shards for test in tests]
    assert len(every) == len(set(every)) == 8 + 1 + 2  # each test once: the new one with its file's shard
    (owner,) = (tests for tests in shards if "tests/test_b.py::test_new" in tests)
    assert "tests/test_b.py::test_3" in owner


def test_a_test_counts_pytests_own_work_since_the_test_before(tmp_path: Path) -> None:
    """pytest's work between two tests (here a project's hook that takes 0.2 s) is part of what a shard takes."""
    write_files(
        tmp_path,
        {
            "conftest.py": "import time\n\n\ndef pytest_runtest_logstart(nodeid, location):\n    time.sleep(0.2)\n",
            "tests/test_a.py": "def test_1():\n    pass\n\n\ndef test_2():\n    pass\n",
        },
    )
    out = tmp_path / "durations.json"
    env = {"PYTHONPATH": str(PLUGINS), "PYTEST_SHARD_DURATIONS_OUT": str(out)}
    run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-p", "py_ci_shard", "-p", "no:randomly"], tmp_path, env)
    recorded = json.loads(out.read_text())
    # The hook runs before py_ci_shard's at each test's start: test_2 counts it from test_1's end, test_1 has none.
    assert recorded["tests/test_a.py::test_2"] >= 0.2
    assert recorded["tests/test_a.py::test_1"] < 0.2
    assert set(recorded) == {"tests/test_a.py", "tests/test_a.py::test_1", "tests/test_a.py::test_2"}
