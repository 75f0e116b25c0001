"""What the PSL2xx examples cannot express: where Parsl's keywords come from, and the model
queries the app rules lean on."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parsl_lint import parsl_facts
from parsl_lint.model import Project, analyze
from parsl_lint.rule import Invalid, Valid
from parsl_lint.rules.bad_decorator_kwarg import BadDecoratorKwarg
from parsl_lint.testing import Case, check_case

FACTORIES = [
    ("python", False),
    ("bash", False),
    ("join", False),
    ("python", True),
    ("bash", True),
]


@pytest.fixture
def fresh_facts() -> Iterator[None]:
    parsl_facts.factory_keywords.cache_clear()
    yield
    parsl_facts.factory_keywords.cache_clear()


def _fake_parsl(monkeypatch: pytest.MonkeyPatch, python_app_source: str | None) -> None:
    """Make the installed ``parsl.app.app`` look like another Parsl version (or absent)."""

    def module_source(module: str) -> str | None:
        return python_app_source

    monkeypatch.setattr(parsl_facts, "_module_source", module_source)


@pytest.mark.parametrize("kind,is_class", FACTORIES)
def test_installed_parsl_matches_the_builtin_table(
    kind: str, is_class: bool, fresh_facts: None
) -> None:
    pytest.importorskip("parsl")
    assert parsl_facts.factory_keywords(kind, is_class) == parsl_facts.fallback_keywords(
        kind, is_class
    )


def test_table_is_used_when_parsl_is_missing(
    monkeypatch: pytest.MonkeyPatch, fresh_facts: None
) -> None:
    _fake_parsl(monkeypatch, None)
    for kind, is_class in FACTORIES:
        expected = parsl_facts.fallback_keywords(kind, is_class)
        assert parsl_facts.factory_keywords(kind, is_class) == expected
    assert "executors" not in (parsl_facts.factory_keywords("join", False) or ())


def test_keywords_follow_the_installed_version(
    monkeypatch: pytest.MonkeyPatch, fresh_facts: None, tmp_path: Path
) -> None:
    future = "def python_app(function=None, executors='all', priority=0):\n    return function\n"
    _fake_parsl(monkeypatch, future)
    (tmp_path / "new").mkdir()
    (tmp_path / "old").mkdir()
    code = "from parsl import python_app\n\n\n@python_app(priority=2)\ndef f():\n    return 1\n"
    check_case(tmp_path / "new", Case(BadDecoratorKwarg, 0, Valid(code)))
    code = "from parsl import python_app\n\n\n@python_app(cache=True)\ndef f():\n    return 1\n"
    check_case(tmp_path / "old", Case(BadDecoratorKwarg, 0, Invalid(code, lines=(4,))))


def test_decorator_taking_any_keyword_is_not_checked(
    monkeypatch: pytest.MonkeyPatch, fresh_facts: None, tmp_path: Path
) -> None:
    _fake_parsl(monkeypatch, "def python_app(function=None, **options):\n    return function\n")
    code = "from parsl import python_app\n\n\n@python_app(whatever=1)\ndef f():\n    return 1\n"
    check_case(tmp_path, Case(BadDecoratorKwarg, 0, Valid(code)))


def test_listing_rules_does_not_import_parsl() -> None:
    probe = (
        "import sys\nimport parsl_lint.rules as r\nr.all_rules()\n"
        "assert 'parsl' not in sys.modules, 'parsl imported'\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def _model(tmp_path: Path, code: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "wf.py"
    path.write_text(code)
    project = Project.from_files(tmp_path, [path])
    info = project.add_file(path)
    return analyze(project, info, ast.parse(code))


@pytest.mark.parametrize(
    "tail,script",
    [
        ("", False),
        ('if __name__ == "__main__":\n    pass\n', True),
        ("if '__main__' == __name__:\n    pass\n", True),
        ("parsl.load()\n", True),
        ("with parsl.load():\n    pass\n", True),
        ("def main():\n    parsl.load()\n", False),
    ],
    ids=["module", "main-guard", "reversed-guard", "load", "with-load", "load-in-function"],
)
def test_is_script(tmp_path: Path, tail: str, script: bool) -> None:
    model = _model(tmp_path, "import parsl\n\n" + tail)
    assert model.is_script() is script


def test_global_reads_follow_python_scoping(tmp_path: Path) -> None:
    code = (
        "import json\nimport parsl\n\nK = 1\n\n\n"
        "def outer(c):\n"
        "    @parsl.python_app\n"
        "    def app(x, d=K):\n"
        "        import os\n"
        "        y: json.JSONDecoder = None\n"
        "        f = lambda q: q + c + K\n"
        "        return [os.sep, json.dumps(x), len(y), f(1)]\n"
        "    return app\n"
    )
    model = _model(tmp_path, code)
    [(function, info)] = model.app_functions()
    assert info.name == "app"
    names = [n.id for n in model.global_reads(function)]
    assert names == ["K", "json", "len"]
