"""What the tests share: running the real tools and py-ci, real projects to run them on, and the assertions.

Fixtures live in conftest.py; tests import helpers from here, never from each other.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import unittest
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import cmarkgfm
import yaml
from cmarkgfm import cmark

TESTS = Path(__file__).parent
ROOT = TESTS.parent
DATA = TESTS / "data"
GOLD = TESTS / "gold"
ACTUAL = TESTS / "actual"  # what differed from a gold file, for review (never committed)
HOSTILE = TESTS / "hostile"
PYTHON = sys.executable  # our own venv holds ruff, mypy, pytest and pytest-cov

# Variables of the outer run (pytest-cov, GitHub, our own config) that must not leak into a child.
LEAKY_PREFIXES = ("COV_CORE_", "COVERAGE_", "PYTEST_", "GITHUB_", "PY_CI_", "RUNNER_")


def annotation_lines(stdout: str) -> list[str]:
    """The annotation commands of an output (not the `::stop-commands::` block around verbatim text)."""
    return [line for line in stdout.splitlines() if line.startswith(("::error", "::warning", "::notice"))]


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(LEAKY_PREFIXES)}
    environ["PYTHONDONTWRITEBYTECODE"] = "1"
    environ.update(extra or {})
    return environ


def run(
    args: list[str], cwd: Path, env: Mapping[str, str] | None = None, allowed: tuple[int, ...] = (0, 1)
) -> subprocess.CompletedProcess[str]:
    """Run a tool to completion; its failure is the test's failure, with its output shown."""
    result = subprocess.run(
        args, cwd=cwd, env=clean_environ(env), capture_output=True, text=True, encoding="utf-8", check=False
    )
    if result.returncode not in allowed:
        raise AssertionError(f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def coverage(*args: str) -> list[str]:
    return [sys.executable, "-m", "coverage", *args]


def child_pytest(*args: str) -> list[str]:
    """The real pytest, quiet, leaving no cache behind."""
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


SAMPLE_PACKAGE = {
    "shapes/__init__.py": "",
    "shapes/geometry.py": """
        def classify(n: int) -> str:
            if n < 0:
                return "negative"
            elif n == 0:
                return "zero"
            return "positive"


        def clamp(value: float, low: float, high: float) -> float:
            if value < low:
                value = low
            if value > high:
                value = high
            return value


        def first_even(values: list[int]) -> int | None:
            for value in values:
                if value % 2 == 0:
                    return value
            return None
        """,
    "shapes/text.py": """
        def shout(text: str) -> str:
            return text.upper() + "!"


        def never_called() -> None:
            x = 1
            y = 2
            print(x + y)


        def maybe(flag: bool) -> int:
            result = 0
            if flag:
                result = 1
            return result
        """,
}

SAMPLE_TESTS = {
    "tests/test_geometry.py": """
        from shapes.geometry import clamp, classify, first_even


        def test_classify():
            assert classify(5) == "positive"
            assert classify(-1) == "negative"


        def test_clamp():
            assert clamp(5, 0, 10) == 5
            assert clamp(-5, 0, 10) == 0


        def test_first_even():
            assert first_even([1, 2]) == 2
        """,
    "tests/test_text.py": """
        from shapes.text import maybe, shout


        def test_shout():
            assert shout("hi") == "HI!"


        def test_maybe():
            assert maybe(True) == 1
        """,
}


@dataclass(frozen=True)
class Measured:
    """A project that the real coverage.py measured, and its XML report."""

    root: Path
    xml: Path

    def coverage(self, *args: str, allowed: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        return run(coverage(*args), self.root, allowed=allowed)


def measure(root: Path, *, branch: bool, tests: str = "tests", pytest_cov: bool = False) -> Measured:
    """Run the project's tests under coverage.py (or pytest-cov) and write coverage.xml."""
    if pytest_cov:
        branch_flag = ["--cov-branch"] if branch else []
        run(
            child_pytest("--cov=shapes", *branch_flag, "--cov-report=xml", tests),
            root,
        )
    else:
        branch_flag = ["--branch"] if branch else []
        run(
            coverage("run", *branch_flag, "--source=shapes", "-m", "pytest", "-q", "-p", "no:cacheprovider", tests),
            root,
        )
        run(coverage("xml", "-q"), root)
    return Measured(root, root / "coverage.xml")


EXAMPLE = ROOT / "examples" / "bookshop"


def copy_of_example(destination: Path) -> Path:
    """The example as a fresh checkout has it: no environment, caches or coverage data."""
    ignore = shutil.ignore_patterns(".venv", "__pycache__", ".*cache", ".coverage*")
    shutil.copytree(EXAMPLE, destination, ignore=ignore)
    return destination


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def py_ci_process(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Outcome:
    """Run the installed `py-ci` as a user would, in a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "py_ci", *args],
        cwd=cwd,
        env=clean_environ(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return Outcome(result.returncode, result.stdout, result.stderr)


# --- py-ci's own surfaces, read back -------------------------------------------------------------


def assert_one_line_error(
    outcome: Outcome, expected: str, *, after_progress: bool = False, reported: bool = False
) -> None:
    """Exit 2, nothing on stdout, and one `py-ci: error:` line holding `expected` and no traceback.

    With `after_progress`, progress lines (py-ci run's) may come first: the error is still the last line.
    With `reported`, a check did not finish and the others still reported: stdout holds the report, which says it.
    """
    assert outcome.status == 2, outcome
    if reported:
        assert expected in outcome.stdout, outcome
    else:
        assert outcome.stdout == "", outcome
    assert "Traceback" not in outcome.stderr
    assert outcome.stderr.endswith("\n"), outcome.stderr
    lines = outcome.stderr.splitlines()
    assert [line for line in lines if line.startswith("py-ci: error: ")] == lines[-1:], outcome.stderr
    assert after_progress or len(lines) == 1, outcome.stderr
    assert expected in lines[-1], outcome.stderr


def assert_gold(name: str, actual: str) -> None:
    """Compare with tests/gold/NAME; a mismatch is written to tests/actual/NAME for review, never over the gold."""
    gold = GOLD / name
    kept = ACTUAL / name
    expected = gold.read_text(encoding="utf-8")
    if actual == expected:
        kept.unlink(missing_ok=True)
        return
    ACTUAL.mkdir(exist_ok=True)
    kept.write_text(actual, encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(gold), str(kept)))
    raise AssertionError(f"{name} differs from its gold file; review {kept}, then copy it over {gold}\n{diff}")


def headings_on_github(markdown: str) -> list[str]:
    """The headings GitHub shows for a summary: rendered by cmark-gfm, GitHub's own Markdown library.

    Each Markdown heading line must come out as a heading, not swallowed as text into an HTML block before it.
    """
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=cmark.Options.CMARK_OPT_UNSAFE)
    shown = [re.sub(r"<[^>]+>", "", heading) for heading in re.findall(r"<h[1-6]>(.*?)</h[1-6]>", html)]
    written = [line.lstrip("#").strip() for line in markdown.splitlines() if re.match(r"#{1,6} ", line)]
    assert len(shown) == len(written), f"headings shown as text on GitHub:\n{html}"
    return shown


def parse_outputs(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT the way the runner does: `name<<DELIMITER`, value lines, DELIMITER."""
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        name, delimiter = line.split("<<", 1)
        value: list[str] = []
        for item in lines:
            if item == delimiter:
                break
            value.append(item)
        outputs[name] = "\n".join(value)
    return outputs


# actions/runner src/Runner.Common/ActionCommand.cs: the replacements are undone in this order, `%25` last.
DATA_MAPPINGS = (("\r", "%0D"), ("\n", "%0A"), ("%", "%25"))
PROPERTY_MAPPINGS = (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25"))
COMMANDS = {"error", "warning", "notice", "debug", "add-mask", "stop-commands", "group", "endgroup"}


def unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for token, replacement in mappings:
        text = text.replace(replacement, token)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """TryParseV2, step for step: command, properties, data; None when the runner sees no command."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in COMMANDS:
        return None
    properties: dict[str, str] = {}
    if space > 0:
        for entry in (part for part in info[space + 1 :].strip().split(",") if part):
            pair = [piece for piece in entry.split("=", 1) if piece]
            if len(pair) == 2:
                properties[pair[0]] = unescape(pair[1], PROPERTY_MAPPINGS)
    return name, properties, unescape(message[end + 2 :], DATA_MAPPINGS)


# --- git repositories made in the tests ----------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    return run(["git", *args], root, GIT_ENV).stdout


def commit(root: Path, files: dict[str, str], message: str) -> None:
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


# --- the example, changed on purpose ------------------------------------------------------------


def break_it(project: Path) -> None:
    """One of each: a type error, a lint error, an unformatted file, a failing test, coverage under 85%."""
    basket = project / "src" / "bookshop" / "basket.py"
    basket.write_text(basket.read_text() + '\n\ndef typo() -> int:\n    return "one"\n')
    (project / "src" / "bookshop" / "extra.py").write_text(
        "import os\ndef spaced( x ):\n    return x\n\n\ndef never(a: int) -> int:\n"
        + "".join(f"    a += {i}\n" for i in range(30))
        + "    return a\n"
    )
    (project / "tests" / "test_broken.py").write_text("def test_broken() -> None:\n    assert 1 + 1 == 3\n")


def without_groups(project: Path) -> None:
    """The example without its [[tool.py-ci.test-groups]]: the common layout decides."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text[: text.index("# Three suites")] + text[text.index("[tool.hatch.build") :])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- Cobertura documents with exact counts, for gate arithmetic and size limits -----------------
# Real tools cannot be made to hit 79.994% exactly; the parity tests cover real reports.


def cobertura(files: Mapping[str, Sequence[int]], source: str = ".") -> str:
    """A coverage.py-shaped report: for each file, the hits of lines 1..n."""
    parts = [
        '<?xml version="1.0" ?>',
        '<coverage version="7.17.3" branches-valid="0" branches-covered="0" line-rate="0" branch-rate="0">',
        f'<sources><source>{source}</source></sources><packages><package name="."><classes>',
    ]
    for name, hits in files.items():
        parts.append(f"<class name={quoteattr(name)} filename={quoteattr(name)}><methods/><lines>")
        parts.extend(f'<line number="{n}" hits="{h}"/>' for n, h in enumerate(hits, start=1))
        parts.append("</lines></class>")
    parts.append("</classes></package></packages></coverage>")
    return "\n".join(parts)


def with_total(covered: int, valid: int) -> str:
    """One file whose line coverage is covered/valid."""
    return cobertura({"big.py": [1] * covered + [0] * (valid - covered)})


BIN = Path(sys.executable).parent  # the tools of our own venv: act, actionlint, shellcheck, zizmor, check-jsonschema


# Untyped under --strict, an unused import, a file ruff would reformat, and tests that leave a third unrun.
LEGACY_PROJECT = {
    "pyproject.toml": """
        [project]
        name = "legacy"
        version = "1.0"
        requires-python = ">=3.11"
        classifiers = [
            "Programming Language :: Python :: 3.11",
            "Programming Language :: Python :: 3.12",
        ]

        [tool.pytest.ini_options]
        pythonpath = ["."]
        """,
    "legacy/__init__.py": "",
    "legacy/prices.py": """
        import os


        def total(prices):
            return sum(prices)


        def discounted(price: float, rate: float) -> float:
            if rate < 0:
                raise ValueError("rate")
            if rate > 1:
                rate = 1.0
            return price * (1 - rate)


        def unused(x: int) -> int:
            y = x + 1
            z = y * 2
            return z
        """,
    "legacy/text.py": "def shout(text:str)->str:\n    return text.upper( )\n",
    "tests/test_prices.py": """
        from legacy.prices import discounted, total
        from legacy.text import shout


        def test_total():
            assert total([1, 2]) == 3


        def test_discounted():
            assert discounted(10.0, 0.5) == 5.0


        def test_shout():
            assert shout("a") == "A"
        """,
}


def find_python(version: str) -> str:
    """The interpreter of Python `version` on this machine (pyenv's, as scripts/lib.sh finds it)."""
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout.strip()
    found = sorted(Path(root).glob(f"versions/{version}.*/bin/python{version}"), reverse=True) if root else []
    on_path = shutil.which(f"python{version}")
    for candidate in [*map(str, found), *([on_path] if on_path else [])]:
        if subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return candidate
    raise AssertionError(f"Python {version} is not on this machine: scripts/test's machines have it (pyenv)")


def load_yaml(path: Path) -> dict[Any, Any]:
    """An action's or a workflow's YAML (YAML 1.1 reads a workflow's key `on` as True)."""
    document: dict[Any, Any] = yaml.safe_load(path.read_text())
    return document


def steps_of(path: Path) -> list[dict[str, Any]]:
    """The steps of an action, or of every job of a workflow."""
    document = load_yaml(path)
    if "runs" in document:
        steps: list[dict[str, Any]] = document["runs"].get("steps", [])
        return steps
    return [step for job in document.get("jobs", {}).values() for step in job.get("steps", [])]


def fresh_venv(root: Path, python: str = PYTHON) -> Path:
    """A fresh environment's interpreter: nothing of the project or its tools in it."""
    run([python, "-m", "venv", "--without-pip", str(root)], root.parent)
    return root / "bin" / "python"


def unittest_runs_skips() -> int:
    """1 when this Python's unittest starts, and counts as run, a test its decorator skips; 0 where it does not
    (3.12's first releases skipped it unstarted: `Ran 3 tests ... (skipped=1)` where 3.11 and 3.13 say 4)."""

    class Probe(unittest.TestCase):
        @unittest.skip("probe")
        def test_skipped(self) -> None:
            """Never runs."""

    result = unittest.TestResult()
    Probe("test_skipped").run(result)
    return result.testsRun


# A project with basedpyright's configuration and five type errors, which every type checker's tests run on.
TYPE_ERRORS = {
    "pyproject.toml": '[tool.basedpyright]\ntypeCheckingMode = "standard"\n',
    "pkg/__init__.py": "",
    "pkg/a.py": """\
        def f(x: int) -> str:
            return x


        y: int = "text"
        """,
    "pkg/b.py": """\
        import not_a_module_anywhere

        from pkg.a import f

        f("one")
        undefined_name
        """,
}


# What the workflow passes when the caller changes nothing.
WORKFLOW_DEFAULTS = {
    "PY_CI_PYTHON_VERSIONS": '["3.11", "3.12", "3.13", "3.14", "3.15"]',
    "PY_CI_OS": '["ubuntu-latest"]',
    "PY_CI_WORKING_DIRECTORY": ".",
    "PY_CI_INTEGRATION_TESTS": "tests/integration",
    "PY_CI_TIMEOUT_MINUTES": "30",
}


# Declared test groups, as a caller writes the workflow's test-groups input.
TEST_GROUPS = json.dumps(
    [
        {"name": "fast", "markers": "not slow", "matrix": True},
        {"name": "slow", "markers": "slow", "timeout-minutes": 60},
        {
            "name": "e2e",
            "paths": ["tests/e2e"],
            "services": ["postgres"],
            "start": "python -m app",
            "ready": "http://127.0.0.1:8000/health",
            "ready-timeout": 90,
        },
    ]
)


# The jobs the reusable workflow's gate job needs, as its `needs` context names them.
GATE_JOBS = ("inputs", "lint", "typecheck", "test", "group")


def needs(**results: str) -> str:
    """The `needs` context of the gate job: every job a success unless named otherwise."""
    document: dict[str, dict[str, object]] = {
        job: {"result": results.get(job, "success"), "outputs": {}} for job in GATE_JOBS
    }
    document["group"]["outputs"] = None  # as act writes a job without outputs
    document["inputs"]["outputs"] = {"unplanned-jobs": "[]"}
    return json.dumps(document)
