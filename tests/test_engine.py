"""Engine details: the import edit JSON fixes carry matches what the fixer writes; one linter
lints a file's successive texts (an editor's buffer) as new."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from parsl_lint.config import Settings
from parsl_lint.engine import Linter, import_edit
from parsl_lint.fixer import add_imports
from parsl_lint.rule import LineIndex

IMPORT = ("parsl_lint.runtime", "unwrap_parsl_future")


def _apply(text: str) -> str | None:
    edits = import_edit(text, ast.parse(text), *IMPORT)
    if edits is None:
        return None
    lines = LineIndex(text)
    for edit in edits:
        at = lines.offset(edit.location) if edit.location.row <= len(lines.starts) else len(text)
        text = text[:at] + edit.content + text[at:]
    return text


CASES = {
    "docstring_then_code": '"""Doc."""\nX = 1\n',
    "docstring_blank_code": '"""Doc."""\n\n\nX = 1\n',
    "imports_then_code": "import os\nfrom parsl import python_app\n\nX = 1\n",
    "future_import": '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n',
    "code_only": "x = 1\n",
    "crlf": "import os\r\n\r\nx = 1\r\n",
    "already_imported": "from parsl_lint.runtime import unwrap_parsl_future\nx = 1\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_import_edit_matches_libcst(text: str) -> None:
    assert _apply(text) == add_imports(text, [IMPORT])


def test_import_edit_matches_libcst_on_the_parsl_package() -> None:
    spec = importlib.util.find_spec("parsl")
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    checked = 0
    for path in sorted(root.rglob("*.py"))[:60]:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            continue
        mine = _apply(text)
        if mine is None:
            continue
        assert mine == add_imports(text, [IMPORT]), path.name
        checked += 1
    assert checked > 20


def test_a_linter_lints_each_new_text_of_a_file_not_the_last_tree(tmp_path: Path) -> None:
    """A module that does not mention parsl (it imports the apps) drops its text after the
    prefilter's scan and keeps the tree it was linted with; a new text replaces that tree."""
    (tmp_path / "apps.py").write_text(
        "from parsl import python_app\n\n@python_app\ndef f():\n    return 1\n"
    )
    main = tmp_path / "main.py"
    text = "from apps import f\n\nx = f()\n"
    main.write_text(text)
    linter = Linter.create(
        Settings(project_root=tmp_path), {"PSL000", "PSL101"}, [tmp_path / "apps.py", main]
    )
    linter.release_trees = False
    assert linter.lint_text(text, "main.py", main).diagnostics == ()
    later = linter.lint_text(text + "print(x.result())\n", "main.py", main)
    assert [d.code for d in later.diagnostics] == ["PSL101"]
    broken = linter.lint_text(text + "def g(:\n", "main.py", main)
    assert [d.code for d in broken.diagnostics] == ["PSL000"]
