"""The language server's edit-to-diagnostics time, against a one-file ``check`` of the same file.

    python bench/server.py              # on a copy of the installed parsl package
    python bench/run.py --server-only   # the same, from the main benchmark script

A real LSP client (the one the tests use) starts ``parsl-lint server`` with no debounce, opens
a Parsl test module of the package (the index is built then: every later edit finds it warm),
and times each ``didChange`` until the ``publishDiagnostics`` for that version arrives. The
CLI rows run ``check`` on the same files, each a separate process, as an editor plugin that
shells out to the CLI would. Numbers are ratios measured in one invocation, never assertions.
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from lsp_client import Editor  # noqa: E402  (the tests' client, not a package)

BIN = Path(sys.executable).parent


async def edit_times(root: Path, files: list[Path], edits: int) -> tuple[list[float], float]:
    """Seconds from each didChange to its diagnostics, and the first open's (index build)."""
    editor = Editor()
    await editor.start(root, {"debounce": 0})
    times: list[float] = []
    try:
        start = time.perf_counter()
        editor.open(files[0])
        await editor.diagnostics(files[0])
        first_open = time.perf_counter() - start
        for path in files:
            text = path.read_text(encoding="utf-8")
            if path is not files[0]:
                editor.open(path)
                await editor.diagnostics(path)
            for i in range(edits):
                start = time.perf_counter()
                version = editor.change(path, f"{text}\n# edit {i}\n")
                await editor.diagnostics(path, version=version)
                times.append(time.perf_counter() - start)
    finally:
        await editor.stop()
    return times, first_open


def cli_time(cmd: list[str], cwd: Path, stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, check=False)
    return time.perf_counter() - start


def cli_rows(root: Path, files: list[Path], repeat: int) -> list[tuple[str, list[float]]]:
    """A one-file ``check`` of each file, edited as the server's were (so no stored run
    answers): with the project's cache warm, from standard input as an editor wrapper runs
    it, and with no cache."""
    lint = [str(BIN / "parsl-lint"), "check", "--exit-zero", "-q"]
    warm, stdin, cold = [], [], []
    with tempfile.TemporaryDirectory() as cache:
        subprocess.run([*lint, "--cache-dir", cache, str(root)], capture_output=True)
        for i in range(repeat):
            for path in files:
                original = path.read_bytes()
                edited = original + f"\n# edit {i}\n".encode()
                path.write_bytes(edited)
                try:
                    warm.append(cli_time([*lint, "--cache-dir", cache, str(path)], root))
                    cold.append(cli_time([*lint, "--no-cache", str(path)], root))
                finally:
                    path.write_bytes(original)
                command = [*lint, "-", "--stdin-filename", str(path)]
                stdin.append(cli_time(command, root, edited))
    return [
        ("check FILE, the project's cache warm", warm),
        ("check - --stdin-filename FILE (an editor wrapper)", stdin),
        ("check --no-cache FILE", cold),
    ]


def server_rows(root: Path, files: list[Path], edits: int = 10, repeat: int = 3) -> None:
    times, first_open = asyncio.run(edit_times(root, files, edits))
    rows = [("server: didChange → publishDiagnostics (warm index, no debounce)", times)]
    rows += cli_rows(root, files, repeat)
    median = statistics.median(times)
    print(f"\n## language server: {len(files)} files, each edited {edits} times\n")
    print("| run | best ms | median ms | median × the server's |")
    print("| --- | ---: | ---: | ---: |")
    for name, samples in rows:
        best, mid = min(samples) * 1000, statistics.median(samples) * 1000
        print(f"| {name} | {best:.1f} | {mid:.1f} | {mid / (median * 1000):.1f} |")
    print(f"| server: first open (builds the index) | {first_open * 1000:.0f} | | |")


def parsl_corpus(tmp: Path) -> tuple[Path, list[Path]]:
    spec = importlib.util.find_spec("parsl")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the parsl package is not installed")
    # The package inside a project (a pyproject.toml beside it): its root is the project's,
    # so the index holds all of it and ``import parsl.x`` names a module of the project.
    project = tmp / "project"
    copy = project / "parsl"
    source = Path(next(iter(spec.submodule_search_locations)))
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "pyproject.toml").write_text('[project]\nname = "bench"\n')
    tests = sorted(p for p in copy.rglob("test_*.py") if "parsl" in p.read_text(errors="replace"))
    return project, tests[-3:]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, files = parsl_corpus(Path(tmp))
        count = sum(1 for _ in root.rglob("*.py"))
        print(f"installed parsl package: {count} files")
        server_rows(root, files)


if __name__ == "__main__":
    main()
