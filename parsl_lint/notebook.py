"""Jupyter notebooks: the Python their code cells hold, and where each line of it came from.

A notebook is linted as one module: its code cells in order, one after another, as the kernel
runs them top to bottom. IPython syntax that is not Python (``%magic``, ``!shell``, ``%%cell``
magics, ``name?``) is blanked out line by line, so every other line keeps its row within its
cell. Diagnostics are reported as ``cell N`` (the 1-based number of the code cell, as ruff and
nbQA count them) and the row and column inside that cell.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right

NOTEBOOK_SUFFIX = ".ipynb"

#: ``files = !ls`` and ``t = %timeit -o f()``: keep the assignment, drop what IPython runs.
_ASSIGNED_MAGIC = re.compile(r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]")
#: ``len?``, ``obj.attr??``: IPython's help.
_HELP = re.compile(r"^\s*[A-Za-z_][\w.]*\?\??\s*$")


class NotebookError(ValueError):
    """The file is not a notebook this tool can read (not JSON, or no ``cells`` list)."""


def is_notebook(path: object) -> bool:
    return str(path).endswith(NOTEBOOK_SUFFIX)


class Notebook:
    """The Python source of a notebook's code cells, and the map back to the cells."""

    def __init__(self, cells: list[str], file_rows: list[list[int]] | None = None) -> None:
        #: For each code cell, the row of the ``.ipynb`` file that holds each of its lines.
        self.file_rows = file_rows or []
        lines: list[str] = []
        written: list[str] = []
        #: The first row (1-based, in :attr:`source`) of each code cell.
        self.starts: list[int] = []
        for cell in cells:
            self.starts.append(len(lines) + 1)
            lines.extend(_python_lines(cell))
            written.extend(cell.splitlines())
        self.source = "".join(line + "\n" for line in lines)
        #: The cells as written (magics included), row for row with :attr:`source`.
        self.written = "".join(line + "\n" for line in written)

    def cell_of(self, row: int) -> tuple[int, int]:
        """``(cell number, row in that cell)`` for a row of :attr:`source` (both 1-based)."""
        if not self.starts:
            return 1, row
        index = max(bisect_right(self.starts, row) - 1, 0)
        return index + 1, row - self.starts[index] + 1

    def cell_rows(self, cell: int) -> tuple[int, int]:
        """The first and last row (in :attr:`source`) of code cell ``cell`` (1-based)."""
        first = self.starts[cell - 1]
        after = self.starts[cell] if cell < len(self.starts) else self.source.count("\n") + 1
        return first, max(after - 1, first)

    def file_row(self, cell: int, row: int) -> int | None:
        """The row of the ``.ipynb`` file holding row ``row`` of code cell ``cell``."""
        if 0 < cell <= len(self.file_rows) and 0 < row <= len(self.file_rows[cell - 1]):
            return self.file_rows[cell - 1][row - 1]
        return None


