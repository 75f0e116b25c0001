"""``check --add-noqa``: put ``# noqa: CODE`` on every reported line, as ruff does.

A line that already has ``# noqa: CODES`` gets the new codes merged into that list; any other
line gets ``  # noqa: CODES`` at its end. A line whose end is inside a string (a triple-quoted
string that goes on) or continued with a backslash cannot take a comment there and is left
alone. The result must parse to the same syntax tree as before (comments change nothing else),
or the file is not written; files are written like the fixer writes them (atomically, encoding,
BOM and line endings kept). Notebooks and files that do not parse are never touched.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parsl_lint.engine import SourceError, decode_source
from parsl_lint.ftypes import Diagnostic
from parsl_lint.noqa import parse_directives
from parsl_lint.notebook import is_notebook
from parsl_lint.rule import LineIndex

__all__ = ["AddNoqaOutcome", "add_noqa", "add_noqa_text"]


@dataclass
class AddNoqaOutcome:
    added: int = 0
    errors: list[str] = field(default_factory=list)


def add_noqa(diagnostics: Iterable[Diagnostic]) -> AddNoqaOutcome:
    """Add the directives for ``diagnostics`` to their files (paths as reported)."""
    from parsl_lint.fixer import FixError, write_atomic

    outcome = AddNoqaOutcome()
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.code != "PSL000" and d.cell is None and not is_notebook(d.path):
            by_file.setdefault(d.path, []).append(d)
    for path, found in sorted(by_file.items()):
        try:
            source = decode_source(Path(path).read_bytes(), path)
        except (OSError, SourceError) as exc:
            outcome.errors.append(f"{path}: cannot read: {exc}")
            continue
        text, count = add_noqa_text(source.text, found)
        if not count:
            continue
        try:
            write_atomic(Path(path), source, text)
        except (OSError, ValueError, FixError) as exc:
            outcome.errors.append(f"{path}: not written: {exc}")
            continue
        outcome.added += count
    return outcome


def add_noqa_text(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, int]:
    """``text`` with a directive for each diagnostic's row, and how many rows got one."""
    wanted: dict[int, list[str]] = {}
    for d in diagnostics:
        row = d.noqa_row or d.location.row
        codes = wanted.setdefault(row, [])
        if d.code not in codes:
            codes.append(d.code)
    if not wanted:
        return text, 0
    try:
        before = ast.dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return text, 0
    blocked = _rows_without_comment_room(text)
    directives = parse_directives(text)
    lines = LineIndex(text)
    edits: list[tuple[int, int, str]] = []  # (start offset, end offset, new text)
    for row, codes in sorted(wanted.items()):
        existing = directives.lines.get(row)
        line = lines.line(row)
        body = line.rstrip("\r\n")
        start = lines.starts[row - 1]
        if existing is not None and existing.codes is not None and existing.code_spans:
            have = [c for c, _, _ in existing.code_spans]
            merged = have + [c for c in codes if existing.matches(c) is None]
            if merged == have:
                continue
            first, last = existing.code_spans[0][1], existing.code_spans[-1][2]
            edits.append((start + first, start + last, ", ".join(merged)))
        elif existing is None and row not in blocked:
            end = start + len(body.rstrip())
            edits.append((end, start + len(body), f"  # noqa: {', '.join(codes)}"))
    new = text
    for s, e, content in sorted(edits, reverse=True):
        new = new[:s] + content + new[e:]
    try:
        same = ast.dump(ast.parse(new)) == before
    except (SyntaxError, ValueError):
        same = False
    if not same:  # should not happen (rows that cannot take a comment are skipped): keep all
        return text, 0
    return new, len(edits)


def _rows_without_comment_room(text: str) -> set[int]:
    """Rows whose end is inside a string token, or that end in a line continuation."""
    blocked: set[int] = set()
    for row, line in enumerate(text.splitlines(), start=1):
        if line.rstrip().endswith("\\"):
            blocked.add(row)
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        for tok in tokens:
            if tok.start[0] < tok.end[0] and tok.type not in (tokenize.NL, tokenize.NEWLINE):
                blocked.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass
    return blocked
