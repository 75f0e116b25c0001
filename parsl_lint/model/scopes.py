"""Python's scoping rules, as far as the model needs them: what a function reads from its module.

``module_reads(tree)`` maps every function and lambda of a module (by ``id``) to the names its
body reads that resolve neither to one of its own locals nor to a local of an enclosing
function: module globals or builtins. Nested functions, lambdas, comprehensions and classes in
the body count (they run with the body); decorators, defaults and annotations of the function
itself do not (they run where the function is defined). Annotations inside the body are left
out too: Python does not evaluate the annotation of a local variable.
"""

from __future__ import annotations

import ast
from typing import Union

from parsl_lint.model.walker import _local_names

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_Scopes = tuple[frozenset[str], ...]


def module_reads(tree: ast.Module) -> dict[int, list[ast.Name]]:
    """For each function of ``tree`` (by id): the non-local names its body reads, in order."""
    out: dict[int, list[ast.Name]] = {}
    for stmt in tree.body:
        _collect(stmt, (), [], out)
    return out


def _function(
    node: FunctionNode, enclosing: _Scopes, out: dict[int, list[ast.Name]]
) -> list[ast.Name]:
    scopes = (*enclosing, _local_names(node))
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
