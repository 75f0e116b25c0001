"""What a large project or a pre-commit run relies on, seen from a real process: the modules a
command imports, the progress bar on a terminal (and nowhere else), and runs at once sharing one
cache."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from parsl_lint.cli import PROGRESS_MIN_FILES

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "testdata" / "demo"

APPS = "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x\n"
USER = "from pkg.apps import train\n\nfut = train({n})\nfut.result()\n"
OTHER = "def helper():\n    return {n}\n"

#: Runs the CLI's entry point, then prints the names of every module it imported.
LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules))))\n"
    "sys.argv = ['parsl-lint', *sys.argv[1:]]\n"
    "from parsl_lint.entry import main\n"
    "main()\n"
)


def _project(root: Path, users: int, others: int) -> Path:
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (pkg / "__init__.py").write_text("")
    (pkg / "apps.py").write_text(APPS)
    for n in range(users):
        (pkg / f"user{n}.py").write_text(USER.format(n=n))
    for n in range(others):
        (pkg / f"other{n}.py").write_text(OTHER.format(n=n))
    return root


def _imported(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", LOADED, *args], cwd=cwd, capture_output=True, text=True
    )
    assert proc.returncode in (0, 1), proc.stderr
    return set(proc.stderr.rpartition("MODULES ")[2].split())


def _top_level(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.mark.parametrize("args", [["--version"], ["rules"], ["rule", "PSL101"], ["--help"]])
def test_informational_commands_import_neither_libcst_nor_parsl(args: list[str]) -> None:
    loaded = _top_level(_imported(args, REPO))
    assert "libcst" not in loaded and "parsl" not in loaded
    assert "parsl_lint" in loaded  # the probe saw the run


def test_check_never_imports_parsl_or_libcst(tmp_path: Path) -> None:
    """The analysis reads Parsl's decorator keywords from its source, and runs on ``ast``."""
    loaded = _top_level(_imported(["check", "--no-cache", str(DEMO)], tmp_path))
    assert "parsl" not in loaded and "libcst" not in loaded
    assert "parsl_lint" in loaded


def test_fix_imports_libcst_only_when_it_rewrites(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", users=1, others=1)
    assert "libcst" in _top_level(_imported(["fix", "--no-cache", "pkg"], root))
    (root / "pkg" / "user0.py").write_text("from pkg.apps import train\n\ntrain(1)\n")
    assert "libcst" not in _top_level(_imported(["fix", "--no-cache", "pkg"], root))


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run parsl-lint with stderr on a pseudo-terminal: exit status, stdout, what the terminal
    showed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "parsl_lint", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(slave)
    shown = bytearray()
    while True:  # read as it comes: a full terminal buffer would block the child
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError("parsl-lint hung writing to the terminal")
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    return proc.wait(timeout=60), out, shown.decode(errors="replace")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("large"), users=20, others=PROGRESS_MIN_FILES)


def test_a_long_run_on_a_terminal_shows_progress_on_stderr(large: Path) -> None:
    status, out, terminal = _on_a_terminal(["check", "--no-cache", "pkg"], large)
    assert status == 1
    assert "Linting" in terminal and f"{PROGRESS_MIN_FILES + 22}/{PROGRESS_MIN_FILES + 22}" in (
        terminal
    )
    assert "Linting" not in out and out.count("PSL101") == 20


def test_no_progress_in_json_or_when_quiet(large: Path) -> None:
    for fmt in (["--format", "json"], ["--quiet"]):
        status, out, terminal = _on_a_terminal(["check", "--no-cache", *fmt, "pkg"], large)
        assert status == 1 and "Linting" not in terminal and "Linting" not in out
    status, out, _ = _on_a_terminal(["check", "--no-cache", "--format", "json", "pkg"], large)
    assert len(json.loads(out)) == 20  # stdout is nothing but the report


def test_no_progress_when_stderr_is_not_a_terminal(large: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parsl_lint", "check", "--no-cache", "pkg"],
        cwd=large,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and proc.stderr == ""


def test_a_short_run_shows_no_progress(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", users=2, others=3)
    status, _, terminal = _on_a_terminal(["check", "--no-cache", "pkg"], root)
    assert status == 1 and terminal == ""


def test_runs_at_once_share_one_cache_without_corrupting_it(tmp_path: Path) -> None:
    """Several processes write the same entries at the same time; each entry is replaced
    whole, so every run and the run after them see the same answer."""
    root = _project(tmp_path / "p", users=60, others=40)
    cache = tmp_path / "cache"
    expected = subprocess.run(
        [sys.executable, "-m", "parsl_lint", "check", "--no-cache", "--jobs", "1", "pkg"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout
    assert expected.count("PSL101") == 60
    cmd = [sys.executable, "-m", "parsl_lint", "check", "--cache-dir", str(cache), "pkg"]
    procs = [
        subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert (proc.returncode, out, err) == (1, expected, "")
    entries = [p for p in cache.rglob("*.json")]
    assert len(entries) >= 61  # the app module and every user
    for entry in entries:
        json.loads(entry.read_text())
    assert not list(cache.rglob("*.tmp"))
    again = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    assert (again.returncode, again.stdout) == (1, expected)


def test_a_one_file_run_never_reads_the_whole_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit's case: a file that mentions parsl is linted from its own imports; the
    prefilter's project-wide closure (every module's imports) is never computed."""
    from parsl_lint.model.project import Project
    from parsl_lint.session import Session

    root = _project(tmp_path / "p", users=3, others=3)
    (root / "pkg" / "flow.py").write_text(
        "import json\n\nimport parsl\nfrom pkg.apps import train\n\n\n"
        "@parsl.python_app\ndef encode(x):\n    return x\n\n\n"
        'if __name__ == "__main__":\n    train(1).result()\n'
    )

    def closure(self: Project) -> set[str]:
        raise AssertionError("the project-wide closure was computed")

    monkeypatch.setattr(Project, "candidates", closure)
    for target, expected in (("apps.py", []), ("flow.py", ["PSL101"])):
        session = Session.create([root / "pkg" / target], cache=False)
        assert [d.code for d in session.check().diagnostics] == expected
