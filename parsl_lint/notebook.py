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

    def __init__(self, cells: list[str]) -> None:
        lines: list[str] = []
        #: The first row (1-based, in :attr:`source`) of each code cell.
        self.starts: list[int] = []
        for cell in cells:
            self.starts.append(len(lines) + 1)
            lines.extend(_python_lines(cell))
        self.source = "".join(line + "\n" for line in lines)

    def cell_of(self, row: int) -> tuple[int, int]:
        """``(cell number, row in that cell)`` for a row of :attr:`source` (both 1-based)."""
        if not self.starts:
            return 1, row
        index = max(bisect_right(self.starts, row) - 1, 0)
        return index + 1, row - self.starts[index] + 1


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
    return Notebook(sources)


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
