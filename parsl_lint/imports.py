"""Where the fixer puts the import it adds, so that an isort-clean file stays isort-clean.

LibCST's ``AddImportsVisitor`` appends a new ``from m import n`` after the last import of the
first block, whatever its section: after ``from mypkg import x`` a third-party import is out
of order, and ``ruff check --select I`` (I001) reports the file. This module places the import
as isort and ruff's default profile sort it:

* sections in order: ``__future__``, standard library, third party, first party (the
  project's own top-level modules), local (relative imports); one blank line between them;
* inside a section, plain ``import x`` statements first, then ``from x import y``, each
  sorted by module name without regard to case;
* a section the file does not have yet is opened between its neighbours, with blank lines.

It reads the ``ast`` of the file and answers with one :class:`~parsl_lint.ftypes.Edit` (an
insertion at the start of a line), used both by the fixer and by the JSON/SARIF edits, so the
two always agree. Merging into an existing ``from m import ...`` is left to LibCST.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Collection
from functools import cache

from parsl_lint.ftypes import Edit, Location

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)


@cache
def _is_stdlib(top: str) -> bool:
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names:  # pragma: no cover - Python 3.9
        return True
    import importlib.util  # pragma: no cover - Python 3.9
    import sysconfig  # pragma: no cover - Python 3.9 (only there: no cost at start-up)

    try:  # pragma: no cover - Python 3.9
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):  # pragma: no cover - Python 3.9
        return False
    origin = getattr(spec, "origin", None) or ""  # pragma: no cover - Python 3.9
    stdlib = sysconfig.get_paths()["stdlib"]  # pragma: no cover - Python 3.9
    return origin.startswith(stdlib + os.sep) and "site-packages" not in origin  # pragma: no cover


def section(module: str, level: int, first_party: Collection[str]) -> int:
    """The isort section of an import of ``module`` (``level`` dots before it)."""
    if level:
        return LOCAL
    top = module.split(".")[0]
    if top == "__future__":
        return FUTURE
    if top in first_party:
        return FIRST_PARTY
    if _is_stdlib(top):
        return STDLIB
    return THIRD_PARTY


def _section_of(stmt: ast.Import | ast.ImportFrom, first_party: Collection[str]) -> int:
    if isinstance(stmt, ast.Import):
        return section(stmt.names[0].name, 0, first_party)
    return section(stmt.module or "", stmt.level, first_party)


def _key(stmt: ast.Import | ast.ImportFrom) -> tuple[int, str, str]:
    """The order of a statement inside its section: ``import`` before ``from``, then by
    module name (case-insensitive, then as written)."""
    if isinstance(stmt, ast.Import):
        name = stmt.names[0].name
        return 0, name.lower(), name
    name = "." * stmt.level + (stmt.module or "")
    return 1, name.lower(), name


def plan_import(
    text: str, tree: ast.Module, module: str, name: str, first_party: Collection[str] = ()
) -> Edit:
    """The insertion that adds ``from module import name`` to ``text`` (whose parse is
    ``tree``) in its sorted place. The caller has checked that no ``from module import ...``
    exists already."""
    newline = "\r\n" if "\r\n" in text[:4096] else "\n"
    line = f"from {module} import {name}{newline}"
    body = tree.body
    start = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        start = 1 if isinstance(body[0].value.value, str) else 0  # the docstring
    block: list[ast.Import | ast.ImportFrom] = []
    for stmt in body[start:]:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            break
        block.append(stmt)
    ours = section(module, 0, first_party)
    key = (1, module.lower(), module)
    lines = text.splitlines()
    if not block:  # no imports yet: after the docstring, set off from the code below
        if start:
            row = body[0].end_lineno + 1  # type: ignore[operator]
        else:
            row = _first_row(body[0], lines) if body else len(lines) + 1
        following = lines[row - 1] if row - 1 < len(lines) else ""
        blank = newline if body[start:] and following.strip() else ""
        return _insert(row, line + blank)
    sections = [_section_of(stmt, first_party) for stmt in block]
    for i, (stmt, sect) in enumerate(zip(block, sections)):
        if sect == ours and _key(stmt) > key:  # before it, in its section
            if i and sections[i - 1] == ours:  # right after the one before (a blank line or
                return _insert(block[i - 1].end_lineno + 1, line)  # comment stays with it)
            return _insert(_first_row(stmt, lines), line)
        if sect > ours:  # the sections after ours begin here
            if ours in sections:  # ours ended just above: its last line
                return _insert(_end_of_section(block, sections, ours), line)
            return _insert(_first_row(stmt, lines), line + newline)  # open ours before them
    last = block[-1]
    row = last.end_lineno + 1  # type: ignore[operator]
    if sections[-1] == ours:
        return _insert(row, line)
    return _insert(row, newline + line)  # a new last section


def _insert(row: int, content: str) -> Edit:
    at = Location(row, 1)
    return Edit(content, at, at)


def _first_row(stmt: ast.stmt, lines: list[str]) -> int:
    """The first row of ``stmt`` with the comment lines right above it (they belong to it)."""
    row = stmt.lineno
    while row > 1 and lines[row - 2].lstrip().startswith("#"):
        row -= 1
    return row


def _end_of_section(
    block: list[ast.Import | ast.ImportFrom], sections: list[int], ours: int
) -> int:
    last = max(i for i, s in enumerate(sections) if s == ours)
    return block[last].end_lineno + 1  # type: ignore[operator,return-value]
