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

Within a calling module, :class:`ModuleSpelling` says which of its functions and methods a
walk for those calls must visit: the words each one's lines spell (read from the text,
comments and strings left out: :func:`code_words`), and the names and attributes bound to
what a value spells (``run = helper``, ``self.cb = helper``).
"""

from __future__ import annotations

import ast
import re
import sys
from typing import Callable

from parsl_lint.model.records import FuncRecord
from parsl_lint.model.syntax import is_fixture_decorator, statements

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


def code_words(text: str) -> frozenset[str]:
    """The words a module's (or a span of it) code spells: its names, attributes, imported
    names, keyword arguments and keywords, and strings that are one identifier
    (``getattr(obj, "helper")``); not its comments or the words inside its other strings
    (code in a docstring calls nothing). An f-string's words all count (its fields are
    code). Read from the text in one pass, without the syntax tree."""
    return words_in(spoken(text))


def words_in(code: str, start: int = 0, end: int | None = None) -> frozenset[str]:
    """The words of spoken code (``spoken``), from ``start`` to ``end``: one string a word,
    however many modules and definitions spell it."""
    found = _WORD.findall(code, start) if end is None else _WORD.findall(code, start, end)
    return frozenset(map(sys.intern, found))


def spoken(text: str) -> str:
    """``text`` as its code spells it: each comment and string literal replaced by what it
    spells (``_spoken``), every line where it was."""
    return _STRINGS.sub(_spoken, text)


def _spoken(match: re.Match[str]) -> str:
    """What a comment or string literal spells as code: an f-string its words, a string that
    is one identifier itself; nothing else (its line breaks kept)."""
    body = match.group("body")
    if body is None:
        return " "  # a comment
    inner = body[3:-3] if body[:3] in ('"""', "'''") else body[1:-1]
    breaks = "\n" * len(_NEWLINE.findall(body))
    prefix = match.group("prefix") or ""
    if "f" in prefix or "F" in prefix:
        return f" {_NEWLINE.sub(' ', inner)} {breaks}"
    return f" {inner} " if inner.isidentifier() else f" {breaks}"


