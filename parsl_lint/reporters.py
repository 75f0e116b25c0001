"""Output formats, ruff's names and shapes: ``full`` (the default) and ``concise`` (in
:mod:`parsl_lint.report_text`), ``json`` and ``json-lines`` (ruff's fields), ``sarif`` (2.1.0),
``github`` (workflow commands), and ``gitlab``, ``junit`` and ``pylint`` (in
:mod:`parsl_lint.report_ci`). ``text`` is kept as another name for ``full``.

Every reporter works from the ``Diagnostic`` values alone (each carries its source snippet);
none re-reads a file. Diagnostics arrive sorted. Rows and columns are 1-based, columns counted
in characters; an end column is the column just past the range, as in ruff (and SARIF's
``endColumn``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from parsl_lint import __version__
from parsl_lint.ftypes import Applicability, Diagnostic, Edit, Fix, Location, where_in_cell

__all__ = [
    "FORMATS",
    "FORMAT_ALIASES",
    "SARIF_SCHEMA_URI",
    "report",
    "sarif_log",
    "write_github",
    "write_json",
    "write_sarif",
]

#: The values of ``--output-format`` (ruff's names).
FORMATS: tuple[str, ...] = (
    "full",
    "concise",
    "json",
    "json-lines",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "pylint",
)
#: Older names still accepted: ``text`` was the one-line format's name before ``full``.
FORMAT_ALIASES: dict[str, str] = {"text": "full"}


SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def report(
    diagnostics: Sequence[Diagnostic],
    fmt: str,
    stream: TextIO,
    *,
    files_checked: int,
    quiet: bool = False,
    fix_mode_note: bool = True,
    rule_summaries: Mapping[str, str] | None = None,
    color: bool = False,
    unsafe: bool = False,
    fixed: int = 0,
) -> None:
    """Write ``diagnostics`` to ``stream`` in format ``fmt`` (one of ``FORMATS`` or an alias).

    ``quiet`` drops the summary of ``full`` and ``concise``; ``fix_mode_note=False`` drops its
    "fixable with" note (for ``parsl-lint fix``, which has just applied what it could).
    ``rule_summaries`` maps a code to a one-line description for SARIF's rule metadata
    (default: the rule's summary). ``color`` styles the human formats; ``unsafe`` counts unsafe
    fixes as applicable (``--unsafe-fixes``); ``fixed`` is how many ``check --fix`` applied.
    """
    from parsl_lint import report_ci, report_text

    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt in ("full", "concise"):
        writer = report_text.write_full if fmt == "full" else report_text.write_concise
        writer(diagnostics, stream, color=color, unsafe=unsafe)
        if not quiet:
            summary = report_text.text_summary(
                diagnostics, fix_mode_note=fix_mode_note, unsafe=unsafe, fixed=fixed, color=color
            )
            stream.write(summary + "\n")
    elif fmt == "json":
        write_json(diagnostics, stream)
    elif fmt == "json-lines":
        write_json_lines(diagnostics, stream)
    elif fmt == "sarif":
        write_sarif(diagnostics, stream, files_checked=files_checked, summaries=rule_summaries)
    elif fmt == "github":
        write_github(diagnostics, stream)
    elif fmt == "gitlab":
        report_ci.write_gitlab(diagnostics, stream)
    elif fmt == "junit":
        report_ci.write_junit(diagnostics, stream)
    elif fmt == "pylint":
        report_ci.write_pylint(diagnostics, stream)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- json


def write_json(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    """A JSON list with ruff's field names (plus ``name``), indented by 2."""
    json.dump([_json_diagnostic(d) for d in diagnostics], stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def write_json_lines(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    """One JSON object per line, the fields of ``json`` (ruff's ``json-lines``)."""
    for d in diagnostics:
        stream.write(json.dumps(_json_diagnostic(d), ensure_ascii=False) + "\n")


def _json_diagnostic(d: Diagnostic) -> dict[str, Any]:
    """ruff's fields; a notebook's diagnostics also carry ``cell`` (rows are the cell's)."""
    out = {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "filename": d.path,
        "location": _json_location(d.location),
        "end_location": _json_location(d.end_location),
        "fix": _json_fix(d.fix) if d.fix is not None else None,
        "url": _url(d),
        "noqa_row": d.noqa_row,
    }
    if d.cell is not None:
        out["cell"] = d.cell
    return out


def _rule_docs(code: str) -> tuple[str, str] | None:
    """``(summary, documentation)`` of a registered rule (None for an unknown code)."""
    from parsl_lint.rules import all_rules

    rule = all_rules().get(code)
    if rule is None:
        return None
    return rule.summary, rule.documentation()


def _json_location(location: Location) -> dict[str, int]:
    return {"row": location.row, "column": location.column}


def _json_fix(fix: Fix) -> dict[str, Any]:
    return {
        "applicability": Applicability(fix.applicability).value,
        "message": fix.message,
        "edits": [_json_edit(edit) for edit in fix.edits],
    }


def _json_edit(edit: Edit) -> dict[str, Any]:
    return {
        "content": edit.content,
        "location": _json_location(edit.location),
        "end_location": _json_location(edit.end_location),
    }


# --------------------------------------------------------------------------- sarif


def write_sarif(
    diagnostics: Sequence[Diagnostic],
    stream: TextIO,
    *,
    files_checked: int = 0,
    summaries: Mapping[str, str] | None = None,
) -> None:
    """A SARIF 2.1.0 log with one run, valid against the OASIS schema."""
    json.dump(
        sarif_log(diagnostics, files_checked=files_checked, summaries=summaries),
        stream,
        indent=2,
        ensure_ascii=False,
    )
    stream.write("\n")


def sarif_log(
    diagnostics: Sequence[Diagnostic],
    *,
    files_checked: int = 0,
    summaries: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    first_of_code: dict[str, Diagnostic] = {}
    for d in diagnostics:
        first_of_code.setdefault(d.code, d)
    codes = sorted(first_of_code)
    rule_index = {code: i for i, code in enumerate(codes)}
    rules = [_sarif_rule(first_of_code[code], summaries or {}) for code in codes]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "parsl-lint",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(d, rule_index[d.code]) for d in diagnostics],
                "properties": {"filesChecked": files_checked},
            }
        ],
    }


