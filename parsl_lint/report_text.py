"""The human formats, as ruff prints them: ``full`` (the default: the finding, its source lines
with carets under the range, the fix's title) and ``concise`` (one line per finding), the
summary, ``--statistics`` and ``--show-fixes``.

Colour is ANSI, as ruff's, and only when :func:`use_color` says so (a terminal, ``NO_COLOR``,
``FORCE_COLOR``); the words are the same either way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TextIO

from parsl_lint.color import use_color
from parsl_lint.ftypes import Applicability, Diagnostic

__all__ = [
    "Palette",
    "text_summary",
    "use_color",
    "write_concise",
    "write_full",
    "write_show_fixes",
    "write_statistics",
]

_NEWLINES = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")
TAB_WIDTH = 4


class Palette:
    """ANSI styles (ruff's), or nothing at all when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, codes: str, text: str) -> str:
        return f"{codes}{text}\x1b[0m" if self.color and text else text

    def code(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[91m", text)

    def concise_code(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[31m", text)

    def bold(self, text: str) -> str:
        return self._wrap("\x1b[1m", text)

    def gutter(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[94m", text)

    def carets(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[91m", text)

    def help(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[96m", text)

    def fixable(self, text: str) -> str:
        return self._wrap("\x1b[1m\x1b[96m", text)

    def punct(self, text: str) -> str:
        return self._wrap("\x1b[36m", text)


def one_line(message: str) -> str:
    return _NEWLINES.sub(" ", message)


def _marker(d: Diagnostic, unsafe: bool) -> bool:
    """``[*]``: a fix that ``--fix`` applies (``--unsafe-fixes`` counts the unsafe ones)."""
    if d.fix is None:
        return False
    return unsafe or d.fix.applicability is Applicability.SAFE


def _where(d: Diagnostic) -> str:
    cell = f"cell {d.cell}:" if d.cell is not None else ""
    return f"{d.path}:{cell}{d.location.row}:{d.location.column}"


# --------------------------------------------------------------------------- concise


def write_concise(
    diagnostics: Sequence[Diagnostic], stream: TextIO, *, color: bool = False, unsafe: bool = False
) -> None:
    """``path:row:col: CODE [*] message`` (``path:cell N:row:col:`` in a notebook)."""
    p = Palette(color)
    for d in diagnostics:
        marker = f" [{p.punct('*')}]" if _marker(d, unsafe) else ""
        cell = f"cell {d.cell}{p.punct(':')}" if d.cell is not None else ""
        colon = p.punct(":")
        where = f"{p.bold(d.path)}{colon}{cell}{d.location.row}{colon}{d.location.column}{colon}"
        stream.write(f"{where} {p.concise_code(d.code)}{marker} {one_line(d.message)}\n")


# --------------------------------------------------------------------------- full


def write_full(
    diagnostics: Sequence[Diagnostic], stream: TextIO, *, color: bool = False, unsafe: bool = False
) -> None:
    """Each finding as ruff's ``full`` format shows it, followed by a blank line."""
    p = Palette(color)
    for d in diagnostics:
        marker = f" [{p.fixable('*')}]" if _marker(d, unsafe) else ""
        stream.write(f"{p.code(d.code)}{marker}{p.bold(' ' + one_line(d.message))}\n")
        width = len(str(_last_row(d)))
        stream.write(f"{' ' * width}{p.gutter('--> ')}{_where(d)}\n")
        for line in _snippet_lines(d, width, p):
            stream.write(line + "\n")
        if d.fix is not None:
            stream.write(f"{p.help('help')}{p.bold(': ' + one_line(d.fix.message))}\n")
            if d.fix.applicability is not Applicability.SAFE:
                stream.write("note: This is an unsafe fix and may change runtime behavior\n")
        stream.write("\n")


def _last_row(d: Diagnostic) -> int:
    if d.snippet is None:
        return d.location.row
    return d.snippet.first + len(d.snippet.lines) - 1


def _snippet_lines(d: Diagnostic, width: int, p: Palette) -> list[str]:
    bar = p.gutter("|")
    empty = f"{' ' * (width + 1)}{bar}"
    if d.snippet is None:
        return []
    out = [empty]
    start, end = d.location, d.end_location
    for offset, raw in enumerate(d.snippet.lines):
        row = d.snippet.first + offset
        text = raw.expandtabs(TAB_WIDTH)
        number = p.gutter(f"{row:>{width}}")
        out.append(f"{number} {bar} {text}" if raw.strip() else f"{number} {bar}")
        if row != start.row:
            continue
        first = len(raw[: start.column - 1].expandtabs(TAB_WIDTH))
        stop = len(raw[: end.column - 1].expandtabs(TAB_WIDTH)) if end.row == row else len(text)
        carets = "^" * max(stop - first, 1)
        out.append(f"{empty} {' ' * first}{p.carets(carets)}")
    out.append(empty)
    return out


# --------------------------------------------------------------------------- summary


def text_summary(
    diagnostics: Sequence[Diagnostic],
    *,
    fix_mode_note: bool = True,
    unsafe: bool = False,
    fixed: int = 0,
    color: bool = False,
) -> str:
    """ruff's summary: ``Found 3 errors.`` then ``[*] 2 fixable with `--fix`.`` (and the unsafe
    fixes held back); ``All checks passed!`` when nothing is found. ``fixed``: what ``--fix``
    applied, reported as ruff does (``Found 3 errors (2 fixed, 1 remaining).``)."""
    p = Palette(color)
    count = len(diagnostics)
    if not count and not fixed:
        return "All checks passed!"
    total = count + fixed
    found = f"Found {total} error{'' if total == 1 else 's'}"
    if fixed:
        found += f" ({fixed} fixed, {count} remaining)"
    lines = [found + "."]
    if not fix_mode_note:
        return lines[0]
    safe = sum(1 for d in diagnostics if _marker(d, unsafe))
    hidden = sum(1 for d in diagnostics if d.fix is not None and not _marker(d, unsafe))
    hidden_note = (
        f"{hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the "
        "`--unsafe-fixes` option"
    )
    if safe:
        note = f"[{p.punct('*')}] {safe} fixable with `--fix`"
        lines.append(note + (f" ({hidden_note})." if hidden else "."))
    elif hidden:
        lines.append(f"No fixes available ({hidden_note}).")
    return "\n".join(lines)


# --------------------------------------------------------------------------- statistics


def write_statistics(
    diagnostics: Sequence[Diagnostic],
    stream: TextIO,
    *,
    unsafe: bool = False,
    summary: bool = True,
) -> None:
    """One row per rule, most frequent first, as ruff's ``--statistics``:
    ``count<TAB>code<TAB>[*] name`` (``[ ]`` when none of them has a fix ``--fix`` applies)."""
    counts = Counter(d.code for d in diagnostics)
    names = {d.code: d.name for d in diagnostics}
    fixable = {d.code for d in diagnostics if _marker(d, unsafe)}
    width = len(str(max(counts.values(), default=0)))
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if code in fixable else "[ ]"
        stream.write(f"{count:>{width}}\t{code}\t{mark} {names[code]}\n")
    if summary:
        stream.write(text_summary(diagnostics, unsafe=unsafe) + "\n")


# --------------------------------------------------------------------------- --show-fixes


def write_show_fixes(
    fixed: Mapping[str, Counter[str]], names: Mapping[str, str], stream: TextIO
) -> None:
    """What ``check --fix --show-fixes`` applied, per file and rule, as ruff lists it."""
    total = sum(sum(c.values()) for c in fixed.values())
    if not total:
        return
    stream.write(f"\nFixed {total} error{'s' if total != 1 else ''}:\n")
    for path in sorted(fixed):
        stream.write(f"- {path}:\n")
        for code, count in sorted(fixed[path].items()):
            stream.write(f"    {count} × {code} ({names.get(code, code)})\n")
    stream.write("\n")
