"""``parsl-lint server`` end to end: a real LSP client (pygls's) talks to the server process
over stdio, and what it receives is compared with what the CLI prints for the same files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsp_client import Editor, run, uri_of
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from parsl_lint.lsp.positions import PositionMap, apply_text_edits, text_edits, utf16_units
from parsl_lint.lsp.projects import ConfigError, Overrides
from parsl_lint.rule import rule_url
from parsl_lint.rules import all_rules
from parsl_lint.testing import cases

DEMO = Path(__file__).parent.parent / "testdata" / "demo"
HELPER = "from parsl_lint.runtime import unwrap_parsl_future"

APPS = """\
from parsl import python_app


@python_app
def double(x):
    return 2 * x
"""

MAIN = """\
from apps import double

fut = double(1)
print(fut.result())
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parsl_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_json(cwd: Path, *paths: str) -> list[dict]:
    out = cli("check", "--format", "json", "--no-cache", *paths, cwd=cwd)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def utf16_position(text: str, row: int, column: int) -> tuple[int, int]:
    """A 1-based row and character column as LSP's 0-based line and UTF-16 character (the
    conversion written out independently of the server's)."""
    line = text.split("\n")[row - 1]
    return row - 1, len(line[: column - 1].encode("utf-16-le")) // 2


def lsp_range(d: types.Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    r = d.range
    return (r.start.line, r.start.character), (r.end.line, r.end.character)


def json_range(row: dict, text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    start, end = row["location"], row["end_location"]
    return (
        utf16_position(text, start["row"], start["column"]),
        utf16_position(text, end["row"], end["column"]),
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.parsl-lint]\n')
    (root / "apps.py").write_text(APPS)
    (root / "main.py").write_text(MAIN)
    return root


# -- diagnostics ----------------------------------------------------------------------------


def test_open_change_save_and_a_syntax_error(project: Path) -> None:
    main = project / "main.py"

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        (found,) = await editor.diagnostics(main)
        assert found.code == "PSL101" and found.source == "parsl-lint"
        assert found.severity == types.DiagnosticSeverity.Warning
        assert found.code_description is not None
        assert found.code_description.href == rule_url("PSL101")
        assert found.message.startswith("`fut.result()` on a Parsl future")
        assert lsp_range(found) == ((3, 6), (3, 18))
        # An unsaved edit: the buffer, not the file, is linted.
        version = editor.change(main, MAIN.replace("fut.result()", "fut"))
        assert await editor.diagnostics(main, version=version) == []
        version = editor.change(main, MAIN + "def broken(:\n")
        (syntax,) = await editor.diagnostics(main, version=version)
        assert syntax.code == "PSL000" and syntax.severity == types.DiagnosticSeverity.Error
        assert syntax.range.start.line == 4
        # The server carries on after the syntax error.
        version = editor.change(main, MAIN + "\n")
        assert [d.code for d in await editor.diagnostics(main, version=version)] == ["PSL101"]
        before = editor.count(main)
        main.write_text(MAIN + "\n")
        editor.save(main)
        assert [d.code for d in await editor.diagnostics(main, after=before)] == ["PSL101"]

    run(scenario, project)


def test_changes_are_debounced(project: Path) -> None:
    main = project / "main.py"

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        await editor.diagnostics(main)
        for i in range(5):  # typing: one lint run for the last version only
            last = editor.change(main, MAIN + "#" * i)
        await editor.diagnostics(main, after=1)
        assert [p.version for p in editor.published[uri_of(main)]] == [1, last]

    run(scenario, project, options={"debounce": 300})


@pytest.mark.parametrize(
    "encoding, start, end",
    [
        # "print(" + '"é😀"' + ", " = 12 characters: 13 UTF-16 units (😀 is two), 16 bytes.
        (None, 13, 25),
        ("utf-8", 16, 28),
        ("utf-32", 12, 24),
    ],
)
def test_non_ascii_and_astral_characters_in_the_negotiated_encoding(
    project: Path, encoding: str | None, start: int, end: int
) -> None:
    main = project / "main.py"
    text = MAIN.replace("print(fut.result())", 'print("é😀", fut.result(), "😀")')
    main.write_text(text, encoding="utf-8")
    (row,) = check_json(project, "main.py")
    assert row["location"]["column"] == 13  # characters, from 1

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        (found,) = await editor.diagnostics(main)
        assert lsp_range(found) == ((3, start), (3, end))
        if encoding is None:
            assert lsp_range(found) == json_range(row, text)

    run(scenario, project, encodings=[encoding] if encoding else None)


def test_position_map_round_trips_astral_characters() -> None:
    text = 'a = "😀é"  # x\r\nb = 1\rc\n'
    positions = PositionMap(text)
    for offset in range(len(text)):
        position = positions.position_at(offset)
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # inside a line break: no position of its own
        assert positions.offset(position) == offset
    assert positions.position_at(text.index("é")) == types.Position(line=0, character=7)
    assert positions.position_at(text.index("b")) == types.Position(line=1, character=0)
    assert positions.position_at(text.index("c")) == types.Position(line=2, character=0)
    assert utf16_units("😀é") == 3


@pytest.mark.parametrize(
    "before, after",
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("x = f(y)\n", "from m import g\nx = g(f(y), 'y')\n"),
        ('s = "😀"; t.result()\n', 's = "😀"; u(t)\n'),
        ("no newline at end", "no newline at the end"),
        ("a\r\nb\r\n", "a\r\nc\r\nb\r\n"),
        ("", "x\n"),
    ],
)
def test_text_edits_rebuild_the_new_text(before: str, after: str) -> None:
    assert apply_text_edits(before, text_edits(before, after)) == after


def test_an_app_from_another_module_and_the_index_kept_current(project: Path) -> None:
    main, apps = project / "main.py", project / "apps.py"

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        assert [d.code for d in await editor.diagnostics(main)] == ["PSL101"]
        # Renaming the app in the unsaved buffer of apps.py: main.py no longer calls an app.
        editor.open(apps)
        await editor.diagnostics(apps)
        seen = editor.count(main)
        editor.change(apps, APPS.replace("def double", "def triple"))
        assert await editor.diagnostics(main, after=seen) == []
        # Closing apps.py unsaved: the index has the file on disk again.
        seen = editor.count(main)
        editor.close(apps)
        assert [d.code for d in await editor.diagnostics(main, after=seen)] == ["PSL101"]
        # apps.py changed on disk (another tool, a git checkout): seen through the watcher.
        seen = editor.count(main)
        apps.write_text(APPS.replace("@python_app\n", ""))
        editor.files_changed((apps, types.FileChangeType.Changed))
        assert await editor.diagnostics(main, after=seen) == []
        # Saved by writing a new file and renaming it over the old: "deleted" then "created".
        seen = editor.count(main)
        apps.write_text(APPS)
        editor.files_changed(
            (apps, types.FileChangeType.Deleted), (apps, types.FileChangeType.Created)
        )
        assert [d.code for d in await editor.diagnostics(main, after=seen)] == ["PSL101"]
        # A new module, created after the server started, defines an app main.py imports.
        (project / "more.py").write_text(APPS.replace("double", "halve"))
        editor.files_changed((project / "more.py", types.FileChangeType.Created))
        text = MAIN.replace("from apps import double", "from more import halve as double")
        version = editor.change(main, text)
        assert [d.code for d in await editor.diagnostics(main, version=version)] == ["PSL101"]
        # ... and deleting it is seen too.
        seen = editor.count(main)
        (project / "more.py").unlink()
        editor.files_changed((project / "more.py", types.FileChangeType.Deleted))
        assert await editor.diagnostics(main, after=seen) == []

    run(scenario, project)


def test_the_server_asks_to_watch_python_files_and_pyproject(project: Path) -> None:
    async def scenario(editor: Editor) -> list[types.Registration]:
        return await editor.until(lambda: editor.registrations or None, "a registration")

    (registration,) = run(scenario, project)
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = {w["globPattern"] for w in registration.register_options["watchers"]}
    assert globs == {"**/*.py", "**/*.ipynb", "**/pyproject.toml"}


def corpus(root: Path) -> list[Path]:
    """Every rule example as its own package, and the demo project: many rules, many forms."""
    root.mkdir()
    codes = sorted(all_rules())
    (root / "pyproject.toml").write_text(
        "[tool.parsl-lint]\nextend-select = [" + ", ".join(f'"{c}"' for c in codes) + "]\n"
    )
    for n, case in enumerate(cases()):
        package = root / f"ex{n:03d}"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "example.py").write_text(case.example.code, encoding="utf-8")
        for name, text in case.example.files.items():
            (package / name).parent.mkdir(parents=True, exist_ok=True)
            (package / name).write_text(text, encoding="utf-8")
    shutil.copytree(DEMO / "climate", root / "climate")
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "from parsl import python_app\n"},
            {"cell_type": "markdown", "source": "# the run"},
            {"cell_type": "code", "source": "@python_app\ndef f():\n    return 1\n"},
            {"cell_type": "code", "source": "x = f()\nprint(x.result())\n"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "run.ipynb").write_text(json.dumps(notebook))
    return sorted(p for p in root.rglob("*.py") if p.name != "__init__.py")


