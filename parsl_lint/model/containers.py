"""Containers: what a list, tuple, set, dict or deque of values gives back.

The methods of a container value (``d.values()``, ``d.items()``, ``q.popleft()``, ``s.pop()``)
are a registered table: each handler is declared with ``@method(kind, name, ...)`` for the
value kinds of ``values.py`` it applies to, and gets the receiver and the argument values. A
method that is not registered says nothing (the evaluator goes on to other readings of the
call). The methods that *change* a container in place (``append``, ``extend``, ``add``,
``insert``, ...) rebind the name that holds it, so they are modelled by the evaluator; their
names are here. Subscripts (``xs[0]``, ``d[k]``, ``pair[1]``, ``xs[1:]``) and stores into
them (``d[k] = v``) are modelled here too.
"""

from __future__ import annotations

import ast
from typing import Callable

from parsl_lint.model.values import (
    UNKNOWN,
    Future,
    Mapping,
    Seq,
    Tup,
    Value,
    element,
    join,
    join_all,
)

#: ``xs.append(v)``-like methods: they add their one argument.
ADDS_ONE = frozenset({"append", "add", "appendleft"})
#: ``xs.extend(vs)``-like methods: they add the elements of their argument.
ADDS_MANY = frozenset({"extend", "update", "extendleft"})

ContainerMethod = Callable[[Value, list[Value]], Value]
_METHODS: dict[tuple[type, str], ContainerMethod] = {}


def method(
    kinds: tuple[type[Value], ...], *names: str
) -> Callable[[ContainerMethod], ContainerMethod]:
    """Register a handler for the methods ``names`` of the value kinds ``kinds``."""

    def register(handler: ContainerMethod) -> ContainerMethod:
        for kind in kinds:
            for name in names:
                _METHODS[(kind, name)] = handler
        return handler

    return register


def container_method(receiver: Value, attr: str, args: list[Value]) -> Value | None:
    """What ``receiver.attr(*args)`` returns when ``receiver`` is a container and the method
    is a registered one; None otherwise."""
    for kind in type(receiver).__mro__:
        handler = _METHODS.get((kind, attr))
        if handler is not None:
            return handler(receiver, args)
    return None


@method((Mapping,), "values")
def _values(receiver: Mapping, args: list[Value]) -> Value:
    return Seq(receiver.value)


@method((Mapping,), "items")
def _items(receiver: Mapping, args: list[Value]) -> Value:
    return Seq(Tup((receiver.key, receiver.value)))


@method((Mapping,), "keys")
def _keys(receiver: Mapping, args: list[Value]) -> Value:
    return Seq(receiver.key)


@method((Mapping,), "get", "pop", "setdefault")
def _lookup(receiver: Mapping, args: list[Value]) -> Value:
    return receiver.value


@method((Mapping,), "popitem")
def _popitem(receiver: Mapping, args: list[Value]) -> Value:
    return Tup((receiver.key, receiver.value))


@method((Seq, Tup), "pop", "popleft")
def _pop(receiver: Value, args: list[Value]) -> Value:
    return element(receiver)


@method((Mapping, Seq, Tup), "copy")
def _copy(receiver: Value, args: list[Value]) -> Value:
    return receiver


def subscript(base: Value, index: ast.expr) -> Value:
    """What ``base[index]`` holds (``index`` is the subscript's syntax: a slice, a literal)."""
    if isinstance(base, Future):
        return Future(base.app)  # Parsl's lifted ``[]`` operator
    if isinstance(base, Seq):
        return base if isinstance(index, ast.Slice) else base.elem
    if isinstance(base, Tup):
        if isinstance(index, ast.Slice):
            return Seq(join_all(list(base.items)))
        number = int_constant(index)
        if number is not None and -len(base.items) <= number < len(base.items):
            return base.items[number]
        return join_all(list(base.items))
    if isinstance(base, Mapping):
        return base.value
    return UNKNOWN


def store_item(container: Value, value: Value) -> Value | None:
    """The container after ``container[k] = value`` (None when it is not one we track)."""
    if isinstance(container, Mapping):
        return Mapping(container.key, join(container.value, value))
    if isinstance(container, Seq):
        return Seq(join(container.elem, value))
    return None


def int_constant(node: ast.expr) -> int | None:
    """The value of an integer literal (``2``, ``-1``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return None
