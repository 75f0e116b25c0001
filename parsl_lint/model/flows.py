"""Where a function's parameters may flow, read from its syntax alone.

Binding a parameter to what the project's callers pass (``callers.py``) costs a walk of every
module that may call the function. It can change what the model says only where the
parameter's value may arrive:

* at something only the holder of a future does (``p.result()``, ``p.outputs``,
  ``wait(p)``, ``as_completed(p)``): a finding there may depend on it;
* in a store into an object (``self.tasks.append(p)``, ``obj.x = p``): what instances hold;
* in a call's arguments, or as the object a method is called on: what this function passes
  on to others.

:func:`param_flows` answers these per function, over-approximating: a name is *tainted* when
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


@dataclass(frozen=True)
class Flows:
    """Where one function's parameters may flow."""

    consumed: bool  # to something only a future's holder does
    stored: bool  # into an attribute or item of an object, or a container method
    passed: bool  # into a call's arguments
    returned: bool  # out through ``return`` / ``yield``
    #: The names the calls that are passed them (or are made on them) spell: ``helper`` in
    #: ``helper(p)`` and in ``self.helper(p)``, ``run`` in ``p.run(x)``: the functions they
    #: may reach next.
    callees: frozenset[str] = frozenset()
    #: One such call spells no name (``handlers[k](p)``): it may reach any function.
    unnamed: bool = False
    #: The names and attributes such calls' arguments spell (``map(helper, p)``,
    #: ``partial(self.helper, p)`` call ``helper``).
    handed: frozenset[str] = frozenset()
    #: It defines functions, lambdas or classes: what it passes them may reach any call.
    nested: bool = False
    #: The attributes of its first parameter (a method's ``self``) they may be stored into
    #: (``self.tasks = p``, ``self.tasks[k] = p``, ``self.tasks.append(p)``).
    kept: frozenset[str] = frozenset()


def param_flows(node: ast.AST, skip_first: bool) -> Flows:
    """Where ``node``'s parameters (the first one left out for a method: ``self``/``cls``)
    may flow."""
    tainted = _params(node, skip_first)
    if not tainted:
        return Flows(False, False, False, False)
    positional = [*node.args.posonlyargs, *node.args.args]  # type: ignore[attr-defined]
    regions = _Regions(node, positional[0].arg if skip_first and positional else None)
    grew = True
    while grew:
        grew = False
        for source, bound in regions.bindings:
            if not bound <= tainted and not regions.names[source].isdisjoint(tainted):
                tainted |= bound
                grew = True

    def reaches(region: int | None) -> bool:
        return region is not None and not regions.names[region].isdisjoint(tainted)

    consumed = stored = passed = unnamed = False
    callees: set[str] = set()
    handed: set[str] = set()
    kept = {attr for region, attr in regions.kept if reaches(region)}
    for call in regions.calls:
        carries = reaches(call.args)
        on_tainted = reaches(call.receiver)
        # ``helper(p)`` passes it on; so may ``p.method(x)``: what ``p`` is bound to decides
        # which method the call reaches, and so what it is passed.
        if carries or (on_tainted and call.args is not None):
            passed = True
            if call.name is not None:
                callees.add(call.name)
            else:
                unnamed = True
            if call.args is not None:
                handed |= regions.names[call.args] | regions.attrs[call.args]
        if call.name in _FUTURE_METHODS and on_tainted:
            consumed = True
        elif call.name == "exception" and on_tainted:
            consumed = consumed or not call.message
        elif call.name in _WAITERS and carries:
            consumed = True
        elif call.name in _MUTATORS and carries and call.stores:
            stored = True
            if call.kept is not None:
                kept.add(call.kept)
    consumed = consumed or any(reaches(r) for r in regions.outputs)
    stored = stored or any(reaches(r) for r in regions.stores)
    returned = any(reaches(r) for r in regions.returns)
    return Flows(
        consumed,
        stored,
        passed,
        returned,
        frozenset(callees),
        unnamed,
        frozenset(handed),
        regions.nested,
        frozenset(kept),
    )


_NESTED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
#: Nodes with no names below them: a load or store context, an operator, a constant.
_LEAVES = frozenset(
    {ast.Load, ast.Store, ast.Del, ast.Constant}
    | {*ast.operator.__subclasses__(), *ast.unaryop.__subclasses__()}
    | {*ast.cmpop.__subclasses__(), *ast.boolop.__subclasses__()}
)


def returned_words(node: ast.AST) -> frozenset[str]:
    """The names and attributes a function's ``return``/``yield`` values may carry: those
    they spell, and those spelled where the names they spell are bound (``h = helper;
    return h`` returns ``helper``), anywhere in it."""
    regions = _Regions(node, None)
    names: set[str] = set()
    words: set[str] = set()
    for region in regions.returns:
        names |= regions.names[region]
        words |= regions.attrs[region]
    grew = True
    while grew:
        grew = False
        for source, bound in regions.bindings:
            if bound.isdisjoint(names):
                continue
            if not (regions.names[source] <= names and regions.attrs[source] <= words):
                names |= regions.names[source]
                words |= regions.attrs[source]
                grew = True
    return frozenset(names | words)


@dataclass
class _Call:
    name: str | None  # what the call spells: ``f`` in ``f(x)`` and in ``obj.f(x)``
    args: int | None  # the region of its arguments
    receiver: int | None  # the region of ``obj`` in ``obj.f(...)``
    message: bool  # its first argument is a string (``logger.exception("...")``)
    stores: bool  # ``obj.attr.append(x)``: a mutation of an object's state, not a local's
    kept: str | None = None  # ``self.attr.append(x)``: the attribute of ``self`` it mutates


