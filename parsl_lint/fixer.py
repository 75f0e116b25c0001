"""The fixer: applies fixes, adds imports with LibCST, verifies the result and writes it safely.

The promises it keeps (black's and ruff's): a fix never yields code that does not parse (the
output is re-parsed with LibCST and compiled; on failure the original is kept and the rule is
named); only safe fixes unless ``--unsafe-fixes``; lint -> fix rounds run to a fixed point
(at most 10); bytes outside the edits stay identical (encoding, BOM and line endings kept; a
file LibCST cannot round-trip exactly is linted, never fixed); writes are atomic (temp file
beside the original, mode copied, ``os.replace``) and only happen when the bytes changed and the
file on disk still holds what was read.
"""

from __future__ import annotations

import codecs
import difflib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from parsl_lint.ftypes import Applicability, Diagnostic, Edit, Fix, Location, SourceFile
from parsl_lint.rule import LineIndex

MAX_ROUNDS = 10

#: Lints text and returns its diagnostics: ``lint(text) -> diagnostics``.
LintFn = Callable[[str], Sequence[Diagnostic]]


class FixError(Exception):
    """A fix that would have produced invalid code, or a file the fixer must not touch."""


@dataclass
class FixResult:
    """What fixing one file's text produced."""

    original: str
    fixed: str
    applied: int = 0
    remaining: list[Diagnostic] = field(default_factory=list)
    held_back: int = 0  # unsafe fixes not applied without --unsafe-fixes
    error: str | None = None
    #: The code of each fix applied (``check --fix --show-fixes`` counts them per rule).
    applied_codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def apply_edits(
    text: str,
    diagnostics: Sequence[Diagnostic],
    unsafe: bool,
    applied: list[str] | None = None,
) -> tuple[str, int]:
    """Apply the fixes that do not overlap an earlier one; returns the text and how many.
    ``applied``, when given, collects the code of each fix applied."""
    lines = LineIndex(text)
    chosen: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    count = 0
    for diag in diagnostics:
        if not applicable(diag.fix, unsafe):
            continue
        assert diag.fix is not None
        spans = [
            (lines.offset(e.location), lines.offset(e.end_location), e.content)
            for e in diag.fix.edits
        ]
        if any(s < te and ts < e or s == e == ts for s, e, _ in spans for ts, te in taken):
            continue  # overlaps: the next round picks it up
        chosen.extend(spans)
        taken.extend((s, e) for s, e, _ in spans)
        count += 1
        if applied is not None:
            applied.append(diag.code)
    for start, end, content in sorted(chosen, reverse=True):
        text = text[:start] + content + text[end:]
    return text, count


def add_imports(text: str, imports: Sequence[tuple[str, str]]) -> str:
    """Add ``from module import name`` for each pair with LibCST's ``AddImportsVisitor``.

    An empty ``name`` means ``import module``.
    """
    if not imports:
        return text
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    module = cst.parse_module(text)
    context = CodemodContext()
    for mod, name in imports:
        AddImportsVisitor.add_needed_import(context, mod, name or None)
    return AddImportsVisitor(context).transform_module(module).code


def import_edits(text: str, imports: Sequence[tuple[str, str]]) -> tuple[Edit, ...]:
    """The line edits that ``add_imports`` makes, so a JSON fix carries its import too."""
    after = add_imports(text, imports)
    if after == text:
        return ()
    old = text.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit("".join(new[j1:j2]), Location(i1 + 1, 1), Location(i2 + 1, 1)))
    return tuple(edits)


def verify(text: str, filename: str) -> None:
    """Raise FixError unless ``text`` parses with LibCST and compiles."""
    import libcst as cst

    try:
        cst.parse_module(text)
        compile(text, filename, "exec", dont_inherit=True)
    except (Exception, BaseException) as exc:  # LibCST's parser may raise a pyo3 PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise FixError(f"{type(exc).__name__}: {exc}") from exc


def round_trips(text: str) -> bool:
    """LibCST reproduces the text exactly (not so for, e.g., a file ending in a lone CR)."""
    return _round_trip_problem(text) is None


def _round_trip_problem(text: str) -> str | None:
    """Why LibCST cannot be trusted to rewrite ``text`` (None when it reproduces it exactly)."""
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except (Exception, BaseException) as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        detail = " ".join(lines[:2]) if lines else type(exc).__name__
        return f"LibCST cannot parse this file ({detail}), although Python can"
    if module.code != text:
        return "LibCST cannot reproduce this file byte for byte"
    return None


def fix_text(text: str, filename: str, lint: LintFn, unsafe: bool = False) -> FixResult:
    """Lint and fix ``text`` to a fixed point; never returns text that does not parse."""
    diagnostics = list(lint(text))
    result = FixResult(text, text, remaining=diagnostics)
    if not any(applicable(d.fix, unsafe) for d in diagnostics):
        result.held_back = sum(1 for d in diagnostics if d.fix is not None)
        return result
    problem = _round_trip_problem(text)
    if problem is not None:
        result.error = f"{problem}; it was not fixed"
        return result
    current = text
    for _ in range(MAX_ROUNDS):
        fixable = [d for d in diagnostics if applicable(d.fix, unsafe)]
        if not fixable:
            break
        codes: list[str] = []
        edited, count = apply_edits(current, fixable, unsafe, codes)
        imports = sorted({i for d in fixable if d.fix for i in d.fix.imports})
        rules = ", ".join(sorted({d.code for d in fixable}))
        try:
            edited = add_imports(edited, imports)
            verify(edited, filename)
        except FixError as exc:
            result.error = f"fix by {rules} would produce invalid code ({exc}); file left as is"
            result.fixed = text
            result.applied = 0
            result.applied_codes = []
            result.remaining = list(lint(text))
            return result
        except Exception as exc:  # an import LibCST cannot add, ...
            result.error = f"fix by {rules} failed ({type(exc).__name__}: {exc}); file left as is"
            result.fixed, result.applied, result.remaining = text, 0, list(lint(text))
            result.applied_codes = []
            return result
        if edited == current:
            break
        current = edited
        result.applied += count
        result.applied_codes.extend(codes)
        diagnostics = list(lint(current))
    else:
        if any(applicable(d.fix, unsafe) for d in diagnostics):
            result.error = f"fixes did not converge after {MAX_ROUNDS} rounds"
    result.fixed = current
    result.remaining = diagnostics
    result.held_back = sum(1 for d in diagnostics if d.fix is not None)
    return result


def encode(source: SourceFile, text: str) -> bytes:
    body = text.encode(source.encoding)
    return (codecs.BOM_UTF8 + body) if source.bom else body


def write_atomic(path: Path, source: SourceFile, text: str) -> bool:
    """Write ``text`` over ``path`` if it changed and the file still holds what was read."""
    data = encode(source, text)
    if data == source.raw:
        return False
    if path.read_bytes() != source.raw:
        raise FixError(f"{path} changed on disk while it was being fixed; not written")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=path,
            tofile=path,
        )
    )
