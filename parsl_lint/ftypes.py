"""Shared value types: positions, edits, fixes, diagnostics and per-file results.

Everything here is a frozen, slotted value object so it can cross process boundaries and be
cached. Rows are 1-based; columns are 1-based and counted in characters (as ruff reports them).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

#: A line's "noqa" directive: bare, or a colon and codes or prefixes (comma or space separated).
#: ``sep`` and ``loose`` catch what ruff warns about: a colon with no codes after it, and codes
#: without the colon (noqa, a space, PSL101), which both suppress every rule on the line.
NOQA_RE = re.compile(
    r"""
    \#\s*(?P<marker>noqa)                   # the marker, as flake8 and ruff spell it
    (?:
        (?P<sep>:\s*)                       # a colon, then codes or prefixes ...
        (?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?  # ... separated by commas/spaces
      | \s+(?P<loose>[A-Z]+[0-9]+)\b         # a code without the colon
    )?
    """,
    re.IGNORECASE | re.VERBOSE,
)

#: A file's exemption, as a comment of its own: ``parsl-lint: noqa`` (every rule), the same
#: with a colon and codes after it (those rules), and flake8's ``flake8: noqa``.
FILE_NOQA_RE = re.compile(
    r"""
    \#\s*(?P<tool>parsl-lint|flake8)\s*:\s*noqa
    (?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?
    (?=\s*(?:\#|$))                         # nothing after it but another comment
    """,
    re.IGNORECASE | re.VERBOSE,
)


class Applicability(str, enum.Enum):
    """Whether ``parsl-lint fix`` applies a fix by default (safe) or only with --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a file: 1-based row, 1-based character column."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between ``location`` and ``end_location`` with ``content``."""

    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class Fix:
    """A set of edits that together fix one diagnostic.

    ``imports`` lists ``(module, name)`` pairs the fixed code needs; the fixer adds them with
    LibCST's ``AddImportsVisitor`` rather than by editing text.
    """

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    imports: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Snippet:
    """The source lines around a diagnostic, for ruff's ``full`` output: ``lines`` start at
    row ``first`` (a notebook's rows are its cell's)."""

    first: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Diagnostic:
    """One finding of one rule in one file."""

    code: str
    name: str
    message: str
    path: str
    location: Location
    end_location: Location
    fix: Fix | None = None
    url: str | None = None
    noqa_row: int | None = None
    #: In a notebook: the 1-based number of the code cell (rows are then the cell's rows).
    cell: int | None = None
    #: In a notebook: the row of the ``.ipynb`` file that holds the reported line.
    notebook_row: int | None = None
    snippet: Snippet | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.location.row, self.location.column, self.code)


class Outcome(str, enum.Enum):
    """The closed set of things that can happen to one file."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class FileResult:
    """What linting one file produced; the runner never raises past a file."""

    path: str
    outcome: Outcome
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    #: Problems worth a word that are not findings (a noqa comment ruff would warn about).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceFile:
    """A file's decoded text plus what is needed to write it back byte-for-byte."""

    path: str
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    raw: bytes = field(default=b"", repr=False, compare=False)


PathLike = Union[str, Path]


def _loc(loc: Location) -> list[int]:
    return [loc.row, loc.column]


def where_in_cell(d: Diagnostic) -> str:
    """``cell 4, line 4, column 7: `` for a notebook's finding, else nothing (for formats
    whose lines are lines of the ``.ipynb`` file: SARIF, GitHub, GitLab, JUnit, pylint)."""
    if d.cell is None:
        return ""
    return f"cell {d.cell}, line {d.location.row}, column {d.location.column}: "


def diagnostic_to_json(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic as plain JSON data (what the cache and the run snapshot store)."""
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.message,
            "applicability": d.fix.applicability.value,
            "edits": [[e.content, _loc(e.location), _loc(e.end_location)] for e in d.fix.edits],
            "imports": [list(i) for i in d.fix.imports],
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "location": _loc(d.location),
        "end_location": _loc(d.end_location),
        "fix": fix,
        "url": d.url,
        "noqa_row": d.noqa_row,
        "cell": d.cell,
        "notebook_row": d.notebook_row,
        "snippet": [d.snippet.first, list(d.snippet.lines)] if d.snippet else None,
    }


def diagnostic_from_json(data: dict[str, Any], shown: str) -> Diagnostic:
    """The inverse of :func:`diagnostic_to_json`, reported under the path ``shown``."""
    fix = None
    if data["fix"] is not None:
        f = data["fix"]
        fix = Fix(
            f["message"],
            tuple(Edit(c, Location(*a), Location(*b)) for c, a, b in f["edits"]),
            Applicability(f["applicability"]),
            tuple((m, n) for m, n in f["imports"]),
        )
    snippet = data.get("snippet")
    return Diagnostic(
        code=data["code"],
        name=data["name"],
        message=data["message"],
        path=shown,
        location=Location(*data["location"]),
        end_location=Location(*data["end_location"]),
        fix=fix,
        url=data["url"],
        noqa_row=data["noqa_row"],
        cell=data.get("cell"),
        notebook_row=data.get("notebook_row"),
        snippet=Snippet(snippet[0], tuple(snippet[1])) if snippet else None,
    )
