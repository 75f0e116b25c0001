"""Python's scoping rules, as far as the model needs them.

:class:`Scope` is one module, class, function or comprehension body while the evaluator walks
it: what its names hold at this point of the flow, which names are its locals, what it has
returned and yielded so far. :func:`local_names` is Python's rule for which names a function
binds locally (assigned anywhere in its body).

``module_reads(tree)`` maps every function and lambda of a module (by ``id``) to the names its
body reads that resolve neither to one of its own locals nor to a local of an enclosing
function: module globals or builtins. Nested functions, lambdas, comprehensions and classes in
the body count (they run with the body); decorators, defaults and annotations of the function
itself do not (they run where the function is defined). Annotations inside the body are left
out too: Python does not evaluate the annotation of a local variable.
"""

from __future__ import annotations

import ast
from enum import Enum

from parsl_lint.model.syntax import FunctionNode
from parsl_lint.model.values import BOTTOM, Value, join

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_Scopes = tuple[frozenset[str], ...]


class ScopeKind(Enum):
    """What kind of body a :class:`Scope` is: each sees the names around it differently."""

    MODULE = "module"
    CLASS = "class"  # its names are not visible from the functions defined in it
    FUNCTION = "function"
    COMPREHENSION = "comprehension"  # runs at once, where it is written


class Scope:
    """Names visible while walking one module, class, function or comprehension body.

    ``env`` is what each name holds at this point of the flow; ``locals`` the names the body
    binds anywhere (a read of one not yet in ``env`` is unknown, not the module's);
    ``globals`` the names a ``global`` statement sends to the module. ``returns``/``yields``
    collect what a function body gives back. ``cls`` is the class key in a class body or
    method, ``self_name`` the parameter that holds the instance, ``qual`` the qualified name
    of the body (``f.<locals>.g``).
    """

    __slots__ = (
        "kind",
        "parent",
        "env",
        "locals",
        "globals",
        "returns",
        "yields",
        "cls",
        "self_name",
        "qual",
    )

    def __init__(self, kind: ScopeKind, parent: Scope | None, qual: str = "") -> None:
        self.kind = kind
        self.parent = parent
        self.env: dict[str, Value] = {}
        self.locals: frozenset[str] = frozenset()
        self.globals: set[str] = set()
        self.returns: list[Value] = []
        self.yields: list[Value] = []
        self.cls: str | None = None
        self.self_name: str | None = None
        self.qual = qual


def join_env(a: dict[str, Value], b: dict[str, Value]) -> dict[str, Value]:
    """Where two paths of the flow meet: each name holds what it holds on either path (a name
    bound on one path only may also be unbound)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = join(out.get(k, BOTTOM), v)
    for k in a.keys() - b.keys():
        out[k] = join(a[k], BOTTOM)
    return out


def local_names(node: FunctionNode) -> frozenset[str]:
    """Names a function binds locally (Python's rule: assigned anywhere in the body)."""
    cached: frozenset[str] | None = getattr(node, "_parsl_lint_locals", None)
    if cached is None:
        cached = _compute_local_names(node)
        node._parsl_lint_locals = cached  # type: ignore[union-attr]
    return cached


def _compute_local_names(node: FunctionNode) -> frozenset[str]:
    names: set[str] = set()
    declared: set[str] = set()
    args = node.args
    for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        names.add(a.arg)
    for a in (args.vararg, args.kwarg):
        if a is not None:
            names.add(a.arg)
    if isinstance(node, ast.Lambda):
        return frozenset(names)
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(current.name)
            stack.extend(getattr(current, "decorator_list", []))
            continue
        if isinstance(current, (ast.Global, ast.Nonlocal)):
            declared.update(current.names)
            continue
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Name) and isinstance(current.ctx, (ast.Store, ast.Del)):
            names.add(current.id)
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            for alias in current.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(current, ast.ExceptHandler) and current.name:
            names.add(current.name)
        stack.extend(ast.iter_child_nodes(current))
    return frozenset(names - declared)


def module_reads(tree: ast.Module) -> dict[int, list[ast.Name]]:
    """For each function of ``tree`` (by id): the non-local names its body reads, in order."""
    out: dict[int, list[ast.Name]] = {}
    for stmt in tree.body:
        _collect(stmt, (), [], out)
    return out


def _function(
    node: FunctionNode, enclosing: _Scopes, out: dict[int, list[ast.Name]]
) -> list[ast.Name]:
    scopes = (*enclosing, local_names(node))
    reads: list[ast.Name] = []
    body = [node.body] if isinstance(node, ast.Lambda) else node.body
    for stmt in body:
        _collect(stmt, scopes, reads, out)
    out[id(node)] = reads
    return reads


def _definition_time(node: FunctionNode) -> list[ast.expr]:
    """What runs where the function is defined: decorators and default values."""
    args = node.args
    exprs: list[ast.expr] = list(getattr(node, "decorator_list", []))
    exprs.extend(args.defaults)
    exprs.extend(d for d in args.kw_defaults if d is not None)
    return exprs


def _class_locals(node: ast.ClassDef) -> frozenset[str]:
    names: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        else:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
    return frozenset(names)


def _collect(
    node: ast.AST, scopes: _Scopes, reads: list[ast.Name], out: dict[int, list[ast.Name]]
) -> None:
    if isinstance(node, _FUNCTIONS):
        for expr in _definition_time(node):
            _collect(expr, scopes, reads, out)
        reads.extend(_function(node, scopes, out))
        return
    if isinstance(node, ast.ClassDef):
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            _collect(expr, scopes, reads, out)
        inner = (*scopes, _class_locals(node))
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for expr in _definition_time(stmt):
                    _collect(expr, inner, reads, out)
                reads.extend(_function(stmt, scopes, out))  # methods do not see the class body
            else:
                _collect(stmt, inner, reads, out)
        return
    if isinstance(node, ast.AnnAssign) and scopes:
        if node.value is not None:
            _collect(node.value, scopes, reads, out)
        if not isinstance(node.target, ast.Name):
            _collect(node.target, scopes, reads, out)
        return
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        if not any(node.target.id in s for s in scopes):
            reads.append(node.target)  # ``counter += 1`` reads ``counter`` first
        _collect(node.value, scopes, reads, out)
        return
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and not any(node.id in s for s in scopes):
            reads.append(node)
        return
    for child in ast.iter_child_nodes(node):
        _collect(child, scopes, reads, out)
