"""The fixer: applies fixes, adds imports with LibCST, verifies the result and writes it safely.

The promises it keeps (black's and ruff's): a fix never yields code that does not parse (the
output is re-parsed with LibCST and compiled; on failure the original is kept and the rule is
named); only safe fixes unless ``--unsafe-fixes``; lint -> fix rounds run to a fixed point
(at most 10); bytes outside the edits stay identical (encoding, BOM and line endings kept; a
file LibCST cannot round-trip exactly is linted, never fixed); writes go to a symbolic link's
target, keep hard links (written in place), the mode and the owner, refuse a read-only file, are
atomic otherwise (temp file beside the original, ``os.replace``), and only happen when the bytes
changed and the file on disk still holds what was read; a temp file left by a killed run is
removed by the next ``fix --write``.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

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
    #: Why the file's fixes were not applied although nothing went wrong (not an error).
    note: str | None = None
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
    ``applied``, when given, collects the code of each fix applied. The spans taken so far
    are kept sorted, so each check looks at its neighbours only."""
    lines = LineIndex(text)
    chosen: list[tuple[int, int, str]] = []
    starts: list[int] = []  # the taken spans, sorted by start (disjoint but for insertions)
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
        if any(_overlaps(starts, taken, s, e) for s, e, _ in spans):
            continue  # overlaps: the next round picks it up
        chosen.extend(spans)
        for s, e, _ in spans:
            at = bisect.bisect_right(starts, s)
            starts.insert(at, s)
            taken.insert(at, (s, e))
        count += 1
        if applied is not None:
            applied.append(diag.code)
    parts = []
    end = len(text)
    for start, stop, content in sorted(chosen, reverse=True):
        parts.append(text[stop:end])
        parts.append(content)
        end = start
    parts.append(text[:end])
    return "".join(reversed(parts)), count


