"""Suppression comments: a line's ``# noqa`` and a file's ``# parsl-lint: noqa``, read as ruff
reads them, and which of them suppressed something (for PSL001 unused-noqa).

* ``# noqa`` suppresses every rule on its line, ``# noqa: PSL101, PSL102`` (or a prefix,
  ``PSL1``) those rules. ``# noqa PSL101`` (no colon) and ``# noqa:`` (no codes) suppress
  every rule too, with a warning, as ruff does.
* ``# parsl-lint: noqa`` (a comment of its own, anywhere in the file) exempts the whole file,
  ``# parsl-lint: noqa: PSL101`` exempts it from those rules; flake8's ``# flake8: noqa``
  (which users already write) is read the same way.

Only comments count: the source is tokenized (when it mentions ``noqa`` at all), so a string
holding ``# noqa`` suppresses nothing. A file Python's tokenizer rejects falls back to
searching each line's text.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

from parsl_lint.ftypes import FILE_NOQA_RE, NOQA_RE, Diagnostic

__all__ = ["Directive", "Directives", "parse_directives"]

#: The codes this tool owns (a noqa comment may also list other linters' codes, like E501).
OWN_PREFIX = "PSL"
_SPLIT = re.compile(r"[\s,]+")


@dataclass
class Directive:
    """One ``# noqa`` (``file=False``) or file exemption (``file=True``) comment.

    ``start``/``end`` are 0-based character columns of the directive on its row (``end`` is
    just past its last code); ``codes`` is ``None`` for a blanket directive. ``code_spans``
    gives each code's columns, for a fix that removes some of them.
    """

    row: int
    start: int
    end: int
    codes: tuple[str, ...] | None
    file: bool = False
    tool: str = "noqa"
    code_spans: tuple[tuple[str, int, int], ...] = ()
    #: The comment is nothing but this directive, on a line of its own.
    own_line: bool = False
    used_blanket: bool = False
    used: set[str] = field(default_factory=set)

    def matches(self, code: str) -> str | None:
        """The listed code or prefix that covers ``code`` (``""`` for a blanket directive)."""
        if self.codes is None:
            return ""
        for listed in self.codes:
            if code.startswith(listed):
                return listed
        return None

    def suppress(self, code: str) -> bool:
        listed = self.matches(code)
        if listed is None:
            return False
        if listed:
            self.used.add(listed)
        else:
            self.used_blanket = True
        return True


@dataclass
class Directives:
    """Every directive of one file, by row, and the warnings reading them produced."""

    lines: dict[int, Directive] = field(default_factory=dict)
    files: list[Directive] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def suppresses(self, diagnostic: Diagnostic) -> bool:
        """Whether a directive suppresses ``diagnostic``; each one that does is marked used.
        A file that cannot be parsed (PSL000) is never suppressed by a comment in it."""
        if diagnostic.code == "PSL000":
            return False
        found = False
        for directive in self.files:
            found = directive.suppress(diagnostic.code) or found
        row = diagnostic.noqa_row or diagnostic.location.row
        line = self.lines.get(row)
        if line is not None:
            found = line.suppress(diagnostic.code) or found
        return found

    def __iter__(self) -> Iterator[Directive]:
        yield from self.files
        yield from sorted(self.lines.values(), key=lambda d: d.row)


def parse_directives(text: str, path: str = "") -> Directives:
    """The directives in ``text`` (a file's source); ``path`` names it in warnings."""
    found = Directives()
    if "noqa" not in text.lower():
        return found
    for row, column, comment, own_line in _comments(text):
        file_match = FILE_NOQA_RE.match(comment)
        if file_match is not None:
            found.files.append(_file_directive(file_match, row, column, own_line))
            continue
        match = NOQA_RE.search(comment)
        if match is None or row in found.lines:
            continue
        directive, warning = _line_directive(match, row, column)
        found.lines[row] = directive
        if warning:
            where = f"{path}:{row}" if path else f"line {row}"
            found.warnings.append(f"invalid `# noqa` directive on {where}: {warning}")
    return found


def _file_directive(match: re.Match[str], row: int, column: int, own_line: bool) -> Directive:
    codes = match.group("codes")
    return Directive(
        row=row,
        start=column,
        end=column + match.end(),
        codes=_codes(codes) if codes else None,
        file=True,
        tool=match.group("tool").lower(),
        code_spans=_spans(match, "codes", column),
        own_line=own_line,
    )


def _line_directive(match: re.Match[str], row: int, column: int) -> tuple[Directive, str | None]:
    warning = None
    codes: tuple[str, ...] | None = None
    if match.group("loose"):
        warning = (
            "expected `:` followed by a comma-separated list of codes "
            f"(e.g. `# noqa: {match.group('loose').upper()}`); it suppresses every rule"
        )
    elif match.group("sep") is not None and not match.group("codes"):
        warning = (
            "expected a comma-separated list of codes after `# noqa:`; it suppresses every rule"
        )
    elif match.group("codes"):
        codes = _codes(match.group("codes"))
    end = match.end("codes") if codes else match.end("marker")
    directive = Directive(
        row=row,
        start=column + match.start(),
        end=column + end,
        codes=codes,
        code_spans=_spans(match, "codes", column) if codes else (),
    )
    return directive, warning


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.upper() for c in _SPLIT.split(text.strip()) if c)


def _spans(match: re.Match[str], group: str, column: int) -> tuple[tuple[str, int, int], ...]:
    text = match.group(group)
    if not text:
        return ()
    base = column + match.start(group)
    return tuple(
        (m.group().upper(), base + m.start(), base + m.end())
        for m in re.finditer(r"[A-Za-z]+[0-9]+", text)
    )


def _comments(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """``(row, column, text, alone on its line)`` of every comment holding ``noqa``."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        yield from _comments_by_line(text)
        return
    lines = text.splitlines()
    for tok in tokens:
        if tok.type == tokenize.COMMENT and "noqa" in tok.string.lower():
            (row, column) = tok.start
            before = lines[row - 1][:column] if row - 1 < len(lines) else ""
            yield row, column, tok.string, not before.strip()


def _comments_by_line(text: str) -> Iterator[tuple[int, int, str, bool]]:
    for row, line in enumerate(text.splitlines(), start=1):
        if "noqa" in line.lower():
            at = line.find("#")
            if at >= 0:
                yield row, at, line[at:], not line[:at].strip()
