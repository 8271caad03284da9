"""Running a consumer repository's workflow under act (nektos/act) in host mode, with our action substituted."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.shop import SHOP_ENVIRON, on_the_tiers_port
from tests.helpers import clean_environ

ROOT = Path(__file__).resolve().parents[2]
STAND_INS = Path(__file__).parent / "stand-ins"
# The consumers' workflows: one job using the action, and the reusable workflow on a 2-version matrix.
ACTION_CONSUMER = (Path(__file__).parent / "consumer.yml").read_text()
PIPELINE_CONSUMER = (Path(__file__).parent / "pipeline-consumer.yml").read_text()
VERSIONS = ["3.11", "3.12"]
# The stand-in cache service's store, one for the session (set by the `action` fixture): what one test's jobs
# save, the next restores, as GitHub keeps a repository's caches between runs.
PACKAGE_CACHE: list[Path] = []


def _stand_ins() -> dict[str, str]:
    """Every GitHub action our YAML uses that has a stand-in, by the exact reference the YAML holds now.

    A sub-action (actions/cache/restore) is its repository's folder (`cache/restore/action.yml`).
    """
    # The consumers' own pins too (dependabot does not read tests/e2e): a pin left behind still finds its stand-in.
    sources = [
        ROOT / "action.yml",
        *(ROOT / ".github" / "workflows").glob("*.yml"),
        *Path(__file__).parent.glob("*.yml"),
    ]
    names = {path.name for path in STAND_INS.iterdir() if path.is_dir()}
    found = {}
    for source in sources:
        for match in re.finditer(r"uses: actions/([\w-]+)(?:/[\w-]+)?@([0-9a-f]{40})", source.read_text()):
            if match.group(1) in names:
                found[f"actions/{match.group(1)}@{match.group(2)}"] = match.group(1)
    return found


# Read from the YAML, so a pin that dependabot moves needs no edit here.
STAND_IN_FOR = _stand_ins()
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


@dataclass(frozen=True)
class ActRun:
    status: int
    outputs: dict[str, str]
    events: list[dict[str, Any]]
    log: str

    def commands(self, name: str) -> list[dict[str, Any]]:
        """Workflow commands the runner parsed, e.g. every `error` annotation."""
        return [event for event in self.events if event.get("command") == name]

    def job_outputs(self, job: str) -> dict[str, str]:
        """What a job's steps set as outputs (act runs no job after a called workflow fails, so none hands them on)."""
        return {
            str(event["name"]): str(event["arg"])
            for event in self.commands("set-output")
            if event.get("jobID") == job and "name" in event
        }

    @property
    def summary(self) -> str:
        return "\n".join(str(event.get("content", "")) for event in self.commands("summary"))


def action_copy(destination: Path) -> Path:
    """The action as a user's `uses: org/py-ci@v1` gets it: the files git would check out, as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    for name in filter(None, listed):
        if name.startswith(("tests/", "examples/")):
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return destination


def consumer(destination: Path, project: Path, workflow: str) -> Path:
    """A git repository holding `project` and the workflow, committed, as act needs it."""
    shutil.copytree(
        project, destination, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".*cache", ".coverage*")
    )
    on_the_tiers_port(destination)
    (destination / ".github" / "workflows").mkdir(parents=True)
    (destination / ".github" / "workflows" / "ci.yml").write_text(workflow)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=destination, check=True)
    subprocess.run(["git", "add", "-A"], cwd=destination, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "consumer"], cwd=destination, check=True)
    return destination


def run_act(
    repository: Path,
    action: Path,
    out: Path,
    variables: dict[str, str],
    event: str = "push",
    payload: Path | None = None,
    action_ref: str = "v1",
    cache: Path | None = None,
    options: tuple[str, ...] = (),
    environ: Mapping[str, str] | None = None,
) -> ActRun:
    """act runs the repository's workflows for `event`; `out` receives what the workflow hands to the test. act's
    host runner hands its own environment to every step: `environ`, else the tests' (no bytecode written)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "artifacts").mkdir(exist_ok=True)
    if payload is None and event == "push":
        # A push to the default branch, as GitHub describes it: the one kind of run that saves mypy's cache.
        payload = out / "push.json"
        payload.write_text(json.dumps({"ref": "refs/heads/main", "repository": {"default_branch": "main"}}))
    act = Path(sys.executable).parent / "act"
    args = [
        str(act),
        event,
        "--json",
        "-P",
        "ubuntu-latest=-self-hosted",
        "--local-repository",
        f"org/py-ci@{action_ref}={action}",
        *(arg for ref, name in STAND_IN_FOR.items() for arg in ("--local-repository", f"{ref}={STAND_INS / name}")),
        "--env",
        f"PY_CI_E2E_OUT={out}",
        "--env",
        f"PY_CI_E2E_ARTIFACTS={out / 'artifacts'}",
        "--env",
        f"PY_CI_E2E_CACHE={cache or (PACKAGE_CACHE[0] if PACKAGE_CACHE else out / 'cache')}",
        *(arg for name, value in SHOP_ENVIRON.items() for arg in ("--env", f"{name}={value}")),
        *(["--eventpath", str(payload)] if payload else []),
        *options,
        *(arg for name, value in variables.items() for arg in ("--var", f"{name}={value}")),
    ]
    done = subprocess.run(
        args, cwd=repository, capture_output=True, text=True, env=environ or clean_environ(), timeout=900, check=False
    )
    (out / "act.log").write_text(done.stdout + done.stderr)  # the whole story, for a failing test's reader
    events = []
    for line in done.stdout.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    outputs_file = out / "outputs.json"
    outputs = json.loads(outputs_file.read_text()) if outputs_file.is_file() else {}
    return ActRun(done.returncode, outputs, events, done.stdout + done.stderr)
