"""The one list of Python releases py-ci knows: CPython's release schedule, and what follows from it.

The defaults (the action's, the reusable workflow's, `py-ci init`'s), the inputs check and the docs all read
this module; a test holds every other place (action.yml, the workflows, the README, our own classifiers) to it.
When CPython's schedule moves (a release out, one at its end of life), change `RELEASES` and `AS_OF` here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The helper's floor and its own CPython live beside the step that reads them, which runs on the leg's interpreter.
from py_ci.helper_python import HELPER_FLOOR as HELPER_FLOOR
from py_ci.helper_python import HELPER_PYTHON as HELPER_PYTHON


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    released: date
    end_of_life: date


# CPython's release schedule (devguide's status page, PEPs 596, 619, 664, 693, 719, 745, 790), as of AS_OF.
AS_OF = date(2026, 12, 4)
RELEASES = (
    Release("3.8", date(2019, 10, 14), date(2024, 10, 7)),
    Release("3.9", date(2020, 10, 5), date(2025, 10, 31)),
    Release("3.10", date(2021, 10, 4), date(2026, 10, 31)),
    Release("3.11", date(2022, 10, 24), date(2027, 10, 31)),
    Release("3.12", date(2023, 10, 2), date(2028, 10, 31)),
    Release("3.13", date(2024, 10, 7), date(2029, 10, 31)),
    Release("3.14", date(2025, 10, 7), date(2030, 10, 31)),
    Release("3.15", date(2026, 10, 1), date(2031, 10, 31)),
)
# What setup-python can still set up (3.8 only on the older runner images): a project may test any of them.
AVAILABLE = tuple(release.version for release in RELEASES)
# The releases that still get fixes today: the defaults of the test matrix and of `py-ci init`.
SUPPORTED = tuple(r.version for r in RELEASES if r.released <= AS_OF < r.end_of_life)
# The newest release: the action's default, for a job that runs once.
NEWEST = SUPPORTED[-1]

# setup-python's spellings: 3.12, 3.13.1, 3.14-dev, 3.13t, 3.x, >=3.11, pypy3.10, pypy-3.10, graalpy-24.1.
_CPYTHON = re.compile(r"^(?P<major>\d+)\.(?P<minor>\d+)(?:\.\d+)?(?:-dev|t|(?:a|b|rc)\d+)?$")
_OTHER = re.compile(r"^(?:pypy-?3(?:\.\d+)?(?:-v?[\d.]+)?|graalpy-?[\d.]+|3\.x|3|>=?3\.\d+|~=3\.\d+|3\.\d+\.x)$")


def key(version: str) -> tuple[int, int]:
    """`3.10` -> (3, 10), for ordering X.Y releases."""
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def unavailable(version: str) -> str | None:
    """Why setup-python cannot set up `version` (the fix included), or None when it can."""
    match = _CPYTHON.match(version)
    if match is None:
        if _OTHER.match(version):
            return None
        return f"{version!r} is not a version setup-python reads; write X.Y, X.Yt (free-threaded) or pypy3.X"
    wanted = f"{match['major']}.{match['minor']}"
    if wanted in AVAILABLE:
        return None
    if key(wanted) > key(NEWEST):
        # The next release, before it is out: setup-python has its pre-releases, with allow-prereleases.
        if key(wanted) == (key(NEWEST)[0], key(NEWEST)[1] + 1):
            return None
        return f"Python {wanted} is not released; list {NEWEST} or older, the newest release"
    return f"Python {wanted} is no longer provided by setup-python; list {AVAILABLE[0]} or newer, the oldest it has"
