"""What a ruff user types works: each flag, configuration form and noqa form of issue 18, end
to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import APP, BARE, CLEAN, invoke, make_project

UNSAFE = (
    "import jax.numpy as jnp\n"
    "import numpy as np\n"
    "from parsl import python_app\n\n\n"
    "@python_app\n"
    "def grid(n):\n"
    "    return jnp.zeros(n)\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, {"clean.py": CLEAN, "flow.py": BARE})


def concise(*args: str) -> list[str]:
    return ["check", "--no-cache", "--output-format", "concise", *args]


# -- flags ---------------------------------------------------------------------------------------


def test_output_format_and_its_older_spelling(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = invoke(["check", "--output-format", "json", "flow.py"], project, monkeypatch)
    old = invoke(["check", "--format", "json", "flow.py"], project, monkeypatch)
    assert new.exit_code == old.exit_code == 1
    assert new.stdout == old.stdout and json.loads(new.stdout)[0]["code"] == "PSL101"
    text = invoke(["check", "--format", "text", "flow.py"], project, monkeypatch)
    full = invoke(["check", "--output-format", "full", "flow.py"], project, monkeypatch)
    assert text.stdout == full.stdout and "  --> flow.py:10:9" in full.stdout


def test_unknown_flag_keeps_did_you_mean(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--statistic", "flow.py"], project, monkeypatch)
    assert result.exit_code == 2
    assert "No such option '--statistic'. Did you mean '--statistics'?" in result.stderr


def test_fix_applies_and_reports_what_remains(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "dev.py").write_text(UNSAFE)
    result = invoke(["check", "--no-cache", "--fix", "."], project, monkeypatch)
    assert 'value = unwrap_parsl_future(fut, "train (fut)")' in (project / "flow.py").read_text()
    assert (project / "dev.py").read_text() == UNSAFE  # unsafe: held back
    assert result.exit_code == 1
    assert " --> dev.py:8:12" in result.stdout
    assert result.stdout.endswith(
        "Found 2 errors (1 fixed, 1 remaining).\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    again = invoke(["check", "--no-cache", "--fix", "--unsafe-fixes", "."], project, monkeypatch)
    assert again.exit_code == 0, again.output
    assert "np.asarray(jnp.zeros(n))" in (project / "dev.py").read_text()
    assert again.stdout == "Found 1 error (1 fixed, 0 remaining).\n"


def test_fix_show_fixes_lists_them(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--no-cache", "--fix", "--show-fixes", "."], project, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout == (
        "\nFixed 1 error:\n- flow.py:\n    1 × PSL101 (bare-result)\n\n"
        "Found 1 error (1 fixed, 0 remaining).\n"
    )


def test_fix_on_standard_input_prints_the_fixed_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(
        ["check", "--fix", "-", "--stdin-filename", "x.py"], project, monkeypatch, input=BARE
    )
    assert result.exit_code == 0
    assert 'value = unwrap_parsl_future(fut, "train (fut)")\n' in result.stdout
    compile(result.stdout, "x.py", "exec")


def test_diff_shows_the_fix_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(["check", "--no-cache", "--diff", "."], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- flow.py\n+++ flow.py\n")
    assert '+value = unwrap_parsl_future(fut, "train (fut)")' in result.stdout
    assert result.stderr == "Would fix 1 error.\n"
    assert (project / "flow.py").read_text() == BARE
    fix_diff = invoke(["fix", "--no-cache", "."], project, monkeypatch)
    assert fix_diff.stdout == result.stdout  # the same engine
    clean = invoke(["check", "--no-cache", "--diff", "clean.py"], project, monkeypatch)
    assert clean.exit_code == 0 and clean.stdout == ""


def test_fix_diff_and_add_noqa_exclude_each_other(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(["check", "--fix", "--diff", "."], project, monkeypatch)
    assert result.exit_code == 2 and "cannot be used together" in result.stderr
    stdin = invoke(["check", "--add-noqa", "-"], project, monkeypatch, input=BARE)
    assert stdin.exit_code == 2 and "standard input" in stdin.stderr


def test_statistics_counts_per_rule(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "more.py").write_text(BARE + "again = train(2).result()\n")
    (project / "dev.py").write_text(UNSAFE)
    result = invoke(["check", "--no-cache", "--statistics", "."], project, monkeypatch)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "3\tPSL101\t[*] bare-result",
        "1\tPSL303\t[ ] device-array-return",
        "Found 4 errors.",
        "[*] 3 fixable with `--fix` (1 hidden fix can be enabled with the `--unsafe-fixes` "
        "option).",
    ]
    as_json = invoke(
        ["check", "--no-cache", "--statistics", "--output-format", "json", "."],
        project,
        monkeypatch,
    )
    assert json.loads(as_json.stdout)[0] == {
        "code": "PSL101",
        "name": "bare-result",
        "count": 3,
        "fixable": True,
    }


def test_add_noqa_adds_and_merges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = (
        APP
        + "fut = train(1)\n"
        + "value = fut.result()\n"
        + "other = fut.result()  # noqa: E501\n"
        + "doc = f'''{fut.result()}\n'''\n"  # the row ends inside a string: no room
        + "twice = [fut.result(), fut.result()]\n"
    )
    make_project(tmp_path, {"flow.py": flow})
    result = invoke(["check", "--no-cache", "--add-noqa", "."], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == "Added 3 noqa directives.\n"
    lines = (tmp_path / "flow.py").read_text().splitlines()
    assert lines[9:] == [
        "value = fut.result()  # noqa: PSL101",
        "other = fut.result()  # noqa: E501, PSL101",
        "doc = f'''{fut.result()}",
        "'''",
        "twice = [fut.result(), fut.result()]  # noqa: PSL101",
    ]
    after = invoke(concise("."), tmp_path, monkeypatch)
    assert after.stdout.splitlines()[0].startswith("flow.py:12:12: PSL101 ")  # only the string
    assert after.stdout.count(": PSL101 ") == 1


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--ignore", "PSL101"),
        ("--extend-ignore", "PSL1"),
        ("--per-file-ignores", "flow.py:PSL101"),
        ("--per-file-ignores", "*.py:PSL1,PSL2"),
        ("--extend-per-file-ignores", "flow.py:PSL101"),
    ],
)
def test_ignore_options(
    option: str, value: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke(concise("flow.py"), project, monkeypatch).exit_code == 1
    result = invoke(concise(option, value, "flow.py"), project, monkeypatch)
    assert result.exit_code == 0, result.output


def test_per_file_ignores_replaces_the_configured_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(
        tmp_path, {"flow.py": BARE}, config='per-file-ignores = { "flow.py" = ["PSL101"] }\n'
    )
    assert invoke(concise("flow.py"), tmp_path, monkeypatch).exit_code == 0
    replaced = invoke(
        concise("--per-file-ignores", "other.py:PSL101", "flow.py"), tmp_path, monkeypatch
    )
    assert replaced.exit_code == 1
    extended = invoke(
        concise("--extend-per-file-ignores", "other.py:PSL101", "flow.py"), tmp_path, monkeypatch
    )
    assert extended.exit_code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--per-file-ignores", "PSL101"], ["--per-file-ignores", "GLOB:CODES"]),
        (["--per-file-ignores", "x.py:PSL999"], ["--per-file-ignores", "PSL999"]),
        (["--extend-ignore", "PSL999"], ["--extend-ignore", "PSL999"]),
    ],
)
def test_bad_option_values_are_named(
    args: list[str], words: list[str], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(concise(*args, "flow.py"), project, monkeypatch)
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr


def test_exclude_and_extend_exclude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, {"a/flow.py": BARE, "b/flow.py": BARE, "build/flow.py": BARE})
    everything = invoke(concise("."), tmp_path, monkeypatch).stdout
    assert "a/flow.py" in everything and "b/flow.py" in everything
    assert "build/" not in everything  # a default exclude
    extended = invoke(concise("--extend-exclude", "a", "."), tmp_path, monkeypatch).stdout
    assert "a/flow.py" not in extended and "b/flow.py" in extended
    replaced = invoke(concise("--exclude", "b", "."), tmp_path, monkeypatch).stdout
    assert "b/flow.py" not in replaced and "build/flow.py" in replaced  # defaults replaced
    named = invoke(concise("--exclude", "a,b", "a/flow.py"), tmp_path, monkeypatch)
    assert "a/flow.py" in named.stdout  # a path named on the command line is always linted


# -- configuration files ------------------------------------------------------------------------


def test_parsl_lint_toml_is_found_before_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"pkg/flow.py": BARE}, config='select = ["PSL2"]\n')
    (tmp_path / "parsl-lint.toml").write_text('ignore = ["PSL101"]\n')
    assert invoke(concise("pkg"), tmp_path, monkeypatch).exit_code == 0
    (tmp_path / ".parsl-lint.toml").write_text('select = ["PSL1"]\n')  # the first of the two
    assert invoke(concise("pkg"), tmp_path, monkeypatch).exit_code == 1
    (tmp_path / "pkg" / "parsl-lint.toml").write_text('ignore = ["PSL101"]\n')  # nearer
    assert invoke(concise("pkg"), tmp_path, monkeypatch).exit_code == 0


def test_parsl_lint_toml_errors_name_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"flow.py": BARE})
    (tmp_path / "parsl-lint.toml").write_text('selct = ["PSL1"]\n')
    result = invoke(concise("flow.py"), tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert 'parsl-lint.toml: unknown key "selct" (did you mean "select"?)' in result.stderr


def test_extend_reads_the_other_file_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shared.toml").write_text('ignore = ["PSL101"]\nextend-select = ["PSL304"]\n')
    make_project(tmp_path / "proj", {"flow.py": BARE + "again = train(2).result(5)\n"})
    (tmp_path / "proj" / "parsl-lint.toml").write_text('extend = "../shared.toml"\n')
    assert invoke(concise("flow.py"), tmp_path / "proj", monkeypatch).exit_code == 0
    (tmp_path / "proj" / "parsl-lint.toml").write_text(
        'extend = "../shared.toml"\nselect = ["PSL101"]\n'  # select starts over, as in ruff
    )
    assert invoke(concise("flow.py"), tmp_path / "proj", monkeypatch).exit_code == 1


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"parsl-lint.toml": 'extend = "missing.toml"\n'}, ['"extend"', "missing.toml"]),
        ({"parsl-lint.toml": "extend = 3\n"}, ['"extend"', "must be the path"]),
        (
            {"parsl-lint.toml": 'extend = "a.toml"\n', "a.toml": 'extend = "parsl-lint.toml"\n'},
            ["extend each other", "a.toml", "parsl-lint.toml"],
        ),
        (
            {"parsl-lint.toml": 'extend = "a.toml"\n', "a.toml": 'ignore = ["PSL999"]\n'},
            ['a.toml: key "ignore"', "PSL999"],
        ),
    ],
    ids=["missing", "not-a-path", "cycle", "error-in-the-base"],
)
def test_extend_errors_name_file_and_key(
    files: dict[str, str], words: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"flow.py": BARE, **files})
    result = invoke(concise("flow.py"), tmp_path, monkeypatch)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_inline_config_overrides(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "other.toml").write_text('ignore = ["PSL101"]\n')
    assert (
        invoke(
            concise("--config", "ignore = ['PSL101']", "flow.py"), project, monkeypatch
        ).exit_code
        == 0
    )
    assert invoke(concise("--config", "other.toml", "flow.py"), project, monkeypatch).exit_code == 0
    both = concise("--config", "other.toml", "--config", "select=['PSL101']", "flow.py")
    assert invoke(both, project, monkeypatch).exit_code == 1  # select starts over


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("select=['PSL999']", ["--config", '"select"', "PSL999"]),
        ("selct=['PSL101']", ["--config", '"selct"', "did you mean"]),
        ("select=[PSL101", ["--config", "neither a file nor a TOML"]),
        ("missing.toml", ["--config", "missing.toml", "does not exist"]),
        ("extend='x.toml'", ["--config", '"extend"']),
    ],
)
def test_inline_config_errors(
    value: str, words: list[str], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(concise("--config", value, "flow.py"), project, monkeypatch)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)


# -- noqa forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "status"),
    [
        ("# parsl-lint: noqa\n", 0),
        ("# parsl-lint: noqa: PSL101,PSL102\n", 0),
        ("# PARSL-LINT: NOQA: psl1\n", 0),
        ("# parsl-lint: noqa: PSL102\n", 1),
        ("# flake8: noqa\n", 0),
        ("x = 1  # parsl-lint: noqa\n", 0),
        ("# parsl-lint: noqa  (generated file)\n", 1),  # not a directive: text after it
        ("s = '# parsl-lint: noqa'\n", 1),  # in a string, not a comment
    ],
)
def test_file_exemptions(
    comment: str, status: int, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "flow.py").write_text(comment + BARE)
    result = invoke(concise("flow.py"), project, monkeypatch)
    assert result.exit_code == status, result.output


@pytest.mark.parametrize(
    ("suffix", "status", "warning"),
    [
        ("  # noqa", 0, None),
        ("  # noqa: PSL101", 0, None),
        ("  # noqa:PSL1", 0, None),
        ("  # noqa: E501, PSL101", 0, None),
        ("  # noqa: PSL102", 1, None),
        ("  # NOQA PSL101", 0, "expected `:` followed by a comma-separated list of codes"),
        ("  # noqa:", 0, "expected a comma-separated list of codes after `# noqa:`"),
        ("  ; s = '# noqa'", 1, None),
    ],
)
def test_line_noqa_forms(
    suffix: str,
    status: int,
    warning: str | None,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / "flow.py").write_text(BARE.rstrip("\n") + suffix + "\n")
    result = invoke(concise("flow.py"), project, monkeypatch)
    assert result.exit_code == status, result.output
    if warning is None:
        assert result.stderr == ""
    else:
        assert result.stderr.startswith(
            "parsl-lint: warning: invalid `# noqa` directive on flow.py:10: "
        )
        assert warning in result.stderr


def test_unused_noqa_is_reported_and_fixed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "flow.py").write_text(
        BARE + "ok = 1  # noqa: PSL101\nbad = train(2).result()  # noqa: PSL101, PSL999\n"
    )
    off = invoke(concise("flow.py"), project, monkeypatch)
    assert off.exit_code == 1 and "PSL001" not in off.stdout  # opt-in
    on = invoke(concise("--extend-select", "PSL001", "flow.py"), project, monkeypatch)
    assert [line.split(" ", 2)[:2] for line in on.stdout.splitlines()[:3]] == [
        ["flow.py:10:9:", "PSL101"],
        ["flow.py:11:9:", "PSL001"],
        ["flow.py:12:26:", "PSL001"],
    ]
    fixed = invoke(
        ["check", "--no-cache", "--extend-select", "PSL001", "--fix", "flow.py"],
        project,
        monkeypatch,
    )
    assert fixed.exit_code == 0, fixed.output
    text = (project / "flow.py").read_text()
    assert 'value = unwrap_parsl_future(fut, "train (fut)")\n' in text
    assert "ok = 1\n" in text
    assert "bad = train(2).result()  # noqa: PSL101\n" in text
