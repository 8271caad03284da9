"""One reader under atheris: `python fuzz_reader.py READER [libFuzzer flags]` (scripts/fuzz runs every reader)."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from py_ci.errors import InputError
    from py_ci.files import InputLimit
    from py_ci.options import DEFAULT_INPUT_LIMIT
    from py_ci.readers.cobertura import read_cobertura
    from py_ci.readers.junit import read_junit
    from py_ci.readers.mypy import read_mypy
    from py_ci.readers.ruff import read_ruff

SCRATCH = Path(tempfile.mkdtemp(prefix="py-ci-fuzz-")) / "input"


def xml(read: Callable[[Path, InputLimit], object]) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        SCRATCH.write_bytes(data)
        read(SCRATCH, DEFAULT_INPUT_LIMIT)

    return run


def text(read: Callable[[str, str], object]) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        read(data.decode("utf-8", "replace"), "fuzz")

    return run


READERS = {"cobertura": xml(read_cobertura), "junit": xml(read_junit), "mypy": text(read_mypy), "ruff": text(read_ruff)}


def main() -> None:
    reader = READERS[sys.argv[1]]

    def one_input(data: bytes) -> None:
        # A clean refusal is the right answer to garbage; anything else is a crash libFuzzer keeps.
        with contextlib.suppress(InputError):
            reader(data)

    atheris.Setup([sys.argv[0], *sys.argv[2:]], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