def test_the_server_reports_what_check_reports(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    files = corpus(root)
    rows = check_json(root, ".")
    expected: dict[str, set] = {}
    for row in rows:
        if row["filename"].endswith(".py"):
            text = (root / row["filename"]).read_text(encoding="utf-8")
            key = (row["code"], row["message"], json_range(row, text))
            expected.setdefault(row["filename"], set()).add(key)
    assert len(expected) > 40 and len(rows) > 60  # the comparison covers many findings

    async def scenario(editor: Editor) -> dict[str, set]:
        got: dict[str, set] = {}
        for path in files:
            editor.open(path)
        for path in files:
            for d in await editor.diagnostics(path):
                key = (d.code, d.message, lsp_range(d))
                got.setdefault(path.relative_to(root).as_posix(), set()).add(key)
        return got

    assert run(scenario, root) == expected


def test_notebook_cells_get_what_check_reports_for_the_notebook(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    corpus(root)
    rows = [r for r in check_json(root, "run.ipynb")]
    assert [r["code"] for r in rows] == ["PSL101"]
    nb_uri = uri_of(root / "run.ipynb")
    # As an editor sends it: every cell, the markdown one too; "cell 3" is the third code cell.
    sources = [
        "from parsl import python_app\n",
        "# the run",
        "@python_app\ndef f():\n    return 1\n",
    ]
    sources.append("x = f()\nprint(x.result())\n")
    kinds = [types.NotebookCellKind.Code, types.NotebookCellKind.Markup]
    kinds += [types.NotebookCellKind.Code] * 2
    languages = ["python", "markdown", "python", "python"]
    cell_uris = [f"{nb_uri}#cell{i}" for i in range(4)]

    async def scenario(editor: Editor) -> None:
        editor.client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=nb_uri,
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[
                        types.NotebookCell(kind=k, document=u) for k, u in zip(kinds, cell_uris)
                    ],
                ),
                cell_text_documents=[
                    types.TextDocumentItem(uri=u, language_id=lang, version=1, text=s)
                    for u, lang, s in zip(cell_uris, languages, sources)
                ],
            )
        )

        def published(uri: str) -> list[types.Diagnostic] | None:
            found = editor.published.get(uri)
            return list(found[-1].diagnostics) if found else None

        (found,) = await editor.until(lambda: published(cell_uris[3]), "the third code cell")
        assert published(cell_uris[0]) == [] and published(cell_uris[2]) == []
        assert published(cell_uris[1]) is None  # markdown: nothing to say
        (row,) = rows
        assert row["cell"] == 3
        assert (found.code, found.message) == (row["code"], row["message"])
        start, end = row["location"], row["end_location"]
        assert lsp_range(found) == (
            (start["row"] - 1, start["column"] - 1),
            (end["row"] - 1, end["column"] - 1),
        )
        # Editing a cell re-lints the notebook: the finding goes away.
        editor.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(uri=nb_uri, version=2),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=cell_uris[3], version=2
                                ),
                                changes=[
                                    types.TextDocumentContentChangeWholeDocument(
                                        text="x = f()\nprint(x)\n"
                                    )
                                ],
                            )
                        ]
                    )
                ),
            )
        )
        await editor.until(lambda: published(cell_uris[3]) == [] or None, "the edited cell")

    run(scenario, root)


