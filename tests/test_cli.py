"""The command line end to end: through click's runner and as a real subprocess.

``CliRunner`` results keep stdout and stderr apart (see ``cli_runner``), so every test can say
on which stream a message belongs.
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from parsl_lint import __version__
from parsl_lint.cli import main
from tests.conftest import schema_errors

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "testdata" / "demo"
HOOKS = REPO / ".pre-commit-hooks.yaml"
SCRIPT = Path(sys.executable).parent / "parsl-lint"

APP = "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x * 2\n\n\n"
BARE = APP + "fut = train(1)\nvalue = fut.result()\n"  # PSL101 at 10:9
CLEAN = APP + "print(train(1))\n"

#: Every finding in the demo project (file, the reported line's text, code); nothing else may
#: be reported there. The write-up's three bugs are there besides the bare ``.result()`` calls:
#: an app called with ``executor=`` (PSL202), an app returning a JAX array (PSL303) and a
#: handler that keeps only ``str(e)`` (PSL102). The traps in ``pipeline.py``
#: (``unwrap_parsl_future``, a ``try`` that logs the traceback,
#: ``concurrent.futures.ThreadPoolExecutor``) must stay silent.
DEMO_FINDINGS = [
    ("climate/apps.py", "return jnp.sum(years * temps) / jnp.sum(years * years)", "PSL303"),
    # c comes from self.coarsen(self.submit(m)): methods returning app futures
    ("climate/pipeline.py", "return [c.result() for c in coarse]", "PSL101"),
    ("climate/pipeline.py", "return self.submit(0).result()", "PSL101"),
    ("climate/pipeline.py", "run = fut.result()", "PSL101"),
    ("climate/pipeline.py", "runs.append(f.result())", "PSL101"),  # for i, f in enumerate(futs)
    ("climate/pipeline.py", "out[member] = fut.result(timeout=600)", "PSL101"),  # .items()
    (
        "climate/pipeline.py",
        'futures = {run["member"]: warming_trend(run, executor="gpu") for run in runs}',
        "PSL202",
    ),
    ("climate/pipeline.py", "slopes[member] = float(fut.result())", "PSL101"),
    (
        "climate/pipeline.py",
        'log.error("trend of member %d failed: %s", member, str(e))',
        "PSL102",
    ),
    ("climate/pipeline.py", "done.append(fut.result())", "PSL101"),  # as_completed(A.simulate)
    ("climate/pipeline.py", "pngs.append(job.outputs[0].result().filepath)", "PSL101"),
    ("climate/run.py", "smoke = simulate(0, years=1).result()", "PSL101"),  # re-exported
]


def demo_row(path: str, text: str) -> int:
    lines = (DEMO / path).read_text().splitlines()
    [row] = [n for n, line in enumerate(lines, start=1) if line.strip() == text]
    return row


def cli_runner() -> CliRunner:
    """Keeps stdout and stderr apart: click >= 8.2 always does, 8.1 needs ``mix_stderr=False``."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


def make_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n" + config)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Result:
    monkeypatch.chdir(cwd)
    return cli_runner().invoke(main, args, **kwargs)


def run(command: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, {"clean.py": CLEAN, "flow.py": BARE})


# -- exit codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "clean.py"], 0),
        (["check", "flow.py"], 1),
        (["check", "."], 1),
        (["check", "--exit-zero", "flow.py"], 0),
        (["check", "--ignore", "PSL101", "flow.py"], 0),
        (["check", "--select", "PSL000", "flow.py"], 0),
        (["check", "missing.py"], 2),
        (["check", "--select", "PSL999", "flow.py"], 2),
    ],
    ids=["clean", "finding", "directory", "exit-zero", "ignored", "other-rule", "no-path", "bad"],
)
def test_exit_codes(
    args: list[str], code: int, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(args, project, monkeypatch)
    assert result.exit_code == code, result.output


def test_unknown_rule_code_is_named(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--select", "PSL101,PSL999", "flow.py"], project, monkeypatch)
    assert result.exit_code == 2
    assert "PSL999" in result.stderr and "--select" in result.stderr
    assert result.stdout == ""


def test_bad_config_key_is_named_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"flow.py": BARE}, config='helpr = "mypkg:f"\n')
    result = invoke(["check", "flow.py"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert "helpr" in result.stderr and "pyproject.toml" in result.stderr


def test_nonexistent_path_is_a_usage_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "no/such/dir"], project, monkeypatch)
    assert result.exit_code == 2
    assert "no/such/dir" in result.stderr


