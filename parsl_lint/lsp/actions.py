"""Code actions: a quick fix per fixable finding, "fix all", and "disable for this line".

Fixes go through the fixer (:mod:`parsl_lint.fixer`), never around it: one finding's quick fix
applies its edits and adds its import with LibCST's ``AddImportsVisitor`` and verifies the
result, as ``fix`` does; "fix all" (``source.fixAll.parsl-lint``) is ``fix_text`` itself, so the
buffer it leaves equals what ``parsl-lint fix --write`` writes. The new text becomes LSP edits
of the lines that differ.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from lsprotocol import types

from parsl_lint.engine import SYNTAX_CODE
from parsl_lint.ftypes import Applicability, Diagnostic
from parsl_lint.lsp.convert import to_lsp
from parsl_lint.lsp.positions import PositionMap, Units, text_edits

if TYPE_CHECKING:
    from parsl_lint.lsp.projects import Document, ProjectState

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.parsl-lint"


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` lists kinds or parents)."""
    return not only or any(kind == o or kind.startswith(f"{o}.") for o in only)


def code_actions(
    params: types.CodeActionParams,
    text: str,
    diagnostics: list[Diagnostic],
    state: ProjectState,
    doc: Document,
    units: Units,
) -> list[types.CodeAction]:
    only = [str(getattr(k, "value", k)) for k in params.context.only or []]
    positions = PositionMap(text, units)
    start = positions.offset(params.range.start)
    end = positions.offset(params.range.end)
    uri = params.text_document.uri
    version = doc.version if uri == doc.uri else None
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        for d in diagnostics:
            first = positions.location_offset(d.location)
            last = positions.location_offset(d.end_location)
            if not (first <= end and start <= last):
                continue
            shown = to_lsp(d, positions)
            fixed = fix_one(text, d, doc.path, state.linter.first_party)
            if fixed is not None:
                unsafe = d.fix is not None and d.fix.applicability is Applicability.UNSAFE
                title = f"{d.fix.message if d.fix else 'Fix'} ({d.code})"
                actions.append(
                    types.CodeAction(
                        title=title + (" (unsafe)" if unsafe else ""),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[shown],
                        is_preferred=not unsafe,
                        edit=_workspace_edit(uri, version, text_edits(text, fixed, units)),
                    )
                )
            noqa = disable_for_line(text, d)
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Disable {d.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[shown],
                        edit=_workspace_edit(uri, version, text_edits(text, noqa, units)),
                    )
                )
    if _wanted(FIX_ALL_KIND, only) and uri == doc.uri:
        edit = fix_all_edits(text, state, doc, units)
        if edit is not None:
            actions.append(
                types.CodeAction(
                    title="parsl-lint: fix all auto-fixable problems", kind=FIX_ALL_KIND, edit=edit
                )
            )
    return actions


def _workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                edits=list(edits),
            )
        ]
    )


def fix_one(
    text: str, d: Diagnostic, filename: str, first_party: Collection[str] = ()
) -> str | None:
    """The text with one finding's fix applied (its edits, then its import), verified as the
    fixer verifies its output; None when there is no fix or it cannot be applied."""
    if d.fix is None:
        return None
    from parsl_lint.fixer import FixError, add_imports, apply_edits, round_trips, verify

    if not round_trips(text):
        return None
    edited, count = apply_edits(text, [d], unsafe=True)
    if not count:
        return None
    try:
        edited = add_imports(edited, d.fix.imports, first_party)
        verify(edited, filename)
    except (FixError, Exception):
        return None
    return edited if edited != text else None


def fix_all_edits(
    text: str, state: ProjectState, doc: Document, units: Units
) -> types.WorkspaceEdit | None:
    """Every safe fix of a Python document, to a fixed point: what ``fix --write`` writes."""
    if doc.is_notebook:
        return None  # the fixer rewrites Python files, not notebooks
    from parsl_lint.fixer import fix_text

    try:
        first_party = state.linter.first_party
        result = fix_text(text, doc.path, state.fix_lint(doc), False, first_party)
    except RuntimeError:
        return None
    finally:
        state.restore(doc)
    if result.error or not result.changed:
        return None
    return _workspace_edit(doc.uri, doc.version, text_edits(text, result.fixed, units))


def disable_for_line(text: str, d: Diagnostic) -> str | None:
    """The text with ``# noqa: CODE`` on the line the finding is suppressed from (an existing
    ``# noqa: ...`` list is extended), as ``check --add-noqa`` writes it; None when that cannot
    be done safely (a syntax error, a line that continues with a backslash, or a line that
    ends inside a string)."""
    if d.code == SYNTAX_CODE:
        return None
    from parsl_lint.add_noqa import add_noqa_text

    new_text, added = add_noqa_text(text, [d])
    return new_text if added else None
