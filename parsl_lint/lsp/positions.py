"""Positions between the linter and an editor, and text edits between two versions of a text.

The linter counts rows from 1 and columns from 1 in characters (code points); LSP counts lines
from 0 and characters from 0 in the code units of the negotiated position encoding: UTF-16 by
default, so a character outside the Basic Multilingual Plane (an emoji, U+1F600) is two units.
Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` in both (LSP's definition, and
:class:`parsl_lint.rule.LineIndex`'s), unlike ``str.splitlines``, which also splits at form
feeds and Unicode line separators.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from typing import Callable

from lsprotocol import types

from parsl_lint.ftypes import Location
from parsl_lint.rule import LineIndex

#: How many code units of the client's position encoding a piece of text is.
Units = Callable[[str], int]


def utf16_units(text: str) -> int:
    """UTF-16 code units of ``text`` (LSP's default position encoding)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class PositionMap:
    """Converts between linter locations, character offsets and LSP positions for one text."""

    def __init__(self, text: str, units: Units = utf16_units) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.units = units

    def _line_body(self, row0: int) -> str:
        """Line ``row0`` (0-based) without its line break; empty past the end."""
        if row0 >= len(self.lines.starts):
            return ""
        return self.lines.line(row0 + 1).rstrip("\r\n")

    def position(self, loc: Location) -> types.Position:
        """A linter location (1-based row, 1-based character column) as an LSP position."""
        row0 = max(loc.row - 1, 0)
        if row0 >= len(self.lines.starts):  # past the last line: the end of the text
            return self.position_at(len(self.text))
        body = self._line_body(row0)
        return types.Position(line=row0, character=self.units(body[: max(loc.column - 1, 0)]))

    def range(self, start: Location, end: Location) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a character offset into the text."""
        row0 = bisect_right(self.lines.starts, offset) - 1
        start = self.lines.starts[row0]
        return types.Position(line=row0, character=self.units(self.text[start:offset]))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (clamped to its line, and to the text)."""
        if position.line >= len(self.lines.starts):
            return len(self.text)
        start = self.lines.starts[position.line]
        body = self._line_body(position.line)
        units = 0
        for i, char in enumerate(body):
            if units >= position.character:
                return start + i
            units += self.units(char)
        return start + len(body)

    def location_offset(self, loc: Location) -> int:
        """The character offset of a linter location."""
        if loc.row - 1 >= len(self.lines.starts):
            return len(self.text)
        start = self.lines.starts[loc.row - 1]
        return start + min(loc.column - 1, len(self._line_body(loc.row - 1)))


def text_edits(before: str, after: str, units: Units = utf16_units) -> list[types.TextEdit]:
    """Edits that turn ``before`` into ``after``: one per changed block of lines, each cut
    down to the characters that differ (an editor keeps its cursor and folds elsewhere)."""
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    positions = PositionMap(before, units)
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = starts[i1], starts[i2]
        removed, added = before[start:end], "".join(new[j1:j2])
        prefix = _common_prefix(removed, added)
        removed, added, start = removed[prefix:], added[prefix:], start + prefix
        suffix = _common_prefix(removed[::-1], added[::-1])
        if suffix:
            removed, added, end = removed[:-suffix], added[:-suffix], end - suffix
        edit_range = types.Range(positions.position_at(start), positions.position_at(end))
        edits.append(types.TextEdit(range=edit_range, new_text=added))
    return edits


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def apply_text_edits(text: str, edits: list[types.TextEdit], units: Units = utf16_units) -> str:
    """Apply LSP edits to ``text`` as an editor does (all ranges refer to the original)."""
    positions = PositionMap(text, units)
    spans = sorted(
        (
            (positions.offset(e.range.start), positions.offset(e.range.end), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text
