"""scripts/release against local git repositories: the major tag moves, and a bad release is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ROOT, write_files

RELEASE = ROOT / "scripts" / "release"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=GIT_ENV | {"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def release(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = GIT_ENV | {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(RELEASE), *args], cwd=root, env=env, capture_output=True, text=True)


def version(root: Path, number: str, notes: str | None = "- Something users notice.") -> None:
    """A commit that makes `number` releasable: the helper's version, the changelog, the workflow's own line."""
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text() if changelog.exists() else "# Changelog\n"
    if notes is not None:
        text = text.replace("# Changelog\n", f"# Changelog\n\n## [{number}] - 2026-11-26\n\n{notes}\n", 1)
    write_files(
        root,
        {
            "src/py_ci/__init__.py": f'__version__ = "{number}"\n',
            ".github/workflows/py-ci.yml": f"steps:\n  - uses: org/py-ci@v{number.split('.')[0]}\n",
        },
    )
    changelog.write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"release {number}")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A working clone of a bare `origin`, as a release job's checkout with fetch-depth 0 is."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "main")
    return work


def publish(root: Path, number: str) -> None:
    git(root, "tag", f"v{number}")
    git(root, "push", "-q", "origin", "main", f"v{number}")
    git(root, "fetch", "-q", "origin")


def major_on_origin(root: Path) -> str:
    return git(root, "ls-remote", "origin", "refs/tags/v1").split()[0]


def test_a_release_moves_the_major_tag_and_a_newer_one_moves_it_again(clone: Path) -> None:
    version(clone, "1.0.0")
    publish(clone, "1.0.0")
    done = release(clone, "move-major", "v1.0.0")
    assert done.returncode == 0, done.stderr
    assert major_on_origin(clone) == git(clone, "rev-parse", "v1.0.0^{commit}")
    version(clone, "1.1.0")
    publish(clone, "1.1.0")
    assert release(clone, "move-major", "v1.1.0").stdout.startswith("v1 now points at v1.1.0")
    assert major_on_origin(clone) == git(clone, "rev-parse", "v1.1.0^{commit}")


def test_a_patch_of_an_older_line_leaves_the_major_tag_on_the_newest(clone: Path) -> None:
    version(clone, "1.0.0")
    publish(clone, "1.0.0")
    version(clone, "1.1.0")
    publish(clone, "1.1.0")
    assert release(clone, "move-major", "v1.1.0").returncode == 0
    version(clone, "1.0.1")  # a late fix of 1.0, tagged after 1.1.0
    publish(clone, "1.0.1")
    done = release(clone, "move-major", "v1.0.1")
    assert (done.returncode, done.stdout) == (0, "v1 stays at v1.1.0, newer than v1.0.1\n")
    assert major_on_origin(clone) == git(clone, "rev-parse", "v1.1.0^{commit}")


def test_the_notes_are_the_changelog_section(clone: Path) -> None:
    version(clone, "1.0.0", "### Added\n\n- The reusable workflow.")
    version(clone, "1.1.0", "### Fixed\n\n- Diff coverage of renamed files.")
    publish(clone, "1.1.0")
    assert release(clone, "notes", "v1.1.0").stdout == "### Fixed\n\n- Diff coverage of renamed files.\n"


def refused(clone: Path, *args: str) -> str:
    done = release(clone, *args)
    assert done.returncode == 2, done
    assert done.stderr.startswith("release: refused: ")
    assert done.stderr.count("\n") == 1
    assert "v1" not in git(clone, "tag", "--list", "v1").split()  # nothing moved
    return done.stderr


def test_a_tag_off_main_is_refused(clone: Path) -> None:
    version(clone, "1.0.0")
    git(clone, "push", "-q", "origin", "main")
    git(clone, "checkout", "-q", "-b", "experiment")
    version(clone, "1.1.0")
    git(clone, "tag", "v1.1.0")
    git(clone, "fetch", "-q", "origin")
    assert "v1.1.0 (" in refused(clone, "move-major", "v1.1.0")
    assert "is not on origin/main; release only what main holds" in refused(clone, "check", "v1.1.0")


def test_a_missing_or_empty_changelog_entry_is_refused(clone: Path) -> None:
    version(clone, "1.0.0", notes=None)
    publish(clone, "1.0.0")
    assert "CHANGELOG.md at v1.0.0 has no '## [1.0.0]' section" in refused(clone, "move-major", "v1.0.0")
    assert "has no '## [1.0.0]' section" in refused(clone, "notes", "v1.0.0")
    version(clone, "1.0.1", notes="")
    publish(clone, "1.0.1")
    assert "'## [1.0.1]' section is empty" in refused(clone, "check", "v1.0.1")


def test_a_version_that_disagrees_with_the_tag_is_refused(clone: Path) -> None:
    version(clone, "1.0.0")
    git(clone, "tag", "v1.0.1")
    git(clone, "push", "-q", "origin", "main", "v1.0.1")
    git(clone, "fetch", "-q", "origin")
    assert "says version 1.0.0; set it to 1.0.1 and tag again" in refused(clone, "check", "v1.0.1")


def test_the_workflow_must_call_its_own_major_line(clone: Path) -> None:
    version(clone, "2.0.0")
    (clone / ".github" / "workflows" / "py-ci.yml").write_text("      - uses: org/py-ci@v1\n")
    git(clone, "commit", "-q", "-am", "forgot the workflow")
    publish(clone, "2.0.0")
    assert "calls org/py-ci@v1; a v2 release calls its own line, v2" in refused(clone, "check", "v2.0.0")


@pytest.mark.parametrize("tag", ["1.0.0", "v1.0", "v1.0.0-rc.1", "latest"])
def test_a_tag_that_is_not_a_release_is_refused(clone: Path, tag: str) -> None:
    assert "is not a release tag; tag releases vMAJOR.MINOR.PATCH" in refused(clone, "check", tag)


def test_an_unknown_tag_is_refused(clone: Path) -> None:
    version(clone, "1.0.0")
    assert "there is no tag v1.0.0 here" in refused(clone, "check", "v1.0.0")
