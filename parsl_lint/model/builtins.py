"""Builtins and library functions: what calling ``list``, ``map``, ``zip``, ``defaultdict``,
``as_completed``, ``functools.partial``, ... returns, given the values of its arguments.

A registered table in the manner of pyupgrade's ``@register``: each handler is declared with
``@builtin(name, ...)`` for the names it models, and gets a :class:`BuiltinCall` (the call,
its argument values, the scope, and what it may ask the evaluator). Which names are builtins
at all (``Builtin`` values) is decided in ``parsl_api.py`` and ``resources.py``; a name with no
handler returns UNKNOWN, as does any call that unpacks ``*args``.
"""

from __future__ import annotations

import ast
from typing import Callable

from parsl_lint.model.scopes import Scope
from parsl_lint.model.values import (
    BOTTOM,
    UNKNOWN,
    App,
    BoundApp,
    BoundMethod,
    Builtin,
    Func,
    Future,
    Mapping,
    Partial,
    Seq,
    SuperOf,
    Tup,
    Value,
    element,
    join_all,
)


class BuiltinCall:
    """One call of a builtin: its name, syntax, argument values and where it is evaluated.

    ``hint_elements(f, values)`` tells the evaluator that the function ``f`` is called with
    ``values`` (``map(f, xs)``: the elements of ``xs``); ``returns_of(key)`` is what calling a
    project function returns.
    """

    __slots__ = ("name", "node", "args", "kwargs", "scope", "hint_elements", "returns_of")

    def __init__(
        self,
        name: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str | None, Value],
        scope: Scope,
        hint_elements: Callable[[Func, list[Value]], None],
        returns_of: Callable[[str], Value],
    ) -> None:
        self.name = name
        self.node = node
        self.args = args
        self.kwargs = kwargs
        self.scope = scope
        self.hint_elements = hint_elements
        self.returns_of = returns_of

    @property
    def first(self) -> Value:
        """The first argument's value (BOTTOM when there is none)."""
        return self.args[0] if self.args else BOTTOM


Handler = Callable[[BuiltinCall], Value]
_HANDLERS: dict[str, Handler] = {}


def builtin(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for the builtins ``names``."""

    def register(handler: Handler) -> Handler:
        for name in names:
            _HANDLERS[name] = handler
        return handler

    return register


def call_builtin(call: BuiltinCall) -> Value:
    """What the call returns (UNKNOWN for an unmodelled builtin or a ``*args`` call)."""
    if any(isinstance(a, ast.Starred) for a in call.node.args):
        return UNKNOWN
    handler = _HANDLERS.get(call.name)
    return handler(call) if handler is not None else UNKNOWN


@builtin("list", "set", "frozenset", "sorted", "reversed", "iter", "filter")
def _collection(call: BuiltinCall) -> Value:
    name, args, first = call.name, call.args, call.first
    source = args[1] if name == "filter" and len(args) > 1 else first
    if name == "filter" and isinstance(first, Func):
        call.hint_elements(first, [element(source)])
    key = call.kwargs.get("key")
    if name == "sorted" and isinstance(key, Func):
        call.hint_elements(key, [element(source)])
    if name == "list" and isinstance(source, Tup):
        return Seq(element(source))
    return Seq(element(source)) if args or name != "filter" else UNKNOWN


@builtin("tuple")
def _tuple(call: BuiltinCall) -> Value:
    first = call.first
    return first if isinstance(first, Tup) else Seq(element(first))


@builtin("next")
def _next(call: BuiltinCall) -> Value:
    return element(call.first)


@builtin("map")
def _map(call: BuiltinCall) -> Value:
    args, first = call.args, call.first
    if len(args) < 2:
        return UNKNOWN
    if isinstance(first, (App, BoundApp)):
        return Seq(Future(first.info.name))
    if isinstance(first, Func):
        # ``map(lambda f: f.result(), futs)``: the function gets each element
        call.hint_elements(first, [element(a) for a in args[1:]])
        return Seq(call.returns_of(first.key))
    return UNKNOWN


@builtin("enumerate")
def _enumerate(call: BuiltinCall) -> Value:
    return Seq(Tup((UNKNOWN, element(call.first))))


@builtin("zip")
def _zip(call: BuiltinCall) -> Value:
    return Seq(Tup(tuple(element(a) for a in call.args)))


@builtin("dict")
def _dict(call: BuiltinCall) -> Value:
    first = call.first
    if not call.args:
        values = [v for k, v in call.kwargs.items() if k is not None]
        return Mapping(UNKNOWN if values else BOTTOM, join_all(values))
    if isinstance(first, Mapping):
        return first
    pair = element(first)
    if isinstance(pair, Tup) and len(pair.items) == 2:
        return Mapping(pair.items[0], pair.items[1])
    return UNKNOWN


@builtin("super")
def _super(call: BuiltinCall) -> Value:
    s: Scope | None = call.scope
    while s is not None and s.cls is None:
        s = s.parent
    return SuperOf(s.cls) if s is not None and s.cls is not None else UNKNOWN


@builtin("as_completed", "islice")
def _same_elements(call: BuiltinCall) -> Value:
    return Seq(element(call.first))


@builtin("wait")
def _wait(call: BuiltinCall) -> Value:
    first = call.first
    return Tup((Seq(element(first)), Seq(element(first))))  # (done, not_done)


@builtin("chain")
def _chain(call: BuiltinCall) -> Value:
    return Seq(join_all([element(a) for a in call.args]))


@builtin("chain.from_iterable")
def _chain_from_iterable(call: BuiltinCall) -> Value:
    return Seq(element(element(call.first)))


@builtin("copy")
def _copy(call: BuiltinCall) -> Value:
    return call.first


@builtin("partial")
def _partial(call: BuiltinCall) -> Value:
    first = call.first
    if isinstance(first, (App, BoundApp)):
        return BoundApp(first.info)
    if isinstance(first, (Func, BoundMethod, Partial)) and None not in call.kwargs:
        named = tuple((k, v) for k, v in call.kwargs.items() if k is not None)
        return Partial(first, tuple(call.args[1:]), named)
    return UNKNOWN


@builtin("defaultdict")
def _defaultdict(call: BuiltinCall) -> Value:
    factory = call.first
    if isinstance(factory, Builtin) and factory.name in ("list", "set"):
        return Mapping(BOTTOM, Seq(BOTTOM))
    return Mapping(BOTTOM, BOTTOM if factory is BOTTOM else UNKNOWN)


@builtin("deque")
def _deque(call: BuiltinCall) -> Value:
    return Seq(element(call.first)) if call.args else Seq(BOTTOM)


@builtin("dfk.submit")
def _kernel_submit(call: BuiltinCall) -> Value:
    """``dfk.submit(func, app_args=..., ...)``: Parsl's DataFlowKernel returns an AppFuture."""
    return _pool_submit(call)


@builtin("pool.submit")
def _pool_submit(call: BuiltinCall) -> Value:
    fn = call.node.args[0] if call.node.args else None
    label = fn.id if isinstance(fn, ast.Name) else None
    return Future(label)
