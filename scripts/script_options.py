"""The command line of scripts/bench*: `--help` from the script's docstring, a wrong option in one line and exit 2."""

from __future__ import annotations

import argparse
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # What and how to fix in one line, instead of argparse's usage block.
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def script_parser(prog: str, doc: str | None) -> OneLineParser:
    """A parser whose help is the script's docstring, its first paragraph as the description."""
    first, _, rest = (doc or "").partition("\n\n")
    return OneLineParser(
        prog=prog, description=first, epilog=rest or None, formatter_class=argparse.RawDescriptionHelpFormatter
    )
