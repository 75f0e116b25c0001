"""A real editor: headless Neovim starts ``parsl-lint server`` as its language server for a
Parsl file, and what ``vim.diagnostic.get()`` returns (before and after an edit typed into the
buffer) is written to a file this test reads and compares with ``check``'s JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")

APPS = "from parsl import python_app\n\n\n@python_app\ndef double(x):\n    return 2 * x\n"
MAIN = 'from apps import double\n\nfut = double(1)\nprint("é", fut.result())\n'

#: Neovim 0.7 (Debian 12) has no ``vim.lsp.start`` (0.8) nor ``vim.lsp.config`` (0.11):
#: ``start_client`` + ``buf_attach_client`` work in every version since 0.5.
SCRIPT = """
local out = os.getenv("PSL_OUT")
local function rows()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(found, {lnum = d.lnum, col = d.col, end_lnum = d.end_lnum,
      end_col = d.end_col, severity = d.severity, source = d.source,
      message = d.message, code = d.code or lsp.code})
  end
  return found
end
local client = vim.lsp.start_client({
  name = "parsl-lint",
  cmd = {os.getenv("PSL_PYTHON"), "-m", "parsl_lint", "server"},
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(0, client)
vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local before = rows()
-- Type an edit: the bare result goes, and so does the diagnostic (debounced didChange).
vim.api.nvim_buf_set_lines(0, 3, 4, false, {'print("é", fut)'})
vim.wait(30000, function() return #vim.diagnostic.get(0) == 0 end, 50)
local after = rows()
vim.fn.writefile({vim.fn.json_encode({before = before, after = after})}, out)
vim.lsp.stop_client(client)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client) == nil end, 50)
vim.cmd("qa!")
"""


@pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed; .ci/run installs it")
def test_neovim_shows_the_servers_diagnostics(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "apps.py").write_text(APPS)
    (project / "main.py").write_text(MAIN, encoding="utf-8")
    (tmp_path / "test.lua").write_text(SCRIPT)
    out = tmp_path / "diagnostics.json"
    env = dict(
        os.environ,
        PSL_OUT=str(out),
        PSL_PYTHON=sys.executable,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    assert NVIM is not None
    done = subprocess.run(
        [
            NVIM,
            "--headless",
            "--clean",
            "-i",
            "NONE",
            "main.py",
            "-c",
            f"luafile {tmp_path / 'test.lua'}",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), f"Neovim wrote nothing (status {done.returncode}): {done.stderr}"
    seen = json.loads(out.read_text(encoding="utf-8"))
    checked = subprocess.run(
        [sys.executable, "-m", "parsl_lint", "check", "--format", "json", "--no-cache", "main.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    (row,) = json.loads(checked.stdout)
    (shown,) = seen["before"]
    assert (shown["code"], shown["source"], shown["message"]) == (
        row["code"],
        "parsl-lint",
        row["message"],
    )
    assert shown["severity"] == 2  # vim.diagnostic.severity.WARN
    # Neovim's columns are bytes: "é" is two of them in UTF-8, one character to check.
    line = MAIN.splitlines()[3]

    def to_bytes(column: int) -> int:
        return len(line[: column - 1].encode("utf-8"))

    assert (shown["lnum"], shown["col"]) == (3, to_bytes(row["location"]["column"]))
    assert (shown["end_lnum"], shown["end_col"]) == (3, to_bytes(row["end_location"]["column"]))
    assert seen["after"] == []
