"""Shards under a real runner (act): a suite whose tests have known durations, split four ways by them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.e2e.act import PIPELINE_CONSUMER, consumer, run_act
from tests.helpers import child_pytest, run, write_files

pytestmark = pytest.mark.e2e

SECONDS = {n: n / 10 for n in range(1, 9)}  # test_n sleeps n tenths of a second
FILES = {"a": (1, 2), "b": (3, 4), "c": (5, 6), "d": (7, 8)}


def suite(root: Path) -> Path:
    tests = {
        f"tests/test_{name}.py": "import time\n\nfrom calc import add\n\n"
        + "".join(
            f"\ndef test_{n}() -> None:\n    time.sleep({SECONDS[n]})\n"
            f"    assert add({n}, 1) == {n + 1 if n != 8 else 0}\n\n"
            for n in numbers
        )
        for name, numbers in FILES.items()
    }
    write_files(
        root,
        {
            "calc/__init__.py": '"""Sums."""\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\n\n'
            'def unused() -> str:\n    return "never"\n',
            "calc/py.typed": "",
            "tests/__init__.py": "",
            **tests,
            "pyproject.toml": '[project]\nname = "calc"\nversion = "0"\nrequires-python = ">=3.11"\n'
            '[tool.coverage.run]\nbranch = true\nsource = ["calc"]\n[tool.coverage.report]\nfail_under = 50\n',
        },
    )
    return root


def test_four_shards_by_the_last_runs_durations(tmp_path: Path, action: Path) -> None:
    project = suite(tmp_path / "project")
    # The default branch's last run, as the gate job kept it: every test's duration.
    cache = tmp_path / "cache"
    known = {f"tests/test_{name}.py::test_{n}": SECONDS[n] for name, numbers in FILES.items() for n in numbers}
    (cache / "py-ci-durations-.-0-1").mkdir(parents=True)
    (cache / "py-ci-durations-.-0-1" / "durations.json").write_text(json.dumps(known))
    repository = consumer(tmp_path / "consumer", project, PIPELINE_CONSUMER)
    out = tmp_path / "out"
    result = run_act(repository, action, out, {"PYTHON_VERSIONS": '["3.12"]', "SHARDS": "4"}, cache=cache)
    assert result.status != 0  # test_8 fails, on purpose
    shards = {}
    for index in range(1, 5):
        leg = out / "artifacts" / f"py-ci-test-ubuntu-latest-3.12-shard-{index}"
        labels = json.loads((leg / "result-unit.json").read_text())["labels"]
        assert labels == {"group": "unit", "python": "3.12", "os": "ubuntu-latest", "shard": f"{index}/4"}
        shards[index] = json.loads((leg / "durations-unit.json").read_text())
    # Every test ran once, in one shard; the slowest shard within 1.3x a quarter of the whole.
    ran = [test for durations in shards.values() for test in durations]
    assert sorted(ran) == sorted(known)
    loads = [sum(durations.values()) for durations in shards.values()]
    assert max(loads) <= 1.3 * sum(loads) / 4, loads
    # The union's coverage is one unsharded run's.
    by_hand = tmp_path / "by-hand"
    suite(by_hand)
    run(child_pytest("--cov", "--cov-report="), by_hand)
    total = run([sys.executable, "-m", "coverage", "report", "--format=total", "--precision=2"], by_hand).stdout
    assert result.job_outputs("gate")["coverage"] == total.strip()
    # The failing test is named once, with its shard.
    shard_of_8 = next(index for index, durations in shards.items() if "tests/test_d.py::test_8" in durations)
    combined = next(e["content"] for e in result.commands("summary") if "## py-ci matrix" in str(e.get("content")))
    row = f"| tests/test\\_d.py\\:\\:test\\_8 | group=unit, python=3.12, os=ubuntu-latest, shard={shard_of_8}/4 only |"
    assert row in combined
    assert combined.count("test\\_8") == 1
    assert "| test | ❌ failure |" in result.summary
    # The gate kept every shard's durations for the next run (this run is a push to the default branch).
    kept = json.loads((cache / "py-ci-durations-.-1-1" / "durations.json").read_text())
    assert sorted(kept) == sorted(known)
