"""Cached results of rules that read modules the linted file does not import.

PSL402 reads every configuration of the project, PSL206 whether any module sets
``dependency_resolver=``, PSL305 whether another module imports a script, and PSL101's fix
which module defines the project's own ``unwrap_parsl_future``. Each test runs ``check``
through the CLI with the cache on, edits only such a module, and asserts that the second
run says what a ``--no-cache`` run says (and that the edit did change the answer).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint import snapshot
from parsl_lint.cli import main
from parsl_lint.session import PARALLEL_MIN_FILES, Session

OLD_NS = time.time_ns() - 3600 * 10**9

CONFIG = """\
from parsl.config import Config
from parsl.executors import ThreadPoolExecutor

config = Config(executors=[ThreadPoolExecutor(label="{label}")])
"""
PINNED = """\
from parsl import python_app


@python_app(executors=["cpu"])
def train(x):
    return x
"""
CONTAINER = """\
from parsl import python_app


@python_app
def one(x):
    return x


@python_app
def total(xs):
    return sum(xs)


total([one(1), one(2)])
"""
RESOLVER = """\
from parsl.config import Config
from parsl.dataflow.dependency_resolvers import DEEP_DEPENDENCY_RESOLVER

config = Config(dependency_resolver=DEEP_DEPENDENCY_RESOLVER)
"""
SCRIPT = """\
import parsl
from parsl import python_app


class StageError(Exception):
    pass


@python_app
def stage(x):
    raise StageError(x)


if __name__ == "__main__":
    parsl.load()
    stage(1).exception()
"""
USES_RESULT = """\
from parsl import python_app


@python_app
def train(x):
    return x


