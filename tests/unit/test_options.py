"""Options built once at the edge: every source in its order, each value's origin, each combination checked once."""

from __future__ import annotations

import ast
import inspect
import re
import typing
from collections.abc import Mapping
from pathlib import Path

import pytest

from py_ci import cli
from py_ci.errors import InputError, UsageError
from py_ci.options import PIPELINE_FAIL_UNDER, Options
from py_ci.options.build import DIFF_BASE_NEEDED, build_options
from py_ci.options.table import ABOUT, COMMON, FIELDS, FLAGS, TABLE_KEYS, VALUES
from tests.helpers import write_files

SRC = Path(cli.__file__).parent


def options(command: str, root: Path, env: Mapping[str, str] | None = None, **flags: object) -> Options:
    return build_options(command, flags, env or {}, root)


def test_each_source_in_rising_priority_with_its_origin(tmp_path: Path) -> None:
    def threshold(**flags: object) -> tuple[float, str]:
        env = flags.pop("env", {})
        assert isinstance(env, dict)
        fail_under = options("coverage", tmp_path, env, **flags).gates.fail_under
        assert fail_under is not None
        return fail_under.value, fail_under.origin

    assert options("coverage", tmp_path).gates.fail_under is None
    write_files(tmp_path, {"pyproject.toml": "[tool.coverage.report]\nfail_under = 70\n"})
    assert threshold() == (70.0, "pyproject.toml [tool.coverage.report] fail_under")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.coverage.report]\nfail_under = 70\n\n[tool.py-ci]\ncoverage-threshold = 75\n"
    )
    assert threshold() == (75.0, "pyproject.toml [tool.py-ci] coverage-threshold")
    env = {"PY_CI_COVERAGE_THRESHOLD": "60"}
    assert threshold(env=env) == (60.0, "PY_CI_COVERAGE_THRESHOLD")
    assert threshold(env=env, fail_under=76.0) == (76.0, "--fail-under")


def test_defaults_are_written_once_and_named(tmp_path: Path) -> None:
    built = options("run", tmp_path)
    assert (built.gates.precision.value, built.gates.precision.origin) == (0, "coverage.py's default")
    assert (built.checks.value, built.checks.origin) == (("lint", "format", "typecheck", "test"), "default")
    assert (built.mypy_args.value, built.mypy_targets.value) == (("--strict",), (".",))
    assert built.workspace == tmp_path.resolve()


def test_mypys_own_files_setting_decides_what_it_checks(tmp_path: Path) -> None:
    write_files(tmp_path, {"mypy.ini": "[mypy]\nfiles = src, tests\n"})
    targets = options("run", tmp_path).mypy_targets
    assert (targets.value, targets.origin) == ((), "mypy.ini [mypy] files")
    assert options("run", tmp_path, mypy_targets=("pkg",)).mypy_targets.value == ("pkg",)


