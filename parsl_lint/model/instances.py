"""Module-level instances and what code outside their class stores in them.

``tracker = Tracker()`` at the top of ``campaign.py``, ``tracker.last = score(i)`` or
``tracker.tasks.append(fut)`` in its functions, then ``tracker.last.result()`` there or in a
module that does ``from campaign import tracker``: the class's own methods say nothing about
``last``, the stores are outside it. The model follows them only where every store site is
visible (:func:`site_uses`), and stays quiet otherwise:

* the name is bound once in its module, at module level, to a call (``Tracker()``, a
  factory), and no function declares it ``global``;
* in that module and in every module that may reach it (the prefilter's importers of the
  module), the object itself is used only as ``name.attr``: never passed, returned, aliased
  or imported under ``import module`` (then ``module.name`` could be anything's); a module
  that does ``from module import *`` gives up;
* an attribute whose container is passed on or aliased (``helper(tracker.tasks)``,
  ``ts = tracker.tasks``) could be filled anywhere: it is unknown.
* every module that holds it is among those the reading file imports (directly or not):
  a file's cached result is keyed on those, so a store edited elsewhere would not re-lint
  it. (A module created later that stores into it is not in that key either: the cached
  result of a reader is replayed until the reader or one of its imports changes.)

What each store puts there is what the evaluator computes at that point of the walk of the
storing module (``facts.SiteWrites``), joined with what the class's methods store in
``self.attr``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from parsl_lint.model.containers import ADDS_MANY, ADDS_ONE

#: Methods of a container attribute that put in it what the walk cannot see exactly.
_FILLS = frozenset({"setdefault", "insert", "__setitem__"})


@dataclass
class SiteUses:
    """How one module uses a module-level instance: the local names that hold it, the
    attributes it stores into, those whose container escapes, and whether the object escapes."""

    names: set[str] = field(default_factory=set)
    stored: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    escapes: bool = False


def bound_once_to_call(tree: ast.Module, name: str) -> bool:
    """``name`` is bound exactly once in the module, by ``name = <call>`` at module level, and
    no ``global name``, ``del name`` or other binding touches it."""
    binds = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Global) and name in node.names:
            return False
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            binds += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            binds += node.name == name
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            binds += any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    if binds != 1:
        return False
    return any(
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id == name
        and isinstance(stmt.value, ast.Call)
        for stmt in tree.body
    )


def site_uses(tree: ast.Module, names: set[str], module_attr: set[str]) -> SiteUses:
    """How ``tree`` uses the instance held by ``names`` (its own name in its module, the
    ``from module import name [as alias]`` bindings elsewhere); ``module_attr`` holds the
    names under which the module itself is imported (``import module``: then the instance is
    reachable as ``module.name``, which is not followed)."""
    uses = SiteUses(names=set(names))
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in module_attr:
            uses.escapes = True
        if not (isinstance(node, ast.Name) and node.id in names):
            continue
        if not isinstance(node.ctx, ast.Load):
            continue  # the one binding (checked by ``bound_once_to_call``)
        parent = parents.get(id(node))
        if not (isinstance(parent, ast.Attribute) and parent.value is node):
            uses.escapes = True  # passed, returned, aliased, compared, ...
            continue
        _attribute_use(parent, parents, uses)
    return uses


def _attribute_use(attr: ast.Attribute, parents: dict[int, ast.AST], uses: SiteUses) -> None:
    """Classify ``obj.attr`` by what encloses it."""
    name = attr.attr
    parent = parents.get(id(attr))
    if isinstance(attr.ctx, ast.Store):
        uses.stored.add(name)
        return
    if isinstance(attr.ctx, ast.Del) or isinstance(parent, ast.AugAssign):
        uses.stored.add(name)
        return
    if isinstance(parent, ast.Call) and parent.func is attr:
        return  # ``obj.method(...)``: the class's own methods store through ``self``
    if isinstance(parent, ast.Subscript) and parent.value is attr:
        if not isinstance(parent.ctx, ast.Load):
            uses.stored.add(name)  # ``obj.d[k] = v``
        else:
            _container_read(parent, parents, uses, name)
        return
    if isinstance(parent, ast.Attribute) and parent.value is attr:
        grand = parents.get(id(parent))
        if isinstance(grand, ast.Call) and grand.func is parent:
            method = parent.attr
            if method in ADDS_ONE or method in ADDS_MANY:
                uses.stored.add(name)
            elif method in _FILLS:
                uses.unknown.add(name)
        return  # ``obj.last.result()``, ``obj.tasks.pop()``: reads
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is attr:
        return  # iterated
    uses.unknown.add(name)  # passed on or aliased: it may be filled anywhere


def _container_read(
    sub: ast.Subscript, parents: dict[int, ast.AST], uses: SiteUses, name: str
) -> None:
    """``obj.d[k]`` loaded: a nested container handed on (``obj.groups[k]``) may be filled
    elsewhere; anything else is a read."""
    parent = parents.get(id(sub))
    if isinstance(parent, ast.Attribute) and parent.value is sub:
        grand = parents.get(id(parent))
        if isinstance(grand, ast.Call) and grand.func is parent:
            if parent.attr in ADDS_ONE or parent.attr in ADDS_MANY or parent.attr in _FILLS:
                uses.unknown.add(name)
        return
    if isinstance(parent, (ast.Call, ast.Assign, ast.Return, ast.keyword, ast.Starred)):
        if not (isinstance(parent, ast.Call) and parent.func is sub):
            uses.unknown.add(name)
