"""What init carries over from a project's own CI and tells a black and flake8 project: values in, words out."""

from __future__ import annotations

from pathlib import Path

from py_ci.model import CheckReport, CheckSection, Finding, JobResult, Setting, Verdict
from py_ci.pythons import SUPPORTED
from py_ci.readers.formatters import used_tools
from py_ci.readers.project_files import ProjectFiles
from py_ci.readers.workflows import ExistingWorkflow
from py_ci.renderers.adopting import adopting_markdown, adopting_text
from py_ci.survey import carried_over, ruff_for


def workflow(runners: tuple[str, ...], pythons: tuple[str, ...], tests: bool = True) -> ExistingWorkflow:
    return ExistingWorkflow(".github/workflows/ci.yml", "CI", tests, runners, pythons, False, ())


def test_linux_runners_alone_keep_the_default_and_free_threaded_and_pypy_legs_follow_cpython() -> None:
    found = carried_over((workflow(("ubuntu-22.04",), ("pypy3.10", "3.13t", "3.10")),), ("3.11", "3.12"), False)
    assert found.versions == ("3.10", "3.11", "3.12", "pypy3.10", "3.13t")
    assert found.runners == ()  # Linux only: the reusable workflow's default already is
    assert found.said[0] == (
        ".github/workflows/ci.yml (CI) tests too: py-ci's workflow takes over Python pypy3.10, 3.13t, 3.10"
    )


def test_a_workflow_that_tests_what_py_ci_does_is_said_to_be_covered() -> None:
    found = carried_over((workflow(("ubuntu-latest",), ("3.12",)),), ("3.11", "3.12"), True)
    assert (found.versions, found.runners) == (("3.11", "3.12"), ())
    assert found.said == (
        ".github/workflows/ci.yml (CI) tests too: py-ci's workflow covers its Pythons and runners",
        "both run on every push until you trim the old workflow to what py-ci's does not cover",
    )
    assert carried_over((), ("3.12",), False).said == ()
    old = carried_over((), ("3.7", "3.8", "3.12"), False)
    assert old.versions == ("3.8", "3.12")
    assert old.said == ("Python 3.7 left out of python-versions: setup-python no longer provides them",)
    assert carried_over((), ("3.6",), False).versions == SUPPORTED  # none left: the releases that get fixes


def section(findings: tuple[Finding, ...], baseline: Setting[str] | None = None) -> CheckSection:
    verdicts = (Verdict("ruff", not findings, ""),)
    return CheckSection("ruff", CheckReport("ruff", findings), verdicts, Setting(0, "default"), baseline)


def test_ruff_is_told_to_a_black_and_flake8_project_only() -> None:
    tools = {"black": ".pre-commit-config.yaml"}
    assert ruff_for(tools, section(())) == (
        "the project uses black (.pre-commit-config.yaml); py-ci runs ruff in its place: ruff check finds 0, "
        "ruff format would reformat 0 files; nothing to accept. ruff format is black's style and ruff's E, W and "
        "F rules are flake8's: `ruff format` once empties the format part"
    )
    many = tuple(Finding("ruff", "a.py", "m", code=f"E{n}") for n in range(7))
    said = ruff_for(tools, section(many))
    assert said is not None
    assert "ruff check finds 7 (1 E0, 1 E1, 1 E2, 1 E3, 1 E4 and 2 more rules)" in said
    assert ruff_for({}, section(many)) is None
    assert ruff_for(tools, None) is None


def test_black_and_flake8_are_found_wherever_they_are_configured(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n\n[flake8]\nmax-line-length = 99\n")
    hooks = "repos:\n  - repo: https://github.com/psf/black-pre-commit-mirror\n    hooks:\n      - id: black\n"
    (tmp_path / ".pre-commit-config.yaml").write_text(hooks)
    assert used_tools(ProjectFiles(tmp_path)) == {"black": ".pre-commit-config.yaml", "flake8": "setup.cfg [flake8]"}
    assert used_tools(ProjectFiles(tmp_path / "none")) == {}
    tox = tmp_path / "tox"
    tox.mkdir()
    (tox / "tox.ini").write_text(
        "[testenv]\ncommands = pytest\n\n[testenv:lint]\ncommands = flake8 --ignore=E501 src\n"
    )
    assert used_tools(ProjectFiles(tox)) == {"flake8": "tox.ini [testenv:lint]"}


def test_a_baseline_silences_the_way_out_it_names() -> None:
    finding = (Finding("ruff", "a.py", "m", code="F401"),)
    assert adopting_text(JobResult({}, ruff=section(finding, Setting(".py-ci/ruff-baseline.json", "pyproject")))) == ""
    assert adopting_markdown(JobResult({}, ruff=section(()))) == ""
    assert "`py-ci init`" in adopting_text(JobResult({}, ruff=section(finding)))


def test_versions_the_project_no_longer_admits_or_setup_python_no_longer_has_are_said_not_carried() -> None:
    own = workflow(("ubuntu-latest",), ("3.7", "3.9", "pypy3.10", "3.14t", "3.16t"))
    found = carried_over((own,), ("3.10", "3.11"), False, admitted=("3.10", "3.11", "3.12", "3.13", "3.14", "3.15"))
    assert found.versions == ("3.10", "3.11", "pypy3.10", "3.14t", "3.16t")  # the next release's pre-releases too
    assert found.said[1:4] == (
        ".github/workflows/ci.yml (CI): Python 3.7 left out: setup-python no longer provides them",
        ".github/workflows/ci.yml (CI): Python 3.9 left out: the project's requires-python excludes them",
        "both run on every push until you trim the old workflow to what py-ci's does not cover",
    )
    unsaid = carried_over((own,), ("3.10", "3.11"), False)  # no requires-python: setup-python is the bound
    assert unsaid.versions == ("3.9", "3.10", "3.11", "pypy3.10", "3.14t", "3.16t")
    assert unsaid.said[1] == ".github/workflows/ci.yml (CI): Python 3.7 left out: setup-python no longer provides them"