def test_a_bad_value_says_where_it_was_written(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^PY_CI_MAX_MYPY_ERRORS: 'many' is not a whole number of 0 or more; "):
        options("mypy", tmp_path, {"PY_CI_MAX_MYPY_ERRORS": "many"})
    write_files(tmp_path, {"pyproject.toml": "[tool.py-ci]\nchecks = ['docs']\n"})
    with pytest.raises(InputError, match=r"^pyproject.toml \[tool.py-ci\] checks: \['docs'\] names no check"):
        options("run", tmp_path)


def test_variables_apply_only_where_the_setting_means_something(tmp_path: Path) -> None:
    # The action's label input is no setting of `py-ci coverage`: a bad one there changes nothing.
    assert options("coverage", tmp_path, {"PY_CI_LABEL": "oops"}).labels == {}
    with pytest.raises(UsageError, match="PY_CI_LABEL: 'oops' is not KEY=VALUE"):
        options("action", tmp_path, {"PY_CI_LABEL": "oops"}, python="python")


def test_combinations_are_checked_once_at_the_edge(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=re.escape(DIFF_BASE_NEEDED)):
        options("coverage", tmp_path, diff_fail_under=90.0)
    with pytest.raises(UsageError, match="needs at least one of --junit, --mypy, --ruff, --coverage"):
        options("report", tmp_path)
    # A pull request's base branch gives the changed lines a base only when a threshold asks for them.
    pull_request = {"PY_CI_BASE_REF": "main", "PY_CI_DIFF_COVERAGE_THRESHOLD": "80"}
    assert options("action", tmp_path, pull_request, python="python").gates.diff_base == "origin/main"
    assert options("action", tmp_path, {"PY_CI_BASE_REF": "main"}, python="python").gates.diff_base is None
    assert options("combine", tmp_path, pull_request, results=(tmp_path,)).gates.diff_base == "origin/main"


def test_the_pipelines_default_threshold_and_a_legs_partial_coverage(tmp_path: Path) -> None:
    action = options("action", tmp_path, python="python").gates.fail_under
    assert action is not None
    assert (action.value, action.origin) == (PIPELINE_FAIL_UNDER, "py-ci's default")
    leg = options("action", tmp_path, {"PY_CI_GATE_COVERAGE": "false", "PY_CI_COVERAGE_THRESHOLD": "99"}, python="x")
    assert (leg.gates.fail_under, leg.gates.coverage_gated) == (None, False)
    job = options("combine", tmp_path, results=(tmp_path,), coverage_only=True).gates.fail_under
    assert job is not None
    assert job.value == PIPELINE_FAIL_UNDER
    assert options("combine", tmp_path, results=(tmp_path,)).gates.fail_under is None
    chosen = options("combine", tmp_path, results=(tmp_path,), default_fail_under=50.0).gates.fail_under
    assert chosen is not None
    assert chosen.value == 50.0


def test_the_action_saves_its_result_beside_its_outputs(tmp_path: Path) -> None:
    env = {"PY_CI_LABEL": "python=3.12, os=linux", "PY_CI_SUMMARY": "false", "PY_CI_ANNOTATIONS": "false"}
    built = options("action", tmp_path, {**env, "GITHUB_ACTIONS": "true"}, python="p", output_dir=tmp_path / "out")
    assert built.save == tmp_path / "out" / "result.json"
    assert built.labels == {"python": "3.12", "os": "linux"}
    assert (built.publishing.summary, built.publishing.annotations, built.publishing.in_actions) == (None, False, True)


def test_a_group_run_alone_takes_its_tests_and_its_name(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": '[[tool.py-ci.test-groups]]\nname = "slow"\nmarkers = "slow"\n'})
    built = options("run", tmp_path, group="slow", labels=(("python", "3.12"),))
    assert [group.name for group in built.groups] == ["slow"]
    assert (built.checks.value, built.checks.origin) == (("test",), "--group slow")
    assert built.labels == {"python": "3.12", "group": "slow"}
    with pytest.raises(UsageError, match="--group 'fast' is not a test group of this project; use one of: slow"):
        options("run", tmp_path, group="fast")


def test_the_input_size_limit(tmp_path: Path) -> None:
    assert options("junit", tmp_path, {"PY_CI_MAX_INPUT_MB": "2"}).input_limit.size == 2 * 1024 * 1024
    with pytest.raises(UsageError, match="PY_CI_MAX_INPUT_MB: '0' is not a whole number of MiB above 0"):
        options("junit", tmp_path, {"PY_CI_MAX_INPUT_MB": "0"})


def test_every_setting_is_read_by_some_subcommand_and_every_flag_is_a_setting() -> None:
    flagged = {flag.field for flag in COMMON} | {flag.field for flags in FLAGS.values() for flag in flags}
    assert set(VALUES) <= set().union(*FIELDS.values()) | flagged
    assert flagged - {"traceback"} <= set(VALUES)
    assert set(FLAGS) == set(FIELDS) == set(ABOUT) == set(cli.COMMANDS)
    assert "test-groups" in TABLE_KEYS


def test_py_ci_variables_are_read_in_the_options_package_alone() -> None:
    outside = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "PY_CI_" in path.read_text() and not path.is_relative_to(SRC / "options")
    ]
    assert outside == []


def test_nothing_imports_the_cli_but_the_entry_point() -> None:
    importers = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module == "py_ci":
                names += [f"py_ci.{alias.name}" for alias in node.names]
            if "py_ci.cli" in names:
                importers.append(path.name)
    assert importers == ["__main__.py"]


def test_commands_take_typed_options_not_dicts() -> None:
    for name, command in cli.COMMANDS.items():
        hints = typing.get_type_hints(cli._load(command.compute))
        assert hints.pop("return") is not None, name
        assert next(iter(hints.values())) is Options, name
        for hint in hints.values():
            assert "dict" not in str(hint), name
    commands = SRC / "commands"
    for path in commands.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                assert "dict[str, Any]" not in ast.unparse(node.args), f"{path.name}: {node.name}"


def test_cli_is_parsers_a_registry_and_main() -> None:
    assert len(inspect.getsource(cli).splitlines()) < 180
