"""PSL000 syntax-error: a file that cannot be parsed (reported by the engine, not a visitor)."""

from __future__ import annotations

import sys

from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: The grammar a message names: the running Python's (the engine parses with it).
_GRAMMAR = f"Python {sys.version_info[0]}.{sys.version_info[1]}"


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that cannot be read or parsed as Python: a syntax error, or bytes that are
    not valid in the file's encoding (UTF-8 unless a coding cookie says otherwise).

    ## Why is this bad?
    A file that does not parse cannot be checked, so every other rule is silent on it; the run
    goes on with the other files and reports this one.

    ## Example
    ```python
    def f(:
        pass
    ```

    ## Use instead
    ```python
    def f():
        pass
    ```

    ## Fix safety
    There is no fix.

    ## Options
    None.
    """

    code = "PSL000"
    name = "syntax-error"
    summary = "File cannot be parsed"
    VALID = [
        Valid(
            """
            x = 1
            """,
            id="module-that-parses",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import parsl


            def f(:  # PSL000
                pass
            """,
            id="unclosed-parameter-list",
            messages=(f"SyntaxError: invalid syntax (as {_GRAMMAR} parses it)",),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        """The engine reports PSL000 itself, before any rule runs."""
