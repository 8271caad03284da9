"""What `py-ci init` finds around the project: the CI it has, the linters it uses, a .gitignore that hides files.

Each function returns what init carries over and what it says; none prints, none writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from py_ci.git import ignore_rules
from py_ci.model import CheckSection, Finding
from py_ci.pythons import AVAILABLE, SUPPORTED, key, unavailable
from py_ci.readers.ruff import FORMAT_TOOL
from py_ci.readers.workflows import ExistingWorkflow

HOSTED = ("ubuntu-", "windows-", "macos-")
DEFAULT_RUNNER = "ubuntu-latest"
TOP_RULES = 5


@dataclass(frozen=True, slots=True)
class Coverage:
    """The matrix init writes, with what the project's own workflows test carried over, and what it said."""

    versions: tuple[str, ...]
    runners: tuple[str, ...]  # empty: the reusable workflow's default, Linux alone
    said: tuple[str, ...]


def _ordered(versions: list[str]) -> tuple[str, ...]:
    """CPython X.Y by release, then the others (3.13t, pypy3.10) as written."""
    plain = sorted((v for v in versions if v.replace(".", "").isdigit()), key=key)
    return (*plain, *(v for v in versions if not v.replace(".", "").isdigit()))


def _names(items: list[str] | tuple[str, ...]) -> str:
    return ", ".join(items)


def _left_out(head: str, workflow: ExistingWorkflow, gone: list[str], doctests: bool) -> list[str]:
    """What a workflow of the project's tests that py-ci's will not: said, for the maintainer to keep or drop."""
    own = [r for r in workflow.runners if not r.startswith(HOSTED)]
    said = [f"{head}: Python {_names(gone)} left out: setup-python no longer provides them"] if gone else []
    if own:
        said.append(f"{head}: runner labels {_names(own)} left out: py-ci's workflow runs on GitHub's hosted runners")
    if workflow.doctests and not doctests:
        said.append(
            f"{head} runs doctests, which py-ci's tests do not collect: keep that step, or add --doctest-modules"
            " to pytest's addopts with the package in its testpaths"
        )
    if workflow.tools:
        said.append(
            f"{head} runs {_names(workflow.tools)}: what its environments run beyond pytest (docs, packaging) "
            "stays there"
        )
    return said


def _available(versions: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The project's versions setup-python provides (the project's classifiers may still name 3.7), and what was not."""
    wanted = [v for v in versions if unavailable(v) is None]
    if len(wanted) == len(versions):
        return wanted, []
    old = [v for v in versions if v not in wanted]
    # None left: the releases that get fixes, rather than an empty matrix.
    return wanted or list(SUPPORTED), [
        f"Python {_names(old)} left out of python-versions: setup-python no longer provides them"
    ]


def _release(version: str) -> str:
    """The X.Y a leg runs: `3.13t` -> 3.13, `pypy3.10` -> 3.10."""
    return version.removeprefix("pypy").removeprefix("-").removesuffix("t").removesuffix("-dev")


def carried_over(
    workflows: tuple[ExistingWorkflow, ...],
    versions: tuple[str, ...],
    doctests: bool,
    admitted: tuple[str, ...] | None = None,
) -> Coverage:
    """The Pythons and hosted runners the project's workflows test, added to init's; what cannot be, said.

    `admitted`: the releases the project's requires-python admits (None: it says none); a leg outside it fails.
    """
    wanted, said = _available(versions)
    others = [workflow.path for workflow in workflows if not workflow.tests]
    said += [f"{_names(others)}: run no tests, left as they are"] if others else []
    runners = [DEFAULT_RUNNER]
    testing = [workflow for workflow in workflows if workflow.tests]
    for workflow in testing:
        head = f"{workflow.path} ({workflow.name})"
        new = [v for v in workflow.pythons if v not in wanted]
        # `admitted` holds the releases setup-python has: the next one (3.16t before its release) is not judged.
        excluded = [v for v in new if admitted is not None and _release(v) in AVAILABLE and _release(v) not in admitted]
        extra = [v for v in new if unavailable(v) is None and v not in excluded]
        gone = [v for v in new if unavailable(v) is not None and v not in excluded]
        hosted = [r for r in workflow.runners if r.startswith(HOSTED) and r not in runners]
        # Other Linux runners alone add nothing the default runner does not test.
        hosted = hosted if any(not r.startswith("ubuntu-") for r in hosted) else []
        wanted, runners = wanted + extra, runners + hosted
        carried = ([f"Python {_names(extra)}"] if extra else []) + (
            [f"runners {_names(hosted)} (os)"] if hosted else []
        )
        took = f"takes over {'; '.join(carried)}" if carried else "covers its Pythons and runners"
        said += [f"{head} tests too: py-ci's workflow {took}", *_left_out(head, workflow, gone, doctests)]
        if excluded:
            said.append(f"{head}: Python {_names(excluded)} left out: the project's requires-python excludes them")
    if testing:
        said.append("both run on every push until you trim the old workflow to what py-ci's does not cover")
    return Coverage(_ordered(wanted), tuple(runners) if len(runners) > 1 else (), tuple(said))


def _by_rule(findings: tuple[Finding, ...]) -> str:
    counts = Counter(finding.code or "?" for finding in findings)
    shown = [f"{count} {code}" for code, count in counts.most_common(TOP_RULES)]
    more = len(counts) - TOP_RULES
    return ", ".join(shown) + (f" and {more} more rules" if more > 0 else "")


def ruff_for(tools: Mapping[str, str], ruff: CheckSection | None) -> str | None:
    """What ruff finds on a project that lints with black and flake8, and where it went."""
    if not tools or ruff is None:
        return None
    uses = " and ".join(f"{tool} ({where})" for tool, where in tools.items())
    checked = tuple(f for f in ruff.report.findings if f.severity == "error" and f.tool != FORMAT_TOOL)
    formatted = {f.path for f in ruff.report.findings if f.tool == FORMAT_TOOL}
    found = f"ruff check finds {len(checked)}" + (f" ({_by_rule(checked)})" if checked else "")
    found += f", ruff format would reformat {len(formatted)} file{'s' if len(formatted) != 1 else ''}"
    where = "accepted in the ruff baseline: only new ones fail" if checked or formatted else "nothing to accept"
    return (
        f"the project uses {uses}; py-ci runs ruff in {'their' if len(tools) > 1 else 'its'} place: {found}; {where}. "
        "ruff format is black's style and "
        "ruff's E, W and F rules are flake8's: `ruff format` once empties the format part"
    )


def hidden(paths: list[str], root: Path) -> dict[str, str]:
    """The paths git ignores, each with what hides it and the .gitignore line that shows it again."""
    rules = ignore_rules(paths, root)
    found = {}
    for path in rules:
        parts = path.split("/")
        # The outermost folder (or the file) a rule hides: un-ignoring anything inside it would not be seen.
        chain = [*("/".join(parts[:n]) + "/" for n in range(1, len(parts))), path]
        by_rule = ignore_rules(chain, root, tracked_too=True)
        first = next((prefix for prefix in chain if prefix in by_rule), path)
        found[path] = f"git ignores it ({rules[path]}): commit it with `git add -f`, or add `!/{first}` to .gitignore"
    return found
