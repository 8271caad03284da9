"""Which interpreter hosts the py-ci helper in a job: the leg's own, or a CPython set up for the helper alone.

The action runs this file with the leg's interpreter (`python -I helper_python.py`), before the helper exists: so
it runs on whatever setup-python gives (3.8 on, PyPy, GraalPy, free-threaded builds), imports the standard library
alone and nothing of py-ci. It prints `own=X.Y` (setup-python sets up that CPython beside the leg's, for the helper)
or `own=` and `host=` its own path (the leg's interpreter hosts the helper: a shim on PATH, such as pyenv's, resolved)
for $GITHUB_OUTPUT, and says why on stderr.
"""

from __future__ import annotations

import sys
import sysconfig

# The helper's floor (tomllib, dataclass slots), and the CPython it gets when the leg's cannot host it.
HELPER_FLOOR = (3, 11)
HELPER_PYTHON = "3.13"


def why_not_the_legs(implementation: str, version: tuple[int, int], free_threaded: bool) -> str | None:
    """Why the leg's interpreter cannot host the helper, or None when it can."""
    if implementation != "cpython":
        return "is not CPython"
    if version < HELPER_FLOOR:
        return "is older than {}.{}".format(*HELPER_FLOOR)
    if free_threaded:
        # The helper is built and tested on the default (GIL) build only.
        return "is a free-threaded build"
    return None


def described(implementation: str, version: tuple[int, int], free_threaded: bool) -> str:
    """`CPython 3.9`, `PyPy 3.10`, `CPython 3.14t`: as setup-python spells the leg."""
    names = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalPy"}
    return "{} {}.{}{}".format(names.get(implementation, implementation), *version, "t" if free_threaded else "")


def main() -> int:
    implementation, version = sys.implementation.name, (sys.version_info[0], sys.version_info[1])
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    leg = described(implementation, version, free_threaded)
    reason = why_not_the_legs(implementation, version, free_threaded)
    if reason is None:
        print("own=")
        print(f"host={sys.executable}")
        print(f"py-ci: the helper runs on the leg's {leg}", file=sys.stderr)
    else:
        print(f"own={HELPER_PYTHON}")
        print(
            f"py-ci: the leg's {leg} {reason}: the helper runs on CPython {HELPER_PYTHON} of its own", file=sys.stderr
        )
    return 0


if __name__ == "__main__":  # pragma: no cover - the action runs the file; tests/cli/test_platform.py too
    sys.exit(main())
