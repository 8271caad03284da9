"""ty's, Pyrefly's and basedpyright's findings keep their baseline keys from one run to the next."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from py_ci.baseline import compare, parse_baseline, render_baseline
from py_ci.model import CheckReport
from py_ci.readers.pyrefly import read_pyrefly
from py_ci.readers.pyright import read_pyright
from py_ci.readers.ty import read_ty
from tests.helpers import TYPE_ERRORS, run, write_files

BIN = Path(sys.executable).parent
RUNS: dict[str, tuple[list[str], Callable[[str, str], CheckReport]]] = {
    "ty": (["ty", "check", "--output-format", "concise"], lambda out, err: read_ty(out, "ty")),
    "pyrefly": (["pyrefly", "check", "--output-format", "json"], lambda out, err: read_pyrefly(out, "pyrefly", err)),
    "basedpyright": (["basedpyright", "--outputjson"], lambda out, err: read_pyright(out, "basedpyright")),
}


@pytest.mark.parametrize("tool", sorted(RUNS))
def test_one_new_error_is_exactly_one_new(tmp_path: Path, tool: str) -> None:
    command, read = RUNS[tool]
    write_files(tmp_path, {**TYPE_ERRORS, "pyproject.toml": f"[tool.{tool}]\n"})

    def check() -> CheckReport:
        result = run([str(BIN / command[0]), *command[1:]], cwd=tmp_path, allowed=(1,))
        return read(result.stdout, result.stderr)

    before = check().findings
    baseline = parse_baseline(render_baseline(tool, before), "baseline.json", tool)
    # The new error shifts every line below it: a baseline must not care.
    source = (tmp_path / "pkg/b.py").read_text(encoding="utf-8")
    (tmp_path / "pkg/b.py").write_text("w: str = 3\n" + source, encoding="utf-8")
    after = compare(check().findings, baseline)
    assert [(Path(f.path).name, f.line) for f in after.new] == [("b.py", 1)]
    # basedpyright's default mode adds warnings to the five errors: every one of them is known.
    assert (after.known, after.fixed) == (len(before), ())
    assert len(before) == (8 if tool == "basedpyright" else 5)