class _Regions:
    """One pass over a function's body (its nested functions' included, not its decorators
    or defaults): the names mentioned in each region that matters (a binding's source, a
    call's arguments or receiver, a stored, read-``outputs`` or returned value)."""

    def __init__(self, node: ast.AST, owner: str | None) -> None:
        self.owner = owner  # a method's ``self``
        self.names: list[set[str]] = []
        #: (region, attribute): a value stored into ``self.attribute`` (or an item of it).
        self.kept: list[tuple[int, str]] = []
        self.attrs: list[set[str]] = []  # the attributes each region spells
        self.nested = False
        #: (source region, names it binds): assignments, loops, ``with``, mutations.
        self.bindings: list[tuple[int, frozenset[str]]] = []
        self.calls: list[_Call] = []
        self.outputs: list[int] = []
        self.stores: list[int] = []
        self.returns: list[int] = []
        body = node.body  # type: ignore[attr-defined]
        roots = [body] if isinstance(node, ast.Lambda) else list(body)
        stack: list[tuple[ast.AST, tuple[int, ...]]] = [(r, ()) for r in reversed(roots)]
        names, attrs = self.names, self.attrs
        while stack:
            current, active = stack.pop()
            kind = type(current)
            if kind is ast.Name:
                for region in active:
                    names[region].add(current.id)  # type: ignore[attr-defined]
                continue
            if kind is ast.Attribute:
                for region in active:
                    attrs[region].add(current.attr)  # type: ignore[attr-defined]
            elif kind in _NESTED:
                self.nested = True
            opened = self._open(current) if kind in _OPENING else None
            children: list[ast.AST] = []
            for field in current._fields:
                value = getattr(current, field, None)
                if type(value) is list:
                    children.extend(v for v in value if isinstance(v, ast.AST))
                elif isinstance(value, ast.AST) and type(value) not in _LEAVES:
                    children.append(value)
            for child in reversed(children):
                extra = opened.get(id(child)) if opened else None
                stack.append((child, active + extra if extra else active))

    def _region(self) -> int:
        self.names.append(set())
        self.attrs.append(set())
        return len(self.names) - 1

    def _open(self, node: ast.AST) -> dict[int, tuple[int, ...]]:
        """The regions ``node``'s children open, by child (only for the kinds of node in
        ``_OPENING``)."""
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            if node.value is None:
                return {}
            region = self._region()
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            self.bindings.append((region, frozenset(n for t in targets for n in _names_in(t))))
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                self.stores.append(region)
                for target in targets:
                    attr = self._kept_attr(target)
                    if attr is not None:
                        self.kept.append((region, attr))
            return {id(node.value): (region,)}
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            region = self._region()
            self.bindings.append((region, frozenset(_names_in(node.target))))
            return {id(node.iter): (region,)}
        if isinstance(node, ast.withitem):
            if node.optional_vars is None:
                return {}
            region = self._region()
            self.bindings.append((region, frozenset(_names_in(node.optional_vars))))
            return {id(node.context_expr): (region,)}
        if isinstance(node, ast.NamedExpr):
            region = self._region()
            self.bindings.append((region, frozenset({node.target.id})))
            return {id(node.value): (region,)}
        if isinstance(node, ast.Call):
            return self._open_call(node)
        if isinstance(node, ast.Attribute) and node.attr == "outputs":
            if isinstance(node.ctx, ast.Load):
                region = self._region()
                self.outputs.append(region)
                return {id(node.value): (region,)}
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
            region = self._region()
            self.returns.append(region)
            return {id(node.value): (region,)}
        return {}

    def _open_call(self, node: ast.Call) -> dict[int, tuple[int, ...]]:
        func = node.func
        args: list[ast.AST] = [*node.args, *node.keywords]
        opened: dict[int, tuple[int, ...]] = {}
        args_region = self._region() if args else None
        if args_region is not None:
            for arg in args:
                opened[id(arg)] = (args_region,)
        name: str | None = None
        receiver: int | None = None
        stores = False
        if isinstance(func, ast.Name):
            name = func.id
        elif isinstance(func, ast.Attribute):
            name = func.attr
            receiver = self._region()
            opened[id(func)] = (receiver,)
            stores = not isinstance(func.value, ast.Name)
            if isinstance(func.value, ast.Name) and args_region is not None:
                # ``out.append(p)``: ``out`` now holds what the arguments hold.
                self.bindings.append((args_region, frozenset({func.value.id})))
        message = bool(node.args) and _is_message(node.args[0])
        kept = self._kept_attr(func.value) if isinstance(func, ast.Attribute) else None
        self.calls.append(_Call(name, args_region, receiver, message, stores, kept))
        return opened

    def _kept_attr(self, target: ast.AST) -> str | None:
        """The attribute of ``self`` a store into ``target`` changes (``self.x``,
        ``self.x[k]``), if that is what it is."""
        while isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if self.owner is not None and target.value.id == self.owner:
                return target.attr
        return None


#: The kinds of node whose children may open regions (``_Regions._open``).
_OPENING = frozenset(
    {
        ast.Assign,
        ast.AugAssign,
        ast.AnnAssign,
        ast.For,
        ast.AsyncFor,
        ast.comprehension,
        ast.withitem,
        ast.NamedExpr,
        ast.Call,
        ast.Attribute,
        ast.Return,
        ast.Yield,
        ast.YieldFrom,
    }
)


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


def _names_in(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _is_message(arg: ast.AST) -> bool:
    return isinstance(arg, ast.JoinedStr) or (
        isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    )
