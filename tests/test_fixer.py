"""End-to-end tests of ``parsl-lint fix``: the before/after pairs and the fixer's promises.

The pairs live in ``testdata/fix/<case>.before.py`` / ``<case>.after.py``; the expected output
was produced by the fixer and reviewed by hand. Each case is copied into its own temporary
project so that nothing in this repository influences the result; a pair whose fix is one rule's
among others that would also fire carries that project's ``<case>.pyproject.toml``.
"""

from __future__ import annotations

import codecs
import inspect
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parsl_lint.cli import main
from parsl_lint.session import FixOutcome, Session

FIX_DIR = Path(__file__).resolve().parents[1] / "testdata" / "fix"
CASES = sorted(p.name[: -len(".before.py")] for p in FIX_DIR.glob("*.before.py"))
HELPER_IMPORT = "from parsl_lint.runtime import unwrap_parsl_future"

APP = "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x * 2\n\n\n"
BARE = APP + "fut = train(1)\nvalue = fut.result()\n"
BARE_FIXED = (
    "from parsl import python_app\n"
    + HELPER_IMPORT
    + "\n\n\n@python_app\ndef train(x):\n    return x * 2\n\n\n"
    + 'fut = train(1)\nvalue = unwrap_parsl_future(fut, "train (fut)")\n'
)


def cli_runner() -> CliRunner:
    """Keeps stdout and stderr apart: click >= 8.2 always does, 8.1 needs ``mix_stderr=False``."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


def make_project(root: Path, config: str = "") -> Path:
    """A project root of its own, so no configuration above ``root`` applies."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n" + config)
    return root