# -- code actions, hover, commands -----------------------------------------------------------

MANY = """\
\"\"\"A workflow with two bare results and one the fixer leaves alone.\"\"\"
import os

from apps import double

a = double(1)
b = double(2)
print(a.result(), os.sep)
total = b.result() + 1  # noqa: PSL999
"""


def fix_write(project: Path, name: str, text: str) -> str:
    """What ``parsl-lint fix --write`` makes of ``text`` in a copy of the project."""
    copy = project.parent / "copy"
    shutil.copytree(project, copy)
    (copy / name).write_text(text, encoding="utf-8")
    out = cli("fix", "--write", "--no-cache", name, cwd=copy)
    assert out.returncode in (0, 1), out.stderr
    fixed = (copy / name).read_text(encoding="utf-8")
    shutil.rmtree(copy)
    return fixed


def edits_of(action: types.CodeAction | types.WorkspaceEdit) -> list[types.TextEdit]:
    edit = action.edit if isinstance(action, types.CodeAction) else action
    assert edit is not None and edit.document_changes
    (change,) = edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return list(change.edits)


async def actions_at(
    editor: Editor, path: Path, d: types.Diagnostic, only: list[str] | None = None
) -> list[types.CodeAction]:
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)),
        range=d.range,
        context=types.CodeActionContext(diagnostics=[d], only=only),
    )
    found = await editor.request(editor.client.text_document_code_action_async(params))
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def test_quick_fix_and_fix_all_give_what_fix_write_writes(project: Path) -> None:
    main = project / "main.py"
    main.write_text(MANY)
    one_fixed = fix_write(project, "main.py", MAIN)
    all_fixed = fix_write(project, "main.py", MANY)
    assert HELPER in one_fixed and all_fixed.count("unwrap_parsl_future(") == 2

    async def scenario(editor: Editor) -> None:
        # One finding: its quick fix (the import included) is the whole of `fix --write`.
        editor.open(main, MAIN)
        (d,) = await editor.diagnostics(main)
        actions = await actions_at(editor, main, d, only=[types.CodeActionKind.QuickFix])
        titles = [a.title for a in actions]
        assert titles == [
            "Replace with `unwrap_parsl_future(...)` (PSL101)",
            "Disable PSL101 for this line",
        ]
        assert actions[0].is_preferred and actions[0].diagnostics[0].code == "PSL101"
        assert apply_text_edits(MAIN, edits_of(actions[0])) == one_fixed
        # Several: "fix all" (what an editor runs on save) and the command give the same.
        version = editor.change(main, MANY)
        found = await editor.diagnostics(main, version=version)
        assert [x.code for x in found] == ["PSL101", "PSL101"]
        (fix_all,) = await actions_at(editor, main, found[0], only=["source.fixAll"])
        assert fix_all.kind == "source.fixAll.parsl-lint"
        assert apply_text_edits(MANY, edits_of(fix_all)) == all_fixed
        command = types.ExecuteCommandParams(
            command="parsl-lint.applyAutofix", arguments=[{"uri": uri_of(main), "version": version}]
        )
        await editor.request(editor.client.workspace_execute_command_async(command))
        (applied,) = editor.applied
        assert apply_text_edits(MANY, edits_of(applied)) == all_fixed

    run(scenario, project)


