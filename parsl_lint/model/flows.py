"""Where a function's parameters may flow, read from its syntax alone.

Binding a parameter to what the project's callers pass (``callers.py``) costs a walk of every
module that may call the function. It can change what the model says only where the
parameter's value may arrive:

* at something only the holder of a future does (``p.result()``, ``p.outputs``,
  ``wait(p)``, ``as_completed(p)``): a finding there may depend on it;
* in a store into an object (``self.tasks.append(p)``, ``obj.x = p``): what instances hold;
* in a call's arguments: what this function passes on to others.

:class:`ParamFlows` answers these per function, over-approximating: a name is *tainted* when
it is a parameter, or is assigned (or iterated, or ``with``-bound, or mutated with an
argument) from an expression that mentions a tainted name, anywhere in the function (its
nested functions, lambdas and comprehensions included). A function whose parameters reach
none of these cannot have a finding or a fact changed by what its callers pass.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: Methods only a future has, called on it (``f.result()``); ``exception`` with no argument
#: or a timeout only (a logger's ``exception("...")`` takes a message).
_FUTURE_METHODS = frozenset({"result", "done", "add_done_callback"})
#: Functions that wait on futures passed to them.
_WAITERS = frozenset({"wait", "as_completed"})
#: Methods that store their arguments in their receiver.
_MUTATORS = frozenset(
    {"append", "add", "extend", "insert", "update", "put", "put_nowait", "setdefault", "push"}
)

_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Flows:
    """Where one function's parameters may flow."""

    consumed: bool  # to something only a future's holder does
    stored: bool  # into an attribute or item of an object, or a container method
    passed: bool  # into a call's arguments
    returned: bool  # out through ``return`` / ``yield``
    #: The names the calls that are passed them spell (``helper`` in ``helper(p)`` and in
    #: ``self.helper(p)``): the functions they may reach next.
    callees: frozenset[str] = frozenset()


def param_flows(node: ast.AST, skip_first: bool) -> Flows:
    """Where ``node``'s parameters (the first one left out for a method: ``self``/``cls``)
    may flow."""
    tainted = _params(node, skip_first)
    if not tainted:
        return Flows(False, False, False, False)
    names = _NameSets()
    body = _body_nodes(node)
    bindings = [b for b in (_binding(child) for child in body) if b is not None]
    grew = True
    while grew:
        grew = False
        for source, bound in bindings:
            if not bound <= tainted and not names.of(source).isdisjoint(tainted):
                tainted |= bound
                grew = True
    consumed = stored = passed = returned = False
    callees: set[str] = set()
    for child in body:
        if isinstance(child, ast.Call):
            carries = any(
                not names.of(a).isdisjoint(tainted)
                for a in [*child.args, *(kw.value for kw in child.keywords)]
            )
            func = child.func
            if carries:
                passed = True
                if isinstance(func, ast.Name):
                    callees.add(func.id)
                elif isinstance(func, ast.Attribute):
                    callees.add(func.attr)
            if isinstance(func, ast.Attribute):
                on_tainted = not names.of(func.value).isdisjoint(tainted)
                if func.attr in _FUTURE_METHODS and on_tainted:
                    consumed = True
                elif func.attr == "exception" and on_tainted:
                    consumed = consumed or not child.args or not _is_message(child.args[0])
                elif func.attr in _WAITERS and carries:
                    consumed = True
                elif func.attr in _MUTATORS and carries and not isinstance(func.value, ast.Name):
                    stored = True
            elif isinstance(func, ast.Name) and func.id in _WAITERS and carries:
                consumed = True
        elif isinstance(child, ast.Attribute) and child.attr == "outputs":
            if isinstance(child.ctx, ast.Load) and not names.of(child.value).isdisjoint(tainted):
                consumed = True
        elif isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            value = child.value
            targets = child.targets if isinstance(child, ast.Assign) else [child.target]
            if value is not None and not names.of(value).isdisjoint(tainted):
                if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                    stored = True
        elif isinstance(child, (ast.Return, ast.Yield, ast.YieldFrom)):
            if child.value is not None and not names.of(child.value).isdisjoint(tainted):
                returned = True
    return Flows(consumed, stored, passed, returned, frozenset(callees))


class _NameSets:
    """The names each expression mentions, worked out once per node (bottom up)."""

    def __init__(self) -> None:
        self._known: dict[int, frozenset[str]] = {}

    def of(self, node: ast.AST) -> frozenset[str]:
        known = self._known.get(id(node))
        if known is not None:
            return known
        # Iterative post-order: a deep expression must not exhaust the stack.
        stack: list[tuple[ast.AST, bool]] = [(node, False)]
        while stack:
            current, ready = stack.pop()
            if id(current) in self._known:
                continue
            children = list(ast.iter_child_nodes(current))
            if not ready:
                stack.append((current, True))
                stack.extend((c, False) for c in children if id(c) not in self._known)
                continue
            found: set[str] = {current.id} if isinstance(current, ast.Name) else set()
            for child in children:
                found |= self._known[id(child)]
            self._known[id(current)] = frozenset(found)
        return self._known[id(node)]


def _binding(node: ast.AST) -> tuple[ast.AST, frozenset[str]] | None:
    """``(source, names)``: the names ``node`` binds (or mutates) from ``source``."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        if node.value is None:
            return None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return node.value, frozenset(n for t in targets for n in _names_in(t))
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return node.iter, frozenset(_names_in(node.target))
    if isinstance(node, ast.withitem):
        if node.optional_vars is None:
            return None
        return node.context_expr, frozenset(_names_in(node.optional_vars))
    if isinstance(node, ast.NamedExpr):
        return node.value, frozenset({node.target.id})
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and (node.args or node.keywords):
            # ``out.append(p)``: ``out`` now holds it (the call's own names, receiver too,
            # are the source: harmless, it only adds the receiver to what it taints).
            return node, frozenset({receiver.id})
    return None


def _params(node: ast.AST, skip_first: bool) -> set[str]:
    args = node.args  # type: ignore[attr-defined]
    positional = [*args.posonlyargs, *args.args]
    if skip_first and positional:
        positional = positional[1:]
    names = {a.arg for a in [*positional, *args.kwonlyargs]}
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            names.add(extra.arg)
    return names


def _body_nodes(node: ast.AST) -> list[ast.AST]:
    """Every node of the function's body (its nested functions' included), not its
    decorators or defaults (evaluated where it is defined)."""
    roots: list[ast.AST]
    if isinstance(node, ast.Lambda):
        roots = [node.body]
    else:
        roots = list(node.body)  # type: ignore[attr-defined]
    out: list[ast.AST] = []
    for root in roots:
        out.extend(ast.walk(root))
    return out


def _names_in(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _is_message(arg: ast.AST) -> bool:
    return isinstance(arg, ast.JoinedStr) or (
        isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    )
