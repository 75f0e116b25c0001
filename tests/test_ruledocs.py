"""The rule pages in docs/rules/ match the rules' docstrings, and every link points at one."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsl_lint.ftypes import Applicability
from parsl_lint.rule import Rule, RuleContext, rule_url
from parsl_lint.ruledocs import DOCS_DIR, GENERATE_COMMAND, INDEX, pages, stale_pages
from parsl_lint.rules import all_rules

REPO = Path(__file__).resolve().parents[1]


def test_rule_pages_are_in_sync_with_the_rules() -> None:
    stale = stale_pages(REPO / DOCS_DIR)
    assert not stale, (
        f"{DOCS_DIR} is out of date ({', '.join(stale)}): run `{GENERATE_COMMAND}` and commit "
        "the pages"
    )


def test_a_new_rule_makes_the_pages_stale_until_they_are_generated(tmp_path: Path) -> None:
    for name, text in pages().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert stale_pages(tmp_path) == []

    class LateRule(Rule):
        """
        ## What it does
        A rule another engineer adds later.
        """

        code = "PSL999"
        name = "late-rule"
        summary = "A rule added after the pages were written"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> None:
            pass

    try:
        assert stale_pages(tmp_path) == ["PSL999.md", INDEX]
    finally:
        del Rule.registry["PSL999"]
    assert stale_pages(tmp_path) == []
    (tmp_path / "PSL998.md").write_text("a rule that is gone\n")
    assert stale_pages(tmp_path) == ["PSL998.md"]


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_links_to_its_page(code: str) -> None:
    rule = all_rules()[code]
    assert rule.url() == rule_url(code)
    assert rule.url().endswith(f"/{DOCS_DIR.as_posix()}/{code}.md")
    assert (REPO / DOCS_DIR / f"{code}.md").is_file()
    index = (REPO / DOCS_DIR / INDEX).read_text(encoding="utf-8")
    assert f"[{code}]({code}.md)" in index


def test_project_urls_point_at_the_repository_the_links_use() -> None:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    repository = project["urls"]["Repository"]
    assert rule_url("PSL101").startswith(repository + "/blob/")
