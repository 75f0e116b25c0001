"""What a branch, a condition or a loop header tells the evaluator about the flow.

A block that ends in ``return``/``raise``/``continue``/``break`` does not flow on; a test such
as ``f.exception() is None`` proves, in one branch, that a future succeeded (its
``.result()`` cannot raise there); ``for i, f in enumerate(futs)`` pairs each future with its
index. Pure functions of syntax and values.
"""

from __future__ import annotations

import ast

from parsl_lint.model.syntax import target_names
from parsl_lint.model.values import Value


def terminates(body: list[ast.stmt]) -> bool:
    """The block ends in ``return``/``raise``/``continue``/``break``: it does not flow on."""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def succeeded_when(test: ast.expr) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The futures (``ast.dump`` of each receiver) a test proves succeeded when it is true,
    and when it is false: ``f.exception() is None``, ``not f.exception()``, ``f.exception()
    is not None``, and ``and``/``or`` of such tests."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        when_true, when_false = succeeded_when(test.operand)
        return when_false, when_true
    if isinstance(test, ast.BoolOp):
        parts = [succeeded_when(v) for v in test.values]
        if isinstance(test.op, ast.And):  # all true: each part's true case holds
            return tuple(g for p in parts for g in p[0]), ()
        return (), tuple(g for p in parts for g in p[1])  # all false
    failed = exception_receiver(test)  # ``if f.exception():`` is true when f failed
    if failed is not None:
        return (), (failed,)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        receiver = exception_receiver(test.left)
        if receiver is not None:
            if isinstance(test.ops[0], (ast.Is, ast.Eq)):
                return (receiver,), ()
            if isinstance(test.ops[0], (ast.IsNot, ast.NotEq)):
                return (), (receiver,)
    return (), ()


def exception_receiver(node: ast.expr) -> str | None:
    """``ast.dump`` of ``f`` for a call ``f.exception()`` with no arguments."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "exception"
        and not node.args
        and not node.keywords
    ):
        return ast.dump(node.func.value)
    return None


def index_names(
    target: ast.AST, iter_node: ast.expr, iterable: Value
) -> tuple[tuple[str, str], ...]:
    """``for i, f in enumerate(x)`` / ``for k, f in d.items()``: map ``f`` to ``i`` / ``k``."""
    if not isinstance(target, ast.Tuple) or len(target.elts) != 2:
        return ()
    index, item = target.elts
    if not isinstance(index, ast.Name) or not isinstance(iter_node, ast.Call):
        return ()
    func = iter_node.func
    is_enumerate = isinstance(func, ast.Name) and func.id == "enumerate"
    is_items = isinstance(func, ast.Attribute) and func.attr == "items"
    if not (is_enumerate or is_items):
        return ()
    return tuple((name, index.id) for name in target_names(item))
