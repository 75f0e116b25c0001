"""PSL001 unused-noqa: a ``# noqa`` or ``# parsl-lint: noqa`` that suppresses nothing, or names
a code no rule has (ruff's RUF100, for this tool's codes)."""

from __future__ import annotations

from parsl_lint.config import is_valid_selector
from parsl_lint.ftypes import Edit, Fix, Location
from parsl_lint.noqa import OWN_PREFIX, Directive
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid


class UnusedNoqa(Rule):
    """
    ## What it does
    Finds suppression comments that do nothing: a `# noqa: PSL101` on a line where PSL101 is
    not reported, a `# parsl-lint: noqa` (or `# parsl-lint: noqa: PSL101`) in a file where it
    suppresses nothing, and codes in either that no rule has (`# noqa: PSL999`).

    ## Why is this bad?
    A stale `# noqa` outlives the code it was written for and then hides the next real finding
    on that line; a mistyped code suppresses nothing while looking as if it did.

    Only this tool's codes (`PSL...`) are judged: `# noqa: E501` and a bare `# noqa` may be
    there for another linter, and `# flake8: noqa` is flake8's. A code of a rule that is not
    enabled in the run is left alone (ruff's RUF100 reports it), so a run with a narrow
    `--select` never strips the comments the full run needs.

    ## Example
    ```python
    total = sum(values)  # noqa: PSL101
    ```

    ## Use instead
    ```python
    total = sum(values)
    ```

    ## Fix safety
    The fix removes the unused codes, or the whole comment when none is left; it is safe.
    Text after the directive in the same comment is kept.

    ## Options
    None. The rule is off by default: enable it with `--extend-select PSL001`.
    """

    code = "PSL001"
    name = "unused-noqa"
    summary = "A noqa directive that suppresses nothing or names an unknown code"
    default_enabled = False
    fixable = True
    runs_last = True
    examples_enable = ("PSL101",)

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app
            def double(x):
                return 2 * x


            value = double(1).result()  # noqa: PSL101
            other = double(2).result()  # noqa
            """,
            id="directive-suppresses-a-finding",
        ),
        Valid(
            """
            import os  # noqa: F401

            import parsl

            very_long_name = parsl.__name__  # noqa: E501
            blanket = 1  # noqa
            """,
            id="other-linters-codes-and-bare-noqa-are-theirs",
        ),
        Valid(
            """
            # flake8: noqa
            import parsl

            print(parsl.__version__)
            """,
            id="flake8-file-exemption-is-flake8s",
        ),
        Valid(
            """
            # parsl-lint: noqa: PSL1
            from parsl import python_app


            @python_app
            def double(x):
                return 2 * x


            value = double(1).result()
            """,
            id="file-exemption-by-prefix-is-used",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import parsl

            total = 1 + 2  # noqa: PSL101  # PSL001
            """,
            id="code-on-a-line-without-findings",
            messages=("Unused `noqa` directive (unused: `PSL101`); remove it",),
            fixed="""
            import parsl

            total = 1 + 2  # PSL001
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def double(x):
                return 2 * x


            value = double(1).result()  # noqa: PSL101, PSL999  # PSL001
            """,
            id="unknown-code-beside-a-used-one",
            messages=("Unused `noqa` directive (unknown: `PSL999`); remove `PSL999`",),
            fixed="""
            from parsl import python_app


            @python_app
            def double(x):
                return 2 * x


            value = double(1).result()  # noqa: PSL101  # PSL001
            """,
        ),
        Invalid(
            """
            import parsl

            width = 1  # noqa: E501, PSL101 keep the line long  # PSL001
            """,
            id="other-linters-code-kept",
            messages=("Unused `noqa` directive (unused: `PSL101`); remove `PSL101`",),
            fixed="""
            import parsl

            width = 1  # noqa: E501 keep the line long  # PSL001
            """,
        ),
        Invalid(
            """
            import parsl
            # parsl-lint: noqa  # PSL001

            print(parsl.__version__)
            """,
            id="file-exemption-that-suppresses-nothing",
            messages=(
                "Unused file-level `# parsl-lint: noqa`: nothing in this file is reported; "
                "remove it",
            ),
        ),
        Invalid(
            """
            import parsl
            # parsl-lint: noqa: PSL101

            print(parsl.__version__)
            """,
            id="file-exemption-by-code-removed-with-its-line",
            lines=(2,),
            messages=(
                "Unused file-level `# parsl-lint: noqa` directive (unused: `PSL101`); remove it",
            ),
            fixed="""
            import parsl

            print(parsl.__version__)
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        if ctx.directives is None:
            return
        known = Rule.registry.keys() | {"PSL000"}
        for directive in ctx.directives:
            if directive.file and directive.tool != "parsl-lint":
                continue  # flake8's exemption belongs to flake8
            if directive.codes is None:
                if directive.file and not directive.used_blanket:
                    self._report_blanket_file(ctx, directive)
                continue  # a bare noqa comment on a line may be there for another linter
            unknown, unused = [], []
            for listed in dict.fromkeys(directive.codes):
                if not listed.startswith(OWN_PREFIX):
                    continue
                if not is_valid_selector(listed, known):
                    unknown.append(listed)
                elif listed not in directive.used and _enabled(listed, ctx.enabled):
                    unused.append(listed)
            if unknown or unused:
                self._report_codes(ctx, directive, unknown, unused)

    def _report_blanket_file(self, ctx: RuleContext, directive: Directive) -> None:
        ctx.report_at(
            self,
            Location(directive.row, directive.start + 1),
            Location(directive.row, directive.end + 1),
            "Unused file-level `# parsl-lint: noqa`: nothing in this file is reported; remove it",
            Fix("Remove the unused file-level `noqa` directive", _remove(ctx, directive)),
            noqa_row=directive.row,
        )

    def _report_codes(
        self, ctx: RuleContext, directive: Directive, unknown: list[str], unused: list[str]
    ) -> None:
        drop = {*unknown, *unused}
        keep = [c for c, _, _ in directive.code_spans if c not in drop]
        details = "; ".join(
            f"{label}: {', '.join(f'`{c}`' for c in codes)}"
            for label, codes in (("unused", unused), ("unknown", unknown))
            if codes
        )
        removed = ", ".join(f"`{c}`" for c in (*unused, *unknown))
        advice = "remove it" if not keep else f"remove {removed}"
        kind = "file-level `# parsl-lint: noqa` directive" if directive.file else "`noqa` directive"
        if keep:
            first, last = directive.code_spans[0][1], directive.code_spans[-1][2]
            edits: tuple[Edit, ...] = (
                Edit(
                    ", ".join(keep),
                    Location(directive.row, first + 1),
                    Location(directive.row, last + 1),
                ),
            )
            title = f"Remove {removed} from the `noqa` directive"
        else:
            edits, title = _remove(ctx, directive), "Remove the unused `noqa` directive"
        ctx.report_at(
            self,
            Location(directive.row, directive.start + 1),
            Location(directive.row, directive.end + 1),
            f"Unused {kind} ({details}); {advice}",
            Fix(title, edits),
            noqa_row=directive.row,
        )


def _enabled(listed: str, enabled: frozenset[str]) -> bool:
    return any(code.startswith(listed) for code in enabled)


def _remove(ctx: RuleContext, directive: Directive) -> tuple[Edit, ...]:
    """The edits that delete a directive: its whole line when the line holds nothing else,
    else the directive and the blanks before it (text after it in the comment is kept)."""
    row = directive.row
    line = ctx.lines.line(row).rstrip("\r\n")
    rest = line[directive.end :]
    if directive.own_line and not rest.strip():
        if row < len(ctx.lines.starts):
            return (Edit("", Location(row, 1), Location(row + 1, 1)),)
        return (Edit("", Location(row, 1), Location(row, len(line) + 1)),)
    if rest.strip() and not rest.lstrip().startswith("#"):
        # "noqa: PSL101 why" becomes "why": the comment's own words stay a comment
        end = directive.end + len(rest) - len(rest.lstrip())
        return (Edit("# ", Location(row, directive.start + 1), Location(row, end + 1)),)
    start = len(line[: directive.start].rstrip(" \t"))
    end = directive.end if rest.strip() else len(line)
    return (Edit("", Location(row, start + 1), Location(row, end + 1)),)