def pair_project(root: Path, case: str) -> Path:
    """A project for one pair: its own ``<case>.pyproject.toml`` if it has one."""
    config = FIX_DIR / f"{case}.pyproject.toml"
    if not config.is_file():
        return make_project(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_bytes(config.read_bytes())
    return root


def fix_files(*paths: Path, write: bool = True) -> FixOutcome:
    """Run the fixer through the public session API, as ``parsl-lint fix [--write]`` does."""
    session = Session.create(paths=list(paths), cache=False)
    return session.fix(write=write, unsafe=False)


def run_cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return cli_runner().invoke(main, args)


def leftovers(directory: Path) -> list[str]:
    """Files other than the project's own: temp files a non-atomic write would leave."""
    return sorted(p.name for p in directory.iterdir() if p.name not in {"pyproject.toml"})


# -- the before/after pairs -----------------------------------------------------------------


def test_pairs_exist() -> None:
    assert len(CASES) >= 6
    for case in CASES:
        assert (FIX_DIR / f"{case}.after.py").is_file(), f"{case}: no .after.py"


@pytest.mark.parametrize("case", CASES)
def test_fix_pair(case: str, tmp_path: Path) -> None:
    before = (FIX_DIR / f"{case}.before.py").read_bytes()
    expected = (FIX_DIR / f"{case}.after.py").read_bytes()
    assert before != expected, f"{case}: the pair expects no change"
    target = pair_project(tmp_path, case) / f"{case}.py"
    target.write_bytes(before)

    outcome = fix_files(target)

    assert outcome.errors == []
    assert target.read_bytes() == expected
    compile(expected, str(target), "exec", dont_inherit=True)
    assert not [d for d in outcome.remaining if d.fix is not None]


@pytest.mark.parametrize("case", CASES)
def test_fix_pair_is_idempotent(case: str, tmp_path: Path) -> None:
    expected = (FIX_DIR / f"{case}.after.py").read_bytes()
    target = pair_project(tmp_path, case) / f"{case}.py"
    target.write_bytes(expected)

    outcome = fix_files(target)

    assert outcome.files_changed == 0 and outcome.applied == 0
    assert target.read_bytes() == expected


@pytest.mark.parametrize("case", CASES)
def test_fix_pair_through_cli(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pair_project(tmp_path, case)
    (tmp_path / "flow.py").write_bytes((FIX_DIR / f"{case}.before.py").read_bytes())

    result = run_cli(["fix", "--write", "flow.py"], tmp_path, monkeypatch)

    assert (tmp_path / "flow.py").read_bytes() == (FIX_DIR / f"{case}.after.py").read_bytes()
    assert "Fixed " in result.stderr
    # 0 when nothing is left, 1 when findings without a fix remain: what a check of it says.
    after = run_cli(["check", "--no-cache", "flow.py"], tmp_path, monkeypatch)
    assert after.exit_code in (0, 1), after.output
    assert result.exit_code == after.exit_code, result.output


def test_noqa_line_is_not_fixed() -> None:
    after = (FIX_DIR / "noqa_line.after.py").read_text()
    assert 'kept = count(["a", "b"]).result()  # noqa: PSL101' in after
    assert 'fixed = unwrap_parsl_future(count(["c"]), "count")' in after


def test_bare_noqa_line_is_not_fixed(tmp_path: Path) -> None:
    source = APP + "fut = train(1)\nvalue = fut.result()  # noqa\n"
    target = make_project(tmp_path) / "flow.py"
    target.write_text(source)

    outcome = fix_files(target)

    assert outcome.files_changed == 0 and outcome.remaining == []
    assert target.read_text() == source


# -- bytes outside the edits stay identical ---------------------------------------------------


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    source = BARE.replace("\n", "\r\n").encode()
    target = make_project(tmp_path) / "flow.py"
    target.write_bytes(source)

    fix_files(target)

    data = target.read_bytes()
    assert data == BARE_FIXED.replace("\n", "\r\n").encode()
    assert b"\n" not in data.replace(b"\r\n", b"")  # the added import line ends in CRLF too


def test_utf8_bom_is_kept(tmp_path: Path) -> None:
    source = codecs.BOM_UTF8 + ("# Température moyenne\n" + BARE).encode("utf-8")
    target = make_project(tmp_path) / "flow.py"
    target.write_bytes(source)

    fix_files(target)

    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    assert data[3:].decode("utf-8") == "# Température moyenne\n" + BARE_FIXED


def test_latin1_file_keeps_its_encoding(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\n" + BARE.replace("fut = train(1)", "fut = train('café')")
    target = make_project(tmp_path) / "flow.py"
    target.write_bytes(text.encode("latin-1"))

    outcome = fix_files(target)

    assert outcome.applied == 1
    data = target.read_bytes()
    assert "café".encode("latin-1") in data and "café".encode() not in data
    fixed = data.decode("latin-1")
    assert fixed.startswith("# -*- coding: latin-1 -*-\n")
    assert 'unwrap_parsl_future(fut, "train (fut)")' in fixed and HELPER_IMPORT in fixed
    compile(data, str(target), "exec", dont_inherit=True)


# -- files the fixer must not touch ------------------------------------------------------------


def test_syntax_error_file_is_left_alone_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    broken = b"from parsl import python_app\n\ndef f(:\n    return train(1).result()\n"
    (tmp_path / "a_broken.py").write_bytes(broken)
    (tmp_path / "b_flow.py").write_text(BARE)

    result = run_cli(["fix", "--write", "--output-format=concise", "."], tmp_path, monkeypatch)

    assert result.exit_code == 1  # the syntax error remains
    assert (tmp_path / "a_broken.py").read_bytes() == broken
    assert (tmp_path / "b_flow.py").read_text() == BARE_FIXED
    assert "a_broken.py:3:7: PSL000 " in result.stdout
    assert "b_flow.py" not in result.stdout  # fixed, so nothing remains to report there


def test_fixed_output_always_compiles(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    for case in CASES:
        (root / f"{case}.py").write_bytes((FIX_DIR / f"{case}.before.py").read_bytes())

    outcome = fix_files(root)

    assert outcome.errors == [] and outcome.files_changed == len(CASES)
    for case in CASES:
        path = root / f"{case}.py"
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


# -- diff mode and writing ------------------------------------------------------------------


def test_fix_without_write_prints_a_diff_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    (tmp_path / "flow.py").write_text(BARE)

    result = run_cli(["fix", "flow.py"], tmp_path, monkeypatch)

    assert result.exit_code == 1
    assert (tmp_path / "flow.py").read_text() == BARE
    assert result.stdout.startswith("--- flow.py\n+++ flow.py\n@@ ")
    assert "-value = fut.result()\n" in result.stdout
    assert '+value = unwrap_parsl_future(fut, "train (fut)")\n' in result.stdout
    assert f"+{HELPER_IMPORT}\n" in result.stdout
    assert "Would fix 1 error in 1 file." in result.stderr


def test_fix_without_write_on_a_clean_file_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    (tmp_path / "flow.py").write_text(BARE_FIXED)

    result = run_cli(["fix", "flow.py"], tmp_path, monkeypatch)

    assert result.exit_code == 0
    assert result.stdout == ""


def test_write_is_atomic_and_keeps_the_file_mode(tmp_path: Path) -> None:
    target = make_project(tmp_path) / "flow.py"
    target.write_text(BARE)
    os.chmod(target, 0o640)
    inode = target.stat().st_ino

    outcome = fix_files(target)

    assert outcome.files_changed == 1
    assert target.read_text() == BARE_FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert leftovers(tmp_path) == ["flow.py"]


def test_write_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    target = make_project(tmp_path) / "flow.py"
    target.write_text(BARE_FIXED)
    before = target.stat()

    fix_files(target)

    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert leftovers(tmp_path) == ["flow.py"]


# -- configuration ------------------------------------------------------------------------------


def test_helper_setting_changes_the_call_and_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, 'helper = "mypkg.debug:show_failure"\n')
    (tmp_path / "flow.py").write_text(BARE)

    result = run_cli(["fix", "--write", "flow.py"], tmp_path, monkeypatch)

    assert result.exit_code == 0, result.output
    fixed = (tmp_path / "flow.py").read_text()
    assert fixed == (  # a third-party module (not in the project): sorted among them
        "from mypkg.debug import show_failure\n"
        "from parsl import python_app\n"
        "\n\n@python_app\ndef train(x):\n    return x * 2\n\n\n"
        'fut = train(1)\nvalue = show_failure(fut, "train (fut)")\n'
    )
