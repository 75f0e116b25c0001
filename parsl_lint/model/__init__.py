"""The semantic model: what each expression of a file is, as far as Parsl is concerned.

``analyze(project, module, tree)`` walks one parsed file with the project index behind it and
returns a :class:`FileModel`. Rules ask the model ("is this receiver a Parsl future?", "which
app does this call invoke?", "is this call inside an app body / a ``try`` that already logs the
traceback / ``pytest.raises``?"); they never evaluate anything themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from parsl_lint.model.project import ModuleInfo, Project
from parsl_lint.model.values import App, AppInfo, Future, Value
from parsl_lint.model.walker import (
    AppDef,
    CallFact,
    Facts,
    FuncCtx,
    IndexCtx,
    TryCtx,
    Walker,
    WithCtx,
)

__all__ = [
    "AppDef",
    "CallFact",
    "FileModel",
    "Project",
    "analyze",
    "handler_is_broad",
    "handler_surfaces_traceback",
]

_BROAD = frozenset({"Exception", "BaseException"})
_TRACEBACK_FUNCS = frozenset(
    {"print_exc", "format_exc", "format_exception", "print_exception", "format_tb", "print_tb"}
)
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "fatal", "log", "exception"}
)


def handler_is_broad(handler: ast.ExceptHandler) -> bool:
    """A bare ``except:`` or one that catches ``Exception``/``BaseException``."""
    kind = handler.type
    if kind is None:
        return True
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    for n in names:
        name = n.id if isinstance(n, ast.Name) else getattr(n, "attr", None)
        if name in _BROAD:
            return True
    return False


def handler_surfaces_traceback(handler: ast.ExceptHandler) -> bool:
    """The handler logs the traceback, or logs and re-raises the exception unchanged."""
    logged = False
    for node in _walk_handler(handler.body):
        if isinstance(node, ast.Call):
            func = node.func
            attr = func.attr if isinstance(func, ast.Attribute) else None
            if attr == "exception" or attr in _TRACEBACK_FUNCS:
                return True
            for kw in node.keywords:
                if kw.arg == "exc_info" and not (
                    isinstance(kw.value, ast.Constant) and not kw.value.value
                ):
                    return True
            if attr in _LOG_METHODS or (isinstance(func, ast.Name) and func.id == "print"):
                logged = True
        elif isinstance(node, ast.Raise) and node.exc is None and logged:
            return True
    return False


def _walk_handler(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of a handler in source order, not descending into nested function definitions."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


@dataclass
class FileModel:
    """The facts the model found in one file."""

    project: Project
    module: ModuleInfo
    tree: ast.Module
    facts: Facts

    # -- calls ----------------------------------------------------------------------------

    def calls(self) -> list[CallFact]:
        """Every call in the file, in source order."""
        return sorted(self.facts.calls.values(), key=lambda c: (c.node.lineno, c.node.col_offset))

    def method_calls(self, name: str) -> Iterator[CallFact]:
        """Calls of the form ``<receiver>.name(...)``."""
        for fact in self.calls():
            func = fact.node.func
            if isinstance(func, ast.Attribute) and func.attr == name:
                yield fact

    def app_calls(self) -> Iterator[tuple[CallFact, AppInfo]]:
        """Calls that invoke a known Parsl app, with that app."""
        for fact in self.calls():
            if isinstance(fact.callee, App):
                yield fact, fact.callee.info

    @property
    def app_defs(self) -> list[AppDef]:
        return self.facts.app_defs

    # -- questions about a value or a context ---------------------------------------------

    @staticmethod
    def is_parsl_future(value: Value | None) -> bool:
        return isinstance(value, Future)

    @staticmethod
    def enclosing_function(fact: CallFact) -> FuncCtx | None:
        for entry in reversed(fact.ctx):
            if isinstance(entry, FuncCtx):
                return entry
        return None

    def enclosing_app(self, fact: CallFact) -> AppInfo | None:
        """The app whose body the call is in (the innermost function, if it is an app)."""
        func = self.enclosing_function(fact)
        return func.app if func is not None else None

    @staticmethod
    def in_function_named(fact: CallFact, name: str) -> bool:
        return any(isinstance(e, FuncCtx) and e.name == name for e in fact.ctx)

    @staticmethod
    def failure_expected(fact: CallFact) -> bool:
        """Inside ``with pytest.raises(...)`` or ``with self.assertRaises(...)``."""
        return any(isinstance(e, WithCtx) and e.expects_raise for e in fact.ctx)

    @staticmethod
    def enclosing_trys(fact: CallFact) -> list[ast.Try]:
        """The ``try`` statements whose body holds the call, innermost first (same function)."""
        out: list[ast.Try] = []
        for entry in reversed(fact.ctx):
            if isinstance(entry, FuncCtx):
                break
            if isinstance(entry, TryCtx):
                out.append(entry.node)
        return out

    def traceback_surfaced(self, fact: CallFact) -> bool:
        """A broad ``try`` around the call already logs the traceback (or logs and re-raises)."""
        for node in self.enclosing_trys(fact):
            for handler in node.handlers:
                if handler_is_broad(handler) and handler_surfaces_traceback(handler):
                    return True
        return False

    @staticmethod
    def index_variable(fact: CallFact, name: str) -> str | None:
        """For a loop ``for i, f in enumerate(...)``, the index ``i`` that goes with ``f``."""
        for entry in reversed(fact.ctx):
            if isinstance(entry, FuncCtx):
                break
            if isinstance(entry, IndexCtx):
                for item, index in entry.names:
                    if item == name:
                        return index
        return None


def analyze(project: Project, module: ModuleInfo, tree: ast.Module) -> FileModel:
    """Build the model of one parsed file (``tree`` is the file's own parse, reused)."""
    project.set_tree(module, tree)
    facts = Facts()
    Walker(project, module, facts).walk_module(tree)
    return FileModel(project, module, tree, facts)