#: A comment, or a string literal with its prefix (not the tail of a word).
_STRINGS = re.compile(
    r"""
    \#[^\r\n]*
    | (?P<prefix>(?<!\w)[rRbBuUfF]{1,2})?
      (?P<body>\"\"\"[^\\"]*(?:(?:\\.|"(?!""))[^\\"]*)*\"\"\"
              | '''[^\\']*(?:(?:\\.|'(?!''))[^\\']*)*'''
              | "[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"
              | '[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*')
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD = re.compile(r"[^\W\d]\w*")
#: A line break as Python's tokenizer counts lines.
_NEWLINE = re.compile(r"\r\n|\r|\n")

#: Statements that bind what their value holds to names (``carriers``).
_BINDING = (ast.Assign, ast.AnnAssign, ast.AugAssign)


class ModuleSpelling:
    """What a module's code spells, as a whole and per top-level function and method: which
    of them a collect walk must visit to see every call of some functions
    (:meth:`units_calling`). Words are read from the text of each definition's lines
    (``code_words``), bindings from the statements of the tree."""

    def __init__(self, text: str, tree: ast.Module, units: list[FuncRecord]) -> None:
        self._code = spoken(text)
        #: Where each line starts in ``_code`` (1-based lines: line ``n`` starts at
        #: ``_starts[n - 1]``), and its end.
        self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self._code)), len(self._code)]
        by_node = {id(fdef.node): fdef for fdef in units}
        bindings: list[ast.stmt] = []  # at module and class level
        local: list[ast.stmt] = []  # in functions: only what they store into objects counts
        #: Each top-level function and method, with the words its code spells.
        self.units: list[tuple[FuncRecord, frozenset[str]]] = []
        #: Each top-level class, with the words its head (bases, keywords, decorators) spells.
        self.classes: list[tuple[str, frozenset[str]]] = []
        for stmt in tree.body:
            self._top(stmt, by_node, bindings, local)
        if ":=" in text:  # ``(run := helper)`` binds in an expression
            walrus = [n for n in ast.walk(tree) if isinstance(n, ast.NamedExpr)]
            bindings.extend(walrus)  # type: ignore[arg-type]
        #: ``(what a value spells, the names it is bound to)``: a name or attribute that may
        #: hold a function, so a call spelling it may call that function (a function's own
        #: names are its own: it is walked whole or not at all).
        self.carriers: list[tuple[frozenset[str], frozenset[str]]] = []
        for nodes, stored_only in ((bindings, False), (local, True)):
            for node in nodes:
                carrier = self._carrier(node, stored_only)
                if carrier is not None:
                    self.carriers.append(carrier)
        self.words = words_in(self._code)
        del self._code, self._starts  # only the words are kept: memory stays flat

    def _span(self, first: int, last: int) -> frozenset[str]:
        """The words lines ``first`` to ``last`` (1-based, inclusive) spell."""
        starts = self._starts
        end = starts[min(last, len(starts) - 1)]
        return words_in(self._code, starts[min(first, len(starts)) - 1], end)

    def _top(
        self,
        stmt: ast.stmt,
        by_node: dict[int, FuncRecord],
        bindings: list[ast.stmt],
        local: list[ast.stmt],
    ) -> None:
        fdef = by_node.get(id(stmt))
        if fdef is not None:
            first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
            self.units.append((fdef, self._span(first, stmt.end_lineno or stmt.lineno)))
            local.extend(n for n in statements(getattr(stmt, "body", [])) if _binds(n))
            return
        if isinstance(stmt, ast.ClassDef):
            first = min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)])
            last = max(stmt.lineno, stmt.body[0].lineno - 1)
            self.classes.append((stmt.name, self._span(first, last) | {stmt.name}))
            for item in stmt.body:
                self._top(item, by_node, bindings, local)
            return
        bindings.extend(n for n in statements([stmt]) if _binds(n))
        for node in statements([stmt]):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                local.extend(n for n in statements(node.body) if _binds(n))

    def _carrier(
        self, node: ast.AST, stored_only: bool
    ) -> tuple[frozenset[str], frozenset[str]] | None:
        """What a binding's value spells (the words of its lines), and the names and
        attributes it binds (only the attributes of objects it stores into,
        ``stored_only``). (A function handed to a call, ``registry.append(helper)``,
        escapes: no call of it is followed.)"""
        value: ast.expr | None = node.value  # type: ignore[attr-defined]
        if value is None:
            return None
        if isinstance(node, ast.Assign):
            targets: list[ast.AST] = list(node.targets)
        else:
            targets = [node.target]  # type: ignore[attr-defined]
        bound: set[str] = set()
        while targets:
            target = targets.pop()
            if isinstance(target, ast.Name):
                if not stored_only:
                    bound.add(target.id)
            elif isinstance(target, ast.Attribute):
                bound.add(target.attr)  # ``self.cb = helper``: ``self.cb(...)`` spells ``cb``
            elif isinstance(target, (ast.Subscript, ast.Starred)):
                targets.append(target.value)  # ``self.handlers["a"] = helper``
            elif isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
        if not bound:
            return None
        return self._span(value.lineno, value.end_lineno or value.lineno), frozenset(bound)

    def units_calling(
        self, names: frozenset[str], relays: Callable[[FuncRecord, frozenset[str]], bool]
    ) -> tuple[list[FuncRecord], frozenset[str], bool] | None:
        """The top-level functions and methods a collect walk must visit to see every call
        of a function spelled ``names`` (the module's own code is always walked): those
        whose code spells one of them, or spells a name or attribute bound to something
        spelling one (``run = helper``, ``self.cb = helper``), or a subclass of a class
        spelling one, or calls a function so chosen that ``relays`` (passes what it is
        passed to such a call, or returns what such a name holds: what its callers here pass
        or get matters), closed over all of these; the names so reached; and whether one of
        them relays anything (so walking them asks what its own callers pass). None: every
        one of them (such a function is called without spelling its name: a callable
        object's ``__call__``)."""
        wanted = set(names)
        chosen: dict[int, FuncRecord] = {}
        relaying: set[int] = set()
        grew = True
        while grew:
            grew = False
            for value_words, bound in self.carriers:
                if not bound <= wanted and not value_words.isdisjoint(wanted):
                    wanted |= bound
                    grew = True
            for name, head in self.classes:
                if name not in wanted and not head.isdisjoint(wanted):
                    wanted.add(name)  # ``Sub(...)`` runs ``Base.__init__``
                    grew = True
            for fdef, spelled in self.units:
                node = id(fdef.node)
                if node not in chosen and not spelled.isdisjoint(wanted):
                    chosen[node] = fdef
                    grew = True
                if node in chosen and node not in relaying and relays(fdef, frozenset(wanted)):
                    relaying.add(node)
                    names_of = spelled_by(fdef)
                    if names_of is None:
                        return None
                    wanted |= names_of
                    grew = True
        return list(chosen.values()), frozenset(wanted), bool(relaying)


def _binds(node: ast.stmt) -> bool:
    return isinstance(node, _BINDING)


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
