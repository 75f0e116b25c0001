"""The server's projects: for each project root, its settings and one long-lived linter.

A project is what ``parsl-lint check FILE`` would use for a file: the settings of the nearest
``pyproject.toml`` with a ``[tool.parsl-lint]`` table (or the defaults), and the project index
of every file under the project root. The index is built once and kept current: a buffer the
editor changes replaces its module's text (:meth:`Project.update_text`, as the fixer does), a
file changed on disk is read again, and a file created or deleted rebuilds the index (module
names depend on which files and ``__init__.py`` exist). Files are linted with the very
``Linter`` methods ``check`` uses, so the server never analyses differently from the CLI.

Nothing here knows about LSP: the server module turns results into messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsl_lint.cache import CACHE_DIR, Cache, digest
from parsl_lint.config import (
    ConfigError,
    Settings,
    find_project_root,
    load_settings,
    validate_selectors,
)
from parsl_lint.discovery import iter_project_files
from parsl_lint.engine import Linter
from parsl_lint.ftypes import Diagnostic, FileResult
from parsl_lint.notebook import Notebook, is_notebook
from parsl_lint.rules import defaults
from parsl_lint.snapshot import split_codes

#: The selection keys an editor may override, as spelled in ``pyproject.toml``.
OVERRIDE_KEYS = ("select", "ignore", "extend-select")
#: The names of the section an editor's settings may hold them in.
_SECTIONS = ("parsl-lint", "parslLint", "parsl_lint")


@dataclass(frozen=True)
class Overrides:
    """Rule selection from the editor (``initializationOptions`` or the client's settings),
    applied over the project's configuration as the command-line options are."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()

    @classmethod
    def parse(cls, options: object) -> Overrides:
        """Read the overrides from the editor's options: ``{"select": [...], "ignore": [...],
        "extend-select": [...]}`` (``extendSelect`` and ``extend_select`` too), possibly inside
        a ``"parsl-lint"`` (or ``"parslLint"``) section. Raises ``ConfigError`` on a bad value."""
        table = editor_section(options)
        known = defaults()
        values: dict[str, Any] = {}
        for key in OVERRIDE_KEYS:
            spellings = (key, key.replace("-", "_"), _camel(key))
            given = [table[k] for k in spellings if k in table and table[k] is not None]
            if not given:
                continue
            value = given[0]
            if isinstance(value, str):
                value = [value]
            where = f"editor setting {key!r}"
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                value = split_codes(value)
            values[key.replace("-", "_")] = validate_selectors(value, key, where, known)
        return cls(**values)

    @staticmethod
    def mentioned(options: object) -> bool:
        """Whether the editor's options speak of the selection at all (a ``parsl-lint``
        section, or one of the keys at the top level)."""
        if not isinstance(options, Mapping):
            return False
        if any(isinstance(options.get(n), Mapping) for n in _SECTIONS):
            return True
        keys = {k for key in OVERRIDE_KEYS for k in (key, key.replace("-", "_"), _camel(key))}
        return any(k in options for k in keys)

    def apply(self, settings: Settings) -> Settings:
        return settings.with_overrides(self.select, self.ignore, self.extend_select)


def editor_section(options: object) -> Mapping[str, Any]:
    """The editor's options for parsl-lint: a ``parsl-lint`` section, else the top level."""
    if not isinstance(options, Mapping):
        return {}
    for name in _SECTIONS:
        inner = options.get(name)
        if isinstance(inner, Mapping):
            return inner
    return options


def _camel(key: str) -> str:
    first, *rest = key.split("-")
    return first + "".join(part.capitalize() for part in rest)


@dataclass
class Document:
    """An open document (a Python file, or a notebook as one module) and its last result."""

    uri: str
    path: str
    text: str
    version: int | None = None
    #: For a notebook: the code cells' sources and their URIs, in order.
    cells: list[tuple[str, str]] = field(default_factory=list)
    result: FileResult | None = None
    #: The text the result is for, and what the modules it imports were then.
    linted: str | None = None
    dependencies: str | None = None

    @property
    def is_notebook(self) -> bool:
        return is_notebook(self.path)

    @property
    def current(self) -> bool:
        return self.result is not None and self.linted == self.text


class ProjectState:
    """One project root: settings, the linter with its index, and the open documents in it."""

    def __init__(self, settings: Settings, overrides: Overrides) -> None:
        self.base = settings
        self.settings = overrides.apply(settings)
        self.enabled = self.settings.enabled_codes(defaults())
        self.documents: dict[str, Document] = {}
        self.linter = self._build()

    @property
    def root(self) -> Path:
        return self.settings.project_root

    def _build(self) -> Linter:
        """The linter and index ``check`` would build for a file of this project (the
        prefilter's scans read from, and saved to, the project's cache)."""
        try:
            files: list[Path] = iter_project_files(self.root, self.settings)
        except FileNotFoundError:
            files = []
        linter = Linter.create(self.settings, self.enabled, files)
        linter.release_trees = False  # open buffers live in the index: never drop them
        key = digest(repr(self.settings), ",".join(sorted(self.enabled)), str(False))
        self.cache = Cache(self.root / CACHE_DIR, key)
        linter.project.scan_cache = self.cache.load_scans()
        return linter

    def warm(self) -> None:
        """Scan every module now (the prefilter's closure), and save the scans for next time."""
        project = self.linter.project
        project.candidates()
        if project.scanned != project.scan_cache:
            self.cache.save_scans(project.scanned)

    def rebuild(self) -> None:
        """Build the index again from the files on disk (a file was created or deleted),
        then put the open buffers back into it."""
        self.linter = self._build()
        for doc in self.documents.values():
            self.linter.module_for(doc.path, self._module_text(doc))
            doc.dependencies = None
        self.warm()

    def contains(self, path: str) -> bool:
        root = str(self.root)
        return path == root or path.startswith(root.rstrip(os.sep) + os.sep)

    # -- linting ----------------------------------------------------------------------------

    def lint(self, doc: Document) -> FileResult:
        """Lint an open document as ``check`` lints the file (a notebook cell by cell)."""
        shown = doc.path
        if doc.is_notebook and doc.cells:
            result = self.linter.lint_cells(Notebook([s for s, _ in doc.cells]), shown, doc.path)
        else:
            result = self.linter.lint_source(doc.text, shown, doc.path)
        doc.result, doc.linted = result, doc.text
        doc.dependencies = self.dependencies(doc)
        return result

    def dependencies(self, doc: Document) -> str:
        """A digest of the project modules the document imports, directly or not, as they
        are now (a buffer's text where one is open)."""
        project = self.linter.project
        return project.dependency_digest(project.add_file(doc.path))

    def stale(self) -> list[Document]:
        """Open documents whose imported modules changed since they were linted."""
        return [
            doc
            for doc in self.documents.values()
            if doc.result is not None and doc.dependencies != self.dependencies(doc)
        ]

    def set_buffer(self, doc: Document) -> None:
        """Make the index see the document's buffer (not yet linted)."""
        self.linter.module_for(doc.path, self._module_text(doc))

    def close(self, doc: Document) -> None:
        """The editor closed the document: its module is the file on disk again."""
        self.documents.pop(doc.uri, None)
        self.reload_from_disk(doc.path)

    def reload_from_disk(self, path: str) -> bool:
        """A file changed on disk: read it again unless its buffer is open. Returns whether the
        index knows the file."""
        project = self.linter.project
        info = project.by_path.get(path)
        if info is None:
            return False
        if any(doc.path == path for doc in self.documents.values()):
            return True
        from parsl_lint.engine import SourceError, decode_source

        try:
            with open(path, "rb") as handle:
                text = decode_source(handle.read(), path).text
        except (OSError, SourceError):
            text = ""
        if is_notebook(path):
            from parsl_lint.notebook import NotebookError, read_notebook

            try:
                text = read_notebook(text).source
            except NotebookError:
                pass
        project.update_text(info, text)
        return True

    def _module_text(self, doc: Document) -> str:
        if doc.is_notebook:
            return Notebook([s for s, _ in doc.cells]).source
        return doc.text

    def fix_lint(self, doc: Document) -> Any:
        """``lint(text) -> diagnostics`` for the fixer, as ``fix`` builds it."""

        def lint(current: str) -> list[Diagnostic]:
            result = self.linter.lint_text(current, doc.path, doc.path)
            if result.error:
                raise RuntimeError(result.error)
            return list(result.diagnostics)

        return lint

    def restore(self, doc: Document) -> None:
        """After the fixer linted other texts: the index describes the buffer again."""
        self.linter.module_for(doc.path, self._module_text(doc))


class Projects:
    """Every project the open documents belong to, with the editor's overrides."""

    def __init__(self) -> None:
        self.overrides = Overrides()
        self.states: dict[tuple[str, str], ProjectState] = {}
        #: Directory -> the settings of the files in it (resolving them reads TOML files).
        self._settings: dict[str, Settings] = {}
        #: The last settings read without error for a directory, kept while its config is
        #: broken (the user is typing in pyproject.toml).
        self._good: dict[str, Settings] = {}

    def settings_for(self, path: str) -> Settings:
        """The settings ``check`` reads for ``path``. Raises ``ConfigError`` for a broken
        configuration (the caller shows it and goes on with :meth:`fallback_settings`)."""
        directory = os.path.dirname(path)
        settings = self._settings.get(directory)
        if settings is None:
            settings = load_settings(None, [Path(path)], defaults())
            self._settings[directory] = self._good[directory] = settings
        return settings

    def fallback_settings(self, path: str) -> Settings:
        """The last good settings of the file's directory, else the defaults."""
        directory = os.path.dirname(path)
        settings = self._good.get(directory)
        if settings is None:
            settings = Settings(project_root=find_project_root([Path(path)]))
        self._settings[directory] = settings
        return settings

    def state_for(self, settings: Settings) -> ProjectState:
        key = (str(settings.config_path), str(settings.project_root))
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = ProjectState(settings, self.overrides)
            state.warm()
        return state

    def documents(self) -> Iterable[tuple[ProjectState, Document]]:
        for state in list(self.states.values()):
            for doc in list(state.documents.values()):
                yield state, doc

    def find(self, uri: str) -> tuple[ProjectState, Document] | None:
        for state in self.states.values():
            doc = state.documents.get(uri)
            if doc is not None:
                return state, doc
        return None

    def reset(self, overrides: Overrides | None = None) -> list[Document]:
        """Forget every project (the configuration changed); returns the open documents,
        which the caller opens again."""
        if overrides is not None:
            self.overrides = overrides
        docs = [doc for _, doc in self.documents()]
        self.states.clear()
        self._settings.clear()
        for doc in docs:
            doc.result = doc.linted = doc.dependencies = None
        return docs

    def states_containing(self, paths: Sequence[str]) -> list[ProjectState]:
        return [s for s in self.states.values() if any(s.contains(p) for p in paths)]


def is_config_file(path: str) -> bool:
    """A file whose change can change the settings (a ``pyproject.toml`` or a ``--config``
    style TOML file is read only as ``pyproject.toml`` here)."""
    return os.path.basename(path) == "pyproject.toml"


__all__ = [
    "ConfigError",
    "Document",
    "Overrides",
    "ProjectState",
    "Projects",
    "editor_section",
    "is_config_file",
]
