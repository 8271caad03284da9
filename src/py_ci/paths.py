"""Report paths made relative to the workspace, as reviewers, annotations and git see them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from py_ci.model import CoverageReport, FileCoverage


def relocate(report: CoverageReport, workspace: Path) -> CoverageReport:
    """Each file as `<source>/filename` relative to `workspace`, where a source lies inside it.

    Reports name files relative to a `<source>` (coverage.py with `--cov=pkg` writes `geometry.py`
    under `.../pkg`); a source outside the workspace (another machine's path) keeps names as written.
    """
    # Resolved, as coverage.py writes real paths (macOS /tmp is /private/tmp).
    root = workspace.resolve()
    sources = [(root / source).resolve() for source in report.sources]
    inside = [source for source in sources if source.is_relative_to(root)]
    if not inside:
        return report
    relocated: dict[str, FileCoverage] = {}
    for path, file in report.files.items():
        new = _workspace_path(path, inside, root)
        known = relocated.get(new)
        relocated[new] = file.renamed(new) if known is None else known.merge(file.renamed(new))
    return replace(report, files=relocated)


def _workspace_path(path: str, sources: list[Path], root: Path) -> str:
    candidates = [(source / path).resolve() for source in sources]
    existing = [candidate for candidate in candidates if candidate.is_file()]
    # With several sources only an existing file says which one a name belongs to.
    chosen = existing[0] if existing else candidates[0] if len(candidates) == 1 else None
    if chosen is None or not chosen.is_relative_to(root):
        return path
    return chosen.relative_to(root).as_posix()


def relative_to_workspace(path: str, workspace: Path) -> str:
    """An absolute path inside `workspace` made relative to it, as annotations need; others as given."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return path
    for root in (workspace, workspace.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return path
