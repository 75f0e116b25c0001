"""The rule base class, its example types, and the context a rule reports through.

A rule is one class in one module of ``parsl_lint/rules/``: it declares its code, name, whether
it is on by default and fixable, its documentation (ruff's sections, as the docstring) and its
``VALID``/``INVALID`` examples, which the test-suite runs. Subclasses register themselves.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import ClassVar

from parsl_lint.config import Settings
from parsl_lint.ftypes import Applicability, Diagnostic, Edit, Fix, Location
from parsl_lint.model import FileModel
from parsl_lint.noqa import Directives

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


#: An expected finding, marked at the end of the line it is reported on (flake8-bugbear's eval
#: files): ``fut.result()  # PSL101``; two findings on one line: ``# PSL101 PSL101``.
EXPECT_MARKER = re.compile(r"#\s*(PSL\d{3}(?:[ ,]+PSL\d{3})*)\s*$")


#: The published rule pages: ``docs/rules/<CODE>.md`` of the project's repository.
RULE_DOCS_BASE = "https://github.com/parsl-lint/parsl-lint/blob/main/docs/rules/"


def rule_url(code: str) -> str:
    """The documentation page of rule ``code`` (JSON ``url``, SARIF ``helpUri``, LSP links)."""
    return f"{RULE_DOCS_BASE}{code}.md"


def example_text(code: str) -> str:
    """An example as written in a rule class: dedented, leading blank lines dropped."""
    return textwrap.dedent(code).lstrip("\n")


@dataclass(frozen=True)
class Valid:
    """Example code the rule must stay silent on. ``files`` adds sibling modules.

    ``code`` and each of ``files`` are dedented, so they can be written as indented
    triple-quoted strings; ``id`` names the case in the test report.
    """

    code: str
    id: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", example_text(self.code))
        object.__setattr__(self, "files", {k: example_text(v) for k, v in self.files.items()})


@dataclass(frozen=True)
class Invalid:
    """Example code the rule must report.

    The rows it is reported on are the lines that end in a ``# PSLnnn`` marker (``lines``
    overrides them, for a finding on a line that cannot carry a comment). ``messages``, when
    given, are the findings' messages in order; ``fixed`` is the fix's whole output. ``code``,
    ``fixed`` and each of ``files`` are dedented; ``id`` names the case in the test report.
    """

    code: str
    id: str | None = None
    lines: tuple[int, ...] | None = None
    messages: tuple[str, ...] | None = None
    fixed: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", example_text(self.code))
        object.__setattr__(self, "files", {k: example_text(v) for k, v in self.files.items()})
        if self.fixed is not None:
            object.__setattr__(self, "fixed", example_text(self.fixed))

    def marked(self, code: str) -> tuple[int, ...]:
        """The rows marked ``# code`` (a row twice for ``# code code``)."""
        rows: list[int] = []
        for row, line in enumerate(self.code.splitlines(), start=1):
            m = EXPECT_MARKER.search(line)
            if m:
                rows.extend(row for c in re.split(r"[ ,]+", m.group(1)) if c == code)
        return tuple(rows)

    def expected(self, code: str) -> tuple[int, ...] | None:
        """The rows ``code`` is expected on: ``lines``, else the marked rows (``None``: none)."""
        if self.lines is not None:
            return self.lines
        return self.marked(code) or None


class LineIndex:
    """Turns ``ast`` positions (1-based line, UTF-8 byte column) into rows and char columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for m in _LINE_BREAK.finditer(text):
            self.starts.append(m.end())

    def line(self, row: int) -> str:
        start = self.starts[row - 1] if row - 1 < len(self.starts) else len(self.text)
        end = self.starts[row] if row < len(self.starts) else len(self.text)
        return self.text[start:end]

    def location(self, lineno: int, col_offset: int) -> Location:
        line = self.line(lineno)
        column = len(line.encode("utf-8")[:col_offset].decode("utf-8", errors="replace"))
        return Location(lineno, column + 1)

    def offset(self, loc: Location) -> int:
        return self.starts[loc.row - 1] + loc.column - 1

    def segment(self, start: Location, end: Location) -> str:
        return self.text[self.offset(start) : self.offset(end)]


class RuleContext:
    """What a rule sees while checking one file: the model, the source and a way to report."""

    def __init__(self, model: FileModel, lines: LineIndex, path: str, settings: Settings):
        self.model = model
        self.lines = lines
        self.path = path
        self.settings = settings
        self.diagnostics: list[Diagnostic] = []
        #: The codes this run reports.
        self.enabled: frozenset[str] = frozenset()
        #: The file's suppression comments, once the other rules' findings went through them
        #: (set for the rules that run last, see ``Rule.runs_last``).
        self.directives: Directives | None = None

    def start(self, node: ast.AST) -> Location:
        return self.lines.location(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> Location:
        return self.lines.location(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def source(self, node: ast.AST) -> str:
        return self.lines.segment(self.start(node), self.end(node))

    def shown(self, node: ast.AST, limit: int = 40) -> str:
        """The source of ``node`` on one line, for a message (shortened when long)."""
        text = " ".join(self.source(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def edit(self, node: ast.AST, content: str) -> Edit:
        return Edit(content, self.start(node), self.end(node))

    def report(
        self,
        rule: Rule,
        node: ast.AST,
        message: str,
        fix: Fix | None = None,
    ) -> None:
        self.report_at(
            rule,
            self.start(node),
            self.end(node),
            message,
            fix,
            noqa_row=node.lineno,  # type: ignore[attr-defined]
        )

    def report_at(
        self,
        rule: Rule | type[Rule],
        start: Location,
        end: Location,
        message: str,
        fix: Fix | None = None,
        noqa_row: int | None = None,
    ) -> None:
        """Report a range that is not one node's (a comment, say)."""
        self.diagnostics.append(
            Diagnostic(
                code=rule.code,
                name=rule.name,
                message=message,
                path=self.path,
                location=start,
                end_location=end,
                fix=fix,
                url=rule.url(),
                noqa_row=noqa_row,
            )
        )


class Rule:
    """Base class of every rule; subclasses register themselves by their ``code``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    fix_applicability: ClassVar[Applicability] = Applicability.SAFE
    #: Runs after the other rules' findings went through the noqa comments (PSL001).
    runs_last: ClassVar[bool] = False
    #: Other codes enabled when this rule's examples run (PSL001 judges their suppression).
    examples_enable: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

    registry: ClassVar[dict[str, type[Rule]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not inspect.isabstract(cls) and "code" in cls.__dict__:
            if cls.code in Rule.registry and Rule.registry[cls.code] is not cls:
                raise RuntimeError(f"two rules claim {cls.code}")
            Rule.registry[cls.code] = cls

    def check(self, ctx: RuleContext) -> None:
        """Report every problem in the file through ``ctx.report``."""
        raise NotImplementedError

    @classmethod
    def url(cls) -> str:
        """Where the rule's documentation page is published (``docs/rules/CODE.md``)."""
        return rule_url(cls.code)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def help_text(cls) -> str:
        """What ``parsl-lint rule CODE`` prints (markdown): title, fixable/default, the docs."""
        default = "on" if cls.default_enabled else f"off (enable with `--extend-select {cls.code}`)"
        fixable = "yes" if cls.fixable else "no"
        return (
            f"# {cls.name} ({cls.code})\n\n"
            f"Fixable: {fixable}. Default: {default}.\n\n{cls.documentation()}"
        )
