"""Annotations: the value a type annotation promises, when it names Parsl futures.

``x: AppFuture``, ``-> list[DataFuture]``, ``futs: dict[str, AppFuture]``, ``job: Job`` (a
project class) and their ``Optional``/``Union``/``X | None`` forms, also as strings: the
evaluator takes the promise for a parameter, a return or a field it cannot otherwise know.
Anything else promises nothing (UNKNOWN).
"""

from __future__ import annotations

import ast
from typing import Callable

from parsl_lint.model import parsl_api
from parsl_lint.model.scopes import Scope
from parsl_lint.model.values import (
    UNKNOWN,
    Class,
    External,
    Future,
    Instance,
    Mapping,
    Module,
    Seq,
    Tup,
    Value,
)

#: How the caller evaluates a name or attribute in a scope (the evaluator's ``eval``).
Evaluate = Callable[[ast.expr, Scope], Value]


def annotation_value(node: ast.expr, scope: Scope, evaluate: Evaluate) -> Value:
    """The value an annotation promises when it names Parsl futures or project classes
    (or containers of them); else UNKNOWN."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return UNKNOWN
        return annotation_value(parsed, scope, evaluate)
    if isinstance(node, (ast.Name, ast.Attribute)):
        value = evaluate(node, scope)
        qual = qualname_of(value) if isinstance(value, (External, Class)) else None
        if qual is not None and qual in parsl_api.FUTURE_TYPES:
            return Future(None, data=parsl_api.FUTURE_TYPES[qual])
        if isinstance(value, Class):  # ``job: Job``: an instance of a project class
            return Instance(value.key)
        return UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = (
            annotation_value(node.left, scope, evaluate),
            annotation_value(node.right, scope, evaluate),
        )
        if is_none(node.left):
            return right
        if is_none(node.right):
            return left
        return left if left == right else UNKNOWN
    if isinstance(node, ast.Subscript):
        container = node.value
        name = container.attr if isinstance(container, ast.Attribute) else None
        if isinstance(container, ast.Name):
            name = container.id
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        inner = [annotation_value(i, scope, evaluate) for i in items]
        if name == "Optional":
            return inner[0]
        if name == "Union":
            real = [v for i, v in zip(items, inner) if not is_none(i)]
            return real[0] if len(real) == 1 or len(set(real)) == 1 else UNKNOWN
        if not any(isinstance(v, (Future, Seq, Tup, Mapping, Instance)) for v in inner):
            return UNKNOWN
        lowered = (name or "").lower()
        if lowered in ("dict", "mapping", "mutablemapping", "defaultdict", "ordereddict"):
            return Mapping(UNKNOWN, inner[-1]) if len(inner) == 2 else UNKNOWN
        if lowered == "tuple":
            if len(items) == 2 and isinstance(items[1], ast.Constant):
                return Seq(inner[0])
            return Tup(tuple(inner))
        if lowered in (
            "list",
            "sequence",
            "iterable",
            "iterator",
            "set",
            "frozenset",
            "collection",
            "mutablesequence",
            "generator",
            "abstractset",
        ):
            return Seq(inner[0])
    return UNKNOWN


def qualname_of(value: Value) -> str:
    """The dotted name a module, outside name or project class value stands for."""
    if isinstance(value, Module):
        return value.name
    if isinstance(value, External):
        return value.qualname
    if isinstance(value, Class):
        return value.key.replace(":", ".")
    return ""


def is_none(node: ast.expr) -> bool:
    """The literal ``None``."""
    return isinstance(node, ast.Constant) and node.value is None
