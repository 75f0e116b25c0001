"""The engine: reads files, builds the project index once, runs the rules, filters the results.

``Linter`` owns one run: the project index (shared by every file), the enabled rules and the
suppression filter (``# noqa``, per-file ignores). ``lint_text`` is the single per-file entry
point that both ``check`` and the fixer use. A file that cannot be read or parsed yields a
``PSL000`` diagnostic; no exception ever escapes past one file.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import functools
import io
import re
import sys
import tokenize
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from parsl_lint.config import Settings
from parsl_lint.ftypes import (
    Diagnostic,
    Edit,
    FileResult,
    Location,
    Outcome,
    PathLike,
    Snippet,
    SourceFile,
)
from parsl_lint.model import Project, analyze
from parsl_lint.model.project import ModuleInfo
from parsl_lint.noqa import Directives, parse_directives
from parsl_lint.notebook import Notebook, NotebookError, is_notebook, read_notebook
from parsl_lint.rule import LineIndex, Rule, RuleContext, rule_url
from parsl_lint.rules import all_rules

SYNTAX_CODE = "PSL000"
STDIN_MODULE = "__stdin__"


class SourceError(Exception):
    """A file whose bytes cannot be decoded; ``location`` is where decoding failed."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


def decode_source(raw: bytes, path: str) -> SourceFile:
    """Decode a Python file as the interpreter would (BOM, coding cookie, else UTF-8)."""
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        raise SourceError(str(exc), Location(1, 1)) from exc
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    try:
        text = body.decode(encoding)
    except LookupError as exc:
        raise SourceError(f"unknown encoding {encoding!r}", Location(1, 1)) from exc
    except UnicodeDecodeError as exc:
        row = body[: exc.start].count(b"\n") + 1
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        column = len(body[line_start : exc.start].decode(encoding, errors="replace")) + 1
        raise SourceError(
            f"file is not valid {encoding}: {exc.reason} (byte 0x{body[exc.start]:02x})",
            Location(row, column),
        ) from exc
    return SourceFile(path, text, encoding, bom, raw)


#: Rows of context shown around a finding's lines in ruff's ``full`` output.
CONTEXT_ROWS = 2
#: A finding spanning more rows shows only this many of them.
MAX_SNIPPET_RANGE = 8


def snippet(lines: LineIndex, start: Location, end: Location, bounds: tuple[int, int]) -> Snippet:
    """The rows of a finding with up to ``CONTEXT_ROWS`` around them, within ``bounds`` (first
    and last row, inclusive); blank context rows at either edge are left out, as ruff does."""
    low, high = bounds
    first_range = max(low, min(start.row, high))
    last_range = max(first_range, min(end.row, high, first_range + MAX_SNIPPET_RANGE - 1))
    first = max(low, first_range - CONTEXT_ROWS)
    last = min(high, last_range + CONTEXT_ROWS)
    rows = [lines.line(r).rstrip("\r\n") for r in range(first, last + 1)]
    while first < first_range and not rows[0].strip():
        rows.pop(0)
        first += 1
    while last > last_range and not rows[-1].strip():
        rows.pop()
        last -= 1
    return Snippet(first, tuple(rows))


def row_count(lines: LineIndex) -> int:
    """How many rows the text has (a final line break does not start another)."""
    count = len(lines.starts)
    return count - 1 if count > 1 and lines.starts[-1] == len(lines.text) else count


