"""PSL101 bare-result: ``.result()`` on a Parsl future, and its fix to ``unwrap_parsl_future``."""

from __future__ import annotations

import ast

from parsl_lint.ftypes import Applicability, Fix
from parsl_lint.model import CallFact
from parsl_lint.model.values import Future
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_MAX_NAME = 60


class BareResult(Rule):
    """
    ## What it does
    Finds `.result()` (with or without a timeout) called on a Parsl `AppFuture` or
    `DataFuture`, outside an error handler that already shows the traceback. That includes
    the future a callback receives from `fut.add_done_callback(callback)`.

    ## Why is this bad?
    When the task failed on a worker, `.result()` re-raises a second-hand error: a downstream
    task says only "Dependency failure for task 1. The representative cause is via task 0",
    the worker's traceback is one frame among many, and a bash app's stdout and stderr files
    are not mentioned at all. People lose hours finding the real cause.

    ## Example
    ```python
    fut = train(x)
    model = fut.result()
    ```

    ## Use instead
    ```python
    from parsl_lint.runtime import unwrap_parsl_future

    fut = train(x)
    model = unwrap_parsl_future(fut, "train")
    ```
    `unwrap_parsl_future` returns the same value and re-raises the same exception, after
    logging one block with the root cause, every failed upstream task, the remote traceback
    and, for a bash app, the tail of its stdout/stderr.

    Not reported: inside `unwrap_parsl_future` itself, inside a `try` whose broad handler
    already logs the traceback (`log.exception`, `exc_info=`, `traceback.print_exc()`, or
    logging followed by a bare `raise`), inside `pytest.raises(...)`/`assertRaises` (the failure
    is the point there), and inside an app body (PSL103 covers that). A `.result()` after a
    check of the same future's `.exception()` is still reported: the rewrite costs nothing
    there, and the branch that handles the failure is where the traceback tends to be lost.

    ## Fix safety
    Safe: the call keeps its value, its exception and its timeout (`fut.result(t)` becomes
    `unwrap_parsl_future(fut, "name", timeout=t)`). The fix adds an import of the helper, so the
    helper's module must be importable where the workflow runs (`pip install parsl-lint`, or
    point `helper` at a copy inside your project). No fix is offered when the call has other
    arguments or comments inside it, or when the file already binds the helper's name to
    something else.

    ## Options
    - `helper`: the `"module:function"` the fix calls and imports
      (default `"parsl_lint.runtime:unwrap_parsl_future"`).
    """

    code = "PSL101"
    name = "bare-result"
    summary = "`.result()` on a Parsl future hides the worker's error"
    fixable = True
    fix_applicability = Applicability.SAFE

    # What the model tracks (which expressions are futures, through decorators, containers,
    # fixtures, callbacks, ...) is tested in tests/model/; these examples test the rule: where
    # it stays quiet, what it says, and what its fix writes.
    VALID = [
        Valid(
            """
            import logging

            from parsl import python_app


            @python_app
            def train(x):
                return x * 2


            log = logging.getLogger(__name__)
            try:
                train(1).result()
            except Exception:
                log.exception("train failed")
            """,
            id="a-broad-handler-already-logs-the-traceback",
        ),
        Valid(
            """
            import pytest
            from parsl import python_app


            @python_app
            def train(x):
                return x * 2


            with pytest.raises(ValueError):
                train(1).result()
            """,
            id="failure-expected-inside-pytest-raises",
        ),
        Valid(
            """
            from parsl import python_app

            from parsl_lint.runtime import unwrap_parsl_future


            @python_app
            def train(x):
                return x * 2


            unwrap_parsl_future(train(1), "train")
            """,
            id="already-unwrapped",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def inner():
                return 1


            @python_app
            def outer():
                return inner().result()
            """,
            id="inside-an-app-body-psl103-reports-it",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import logging

            from parsl import python_app


            @python_app
            def train(x):
                return x * 2


            log = logging.getLogger(__name__)
            try:
                try:
                    train(1).result()  # PSL101
                except Exception as exc:
                    log.error("failed: %s", exc)
                try:
                    train(2).result()
                except Exception:
                    log.error("failed")
                    raise
            except Exception:
                log.exception("workflow failed")
            """,
            id="an-inner-handler-swallows-what-the-outer-would-log",
            messages=(
                "`train(1).result()` on a Parsl future hides the worker's real error; "
                "use `unwrap_parsl_future(train(1), name)` instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def train(x):
                return x * 2


            fut = train(1)
            print(fut.result())  # PSL101
            """,
            id="fix-names-the-task-after-the-app-and-the-variable",
            messages=(
                "`fut.result()` on a Parsl future hides the worker's real error; "
                "use `unwrap_parsl_future(fut, name)` instead",
            ),
            fixed="""
            from parsl import python_app
            from parsl_lint.runtime import unwrap_parsl_future


            @python_app
            def train(x):
                return x * 2


            fut = train(1)
            print(unwrap_parsl_future(fut, "train (fut)"))  # PSL101
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def train(x):
                return x * 2


            futs = [train(i) for i in range(3)]
            for i, f in enumerate(futs):
                f.result(timeout=10)  # PSL101
            """,
            id="fix-keeps-the-timeout-and-names-the-index",
            messages=(
                "`f.result()` on a Parsl future hides the worker's real error; "
                "use `unwrap_parsl_future(f, name)` instead",
            ),
            fixed="""
            from parsl import python_app
            from parsl_lint.runtime import unwrap_parsl_future


            @python_app
            def train(x):
                return x * 2


            futs = [train(i) for i in range(3)]
            for i, f in enumerate(futs):
                unwrap_parsl_future(f, f"train[{i}]", timeout=10)  # PSL101
            """,
        ),
        Invalid(
            """
            from .apps import train


            class Model:
                def fit(self, x):
                    return train(x)


            Model().fit(1).result(30)  # PSL101
            """,
            id="fix-of-a-positional-timeout-after-a-relative-import",
            files={
                "apps.py": """
                    from parsl import python_app


                    @python_app
                    def train(x):
                        return x * 2
                    """
            },
            messages=(
                "`Model().fit(1).result()` on a Parsl future hides the worker's real error; "
                "use `unwrap_parsl_future(Model().fit(1), name)` instead",
            ),
            fixed="""
            from .apps import train
            from parsl_lint.runtime import unwrap_parsl_future


            class Model:
                def fit(self, x):
                    return train(x)


            unwrap_parsl_future(Model().fit(1), "train", timeout=30)  # PSL101
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        helper = ctx.settings.helper_function
        for fact in model.method_calls("result"):
            receiver = model.receiver_future(fact)
            if receiver is None:
                continue
            if model.enclosing_app(fact) is not None:
                continue  # PSL103 owns .result() inside an app body
            if model.in_function_named(fact, helper) or model.in_function_named(
                fact, "unwrap_parsl_future"
            ):
                continue
            if model.traceback_surfaced(fact) or model.failure_expected(fact):
                continue
            call = fact.node
            recv = call.func.value  # type: ignore[attr-defined]
            text = " ".join(ctx.source(recv).split())
            called, shown = (f"{text}.result()", text) if len(text) <= 40 else (".result()", "fut")
            ctx.report(
                self,
                call,
                f"`{called}` on a Parsl future hides the worker's real error; "
                f"use `{helper}({shown}, name)` instead",
                fix=self._fix(ctx, fact, receiver),
            )

    def _fix(self, ctx: RuleContext, fact: CallFact, receiver: Future) -> Fix | None:
        call = fact.node
        recv = call.func.value  # type: ignore[attr-defined]
        timeout: ast.expr | None = None
        if call.keywords and (len(call.keywords) > 1 or call.keywords[0].arg != "timeout"):
            return None
        if call.args:
            if len(call.args) > 1 or call.keywords or isinstance(call.args[0], ast.Starred):
                return None
            timeout = call.args[0]
        elif call.keywords:
            timeout = call.keywords[0].value
        recv_text = ctx.source(recv)
        whole = ctx.source(call)
        tail = whole[len(recv_text) :]
        if "#" in tail.replace(ctx.source(timeout) if timeout is not None else "", ""):
            return None  # a comment inside the call would be lost
        helper_module = ctx.settings.helper_module
        helper = ctx.settings.helper_function
        imports: tuple[tuple[str, str], ...] = ()
        called = ctx.model.imported_as(helper_module, helper)  # already imported, maybe aliased
        if called is None:
            if ctx.model.project.symbol(ctx.model.module.name, helper) is not None:
                return None  # the file has its own ``unwrap_parsl_future``: leave it alone
            called, imports = helper, ((helper_module, helper),)
        name = _task_name(ctx, fact, recv, receiver)
        outer = ctx.model.in_fstring(call)
        if outer is not None:
            # Inside ``f"... {fut.result()} ..."``: before Python 3.12 the name may use
            # neither the f-string's quote nor a backslash.
            quote = _quote_of(ctx.source(outer))
            if quote == '"':
                name = _requote(name)
            if name is None or "\\" in name or quote is None:
                return None
        args = [recv_text, name]
        if timeout is not None:
            args.append(f"timeout={ctx.source(timeout)}")
        content = f"{called}({', '.join(args)})"
        return Fix(
            f"Replace with `{helper}(...)`",
            (ctx.edit(call, content),),
            self.fix_applicability,
            imports,
        )


def _task_name(ctx: RuleContext, fact: CallFact, recv: ast.expr, value: Future) -> str:
    """A string (or f-string) literal naming the task for a person reading the log."""
    app = value.app
    if isinstance(recv, ast.Name):
        index = ctx.model.index_variable(fact, recv.id)
        base = app or recv.id
        if index is not None:
            return _fstring([base, "[", (index,), "]"])
        if app is None or app == recv.id:
            return _literal(base)
        return _literal(f"{app} ({recv.id})")
    if isinstance(recv, ast.Subscript):
        base = app or " ".join(ctx.source(recv.value).split())
        key = recv.slice
        if isinstance(key, ast.Name):
            return _fstring([base, "[", (key.id,), "]"])
        return _literal(f"{base}[{' '.join(ctx.source(key).split())}]")
    if isinstance(recv, ast.Call) and app is not None:
        return _literal(app)
    text = " ".join(ctx.source(recv).split())
    if len(text) > _MAX_NAME:
        text = text[: _MAX_NAME - 3] + "..."
    return _literal(f"{app} ({text})" if app else text)


def _quote_of(literal: str) -> str | None:
    """The quote character a string literal's source opens with (after its prefix)."""
    body = literal.lstrip("rRbBuUfF")
    return body[0] if body[:1] in ("'", '"') else None


def _requote(literal: str) -> str | None:
    """A double-quoted literal built here, single-quoted instead (None when it holds a quote
    of either kind, which would need escaping)."""
    prefix, _, rest = literal.partition('"')
    body = rest[:-1]
    if "'" in body or '"' in body:
        return None
    return f"{prefix}'{body}'"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _literal(text: str) -> str:
    return f'"{_escape(text)}"'


def _fstring(parts: list[object]) -> str:
    out = []
    for part in parts:
        if isinstance(part, tuple):
            out.append("{" + str(part[0]) + "}")
        else:
            out.append(_escape(str(part)).replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(out) + '"'
