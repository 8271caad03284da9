"""Pythons older than the helper's floor under a real runner (act): the reusable workflow on 3.9, 3.10 and 3.12 and
the action alone on 3.10, in one merge-queue run; each leg's tests on the leg's real interpreter, the helper on a
CPython of its own; the queue's run green, and no cache written from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.act import consumer, run_act
from tests.helpers import write_files

pytestmark = pytest.mark.e2e

WORKFLOW = (Path(__file__).parent / "older-pythons-consumer.yml").read_text()
LEGS = ("3.9", "3.10", "3.12")

# A library that still supports 3.9, with no test tools of its own: py-ci installs them, the newest each leg can run.
OLDEN = {
    "pyproject.toml": """
        [build-system]
        requires = ["hatchling>=1.27"]
        build-backend = "hatchling.build"

        [project]
        name = "olden"
        version = "0.1.0"
        requires-python = ">=3.9"

        [tool.pytest.ini_options]
        pythonpath = ["src"]
        testpaths = ["tests"]

        [tool.coverage.run]
        branch = true
        source = ["olden"]
    """,
    "src/olden/__init__.py": '''
        """Says which interpreter runs it."""

        from __future__ import annotations

        import platform


        def interpreter() -> str:
            """X.Y.Z of the interpreter running this code."""
            return platform.python_version()


        def largest(values: list[int] | None) -> int:
            if not values:
                return 0
            return max(values)
    ''',
    "tests/test_olden.py": """
        from __future__ import annotations

        import sys
        from typing import Callable

        from olden import interpreter, largest


        def test_the_interpreter(record_property: Callable[[str, object], None]) -> None:
            # The JUnit report says which interpreter ran the tests, for the test that reads each leg's.
            record_property("python", interpreter())
            assert interpreter().startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")


        def test_largest() -> None:
            assert largest(None) == 0
            assert largest([1, 3]) == 3
    """,
}


def test_legs_older_than_the_helpers_floor_are_green_on_their_own_interpreters(tmp_path: Path, action: Path) -> None:
    project = tmp_path / "olden"
    write_files(project, {name: text.lstrip("\n") for name, text in OLDEN.items()})
    repository = consumer(tmp_path / "consumer", project, WORKFLOW)
    out = tmp_path / "out"
    # A merge queue's run, as GitHub describes it: its branch is deleted after the merge.
    payload = tmp_path / "merge_group.json"
    queue = {"head_ref": "refs/heads/gh-readonly-queue/main/pr-1-0", "base_ref": "refs/heads/main"}
    payload.write_text(json.dumps({"merge_group": queue, "repository": {"default_branch": "main"}}))
    result = run_act(repository, action, out, {}, "merge_group", payload, cache=tmp_path / "caches")
    assert result.status == 0, result.log[-4000:]
    # The pipeline: every leg passed, and the gate combined them.
    assert result.outputs["passed"] == "true"
    assert result.outputs["coverage"] == "100.00"
    for leg in LEGS:
        junit = (out / "artifacts" / f"py-ci-test-ubuntu-latest-{leg}" / "junit-unit.xml").read_text()
        [ran_on] = re.findall(r'<property name="python" value="([^"]+)"', junit)
        assert ran_on.startswith(f"{leg}."), f"the {leg} leg's tests ran on {ran_on}"
    # Each leg older than 3.11 set up the helper's own CPython (update-environment false), the 3.12 leg did not.
    for leg in ("3.9", "3.10"):
        said = f"py-ci: the leg's CPython {leg} is older than 3.11: the helper runs on CPython 3.13 of its own"
        assert said in result.log
    assert "py-ci: the helper runs on the leg's CPython 3.12" in result.log
    summary = result.summary
    for leg in LEGS:
        assert f"group=unit, python={leg}, os=ubuntu-latest" in summary
    assert "| coverage | ✅ passed |" in summary
    # No integration or end-to-end tests: the group job looked, found nothing of its kind and set nothing up.
    group = [event.get("msg", "") for event in result.events if event.get("jobID") == "group"]
    assert any("Success - Main Look for this job's work before any set-up" in msg for msg in group)
    assert not [msg for msg in group if "Main Set up Python" in msg or "Main Install the py-ci helper" in msg]
    assert "No test group of this project runs once, beside the services: nothing to run here" in summary
    assert result.status == 0
    # Caches are restored in a merge queue, never written from it.
    assert "Cache not found for input keys: py-ci-Linux-" in result.log
    assert "Cache saved" not in result.log
    assert "Main Prune the package cache" not in result.log
    assert not (tmp_path / "caches").exists() or not list((tmp_path / "caches").iterdir())
    # The action alone on 3.10: green; its `python` output the project's 3.10, its `helper` output on 3.13.
    alone = json.loads((out / "action.json").read_text())
    assert (alone["passed"], alone["tests"], alone["failures"]) == ("true", "2", "0")
    assert (out / "project-version").read_text().startswith("Python 3.10.")
    assert (out / "helper-version").read_text().startswith("Python 3.13.")
