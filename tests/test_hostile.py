"""Hostile input: malformed notebooks, files and directories that cannot be read, names and
standard input that are not UTF-8, internal errors. Each one gets a clear message; nothing
else in the run is lost."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parsl_lint.cli import main

APP = "from parsl import python_app\n\n\n@python_app\ndef f():\n    return 1\n\n\nf().result()\n"
FINDING = "w.py:9:1: PSL101"
NOBODY = 65534


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


def cli(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """``parsl-lint ARGS`` as a real process (standard streams as bytes)."""
    return subprocess.run(
        [sys.executable, "-m", "parsl_lint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    (tmp_path / "w.py").write_text(APP)
    return tmp_path


# -- 1. malformed notebooks --------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param('{"metadata":{"language_info":"python"},"cells":[]}', id="language-str"),
        pytest.param('{"metadata":[],"cells":[]}', id="metadata-list"),
        pytest.param('{"nbformat":3,"worksheets":[1]}', id="worksheet-int"),
        pytest.param('{"nbformat":3,"worksheets":[{"cells":7}]}', id="worksheet-cells-int"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-100000"),
        pytest.param("not json", id="not-json"),
    ],
)
def test_a_malformed_notebook_is_psl000_and_the_rest_is_linted(
    project: Path, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "a.ipynb").write_text(content)
    for command in (["check"], ["fix"]):
        result = invoke(
            [*command, "--no-cache", "--output-format", "concise", "."], project, monkeypatch
        )
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        out = result.stdout + result.stderr
        assert "a.ipynb:1:1: PSL000 not a valid notebook: " in out
        assert "Traceback" not in out
    assert (
        FINDING
        in invoke(
            ["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch
        ).stdout
    )


# -- 2. what cannot be read --------------------------------------------------------------


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block without root's right to read anything (as ``nobody``, with the
    effective user id only, so the test process gets root back); a no-op when not root."""
    if os.geteuid() != 0:
        yield
        return
    # What the run imports lazily, imported while the files are still readable.
    import libcst.codemod.visitors  # noqa: F401

    import parsl_lint.fixer  # noqa: F401
    import parsl_lint.reporters  # noqa: F401

    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A project any user can enter (pytest's own temporary directories are root's only)."""
    root = Path(tempfile.mkdtemp(prefix="parsl-lint-hostile-"))
    root.chmod(0o777)  # ``fix --write`` as ``nobody`` puts its temporary file here
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    (root / "w.py").write_text(APP)
    (root / "w.py").chmod(0o666)
    try:
        yield root
    finally:
        for path in (root, *root.rglob("*")):
            with contextlib.suppress(OSError):
                path.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("command", [["check"], ["fix"], ["fix", "--write"]])
def test_an_unreadable_file_or_directory_is_an_error_and_the_rest_is_linted(
    open_dir: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (open_dir / "locked.py").write_text(APP)
    (open_dir / "locked.py").chmod(0)
    (open_dir / "closed").mkdir()
    (open_dir / "closed" / "x.py").write_text(APP)
    (open_dir / "closed").chmod(0)
    monkeypatch.chdir(open_dir)
    with unprivileged():
        result = CliRunner().invoke(
            main, [*command, "--no-cache", "--output-format", "concise", "."]
        )
    assert result.exit_code == 2, result.output
    assert "parsl-lint: error: locked.py: cannot read: " in result.stderr
    assert "Permission denied" in result.stderr
    assert "parsl-lint: error: closed: cannot read directory: Permission denied" in result.stderr
    if command == ["check"]:
        assert FINDING in result.stdout
    elif command == ["fix"]:
        assert "+unwrap_parsl_future(f(), " in result.stdout
    else:
        assert "unwrap_parsl_future(f(), " in (open_dir / "w.py").read_text()


# -- 3. names and input that are not UTF-8 -----------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8_is_reported(project: Path, fmt: str) -> None:
    os.rename(project / "w.py", os.fsencode(project) + b"/\xff.py")
    done = cli(["check", "--no-cache", "--format", fmt, "."], project)
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    if fmt == "sarif":
        assert b'"uri": "%FF.py"' in done.stdout
    else:
        assert b"\xff.py" in done.stdout


def test_standard_input_that_is_not_utf8_is_psl000(project: Path) -> None:
    source = b'import parsl\nx = "\xff"\n'
    done = cli(["check", "--output-format", "concise", "-"], project, stdin=source)
    assert done.returncode == 1
    assert b"-:2:6: PSL000 file is not valid utf-8" in done.stdout
    assert b"Traceback" not in done.stderr
    fixed = cli(["fix", "--write", "-"], project, stdin=source)
    assert fixed.stdout == source  # handed back as it came
    assert b"Traceback" not in fixed.stderr


# -- 4. internal errors ------------------------------------------------------------------


def test_standard_input_named_into_a_new_folder(tmp_path: Path) -> None:
    # No project marker above: the project root would be the folder that does not exist.
    done = cli(
        ["check", "--output-format", "concise", "-", "--stdin-filename", "nodir/x.py"],
        tmp_path,
        stdin=APP.encode(),
    )
    assert done.returncode == 1, done.stderr
    assert b"nodir/x.py:9:1: PSL101" in done.stdout


def test_an_internal_error_exits_2_with_one_line_and_the_traceback_on_request(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parsl_lint.session import Session

    def broken(self: Session, progress: object = None) -> None:
        raise RuntimeError("the model lost its way")

    monkeypatch.setattr(Session, "check", broken)
    result = invoke(
        ["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch
    )
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("parsl-lint: error: internal error: RuntimeError: the model lost")
    assert "please report it at https://" in line and "--verbose" in line
    for args in (["check", "--verbose"], ["-v", "check"]):
        result = invoke([*args, "--no-cache", "."], project, monkeypatch)
        assert result.exit_code == 2
        assert "Traceback (most recent call last)" in result.stderr
        assert result.stderr.rstrip().splitlines()[-1].startswith("parsl-lint: error: internal")


# -- 5. what fix --write writes to -------------------------------------------------------

FIXED_CALL = 'unwrap_parsl_future(f(), "f")'


def fix_write(cwd: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> Result:
    return invoke(["fix", "--write", "--no-cache", *(paths or (".",))], cwd, monkeypatch)


def test_a_symlink_is_written_through_to_its_target(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = project / "lib"
    real.mkdir()
    os.rename(project / "w.py", real / "w.py")
    (project / "link.py").symlink_to(real / "w.py")
    result = fix_write(project, monkeypatch, "link.py")
    assert result.exit_code == 0, result.output
    assert (project / "link.py").is_symlink()
    assert FIXED_CALL in (real / "w.py").read_text()
    assert sorted(p.name for p in real.iterdir()) == ["w.py"]  # no temp file left


def test_hard_links_stay_one_file_and_the_mode_is_kept(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.link(project / "w.py", project / "other.txt")
    (project / "w.py").chmod(0o750)
    inode = (project / "w.py").stat().st_ino
    assert fix_write(project, monkeypatch).exit_code == 0
    assert (project / "w.py").stat().st_ino == inode
    assert FIXED_CALL in (project / "other.txt").read_text()
    assert (project / "w.py").stat().st_mode & 0o777 == 0o750


def test_a_single_link_file_is_replaced_atomically_with_its_mode(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "w.py").chmod(0o640)
    inode = (project / "w.py").stat().st_ino
    assert fix_write(project, monkeypatch).exit_code == 0
    after = (project / "w.py").stat()
    assert after.st_ino != inode  # a new file renamed over the old one
    assert after.st_mode & 0o777 == 0o640


def test_a_read_only_file_is_refused_with_a_message(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "w.py").chmod(0o444)
    (project / "v.py").write_text(APP)
    result = fix_write(project, monkeypatch)
    assert result.exit_code == 2
    assert "parsl-lint: error: w.py: the file is read-only (mode 0444); not written" in (
        result.stderr
    )
    assert (project / "w.py").read_text() == APP
    assert FIXED_CALL in (project / "v.py").read_text()  # the rest is fixed


# -- 13. temporary files of a killed run -------------------------------------------------


def test_the_next_run_removes_only_our_temp_files_of_dead_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = project / f".w.py.parsl-lint-{dead}-k2j4_x9a.tmp"
    ours.write_text("half")
    keep = [
        project / f".w.py.parsl-lint-{os.getpid()}-abcdefgh.tmp",  # a live run's
        project / ".w.py.k2j4_x9a.tmp",  # not our name
        project / f".gone.py.parsl-lint-{dead}-abcdefgh.tmp",  # no such file beside it
        project / f"w.py.parsl-lint-{dead}-abcdefgh.tmp",  # not hidden
    ]
    for path in keep:
        path.write_text("x")
    assert (
        invoke(
            ["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch
        ).exit_code
        == 1
    )
    assert ours.exists()  # check never deletes anything
    assert fix_write(project, monkeypatch).exit_code == 0
    assert not ours.exists()
    assert all(path.exists() for path in keep)


def test_sigkill_during_fix_write_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    """Kill ``fix --write`` while it writes: the moment a temporary file appears, and the
    moment the first file has been replaced. Each file is then byte for byte the original or
    the fixed text, and the next run fixes the rest and leaves no temporary file."""
    import signal
    import time

    before = APP + "".join(f"v{i} = f().result()\n" for i in range(30))
    done = cli(["fix", "--write", "--no-cache", "-"], tmp_path, stdin=before.encode())
    expected = done.stdout.decode()
    assert FIXED_CALL in expected

    def temp_appeared(root: Path) -> bool:
        return any(p.name.endswith(".tmp") for p in root.iterdir())

    def first_replaced(root: Path) -> bool:
        return any(p.read_text() == expected for p in root.glob("m*.py"))

    for moment in (temp_appeared, first_replaced):
        root = tmp_path / moment.__name__
        root.mkdir()
        (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
        # Enough files that writing them all outlasts many polls: a handful of small files
        # can be written between two polls, and the kill then finds nothing left to cut.
        for i in range(150):
            (root / f"m{i:03}.py").write_text(before)
        proc = subprocess.Popen(
            [sys.executable, "-m", "parsl_lint", "fix", "--write", "--no-cache", "-j", "1", "."],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not moment(root) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        states = [p.read_text() for p in root.glob("m*.py")]
        assert set(states) <= {before, expected}
        assert states.count(before) > 0  # killed before the end
        finish = cli(["fix", "--write", "--no-cache", "."], root)
        assert finish.returncode == 0, finish.stderr
        assert {p.read_text() for p in root.glob("m*.py")} == {expected}
        assert not [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