# -- output formats --------------------------------------------------------------------------


def test_full_output_is_the_default(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "."], project, monkeypatch)
    assert result.stdout == (
        "PSL101 [*] `fut.result()` on a Parsl future hides the worker's real error; "
        "use `unwrap_parsl_future(fut, name)` instead\n"
        "  --> flow.py:10:9\n"
        "   |\n"
        " 9 | fut = train(1)\n"
        "10 | value = fut.result()\n"
        "   |         ^^^^^^^^^^^^\n"
        "   |\n"
        "help: Replace with `unwrap_parsl_future(...)`\n"
        "\n"
        "Found 1 error.\n"
        "[*] 1 fixable with `--fix`.\n"
    )
    assert result.stderr == ""


def test_concise_output_and_summary(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--output-format", "concise", "."], project, monkeypatch)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("flow.py:10:9: PSL101 [*] `fut.result()`")
    assert lines[-2:] == ["Found 1 error.", "[*] 1 fixable with `--fix`."]
    assert result.stderr == ""


def test_summary_counts_plural(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, {"flow.py": BARE + "again = train(2).result()  # noqa\n"})
    (tmp_path / "more.py").write_text(BARE + "third = train(3).result(5)\n")
    result = invoke(["check", "."], tmp_path, monkeypatch)
    assert result.stdout.splitlines()[-2:] == ["Found 3 errors.", "[*] 3 fixable with `--fix`."]


def test_clean_run_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "clean.py"], project, monkeypatch)
    assert result.exit_code == 0
    assert result.stdout == "All checks passed!\n"


def test_quiet_prints_diagnostics_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--quiet", "--output-format", "concise", "."], project, monkeypatch)
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("flow.py:10:9: PSL101 ")
    quiet_clean = invoke(["check", "-q", "clean.py"], project, monkeypatch)
    assert quiet_clean.exit_code == 0 and quiet_clean.stdout == ""