@dataclass
class Linter:
    """One run: the project index, the enabled rules and the settings."""

    settings: Settings
    project: Project
    enabled: frozenset[str]
    #: Put the import a fix needs into its edits too (for JSON/SARIF consumers).
    import_edits: bool = False
    #: Release each linted module's tree (see :meth:`Project.release`). A run that lints one
    #: file has nothing to make room for, and deciding what to release needs every module's
    #: imports.
    release_trees: bool = True
    _first_party: tuple[int, frozenset[str]] | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        enabled: Iterable[str],
        project_files: Sequence[PathLike],
    ) -> Linter:
        project = Project.from_files(settings.project_root, project_files)
        project.max_parse_size = settings.max_file_size
        return cls(settings, project, frozenset(enabled))

    @functools.cached_property
    def rules(self) -> list[Rule]:
        """The enabled rules, instantiated once per run (not once per file)."""
        return [rule() for code, rule in all_rules().items() if code in self.enabled]

    @property
    def first_party(self) -> frozenset[str]:
        """The project's top-level module names: isort's first-party section (recomputed
        when modules are added, as the language server's project grows)."""
        version = self.project.index.version
        if self._first_party is None or self._first_party[0] != version:
            names = frozenset(
                name.split(".")[0] for name in self.project.modules if name != STDIN_MODULE
            )
            self._first_party = (version, names)
        return self._first_party[1]

    def module_for(self, path: PathLike | None, text: str) -> ModuleInfo:
        if path is None:
            return self.project.add_source(STDIN_MODULE, text)
        info = self.project.add_file(path)
        self.project.update_text(info, text)
        return info

    def lint_file(
        self, path: PathLike, shown: str | None = None
    ) -> tuple[FileResult, SourceFile | None]:
        """Lint one file on disk; the SourceFile is returned for the fixer."""
        shown = shown or str(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            return FileResult(shown, Outcome.FAILED, error=f"cannot read: {exc}"), None
        return self.lint_bytes(raw, path, shown)

    def lint_bytes(
        self, raw: bytes, path: PathLike, shown: str
    ) -> tuple[FileResult, SourceFile | None]:
        """Lint the bytes of a file (decoded as Python would); the SourceFile is for the fixer."""
        if len(raw) > self.settings.max_file_size:
            return self.too_large(shown, len(raw)), None
        try:
            source = decode_source(raw, shown)
        except SourceError as exc:
            return self._unreadable(shown, str(exc), exc.location), None
        if is_notebook(path):
            return self.lint_notebook(source.text, shown, path), None
        return self.lint_text(source.text, shown, path), source

    def too_large(self, shown: str, size: int) -> FileResult:
        """A file over ``max-file-size``: skipped, with a note that says how to lint it."""
        limit = self.settings.max_file_size
        note = (
            f"not checked: {size:,} bytes is more than max-file-size ({limit:,} bytes; "
            "raise it in [tool.parsl-lint] to lint this file, at about 2 KB of memory per "
            "byte to fix it)"
        )
        return FileResult(shown, Outcome.SKIPPED, error=note)

    def lint_source(self, text: str, shown: str, path: PathLike | None) -> FileResult:
        """Lint decoded text: a notebook's JSON (by ``shown``'s suffix) or Python source."""
        size = len(text.encode("utf-8", "surrogateescape"))
        if size > self.settings.max_file_size:
            return self.too_large(shown, size)
        if is_notebook(shown):
            return self.lint_notebook(text, shown, path)
        return self.lint_text(text, shown, path)

    def lint_notebook(self, text: str, shown: str, path: PathLike | None) -> FileResult:
        """A notebook's code cells, linted as one module; each diagnostic is placed in its
        cell. No fixes: the fixer rewrites Python files, not notebooks."""
        try:
            notebook = read_notebook(text)
        except NotebookError as exc:
            return self._unreadable(shown, str(exc), Location(1, 1))
        return self.lint_cells(notebook, shown, path)

    def lint_cells(self, notebook: Notebook, shown: str, path: PathLike | None) -> FileResult:
        """A notebook's code cells (read from its file, or sent cell by cell by an editor),
        linted as one module; each diagnostic is placed in its cell."""
        result = self.lint_text(notebook.source, shown, path)
        lines = LineIndex(notebook.written)  # the snippet shows the cell as written
        placed = []
        for d in result.diagnostics:
            cell, row = notebook.cell_of(d.location.row)
            first, last = notebook.cell_rows(cell)
            cut = snippet(lines, d.location, d.end_location, (first, last))
            end_cell, end_row = notebook.cell_of(d.end_location.row)
            end = (
                Location(end_row, d.end_location.column)
                if end_cell == cell
                else Location(row, d.location.column)  # never past the cell it starts in
            )
            placed.append(
                dataclasses.replace(
                    d,
                    location=Location(row, d.location.column),
                    end_location=end,
                    cell=cell,
                    fix=None,
                    noqa_row=notebook.cell_of(d.noqa_row)[1] if d.noqa_row else None,
                    notebook_row=notebook.file_row(cell, row),
                    snippet=Snippet(cut.first - first + 1, cut.lines),
                )
            )
        return dataclasses.replace(
            result,
            diagnostics=tuple(placed),
            warnings=tuple(_in_cells(w, shown, notebook) for w in result.warnings),
        )

    def is_candidate(self, path: PathLike) -> bool:
        """The prefilter: can this file contain Parsl code worth a parse?"""
        return self.project.is_candidate(self.project.add_file(path))

    def unreadable(self, shown: str, message: str, loc: Location) -> FileResult:
        """The result for a file that cannot be decoded or parsed: ``PSL000`` at ``loc``."""
        return self._unreadable(shown, message, loc)

    def _unreadable(self, shown: str, message: str, loc: Location) -> FileResult:
        diags: tuple[Diagnostic, ...] = ()
        if SYNTAX_CODE in self.enabled:
            diags = (_syntax_diagnostic(shown, message, loc),)
        return FileResult(shown, Outcome.OK, diags)

    def lint_text(self, text: str, shown: str, path: PathLike | None) -> FileResult:
        """Lint source text; ``path`` (None for stdin) places it in the project."""
        try:
            result = self._lint_text(text, shown, path)
        except (Exception, RecursionError) as exc:  # never raise past one file
            return FileResult(
                shown, Outcome.FAILED, error=f"internal error: {type(exc).__name__}: {exc}"
            )
        if not result.diagnostics:
            return result
        lines = LineIndex(text)
        bounds = (1, row_count(lines))
        return dataclasses.replace(
            result,
            diagnostics=tuple(
                dataclasses.replace(d, snippet=snippet(lines, d.location, d.end_location, bounds))
                for d in result.diagnostics
            ),
        )

    def _lint_text(self, text: str, shown: str, path: PathLike | None) -> FileResult:
        info = self.module_for(path, text)
        if path is not None and not self.project.is_candidate(info):
            return FileResult(shown, Outcome.SKIPPED)
        try:
            tree = info.tree if info.tree is not None else ast.parse(text, filename=shown)
        except SyntaxError as exc:
            row = exc.lineno or 1
            lines = LineIndex(text)
            col = max(exc.offset or 1, 1)
            line_bytes = lines.line(row).encode("utf-8")
            loc = lines.location(row, min(col - 1, len(line_bytes)))
            # The grammar is the running Python's: say which, as newer syntax (PEP 701
            # f-strings, 3.12) is an error to an older one.
            grammar = f"Python {sys.version_info[0]}.{sys.version_info[1]}"
            return self._unreadable(shown, f"SyntaxError: {exc.msg} (as {grammar} parses it)", loc)
        except (ValueError, RecursionError, MemoryError) as exc:
            return self._unreadable(shown, f"cannot parse: {exc}", Location(1, 1))
        model = analyze(self.project, info, tree)
        lines = LineIndex(text)
        ctx = RuleContext(model, lines, shown, self.settings)
        ctx.enabled = self.enabled
        for rule in self.rules:
            if not rule.runs_last:
                rule.check(ctx)
        ignored = self.settings.ignored_for(path) if path is not None else frozenset()
        directives = parse_directives(text, shown)
        kept = [
            d
            for d in ctx.diagnostics
            if not any(d.code.startswith(i) for i in ignored) and not directives.suppresses(d)
        ]
        kept.extend(self._last_rules(ctx, directives, ignored))
        kept.sort(key=Diagnostic.sort_key)
        kept = _one_log_per_failure(tree, kept, self.settings.helper_function)
        if any(d.fix for d in kept):
            from parsl_lint.fixer import unfixable_reason

            if unfixable_reason(text) is not None:  # ``fix`` would not touch it: no ``[*]``
                kept = [dataclasses.replace(d, fix=None) if d.fix else d for d in kept]
        if self.import_edits:
            kept = _with_import_edits(text, tree, kept, self.first_party)
        if path is not None and self.release_trees:
            self.project.release(info)
        return FileResult(shown, Outcome.OK, tuple(kept), warnings=tuple(directives.warnings))

    def _last_rules(
        self, ctx: RuleContext, directives: Directives, ignored: frozenset[str]
    ) -> list[Diagnostic]:
        """Run the rules that judge the suppression itself (PSL001), once it is done."""
        last = [rule for rule in self.rules if rule.runs_last]
        if not last:
            return []
        ctx.diagnostics = []
        ctx.directives = directives
        for rule in last:
            rule.check(ctx)
        return [d for d in ctx.diagnostics if not any(d.code.startswith(i) for i in ignored)]


def _in_cells(warning: str, shown: str, notebook: Notebook) -> str:
    """A warning about ``shown:ROW`` of a notebook's joined cells, about its cell's row."""

    def place(match: re.Match[str]) -> str:
        cell, row = notebook.cell_of(int(match.group(1)))
        return f"{shown}:cell {cell}:{row}"

    return re.sub(rf"{re.escape(shown)}:(\d+)", place, warning, count=1)


def _one_log_per_failure(
    tree: ast.Module, diagnostics: list[Diagnostic], helper: str
) -> list[Diagnostic]:
    """PSL101's fix wins over PSL102's on the same ``try``: the helper already logs the
    failure with its root cause and the worker's traceback, and re-raises it, so turning the
    handler's ``log.error`` into ``log.exception`` would log the same failure twice (a second
    traceback, of Parsl's frames). PSL102 is still reported there, without a fix; once PSL101's
    fix is applied it no longer fires. The same holds when the ``try`` already calls the
    helper (a site fixed in an earlier round)."""
    handler_fixes = [d for d in diagnostics if d.code == "PSL102" and d.fix is not None]
    if not handler_fixes:
        return diagnostics
    sites = [d.location for d in diagnostics if d.code == "PSL101" and d.fix is not None]
    yielding: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) and type(node).__name__ != "TryStar":
            continue
        body = (_start(node.body[0]), _end(node.body[-1]))  # type: ignore[attr-defined]
        wins = any(body[0] <= (s.row, s.column - 1) < body[1] for s in sites) or any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == helper
            for stmt in node.body  # type: ignore[attr-defined]
            for n in ast.walk(stmt)
        )
        if not wins:
            continue
        for handler in node.handlers:  # type: ignore[attr-defined]
            span = (_start(handler), _end(handler))
            for d in handler_fixes:
                if span[0] <= (d.location.row, d.location.column - 1) < span[1]:
                    yielding.add(id(d))
    if not yielding:
        return diagnostics
    return [dataclasses.replace(d, fix=None) if id(d) in yielding else d for d in diagnostics]


