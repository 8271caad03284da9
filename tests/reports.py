"""Small Cobertura documents with exact counts, for gate arithmetic and size limits.

Real tools cannot be made to hit 79.994% exactly; the parity tests cover real reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import quoteattr


def cobertura(files: Mapping[str, Sequence[int]], source: str = ".") -> str:
    """A coverage.py-shaped report: for each file, the hits of lines 1..n."""
    parts = [
        '<?xml version="1.0" ?>',
        '<coverage version="7.17.3" branches-valid="0" branches-covered="0" line-rate="0" branch-rate="0">',
        f'<sources><source>{source}</source></sources><packages><package name="."><classes>',
    ]
    for name, hits in files.items():
        parts.append(f"<class name={quoteattr(name)} filename={quoteattr(name)}><methods/><lines>")
        parts.extend(f'<line number="{n}" hits="{h}"/>' for n, h in enumerate(hits, start=1))
        parts.append("</lines></class>")
    parts.append("</classes></package></packages></coverage>")
    return "\n".join(parts)


def with_total(covered: int, valid: int) -> str:
    """One file whose line coverage is covered/valid."""
    return cobertura({"big.py": [1] * covered + [0] * (valid - covered)})
