"""Findings as LSP diagnostics: the range ``check`` reports, the code, its documentation link,
the severity, and ``source: "parsl-lint"``."""

from __future__ import annotations

from lsprotocol import types

from parsl_lint.ftypes import Diagnostic
from parsl_lint.lsp.positions import PositionMap
from parsl_lint.rule import rule_url

SOURCE = "parsl-lint"


def to_lsp(d: Diagnostic, positions: PositionMap) -> types.Diagnostic:
    """A finding as an LSP diagnostic: the range ``check`` reports, the rule's code and link."""
    return types.Diagnostic(
        range=positions.range(d.location, d.end_location),
        message=d.message,
        severity=severity(d.code),
        code=d.code,
        code_description=types.CodeDescription(href=d.url or rule_url(d.code)),
        source=SOURCE,
    )


def severity(code: str) -> types.DiagnosticSeverity:
    """A file that does not parse is an error; a finding is a warning (ruff's convention)."""
    if code == "PSL000":
        return types.DiagnosticSeverity.Error
    return types.DiagnosticSeverity.Warning
