"""PSL102 traceback-discarded: an ``except`` around a future's result logs only the message."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from parsl_lint.ftypes import Applicability, Edit, Fix
from parsl_lint.model import (
    CallFact,
    FileModel,
    handler_is_broad,
    handler_raises,
    handler_surfaces_traceback,
)
from parsl_lint.model.project import own_nodes
from parsl_lint.model.values import External, Module, Resource, Tup, Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_REPORT_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "fatal", "log"}
)
#: Calls that turn an exception into its message, and nothing more.
_MESSAGE_FUNCS = frozenset({"str", "repr", "format", "type"})
_LOGGING = (Module("logging"), External("logging"))


class TracebackDiscarded(Rule):
    """
    ## What it does
    Finds an `except ... as e` clause around `.result()` of a Parsl future that logs or prints
    only the error's message (`e`, `str(e)`, `repr(e)`, `f"{e}"`, `"%s", e`) and neither
    re-raises nor logs the traceback. The clause must catch the task's failure: a bare
    `except:`, `Exception`/`BaseException`, or one of Parsl's exception classes.

    Not reported inside a test function (`test_*`): a test that catches a task's failure
    usually expects it, and only checks that it happened. Nor where the `.result()` runs only
    after the same future's `.exception()` was found to be `None` (`if fut.exception() is
    None:`, the `else` of `if fut.exception():`, after `if fut.exception(): continue`): it
    cannot raise there, so the handler never sees the worker's error.

    ## Why is this bad?
    When a task fails, `.result()` re-raises the worker's exception, and its traceback is the
    only record of *where* on the worker it failed; for a dependency failure the message alone
    just says "Dependency failure for task 1". A handler that keeps only `str(e)` throws that
    away, and the run has to be repeated with more logging.

    ## Example
    ```python
    try:
        model = fut.result()
    except Exception as e:
        log.error(f"training failed: {e}")
    ```

    ## Use instead
    ```python
    try:
        model = fut.result()
    except Exception:
        log.exception("training failed")
    ```
    (or keep `log.error(...)` and pass `exc_info=True`).

    ## Fix safety
    Safe: `<logger>.error(...)` becomes `<logger>.exception(...)`. `Logger.exception` logs at
    the same ERROR level, with the same message and arguments, and adds the traceback of the
    exception being handled, so filters and handlers see what they saw before plus the
    traceback. The fix is offered only where that exception is the one caught: the call is a
    statement directly in the `except` body (not in a nested function or a nested `try`), and
    the receiver is a `logging.getLogger(...)` logger or the `logging` module. Other calls
    (`print`, `log.warning`) are reported without a fix.

    When PSL101 fixes a `.result()` inside the same `try` (it rewrites it to
    `unwrap_parsl_future(...)`), PSL101's fix wins and this one is not offered: the helper
    logs the failure with its root cause and traceback, and re-raises it, so `log.exception`
    would log the same failure a second time. After PSL101's fix the handler is no longer
    reported. With PSL101 not selected, this fix applies as usual.

    ## Options
    None.
    """

    code = "PSL102"
    name = "traceback-discarded"
    summary = "An except clause around a future's result drops the worker's traceback"
    fixable = True
    fix_applicability = Applicability.SAFE

    VALID = [
        # Checked first: a result whose future's exception() is None cannot raise, so the
        # handler never sees the worker's error.
        Valid(
            """
            import logging

            from parsl import python_app

            log = logging.getLogger(__name__)


            @python_app
            def train(x):
                return x * 2


            fut = train(1)
            try:
                if fut.exception() is None:
                    print(fut.result())
            except Exception as e:
                log.error(f"printing failed: {e}")
            for f in [train(2), train(3)]:
                if f.exception() is not None:
                    continue
                try:
                    print(f.result())
                except Exception as e:
                    log.error(f"printing failed: {e}")
            """,
            id="exception-checked-before-result",
        ),
        Valid(
            """
            import logging

            from parsl import python_app

            log = logging.getLogger(__name__)


            @python_app
            def train(x):
                return x * 2


            try:
                train(1).result()
            except Exception:
                log.exception("train failed")
            try:
                train(2).result()
            except Exception as e:
                log.error("train failed: %s", e, exc_info=True)
            try:
                train(3).result()
            except Exception as e:
                print(f"train failed: {e}")
                raise
            """,
            id="traceback-logged-or-error-re-raised",
        ),
        Valid(
            """
            import logging

            from parsl import python_app

            log = logging.getLogger(__name__)


            @python_app
            def train(x):
                return x * 2


            import concurrent.futures as cf

            errors = []
            try:
                train(1).result()
            except Exception as e:
                errors.append(e)
                print(e)
            with cf.ThreadPoolExecutor() as pool:
                try:
                    pool.submit(abs, 1).result()
                except Exception as e:
                    print(e)
            try:
                train(1).result()
            except KeyError as e:
                print(e)


            def test_failure_is_seen():
                try:
                    train(1).result()
                except Exception as e:
                    print(e)
            """,
            id="error-kept-or-not-a-task-failure-or-in-a-test",
        ),
    ]
    # The fixes of these two: testdata/fix/traceback_logger_error and
    # traceback_logging_module_error (before/after pairs, as long as the examples).
    INVALID = [
        Invalid(
            """
            import logging

            from parsl import python_app

            log = logging.getLogger(__name__)


            @python_app
            def train(x):
                return x * 2


            fut = train(1)
            try:
                print(fut.result())
            except Exception as e:
                log.error(f"train failed: {e}")  # PSL102
            """,
            id="log-error-with-the-message-only",
            messages=(
                "this handler keeps only the message of the error from `fut.result()` and drops "
                "the worker's traceback; use `log.exception(...)` or pass `exc_info=True`",
            ),
        ),
        Invalid(
            """
            import logging

            from parsl import python_app

            log = logging.getLogger(__name__)


            @python_app
            def train(x):
                return x * 2


            from parsl.app.errors import BashExitFailure
            import sys

            for i in range(3):
                try:
                    train(i).result()
                except (BashExitFailure, ValueError) as err:
                    print("task", i, "failed:", str(err))  # PSL102
                except:
                    logging.error("unexpected failure %s", repr(sys.exc_info()))
            try:
                train(9).result()
            except BaseException as exc:
                logging.error("failed: %s", exc)  # PSL102
            """,
            id="parsl-error-class-and-baseexception-handlers",
            messages=(
                "this handler keeps only the message of the error from `train(i).result()` and "
                "drops the worker's traceback; use `log.exception(...)` or pass `exc_info=True`",
                "this handler keeps only the message of the error from `train(9).result()` and "
                "drops the worker's traceback; use `log.exception(...)` or pass `exc_info=True`",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        seen: set[int] = set()
        for fact in model.method_calls("result"):
            if model.receiver_future(fact) is None or _in_test(model, fact):
                continue
            if model.known_to_succeed(fact):  # it cannot raise: nothing to lose
                continue
            for handler in _handlers(model, model.enclosing_trys(fact)):
                if id(handler) in seen:
                    continue
                seen.add(id(handler))
                call = _message_only(handler)
                if call is None:
                    continue
                recv = ctx.shown(fact.node.func.value)  # type: ignore[attr-defined]
                ctx.report(
                    self,
                    call,
                    f"this handler keeps only the message of the error from `{recv}.result()` "
                    "and drops the worker's traceback; use `log.exception(...)` or pass "
                    "`exc_info=True`",
                    fix=self._fix(ctx, handler, call),
                )

    def _fix(self, ctx: RuleContext, handler: ast.ExceptHandler, call: ast.Call) -> Fix | None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr != "error":
            return None
        if not any(isinstance(s, ast.Expr) and s.value is call for s in handler.body):
            return None
        if any(kw.arg in ("exc_info", None) for kw in call.keywords):
            return None
        fact = ctx.model.fact_of(call)
        receiver = fact.receiver if fact is not None else None
        if not (_is_logger(receiver) or receiver in _LOGGING):
            return None
        end = ctx.end(func)
        start = ctx.lines.location(func.end_lineno, func.end_col_offset - len("error"))  # type: ignore[arg-type]
        return Fix(
            "Log with `.exception(...)` to keep the traceback",
            (Edit("exception", start, end),),
            self.fix_applicability,
        )


def _handlers(model: FileModel, trys: list[ast.Try]) -> Iterator[ast.ExceptHandler]:
    """Handlers that may receive the task's failure, innermost ``try`` first."""
    for node in trys:
        for handler in node.handlers:
            if handler_is_broad(handler) or _parsl_error(model.handler_type(handler)):
                yield handler
        if any(handler_is_broad(h) and not handler_raises(h) for h in node.handlers):
            return  # a broad handler that does not re-raise: outer ones never see the error


def _in_test(model: FileModel, fact: CallFact) -> bool:
    """Inside a test function (``test_*``), where a caught task failure is usually the point."""
    func = model.enclosing_function(fact)
    return func is not None and func.name.startswith("test")


def _parsl_error(value: Value | None) -> bool:
    if isinstance(value, Tup):
        return any(_parsl_error(v) for v in value.items)
    return isinstance(value, External) and value.qualname.startswith("parsl.")


def _is_logger(value: Value | None) -> bool:
    return isinstance(value, Resource) and value.kind == "logger"


def _message_only(handler: ast.ExceptHandler) -> ast.Call | None:
    """The first logging/print call of a handler that reports only the caught error's message,
    provided the handler uses the error for nothing else and keeps no traceback."""
    name = handler.name
    if name is None or handler_raises(handler) or handler_surfaces_traceback(handler):
        return None
    uses = 0
    plain_uses = 0
    first: ast.Call | None = None
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Name) and node.id == name:
            uses += 1
    for node in own_nodes(handler.body):
        if not isinstance(node, ast.Call) or not _reports(node):
            continue
        parts = [*node.args, *(kw.value for kw in node.keywords)]
        mentions = sum(_mentions(p, name) for p in parts)
        if mentions and all(_plain(p, name) for p in parts):
            plain_uses += mentions
            if first is None or (node.lineno, node.col_offset) < (first.lineno, first.col_offset):
                first = node
    return first if first is not None and uses == plain_uses else None


def _reports(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr in _REPORT_METHODS
    return isinstance(func, ast.Name) and func.id == "print"


def _mentions(node: ast.AST, name: str) -> int:
    return sum(1 for n in ast.walk(node) if isinstance(n, ast.Name) and n.id == name)


def _plain(node: ast.AST, name: str) -> bool:
    """Every mention of ``name`` in ``node`` only turns the error into text."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_plain(v, name) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        spec = node.format_spec
        return _plain(node.value, name) and (spec is None or _plain(spec, name))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _plain(node.left, name) and _plain(node.right, name)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_plain(e, name) for e in node.elts)
    if isinstance(node, ast.Attribute):
        return _plain(node.value, name)
    if isinstance(node, ast.Subscript):
        return _plain(node.value, name) and _plain(node.slice, name)
    if isinstance(node, ast.Call):
        func = node.func
        parts = [*node.args, *(kw.value for kw in node.keywords)]
        textual = (isinstance(func, ast.Name) and func.id in _MESSAGE_FUNCS) or (
            isinstance(func, ast.Attribute) and func.attr == "format" and _plain(func.value, name)
        )
        if textual:
            return all(_plain(p, name) for p in parts)
    return not _mentions(node, name)
