"""coverage.py's own combine over data files, run by the interpreter whose coverage.py wrote them."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from py_ci.errors import InputError, UsageError
from py_ci.files import InputLimit
from py_ci.generated_sources import put_back
from py_ci.model import CoverageReport
from py_ci.paths import relative_to_workspace, relocate
from py_ci.readers.cobertura import read_cobertura

# Combine with the project's own [paths] and, after them, each leg's project folder mapped onto this one
# (legs run in other folders, on other systems).
COMBINE_SCRIPT = """
import json, re, sys, warnings
import coverage
job = json.loads(sys.argv[1])
UNREPORTABLE = ("NoSource", "NotPython")
# coverage.py's own warning for each file it skips with ignore_errors (report_core.py).
PARSE = r"Couldn't parse (?:Python file )?'(.+?)'(?::(.*))?"
try:
    cov = coverage.Coverage(data_file=job["combined"], config_file=job["config"] or True)
    paths = dict(cov.get_option("paths") or {})
    if job["roots"]:
        paths["py-ci legs"] = [job["here"], *job["roots"]]
    cov.set_option("paths", paths)
    cov.combine(job["files"], keep=job["keep"])
    cov.save()
    left_out = []
    try:
        cov.xml_report(outfile=job["xml"], include=job["include"])
    except Exception as error:
        if type(error).__name__ not in UNREPORTABLE:
            raise
        # A measured file coverage.py cannot read as Python (a template, a file generated elsewhere): left out, named.
        cov.set_option("report:ignore_errors", True)
        # Its warning names each file, even where the project silences it (jaraco's disable couldnt-parse).
        silenced = cov.get_option("run:disable_warnings")
        cov.set_option("run:disable_warnings", [slug for slug in silenced if slug != "couldnt-parse"])
        if getattr(cov, "_no_warn_slugs", None):
            cov._no_warn_slugs = type(cov._no_warn_slugs)()
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            cov.xml_report(outfile=job["xml"], include=job["include"])
        for warning in said:
            found = re.match(PARSE, str(warning.message))
            if found:
                absent = "No source" in (found[2] or "")
                left_out.append([found[1], "its source is not here" if absent else "not Python"])
        if not left_out:
            raise error
    print(json.dumps(left_out))
except Exception as error:
    print(" ".join(str(error).split()), file=sys.stderr)
    sys.exit(1)
"""


def coverage_python(python: str | None) -> str:
    """The interpreter to run coverage.py with: the one given, else the one beside `coverage` on PATH."""
    if python is not None:
        return python
    executable = shutil.which("coverage")
    beside = [Path(executable).parent / name for name in ("python", "python.exe")] if executable else []
    found = next((str(path) for path in beside if path.is_file()), None)
    if found is None:
        raise UsageError(
            "--coverage-data needs coverage.py: pass --python with the project's interpreter, activate the "
            "project's environment, or leave it out to merge the legs' saved reports"
        )
    return found


def combine_to_xml(
    files: list[str],
    project: Path,
    python: str,
    xml: Path,
    roots: list[str],
    fix: str,
    config: str | None = None,
    include: list[str] | None = None,
    combined: Path | None = None,
) -> tuple[str, ...]:
    """coverage.py's own combine over `files` in `project`, each of `roots` mapped onto it, written to `xml`.

    `config` is the configuration the data was measured with when it is not the project's; `include` the files
    the report keeps; `combined` the data file that replaces `files` (else they are kept). Returns the measured
    files coverage.py cannot report, each with why, left out of `xml`.
    """
    here = str(project.resolve())
    with tempfile.TemporaryDirectory() as scratch:
        job = {
            "combined": str(combined or Path(scratch, ".coverage")),
            "keep": combined is None,
            "xml": str(xml),
            "files": files,
            "here": here,
            "roots": sorted({root for root in roots if root != here}),
            "config": config,
            "include": include,
        }
        try:
            done = subprocess.run(
                [python, "-c", COMBINE_SCRIPT, json.dumps(job)],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as problem:
            raise UsageError(f"--python {python}: cannot run it ({problem.strerror}); pass an interpreter") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise InputError("", f"coverage.py could not combine the data: {said[-1] if said else done.returncode}", fix)
    lines = done.stdout.strip().splitlines()
    left_out = json.loads(lines[-1]) if lines else []
    named = (f"{_relative(path, [project, *map(Path, roots)])} ({why})" for path, why in left_out)
    return tuple(dict.fromkeys(named))


def _relative(path: str, roots: list[Path]) -> str:
    """A path named from the project's folder: this one's, or the leg's that measured it."""
    return next((named for root in roots if (named := relative_to_workspace(path, root)) != path), path)


def combined_report(data: Path, workspace: Path, python: str, roots: list[str], limit: InputLimit) -> CoverageReport:
    """The data files below `data`, each leg's folder mapped onto `workspace`, combined and read back."""
    files = sorted(str(p) for p in data.rglob(".coverage*") if p.is_file())
    if not files:
        raise InputError(str(data), "holds no coverage.py data files (.coverage*)", "upload each leg's .coverage file")
    with tempfile.TemporaryDirectory() as scratch:
        xml = Path(scratch, "coverage.xml")
        fix = f"check the data files in {data} and the project's [paths] configuration"
        carried = put_back(data, workspace)
        left_out = combine_to_xml(files, workspace, python, xml, roots, fix)
        return replace(relocate(read_cobertura(xml, limit), workspace), left_out=left_out, carried=carried)