def _start(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno or 0, node.end_col_offset or 0  # type: ignore[attr-defined]


def _syntax_diagnostic(path: str, message: str, loc: Location) -> Diagnostic:
    return Diagnostic(
        code=SYNTAX_CODE,
        name="syntax-error",
        message=message,
        path=path,
        location=loc,
        end_location=loc,
        url=rule_url(SYNTAX_CODE),
        noqa_row=None,
    )


def import_edit(
    text: str, tree: ast.Module, module: str, name: str, first_party: Collection[str] = ()
) -> tuple[Edit, ...] | None:
    """The edit that adds ``from module import name`` where the fixer puts it (in its isort
    section, see :mod:`parsl_lint.imports`); ``()`` when the file already imports it, None
    when it imports from ``module`` already (LibCST merges the name into that statement)."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == module and not stmt.level:
            if any(a.name == name and a.asname is None for a in stmt.names):
                return ()
            return None
    from parsl_lint.imports import plan_import

    return (plan_import(text, tree, module, name, first_party),)


def _with_import_edits(
    text: str, tree: ast.Module, diagnostics: list[Diagnostic], first_party: Collection[str]
) -> list[Diagnostic]:
    """Add the import each fix needs as explicit edits (computed once per file)."""
    needed = sorted({i for d in diagnostics if d.fix for i in d.fix.imports})
    if not needed:
        return diagnostics
    per_import: dict[tuple[str, str], tuple[Edit, ...]] = {}
    for module, name in needed:
        edits = import_edit(text, tree, module, name, first_party)
        if edits is None:  # merging into an existing import: let LibCST say how
            from parsl_lint.fixer import import_edits

            try:
                edits = import_edits(text, [(module, name)], first_party)
            except Exception:  # LibCST cannot parse what ast accepted
                edits = ()
        per_import[(module, name)] = edits
    out = []
    for d in diagnostics:
        if d.fix and d.fix.imports:
            extra = tuple(e for i in d.fix.imports for e in per_import[i])
            d = dataclasses.replace(d, fix=dataclasses.replace(d.fix, edits=d.fix.edits + extra))
        out.append(d)
    return out
