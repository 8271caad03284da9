"""The action's and workflows' YAML: zizmor, actionlint (with shellcheck) and check-jsonschema find nothing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, load_yaml, run, steps_of

BIN = Path(sys.executable).parent
ACTIONS = [ROOT / "action.yml", *sorted((ROOT / "tests" / "e2e" / "stand-ins").rglob("action.yml"))]
WORKFLOWS = [*sorted((ROOT / "tests" / "e2e").glob("*.yml")), *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_zizmor_finds_nothing(persona: str) -> None:
    result = run(
        [str(BIN / "zizmor"), "--offline", f"--persona={persona}", *map(str, [*ACTIONS, *WORKFLOWS, DEPENDABOT])],
        ROOT,
        allowed=(0, 10, 11, 12, 13, 14),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_actionlint_with_shellcheck_finds_nothing() -> None:
    result = run(
        [str(BIN / "actionlint"), "-shellcheck", str(BIN / "shellcheck"), *map(str, WORKFLOWS)], ROOT, allowed=(0, 1)
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-actions", ACTIONS),
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.dependabot", [DEPENDABOT]),
    ],
)
def test_github_schemas_accept_them(schema: str, files: list[Path]) -> None:
    result = run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)], ROOT, allowed=(0, 1))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: p.name)
def test_every_external_action_is_pinned_and_inputs_reach_shell_only_through_env(path: Path) -> None:
    for step in steps_of(path):
        uses = step.get("uses")
        if uses and not uses.startswith("./") and not uses.startswith("org/py-ci"):
            assert PINNED.match(uses), f"{path.name}: {uses} is not pinned to a full commit SHA"
        assert "${{" not in step.get("run", ""), f"{path.name}: an expression inside run: in {step.get('name')}"
        if "run" in step and "runs" in load_yaml(path):
            assert step.get("shell") == "bash", f"{path.name}: {step.get('name')} needs shell: bash"


def test_pins_carry_a_version_comment() -> None:
    for path in ACTIONS + WORKFLOWS:
        for line in path.read_text().splitlines():
            if re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}", line):
                assert re.search(r"# v\d+\.\d+\.\d+\s*$", line), f"{path.name}: {line.strip()} has no # vX.Y.Z"


def test_consumer_workflow_permissions_are_minimal() -> None:
    assert load_yaml(ROOT / "tests" / "e2e" / "consumer.yml")["permissions"] == {"contents": "read"}


def test_readme_tables_match_action_yml() -> None:
    result = run([sys.executable, str(ROOT / "scripts" / "action-docs"), "--check"], ROOT, allowed=(0, 1, 2))
    assert result.returncode == 0, result.stderr


def test_dependabot_keeps_every_pin_current() -> None:
    """Every ecosystem with a pin we keep: the actions' SHAs, our dev tools, the example's."""
    updates = load_yaml(DEPENDABOT)["updates"]
    covered = {(u["package-ecosystem"], d) for u in updates for d in u.get("directories", [u.get("directory")])}
    assert ("github-actions", "/") in covered
    assert {("pip", "/"), ("pip", "/examples/bookshop")} <= covered
    assert all(u["cooldown"]["default-days"] >= 1 for u in updates)


def test_the_workflow_calls_the_action_of_its_own_major_line() -> None:
    from py_ci import __version__

    refs = set(re.findall(r"uses: org/py-ci@(\S+)", (ROOT / ".github" / "workflows" / "py-ci.yml").read_text()))
    major = int(__version__.split(".")[0])
    # 0.x is before the first release: the workflow already calls the line it will be released on.
    assert refs == {f"v{max(major, 1)}"}


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: p.name)
def test_files_are_hashed_only_once_the_step_needs_them(path: Path) -> None:
    # act evaluates a skipped step's `with:` and `env:` too, and hashFiles walks the checkout (0.15 s a call, in every
    # job that skips the step: the gate's set-up among them). Guarded by an output of the step that comes first.
    guarded = re.compile(r"\$\{\{\s*steps\.[\w-]+\.outputs\.[\w-]+\s*&&\s*hashFiles\(")
    for step in steps_of(path):
        for value in (*step.get("with", {}).values(), *step.get("env", {}).values()):
            text = str(value)
            if "hashFiles(" in text:
                assert text.count("hashFiles(") == len(guarded.findall(text)), f"{path.name}: {step.get('name')}"
