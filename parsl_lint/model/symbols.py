"""Module-level names: what ``module.name`` is bound to, across the project.

:class:`ModuleSymbols` answers ``symbol(module, name)`` for any module of the project: it
finds the statements that bind the name at module level (also inside top-level
``if``/``try``/``with``/``for``), evaluates each on its own with an
:class:`~parsl_lint.model.evaluator.Evaluator` and joins the results, following star imports
and Parsl's own names. A dotted name (``pkg.mod.app``, ``parsl.python_app``) resolves through
it. Only modules the prefilter lets through are parsed; anything else binds nothing.
"""

from __future__ import annotations

import ast

from parsl_lint.model import parsl_api
from parsl_lint.model.evaluator import Evaluator
from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter
from parsl_lint.model.interface import ProjectView
from parsl_lint.model.syntax import target_names
from parsl_lint.model.values import BOTTOM, UNKNOWN, External, Module, Value, join
from parsl_lint.parsl_facts import exported_names


class ModuleSymbols:
    """What each module-level name of the project is bound to, computed once per name."""

    def __init__(self, index: ModuleIndex, prefilter: Prefilter, view: ProjectView) -> None:
        self.index = index
        self.prefilter = prefilter
        self.view = view  # what the evaluators it runs ask about the rest of the project
        self._values: dict[tuple[str, str], Value] = {}
        self._busy: set[tuple[str, str]] = set()

    def clear(self) -> None:
        self._values.clear()

    def forget_module(self, module: str) -> None:
        for key in [k for k in self._values if k[0] == module]:
            del self._values[key]

    def bindings_of(self, info: ModuleInfo) -> dict[str, list[ast.AST]]:
        if info.bindings is None:
            bindings: dict[str, list[ast.AST]] = {}
            # Asked only of a module a walk imports names from, or walks for its calls: read
            # even when it never mentions Parsl (its functions may be handed futures).
            tree = self.index.tree_of(info)
            if tree is not None:
                collect_bindings(tree.body, bindings)
            info.bindings = bindings
        return info.bindings

    def symbol(self, module: str, name: str) -> Value | None:
        """What ``module.name`` is bound to at module level; None when the name is not bound."""
        info = self.index.modules.get(module)
        if info is None:
            return None
        key = (module, name)
        if key in self._values:
            return self._values[key]
        nodes = self.bindings_of(info).get(name)
        if not nodes:
            if name == "*":
                return None
            star = self._star_import(info, name)
            return star
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        try:
            value: Value = BOTTOM
            for node in nodes:
                value = join(value, module_binding_value(self.view, info, name, node))
        finally:
            self._busy.discard(key)
        self._values[key] = value
        return value

    def _star_import(self, info: ModuleInfo, name: str) -> Value | None:
        for node in self.bindings_of(info).get("*", []):
            assert isinstance(node, ast.ImportFrom)
            target = self.index.absolute(info, node.level, node.module)
            if target not in self.index.modules:  # ``from parsl import *``: Parsl's own names
                api = parsl_api.value_of_qualname(f"{target}.{name}")
                if api is not None:
                    return api
                if target == "parsl" and name in exported_names():
                    return External(f"parsl.{name}")
                continue
            if (target, "*") not in self._busy:
                self._busy.add((target, "*"))
                try:
                    value = self.symbol(target, name)
                finally:
                    self._busy.discard((target, "*"))
                if value is not None:
                    return value
        return None

    def resolve_qualname(self, qualname: str) -> Value:
        """The value of a dotted name such as ``pkg.mod.app`` or ``parsl.python_app``."""
        api = parsl_api.value_of_qualname(qualname)
        if api is not None:
            return api
        modules = self.index.modules
        module, _, name = qualname.rpartition(".")
        if module in modules:
            # A name the package's ``__init__`` binds wins over a submodule of the same name,
            # as at run time (``from .train import train`` rebinds ``pkg.train``).
            value = self.symbol(module, name)
            if value is not None:
                return value
        if qualname in modules:
            return Module(qualname)
        if module in modules:
            return UNKNOWN
        return External(qualname)

    def import_binding(
        self, info: ModuleInfo, dotted: str, asname: str | None
    ) -> tuple[str, Value]:
        """``import a.b [as x]``: the name it binds and what that name holds."""
        if asname:
            return asname, self.resolve_qualname(self.index.absolute(info, 0, dotted))
        top = dotted.split(".")[0]
        return top, Module(self.index.absolute(info, 0, top))


def module_binding_value(project: ProjectView, info: ModuleInfo, name: str, node: ast.AST) -> Value:
    """What one module-level statement binds ``name`` to (each binding statement on its own:
    flow-insensitive)."""
    evaluator = Evaluator(project, info)
    scope = evaluator.module_scope()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return evaluator.define_function(node, scope)
    if isinstance(node, ast.ClassDef):
        evaluator.stmt_ClassDef(node, scope)
        return scope.env.get(name, UNKNOWN)
    if isinstance(node, ast.Import):
        for alias in node.names:
            bound, value = project.import_binding(info, alias.name, alias.asname)
            if bound == name:
                return value
        return UNKNOWN
    if isinstance(node, ast.ImportFrom):
        base = project.absolute(info, node.level, node.module)
        for alias in node.names:
            if (alias.asname or alias.name) == name:
                return project.resolve_qualname(f"{base}.{alias.name}")
        return UNKNOWN
    if isinstance(node, ast.Assign):
        value = evaluator.eval(node.value, scope)
        for target in node.targets:
            evaluator.bind(target, value, scope)
        return scope.env.get(name, UNKNOWN)
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        evaluator.stmt_AnnAssign(node, scope)
        return scope.env.get(name, UNKNOWN)
    return UNKNOWN


def collect_bindings(body: list[ast.stmt], out: dict[str, list[ast.AST]]) -> None:
    """Module-level bindings, including those inside top-level if/try/with/for blocks."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.setdefault(stmt.name, []).append(stmt)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound = alias.asname or alias.name.split(".")[0]
                out.setdefault(bound, []).append(stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                out.setdefault(alias.asname or alias.name, []).append(stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for name in target_names(target):
                    out.setdefault(name, []).append(stmt)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for name in target_names(stmt.target):
                out.setdefault(name, []).append(stmt)
            collect_bindings(stmt.body, out)
            collect_bindings(stmt.orelse, out)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for name in target_names(item.optional_vars):
                        out.setdefault(name, []).append(stmt)
            collect_bindings(stmt.body, out)
        elif isinstance(stmt, (ast.If, ast.While)):
            collect_bindings(stmt.body, out)
            collect_bindings(stmt.orelse, out)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            collect_bindings(stmt.body, out)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                collect_bindings(handler.body, out)
            collect_bindings(stmt.orelse, out)  # type: ignore[attr-defined]
            collect_bindings(stmt.finalbody, out)  # type: ignore[attr-defined]
