"""The hostile corpus: exit 2 with one line, or a correct report; and the runner obeys only what we meant."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from py_ci.errors import InputError
from py_ci.options import DEFAULT_INPUT_LIMIT
from py_ci.readers.cobertura import read_cobertura
from py_ci.readers.junit import read_junit
from tests.helpers import HOSTILE, Outcome, assert_one_line_error, parse_command

PyCI = Callable[..., Outcome]
CORPUS = HOSTILE

REFUSED = {
    "billion-laughs.xml": ("coverage", "declares XML entities"),
    "quadratic-blowup.xml": ("coverage", "declares XML entities"),
    "external-entity.xml": ("coverage", "declares XML entities"),
    "parameter-entity.xml": ("coverage", "declares XML entities"),
    "truncated.xml": ("coverage", "the file is truncated"),
    "latin1-undeclared.xml": ("coverage", "not well-formed XML"),
    "random.bin": ("coverage", "not well-formed XML"),
}
READ = {
    "external-dtd.xml": 50.0,  # a plain DOCTYPE naming a DTD: accepted, never fetched
    "bom.xml": 50.0,
    "latin1-declared.xml": 50.0,
    "crlf.xml": 100 * 2 / 3,
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_with_one_line(name: str, py_ci: PyCI, tmp_path: Path) -> None:
    command, expected = REFUSED[name]
    outcome = py_ci(command, str(CORPUS / name), "--summary", "s.md", cwd=tmp_path)
    assert_one_line_error(outcome, expected)
    assert not (tmp_path / "s.md").exists()


@pytest.mark.parametrize("name", READ)
def test_read_correctly(name: str, py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci("coverage", "--json", str(CORPUS / name), cwd=tmp_path)
    assert outcome.status == 0
    assert json.loads(outcome.stdout)["total"] == pytest.approx(READ[name])


def test_latin1_declared_names_survive(py_ci: PyCI, tmp_path: Path) -> None:
    result = json.loads(py_ci("coverage", "--json", str(CORPUS / "latin1-declared.xml"), cwd=tmp_path).stdout)
    assert result["files"][0]["path"] == "café.py"


def test_absurdly_large_input_is_refused_before_reading(py_ci: PyCI, tmp_path: Path) -> None:
    big = tmp_path / "coverage.xml"
    big.write_bytes(b" " * (3 * 1024 * 1024))
    outcome = py_ci("coverage", cwd=tmp_path, env={"PY_CI_MAX_INPUT_MB": "2"})
    assert_one_line_error(
        outcome, "coverage.xml: is 3 MiB, over py-ci's limit of 2 MiB; check that it is the right file"
    )


def commands_the_runner_runs(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """Every line of stdout through actions/runner's parser, honouring `::stop-commands::` as it does."""
    parsed, stopped_until = [], None
    for line in stdout.splitlines():
        if stopped_until is not None:
            if line.strip() == f"::{stopped_until}::":
                stopped_until = None
            continue
        command = parse_command(line)
        if command is None:
            continue
        if command[0] == "stop-commands":
            stopped_until = command[2]
        parsed.append(command)
    assert stopped_until is None, "a stop-commands block was never closed"
    return parsed


HOSTILE_RUNS = {
    "names": ["coverage", str(CORPUS / "hostile-names.xml"), "--fail-under", "90", "--fail-under-file", "90"],
    "tests": ["junit", str(CORPUS / "hostile-tests.xml")],
    "mypy": ["mypy", str(CORPUS / "hostile-mypy.txt")],
    "ruff": ["ruff", str(CORPUS / "hostile-ruff.json")],
}


@pytest.mark.parametrize("case", HOSTILE_RUNS)
def test_the_runner_obeys_only_our_annotations(case: str, py_ci: PyCI, tmp_path: Path) -> None:
    outcome = py_ci(*HOSTILE_RUNS[case], "--summary", "s.md", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert outcome.status == 1
    commands = commands_the_runner_runs(outcome.stdout)
    names = [name for name, _, _ in commands]
    assert names.count("stop-commands") == 1  # ours, around the text rendering
    assert set(names) <= {"stop-commands", "error", "warning", "notice"}
    for name, properties, data in commands:
        if name != "stop-commands":
            assert not data.startswith("PWNED")
            assert not properties.get("title", "").startswith("PWNED")
    outside_code = outside_fences((tmp_path / "s.md").read_text())
    assert "<script>" not in outside_code
    assert "<b>" not in outside_code


def outside_fences(markdown: str) -> str:
    """The Markdown outside fenced code blocks, where GitHub would render HTML."""
    kept, fence = [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    assert fence is None, "a code fence was never closed: input text could escape it"
    return "\n".join(kept)


@given(data=st.binary(max_size=600))
@settings(max_examples=150)
def test_xml_readers_raise_only_input_errors_on_bytes(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.xml"
    path.write_bytes(data)
    for read in (read_cobertura, read_junit):
        with contextlib.suppress(InputError):
            read(path, DEFAULT_INPUT_LIMIT)


xml_names = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30)


@given(
    root=st.sampled_from(["coverage", "testsuites", "testsuite", "testcase", "packages", "x"]),
    children=st.lists(
        st.tuples(
            st.sampled_from(
                ["class", "line", "lines", "testcase", "failure", "skipped", "error", "packages", "source", "testsuite"]
            ),
            st.dictionaries(
                st.sampled_from(
                    [
                        "filename",
                        "number",
                        "hits",
                        "branch",
                        "condition-coverage",
                        "missing-branches",
                        "name",
                        "classname",
                        "time",
                        "line",
                        "file",
                        "message",
                    ]
                ),
                xml_names,
                max_size=4,
            ),
        ),
        max_size=8,
    ),
)
@settings(max_examples=150)
def test_xml_readers_raise_only_input_errors_on_odd_documents(
    root: str, children: list[tuple[str, dict[str, str]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from xml.sax.saxutils import quoteattr

    body = "".join(f"<{tag} {' '.join(f'{k}={quoteattr(v)}' for k, v in attrs.items())}>" for tag, attrs in children)
    body += "".join(f"</{tag}>" for tag, _ in reversed(children))
    path = tmp_path_factory.mktemp("odd") / "input.xml"
    path.write_text(f"<{root}>{body}</{root}>")
    for read in (read_cobertura, read_junit):
        with contextlib.suppress(InputError):
            read(path, DEFAULT_INPUT_LIMIT)


@given(
    text=st.one_of(
        st.text(max_size=300),
        st.builds(
            json.dumps,
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=15), inner, max_size=4),
                max_leaves=15,
            ),
        ),
    )
)
@settings(max_examples=200)
def test_baseline_and_result_readers_raise_only_input_errors(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from py_ci.baseline import parse_baseline
    from py_ci.readers.result_file import read_result

    with contextlib.suppress(InputError):
        parse_baseline(text, "baseline.json", "mypy")
    for document in (
        text,
        text.replace("{", '{"py-ci-result": 1, ', 1),
        text.replace("{", '{"py-ci-baseline": 1, "tool": "mypy", ', 1),
    ):
        with contextlib.suppress(InputError):
            parse_baseline(document, "baseline.json", "mypy")
        path = tmp_path_factory.mktemp("result") / "r.json"
        path.write_text(document)
        with contextlib.suppress(InputError):
            read_result(path, DEFAULT_INPUT_LIMIT)