def test_disable_for_this_line_adds_or_extends_noqa(project: Path) -> None:
    main = project / "main.py"

    async def scenario(editor: Editor) -> None:
        editor.open(main, MANY)
        first, second = await editor.diagnostics(main)
        for d, expected in (
            (first, "print(a.result(), os.sep)  # noqa: PSL101\n"),
            (second, "total = b.result() + 1  # noqa: PSL999, PSL101\n"),
        ):
            actions = await actions_at(editor, main, d)
            (noqa,) = [a for a in actions if a.title == "Disable PSL101 for this line"]
            text = apply_text_edits(MANY, edits_of(noqa))
            assert expected in text.splitlines(keepends=True)
            version = editor.change(main, text)
            remaining = await editor.diagnostics(main, version=version)
            assert len(remaining) == 1 and lsp_range(remaining[0]) != lsp_range(d)
            editor.change(main, MANY)

    run(scenario, project)


def test_hover_shows_the_rule_documentation(project: Path) -> None:
    main = project / "main.py"
    printed = cli("rule", "PSL101", cwd=project).stdout

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        (d,) = await editor.diagnostics(main)
        inside = types.Position(line=d.range.start.line, character=d.range.start.character + 3)
        params = types.HoverParams(types.TextDocumentIdentifier(uri_of(main)), inside)
        hover = await editor.request(editor.client.text_document_hover_async(params))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert hover.contents.value + "\n" == printed
        assert hover.range == d.range
        outside = types.HoverParams(
            types.TextDocumentIdentifier(uri_of(main)), types.Position(line=0, character=0)
        )
        assert await editor.request(editor.client.text_document_hover_async(outside)) is None

    run(scenario, project)


