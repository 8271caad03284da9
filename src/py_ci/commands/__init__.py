"""One module per subcommand: each computes its result from the options; `py_ci.cli` renders and publishes it."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from typing import IO, BinaryIO


@dataclass(frozen=True)
class Console:
    """The streams a subcommand may use besides its publication: stdin for '-', stderr for progress."""

    stdin: BinaryIO
    progress: IO[str]

    @classmethod
    def standard(cls, quiet: bool) -> Console:
        """The process's own streams; with -q, progress goes nowhere."""
        return cls(sys.stdin.buffer, io.StringIO() if quiet else sys.stderr)
