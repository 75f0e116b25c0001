"""A real LSP client (pygls's) driving ``parsl-lint server`` over stdio, for the tests and the
benchmark: it records what the server publishes, logs and shows, and waits for it."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Callable, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

#: Every wait for the server is bounded by this many seconds.
TIMEOUT = 30.0

T = TypeVar("T")


def uri_of(path: Path | str) -> str:
    return from_fs_path(os.path.abspath(path))


class Editor:
    """One server process and the client talking to it, with the messages it received."""

    def __init__(self) -> None:
        self.client = LanguageClient("parsl-lint-tests", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.logs: list[types.LogMessageParams] = []
        self.shown: list[types.ShowMessageParams] = []
        self.registrations: list[types.Registration] = []
        self.applied: list[types.WorkspaceEdit] = []
        self._changed = asyncio.Condition()
        self.versions: dict[str, int] = {}
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            await self._notify()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        async def on_log(params: types.LogMessageParams) -> None:
            self.logs.append(params)
            await self._notify()

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        async def on_show(params: types.ShowMessageParams) -> None:
            self.shown.append(params)
            await self._notify()

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        async def on_register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)
            await self._notify()

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.applied.append(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def start(
        self,
        root: Path,
        options: dict[str, Any] | None = None,
        *,
        cwd: Path | None = None,
        encodings: list[str] | None = None,
    ) -> types.InitializeResult:
        """Start the server; ``encodings`` are the position encodings the client offers
        (LSP 3.17; without them, UTF-16)."""
        # The installed script, as an editor starts it: ``python -m`` would put the working
        # directory first on sys.path, where a project's module can shadow the standard
        # library's (the parsl package has a multiprocessing.py).
        script = Path(sys.executable).with_name("parsl-lint")
        await self.client.start_io(str(script), "server", cwd=str(cwd or root))
        capabilities = types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=encodings),
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=True
                ),
                apply_edit=True,
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            ),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                    version_support=True, code_description_support=True
                ),
            ),
        )
        result = await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=capabilities,
                    root_uri=uri_of(root),
                    workspace_folders=[types.WorkspaceFolder(uri=uri_of(root), name="w")],
                    initialization_options=options,
                )
            ),
            TIMEOUT,
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def stop(self) -> int | None:
        """``shutdown`` then ``exit``; the server's exit status."""
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        server = self.client._server
        assert server is not None
        return await asyncio.wait_for(server.wait(), TIMEOUT)

    async def until(self, check: Callable[[], T | None], what: str) -> T:
        """Wait until ``check()`` returns something (re-checked at each message received)."""

        async def wait() -> T:
            async with self._changed:
                while True:
                    value = check()
                    if value is not None:
                        return value
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def diagnostics(
        self, path: Path, after: int = 0, version: int | None = None
    ) -> list[types.Diagnostic]:
        """The diagnostics of the first publication for ``path`` after the first ``after``
        ones (for ``version`` when given)."""
        uri = uri_of(path)

        def check() -> list[types.Diagnostic] | None:
            for params in self.published.get(uri, [])[after:]:
                if version is None or params.version == version:
                    return list(params.diagnostics)
            return None

        return await self.until(check, f"diagnostics of {path.name} (after {after})")

    def count(self, path: Path) -> int:
        return len(self.published.get(uri_of(path), []))

    def open(self, path: Path, text: str | None = None, language: str = "python") -> None:
        text = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri_of(path)] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri_of(path), language_id=language, version=1, text=text
                )
            )
        )

    def change(self, path: Path, text: str) -> int:
        """Replace the whole buffer; returns the new version."""
        uri = uri_of(path)
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def save(self, path: Path) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri_of(path))
            )
        )

    def close(self, path: Path) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri_of(path))
            )
        )

    def files_changed(self, *changes: tuple[Path, types.FileChangeType]) -> None:
        self.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri_of(p), type=kind) for p, kind in changes]
            )
        )

    async def request(self, call: Awaitable[T]) -> T:
        return await asyncio.wait_for(call, TIMEOUT)


def run(scenario: Callable[[Editor], Awaitable[T]], root: Path, **start: Any) -> T:
    """Start a server for ``root``, run ``scenario`` against it, stop it (exit status 0)."""

    async def main() -> T:
        editor = Editor()
        await editor.start(root, **start)
        try:
            result = await scenario(editor)
        except BaseException:
            editor.client._server and editor.client._server.kill()  # type: ignore[func-returns-value]
            raise
        status = await editor.stop()
        assert status == 0, f"the server exited with status {status}"
        return result

    return asyncio.run(main())