def test_a_crash_inside_one_request_is_answered_logged_and_survived(project: Path) -> None:
    main = project / "main.py"

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        (d,) = await editor.diagnostics(main)
        # The command's argument should be {"uri": ...}: a bare string makes the handler fail.
        bad = types.ExecuteCommandParams(
            command="parsl-lint.applyAutofix", arguments=[uri_of(main)]
        )
        with pytest.raises(JsonRpcException) as raised:
            await editor.request(editor.client.workspace_execute_command_async(bad))
        assert "TypeError" in str(raised.value)
        logged = await editor.until(
            lambda: [m for m in editor.logs if "internal error" in m.message] or None, "a log"
        )
        assert logged[0].type == types.MessageType.Error
        assert "TypeError" in logged[0].message and "in apply_autofix" in logged[0].message
        # The server is still up: the next request and the next change are served.
        actions = await actions_at(editor, main, d)
        assert actions
        version = editor.change(main, MAIN.replace(".result()", ""))
        assert await editor.diagnostics(main, version=version) == []

    run(scenario, project)  # and shutdown + exit end it with status 0


# -- configuration --------------------------------------------------------------------------


def test_configuration_reload_overrides_and_a_broken_config(project: Path) -> None:
    main, pyproject = project / "main.py", project / "pyproject.toml"
    table = '[project]\nname = "x"\n\n[tool.parsl-lint]\n'

    async def scenario(editor: Editor) -> None:
        editor.open(main)
        assert await editor.diagnostics(main) == []  # initializationOptions ignore PSL101
        # The editor's settings change: the override goes, PSL101 is back.
        seen = editor.count(main)
        editor.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"parsl-lint": {"ignore": []}})
        )
        assert [d.code for d in await editor.diagnostics(main, after=seen)] == ["PSL101"]
        # pyproject.toml now ignores it: reloaded when the watcher reports the change.
        seen = editor.count(main)
        pyproject.write_text(table + 'ignore = ["PSL1"]\n')
        editor.files_changed((pyproject, types.FileChangeType.Changed))
        assert await editor.diagnostics(main, after=seen) == []
        # A broken configuration is shown; the last valid settings stay in force.
        seen = editor.count(main)
        pyproject.write_text(table + 'ignore = ["PSL1"\n')
        editor.files_changed((pyproject, types.FileChangeType.Changed))
        shown = await editor.until(lambda: editor.shown or None, "a message")
        assert "pyproject.toml" in shown[0].message and "invalid TOML" in shown[0].message
        assert await editor.diagnostics(main, after=seen) == []
        # An unknown code in the editor's settings is shown too, and ignored.
        editor.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"parsl-lint": {"select": ["PSL9"]}})
        )
        bad = await editor.until(lambda: editor.shown[1:] or None, "a second message")
        assert "PSL9" in bad[0].message
        # Fixed on disk: back to the file's settings.
        seen = editor.count(main)
        pyproject.write_text(table)
        editor.files_changed((pyproject, types.FileChangeType.Changed))
        assert [d.code for d in await editor.diagnostics(main, after=seen)] == ["PSL101"]

    run(scenario, project, options={"ignore": ["PSL101"]})


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"select": ["PSL1"]}, Overrides(select=("PSL1",))),
        ({"parsl-lint": {"extendSelect": "psl401"}}, Overrides(extend_select=("PSL401",))),
        ({"parslLint": {"ignore": ["PSL101,PSL2"]}}, Overrides(ignore=("PSL101", "PSL2"))),
        ({"extend_select": ["PSL304"], "debounce": 50}, Overrides(extend_select=("PSL304",))),
    ],
)
def test_editor_overrides_are_read_like_the_command_line_options(
    options: dict, expected: Overrides
) -> None:
    assert Overrides.mentioned(options) and Overrides.parse(options) == expected


def test_settings_of_other_tools_leave_the_overrides_alone() -> None:
    assert not Overrides.mentioned({"python": {"analysis": {}}})
    assert not Overrides.mentioned(None)
    with pytest.raises(ConfigError, match="PSL9"):
        Overrides.parse({"select": ["PSL9"]})
