"""Every rule's VALID and INVALID examples, and its documentation, from one parametrized test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from parsl_lint.rules import all_rules
from parsl_lint.testing import Case, cases, check_case

CASES = list(cases())
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options")
#: A case id: readable kebab-case words (``executor-keyword-at-call-time``).
EXAMPLE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Rules whose examples were written the old way (ids by position, rows by number, no
#: messages) and are being converted separately. Such a rule is let off only while none of its
#: examples has an id: once one has, it is held to the new format like every other.
OLD_FORMAT = {"PSL101": "bare_result.py's examples are being converted separately"}


def _old_format(code: str) -> bool:
    rule = all_rules()[code]
    return code in OLD_FORMAT and all(e.id is None for e in (*rule.VALID, *rule.INVALID))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case: Case, tmp_path: Path) -> None:
    check_case(tmp_path, case)


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_documentation(code: str) -> None:
    rule = all_rules()[code]
    doc = rule.documentation()
    headings = re.findall(r"^## (.+)$", doc, flags=re.MULTILINE)
    assert tuple(headings) == SECTIONS, f"{code} sections: {headings}"
    assert re.fullmatch(r"PSL\d{3}", code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name
    assert rule.summary and not rule.summary.endswith(".")
    assert rule.VALID and rule.INVALID, f"{code} needs VALID and INVALID examples"
    options = doc.split("## Options", 1)[1]
    for option in re.findall(r"^- `([a-z-]+)`", options, flags=re.MULTILINE):
        from parsl_lint.config import Settings

        assert option.replace("-", "_") in Settings.__dataclass_fields__, option


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_examples_are_named(code: str) -> None:
    """Every example has a readable id, unique within its rule (the report names the case)."""
    if _old_format(code):
        pytest.skip(OLD_FORMAT[code])
    rule = all_rules()[code]
    unnamed = [
        f"{kind} #{i}"
        for kind, examples in (("VALID", rule.VALID), ("INVALID", rule.INVALID))
        for i, example in enumerate(examples)
        if example.id is None
    ]
    assert not unnamed, f"{code}: examples without an id: {unnamed}"
    names = [example.id or "" for example in (*rule.VALID, *rule.INVALID)]
    bad = [name for name in names if not EXAMPLE_ID.fullmatch(name)]
    assert not bad, f"{code}: ids that are not kebab-case words: {bad}"
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"{code}: ids used twice: {repeated}"


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_invalid_examples_say_where_and_what(code: str) -> None:
    """Rows by markers or ``lines=``, never both; the messages are asserted."""
    for example in all_rules()[code].INVALID:
        name = example.id or "?"
        marked = example.marked(code)
        assert example.lines is None or not marked, (
            f"{code}-invalid-{name}: both lines={example.lines} and markers on rows {marked}"
        )
        if not _old_format(code):
            assert example.lines is not None or marked, f"{code}-invalid-{name}: no rows marked"
            assert example.messages is not None, f"{code}-invalid-{name}: no messages="


def test_every_rule_has_a_module() -> None:
    from parsl_lint import rules as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py")} - {"__init__"}
    assert len(modules) == len(all_rules())


def test_rules_do_not_import_each_other() -> None:
    """What two rules share lives in the model or the rule context, not inside one rule."""
    from parsl_lint import rules as package

    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            shared = [n for n in names if n.startswith("parsl_lint.rules")]
            assert not shared, f"{path.name} imports {shared}"
