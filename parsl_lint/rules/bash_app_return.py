"""PSL205 bash-app-return: a ``@bash_app`` body that can finish without a command string."""

from __future__ import annotations

import ast
import re

from parsl_lint.model.project import FunctionNode, own_nodes
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
#: Calls that never return (a body ending in one does not fall off its end).
_NO_RETURN = frozenset(
    {
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "os.abort",
        "pytest.fail",
        "pytest.skip",
        "pytest.exit",
        "pytest.xfail",
    }
)


class BashAppReturn(Rule):
    """
    ## What it does
    Finds `@bash_app` functions (and functions passed to `bash_app(f)`) whose body can finish
    without returning a command string: there is no `return` at all, a `return` or
    `return None` (or another non-string constant), or a path through the body that falls
    off its end.

    ## Why is this bad?
    Parsl runs the string a bash app *returns* as a shell command. Without one, every task
    fails on the worker with `ValueError: Expected a str for bash_app commandline, got <class
    'NoneType'>`, visible only at `.result()`. Printing or building the command without
    returning it is an easy slip.

    ## Example
    ```python
    @bash_app
    def compress(path):
        command = f"gzip {path}"
    ```

    ## Use instead
    ```python
    @bash_app
    def compress(path):
        return f"gzip {path}"
    ```

    ## Fix safety
    No fix: what the command should be is for a person to decide.

    ## Options
    None.
    """

    code = "PSL205"
    name = "bash-app-return"
    summary = "Bash app that does not return a command string"

    VALID = [
        # Parsl before 1.0 ran the bash app's ``cmd_line`` variable.
        Valid(
            """
            from parsl import App


            @App('bash', None)
            def setup():
                cmd_line = 'export PATH=$PWD/app:$PATH'
            """,
            id="pre-1-0-bash-app-sets-cmd-line",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def echo(msg):
                return f'echo {msg}'
            """,
            id="returns-f-string",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def pick(flag):
                if flag:
                    return 'true'
                else:
                    return 'false'
            """,
            id="both-branches-return",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def check(x):
                if x < 0:
                    raise ValueError(x)
                return f'echo {x}'
            """,
            id="raises-or-returns",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def guarded(x):
                try:
                    return f'run {x}'
                except KeyError:
                    raise
            """,
            id="try-returns-except-re-raises",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def compute(x):
                print(x)
            """,
            id="python-app-returns-nothing",
        ),
        Valid(
            """
            def bash_app(f):
                return f


            @bash_app
            def helper():
                print('hi')
            """,
            id="project-decorator-named-bash-app",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def forever():
                while True:
                    return 'sleep 1'
            """,
            id="endless-loop-returns",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import bash_app


            @bash_app
            def compress(path):  # PSL205
                command = f'gzip {path}'
            """,
            id="command-built-but-not-returned",
            messages=(
                "bash app `compress` never returns a command string, so its tasks fail with "
                "ValueError; return the command line as a str",
            ),
        ),
        Invalid(
            """
            from parsl import bash_app


            @bash_app
            def maybe(flag):  # PSL205
                if flag:
                    return 'true'
            """,
            id="falls-off-the-end-of-one-branch",
            messages=(
                "bash app `maybe` can reach the end of its body without returning a command "
                "string, so its tasks fail with ValueError; return the command line as a str",
            ),
        ),
        Invalid(
            """
            from parsl import bash_app


            @bash_app
            def nothing(x):
                if x:
                    return  # PSL205
                return None  # PSL205
            """,
            id="bare-return-and-return-none",
            messages=(
                "bash app `nothing` returns None here instead of a command string, so the task "
                "fails with ValueError; return the command line as a str",
                "bash app `nothing` returns None here instead of a command string, so the task "
                "fails with ValueError; return the command line as a str",
            ),
        ),
        Invalid(
            """
            import parsl


            def body(x):  # PSL205
                print(x)


            run = parsl.bash_app(body)
            """,
            id="functional-bash-app-never-returns",
            messages=(
                "bash app `body` never returns a command string, so its tasks fail with "
                "ValueError; return the command line as a str",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for function, info in ctx.model.app_functions():
            if info.kind != "bash" or info.legacy or isinstance(function, ast.AsyncFunctionDef):
                continue
            if isinstance(function, ast.Lambda):
                if _not_a_string(function.body):
                    ctx.report(self, function.body, _returns_message(info.name, function.body))
                continue
            returns = [
                n
                for n in own_nodes(function.body)
                if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom))
            ]
            if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in returns):
                continue  # a generator: PSL301's business
            for node in returns:
                if isinstance(node, ast.Return) and (
                    node.value is None or _not_a_string(node.value)
                ):
                    ctx.report(self, node, _returns_message(info.name, node.value))
            if not _always_exits(function.body):
                has_return = any(isinstance(n, ast.Return) for n in returns)
                problem = (
                    "can reach the end of its body without returning"
                    if has_return
                    else "never returns"
                )
                ctx.report(
                    self,
                    _name_node(ctx, function),
                    f"bash app `{info.name}` {problem} a command string, so its tasks fail "
                    "with ValueError; return the command line as a str",
                )


def _returns_message(app: str, value: ast.expr | None) -> str:
    constant = value.value if isinstance(value, ast.Constant) else None
    what = "None" if constant is None else f"a {type(constant).__name__}"
    return (
        f"bash app `{app}` returns {what} here instead of a command string, so the task "
        "fails with ValueError; return the command line as a str"
    )


def _not_a_string(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and not isinstance(value.value, str)


def _always_exits(body: list[ast.stmt]) -> bool:
    """Every path through ``body`` ends in ``return``/``raise`` (or a call that never returns)."""
    return any(_exits(stmt) for stmt in body)


def _exits(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Return, ast.Raise)):
        return True
    if isinstance(stmt, ast.If):
        return _always_exits(stmt.body) and _always_exits(stmt.orelse)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return _always_exits(stmt.body)
    if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        if _always_exits(stmt.finalbody):  # type: ignore[attr-defined]
            return True
        normal = _always_exits(stmt.body) or _always_exits(stmt.orelse)  # type: ignore[attr-defined]
        return normal and all(_always_exits(h.body) for h in stmt.handlers)  # type: ignore[attr-defined]
    if isinstance(stmt, ast.While):
        endless = isinstance(stmt.test, ast.Constant) and bool(stmt.test.value)
        return endless and not _breaks(stmt.body)
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return _always_exits(stmt.orelse) and not _breaks(stmt.body)
    if type(stmt).__name__ == "Match":
        cases = stmt.cases  # type: ignore[attr-defined]
        irrefutable = any(
            type(c.pattern).__name__ == "MatchAs" and c.pattern.pattern is None and c.guard is None
            for c in cases
        )
        return irrefutable and all(_always_exits(c.body) for c in cases)
    if isinstance(stmt, ast.Assert):
        return isinstance(stmt.test, ast.Constant) and not stmt.test.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _dotted(stmt.value.func) in _NO_RETURN
    return False


def _breaks(body: list[ast.stmt]) -> bool:
    """A ``break`` that leaves this loop (not one of a nested loop)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (*_FUNCTIONS, ast.For, ast.AsyncFor, ast.While)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _name_node(ctx: RuleContext, function: FunctionNode) -> ast.AST:
    """A node spanning the function's name in ``def name(``, to report on."""
    if isinstance(function, ast.Lambda):
        return function
    line = ctx.lines.line(function.lineno)
    raw = line.encode("utf-8")
    start = len(raw[: function.col_offset].decode("utf-8", errors="replace"))
    m = re.compile(r"def\s+(" + re.escape(function.name) + r")\b").search(line, start)
    if m is None:
        return function
    node = ast.Name(id=function.name, ctx=ast.Load())
    node.lineno = node.end_lineno = function.lineno
    node.col_offset = len(line[: m.start(1)].encode("utf-8"))
    node.end_col_offset = len(line[: m.end(1)].encode("utf-8"))
    return node
