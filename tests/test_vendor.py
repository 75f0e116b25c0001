"""``parsl-lint vendor-helper`` and the fix calling a project's own ``unwrap_parsl_future``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parsl_lint import __version__
from parsl_lint.cli import main

APP = "from parsl import python_app\n\n\n@python_app\ndef f():\n    return 1\n\n\n"


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "flow.py").write_text(APP + "a = f().result()\nb = f().result(30)\n")
    return tmp_path


# -- vendor-helper -----------------------------------------------------------------------

USE_IT = """
import concurrent.futures
import importlib.util
import logging
import sys

spec = importlib.util.spec_from_file_location("parsl_debug", sys.argv[1])
helper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helper)
assert not [m for m in sys.modules if m.split(".")[0] in ("parsl_lint", "libcst", "click")]
logging.basicConfig(format="%(levelname)s %(message)s")
ok = concurrent.futures.Future()
ok.set_result(42)
assert helper.unwrap_parsl_future(ok, "ok") == 42
bad = concurrent.futures.Future()
bad.set_exception(ValueError("boom"))
try:
    helper.unwrap_parsl_future(bad, "bad")
except ValueError as exc:
    assert exc is bad.exception()
    print("re-raised")
"""


def test_vendor_helper_writes_a_stdlib_only_module_and_the_fix_imports_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(["vendor-helper", "pkg"], project, monkeypatch)
    assert result.exit_code == 0, result.output
    written = project / "pkg" / "parsl_debug.py"
    assert result.output.splitlines()[-1] == 'helper = "pkg.parsl_debug:unwrap_parsl_future"'
    assert written.read_text().startswith(f"# Vendored from parsl-lint {__version__} ")
    # Only the standard library (no site-packages at all: -S), and it works.
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", USE_IT, str(written)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "re-raised\n"
    assert "[bad]" in run.stderr and "ValueError: boom" in run.stderr
    (project / "pyproject.toml").write_text(
        '[tool.parsl-lint]\nhelper = "pkg.parsl_debug:unwrap_parsl_future"\n'
    )
    fixed = invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch)
    assert fixed.exit_code == 0, fixed.output
    flow = (project / "pkg" / "flow.py").read_text()
    assert "\nfrom pkg.parsl_debug import unwrap_parsl_future\n" in flow
    assert 'b = unwrap_parsl_future(f(), "f", timeout=30)\n' in flow
    # The vendored module itself is clean, and the import resolves to it.
    assert (
        invoke(
            ["check", "--no-cache", "--output-format", "concise", "."], project, monkeypatch
        ).exit_code
        == 0
    )
    from parsl_lint.model import Project

    index = Project(project)
    for path in project.rglob("*.py"):
        index.add_file(path)
    here = index.add_file(project / "pkg" / "flow.py")
    assert index.absolute(here, 0, "pkg.parsl_debug") == "pkg.parsl_debug"
    assert index.modules["pkg.parsl_debug"].path == str(written)


def test_vendor_helper_names_a_script_by_its_bare_name_and_keeps_other_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "scripts").mkdir()
    result = invoke(["vendor-helper", "scripts/debug_tools.py"], project, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == 'helper = "debug_tools:unwrap_parsl_future"'
    again = invoke(["vendor-helper", "scripts/debug_tools.py"], project, monkeypatch)
    assert again.exit_code == 0 and again.output.startswith("Updated ")
    (project / "mine.py").write_text("x = 1\n")
    refused = invoke(["vendor-helper", "mine.py"], project, monkeypatch)
    assert refused.exit_code == 2
    assert "mine.py exists and is not a vendored copy of the helper" in refused.stderr
    assert (project / "mine.py").read_text() == "x = 1\n"


# -- the project's own unwrap_parsl_future -----------------------------------------------

OWN = "def unwrap_parsl_future(future, name):\n    return future.result()\n"


def test_the_fix_calls_the_helper_the_file_defines(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pkg" / "flow.py").write_text(OWN + "\n\n" + APP + "a = f().result()\n")
    assert invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch).exit_code == 0
    flow = (project / "pkg" / "flow.py").read_text()
    assert 'a = unwrap_parsl_future(f(), "f")\n' in flow
    assert "import unwrap_parsl_future" not in flow


def test_the_fix_imports_the_projects_helper_from_where_it_is_defined(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pkg" / "util.py").write_text(OWN)
    result = invoke(["fix", "--write", "--no-cache", "."], project, monkeypatch)
    assert result.exit_code == 1  # the call with a timeout: the project's helper takes none
    flow = (project / "pkg" / "flow.py").read_text()
    assert flow.startswith(
        "from parsl import python_app\n\nfrom pkg.util import unwrap_parsl_future\n\n\n"
    )
    assert 'a = unwrap_parsl_future(f(), "f")\nb = f().result(30)\n' in flow
    assert "parsl_lint" not in flow


def test_a_script_imports_its_siblings_helper_by_bare_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "scripts").mkdir()
    (project / "scripts" / "helpers.py").write_text(
        "def unwrap_parsl_future(future, name, *, timeout=None):\n"
        "    return future.result(timeout)\n"
    )
    (project / "scripts" / "run.py").write_text(APP + "a = f().result(5)\n")
    (project / "pkg" / "util.py").write_text(OWN)  # elsewhere: the sibling wins
    assert invoke(["fix", "--write", "--no-cache", "scripts"], project, monkeypatch).exit_code == 0
    run = (project / "scripts" / "run.py").read_text()
    assert "from helpers import unwrap_parsl_future\n" in run
    assert 'a = unwrap_parsl_future(f(), "f", timeout=5)\n' in run


def test_two_helpers_elsewhere_leave_the_default(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pkg" / "util.py").write_text(OWN)
    (project / "pkg" / "more.py").write_text(OWN)
    (project / "pkg" / "odd.py").write_text("def unwrap_parsl_future(future):\n    pass\n")
    assert (
        invoke(["fix", "--write", "--no-cache", "pkg/flow.py"], project, monkeypatch).exit_code == 0
    )
    assert (
        "from parsl_lint.runtime import unwrap_parsl_future"
        in (project / "pkg" / "flow.py").read_text()
    )
