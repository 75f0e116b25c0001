"""Questions about syntax alone: no values, no scopes, no project.

The small pure helpers every part of the model (and a few rules) share: the nodes a body runs
itself, the names an assignment target binds, and a function's parameter list as a
:class:`~parsl_lint.model.values.Signature`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Union

from parsl_lint.model.values import Param, Signature

#: A node that defines a function: a ``def``, an ``async def`` or a ``lambda``.
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a body, those nested in compound statements and definitions
    included (not the expressions: a definition or an assignment is only ever a statement)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        nested: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            part = getattr(stmt, field, None)
            if isinstance(part, list):
                nested.extend(part)
        for handler in getattr(stmt, "handlers", ()):
            nested.extend(handler.body)
        for case in getattr(stmt, "cases", ()):
            nested.extend(case.body)
        stack.extend(reversed(nested))


def own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes of a body in source order, not descending into the functions, lambdas and
    classes it defines (their own nodes run elsewhere, or later)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, (b, *c)``, ``[a, b]``)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def signature_of(node: FunctionNode) -> Signature:
    """The parameters a function (or lambda) accepts, as Parsl checks a call against them."""
    args = node.args
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    n_defaults = len(args.defaults)
    first_default = len(positional) - n_defaults
    for i, a in enumerate(positional):
        kind = "posonly" if i < len(args.posonlyargs) else "normal"
        params.append(Param(a.arg, i >= first_default, kind))
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        params.append(Param(a.arg, d is not None, "kwonly"))
    return Signature(tuple(params), args.vararg is not None, args.kwarg is not None)


def is_fixture_decorator(dec: ast.expr) -> bool:
    """``@fixture``, ``@pytest.fixture``, ``@pytest.fixture(scope=...)``."""
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"
