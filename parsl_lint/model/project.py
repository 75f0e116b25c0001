"""The project: the index of its modules and everything the model has worked out about them.

Built once per run from the whole project (not only the files being linted), so an app imported
from an unchanged module is still known. It is lazy and cheap: a module's text is read once, a
module is parsed (with ``ast``) only when a linted file imports from it, and a module that
neither mentions ``parsl`` nor imports a module that does is never parsed at all.

:class:`Project` is a facade over four parts, each with one job:

* :class:`~parsl_lint.model.index.ModuleIndex` (``index/modules.py``): the files, their module
  names, text and trees;
* :class:`~parsl_lint.model.index.Prefilter` (``index/prefilter.py``): which modules may be
  Parsl code, the scan cache, the dependency digest;
* :class:`~parsl_lint.model.symbols.ModuleSymbols` (``symbols.py``): what each module-level
  name is bound to;
* :class:`~parsl_lint.model.summaries.Summaries` (``summaries.py``): what project functions
  return, what classes' instances hold;
* :class:`~parsl_lint.model.callers.CallerFacts` (``callers.py``): what the project's calls
  pass to each function's parameters, across modules.

The prefilter's candidates are the modules that may be Parsl code by their text; the project
adds those whose functions other modules pass futures to (:meth:`Project.is_candidate`).

It is the :class:`~parsl_lint.model.interface.ProjectView` the evaluator asks.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Union

from parsl_lint.model.callers import CallerFacts
from parsl_lint.model.decorators import TRANSPARENT_DECORATORS
from parsl_lint.model.evaluator import app_from_callable
from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter
from parsl_lint.model.index.naming import directory_base, module_name_for, resolve_relative
from parsl_lint.model.records import ClassRecord, FuncRecord, app_info
from parsl_lint.model.summaries import Summaries
from parsl_lint.model.symbols import ModuleSymbols
from parsl_lint.model.syntax import FunctionNode, own_nodes, signature_of, target_names
from parsl_lint.model.values import AppInfo, Class, Func, Value
from parsl_lint.model.wide import WideQuestions, defines, imported

FunctionDefNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

__all__ = [
    "TRANSPARENT_DECORATORS",
    "ClassRecord",
    "FuncRecord",
    "FunctionNode",
    "ModuleInfo",
    "Project",
    "directory_base",
    "module_name_for",
    "own_nodes",
    "resolve_relative",
    "signature_of",
    "target_names",
]


class Project:
    """All modules of one project, and everything the model has worked out about them."""

    def __init__(self, root: Path) -> None:
        self.index = ModuleIndex(root)
        self.prefilter = Prefilter(self.index)
        self.symbols = ModuleSymbols(self.index, self.prefilter, self)
        self.summaries = Summaries(self.index, self.prefilter, self.symbols, self)
        self._callers = CallerFacts(self.index, self.prefilter, self)
        self.summaries.callers = self._callers
        #: ``functions_named``'s answers: name -> the modules defining such a function.
        self._named: dict[str, list[tuple[ModuleInfo, FunctionDefNode]]] = {}
        #: The project-wide questions asked while linting a file (for the result cache).
        self.wide = WideQuestions(self.index, self.prefilter, self.functions_named)
        self._callers.ask = self.wide.ask

    # -- building ---------------------------------------------------------------------------

    @property
    def callers(self) -> CallerFacts:
        """The whole-program parameter facts: what the project's calls pass to a function."""
        return self._callers

    @classmethod
    def from_files(cls, root: Path, files: Iterable[Path]) -> Project:
        project = cls(root)
        project.index.add_files(files)
        return project

    def add_file(self, path: str | os.PathLike[str], text: str | None = None) -> ModuleInfo:
        """The module of the file at ``path`` (a ``Path`` or a string), added when new."""
        return self.index.add_file(path, text)

    def add_source(self, name: str, text: str, tree: ast.Module | None = None) -> ModuleInfo:
        """Register a module that has no file of its own (standard input)."""
        return self.index.add_source(name, text, tree)

    def update_text(self, info: ModuleInfo, text: str) -> None:
        """Give a module new text (the fixer's output); forget what was derived from the old."""
        if info.text is None and info.tree is None:
            info.text = text
            return
        if info.text == text:
            return
        info.forget_text()
        info.text = text
        self.index.edits += 1
        self.symbols.clear()
        self.summaries.clear()
        self._callers.clear()
        self.prefilter.invalidate()
        self._named.clear()

    def release(self, info: ModuleInfo) -> None:
        """Forget a linted module's tree and what was derived from it, unless another module
        of the project imports it (then it will be asked about again). Keeps peak memory flat
        however many files a run lints; anything released is re-parsed if it is needed."""
        imported = self.prefilter.imported_names()
        if info.path is None or info.name in imported or info.package in imported:
            return
        self.summaries.forget_module(info.name)
        self.symbols.forget_module(info.name)
        info.tree, info.bindings, info.text = None, None, None

    # -- the index --------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.index.root

    @property
    def modules(self) -> dict[str, ModuleInfo]:
        return self.index.modules

    @property
    def by_path(self) -> dict[str, ModuleInfo]:
        return self.index.by_path

    def text_of(self, info: ModuleInfo) -> str:
        return self.index.text_of(info)

    def tree_of(self, info: ModuleInfo) -> ast.Module | None:
        return self.index.tree_of(info)

    def set_tree(self, info: ModuleInfo, tree: ast.Module) -> None:
        self.index.set_tree(info, tree)

    def absolute(self, info: ModuleInfo, level: int, module: str | None) -> str:
        return self.index.absolute(info, level, module)

    def conftests_above(self, info: ModuleInfo, tests_only: bool = True) -> list[ModuleInfo]:
        return self.index.conftests_above(info, tests_only)

    # -- the prefilter ----------------------------------------------------------------------

    @property
    def scan_cache(self) -> dict[str, list]:
        """Last run's scans, by absolute path; setting it turns on recording this run's."""
        return self.prefilter.scan_cache

    @scan_cache.setter
    def scan_cache(self, scans: dict[str, list]) -> None:
        self.prefilter.scan_cache = scans

    @property
    def record_scans(self) -> bool:
        """This run's scans are recorded (a scan cache was given)."""
        return self.prefilter.record_scans

    @property
    def scanned(self) -> dict[str, list]:
        """This run's scans, for the cache to save."""
        return self.prefilter.scanned

    def candidates(self) -> set[str]:
        return self.prefilter.candidates()

    def is_candidate(self, info: ModuleInfo) -> bool:
        """The prefilter lets the module through: it may be Parsl code by its text, or it
        never mentions Parsl but Parsl code passes futures to its functions (asked only of
        a module that Parsl code imports, directly or not)."""
        if self.prefilter.is_candidate(info):
            return True
        return info.name in self.prefilter.carriers() and self._callers.receives_futures(info)

    def mentions_parsl(self, info: ModuleInfo) -> bool:
        return self.prefilter.mentions_parsl(info)

    def is_imported(self, info: ModuleInfo) -> bool:
        self.wide.ask(imported(info.name))
        return self.prefilter.is_imported(info)

    def imported_modules(self, info: ModuleInfo) -> tuple[str, ...]:
        return self.prefilter.imported_modules(info)

    def dependency_digest(self, info: ModuleInfo) -> str:
        return self.prefilter.dependency_digest(info)

    # -- module-level names -----------------------------------------------------------------

    def bindings_of(self, info: ModuleInfo) -> dict[str, list[ast.AST]]:
        return self.symbols.bindings_of(info)

    @property
    def max_parse_size(self) -> int:
        return self.index.max_parse_size

    @max_parse_size.setter
    def max_parse_size(self, size: int) -> None:
        self.index.max_parse_size = size

    def functions_named(self, name: str) -> list[tuple[ModuleInfo, FunctionDefNode]]:
        """Every module of the project that defines a function ``name`` at its top level,
        with the ``def``. The first question reads each module's text once (a module whose
        text does not say ``def name`` is not parsed, and its text is dropped again)."""
        self.wide.ask(defines(name))
        found = self._named.get(name)
        if found is not None:
            return found
        found = []
        needle = f"def {name}"
        for info in list(self.modules.values()):
            had_text = info.text is not None
            if needle not in self.text_of(info):
                if not had_text and info.tree is None:
                    info.text = None
                continue
            tree = self.tree_of(info)
            for stmt in tree.body if tree is not None else ():
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    found.append((info, stmt))
        self._named[name] = found
        return found

    def symbol(self, module: str, name: str) -> Value | None:
        return self.symbols.symbol(module, name)

    def resolve_qualname(self, qualname: str) -> Value:
        return self.symbols.resolve_qualname(qualname)

    def import_binding(
        self, info: ModuleInfo, dotted: str, asname: str | None
    ) -> tuple[str, Value]:
        return self.symbols.import_binding(info, dotted, asname)

    # -- functions and classes --------------------------------------------------------------

    @property
    def functions(self) -> dict[str, FuncRecord]:
        return self.summaries.functions

    @property
    def classes(self) -> dict[str, ClassRecord]:
        return self.summaries.classes

    @property
    def method_apps(self) -> dict[str, AppInfo]:
        return self.summaries.method_apps

    def register_function(self, record: FuncRecord) -> Func:
        return self.summaries.register_function(record)

    def register_class(self, record: ClassRecord) -> Class:
        return self.summaries.register_class(record)

    def returns_of(self, key: str) -> Value:
        return self.summaries.returns_of(key)

    def fixture_value(self, info: ModuleInfo, name: str, requester: str) -> Value:
        return self.summaries.fixture_value(info, name, requester)

    def mro(self, cls_key: str) -> list[ClassRecord]:
        return self.summaries.mro(cls_key)

    def bases_of(self, record: ClassRecord) -> list[str]:
        return self.summaries.bases_of(record)

    def find_method(self, cls_key: str, name: str, after: str | None = None) -> FuncRecord | None:
        return self.summaries.find_method(cls_key, name, after)

    def app_class_kind(self, cls_key: str) -> str | None:
        return self.summaries.app_class_kind(cls_key)

    def parsl_call_after(self, cls_key: str) -> bool:
        return self.summaries.parsl_call_after(cls_key)

    def holds_app_kernel(self, cls_key: str) -> bool:
        return self.summaries.holds_app_kernel(cls_key)

    def site_attribute(self, module: str, name: str, cls_key: str, attr: str) -> Value | None:
        return self.summaries.site_attribute(module, name, cls_key, attr)

    def makes_app(self, key: str) -> str | None:
        return self.summaries.makes_app(key)

    def instance_attribute(self, cls_key: str, name: str) -> Value:
        return self.summaries.instance_attribute(cls_key, name)

    def lacks_attribute(self, cls_key: str, name: str) -> bool:
        return self.summaries.lacks_attribute(cls_key, name)

    def app_info(self, record: FuncRecord, kind: str, plain: bool) -> AppInfo:
        return app_info(record, kind, plain)

    def app_from_callable(self, value: Value, kind: str) -> Value:
        return app_from_callable(self.functions, value, kind)
