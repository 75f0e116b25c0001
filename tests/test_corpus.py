"""Real code nobody here wrote: the test-suite shipped inside the installed ``parsl`` package.

Hundreds of files of real Parsl usage. The analyzer must get through all of them without an
internal error, must not call a parseable file a syntax error, and must keep to the known
answers on the traps (executor futures that are not Parsl futures) and the true findings.
Linting this project's own package is the dogfood test.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint.cli import main
from parsl_lint.ftypes import FileResult, Outcome
from parsl_lint.session import Session

REPO = Path(__file__).resolve().parents[1]


def cli_runner() -> CliRunner:
    """Keeps stdout and stderr apart: click >= 8.2 always does, 8.1 needs ``mix_stderr=False``."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


def parsl_tests_dir() -> Path:
    spec = importlib.util.find_spec("parsl")
    assert spec is not None and spec.submodule_search_locations, "parsl is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "tests"


PARSL_TESTS = parsl_tests_dir()


def lint_tree(root: Path) -> dict[str, FileResult]:
    """Lint every file under ``root`` in-process, keyed by its path relative to ``root``."""
    session = Session.create(paths=[root], cache=False)
    results: dict[str, FileResult] = {}
    for path in session.targets:
        shown = Path(path).relative_to(root).as_posix()
        results[shown], _ = session.linter.lint_file(path, shown)
    return results


@pytest.fixture(scope="module")
def corpus() -> dict[str, FileResult]:
    if not PARSL_TESTS.is_dir():
        pytest.skip(f"the installed parsl ships no test-suite ({PARSL_TESTS})")
    return lint_tree(PARSL_TESTS)


def codes(result: FileResult, code: str) -> list[int]:
    return [d.location.row for d in result.diagnostics if d.code == code]


def test_corpus_is_the_real_suite(corpus: dict[str, FileResult]) -> None:
    assert len(corpus) > 100
    analyzed = [r for r in corpus.values() if r.outcome is Outcome.OK]
    assert len(analyzed) > 100
    assert sum(len(r.diagnostics) for r in analyzed) > 0


def test_no_internal_errors(corpus: dict[str, FileResult]) -> None:
    failed = {path: r.error for path, r in corpus.items() if r.outcome is Outcome.FAILED}
    assert failed == {}


def test_no_syntax_error_on_parseable_files(corpus: dict[str, FileResult]) -> None:
    wrong = []
    for path, result in corpus.items():
        if not codes(result, "PSL000"):
            continue
        try:
            ast.parse((PARSL_TESTS / path).read_bytes(), filename=path)
        except SyntaxError:
            continue
        wrong.append(path)
    assert wrong == []


def test_executor_futures_are_not_parsl_futures(corpus: dict[str, FileResult]) -> None:
    """``test_flux.py`` calls ``.result()`` on ``FluxExecutor.submit(...)`` futures only."""
    path = "test_flux.py"
    assert ".result()" in (PARSL_TESTS / path).read_text()
    assert corpus[path].outcome is Outcome.OK
    assert codes(corpus[path], "PSL101") == []


def test_apps_named_python_app_are_found(corpus: dict[str, FileResult]) -> None:
    """``integration/latency.py`` defines apps *named* ``python_app`` with ``@parsl.python_app``;
    every ``.result()`` in it is on one of their futures."""
    path = "integration/latency.py"
    lines = (PARSL_TESTS / path).read_text().splitlines()
    expected = [row for row, line in enumerate(lines, start=1) if ".result()" in line]
    assert expected
    assert codes(corpus[path], "PSL101") == expected


def test_whole_suite_through_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    if not PARSL_TESTS.is_dir():
        pytest.skip(f"the installed parsl ships no test-suite ({PARSL_TESTS})")
    monkeypatch.chdir(PARSL_TESTS)
    result = cli_runner().invoke(
        main, ["check", "--no-cache", "--exit-zero", "--quiet", "--output-format=concise", "."]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines
    assert all(re.match(r"\S+\.py:\d+:\d+: PSL\d{3} ", line) for line in lines)


def test_dogfood_own_package_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    results = lint_tree(REPO / "parsl_lint")
    assert len(results) > 10
    failed = {path: r.error for path, r in results.items() if r.outcome is Outcome.FAILED}
    assert failed == {}
    assert not [p for p, r in results.items() if codes(r, "PSL000")]
    monkeypatch.chdir(REPO)
    cli = cli_runner().invoke(main, ["check", "--no-cache", "--exit-zero", "parsl_lint"])
    assert cli.exit_code == 0, cli.stderr
