"""`py-ci run --shard K/N`: one shard of the tests, test by test on a first run, by an earlier run's durations after;
every test in one shard; `py-ci combine --durations-out` merges what the shards recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import PYTHON, Outcome, write_files

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
    assert json.loads(outcome.stdout)["tests"]["tests"] == len(recorded)
    return set(recorded)


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
    known: dict[str, float] = json.loads(merged.read_text())
    assert len(known) == 8
    second = [shard(py_ci, root, index, "--durations", str(merged)) for index in range(1, 5)]
    assert sorted(test for tests in second for test in tests) == sorted(known)  # each test in one shard
    loads = [sum(known[test] for test in tests) for tests in second]
    assert max(loads) <= 1.3 * sum(loads) / 4, loads
    # On pytest-xdist's workers, every worker keeps the same shard: the controller's tests are the serial run's.
    assert shard(py_ci, root, 2, "--durations", str(merged), "--parallel") == second[1]


def test_by_durations_a_shard_never_imports_a_file_kept_whole_in_another(py_ci: PyCI, tmp_path: Path) -> None:
    root, imported = tmp_path / "calc", tmp_path / "imported"

    def module(name: str, tests: str) -> str:
        log = f"import os\n\nwith open(os.path.join({str(imported)!r}, os.environ['PYTEST_SHARD'][0]), 'a') as log:\n"
        return log + f"    log.write('{name}\\n')\n" + "".join(f"\n\ndef test_{test}():\n    pass\n" for test in tests)

    light = "abcdefgh"
    write_files(
        root,
        {
            "calc/__init__.py": "",
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
            **{f"tests/test_{name}.py": module(name, "12") for name in light},
            "tests/test_heavy.py": module("heavy", "1234"),
            "tests/test_new.py": module("new", "1"),  # no run knew it yet
        },
    )
    imported.mkdir()
    # 3.2 s in all: each light file's 0.2 s at most half a shard (kept whole), the heavy file's 1.6 s test by test.
    durations = {f"tests/test_{name}.py::test_{test}": 0.1 for name in light for test in (1, 2)}
    durations |= {f"tests/test_heavy.py::test_{test}": 0.4 for test in (1, 2, 3, 4)}
    (root / "durations.json").write_text(json.dumps(durations))
    with (root / "tests/test_a.py").open("a") as test_a:
        test_a.write("\n\ndef test_3():\n    pass\n")  # new in a file kept whole: it goes where its file goes
    ran = [shard(py_ci, root, index, "--durations", "durations.json") for index in range(1, 5)]
    every = {f"tests/test_{name}.py::test_{test}" for name in light for test in (1, 2)}
    every |= {f"tests/test_heavy.py::test_{n}" for n in (1, 2, 3, 4)} | {
        "tests/test_a.py::test_3",
        "tests/test_new.py::test_1",
    }
    assert sorted(test for tests in ran for test in tests) == sorted(every)  # each test in one shard
    modules = [set((imported / str(index)).read_text().split()) for index in range(1, 5)]
    assert all({"heavy", "new"} <= names for names in modules)  # split or unknown: every shard collects it
    assert sorted(name for names in modules for name in names - {"heavy", "new"}) == sorted(light)  # one shard each
    for names, tests in zip(modules, ran, strict=True):
        assert {test.split("::")[0] for test in tests} - {"tests/test_heavy.py", "tests/test_new.py"} == {
            f"tests/test_{name}.py" for name in names - {"heavy", "new"}
        }
    # On pytest-xdist's workers, each worker imports the same files as the shard in one process.
    (imported / "2").unlink()
    assert shard(py_ci, root, 2, "--durations", "durations.json", "--parallel") == ran[1]
    assert set((imported / "2").read_text().split()) == modules[1]


@pytest.mark.parametrize("dist", ["load", "worksteal"])
def test_on_workers_each_worker_starts_with_one_of_the_longest_tests(py_ci: PyCI, tmp_path: Path, dist: str) -> None:
    # Last in id order, side by side, the slow tests would start after the rest, and under worksteal the second would
    # wait behind the first on one worker; by the recorded durations each worker starts with one of them.
    root, started = tmp_path / "calc", tmp_path / "started.txt"
    quick = "".join(f"\ndef test_{n}():\n    assert add(1, {n}) == {n + 1}\n" for n in range(6))
    slow = "".join(f"\n\ndef test_slow_{n}():\n    time.sleep(0.5)\n" for n in (1, 2))
    write_files(
        root,
        {
            "calc/__init__.py": "def add(a, b):\n    return a + b\n",
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
            "tests/conftest.py": "import time\n\n\ndef pytest_runtest_setup(item):\n"
            f"    with open({str(started)!r}, 'a') as log:\n"
            "        log.write(f'{time.monotonic()} {item.nodeid}\\n')\n",
            **{f"tests/test_{name}.py": f"from calc import add\n{quick}" for name in "abc"},
            "tests/test_z.py": f"import time\n{slow}",
        },
    )

    def first_started(*flags: str) -> set[str]:
        started.unlink(missing_ok=True)
        outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--fail-under", "0", "--shard", "1/1",
                        "--parallel", "--output-dir", "out", "--pytest-args", f"--dist {dist}", *flags,
                        cwd=root)  # fmt: skip
        assert outcome.status == 0, outcome.stderr
        lines = sorted(started.read_text().splitlines(), key=lambda line: float(line.split()[0]))
        return {line.split()[1] for line in lines[:2]}  # two workers: the first test each was handed

    slow_tests = {"tests/test_z.py::test_slow_1", "tests/test_z.py::test_slow_2"}
    assert not first_started() & slow_tests  # no durations yet: id order
    durations = root / "durations.json"
    (root / "out" / "durations.json").rename(durations)
    assert first_started("--durations", str(durations)) == slow_tests


@pytest.mark.parametrize("workers", [[], ["--parallel"]], ids=["one process", "workers"])
def test_a_tests_duration_is_all_it_costs_where_it_runs(py_ci: PyCI, tmp_path: Path, workers: list[str]) -> None:
    # The reports' own durations leave out pytest's work around each test (here 3 reports of 20 ms each).
    root = tmp_path / "calc"
    write_files(
        root,
        {
            "calc/__init__.py": "",
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\n',
            "tests/conftest.py": "import time\n\n\ndef pytest_runtest_logreport(report):\n    time.sleep(0.02)\n",
            "tests/test_a.py": "".join(f"\n\ndef test_{n}():\n    pass\n" for n in range(4)),
        },
    )
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--fail-under", "0", "--shard", "1/1",
                    "--output-dir", "out", *workers, cwd=root)  # fmt: skip
    assert outcome.status == 0, outcome.stderr
    durations: dict[str, float] = json.loads((root / "out" / "durations.json").read_text())
    assert set(durations) == {f"tests/test_a.py::test_{n}" for n in range(4)}
    assert min(durations.values()) >= 0.055, durations
