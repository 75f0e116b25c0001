"""Each rule's documentation page, rendered from its docstring: what ``parsl-lint rule`` prints
and what ``docs/rules/<CODE>.md`` holds (``Rule.url()`` links there), plus the index page.

``docs/generate.py`` writes the pages; a test fails, naming that command, when a page and its
rule's docstring disagree (a rule added, renamed, documented anew).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from parsl_lint.rule import Rule
from parsl_lint.rules import all_rules

#: Where the pages live, relative to the repository root.
DOCS_DIR = Path("docs") / "rules"
INDEX = "README.md"
#: The command that rewrites them.
GENERATE_COMMAND = "python docs/generate.py"


def rule_page(rule: type[Rule]) -> str:
    """One rule's page: ``Rule.help_text`` (its name and code, whether it is fixable and on by
    default, its documentation in ruff's sections), as a file ends."""
    return rule.help_text() + "\n"


def index_page(rules: Mapping[str, type[Rule]]) -> str:
    """The table of every rule, each code linking to its page."""
    rows = [
        "# Rules",
        "",
        f"Every rule of parsl-lint. Generated from the rules' docstrings by `{GENERATE_COMMAND}`;",
        "`parsl-lint rule CODE` (or `NAME`) prints the same page, `parsl-lint rule --all` all of",
        "them.",
        "",
        "| code | name | what it finds | fix | default |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, rule in rules.items():
        fix = "yes" if rule.fixable else "—"
        default = "on" if rule.default_enabled else "off"
        rows.append(f"| [{code}]({code}.md) | {rule.name} | {rule.summary} | {fix} | {default} |")
    return "\n".join(rows) + "\n"


def pages() -> dict[str, str]:
    """Every page by file name: one per rule and the index."""
    rules = all_rules()
    out = {f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    out[INDEX] = index_page(rules)
    return out


def find_rule(name_or_code: str) -> type[Rule] | None:
    """A rule by its code (any case) or its name (``bare-result``)."""
    rules = all_rules()
    wanted = name_or_code.strip()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    for rule in rules.values():
        if rule.name == wanted.lower():
            return rule
    return None


def stale_pages(directory: Path) -> list[str]:
    """The files of ``directory`` that differ from what the rules say (missing, changed, or a
    page of a rule that no longer exists)."""
    expected = pages()
    stale = []
    for name, text in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    for path in sorted(directory.glob("*.md")):
        if path.name not in expected:
            stale.append(path.name)
    return sorted(stale)


def write_pages(directory: Path) -> list[str]:
    """Write every page (and remove pages of rules that no longer exist); returns the names of
    the files changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = stale_pages(directory)
    expected = pages()
    for name in changed:
        path = directory / name
        if name in expected:
            path.write_text(expected[name], encoding="utf-8")
        else:
            path.unlink()
    return changed
