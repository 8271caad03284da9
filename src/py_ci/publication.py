"""What a subcommand has to say, and how it reaches the runner: outputs, summary, files, then stdout."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from py_ci.files import write_atomic
from py_ci.github import SUMMARY_LIMIT, Annotation, append_file, format_outputs, verbatim
from py_ci.options import Publishing
from py_ci.renderers.terminal import coloured, verdicts_only

EXIT_PASSED, EXIT_GATE_FAILED, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Publication:
    """Everything one subcommand has to say, rendered before any of it is written; the --json document and the
    summary only when they are asked for (on a 20 MiB coverage report each costs a tenth of the run)."""

    passed: bool
    result_of: Callable[[], dict[str, Any]]  # the --json document
    markdown_of: Callable[[], str]  # the step summary
    text: str
    outputs: dict[str, str]
    annotations: list[Annotation] = field(default_factory=list)
    # Files the command writes besides the runner's (a baseline, a result), written atomically after rendering.
    files: dict[Path, str] = field(default_factory=dict)
    # A check that did not finish: said on stderr after the whole report, and exit 2.
    error: str | None = None

    @property
    def result(self) -> dict[str, Any]:
        return self.result_of()

    @property
    def markdown(self) -> str:
        return self.markdown_of()


def publish(publication: Publication, publishing: Publishing, stdout: IO[str], stderr: IO[str]) -> int:
    """Write outputs and the summary, then stdout; nothing is written before all that is written is rendered."""
    markdown = publication.markdown if publishing.summary is not None else ""
    document = json.dumps(publication.result, ensure_ascii=False, indent=2) + "\n" if publishing.json else ""
    if len(markdown.encode("utf-8")) > SUMMARY_LIMIT:  # pragma: no cover - renderers budget
        raise AssertionError("summary over the runner's limit")
    if publishing.outputs is not None:
        append_file(publishing.outputs, format_outputs(publication.outputs), "step outputs")
    if publishing.summary is not None and markdown:
        append_file(publishing.summary, markdown, "summary")
    for path, text in publication.files.items():
        write_atomic(path, text)
    text = verdicts_only(publication.text) if publishing.verbosity < 0 else publication.text
    if publishing.json:
        # Indented JSON: every line starts with a space, a bracket or a quote, never with a command.
        stdout.write(document)
    elif publishing.in_actions and text:
        # File names, test ids and messages come from the change under test: the runner must not obey them.
        stdout.write(verbatim(text))
    elif stdout.isatty() and publishing.colour:
        stdout.write(coloured(text))
    else:
        stdout.write(text)
    if publishing.annotations:
        # With --json, stdout holds the JSON alone: the runner reads workflow commands on stderr too.
        commands = stderr if publishing.json else stdout
        for annotation in publication.annotations:
            commands.write(annotation.command() + "\n")
    if publication.error is not None:
        stderr.write(f"py-ci: error: {' '.join(publication.error.split())}\n")
        return EXIT_ERROR
    return EXIT_PASSED if publication.passed else EXIT_GATE_FAILED