print(train(1).result())
"""
OWN_HELPER = """\
def unwrap_parsl_future(future, name):
    return future.result()
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _check(*args: str) -> str:
    result = CliRunner().invoke(
        main, ["check", "--output-format", "json", *args], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "p"
    _write(root / "pyproject.toml", "[project]\nname = 'p'\nversion = '0'\n")
    _write(root / "pkg" / "__init__.py", "")
    monkeypatch.chdir(root)
    return root


def _edit_then_compare(root: Path, select: str, edit: Path, text: str) -> tuple[str, str]:
    """A cached run, the edit, a second cached run: (before, after), after as ``--no-cache``
    sees it."""
    before = _check("--select", select, ".")
    assert _check("--select", select, ".") == before  # warm: the cache agrees with itself
    _write(edit, text)
    after = _check("--select", select, ".")
    assert after == _check("--select", select, "--no-cache", ".")
    assert after != before  # the edit changed the answer: the test can fail
    return before, after


def test_psl402_sees_an_edited_configuration_module(project: Path) -> None:
    _write(project / "pkg" / "config.py", CONFIG.format(label="gpu"))
    _write(project / "pkg" / "apps.py", PINNED)
    before, after = _edit_then_compare(
        project, "PSL402", project / "pkg" / "config.py", CONFIG.format(label="cpu")
    )
    assert "PSL402" in before and "PSL402" not in after


def test_psl402_sees_a_new_configuration_module(project: Path) -> None:
    _write(project / "pkg" / "config.py", CONFIG.format(label="gpu"))
    _write(project / "pkg" / "apps.py", PINNED)
    before, after = _edit_then_compare(
        project, "PSL402", project / "pkg" / "other_config.py", CONFIG.format(label="cpu")
    )
    assert "PSL402" in before and "PSL402" not in after


def test_workers_report_the_questions_their_files_asked(project: Path) -> None:
    """With worker processes, what each file asked comes back to the process that caches."""
    _write(project / "pkg" / "config.py", CONFIG.format(label="gpu"))
    for i in range(PARALLEL_MIN_FILES + 2):
        _write(project / "pkg" / f"apps{i}.py", PINNED)
    before = _check("--select", "PSL402", "--jobs", "2", ".")
    assert before.count('"PSL402"') == PARALLEL_MIN_FILES + 2
    _write(project / "pkg" / "config.py", CONFIG.format(label="cpu"))
    assert _check("--select", "PSL402", "--jobs", "2", ".") == "[]\n"


def test_psl206_sees_a_dependency_resolver_set_elsewhere(project: Path) -> None:
    _write(project / "pkg" / "apps.py", CONTAINER)
    _write(project / "pkg" / "config.py", CONFIG.format(label="cpu"))
    before, after = _edit_then_compare(project, "PSL206", project / "pkg" / "config.py", RESOLVER)
    assert "PSL206" in before and "PSL206" not in after


def test_psl305_sees_a_module_that_imports_the_script(project: Path) -> None:
    _write(project / "pkg" / "run.py", SCRIPT)
    _write(project / "pkg" / "other.py", "x = 1\n")
    before, after = _edit_then_compare(
        project, "PSL305", project / "pkg" / "other.py", "from pkg import run\n"
    )
    assert "PSL305" in before and "PSL305" not in after


def test_psl305_sees_an_edited_exception_module(project: Path) -> None:
    head = "class StageError(Exception):\n    def __init__(self, "
    errors = head + "stage):\n        super().__init__(stage)\n"
    broken = head + "stage, code):\n        super().__init__(f'{stage} {code}')\n"
    apps = (
        "from parsl import python_app\n\nfrom pkg import tasks\n\n\n"
        "@python_app\ndef stage(x):\n    tasks.work(x)\n"
    )
    tasks = "from pkg.errors import StageError\n\n\ndef work(x):\n    raise StageError(x, 1)\n"
    _write(project / "pkg" / "errors.py", errors)
    _write(project / "pkg" / "tasks.py", tasks)
    _write(project / "pkg" / "apps.py", apps)
    before, after = _edit_then_compare(project, "PSL305", project / "pkg" / "errors.py", broken)
    assert "PSL305" not in before and "PSL305" in after


def test_psl101_fix_sees_a_new_project_helper(project: Path) -> None:
    _write(project / "pkg" / "apps.py", USES_RESULT)
    before, after = _edit_then_compare(
        project, "PSL101", project / "pkg" / "helpers.py", OWN_HELPER
    )
    assert "parsl_lint.runtime" in before and "pkg.helpers" in after


def test_psl101_fix_sees_the_project_helper_removed(project: Path) -> None:
    _write(project / "pkg" / "apps.py", USES_RESULT)
    _write(project / "pkg" / "helpers.py", OWN_HELPER)
    before, after = _edit_then_compare(
        project, "PSL101", project / "pkg" / "helpers.py", "def other(future, name):\n    pass\n"
    )
    assert "pkg.helpers" in before and "parsl_lint.runtime" in after


def test_an_unrelated_edit_keeps_the_entries_of_files_that_asked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only modules that can change the answer invalidate: a module that never mentions
    parsl does not."""
    _write(project / "pkg" / "config.py", CONFIG.format(label="gpu"))
    _write(project / "pkg" / "apps.py", PINNED)
    _write(project / "pkg" / "util.py", "x = 1\n")
    _check("--select", "PSL402", ".")
    entries = sorted(Path(".parsl_lint_cache").rglob("*.json"))
    assert entries
    stamps = [e.stat().st_mtime_ns for e in entries]
    _write(project / "pkg" / "util.py", "x = 2\n")
    _check("--select", "PSL402", ".")
    assert [e.stat().st_mtime_ns for e in entries] == stamps  # nothing written again


def test_the_snapshot_is_not_replayed_after_a_configuration_edit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot.sys, "path", [])
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    config = project / "pkg" / "config.py"
    _write(config, CONFIG.format(label="gpu"))
    _write(project / "pkg" / "apps.py", PINNED)
    # A first run creates the cache directory inside the project, which changes the
    # project directory during that run: aged again, the next run can record a snapshot
    # whatever the file system's clock says.
    _check(".")
    for path in [project, *project.rglob("*")]:
        os.utime(path, ns=(OLD_NS, OLD_NS))
    full: list[int] = []
    create = Session.create.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Session], *args: object, **kwargs: object) -> Session:
        full.append(1)
        return create(cls, *args, **kwargs)

    monkeypatch.setattr(Session, "create", classmethod(counting))
    before = _check(".")
    assert _check(".") == before and "PSL402" in before
    assert len(full) == 1  # the second run replayed the snapshot
    _write(config, CONFIG.format(label="cpu"))
    os.utime(config, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    after = _check(".")
    assert len(full) == 2  # the edit of a module the app's file does not import is seen
    assert "PSL402" not in after
    assert after == _check("--no-cache", ".")
