"""The fixer's correctness on awkward sites: f-strings, files LibCST cannot reproduce, the
helper's name taken by a local, PSL101 and PSL102 on one handler, the import's place in an
isort-clean file, and one bad fix among good ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parsl_lint.cli import main
from parsl_lint.fixer import fix_text
from parsl_lint.ftypes import Diagnostic, Edit, Fix, Location

APP = "from parsl import python_app\n\n\n@python_app\ndef f():\n    return 1\n\n\nfut = f()\n"


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    return tmp_path


def marked_rows(output: str) -> dict[int, bool]:
    """``{row: has [*]}`` of the PSL101 rows of ``check``'s text output."""
    rows = {}
    for m in re.finditer(r"^w\.py:(\d+):\d+: PSL101 (\[\*\] )?", output, re.M):
        rows[int(m.group(1))] = bool(m.group(2))
    return rows


# -- 6. f-strings ------------------------------------------------------------------------


def test_nested_and_concatenated_fstrings_get_no_fix_and_the_rest_is_fixed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (
        APP
        + "a = fut.result()\n"
        + "print(f\"{f'{fut.result()}'}\")\n"
        + "print(f\"a{fut.result()}\" f'b{fut.result()}')\n"
        + "print('x' f'{fut.result()}')\n"
        + "print(f'{fut.result()}')\n"
    )
    (project / "w.py").write_text(source)
    check = invoke(["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch)
    assert marked_rows(check.stdout) == {10: True, 11: False, 12: False, 13: False, 14: True}
    fixed = invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch)
    assert fixed.exit_code == 1, fixed.output  # four sites remain, nothing went wrong
    assert "parsl-lint: error" not in fixed.stderr
    after = (project / "w.py").read_text()
    assert 'a = unwrap_parsl_future(fut, "f (fut)")\n' in after
    assert "print(f'{unwrap_parsl_future(fut, \"f (fut)\")}')" in after
    compile(after, "w.py", "exec")


def _diagnostic(row: int, col: int, end: int, content: str) -> Diagnostic:
    at, to = Location(row, col), Location(row, end)
    fix = Fix("rewrite", (Edit(content, at, to),))
    return Diagnostic("PSL999", "test", "m", "w.py", at, to, fix)


def test_one_invalid_fix_is_left_out_and_the_others_applied() -> None:
    text = "a = 1\nb = 2\nc = 3\nd = 4\n"
    rounds = []

    def lint(current: str) -> list[Diagnostic]:
        rounds.append(current)
        found = []
        for row, line in enumerate(current.splitlines(), 1):
            if line.endswith(("= 1", "= 2", "= 4")):
                found.append(_diagnostic(row, 5, 6, "10"))
            elif line.endswith("= 3"):
                found.append(_diagnostic(row, 5, 6, "(3"))  # a rule's bug: unbalanced
        return found

    result = fix_text(text, "w.py", lint)
    assert result.fixed == "a = 10\nb = 10\nc = 3\nd = 10\n"
    assert result.applied == 3
    assert result.error == "fix by PSL999 at 3:5 would produce invalid code " + (
        "(ParserSyntaxError: Syntax Error @ 4:1.); not applied"
    )


# -- 7. files LibCST cannot reproduce ----------------------------------------------------

BARE = APP + "a = fut.result()\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param(BARE.replace("\n", "\r"), "lone carriage return", id="cr-only"),
        pytest.param(BARE.replace("fut = f()", "\x0cfut = f()"), "form feed", id="form-feed"),
        pytest.param(BARE + "\n\n \n", "only blanks", id="blank-tail"),
    ],
)
def test_a_file_libcst_cannot_reproduce_has_no_fix_and_fix_says_why(
    project: Path, monkeypatch: pytest.MonkeyPatch, text: str, why: str
) -> None:
    (project / "w.py").write_bytes(text.encode())
    check = invoke(["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch)
    assert check.exit_code == 1
    assert marked_rows(check.stdout) == {10: False}
    # With --write the finding remains (1); the diff has no change to show (0).
    for args, status in ((["fix"], 0), (["fix", "--write"], 1)):
        result = invoke([*args, "--no-cache", "."], project, monkeypatch)
        assert result.exit_code == status, result.output
        assert "parsl-lint: warning: w.py: not fixed: LibCST cannot reproduce" in result.stderr
        assert why in result.stderr
        assert "parsl-lint: error" not in result.stderr
    assert (project / "w.py").read_bytes() == text.encode()


# -- 8. the helper's name taken by a local -----------------------------------------------


def test_no_fix_where_a_local_of_the_helpers_name_would_be_called(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "w.py").write_text(
        APP
        + "\n\ndef param(unwrap_parsl_future):\n    return fut.result()\n"  # 13
        + "\n\ndef assigned():\n    unwrap_parsl_future = print\n    return fut.result()\n"  # 18
        + "\n\ndef nested():\n    def unwrap_parsl_future(x):\n        return x\n\n"
        + "    return fut.result()\n"  # 25
        + "\n\ndef outer():\n    from x import unwrap_parsl_future\n\n"
        + "    def inner():\n        return fut.result()\n\n    return inner\n"  # 32
        + "\n\ndef comp():\n    return [fut.result() for unwrap_parsl_future in ()]\n"  # 38
        + "\n\nclass K:\n    unwrap_parsl_future = 1\n\n"
        + "    def m(self):\n        return fut.result()\n"  # 45
        + "\n\ndef declared():\n    global unwrap_parsl_future\n    return fut.result()\n"  # 50
        + "\n\ndef default(x=lambda unwrap_parsl_future: 1):\n    return fut.result()\n"  # 54
    )
    check = invoke(["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch)
    assert marked_rows(check.stdout) == {
        13: False,
        18: False,
        25: False,
        32: False,
        38: False,
        45: True,  # a class body's names are not visible in its methods
        50: True,
        54: True,
    }
    assert invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch).exit_code == 1
    compile((project / "w.py").read_text(), "w.py", "exec")


# -- 9. PSL101 and PSL102 on one try -----------------------------------------------------

WORKFLOW = """import logging
import sys

import parsl
from parsl import python_app
from parsl.config import Config
from parsl.executors import ThreadPoolExecutor

log = logging.getLogger("workflow")


@python_app
def fit(x):
    raise ValueError(f"cannot fit {x}")


logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
logging.getLogger("parsl").propagate = False
dfk = parsl.load(Config(executors=[ThreadPoolExecutor(label="t")], run_dir=sys.argv[1]))
try:
    fut = fit(1)
    try:
        v = fut.result()
    except Exception as e:
        log.error(str(e))
finally:
    dfk.cleanup()
"""


def test_psl101_wins_over_psl102_so_one_failure_is_logged_once(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import subprocess
    import sys

    (project / "w.py").write_text(WORKFLOW)
    check = invoke(["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch)
    assert "w.py:23:13: PSL101 [*] " in check.stdout
    assert "w.py:25:9: PSL102 this handler" in check.stdout  # reported, no [*]
    fixed = invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.output  # PSL102 no longer fires after PSL101's fix
    after = (project / "w.py").read_text()
    assert 'v = unwrap_parsl_future(fut, "fit (fut)")' in after
    assert "log.error(str(e))" in after
    run = subprocess.run(
        [sys.executable, "w.py", str(tmp_path_factory.mktemp("runinfo"))],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    errors = [line for line in run.stderr.splitlines() if line.startswith("ERROR ")]
    assert len(errors) == 2, run.stderr  # the helper's block, then the handler's one line
    assert errors[0].startswith("ERROR parsl_lint.runtime: [fit (fut)] task 0 (fit) failed")
    assert errors[1] == "ERROR workflow: cannot fit 1"
    assert run.stderr.count("Traceback") == 1


def test_psl102_alone_still_fixes_the_handler(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "w.py").write_text(WORKFLOW)
    fixed = invoke(
        ["fix", "--write", "--no-cache", "--select", "PSL102", "."], project, monkeypatch
    )
    assert fixed.exit_code == 0, fixed.output
    assert "        log.exception(str(e))\n" in (project / "w.py").read_text()


# -- 10. the added import keeps an isort-clean file clean --------------------------------

CALL = "\n\n@python_app\ndef train(x):\n    return x\n\n\nprint(train(1).result())\n"
IMPORT_CASES = {
    "sections": "import logging\nimport os\n\nimport numpy as np\nfrom parsl import python_app\n"
    "from zlib_ng import x\n\nfrom mypkg import helper\n",
    "stdlib_then_parsl": "import os\n\nfrom parsl import python_app\n",
    "between": "from aaa import b\nfrom parsl import python_app\nfrom qqq import r\n",
    "future_and_docstring": '"""Doc."""\n\nfrom __future__ import annotations\n\n'
    "from parsl import python_app\n",
    "relative": "from parsl import python_app\n\nfrom .apps import thing\n",
    "comments": "import os\n\n# the decorator\nfrom parsl import python_app\n\n# more\n"
    "from zz import q\n",
    "case": "from parsl import python_app\nfrom Parsl_Lint_Extra import a\n",
    "merge": "from parsl import python_app\nfrom parsl_lint.runtime import ParslTasksFailed\n",
    "merge_after": "from parsl import python_app\n"
    "from parsl_lint.runtime import unwrap_parsl_futures\n",
    "first_party_only": "from parsl import python_app\n\nimport mypkg\n",
    "plain_imports": "import parsl\nimport zz\n\npython_app = parsl.python_app\n",
}


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated", "--no-cache", "--select", "I"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("helper", [None, "mypkg.debug:unwrap_parsl_future"])
def test_the_added_import_keeps_an_isort_clean_file_clean(
    project: Path, monkeypatch: pytest.MonkeyPatch, helper: str | None
) -> None:
    if helper:
        (project / "pyproject.toml").write_text(f'[tool.parsl-lint]\nhelper = "{helper}"\n')
    (project / "mypkg").mkdir()
    (project / "mypkg" / "__init__.py").write_text("")
    (project / "mypkg" / "debug.py").write_text(
        "def unwrap_parsl_future(future, name, *, timeout=None):\n"
        "    return future.result(timeout)  # noqa: PSL101\n"
    )
    for name, imports in IMPORT_CASES.items():
        (project / f"{name}.py").write_text(imports + CALL)
    ruff("check", "--fix", ".", cwd=project)  # every case isort-clean to begin with
    assert ruff("check", ".", cwd=project).returncode == 0
    fixed = invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.output
    for name in IMPORT_CASES:
        assert ".result()" not in (project / f"{name}.py").read_text(), name
    after = ruff("check", "--diff", ".", cwd=project)
    assert after.returncode == 0, after.stdout
    if helper:  # the project's own module: in the first-party section
        text = (project / "sections.py").read_text()
        assert "\nfrom mypkg import helper\nfrom mypkg.debug import unwrap_parsl_future\n" in text


# -- 12. cost: a file over max-file-size, and the diff of a long file --------------------


def test_a_file_over_max_file_size_is_named_and_skipped(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "w.py").write_text(BARE)
    (project / "pyproject.toml").write_text("[tool.parsl-lint]\nmax-file-size = 50\n")
    for args in (["check"], ["fix", "--write"]):
        result = invoke([*args, "--no-cache", "."], project, monkeypatch)
        assert result.exit_code == 0, result.output
        assert (
            f"parsl-lint: warning: w.py: not checked: {len(BARE)} bytes is more than "
            "max-file-size (50 bytes; raise it in [tool.parsl-lint]"
        ) in result.stderr
    assert (project / "w.py").read_text() == BARE
    (project / "pyproject.toml").write_text("[tool.parsl-lint]\nmax-file-size = 1_000_000\n")
    assert (
        invoke(
            ["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch
        ).exit_code
        == 1
    )
    (project / "pyproject.toml").write_text('[tool.parsl-lint]\nmax-file-size = "1MB"\n')
    bad = invoke(["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch)
    assert bad.exit_code == 2
    assert 'key "max-file-size" must be a positive number of bytes, got "1MB"' in bad.stderr


def _apply_patch(text: str, patch: str) -> str:
    """Apply a unified diff of one file (as ``patch`` would)."""
    old = text.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = patch.splitlines(keepends=True)[2:]
    k = 0
    while k < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[k])
        assert m, lines[k]
        k += 1
        first = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(old[pos:first])
        pos = first
        while k < len(lines) and not lines[k].startswith("@@"):
            kind, body = lines[k][0], lines[k][1:]
            if kind == "+":
                out.append(body)
            else:
                assert old[pos] == body
                out.append(body) if kind == " " else None
                pos += 1
            k += 1
    return "".join(out + old[pos:])


def test_the_diff_of_a_long_file_is_difflibs_and_applies() -> None:
    import difflib
    import random

    from parsl_lint import fixer

    before = "".join(f"a{i} = g({i})\nv{i} = f({i}).result()\n" for i in range(3000))
    after = before.replace("f(7).result()", "u(f(7))").replace("g(2999)", "g(0)")
    after = "import x\n" + after
    assert fixer.unified_diff("p", before, after) == "".join(
        difflib.unified_diff(
            before.splitlines(True), after.splitlines(True), fromfile="p", tofile="p"
        )
    )
    rng = random.Random(17)  # edits anywhere, repeated lines: the patch still applies
    for _ in range(200):
        a = [f"l{rng.randint(0, 40)}\n" for _ in range(rng.randint(0, 80))]
        b = list(a)
        for _ in range(rng.randint(0, 8)):
            at = rng.randint(0, len(b))
            if rng.random() < 0.4:
                b.insert(at, f"new{rng.randint(0, 5)}\n")
            elif b:
                b[min(at, len(b) - 1)] = f"x{rng.randint(0, 9)}\n"
        old, new = "".join(a), "".join(b)
        patch = fixer._anchored_diff("p", old, new)
        assert _apply_patch(old, patch) == new