def test_json_fields(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--format", "json", "flow.py"], project, monkeypatch)
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert list(item) == [
        "code",
        "name",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "url",
        "noqa_row",
    ]
    assert item["code"] == "PSL101" and item["name"] == "bare-result"
    assert item["filename"] == "flow.py"
    assert item["location"] == {"row": 10, "column": 9}  # 1-based, like ruff
    assert item["end_location"] == {"row": 10, "column": 21}
    assert item["noqa_row"] == 10
    fix = item["fix"]
    assert fix["applicability"] == "safe" and fix["message"]
    [call] = [e for e in fix["edits"] if e["location"] == item["location"]]
    assert call == {
        "content": 'unwrap_parsl_future(fut, "train (fut)")',
        "location": {"row": 10, "column": 9},
        "end_location": {"row": 10, "column": 21},
    }


def test_json_when_clean_is_an_empty_list(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--format", "json", "clean.py"], project, monkeypatch)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_sarif_output(project: Path, monkeypatch: pytest.MonkeyPatch, sarif_validator: Any) -> None:
    result = invoke(["check", "--format", "sarif", "."], project, monkeypatch)
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    [sarif_run] = log["runs"]
    [finding] = sarif_run["results"]
    assert finding["ruleId"] == "PSL101"
    region = finding["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (10, 9)
    assert schema_errors(sarif_validator, log) == []


def test_github_output(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--format", "github", "."], project, monkeypatch)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error ")
    assert "file=flow.py" in lines[0] and "line=10" in lines[0] and "col=9" in lines[0]
    assert "::PSL101 `fut.result()`" in lines[0]


# -- standard input ------------------------------------------------------------------------------


def test_stdin_with_filename(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(
        ["check", "--output-format=concise", "-", "--stdin-filename", "named.py"],
        project,
        monkeypatch,
        input=BARE,
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("named.py:10:9: PSL101 ")


def test_stdin_without_filename(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--output-format=concise", "-"], project, monkeypatch, input=BARE)
    assert result.exit_code == 1
    assert result.stdout.startswith("-:10:9: PSL101 ")
    clean = invoke(["check", "-"], project, monkeypatch, input=CLEAN)
    assert clean.exit_code == 0


def test_stdin_fix_write_prints_the_fixed_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(
        ["fix", "--write", "-", "--stdin-filename", "named.py"], project, monkeypatch, input=BARE
    )
    assert result.exit_code == 0
    assert 'value = unwrap_parsl_future(fut, "train (fut)")\n' in result.stdout
    compile(result.stdout, "named.py", "exec", dont_inherit=True)


# -- rules and rule -------------------------------------------------------------------------------


def test_rules_lists_psl101() -> None:
    result = cli_runner().invoke(main, ["rules"])
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("PSL101 "))
    assert "bare-result" in row and "yes" in row and "on" in row


def test_rules_json() -> None:
    result = cli_runner().invoke(main, ["rules", "--format", "json"])
    rows = {r["code"]: r for r in json.loads(result.stdout)}
    assert rows["PSL101"]["name"] == "bare-result" and rows["PSL101"]["fixable"] is True
    assert rows["PSL101"]["url"].endswith("/docs/rules/PSL101.md")


@pytest.mark.parametrize("code", ["PSL101", "psl101"])
def test_rule_prints_its_documentation(code: str) -> None:
    result = cli_runner().invoke(main, ["rule", code])
    assert result.exit_code == 0
    for section in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## Options",
    ):
        assert section in result.stdout, section
    assert result.stdout.startswith("# bare-result (PSL101)")


def test_rule_by_name_is_the_same_page() -> None:
    by_code = cli_runner().invoke(main, ["rule", "PSL101"])
    by_name = cli_runner().invoke(main, ["rule", "bare-result"])
    assert by_name.exit_code == 0 and by_name.stdout == by_code.stdout
    assert by_code.stdout == (REPO / "docs" / "rules" / "PSL101.md").read_text()


def test_rule_all_prints_every_page() -> None:
    result = cli_runner().invoke(main, ["rule", "--all"])
    assert result.exit_code == 0
    titles = re.findall(r"^# [a-z-]+ \((PSL\d{3})\)$", result.stdout, flags=re.MULTILINE)
    assert titles == sorted(p.stem for p in (REPO / "docs" / "rules").glob("PSL*.md"))
    for usage in (["rule"], ["rule", "PSL101", "--all"]):
        assert cli_runner().invoke(main, usage).exit_code == 2


def test_unknown_rule_exits_2() -> None:
    result = cli_runner().invoke(main, ["rule", "PSL999"])
    assert result.exit_code == 2
    assert "PSL999" in result.stderr and result.stdout == ""


# -- help and version ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["check", "fix", "rules", "rule", "server", "postmortem", "vendor-helper"]),
        (["check"], ["--select", "--ignore", "--extend-select", "--format", "--exit-zero"]),
        (["fix"], ["--write", "--diff", "--unsafe-fixes", "--select", "--format"]),
        (["rules"], ["--format"]),
        (["rule"], ["CODE"]),
        (["server"], ["language server", "LSP"]),
        (["postmortem"], ["RUN_DIR", "--format", "--task", "--tail", "--run-id"]),
        (["vendor-helper"], ["PATH", "--force", "helper"]),
    ],
    ids=["main", "check", "fix", "rules", "rule", "server", "postmortem", "vendor-helper"],
)
def test_help(command: list[str], mentions: list[str]) -> None:
    result = cli_runner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    for word in mentions:
        assert word in result.stdout, word


def test_every_command_has_help_tested() -> None:
    assert isinstance(main, click.Group)
    assert set(main.commands) == {
        "check",
        "fix",
        "rules",
        "rule",
        "server",
        "postmortem",
        "vendor-helper",
    }


def test_version() -> None:
    result = cli_runner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"parsl-lint, version {__version__}"


# -- the demo project and pre-commit behaviour ------------------------------------------------


def test_demo_project(monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(["check", "--no-cache", "--format", "json", "testdata/demo"], REPO, monkeypatch)
    assert result.exit_code == 1, result.output
    found = [
        (
            Path(d["filename"]).relative_to("testdata/demo").as_posix(),
            d["location"]["row"],
            d["code"],
        )
        for d in json.loads(result.stdout)
    ]
    assert found == [(path, demo_row(path, text), code) for path, text, code in DEMO_FINDINGS]


def test_demo_project_imports_without_running_parsl() -> None:
    code = "import climate, climate.pipeline, climate.run; print(climate.simulate.__name__)"
    proc = run([sys.executable, "-c", code], DEMO)
    assert proc.returncode == 0, proc.stderr.decode()


def test_one_named_file_still_knows_apps_of_other_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(
        tmp_path,
        {
            "wf/__init__.py": "",
            "wf/apps.py": APP,
            "wf/flow.py": "from wf.apps import train\n\nmodel = train(3).result()\n",
            "wf/other.py": "from .apps import train\n\nmodel = train(4).result()\n",
        },
    )
    result = invoke(["check", "--output-format=concise", "wf/flow.py"], tmp_path, monkeypatch)
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("wf/flow.py:3:9: PSL101 ")
    assert "other.py" not in result.stdout  # only the named file is reported


def test_demo_single_file_as_pre_commit_passes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(
        ["check", "--no-cache", "--output-format=concise", "testdata/demo/climate/run.py"],
        REPO,
        monkeypatch,
    )
    assert result.exit_code == 1, result.output
    row = demo_row(*DEMO_FINDINGS[-1][:2])
    assert result.stdout.startswith(f"testdata/demo/climate/run.py:{row}:17: PSL101 ")


# -- the installed console script and ``python -m`` ---------------------------------------------


@pytest.fixture(params=["script", "module"])
def command(request: pytest.FixtureRequest) -> list[str]:
    if request.param == "script":
        if not SCRIPT.is_file():
            pytest.skip(f"the console script is not installed beside {sys.executable}")
        return [str(SCRIPT)]
    return [sys.executable, "-m", "parsl_lint"]


def test_subprocess_exit_codes(command: list[str], project: Path) -> None:
    assert run([*command, "check", "clean.py"], project).returncode == 0
    found = run([*command, "check", "--output-format=concise", "flow.py"], project)
    assert found.returncode == 1
    assert found.stdout.decode().startswith("flow.py:10:9: PSL101 ")
    assert run([*command, "check", "--exit-zero", "flow.py"], project).returncode == 0
    bad = run([*command, "check", "--select", "PSL999", "flow.py"], project)
    assert bad.returncode == 2 and b"PSL999" in bad.stderr
    assert run([*command, "check", "missing.py"], project).returncode == 2


def test_subprocess_stdin_and_version(command: list[str], project: Path) -> None:
    proc = run(
        [*command, "check", "--output-format=concise", "-", "--stdin-filename", "x.py"],
        project,
        stdin=BARE.encode(),
    )
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("x.py:10:9: PSL101 ")
    version = run([*command, "--version"], project)
    assert version.returncode == 0 and __version__ in version.stdout.decode()


def test_subprocess_fix_write(command: list[str], project: Path) -> None:
    diff = run([*command, "fix", "flow.py"], project)
    assert diff.returncode == 1 and diff.stdout.decode().startswith("--- flow.py")
    assert (project / "flow.py").read_text() == BARE
    proc = run([*command, "fix", "--write", "flow.py"], project)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "unwrap_parsl_future(fut, " in (project / "flow.py").read_text()


# -- the pre-commit hook manifest --------------------------------------------------------------


def parse_hooks(text: str) -> list[dict[str, Any]]:
    """Just enough YAML for the manifest: a list of flat mappings, flow lists, booleans."""
    hooks: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"(- |  )(\w+): (.*)", line)
        assert m, f"unexpected line in the manifest: {line!r}"
        if m.group(1) == "- ":
            hooks.append({})
        key, value = m.group(2), m.group(3).strip()
        parsed: Any = value
        if value in ("true", "false"):
            parsed = value == "true"
        elif value.startswith("["):
            parsed = [v.strip() for v in value.strip("[]").split(",")]
        hooks[-1][key] = parsed
    return hooks


def test_pre_commit_hooks_manifest() -> None:
    text = HOOKS.read_text()
    hooks = parse_hooks(text)
    try:
        import yaml
    except ImportError:
        pass
    else:
        assert yaml.safe_load(text) == hooks
    assert [h["id"] for h in hooks] == ["parsl-lint", "parsl-lint-fix"]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "jupyter"]  # notebooks are linted too
        assert "types" not in hook
        assert hook["require_serial"] is True
        assert hook["name"] and hook["entry"]
    assert hooks[0]["entry"] == "parsl-lint check"
    assert hooks[1]["entry"] == "parsl-lint fix --write"


@pytest.mark.parametrize("hook_id", ["parsl-lint", "parsl-lint-fix"])
def test_pre_commit_entry_is_a_real_command(
    hook_id: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [hook] = [h for h in parse_hooks(HOOKS.read_text()) if h["id"] == hook_id]
    program, *args = shlex.split(hook["entry"])
    assert program == "parsl-lint"
    assert args[0] in main.commands  # type: ignore[attr-defined]
    # pre-commit appends the staged file names to the entry
    result = invoke([*args, "clean.py", "flow.py"], project, monkeypatch)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
