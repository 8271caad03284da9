"""The CLI installs in the one line the README gives, from the repository at a tag (py-ci on PyPI is another project).

The repository is this checkout, cloned and tagged `v1` in a temporary folder; the install is uv's and pip's own,
into environments of their own, building the wheel from the clone as they would from GitHub.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from py_ci import __version__
from tests.helpers import BIN, ROOT, git, run

REPOSITORY = "https://github.com/org/py-ci"


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's commit in a repository of its own, with the major tag the README's lines name."""
    clone = tmp_path_factory.mktemp("repository") / "py-ci"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], ROOT)
    git(clone, "tag", "--force", "v1")
    return clone


def readme_line(start: str) -> str:
    """The line of the README that starts with `start` (in a code block), as a user copies it."""
    lines = [line.strip() for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()]
    found = [line for line in lines if line.startswith(start)]
    assert found, f"the README has no line starting with {start!r}"
    return found[0]


def test_the_readmes_uvx_line_runs_the_cli_at_the_tag(tagged: Path, tmp_path: Path) -> None:
    line = readme_line(f"uvx --from git+{REPOSITORY}@v1 py-ci")
    args = line.replace(REPOSITORY, tagged.as_uri()).split()
    assert args[:2] == ["uvx", "--from"]
    # `py-ci run` as the README has it, asked for its version: the same install, nothing run in this folder.
    done = run([str(BIN / "uvx"), *args[1:4], "--version"], tmp_path, env={"UV_TOOL_DIR": str(tmp_path / "tools")})
    assert done.stdout.strip() == f"py-ci {__version__}"


def test_the_readmes_pipx_line_installs_a_wheel_that_carries_the_whole_cli(tagged: Path, tmp_path: Path) -> None:
    line = readme_line(f"pipx install git+{REPOSITORY}@v1")
    words = line.split()
    assert words[:2] == ["pipx", "install"]
    requirement = words[2].replace(REPOSITORY, tagged.as_uri())
    # What pipx does: an environment of the CLI's own, and pip's install of the requirement into it.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement], tmp_path)
    done = run([str(venv / "bin" / "py-ci"), "--version"], tmp_path)
    assert done.stdout.strip() == f"py-ci {__version__}"
    # Every module of the package, the pytest plugin the test jobs put on the path included.
    site = next((venv / "lib").glob("python3.*/site-packages/py_ci"))
    installed = {path.relative_to(site).as_posix() for path in site.rglob("*.py")}
    tracked = git(tagged, "ls-tree", "-r", "--name-only", "v1", "src/py_ci").split()
    assert installed == {re.sub(r"^src/py_ci/", "", path) for path in tracked if path.endswith(".py")}
    assert "plugins/py_ci_shard.py" in installed
    help_text = run([str(venv / "bin" / "py-ci"), "--help"], tmp_path).stdout
    assert all(name in help_text for name in ("run", "init", "install", "coverage", "gate"))
