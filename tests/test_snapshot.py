"""The run snapshot: an unchanged project's ``check`` is replayed; a change means a full run."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint import entry, snapshot
from parsl_lint import session as session_module
from parsl_lint.cli import main
from parsl_lint.session import Session

APPS = "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x\n"
USER = "from pkg.apps import train\n\nfut = train(1)\nfut.result()\n"
OTHER = "def helper():\n    return 1\n"
#: Old enough that nothing in the project is "racily clean".
OLD_NS = time.time_ns() - 3600 * 10**9


def _age(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(OLD_NS, OLD_NS))


def _project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "apps.py").write_text(APPS)
    (root / "pkg" / "user.py").write_text(USER)
    (root / "pkg" / "other.py").write_text(OTHER)
    _age(root)
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _project(tmp_path / "p")
    monkeypatch.chdir(root)
    # The interpreter's own directories may have been installed into seconds ago.
    monkeypatch.setattr(snapshot.sys, "path", [])
    # A test cannot set a status-change time in the past: trust anything older than the run
    # (the racy-clean test puts the real window back).
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    return root


class Runs:
    """``parsl-lint check`` in-process, counting the runs that built a session."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = 0
        create = Session.create.__func__  # type: ignore[attr-defined]

        def counting(cls: type[Session], *args: object, **kwargs: object) -> Session:
            self.full += 1
            return create(cls, *args, **kwargs)

        monkeypatch.setattr(Session, "create", classmethod(counting))

    def check(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
        return result.exit_code, result.output


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Runs:
    return Runs(monkeypatch)


def _prime(runs: Runs, project: Path, *args: str) -> tuple[int, str]:
    """A first run (which creates the cache directory), then one that writes the snapshot."""
    runs.check(*args)
    _age(project)
    result = runs.check(*args)
    assert list((project / ".parsl_lint_cache").rglob("*.snapshot"))
    return result


def test_an_unchanged_project_is_replayed(project: Path, runs: Runs) -> None:
    first = _prime(runs, project, ".")
    assert first[0] == 1 and "PSL101" in first[1]
    assert runs.full == 2
    assert runs.check(".") == first
    assert runs.full == 2  # replayed: no session, no linting
    for fmt in ("json", "github", "sarif"):
        assert runs.check(".", "--format", fmt) == runs.check(".", "--format", fmt)
    # Only the formats that carry the helper import's edits (json, sarif) are another run.
    assert runs.full == 3


def test_editing_a_file_takes_the_full_path(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    target = project / "pkg" / "user.py"
    # Same size, new content: the modification time alone gives it away.
    target.write_text(USER.replace("fut.result()", "fut.done()  "))
    os.utime(target, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    code, output = runs.check(".")
    assert runs.full == 3 and code == 0 and "PSL101" not in output


def test_a_restored_modification_time_takes_the_full_path(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    target = project / "pkg" / "user.py"
    # What ``cp -p`` or ``rsync -t`` leave: new content, same size, the old mtime.
    target.write_text(USER.replace("fut.result()", "fut.done()  "))
    os.utime(target, ns=(OLD_NS, OLD_NS))
    code, output = runs.check(".")
    assert runs.full == 3 and code == 0 and "PSL101" not in output


def test_a_new_file_takes_the_full_path(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    (project / "pkg" / "user2.py").write_text(USER)
    code, output = runs.check(".")
    assert runs.full == 3 and "user2.py" in output


def test_editing_an_imported_module_takes_the_full_path(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    apps = project / "pkg" / "apps.py"
    apps.write_text("import parsl\n\n\ndef train(x):\n    return x\n")
    os.utime(apps, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert runs.check(".")[0] == 0 and runs.full == 3


def test_configuration_changes_take_the_full_path(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    pyproject = project / "pyproject.toml"
    with pyproject.open("a") as handle:
        handle.write('[tool.parsl-lint]\nignore = ["PSL101"]\n')
    os.utime(pyproject, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert runs.check(".")[0] == 0 and runs.full == 3


@pytest.mark.parametrize("name", ["parsl-lint.toml", ".parsl-lint.toml"])
def test_a_new_parsl_lint_toml_takes_the_full_path(name: str, project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    (project / name).write_text('ignore = ["PSL101"]\n')
    os.utime(project / name, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert runs.check(".")[0] == 0
    assert runs.full == 3


def test_an_extended_configuration_is_watched(project: Path, runs: Runs) -> None:
    base = project.parent / "shared.toml"
    base.write_text('ignore = ["PSL102"]\n')
    (project / "parsl-lint.toml").write_text('extend = "../shared.toml"\n')
    _age(project)
    os.utime(base, ns=(OLD_NS, OLD_NS))
    assert _prime(runs, project, ".")[0] == 1
    base.write_text('ignore = ["PSL101"]\n')
    os.utime(base, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert runs.check(".")[0] == 0
    assert runs.full == 3


def test_gitignore_changes_take_the_full_path(project: Path, runs: Runs) -> None:
    (project / ".gitignore").write_text("pkg/user.py\n")
    assert _prime(runs, project, ".")[0] == 0
    ignore = project / ".gitignore"
    ignore.write_text("pkg/other.py\n")  # same size, and the directory does not change
    os.utime(ignore, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert runs.check(".")[0] == 1 and runs.full == 3


def test_arguments_are_part_of_the_key(project: Path, runs: Runs) -> None:
    _prime(runs, project, ".")
    runs.check(".", "--select", "PSL2")
    assert runs.full == 3
    assert runs.check("pkg/user.py")[0] == 1 and runs.full == 4


def test_a_racily_clean_project_writes_no_snapshot(
    project: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "RACY_NS", 2 * 10**9)
    runs.check(".")
    _age(project)
    (project / "pkg" / "user.py").write_text(USER)  # modified just now
    runs.check(".")
    assert not list((project / ".parsl_lint_cache").rglob("*.snapshot"))
    runs.check(".")
    assert runs.full == 3


def test_a_corrupt_snapshot_is_ignored(project: Path, runs: Runs) -> None:
    expected = _prime(runs, project, ".")
    for stored in (project / ".parsl_lint_cache").rglob("*.snapshot"):
        stored.write_bytes(b"\x00garbage")
    assert runs.check(".") == expected
    assert runs.full == 3


def test_no_cache_neither_reads_nor_writes(project: Path, runs: Runs) -> None:
    runs.check(".", "--no-cache")
    _age(project)
    runs.check(".", "--no-cache")
    runs.check(".", "--no-cache")
    assert runs.full == 3
    assert not (project / ".parsl_lint_cache").exists()


def test_a_run_with_errors_writes_no_snapshot(
    project: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs.check(".")
    for stored in (project / ".parsl_lint_cache").rglob("*.snapshot"):
        stored.unlink()
    read_bytes = session_module.read_bytes

    def unreadable(path: str) -> bytes:
        if path.endswith("user.py"):
            raise PermissionError(13, "Permission denied", path)
        return read_bytes(path)

    monkeypatch.setattr(session_module, "read_bytes", unreadable)
    code, _ = runs.check(".")
    assert code == 2
    assert not list((project / ".parsl_lint_cache").rglob("*.snapshot"))


# -- the start-up fast path (``parsl_lint.entry``): no click, same answer -------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["."],
        [],
        ["pkg", "pkg/user.py"],
        ["--select", "PSL1,psl201", "--select=PSL3", "."],
        ["--ignore", "PSL102", "--extend-select", "PSL304", "-q", "--exit-zero", "."],
        ["--format", "json", "--cache-dir", "cache", "./pkg/"],
        ["--format=sarif", "--config", "pyproject.toml", "-j", "2", "--jobs=0", "."],
        ["--output-format", "concise", "--format=text", "."],
        ["--output-format=json-lines", "--format", "pylint", "."],
        ["--", "pkg"],
    ],
)
def test_the_fast_parser_keys_a_run_as_click_does(project: Path, argv: list[str]) -> None:
    from parsl_lint.cli import Options, _snapshot_key, check

    args = entry.parse_check(argv)
    assert args is not None
    with check.make_context("check", list(argv)) as ctx:
        fields = Options.__dataclass_fields__
        params = {k: v for k, v in ctx.params.items() if k in fields}
        assert args.key() == _snapshot_key(Options(**params))


@pytest.mark.parametrize(
    "argv",
    [
        ["-"],  # standard input
        ["--no-cache", "."],
        ["-qj2", "."],  # combined short flags: click's to read
        ["--help"],
        ["--format", "xml", "."],
        ["--jobs", "-1", "."],
        ["--config", "missing.toml", "."],
        ["--config", "pyproject.toml", "--config", "select=['PSL101']", "."],
        ["--config", "select=['PSL101']", "."],
        ["--statistics", "."],
        ["--fix", "."],
        ["--exclude", "pkg", "."],
        ["--output-format", "gitlab", "."],
        ["--stdin-filename", "x.py", "."],
        ["--select"],
        ["--quiet=yes", "."],
    ],
)
def test_the_fast_parser_leaves_anything_else_to_click(project: Path, argv: list[str]) -> None:
    assert entry.parse_check(argv) is None


def test_the_executable_replays_without_the_cli(
    project: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import parsl_lint.cli

    expected = _prime(runs, project, "--exit-zero", ".")
    called: list[list[str]] = []
    monkeypatch.setattr(parsl_lint.cli, "main", lambda: called.append(sys.argv[1:]))
    monkeypatch.setattr(sys, "argv", ["parsl-lint", "check", "--exit-zero", "."])
    with pytest.raises(SystemExit) as exit_:
        entry.main()
    assert exit_.value.code == 0 and not called
    assert capsys.readouterr().out == expected[1]
    # Anything the fast path does not answer goes to the CLI, untouched.
    monkeypatch.setattr(sys, "argv", ["parsl-lint", "check", "-qj1", "."])
    entry.main()
    assert called == [["check", "-qj1", "."]]


def test_a_replay_is_coloured_as_the_full_run_would_be(
    project: Path,
    runs: Runs,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, plain = _prime(runs, project, ".")
    outputs = {}
    for force in ("", "1"):
        monkeypatch.setenv("FORCE_COLOR", force)
        assert entry.replay_check(["."]) == 1
        outputs[force] = capsys.readouterr().out
    assert outputs[""] == plain and "\x1b[" not in plain
    assert "\x1b[1m\x1b[91mPSL101\x1b[0m" in outputs["1"]
    assert re.sub(r"\x1b\[[0-9;]*m", "", outputs["1"]) == plain


@pytest.mark.parametrize(
    "path",
    [
        "",
        ".",
        "./",
        "a",
        "a/",
        "./a/./b/",
        "a//b",
        "/",
        "//",
        "///",
        "/a/b/",
        "//a",
        "///a/b",
        "../a/..",
        "a/.b",
        ".hidden",
        "a/./../b",
        "~/x",
    ],
)
def test_paths_are_keyed_as_pathlib_prints_them(path: str) -> None:
    assert entry.as_path_prints(path) == str(Path(path))
