"""Decorators, as far as syntax tells: which leave a function alone, which only pass its
calls through, and the arguments of Parsl's own (``join=True``, the pre-1.0 ``App("bash")``).

The evaluator (``Evaluator._decorate`` and its neighbours) decides what a decorated ``def``
becomes: an app, the function itself, a wrapper that returns an app's future, or unknown.
"""

from __future__ import annotations

import ast

from parsl_lint.model.syntax import own_nodes

#: Decorators that leave a function's return value alone.
TRANSPARENT_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abc.abstractmethod",
        "functools.lru_cache",
        "functools.cache",
        "typing.override",
        "typing_extensions.override",
    }
)


def keyword_true(call: ast.Call, name: str) -> bool:
    """The call passes ``name=True``."""
    for kw in call.keywords:
        if kw.arg == name:
            return isinstance(kw.value, ast.Constant) and kw.value.value is True
    return False


def passes_through(decorator: ast.AST) -> bool:
    """``def deco(func): def wrapper(*a, **k): ...; return func(*a, **k); return wrapper``:
    the decorator returns a nested function every one of whose returns is a call of the
    decorator's first parameter (whatever else the wrapper does first, such as logging)."""
    if not isinstance(decorator, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    params = [*decorator.args.posonlyargs, *decorator.args.args]
    if not params:
        return False
    wrapped = params[0].arg
    inner = {s.name: s for s in decorator.body if isinstance(s, ast.FunctionDef)}
    returned = [s.value for s in decorator.body if isinstance(s, ast.Return)]
    if len(returned) != 1 or not isinstance(returned[0], ast.Name):
        return False
    wrapper = inner.get(returned[0].id)
    if wrapper is None:
        return False
    returns = [n for n in own_nodes(wrapper.body) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Call)
        and isinstance(r.value.func, ast.Name)
        and r.value.func.id == wrapped
        for r in returns
    )


def legacy_kind(dec: ast.expr) -> str | None:
    """The app kind of Parsl's pre-1.0 ``App("python" | "bash", ...)``, when spelled out."""
    if not isinstance(dec, ast.Call):
        return None
    kind = (
        dec.args[0]
        if dec.args
        else next((k.value for k in dec.keywords if k.arg == "apptype"), None)
    )
    if isinstance(kind, ast.Constant) and kind.value in ("python", "bash"):
        return str(kind.value)
    return None
