"""`py-ci --version` answers before the settings table and the model are imported (start-up, #26)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from py_ci import __version__

LOADED = """
import sys
from pathlib import Path
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


def test_docs_list_every_flag_of_run_help() -> None:
    """docs/cli.md names each flag `py-ci run --help` shows (old spellings aside; common flags are in one table)."""
    done = subprocess.run([sys.executable, "-m", "py_ci", "run", "--help"], capture_output=True, text=True, check=False)
    shown = {line.split()[0].rstrip(",") for line in done.stdout.splitlines() if line.startswith("  --")}
    docs = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert len(shown) > 20
    assert sorted(flag for flag in shown - {"--help"} if f"`{flag}" not in docs) == []
