"""The README's examples are true: the quick start's first command prints exactly the block
shown, and the excerpts of the default output and of the fix's diff come from real runs."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(REPO)
    runner = CliRunner()
    result = runner.invoke(main, [*args, "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def first_command() -> list[str]:
    [install, *_] = blocks(section("Quick start"), "sh")
    command = install.strip().split(" && ")[-1]
    program, *args = shlex.split(command)
    assert program == ".venv/bin/parsl-lint"
    return args


def test_the_first_quick_start_command_prints_the_block_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = blocks(section("Quick start"), "text")[0]
    assert run(first_command(), monkeypatch) == shown


def test_the_quick_start_shows_the_demos_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = blocks(section("Quick start"), "text")[0]
    for code in ("PSL101", "PSL102", "PSL202", "PSL303"):
        assert f": {code} " in shown, code


def test_the_full_format_excerpt_is_from_the_default_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    excerpt = blocks(section("Quick start"), "text")[1]
    args = [a for a in first_command() if a not in ("--output-format", "concise")]
    output = run(args, monkeypatch)
    assert excerpt.startswith("PSL202 ") and excerpt in output


def test_the_diff_excerpt_is_from_the_fixers_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    [excerpt] = blocks(section("Quick start"), "diff")
    assert excerpt in run(["check", "--diff", "testdata/demo"], monkeypatch)


def test_the_pre_commit_rev_is_a_commit_with_the_current_hooks() -> None:
    [config] = blocks(section("pre-commit"), "yaml")
    [rev] = re.findall(r"rev: (\S+)", config)
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev
    try:
        shown = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{rev}:.pre-commit-hooks.yaml"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if shown.returncode != 0:
        pytest.skip(f"commit {rev} is not in this clone (shallow?): {shown.stderr.strip()}")
    assert "types_or: [python, jupyter]" in shown.stdout
