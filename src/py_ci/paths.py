"""Report paths made relative to the workspace, as annotations need them."""

from __future__ import annotations

from pathlib import Path


def workspace_path(path: str, sources: tuple[str, ...], workspace: Path) -> str:
    """The first `<source>/path` that exists, relative to `workspace`; else `path` as written."""
    for source in sources:
        candidate = Path(source, path)
        if candidate.is_file():
            absolute = candidate.resolve()
            try:
                return absolute.relative_to(workspace.resolve()).as_posix()
            except ValueError:
                continue
    return path
