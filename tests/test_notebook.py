"""Jupyter notebooks: their code cells are linted as one module, reported by cell, never
rewritten."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parsl_lint.cli import main
from parsl_lint.notebook import NotebookError, read_notebook
from tests.conftest import schema_errors


def _code(source: str | list[str]) -> dict[str, Any]:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": []}


def _notebook(*cells: dict[str, Any], language: str = "python") -> str:
    meta = {"language_info": {"name": language}}
    return json.dumps({"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


#: Cell 1 has magics, cell 2 the app, cell 3 a cell magic, cell 4 the findings.
FLOW = _notebook(
    {"cell_type": "markdown", "source": ["# Run\n", "fut.result()\n"], "metadata": {}},
    _code(["%load_ext autoreload\n", "from parsl import python_app\n", "!pip install numpy\n"]),
    _code("@python_app\ndef double(x):\n    return 2 * x\n"),
    _code(["%%bash\n", "echo 'fut.result()'\n"]),
    _code(
        [
            "fut = double(2)\n",
            "files = !ls\n",
            "double?\n",
            "print(fut.result())\n",
            "fut.result()  # noqa: PSL101\n",
        ]
    ),
)


def test_code_cells_become_one_module_with_magics_blanked() -> None:
    notebook = read_notebook(FLOW)
    lines = notebook.source.splitlines()
    assert lines[:3] == ["pass", "from parsl import python_app", "pass"]
    assert lines[6:8] == ["", ""]  # the %%bash cell
    assert lines[8:11] == ["fut = double(2)", "files = None", "pass"]
    compile(notebook.source, "flow.ipynb", "exec")
    assert notebook.cell_of(1) == (1, 1)
    assert notebook.cell_of(6) == (2, 3)
    assert notebook.cell_of(11) == (4, 3)


def test_older_and_other_notebooks() -> None:
    v3 = {"worksheets": [{"cells": [{"cell_type": "code", "input": ["x = 1\n"]}]}]}
    assert read_notebook(json.dumps(v3)).source == "x = 1\n"
    assert read_notebook(_notebook(_code("x <- 1\n"), language="R")).source == ""
    for bad in ("{not json", "[]", '{"cells": 3}'):
        with pytest.raises(NotebookError, match="not a valid notebook"):
            read_notebook(bad)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (tmp_path / "flow.ipynb").write_text(FLOW)
    (tmp_path / "apps.py").write_text(
        "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x\n"
    )
    # No "parsl" anywhere: it is linted because it imports the project's app module.
    (tmp_path / "uses_apps.ipynb").write_text(
        _notebook(_code("from apps import train\n"), _code(["f = train(1)\n", "f.result()\n"]))
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_text_output_places_each_finding_in_its_cell(project: Path) -> None:
    status, out = _check("--output-format=concise", ".")
    assert status == 1
    assert out.splitlines() == [
        "flow.ipynb:cell 4:4:7: PSL101 `fut.result()` on a Parsl future hides the worker's "
        "real error; use `unwrap_parsl_future(fut, name)` instead",
        "uses_apps.ipynb:cell 2:2:1: PSL101 `f.result()` on a Parsl future hides the worker's "
        "real error; use `unwrap_parsl_future(f, name)` instead",
        "Found 2 errors.",
    ]


def test_full_output_shows_the_cells_lines(project: Path) -> None:
    status, out = _check("flow.ipynb")
    assert status == 1
    assert out.splitlines()[:9] == [
        "PSL101 `fut.result()` on a Parsl future hides the worker's real error; "
        "use `unwrap_parsl_future(fut, name)` instead",
        " --> flow.ipynb:cell 4:4:7",
        "  |",
        "2 | files = !ls",  # the cell as written, not as linted
        "3 | double?",
        "4 | print(fut.result())",
        "  |       ^^^^^^^^^^^^",
        "5 | fut.result()  # noqa: PSL101",
        "  |",
    ]


def test_a_noqa_warning_names_the_cell(project: Path) -> None:
    nb = _notebook(_code("import parsl\n"), _code(["x = 1\n", "y = 2  # noqa PSL101\n"]))
    (project / "warn.ipynb").write_text(nb)
    result = CliRunner().invoke(main, ["check", "--no-cache", "warn.ipynb"])
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "parsl-lint: warning: invalid `# noqa` directive on warn.ipynb:cell 2:2: "
    )


def test_json_carries_the_cell_and_no_fix(project: Path) -> None:
    status, out = _check("flow.ipynb", "--format", "json")
    [d] = json.loads(out)
    assert (status, d["cell"], d["location"], d["fix"]) == (1, 4, {"row": 4, "column": 7}, None)


def test_sarif_and_github_name_the_cell_in_the_message(project: Path, sarif_validator: Any) -> None:
    # As Jupyter writes a notebook: indented, one source line per JSON line.
    text = json.dumps(json.loads(FLOW), indent=1)
    (project / "flow.ipynb").write_text(text)
    [row] = [n for n, line in enumerate(text.splitlines(), 1) if "print(fut.result())" in line]
    _, out = _check("flow.ipynb", "--format", "github")
    assert out.startswith(
        f"::error file=flow.ipynb,line={row},title=PSL101::PSL101 cell 4, line 4, column 7: "
    )
    _, out = _check("flow.ipynb", "--format", "sarif")
    log = json.loads(out)
    [result] = log["runs"][0]["results"]
    assert result["message"]["text"].startswith("cell 4, line 4, column 7: ")
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": row}
    assert schema_errors(sarif_validator, log) == []


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(["a = 1\n", "b = 2\n", "c = 3"], id="one-line-per-element"),
        pytest.param("a = 1\nb = 2\nc = 3", id="one-string"),
        pytest.param(["a = 1\nb = 2\n", "c", " = 3"], id="elements-split-anywhere"),
    ],
)
def test_each_cell_line_knows_its_row_in_the_file(source: Any) -> None:
    text = json.dumps(json.loads(_notebook(_code("x = 0\n"), _code(source))), indent=1)
    rows = text.splitlines()
    notebook = read_notebook(text)
    for n, expected in enumerate(["a = 1", "b = 2", "c"], start=1):
        row = notebook.file_row(2, n)
        assert row is not None and expected in rows[row - 1], (n, row)
    assert notebook.file_row(1, 1) == next(i for i, r in enumerate(rows, 1) if "x = 0" in r)
    assert notebook.file_row(3, 1) is None


def test_a_broken_notebook_is_reported_and_the_run_goes_on(project: Path) -> None:
    (project / "broken.ipynb").write_text('{"cells": [ "import parsl"')
    status, out = _check("--output-format=concise", ".")
    assert status == 1
    assert "broken.ipynb:1:1: PSL000 not a valid notebook: " in out
    assert "flow.ipynb:cell 4:4:7: PSL101" in out


def test_fix_never_rewrites_a_notebook(project: Path) -> None:
    before = (project / "flow.ipynb").read_bytes()
    result = CliRunner().invoke(main, ["fix", "--write", "--no-cache", "."])
    assert result.exit_code == 1  # the finding remains
    assert (project / "flow.ipynb").read_bytes() == before


def test_standard_input_named_as_a_notebook(project: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", "--output-format=concise", "-", "--stdin-filename", "x.ipynb"], input=FLOW
    )
    assert result.exit_code == 1
    assert result.output.startswith("x.ipynb:cell 4:4:7: PSL101 ")


def test_the_cache_keeps_the_cell(project: Path) -> None:
    args = ["check", "--cache-dir", str(project / "c"), "flow.ipynb"]
    first = CliRunner().invoke(main, args)
    entries = [json.loads(p.read_text()) for p in (project / "c").rglob("*.json")]
    assert [d["cell"] for e in entries for d in e["diagnostics"]] == [4]
    (project / "other.py").write_text("x = 1\n")  # a new file: no snapshot replay
    second = CliRunner().invoke(main, args)
    assert first.output == second.output and "cell 4:4:7" in second.output