def _overlaps(starts: list[int], taken: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether ``[s, e)`` overlaps a taken span, or is an insertion where one begins."""
    j = bisect.bisect_right(starts, e) - 1
    while j >= 0:
        ts, te = taken[j]
        if (s < te and ts < e) or s == e == ts:
            return True
        if te <= s and ts < s:  # it ends before ours begins, and so do all before it
            return False
        j -= 1
    return False


def add_imports(
    text: str, imports: Sequence[tuple[str, str]], first_party: Collection[str] = ()
) -> str:
    """Add ``from module import name`` for each pair: a new statement goes where isort and
    ruff sort it (:mod:`parsl_lint.imports`); a name joins an existing ``from module import``
    through LibCST's ``AddImportsVisitor``. ``first_party`` names the project's top-level
    modules. An empty ``name`` means ``import module``.
    """
    import ast

    from parsl_lint.imports import plan_import

    merge: list[tuple[str, str]] = []
    had: dict[str, list[str]] = {}  # the names each statement merged into had before
    for mod, name in imports:
        tree = ast.parse(text)
        if not name or _imports_from(tree, mod):
            merge.append((mod, name))
            had[mod] = [
                a.name
                for stmt in tree.body
                if isinstance(stmt, ast.ImportFrom) and stmt.module == mod and not stmt.level
                for a in stmt.names
            ]
            continue
        edit = plan_import(text, tree, mod, name, first_party)
        starts = LineIndex(text).starts
        if edit.location.row > len(starts):  # after a last line without a line break
            text += "\r\n" if "\r\n" in text[:4096] else "\n"
            starts = LineIndex(text).starts
        at = starts[edit.location.row - 1]
        text = text[:at] + edit.content + text[at:]
    if not merge:
        return text
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    module = cst.parse_module(text)
    context = CodemodContext()
    for mod, name in merge:
        AddImportsVisitor.add_needed_import(context, mod, name or None)
    module = AddImportsVisitor(context).transform_module(module)
    return module.visit(_SortMergedNames(had)).code


def _member_key(name: str) -> tuple[int, str, str]:
    """isort's and ruff's order of the names in ``from m import ...`` (``order-by-type``):
    CONSTANTS, then Classes, then the rest, each without regard to case."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


class _SortMergedNames:
    """A LibCST transformer (made lazily: libcst is imported only to rewrite) that puts the
    names of a ``from m import ...`` the helper joined back in sorted order, when the names
    it had were sorted (a file that orders them its own way keeps its order)."""

    def __new__(cls, had: dict[str, list[str]]) -> Any:  # type: ignore[misc]
        import libcst as cst
        from libcst.helpers import get_full_name_for_node

        class Sorter(cst.CSTTransformer):
            def leave_ImportFrom(
                self, original: cst.ImportFrom, updated: cst.ImportFrom
            ) -> cst.ImportFrom:
                names = updated.names
                if isinstance(names, cst.ImportStar) or updated.relative:
                    return updated
                before = had.get(get_full_name_for_node(updated.module) or "")
                if before is None or len(names) == len(before):
                    return updated
                old = [_member_key(n) for n in before]
                keys = [_member_key(get_full_name_for_node(a.name) or "") for a in names]
                if old != sorted(old) or keys == sorted(keys):
                    return updated
                order = sorted(range(len(names)), key=keys.__getitem__)
                resorted = [
                    names[i].with_changes(comma=names[k].comma) for k, i in enumerate(order)
                ]
                return updated.with_changes(names=resorted)

        return Sorter()


def _imports_from(tree: object, module: str) -> bool:
    """The module already has a top-level ``from module import ...`` (to merge into)."""
    import ast

    body = getattr(tree, "body", [])
    return any(
        isinstance(stmt, ast.ImportFrom) and stmt.module == module and not stmt.level
        for stmt in body
    )


def import_edits(
    text: str, imports: Sequence[tuple[str, str]], first_party: Collection[str] = ()
) -> tuple[Edit, ...]:
    """The line edits that ``add_imports`` makes, so a JSON fix carries its import too."""
    after = add_imports(text, imports, first_party)
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


#: A carriage return not followed by a line feed.
_LONE_CR = re.compile(r"\r(?!\n)")


def unfixable_reason(text: str) -> str | None:
    """Why the fixer will not rewrite ``text``, for a file with the shapes LibCST is known
    not to reproduce byte for byte (a lone ``\\r`` line ending, a form feed, a last line of
    only blanks); None otherwise. Cheap for every other file: the LibCST round trip runs only
    on a file with one of those shapes (and says "no" when it reproduces it after all)."""
    if not (_LONE_CR.search(text) or "\f" in text or _blank_tail(text)):
        return None
    return _round_trip_problem(text)


def _blank_tail(text: str) -> bool:
    tail = text[len(text.rstrip()) :]
    return " " in tail or "\t" in tail


def _cause(text: str) -> str:
    if _LONE_CR.search(text):
        return " (it has lines ending in a lone carriage return)"
    if "\f" in text:
        return " (it has a form feed)"
    if _blank_tail(text):
        return " (its last line holds only blanks)"
    return ""


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
        return f"LibCST cannot reproduce this file byte for byte{_cause(text)}"
    return None


def fix_text(
    text: str,
    filename: str,
    lint: LintFn,
    unsafe: bool = False,
    first_party: Collection[str] = (),
) -> FixResult:
    """Lint and fix ``text`` to a fixed point; never returns text that does not parse.

    A fix that would make the file invalid is left out (found by halving the round's fixes
    until each bad one stands alone) and named in ``error``; the file's other fixes are
    applied.
    """
    diagnostics = list(lint(text))
    result = FixResult(text, text, remaining=diagnostics)
    if not any(applicable(d.fix, unsafe) for d in diagnostics):
        result.held_back = sum(1 for d in diagnostics if d.fix is not None)
        return result
    problem = _round_trip_problem(text)
    if problem is not None:
        result.note = f"not fixed: {problem}"
        return result
    current = text
    errors: list[str] = []
    for _ in range(MAX_ROUNDS):
        fixable = [d for d in diagnostics if applicable(d.fix, unsafe)]
        if not fixable:
            break
        codes: list[str] = []
        edited, count, rejected = _apply_valid(
            current, fixable, unsafe, filename, first_party, codes
        )
        for message in rejected:
            if message not in errors:
                errors.append(message)
        if edited == current:
            break
        current = edited
        result.applied += count
        result.applied_codes.extend(codes)
        diagnostics = list(lint(current))
    else:
        if any(applicable(d.fix, unsafe) for d in diagnostics):
            errors.append(f"fixes did not converge after {MAX_ROUNDS} rounds")
    result.error = "; ".join(errors) or None
    result.fixed = current
    result.remaining = diagnostics
    result.held_back = sum(1 for d in diagnostics if d.fix is not None)
    return result


def _apply_valid(
    text: str,
    fixable: list[Diagnostic],
    unsafe: bool,
    filename: str,
    first_party: Collection[str] = (),
    applied: list[str] | None = None,
) -> tuple[str, int, list[str]]:
    """Apply the round's fixes, leaving out each one that would make the file invalid:
    ``(text, fixes applied, a message per fix left out)``; ``applied`` collects the codes
    of the fixes applied. The usual case, every fix valid, costs one verification."""
    rejected: list[str] = []

    tried: dict[tuple[int, ...], tuple[str, int] | str] = {}

    def attempt(group: list[Diagnostic]) -> tuple[str, int] | str:
        key = tuple(id(d) for d in group)
        if key not in tried:
            tried[key] = _attempt(group)
        return tried[key]

    def _attempt(group: list[Diagnostic]) -> tuple[str, int] | str:
        edited, count = apply_edits(text, group, unsafe)
        imports = sorted({i for d in group if d.fix for i in d.fix.imports})
        try:
            edited = add_imports(edited, imports, first_party)
            verify(edited, filename)
        except FixError as exc:
            return f"would produce invalid code ({_first_line(exc)})"
        except Exception as exc:  # LibCST cannot parse it to add the import, ...
            import libcst as cst

            if isinstance(exc, cst.ParserSyntaxError):
                return f"would produce invalid code (ParserSyntaxError: {_first_line(exc)})"
            return f"failed ({type(exc).__name__}: {_first_line(exc)})"
        return edited, count

    def valid(group: list[Diagnostic]) -> list[Diagnostic]:
        outcome = attempt(group)
        if not isinstance(outcome, str):
            return group
        if len(group) == 1:
            [d] = group
            where = f"{d.location.row}:{d.location.column}"
            rejected.append(f"fix by {d.code} at {where} {outcome}; not applied")
            return []
        half = len(group) // 2
        return valid(group[:half]) + valid(group[half:])

    group = valid(fixable)
    while group:
        outcome = attempt(group)
        if not isinstance(outcome, str):
            if applied is not None:  # which fixes of the group went in (the same choice)
                apply_edits(text, group, unsafe, applied)
            return outcome[0], outcome[1], rejected
        group = valid(group[:-1])  # valid apart, invalid together: drop one and try again
    return text, 0, rejected


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def encode(source: SourceFile, text: str) -> bytes:
    body = text.encode(source.encoding)
    return (codecs.BOM_UTF8 + body) if source.bom else body


#: The temporary file a write goes through: ``.<name>.parsl-lint-<pid>-<random>.tmp`` beside
#: the file. The pid says whether the run that made it is still alive (see :func:`clean_temps`).
TEMP_PREFIX = "parsl-lint-"
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.parsl-lint-(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")


def write_atomic(path: Path, source: SourceFile, text: str) -> bool:
    """Write ``text`` over ``path`` if it changed and the file still holds what was read.

    As black and ruff do, the write goes to the file a symbolic link points to (the link
    stays a link), a file with other hard links is rewritten in place (the links stay one
    file), and the mode and owner are kept. Otherwise the bytes go to a temporary file beside
    the target, which then replaces it (``os.replace``): a crash leaves the old file or the
    new one, never half of one. A read-only file is not written (:class:`FixError`).
    """
    data = encode(source, text)
    if data == source.raw:
        return False
    target = Path(os.path.realpath(path))  # a symlink: the file it points to
    info = os.stat(target)
    if not _writable(target, info):
        mode = stat.S_IMODE(info.st_mode)
        raise FixError(f"the file is read-only (mode {mode:04o}); not written")
    if target.read_bytes() != source.raw:
        raise FixError("the file changed on disk while it was being fixed; not written")
    if info.st_nlink > 1:
        _write_in_place(target, data)
        return True
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(tmp):
            try:
                os.chown(tmp, info.st_uid, info.st_gid)  # root fixing another user's file
            except OSError:
                pass
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def _writable(path: Path, info: os.stat_result) -> bool:
    """Writable by this user, and not read-only by its mode bits (which root ignores)."""
    return bool(info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(
        path, os.W_OK
    )


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _write_in_place(target: Path, data: bytes) -> None:
    """Rewrite a hard-linked file through its own inode (not crash-safe: no rename can keep
    the other links, which is why black and ruff always write in place)."""
    with open(target, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def clean_temps(directories: Iterable[str]) -> list[str]:
    """Remove the temporary files a killed ``fix --write`` left in ``directories``: only
    regular files named as :func:`write_atomic` names them, beside the file they were for,
    made by a process that no longer exists. Returns the paths removed."""
    removed = []
    for directory in directories:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            match = _TEMP_RE.match(name)
            if match is None or _alive(int(match.group("pid"))):
                continue
            path = os.path.join(directory, name)
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
                if not os.path.exists(os.path.join(directory, match.group("name"))):
                    continue
                os.unlink(path)
            except OSError:
                continue
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a pid we cannot ask about: keep the file
    return True


#: Above this many lines, the diff is anchored on lines that occur once in each text.
_ANCHOR_LINES = 2000


def unified_diff(path: str, before: str, after: str) -> str:
    """``difflib.unified_diff`` of the two texts. For a long file the alignment is anchored
    on the lines found exactly once in both (patience diff), with ``difflib`` between
    anchors: ``difflib`` alone scans the whole file once per changed region, which makes a
    module with thousands of fixes cost the square of their number."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    if max(len(a), len(b)) <= _ANCHOR_LINES:
        return "".join(difflib.unified_diff(a, b, fromfile=path, tofile=path))
    return _anchored_diff(path, before, after)


def _anchored_diff(path: str, before: str, after: str) -> str:
    """The unified diff, in ``difflib``'s format, over the anchored alignment."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    matcher = _AnchoredMatcher(a, b)
    out = [f"--- {path}\n", f"+++ {path}\n"]
    for group in matcher.get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            out.extend("-" + line for line in a[i1:i2])
            out.extend("+" + line for line in b[j1:j2])
    return "".join(out) if len(out) > 2 else ""


def _range(start: int, stop: int) -> str:
    """A hunk's range as ``difflib`` writes it."""
    length = stop - start
    first = start + 1
    if length == 1:
        return f"{first}"
    if not length:
        first -= 1
    return f"{first},{length}"


class _AnchoredMatcher(difflib.SequenceMatcher):
    """A ``SequenceMatcher`` whose matching blocks come from unique-line anchors (their
    longest increasing run, as patience diff picks them) and ``difflib`` between them."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)

    def get_matching_blocks(self) -> list[difflib.Match]:  # type: ignore[override]
        if self.matching_blocks is not None:
            return self.matching_blocks  # type: ignore[return-value]
        a, b = self.a, self.b
        blocks: list[tuple[int, int, int]] = []
        i0 = j0 = 0
        for i, j in [*_anchors(a, b), (len(a), len(b))]:
            if i0 < i or j0 < j:
                gap = difflib.SequenceMatcher(None, a[i0:i], b[j0:j], autojunk=False)
                blocks.extend(
                    (i0 + m.a, j0 + m.b, m.size) for m in gap.get_matching_blocks() if m.size
                )
            if i < len(a):
                blocks.append((i, j, 1))
            i0, j0 = i + 1, j + 1
        merged: list[list[int]] = []
        for i, j, size in blocks:
            if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
                merged[-1][2] += size
            else:
                merged.append([i, j, size])
        result = [difflib.Match(i, j, size) for i, j, size in merged]
        result.append(difflib.Match(len(a), len(b), 0))
        self.matching_blocks = result  # type: ignore[assignment]
        return result


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]`` occurring once in each, increasing in both."""
    count_a: dict[str, int] = {}
    for line in a:
        count_a[line] = count_a.get(line, 0) + 1
    where_b: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for j, line in enumerate(b):
        count_b[line] = count_b.get(line, 0) + 1
        where_b[line] = j
    pairs = [
        (i, where_b[line])
        for i, line in enumerate(a)
        if count_a[line] == 1 and count_b.get(line) == 1
    ]
    # The longest run increasing in j (patience sorting), in O(n log n).
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    run: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        run.append(pairs[k])
        k = back[k]
    return run[::-1]
