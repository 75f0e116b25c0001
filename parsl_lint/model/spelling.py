"""What a call of a project function spells, so which modules may call it.

A call names its callee somewhere in the caller's text: ``helper(futs)``, ``m.helper``,
``partial(helper, ...)``, ``getattr(obj, "helper")`` and ``self.helper`` all spell ``helper``,
and a constructor call spells its class. So a module that never spells those words cannot
pass anything to the function, and ``callers.py`` walks only the modules that do.

Where a call can reach a function without spelling its name (a callable object's
``obj(...)``, a closure returned to the caller, a lambda stored away, a method of a nested
class), :func:`spelled_by` answers None and the caller falls back to every name the callee's
module defines. A nested function or lambda that is only ever called, or handed to a call,
where it is defined (:func:`kept_inside`) is reached from no other module at all.
"""

from __future__ import annotations

import ast

from parsl_lint.model.records import FuncRecord
from parsl_lint.model.syntax import is_fixture_decorator

#: A function's place in its module, stable across parses of the same text.
Position = tuple[int, int]

_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def position(node: ast.AST) -> Position:
    return (node.lineno, node.col_offset)  # type: ignore[attr-defined]


def spelled_by(fdef: FuncRecord) -> frozenset[str] | None:
    """The words a module's text must hold to call ``fdef``: its name, or its class's for a
    constructor; empty for what nothing calls by name. None where a call may spell none of
    them."""
    node = fdef.node
    if fdef.closure is not None or isinstance(node, ast.Lambda):
        return None
    name = node.name
    if name == "_":
        return frozenset()  # ``functools.singledispatch`` registrations: called by dispatch
    if any(is_fixture_decorator(d) for d in node.decorator_list):
        return frozenset()  # pytest calls a fixture; calling one directly is an error
    if fdef.cls is None:
        return frozenset({name})
    cls = fdef.cls.partition(":")[2]
    if "." in cls:
        return None  # a nested class: reached through what encloses it
    if name in ("__init__", "__new__"):
        # ``Cls(...)``, ``Cls.__init__(self)``, and ``super().__init__(...)`` in a subclass,
        # whose module spells the class among its bases (every module spells ``__init__``).
        return frozenset({cls})
    if name == "__call__":
        return None  # ``obj(...)``: spelled by nothing
    # Other special methods are called by operators too (``obj[k]``, ``with obj``), but what
    # an operator passes is never noted as a call (``evaluator.py``): only a call spelling the
    # name (``super().__exit__(...)``) passes anything the model binds.
    return frozenset({name})


def code_words(tree: ast.Module) -> frozenset[str]:
    """The words a module's code spells: its names, attributes, imported names, keyword
    arguments, and strings that are one identifier (``getattr(obj, "helper")``)."""
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.alias):
            words.update(node.name.split("."))
            if node.asname:
                words.add(node.asname)
        elif isinstance(node, ast.keyword) and node.arg:
            words.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            words.add(node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.isidentifier():
                words.add(node.value)
    return frozenset(words)


def kept_inside(tree: ast.Module) -> frozenset[Position]:
    """The nested functions and lambdas of a module that only ever are called, or handed to
    a call, where they are defined (``inner(x)``, ``map(inner, xs)``, ``submit(inner)``, a
    lambda written as an argument): never returned, stored, or bound to another name, so no
    other module can call them but through that call."""
    parents: dict[int, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[id(child)] = parent
    kept: set[Position] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _FUNCTION):
            continue
        enclosing = _enclosing_function(node, parents)
        if enclosing is None or isinstance(parents.get(id(node)), ast.ClassDef):
            continue  # a module-level definition (importable by name), or a method
        if isinstance(node, ast.Lambda):
            if _called_or_handed(node, parents):
                kept.add(position(node))
            continue
        uses = []
        for child in ast.walk(enclosing):
            if isinstance(child, ast.Name) and child.id == node.name:
                if not isinstance(child.ctx, ast.Load):
                    break  # bound again (or deleted): not followed
                uses.append(child)
        else:
            if all(_called_or_handed(use, parents) for use in uses):
                kept.add(position(node))
    return frozenset(kept)


def _enclosing_function(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST | None:
    current = parents.get(id(node))
    while current is not None and not isinstance(current, _FUNCTION):
        current = parents.get(id(current))
    return current


def _called_or_handed(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``node`` is what a call calls, or one of its arguments."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.keyword):
        return isinstance(parents.get(id(parent)), ast.Call)
    return isinstance(parent, ast.Call) and (parent.func is node or node in parent.args)