def _url(d: Diagnostic) -> str:
    """The finding's documentation link: its own, else its rule's page (as the LSP server's)."""
    if d.url:
        return d.url
    from parsl_lint.rule import rule_url  # the rule module imports the model: only when needed

    return rule_url(d.code)


def _sarif_rule(d: Diagnostic, summaries: Mapping[str, str]) -> dict[str, Any]:
    """A rule's metadata; GitHub code scanning shows ``help`` (markdown) as the rule's help."""
    docs = _rule_docs(d.code)
    summary = summaries.get(d.code) or (docs[0] if docs else d.name)
    rule: dict[str, Any] = {
        "id": d.code,
        "name": d.name,
        "shortDescription": {"text": summary},
        "defaultConfiguration": {"level": "error"},
    }
    if docs is not None:
        _, documentation = docs
        rule["fullDescription"] = {"text": _first_paragraph(documentation) or summary}
        rule["help"] = {"text": documentation, "markdown": documentation}
    rule["helpUri"] = _url(d)
    return rule


def _first_paragraph(documentation: str) -> str:
    """The text of "What it does", joined to one paragraph."""
    body = documentation.split("## What it does", 1)[-1].split("\n## ", 1)[0]
    return " ".join(body.split())


def _sarif_result(d: Diagnostic, index: int) -> dict[str, Any]:
    uri = _artifact_uri(d.path)
    location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if d.cell is None:
        location["region"] = _sarif_region(d.location, d.end_location)
    elif d.notebook_row:  # the row of the .ipynb file; its columns are not the cell's
        location["region"] = {"startLine": d.notebook_row}
    # A notebook's rows are rows of a cell, not of the file: the result names the file, and
    # its message says where in which cell.
    prefix = where_in_cell(d)
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": prefix + d.message},
        "locations": [{"physicalLocation": location}],
    }
    if d.fix is not None and d.fix.edits:
        result["fixes"] = [
            {
                "description": {"text": d.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri},
                        "replacements": [
                            {
                                "deletedRegion": _sarif_region(e.location, e.end_location),
                                "insertedContent": {"text": e.content},
                            }
                            for e in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def _sarif_region(start: Location, end: Location) -> dict[str, int]:
    start_line, start_column = max(start.row, 1), max(start.column, 1)
    end_line, end_column = max(end.row, start_line), max(end.column, 1)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _artifact_uri(path: str) -> str:
    """A URI reference for ``path``: relative with forward slashes when it is relative or
    below the current directory (what GitHub code scanning expects), else a ``file:`` URI."""
    pure = Path(path)
    if pure.is_absolute():
        try:
            pure = pure.relative_to(Path.cwd())
        except ValueError:
            return pure.as_uri()
    # Percent-encode the bytes of the name: a name that is not UTF-8 (``\xff.py``) is
    # ``%FF.py``, as ``Path.as_uri`` does for an absolute one.
    return quote(os.fsencode(PurePath(os.path.normpath(pure)).as_posix()), safe="/")


# --------------------------------------------------------------------------- github


def write_github(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    """One ``::error ...::CODE message`` workflow command per diagnostic. A notebook's
    annotation goes on the row of the ``.ipynb`` file that holds the reported line."""
    for d in diagnostics:
        properties: dict[str, object] = {"file": d.path}
        if d.cell is None:
            properties.update(
                line=d.location.row,
                col=d.location.column,
                endLine=d.end_location.row,
                endColumn=d.end_location.column,
            )
        elif d.notebook_row:  # the row of the .ipynb file; the message says cell, row, column
            properties["line"] = d.notebook_row
        properties["title"] = d.code
        props = ",".join(f"{key}={_escape_property(str(v))}" for key, v in properties.items())
        where = where_in_cell(d)
        stream.write(f"::error {props}::{_escape_data(f'{d.code} {where}{d.message}')}\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
