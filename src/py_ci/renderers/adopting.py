"""The way out of a red first day, named where the red is: `py-ci init` accepts today's findings in a baseline."""

from __future__ import annotations

from py_ci.model import CheckSection, JobResult
from py_ci.renderers.markdown import code

# The CLI from py-ci's own repository, on its major line (the name py-ci on PyPI is another project's).
INIT_COMMAND = "uvx --from git+https://github.com/org/py-ci@v1 py-ci init"


def _red_without_baseline(section: CheckSection | None) -> bool:
    return section is not None and section.baseline is None and not all(v.passed for v in section.verdicts)


def unbaselined_tools(job: JobResult) -> tuple[str, ...]:
    """The checkers whose findings fail the job with no baseline configured: yesterday's code, judged as new."""
    return tuple(s.tool for s in job.checks if _red_without_baseline(s))


def _accepts(tools: tuple[str, ...]) -> str:
    return f"it accepts today's {' and '.join(tools)} findings in baselines, so only new ones fail"


def adopting_text(job: JobResult) -> str:
    tools = unbaselined_tools(job)
    return f"to adopt py-ci without a red first run: `py-ci init` ({_accepts(tools)})\n" if tools else ""


def adopting_markdown(job: JobResult) -> str:
    tools = unbaselined_tools(job)
    said = f"**To adopt py-ci without a red first run:** {code(INIT_COMMAND)} in your checkout ({_accepts(tools)})."
    return said + "\n" if tools else ""
