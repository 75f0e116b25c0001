"""``parsl-lint server``: the language server (LSP over stdio, built on pygls).

What it owns: turning editor events into lint runs and lint results into LSP messages.

* Diagnostics on open, on save and (debounced) on change, from the unsaved buffer, with the
  project's index (:mod:`parsl_lint.lsp.projects`); after each run, the open documents that
  import a module whose text changed are linted again.
* Watched files: a changed module is read again, a created or deleted one rebuilds the index,
  a changed ``pyproject.toml`` reloads the settings. A broken configuration is shown to the
  user (``window/showMessage``); the last good settings stay in force.
* Code actions (:mod:`parsl_lint.lsp.actions`), hover with the rule's documentation, the
  ``parsl-lint.applyAutofix`` command.
* Notebooks through LSP 3.17 notebook document sync: the code cells are linted as one module,
  as ``check`` lints a ``.ipynb`` file, and each cell gets its own diagnostics.
* An exception inside a request is answered with an error and logged (``window/logMessage``,
  with the traceback); the server carries on.
"""

from __future__ import annotations

import asyncio
import os
import traceback
from dataclasses import dataclass
from typing import Any, Callable

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from parsl_lint import __version__
from parsl_lint.ftypes import Diagnostic, Outcome
from parsl_lint.lsp.actions import FIX_ALL_KIND, code_actions, fix_all_edits
from parsl_lint.lsp.convert import SOURCE, to_lsp
from parsl_lint.lsp.positions import PositionMap, Units
from parsl_lint.lsp.projects import (
    ConfigError,
    Document,
    Overrides,
    Projects,
    ProjectState,
    editor_section,
    is_config_file,
)
from parsl_lint.notebook import is_notebook
from parsl_lint.rules import all_rules

APPLY_AUTOFIX = "parsl-lint.applyAutofix"
#: Seconds between the last keystroke and the lint run it triggers.
DEFAULT_DEBOUNCE = 0.2
#: Files whose creation, change or deletion the server wants to hear about.
WATCHED = ("**/*.py", "**/*.ipynb", "**/pyproject.toml")


@dataclass
class View:
    """What the editor shows for one URI: the text linted and its diagnostics (a notebook's
    cell has its own view; ``owner`` is then the notebook's URI)."""

    text: str
    diagnostics: list[Diagnostic]
    owner: str


class ParslLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            SOURCE,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        notebook="jupyter-notebook",
                        cells=[types.NotebookCellLanguage(language="python")],
                    )
                ],
                save=True,
            ),
        )
        self.projects = Projects()
        self.debounce = DEFAULT_DEBOUNCE
        self.views: dict[str, View] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}

    # -- messages ---------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.log(message, kind)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """An exception escaped a handler: log it with its traceback. A request has already
        been answered with the error; a failed notification is also shown, as the user would
        otherwise never learn of it."""
        data = getattr(error, "data", None)
        if isinstance(data, dict) and data.get("traceback"):
            where = "".join(data["traceback"])
        else:
            where = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        message = f"parsl-lint: internal error: {error}\n{where}"
        self.log(message, types.MessageType.Error)
        if source is not FeatureRequestError:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message=f"parsl-lint: internal error: {error} (details in the log)",
                )
            )

    def guarded(self, action: Callable[[], None]) -> None:
        """Run work the server started itself (a debounced lint): an exception is reported,
        never raised into the event loop."""
        try:
            action()
        except Exception as exc:  # the server must stay up
            self.report_server_error(exc, None)

    @property
    def units(self) -> Units:
        return self.workspace.position_codec.client_num_units

    # -- documents --------------------------------------------------------------------------

    def state_for(self, path: str) -> ProjectState:
        """The project of a file, with a broken configuration shown, not raised."""
        try:
            settings = self.projects.settings_for(path)
        except ConfigError as exc:
            self.show(f"parsl-lint: {exc}; using the last valid settings until it is fixed")
            settings = self.projects.fallback_settings(path)
        return self.projects.state_for(settings)

    def open(self, uri: str, text: str, version: int | None, cells: Any = ()) -> Document | None:
        path = _path_of(uri)
        if path is None:
            return None
        state = self.state_for(path)
        doc = Document(uri, path, text, version, list(cells))
        state.documents[uri] = doc
        state.set_buffer(doc)
        self.lint_now(state, doc)
        return doc

    def lint_now(self, state: ProjectState, doc: Document) -> None:
        """Lint a document and publish; then the open documents that import what changed."""
        self._cancel(doc.uri)
        self._lint_and_publish(state, doc)
        self.refresh_dependents()

    def refresh_dependents(self) -> None:
        for state in list(self.projects.states.values()):
            for stale in state.stale():
                self._lint_and_publish(state, stale)

    def _lint_and_publish(self, state: ProjectState, doc: Document) -> None:
        result = state.lint(doc)
        if result.outcome is Outcome.FAILED:
            self.log(f"parsl-lint: {doc.path}: {result.error}", types.MessageType.Error)
        diagnostics = list(result.diagnostics)
        if doc.is_notebook and doc.cells:
            for number, (source, cell_uri) in enumerate(doc.cells, start=1):
                mine = [d for d in diagnostics if d.cell == number]
                self.publish(cell_uri, View(source, mine, doc.uri), None)
        else:
            self.publish(doc.uri, View(doc.text, diagnostics, doc.uri), doc.version)

    def publish(self, uri: str, view: View, version: int | None) -> None:
        self.views[uri] = view
        positions = PositionMap(view.text, self.units)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=version,
                diagnostics=[to_lsp(d, positions) for d in view.diagnostics],
            )
        )

    def clear(self, uri: str) -> None:
        self.views.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def schedule(self, state: ProjectState, doc: Document) -> None:
        """Lint after the debounce delay (restarted by every change)."""
        self._cancel(doc.uri)
        state.set_buffer(doc)
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._pending.pop(doc.uri, None)
            if state.documents.get(doc.uri) is doc:
                self.guarded(lambda: self.lint_now(state, doc))

        self._pending[doc.uri] = loop.call_later(self.debounce, run)

    def _cancel(self, uri: str) -> None:
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()

    def current_view(self, uri: str) -> tuple[View, ProjectState, Document] | None:
        """The view of ``uri`` for the text the editor has now (linted again if it is older)."""
        view = self.views.get(uri)
        if view is None:
            return None
        found = self.projects.find(view.owner)
        if found is None:
            return None
        state, doc = found
        if doc.is_notebook:
            self._refresh_cells(doc)
        if not doc.current:
            self.lint_now(state, doc)
        view = self.views.get(uri)
        return (view, state, doc) if view is not None else None

    def _refresh_cells(self, doc: Document) -> None:
        notebook = self.workspace.get_notebook_document(notebook_uri=doc.uri)
        if notebook is None:
            return
        cells = []
        for cell in notebook.cells:
            if cell.kind != types.NotebookCellKind.Code:
                continue
            text_doc = self.workspace.text_documents.get(cell.document)
            if text_doc is not None and text_doc.language_id in (None, "python"):
                cells.append((text_doc.source, cell.document))
        for _, old_uri in doc.cells:
            if old_uri not in {u for _, u in cells}:
                self.clear(old_uri)
        doc.cells = cells
        doc.text = "".join(source + "\n" for source, _ in cells)

    # -- configuration ----------------------------------------------------------------------

    def configure(self, options: object) -> None:
        """Editor options: rule selection overrides and the debounce delay."""
        debounce = editor_section(options).get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool):
            self.debounce = max(float(debounce), 0.0) / 1000
        if not Overrides.mentioned(options):
            return  # another tool's settings, or none: the overrides stay as they are
        try:
            overrides = Overrides.parse(options)
        except ConfigError as exc:
            self.show(f"parsl-lint: {exc}; the setting is ignored")
            return
        if overrides != self.projects.overrides:
            self.reload(overrides)

    def reload(self, overrides: Overrides | None = None) -> None:
        """Read every configuration again and lint the open documents with it."""
        for doc in self.projects.reset(overrides):
            state = self.state_for(doc.path)
            state.documents[doc.uri] = doc
            state.set_buffer(doc)
        for state, doc in list(self.projects.documents()):
            self.guarded(lambda s=state, d=doc: self._lint_and_publish(s, d))

    # -- files on disk ----------------------------------------------------------------------

    def files_changed(self, changes: list[types.FileEvent]) -> None:
        paths = [(p, c.type) for c in changes if (p := _path_of(c.uri)) is not None]
        if any(is_config_file(p) for p, _ in paths):
            self.reload()
            return
        # A module appeared or went away when its existence and the index disagree; an editor
        # that saves by writing a new file and renaming it reports "deleted" and "created"
        # for a file that is still there: that is a change of its text.
        python = [p for p, _ in paths if p.endswith((".py", ".ipynb"))]
        known = {p for s in self.projects.states.values() for p in s.linter.project.by_path}
        structural = [p for p in python if os.path.exists(p) != (p in known)]
        for state in self.projects.states_containing(structural):
            state.rebuild()
        for path in python:
            if path not in structural:
                for state in self.projects.states_containing([path]):
                    state.reload_from_disk(path)
        self.refresh_dependents()


def _path_of(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _is_python(uri: str, language_id: str | None) -> bool:
    path = _path_of(uri) or ""
    if is_config_file(path) or is_notebook(path):
        return False
    return language_id == "python" or path.endswith((".py", ".pyi"))


def _hover_markdown(codes: list[str]) -> str:
    rules = all_rules()
    return "\n\n---\n\n".join(rules[c].help_text() for c in codes if c in rules)


def create_server() -> ParslLintServer:
    server = ParslLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ParslLintServer, params: types.InitializeParams) -> None:
        if params.initialization_options is not None:
            ls.configure(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ParslLintServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace
        dynamic = watch and watch.did_change_watched_files
        if dynamic and dynamic.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
            )
            registration = types.Registration(
                id="parsl-lint-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            except Exception as exc:  # a client that refuses: run without watching
                ls.log(f"parsl-lint: cannot watch files: {exc}", types.MessageType.Warning)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ParslLintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if _is_python(item.uri, item.language_id):
            ls.open(item.uri, item.text, item.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ParslLintServer, params: types.DidChangeTextDocumentParams) -> None:
        found = ls.projects.find(params.text_document.uri)
        if found is None:
            return
        state, doc = found
        doc.text = ls.workspace.get_text_document(doc.uri).source
        doc.version = params.text_document.version
        ls.schedule(state, doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ParslLintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = _path_of(params.text_document.uri)
        if path is not None and is_config_file(path):
            ls.reload()
            return
        found = ls.projects.find(params.text_document.uri)
        if found is not None:
            ls.lint_now(*found)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ParslLintServer, params: types.DidCloseTextDocumentParams) -> None:
        found = ls.projects.find(params.text_document.uri)
        if found is None:
            return
        state, doc = found
        ls._cancel(doc.uri)
        state.close(doc)
        ls.clear(doc.uri)
        ls.refresh_dependents()

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: ParslLintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        path = _path_of(uri)
        if path is None:
            return
        doc = Document(uri, path, "")
        ls._refresh_cells(doc)
        ls.open(uri, doc.text, params.notebook_document.version, doc.cells)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: ParslLintServer, params: types.DidChangeNotebookDocumentParams) -> None:
        found = ls.projects.find(params.notebook_document.uri)
        if found is None:
            return
        state, doc = found
        ls._refresh_cells(doc)
        ls.schedule(state, doc)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: ParslLintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        found = ls.projects.find(params.notebook_document.uri)
        if found is not None:
            ls._refresh_cells(found[1])
            ls.lint_now(*found)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: ParslLintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        found = ls.projects.find(params.notebook_document.uri)
        if found is None:
            return
        state, doc = found
        ls._cancel(doc.uri)
        state.close(doc)
        for _, cell_uri in doc.cells:
            ls.clear(cell_uri)
        ls.refresh_dependents()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: ParslLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(list(params.changes))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: ParslLintServer, params: types.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(
        ls: ParslLintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        found = ls.current_view(params.text_document.uri)
        if found is None:
            return None
        view, state, doc = found
        return code_actions(params, view.text, view.diagnostics, state, doc, ls.units)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ParslLintServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.current_view(params.text_document.uri)
        if found is None:
            return None
        view = found[0]
        positions = PositionMap(view.text, ls.units)
        at = positions.offset(params.position)
        hits = [
            d
            for d in view.diagnostics
            if positions.location_offset(d.location)
            <= at
            <= positions.location_offset(d.end_location)
        ]
        if not hits:
            return None
        codes = list(dict.fromkeys(d.code for d in hits))
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=_hover_markdown(codes)
            ),
            range=positions.range(hits[0].location, hits[0].end_location),
        )

    @server.command(APPLY_AUTOFIX)
    async def apply_autofix(ls: ParslLintServer, *arguments: Any) -> None:
        """``parsl-lint.applyAutofix`` with ``{"uri": ..., "version": ...}``: apply every safe
        fix to the document through ``workspace/applyEdit``, as ``fix --write`` would."""
        uri = arguments[0]["uri"]
        found = ls.current_view(uri)
        if found is None:
            raise ValueError(f"{uri} is not open")
        view, state, doc = found
        edit = fix_all_edits(view.text, state, doc, ls.units)
        if edit is not None:
            await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label="parsl-lint: fix all")
            )

    return server


def serve() -> None:
    """Run the language server over standard input and output until the editor exits it."""
    create_server().start_io()