def read_notebook(text: str) -> Notebook:
    """The notebook in ``text`` (nbformat 4, or 3 with worksheets). Anything that is not
    such a notebook (not JSON, nested too deeply to decode, a field of the wrong type)
    raises :class:`NotebookError`, never another exception."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise NotebookError("not a valid notebook: the JSON is nested too deeply") from None
    except ValueError as exc:
        raise NotebookError(f"not a valid notebook: {exc}") from exc
    if not isinstance(data, dict):
        raise NotebookError("not a valid notebook: the top level is not an object")
    cells = data.get("cells")
    worksheets = data.get("worksheets")
    if cells is None and isinstance(worksheets, list):  # nbformat 3
        if not all(isinstance(ws, dict) for ws in worksheets):
            raise NotebookError("not a valid notebook: a worksheet is not an object")
        cells = []
        for ws in worksheets:
            more = ws.get("cells") or []
            if not isinstance(more, list):
                raise NotebookError("not a valid notebook: a worksheet's `cells` is not a list")
            cells.extend(more)
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook: it has no `cells` list")
    if _language(data).lower() not in ("python", "python3", ""):
        return Notebook([])  # an R or Julia notebook: nothing to lint
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))  # ``input`` in nbformat 3
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        sources.append(source if isinstance(source, str) else "")
    try:
        rows = source_file_rows(text)
    except (ValueError, IndexError, KeyError, TypeError):
        rows = None  # where the lines are in the file is unknown; findings keep their cell
    if rows is not None and [len(r) for r in rows] != [len(s.splitlines()) for s in sources]:
        rows = None
    return Notebook(sources, rows)


# --------------------------------------------------------------------------- file rows

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class _At:
    """A JSON value and the offset of its first character in the file."""

    __slots__ = ("offset", "value")

    def __init__(self, offset: int, value: object) -> None:
        self.offset = offset
        self.value = value


def _parse_at(text: str, i: int) -> tuple[_At, int]:
    """The JSON value at ``text[i:]`` with every nested value's offset kept."""
    i = _WS.match(text, i).end()  # type: ignore[union-attr]
    start, char = i, text[i]
    if char == '"':
        string, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        return _At(start, string), end
    if char == "{":
        members: dict[str, _At] = {}
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "}":
            return _At(start, members), i + 1
        while True:
            key, i = _parse_at(text, i)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] != ":":
                raise ValueError(f"expected ':' at {i}")
            value, i = _parse_at(text, i + 1)
            members[str(key.value)] = value
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == "}":
                return _At(start, members), i + 1
            if text[i] != ",":
                raise ValueError(f"expected ',' at {i}")
            i += 1
    if char == "[":
        items: list[_At] = []
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        if text[i] == "]":
            return _At(start, items), i + 1
        while True:
            item, i = _parse_at(text, i)
            items.append(item)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == "]":
                return _At(start, items), i + 1
            if text[i] != ",":
                raise ValueError(f"expected ',' at {i}")
            i += 1
    m = _SCALAR.match(text, i)
    if m is None:
        raise ValueError(f"unexpected {char!r} at {i}")
    return _At(start, None), m.end()


def source_file_rows(text: str) -> list[list[int]]:
    """For each code cell, the file row (1-based) of each line of its source: the row of the
    source list's element that holds the line's first character (nbformat writes one line per
    element), or of the source string when it is one string."""
    root, _ = _parse_at(text, 0)
    top = root.value
    assert isinstance(top, dict)
    cells = top.get("cells")
    if cells is None:  # nbformat 3
        cells = _At(
            0, [c for ws in _items(top.get("worksheets")) for c in _items(_get(ws, "cells"))]
        )
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    rows = []
    for cell in _items(cells):
        kind = _get(cell, "cell_type")
        if kind is None or kind.value != "code":
            continue
        source = _get(cell, "source") or _get(cell, "input")
        parts = _items(source) if source is not None and isinstance(source.value, list) else []
        if source is not None and isinstance(source.value, str):
            parts = [source]
        joined, owners = "", []
        for part in parts:
            if isinstance(part.value, str):
                owners.extend([bisect_right(line_starts, part.offset)] * len(part.value))
                joined += part.value
        cell_rows = []
        offset = 0
        for line in joined.splitlines(keepends=True):
            cell_rows.append(owners[offset])
            offset += len(line)
        rows.append(cell_rows)
    return rows


def _items(node: _At | None) -> list[_At]:
    return node.value if node is not None and isinstance(node.value, list) else []


def _get(node: _At, key: str) -> _At | None:
    return node.value.get(key) if isinstance(node.value, dict) else None


def _language(data: dict[str, object]) -> str:
    """The kernel's language from ``metadata.language_info.name`` ("python" when the
    notebook does not say); a field of a shape nbformat does not allow is an error."""
    metadata = data.get("metadata", {})
    if not isinstance(metadata, dict):
        raise NotebookError("not a valid notebook: `metadata` is not an object")
    info = metadata.get("language_info", {})
    if not isinstance(info, dict):
        raise NotebookError("not a valid notebook: `metadata.language_info` is not an object")
    name = info.get("name", "python")
    return name if isinstance(name, str) else "python"


def _python_lines(cell: str) -> list[str]:
    lines = cell.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return [""] * len(lines)  # a cell magic: the whole cell is another language
    out = []
    continued = False  # the previous line ended in a backslash: this one belongs to it
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if not continued and stripped[:1] in ("%", "!"):
            out.append(f"{indent}pass")
        elif not continued and _HELP.match(line):
            out.append(f"{indent}pass")
        else:
            assigned = None if continued else _ASSIGNED_MAGIC.match(line)
            out.append(f"{assigned.group(1)}None" if assigned else line)
        continued = line.endswith("\\")
    return out
