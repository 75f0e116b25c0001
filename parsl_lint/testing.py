"""Runs a rule's VALID/INVALID examples (fixit's pattern); used by the parametrized test.

Each example is written into a temporary package (``example.py`` plus any sibling ``files``),
linted with only that rule enabled, and, for an INVALID example with ``fixed``, fixed: the
output must equal ``fixed``, compile, no longer trigger the rule, and be left alone by a
second fix (idempotence).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from parsl_lint.config import Settings
from parsl_lint.engine import Linter
from parsl_lint.fixer import fix_text
from parsl_lint.ftypes import Diagnostic, Outcome
from parsl_lint.rule import Invalid, Rule, Valid
from parsl_lint.rules import all_rules

MAIN = "example.py"


@dataclasses.dataclass(frozen=True)
class Case:
    rule: type[Rule]
    index: int
    example: Valid | Invalid

    @property
    def id(self) -> str:
        kind = "valid" if isinstance(self.example, Valid) else "invalid"
        return f"{self.rule.code}-{kind}-{self.example.id or self.index}"


def cases() -> Iterator[Case]:
    for rule in all_rules().values():
        for i, valid in enumerate(rule.VALID):
            yield Case(rule, i, valid)
        for i, invalid in enumerate(rule.INVALID):
            yield Case(rule, i, invalid)


def _linter(root: Path, example: Valid | Invalid, code: str) -> tuple[Linter, Path]:
    package = root / "examplepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in example.files.items():
        target = package / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    main = package / MAIN
    main.write_text(example.code)
    settings = Settings(project_root=root)
    files = sorted(package.rglob("*.py"))
    rule = all_rules()[code]
    return Linter.create(settings, {code, *rule.examples_enable}, files), main


def lint_example(root: Path, case: Case) -> tuple[list[Diagnostic], Linter, Path]:
    linter, main = _linter(root, case.example, case.rule.code)
    result, _ = linter.lint_file(main, MAIN)
    assert result.outcome is not Outcome.FAILED, result.error
    return [d for d in result.diagnostics if d.code == case.rule.code], linter, main


def check_case(root: Path, case: Case) -> None:
    """Assert everything the example promises; raises AssertionError with a readable message."""
    diagnostics, linter, main = lint_example(root, case)
    rows = tuple(d.location.row for d in diagnostics)
    example = case.example
    if isinstance(example, Valid):
        assert not diagnostics, f"{case.id}: expected no {case.rule.code}, got rows {rows}"
        return
    assert diagnostics, f"{case.id}: expected {case.rule.code}, got nothing"
    expected = example.expected(case.rule.code)
    if expected is not None:
        assert rows == expected, f"{case.id}: reported rows {rows}, expected {expected}"
    if example.messages is not None:
        got = tuple(d.message for d in diagnostics)
        assert got == example.messages, f"{case.id}: messages {got}, expected {example.messages}"
    for d in diagnostics:
        assert d.message.strip() and d.name == case.rule.name
        if d.fix is not None:
            assert case.rule.fixable, f"{case.id}: a fix from a rule not marked fixable"
    if example.fixed is None:
        return

    def lint(text: str) -> list[Diagnostic]:
        result = linter.lint_text(text, MAIN, main)
        assert result.outcome is not Outcome.FAILED, result.error
        return [d for d in result.diagnostics if d.code == case.rule.code]

    fixed = fix_text(example.code, MAIN, lint, unsafe=True)
    assert fixed.error is None, fixed.error
    assert fixed.fixed == example.fixed, f"{case.id}: fix produced\n{fixed.fixed}"
    compile(fixed.fixed, MAIN, "exec", dont_inherit=True)
    assert not [d for d in lint(fixed.fixed) if d.fix], f"{case.id}: still fixable after fixing"
    again = fix_text(fixed.fixed, MAIN, lint, unsafe=True)
    assert again.fixed == fixed.fixed, f"{case.id}: fixing twice changed the file"
