"""Every rule's VALID and INVALID examples, and its documentation, from one parametrized test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parsl_lint.rules import all_rules
from parsl_lint.testing import Case, cases, check_case

CASES = list(cases())
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options")


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


def test_every_rule_has_a_module() -> None:
    from parsl_lint import rules as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py")} - {"__init__"}
    assert len(modules) == len(all_rules())
