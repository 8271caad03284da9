"""Whether a workflow job has anything to run, decided before it sets anything up.

The action runs this file with the runner's own `python3` (`python3 -I job_work.py`), before setup-python and the
helper: a job whose kind of test groups the project has none of (the reusable workflow's group job, where the
project has no integration or end-to-end tests) then stops after its checkout. It decides as `py-ci install` would,
from the same settings (the action's inputs, [tool.py-ci]) by the same code. It prints `nothing=true`
or `nothing=` for $GITHUB_OUTPUT, and the reason on stderr; where it cannot decide (a python3 older than the
helper's floor, a project file py-ci cannot read), the job sets up and runs, and the helper reports the cause.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from py_ci.helper_python import HELPER_FLOOR

    if sys.version_info < HELPER_FLOOR:
        print("nothing=")
        print(f"py-ci: the runner's python3 is {sys.version.split()[0]}: the job sets up", file=sys.stderr)
        return 0
    from py_ci.errors import InputError, UsageError
    from py_ci.options.build import build_options
    from py_ci.test_groups import GROUP_KINDS

    try:
        options = build_options("install", {}, os.environ, Path.cwd())
    except (InputError, UsageError) as problem:
        print("nothing=")
        print(f"py-ci: cannot tell yet whether this job has work ({problem}): the job sets up", file=sys.stderr)
        return 0
    if not options.nothing_to_run:
        print("nothing=")
        return 0
    kind = GROUP_KINDS.get(options.run_groups or "", "")
    print("nothing=true")
    print(f"No test group of this project runs {kind}: nothing to run here, so nothing was set up.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
