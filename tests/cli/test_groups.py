"""Test groups in `py-ci run`: one group alone with its services and application, and what goes wrong, said once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.application import AppStart, answers, running_application
from py_ci.errors import InputError
from py_ci.readers.project_files import ProjectFiles
from tests.helpers import (
    EXAMPLE,
    PYTHON,
    Outcome,
    assert_one_line_error,
    free_port,
    without_groups,
    write_files,
)

PyCI = Callable[..., Outcome]

# A tiny project: a server the e2e test talks to, and a unit test.
SERVED = {
    "hello/__init__.py": "",
    "hello/server.py": """
        import http.server
        import os
        import sys


        class Hello(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"hello")

            def log_message(self, *args):
                pass


        def main():
            if os.environ.get("BREAK"):
                print("boom: no configuration", flush=True)
                sys.exit(3)
            server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hello)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass


        if __name__ == "__main__":
            main()
        """,
    "tests/test_unit.py": "def test_one():\n    assert 1 + 1 == 2\n",
    "tests/e2e/test_served.py": """
        import os
        import urllib.request


        def test_it_answers():
            with urllib.request.urlopen(os.environ["HELLO_URL"]) as reply:
                assert reply.read() == b"hello"
        """,
}


def project(root: Path, port: int, ready: str, extra: str = "") -> Path:
    write_files(root, SERVED)
    (root / "pyproject.toml").write_text(
        f"""
[tool.coverage.run]
branch = true
source = ["hello"]

[[tool.py-ci.test-groups]]
name = "unit"
exclude = ["tests/e2e"]
matrix = true

[[tool.py-ci.test-groups]]
name = "e2e"
paths = ["tests/e2e"]
start = "python -m coverage run --parallel-mode -m hello.server {port}"
ready = "{ready}"
ready-timeout = 2
{extra}
"""
    )
    return root


def test_one_group_alone_with_its_application_counted(py_ci: PyCI, tmp_path: Path) -> None:
    port = free_port()
    root = project(tmp_path / "p", port, f"http://127.0.0.1:{port}/")
    env = {"HELLO_URL": f"http://127.0.0.1:{port}/"}
    outcome = py_ci("run", "--python", PYTHON, "--group", "e2e", "--json", "--output-dir", "out", cwd=root, env=env)
    assert outcome.status == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["labels"] == {"group": "e2e"}
    assert (result["tests"]["tests"], result["tests"]["failed"]) == (1, 0)
    # The test process runs none of hello/; the application's own coverage.py data does.
    server = next(file for file in result["coverage"]["files"] if file["path"] == "hello/server.py")
    assert server["lines_covered"] > 0
    assert "application: python -m coverage run" in outcome.stderr
    assert not answers(f"127.0.0.1:{port}")  # stopped after the tests


def every_group(py_ci: PyCI, root: Path, port: int) -> Outcome:
    """`py-ci run`'s tests, every group with its application, the e2e test told where it answers: both pass."""
    env = {"HELLO_URL": f"http://127.0.0.1:{port}/"}
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", "--json", cwd=root, env=env)
    assert outcome.status == 0, outcome.stderr
    assert json.loads(outcome.stdout)["tests"]["tests"] == 2
    return outcome


def test_every_group_in_parallel_and_a_port_as_ready(py_ci: PyCI, tmp_path: Path) -> None:
    port = free_port()
    root = project(tmp_path / "p", port, str(port))
    outcome = every_group(py_ci, root, port)
    assert "pytest (unit) finished" in outcome.stderr
    assert "pytest (e2e) finished" in outcome.stderr


def action(py_ci: PyCI, root: Path, groups: str, env: dict[str, str] | None = None) -> Outcome:
    """The action in a job of the reusable workflow: its kind of groups, the leg's label, a folder for results."""
    variables = {"PY_CI_GROUPS": groups, "PY_CI_CHECKS": "test", "PY_CI_LABEL": "python=3.12", **(env or {})}
    variables["PY_CI_GATE_COVERAGE"] = "false"  # a leg's coverage is the gate job's to judge
    return py_ci("action", "--python", PYTHON, "--output-dir", "out", "--json", cwd=root, env=variables)


