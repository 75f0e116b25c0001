"""The formats CI systems read: ``gitlab`` (a Code Quality report), ``junit`` (JUnit XML) and
``pylint`` (``path:row: [CODE] message``), shaped as ruff writes them.

A notebook's rows are its cell's: these formats point at a row of the file, so they use the
row of the ``.ipynb`` file that holds the reported line and say the cell, row and column in the
message.
"""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from parsl_lint.ftypes import Diagnostic, where_in_cell

__all__ = ["write_gitlab", "write_junit", "write_pylint"]


def file_row(d: Diagnostic) -> int:
    """The row of the file the finding is on (for a notebook, of the ``.ipynb`` file)."""
    if d.cell is None:
        return d.location.row
    return d.notebook_row or 1


# --------------------------------------------------------------------------- pylint


def write_pylint(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    for d in diagnostics:
        message = " ".join(d.message.split())
        stream.write(f"{d.path}:{file_row(d)}: [{d.code}] {where_in_cell(d)}{message}\n")


# --------------------------------------------------------------------------- gitlab


def write_gitlab(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    """A GitLab Code Quality report: a JSON array of issues. Paths are relative to
    ``CI_PROJECT_DIR`` (the repository root in a GitLab job) when it is set, else to the
    current directory; a fingerprint stays the same when the finding moves to another row."""
    import json

    root = os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    seen: dict[str, int] = {}
    issues = [_gitlab_issue(d, root, seen) for d in diagnostics]
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _gitlab_issue(d: Diagnostic, root: str, seen: dict[str, int]) -> dict[str, Any]:
    path = _project_path(d.path, root)
    base = hashlib.sha256(f"{path}\0{d.code}\0{d.message}".encode()).hexdigest()
    seen[base] = seen.get(base, -1) + 1  # the same finding twice in a file: still unique
    fingerprint = hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()[:32]
    location: dict[str, Any] = {"path": path}
    if d.cell is None:
        location["positions"] = {
            "begin": {"line": d.location.row, "column": d.location.column},
            "end": {"line": d.end_location.row, "column": d.end_location.column},
        }
    else:
        location["lines"] = {"begin": file_row(d)}
    return {
        "check_name": d.code,
        "description": f"{d.code}: {where_in_cell(d)}{d.message}",
        "severity": "major",
        "fingerprint": fingerprint,
        "location": location,
    }


def _project_path(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    try:
        relative = Path(absolute).relative_to(os.path.abspath(root))
    except ValueError:
        return Path(path).as_posix().lstrip("/")
    return relative.as_posix()


# --------------------------------------------------------------------------- junit


def write_junit(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    """One ``testsuite`` per file and one failed ``testcase`` per finding (ruff's layout);
    a clean run is one passing test case."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    count = str(len(diagnostics))
    suites = ET.Element(
        "testsuites", name="parsl-lint", tests=count, failures=count, errors="0", skipped="0"
    )
    if not diagnostics:
        suite = ET.SubElement(
            suites, "testsuite", name="parsl-lint", tests="1", failures="0", errors="0"
        )
        ET.SubElement(suite, "testcase", name="No errors found", classname="parsl-lint")
    for path, found in by_file.items():
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=path,
            tests=str(len(found)),
            failures=str(len(found)),
            errors="0",
            skipped="0",
            package="org.parsl-lint",
        )
        classname = os.path.splitext(path)[0]
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.parsl-lint.{d.code}",
                classname=classname,
                line=str(file_row(d)),
                column=str(d.location.column if d.cell is None else 1),
            )
            message = " ".join(d.message.split())
            failure = ET.SubElement(case, "failure", message=message)
            failure.text = (
                f"{where_in_cell(d)}line {d.location.row}, col {d.location.column}, {message}"
            )
    ET.indent(suites, space="    ")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")
