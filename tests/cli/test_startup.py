"""`py-ci --version` answers before the settings table and the model are imported (start-up, #26)."""

from __future__ import annotations

import subprocess
import sys

from py_ci import __version__

LOADED = """
import sys
sys.argv = ["py-ci", "--version"]
from py_ci.cli import main
code = main()
print(" ".join(sorted(name for name in sys.modules if name.startswith("py_ci"))))
raise SystemExit(code)
"""


def test_version_imports_only_the_cli() -> None:
    done = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, check=False)
    version, loaded = done.stdout.splitlines()
    assert (done.returncode, version) == (0, f"py-ci {__version__}")
    assert loaded.split() == ["py_ci", "py_ci.cli", "py_ci.errors", "py_ci.github"]


def test_python_m_version_imports_no_model() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "py_ci", "--version"], capture_output=True, text=True, check=False
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert done.stdout == f"py-ci {__version__}\n"
    assert {"py_ci.cli", "py_ci.errors"} <= imported
    assert not {"py_ci.model", "py_ci.options", "py_ci.options.table", "py_ci.commands"} & imported