def test_a_workflow_job_runs_its_kind_of_groups_each_saved_as_a_leg(py_ci: PyCI, tmp_path: Path) -> None:
    port = free_port()
    root = project(tmp_path / "p", port, str(port))
    matrix = action(py_ci, root, "matrix")
    assert matrix.status == 0, matrix.stderr
    assert "pytest (unit) finished" in matrix.stderr
    assert "pytest (e2e)" not in matrix.stderr
    assert [path.name for path in (root / "out").glob("result*.json")] == ["result-unit.json"]
    leg = json.loads((root / "out" / "result-unit.json").read_text())
    assert leg["labels"] == {"group": "unit", "python": "3.12"}
    single = action(py_ci, root, "single", {"HELLO_URL": f"http://127.0.0.1:{port}/"})
    assert single.status == 0, single.stderr
    assert "application: python -m coverage run" in single.stderr  # the group's own application, started
    e2e = json.loads((root / "out" / "result-e2e.json").read_text())
    assert (e2e["labels"]["group"], e2e["tests"]["tests"]) == ("e2e", 1)


def test_a_workflow_job_whose_kind_of_groups_the_project_lacks_runs_nothing(py_ci: PyCI, tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_files(root, {"pkg/__init__.py": "", "tests/test_it.py": "def test_it():\n    pass\n"})
    outcome = action(py_ci, root, "single")
    assert outcome.status == 0, outcome.stderr
    said = "No test group of this project runs once, beside the services: nothing to run here."
    assert json.loads(outcome.stdout) == {"passed": True, "labels": {"python": "3.12"}, "notes": [said]}
    assert not list((root / "out").glob("result*.json"))  # nothing for the gate job to combine
    env = {"PY_CI_GROUPS": "single", "PY_CI_CHECKS": "test"}
    installed = py_ci("install", "--python", PYTHON, "--json", cwd=root, env=env)
    assert json.loads(installed.stdout)["commands"] == []
    assert "no single test group in this project: nothing to install" in installed.stderr


def test_a_workflow_job_needs_the_services_of_its_groups_alone(py_ci: PyCI, tmp_path: Path) -> None:
    extra = '[[tool.py-ci.test-groups]]\nname = "db"\npaths = ["tests/db"]\nservices = ["postgres"]\n'
    root = project(tmp_path / "p", free_port(), "8000", extra)
    assert action(py_ci, root, "matrix").status == 0  # the unit leg needs no database
    assert_one_line_error(
        action(py_ci, root, "single"),
        "input postgres: the test group 'db' needs postgres, and DATABASE_URL is not set; set the input postgres "
        'to an image tag, e.g. "16", or DATABASE_URL to a server of your own',
    )
    # Beside the job's service container, whose address the tests read: py-ci starts no server of its own.
    container = "postgresql://postgres@127.0.0.1:5432/postgres"
    test = f"import os\n\n\ndef test_db():\n    assert os.environ['DATABASE_URL'] == {container!r}\n"
    served_root = tmp_path / "served"
    write_files(served_root, {"pyproject.toml": extra, "pkg/__init__.py": "", "tests/db/test_db.py": test})
    served = action(py_ci, served_root, "single", {"DATABASE_URL": container})
    assert served.status == 0, served.stderr
    assert "services:" not in served.stderr


def test_a_group_past_its_timeout_is_stopped_and_named(
    py_ci: PyCI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_ci import check_runs

    monkeypatch.setattr(check_runs, "MINUTE", 0.5)  # timeout-minutes = 1 is half a second here
    extra = '[[tool.py-ci.test-groups]]\nname = "slow"\npaths = ["tests/slow"]\ntimeout-minutes = 1\n'
    root = project(tmp_path / "p", free_port(), "8000", extra)
    write_files(root, {"tests/slow/test_hangs.py": "import time\n\n\ndef test_hangs():\n    time.sleep(60)\n"})
    started = time.monotonic()
    outcome = py_ci("run", "--python", PYTHON, "--group", "slow", cwd=root)
    assert time.monotonic() - started < 30
    assert_one_line_error(
        outcome,
        "pytest (slow) did not finish within 1 minute: py-ci stopped it at the group's timeout-minutes",
        after_progress=True,
        reported=True,
    )


def test_an_application_that_stops_is_one_line_with_its_last_words(py_ci: PyCI, tmp_path: Path) -> None:
    port = free_port()
    root = project(tmp_path / "p", port, str(port))
    outcome = py_ci("run", "--python", PYTHON, "--checks", "test", cwd=root, env={"BREAK": "1"})
    said = f"pytest (e2e) did not start: application `python -m coverage run --parallel-mode -m hello.server {port}`: "
    assert_one_line_error(
        outcome,
        f"{said}stopped (exit 3) before {port} answered; it said: boom: no configuration",
        after_progress=True,
        reported=True,
    )
    # The other group ran and counts: the application's failure is its own group's alone.
    assert "Tests: 1 passed" in outcome.stdout
    assert "pytest (unit) finished" in outcome.stderr
    assert "✗ pytest (e2e) did not start" in outcome.stderr


def test_tests_without_an_application_do_not_wait_for_one(py_ci: PyCI, tmp_path: Path) -> None:
    """The unit group runs while the e2e group's application is still starting: it answers only after that test."""
    port = free_port()
    root = project(tmp_path / "p", port, f"http://127.0.0.1:{port}/")
    flag = tmp_path / "unit-ran"
    write_files(
        root, {"tests/test_unit.py": f"import pathlib\n\n\ndef test_one():\n    pathlib.Path({str(flag)!r}).touch()\n"}
    )
    # The server listens once the unit test ran, and gives up (exit 4) after 20 s without it.
    mark = f"pathlib.Path({str(flag)!r}).exists()"
    wait = f"import pathlib, time; [time.sleep(0.05) for _ in range(400) if not {mark}]; {mark} or sys.exit(4)"
    server = (root / "hello" / "server.py").read_text().replace("def main():\n", f"def main():\n    {wait}\n", 1)
    (root / "hello" / "server.py").write_text(server)
    started = (root / "pyproject.toml").read_text().replace("ready-timeout = 2", "ready-timeout = 60")
    (root / "pyproject.toml").write_text(started)
    # Both pass (every_group) only if the unit test ran before the application answered: had the unit group waited
    # for it, the application would have given up. Which process exits first is a race (the unit one still writes
    # its coverage data after its test ran), so the order of their "finished" lines is not asserted.
    outcome = every_group(py_ci, root, port)
    assert "pytest (unit) finished" in outcome.stderr


def test_an_application_that_dies_while_another_answers_is_no_pass(py_ci: PyCI, tmp_path: Path) -> None:
    """Its port already taken by a server that answers as it would: the tests pass, against the wrong server."""
    port = free_port()
    root = project(tmp_path / "p", port, f"http://127.0.0.1:{port}/")
    url = f"http://127.0.0.1:{port}/"
    impostor = subprocess.Popen([sys.executable, "-m", "hello.server", str(port)], cwd=root)
    try:
        deadline = time.monotonic() + 30
        while not answers(url) and time.monotonic() < deadline:
            time.sleep(0.05)
        outcome = py_ci("run", "--python", PYTHON, "--group", "e2e", cwd=root, env={"HELLO_URL": url})
    finally:
        impostor.terminate()
        impostor.wait()
    # The group is a failure with its cause, and the run still reports (its lint among the rest).
    expected = "pytest (e2e) ran against an application that exited (status 1) while the tests ran: `python -m"
    assert_one_line_error(outcome, expected, after_progress=True, reported=True)
    assert "Address already in use" in outcome.stderr.splitlines()[-1]
    assert "every gate passed" not in outcome.stdout + outcome.stderr


def test_an_application_that_never_answers_times_out(py_ci: PyCI, tmp_path: Path) -> None:
    port, elsewhere = free_port(), free_port()
    root = project(tmp_path / "p", port, f"http://127.0.0.1:{elsewhere}/")
    outcome = py_ci("run", "--python", PYTHON, "--group", "e2e", cwd=root)
    assert_one_line_error(
        outcome, f"http://127.0.0.1:{elsewhere}/ did not answer within 2 s", after_progress=True, reported=True
    )


def test_a_group_that_selects_no_tests_says_so(py_ci: PyCI, tmp_path: Path) -> None:
    port = free_port()
    extra = '[[tool.py-ci.test-groups]]\nname = "slow"\nmarkers = "slow"\n'
    root = project(tmp_path / "p", port, str(port), extra)
    outcome = py_ci(
        "run", "--python", PYTHON, "--checks", "test", cwd=root, env={"HELLO_URL": f"http://127.0.0.1:{port}/"}
    )
    # The other groups still report; the one that selected nothing fails the run, saying why.
    expected = "pytest (slow) collected no tests (exit 5): test group 'slow' selected no tests"
    assert_one_line_error(outcome, expected, after_progress=True, reported=True)
    assert outcome.stderr.endswith("; check its paths and markers (test-groups)\n")
    assert "Tests: 2 passed" in outcome.stdout


def test_unknown_group_and_broken_declarations(py_ci: PyCI, tmp_path: Path) -> None:
    root = project(tmp_path / "p", free_port(), "8000")
    assert_one_line_error(
        py_ci("run", "--group", "smoke", cwd=root),
        "--group 'smoke' is not a test group of this project; use one of: unit, e2e",
    )
    (root / "pyproject.toml").write_text('[[tool.py-ci.test-groups]]\nname = "x"\nservices = "kafka"\n')
    assert_one_line_error(
        py_ci("run", "--group", "x", cwd=root),
        "pyproject.toml [tool.py-ci] test-groups: group 'x' asks for 'kafka'; use some of: postgres, redis",
    )


def test_the_common_layout_without_declarations(example: Path, py_ci: PyCI) -> None:
    without_groups(example)
    outcome = py_ci("run", "--python", PYTHON, "--group", "integration", "--json", cwd=example)
    result = json.loads(outcome.stdout)
    # Its tests pass; its coverage alone is under the example's threshold, as a part of the whole is.
    assert (outcome.status, result["tests"]["failed"], result["coverage"]["passed"]) == (1, 0, False)
    # Its services come with the group, as --services starts them.
    assert (result["tests"]["tests"], result["tests"]["skipped"]) == (3, 0)
    assert "services: PostgreSQL at postgresql://postgres@127.0.0.1:" in outcome.stderr


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second for SIGINT instead of ten: what is under test is the escalation, not the wait."""
    from py_ci import application

    monkeypatch.setattr(application, "STOP_SIGNALS", ((signal.SIGINT, 1.0), (signal.SIGTERM, 5.0)))


@pytest.mark.usefixtures("short_grace")
def test_stopping_escalates_when_the_application_ignores_interrupts(tmp_path: Path) -> None:
    port = free_port()
    stubborn = (
        "import signal, socket, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        f"s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(600)"
    )
    app = AppStart(f'{sys.executable} -c "{stubborn}"', str(port), 10)
    with running_application(app, tmp_path, {"PATH": "/usr/bin:/bin"}, tmp_path / "app.log"):
        assert answers(f"127.0.0.1:{port}")
    assert not answers(f"127.0.0.1:{port}")


@pytest.mark.usefixtures("short_grace")
def test_stopping_waits_for_what_the_shell_started_in_the_background(tmp_path: Path) -> None:
    # A non-interactive shell starts `&` jobs with SIGINT ignored and dies of the first one itself.
    port = free_port()
    app = AppStart(f"{sys.executable} -m http.server --bind 127.0.0.1 {port} & sleep 600", str(port), 10)
    with running_application(app, tmp_path, {"PATH": "/usr/bin:/bin"}, tmp_path / "app.log"):
        assert answers(f"127.0.0.1:{port}")
    assert not answers(f"127.0.0.1:{port}")


def test_ready_answers_only_below_500(tmp_path: Path) -> None:
    assert not answers("http://127.0.0.1:1/")
    assert not answers(f"127.0.0.1:{free_port()}")
    with (
        pytest.raises(InputError, match=r"did not answer within 0\.5 s"),
        running_application(
            AppStart("sleep 5", f"http://127.0.0.1:{free_port()}/", 0.5),
            tmp_path,
            {"PATH": "/usr/bin:/bin"},
            tmp_path / "log",
        ),
    ):
        pass


def test_the_example_declares_all_three_groups() -> None:
    from py_ci.test_groups import declared_groups

    groups = declared_groups(ProjectFiles(EXAMPLE)) or []
    assert [(g.name, g.matrix, g.services) for g in groups] == [
        ("unit", True, ()),
        ("integration", False, ("postgres", "redis")),
        ("e2e", False, ("postgres", "redis")),
    ]


@pytest.mark.usefixtures("short_grace")
def test_an_application_started_where_sigint_is_ignored_still_stops_on_it(tmp_path: Path) -> None:
    """A shell script's `&` job (and act, started so) ignores SIGINT, and exec hands that on: the application must not
    inherit it, or the first stop signal never arrives and coverage.py, which saves on it alone, loses its data."""
    port, said = free_port(), tmp_path / "interrupted"
    listens = (
        f"import socket, time\ns = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen()\n"
        f"try:\n    time.sleep(600)\nexcept KeyboardInterrupt:\n    open({str(said)!r}, 'w').close()\n"
    )
    (tmp_path / "app.py").write_text(listens)
    app = AppStart(f"{sys.executable} app.py", str(port), 10)
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with running_application(app, tmp_path, {"PATH": "/usr/bin:/bin"}, tmp_path / "app.log"):
            assert answers(f"127.0.0.1:{port}")
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert said.is_file(), "the application never saw SIGINT: SIGTERM stopped it"
