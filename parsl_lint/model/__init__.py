"""The semantic model: what each expression of a file is, as far as Parsl is concerned.

``analyze(project, module, tree)`` walks one parsed file with the project index behind it and
returns a :class:`FileModel`. Rules ask the model ("is this receiver a Parsl future?", "which
app does this call invoke?", "is this call inside an app body / a ``try`` that already logs the
traceback / ``pytest.raises``?"); they never evaluate anything themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from parsl_lint.model import configs, exceptions, wide
from parsl_lint.model.evaluator import Evaluator
from parsl_lint.model.exceptions import Raised
from parsl_lint.model.facts import (
    AppDef,
    CallFact,
    Facts,
    FuncCtx,
    GuardCtx,
    IndexCtx,
    TryCtx,
    WithCtx,
)
from parsl_lint.model.index import ModuleInfo
from parsl_lint.model.project import Project
from parsl_lint.model.scopes import module_reads
from parsl_lint.model.syntax import FunctionNode, own_nodes
from parsl_lint.model.values import App, AppInfo, External, Future, MaybeFuture, Value

__all__ = [
    "AppDef",
    "CallFact",
    "FileModel",
    "FunctionNode",
    "ModuleInfo",
    "Project",
    "Raised",
    "analyze",
    "handler_is_broad",
    "handler_raises",
    "handler_surfaces_traceback",
    "own_nodes",
]

_BROAD = frozenset({"Exception", "BaseException"})
_TRACEBACK_FUNCS = frozenset(
    {"print_exc", "format_exc", "format_exception", "print_exception", "format_tb", "print_tb"}
)
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "fatal", "log", "exception"}
)
#: What loads a Parsl configuration (``parsl.load`` is ``DataFlowKernelLoader.load``).
_PARSL_LOAD = frozenset({"parsl.load", "parsl.dataflow.dflow.DataFlowKernelLoader.load"})


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
    for node in own_nodes(handler.body):
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


def handler_raises(handler: ast.ExceptHandler) -> bool:
    """The handler raises (again, or something else) on some path."""
    return any(isinstance(node, ast.Raise) for node in own_nodes(handler.body))


def _parsl_executor_calls(tree: ast.Module) -> Iterator[tuple[ast.Call, str]]:
    """Calls of Parsl executor classes in another module, recognised by how it names them:
    imported from a ``parsl`` module (``from parsl.executors import X``), or spelled through
    ``parsl.`` (``parsl.executors.X(...)``). A ``concurrent.futures`` pool is neither."""
    from_parsl = {  # the name bound -> the class it names
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "parsl"
        for alias in node.names
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in from_parsl:
            called = from_parsl[func.id]
        elif isinstance(func, ast.Attribute) and ast.unparse(func.value).split(".")[0] == "parsl":
            called = func.attr
        else:
            continue
        if called.endswith("Executor"):
            yield node, called


#: The label an executor gets when none is given.
_DEFAULT_LABELS = {
    "ThreadPoolExecutor": "threads",
    "HighThroughputExecutor": "HighThroughputExecutor",
}


def _add_executor(made: dict[str | None, str], cls: str, call: ast.Call) -> None:
    label: str | None = _DEFAULT_LABELS.get(cls)
    for kw in call.keywords:
        if kw.arg == "label":
            value = kw.value
            label = (
                value.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
                else None
            )
    previous = made.get(label)
    made[label] = cls if previous in (None, cls) else "mixed"


@dataclass
class FileModel:
    """The facts the model found in one file."""

    project: Project
    module: ModuleInfo
    tree: ast.Module
    facts: Facts
    #: Answers to the project-wide questions, asked once per file.
    _answers: dict[str, object] = field(default_factory=dict)

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

    @staticmethod
    def app_arguments(fact: CallFact) -> Iterator[tuple[ast.expr, Value, int]]:
        """Each argument an app call sends to the task: its node, its value and how deep to
        look into it (PSL302 and PSL304 ask).

        Positional and keyword arguments count at the top level only; ``inputs=[...]`` is
        looked into one level, since Parsl itself iterates it. ``*args``/``**kwargs`` are
        skipped.
        """
        call = fact.node
        for arg, value in zip(call.args, fact.args):
            if not isinstance(arg, ast.Starred):
                yield arg, value, 0
        for kw in call.keywords:
            if kw.arg is not None and kw.arg in fact.kwargs:
                yield kw.value, fact.kwargs[kw.arg], 1 if kw.arg == "inputs" else 0

    @property
    def app_defs(self) -> list[AppDef]:
        return self.facts.app_defs

    def app_functions(self) -> list[tuple[FunctionNode, AppInfo]]:
        """The functions defined in this file that are app bodies, with their app.

        Decorated ``def``s and functions passed to ``python_app(f)``/``PythonApp(f)``; a function
        of another module made into an app here is not listed (its body is not in this file).
        """
        found = self.facts.app_functions
        nodes = sorted(
            self.facts.app_function_nodes.values(), key=lambda n: (n.lineno, n.col_offset)
        )
        return [(node, found[id(node)]) for node in nodes]

    def callee_from_parameter(self, fact: CallFact) -> bool:
        """The callee is a plain name that is a parameter of an enclosing function.

        The model knows such a callee only from the parameter's default (``def run(app=train)``);
        a caller may pass another app, so facts about the default do not hold for the call.
        """
        func = fact.node.func
        if not isinstance(func, ast.Name):
            return False
        node = self.parent(fact.node)
        while node is not None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                args = node.args
                every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                if any(a is not None and a.arg == func.id for a in every):
                    return True
            node = self.parent(node)
        return False

    # -- the module as a whole ------------------------------------------------------------

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The node whose child ``node`` is (None for the module and for foreign nodes)."""
        return self._parents.get(id(node))

    @cached_property
    def _parents(self) -> dict[int, ast.AST]:
        parents: dict[int, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
        return parents

    def module_bindings(self) -> dict[str, list[ast.AST]]:
        """The names bound at module level (also inside top-level ``if``/``try``/``with``/``for``),
        each with the statements that bind it; ``"*"`` holds the star imports."""
        return self.project.bindings_of(self.module)

    def is_script(self) -> bool:
        """The file runs as a program: it has a module-level ``if __name__ == "__main__":``
        block, or calls ``parsl.load`` at module level. Its functions are then defined in
        ``__main__`` and serialized by value, without the module's globals (unless the
        project imports it too: see :meth:`imported_by_project`)."""
        if any(_is_main_guard(stmt) for stmt in self.tree.body):
            return True
        for fact in self.facts.calls.values():
            callee = fact.callee
            if isinstance(callee, External) and callee.qualname in _PARSL_LOAD:
                if self.enclosing_function(fact) is None:
                    return True
        return False

    def imported_by_project(self) -> bool:
        """Another project module imports this one: it is a library first, and its apps run
        as ``pkg.mod.app``, serialized by reference, whatever its ``__main__`` block does.
        (Answering needs every module's imports: ask only when it matters.)"""
        return self.module.path is not None and self.project.is_imported(self.module)

    @cached_property
    def configured_executors(self) -> dict[str | None, str]:
        """The Parsl executors this file, or a project module it imports, constructs: label ->
        class name (None for a label that is not a literal). Loading
        ``parsl.configs.local_threads`` counts as a ``ThreadPoolExecutor``."""
        made: dict[str | None, str] = {}
        for fact in self.facts.calls.values():
            callee = fact.callee
            if isinstance(callee, External) and callee.qualname.startswith("parsl."):
                name = callee.qualname.rpartition(".")[2]
                if name.endswith("Executor"):
                    _add_executor(made, name, fact.node)
                elif callee.qualname in _PARSL_LOAD and fact.args:
                    config = fact.args[0]
                    if isinstance(config, External) and config.qualname.startswith(
                        "parsl.configs.local_threads."
                    ):
                        made.setdefault("threads", "ThreadPoolExecutor")
        for name in self.project.imported_modules(self.module):
            info = self.project.modules.get(name)
            if info is None or info is self.module or not self.project.mentions_parsl(info):
                continue
            tree = self.project.tree_of(info)
            for node, called in _parsl_executor_calls(tree) if tree is not None else ():
                _add_executor(made, called, node)
        return made

    def only_thread_executors(self) -> bool:
        """Every Parsl executor the file (or a project module it imports) configures is a
        ``ThreadPoolExecutor``: every app then runs in this process."""
        kinds = set(self.configured_executors.values())
        return kinds == {"ThreadPoolExecutor"}

    def runs_on_threads(self, info: AppInfo) -> bool:
        """The app is pinned (``executors=[...]``, literal labels) to executors that are all
        ``ThreadPoolExecutor``s configured here or in a module this file imports."""
        labels: list[str] | None = None
        for app_def in self.app_defs:
            call = app_def.factory
            if app_def.info != info or not isinstance(call, ast.Call):
                continue
            for kw in call.keywords:
                if kw.arg == "executors" and isinstance(kw.value, (ast.List, ast.Tuple)):
                    labels = [
                        e.value
                        for e in kw.value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    ]
                    if len(labels) != len(kw.value.elts):
                        return False
        made = self.configured_executors
        return bool(labels) and all(made.get(label) == "ThreadPoolExecutor" for label in labels)

    def executor_labels(self) -> frozenset[str] | None:
        """Every executor label the project's Parsl configurations define (and Parsl's own
        ``_parsl_internal``), when all of them are known: every ``Config(...)`` in a project
        module that mentions parsl lists its executors literally, with literal labels, and no
        configuration comes from ``parsl.configs`` or another package or gains executors
        later. None when any is not, or when the project builds none. (Reads every such
        module: ask only when it matters.)"""
        self.project.wide.ask(wide.PARSL_MODULES)
        if "executor_labels" not in self._answers:
            self._answers["executor_labels"] = self._scan_executor_labels()
        return self._answers["executor_labels"]  # type: ignore[return-value]

    def _scan_executor_labels(self) -> frozenset[str] | None:
        project = self.project
        project.candidates()
        labels: set[str] = {configs.INTERNAL_LABEL}
        built = 0
        for info in list(project.modules.values()):
            if not project.mentions_parsl(info):
                continue
            if info is self.module:
                found = configs.scan_module(self.tree)
            else:
                found = configs.scan_text(info.name, project.text_of(info))
            if found is None:
                return None  # a module that does not parse: its configuration is unknown
            if not found.known(self._is_project_module):
                return None
            built += found.configs
            labels |= found.labels
        return frozenset(labels) if built else None

    def _is_project_module(self, name: str) -> bool:
        modules = self.project.modules
        return name in modules or any(m.startswith(name + ".") for m in modules)

    def project_mentions(self, word: str) -> bool:
        """Some project module that mentions parsl also contains ``word`` (a text search, for
        settings such as ``dependency_resolver`` that change what Parsl does everywhere)."""
        project = self.project
        project.wide.ask(wide.PARSL_MODULES)
        project.candidates()
        for info in list(project.modules.values()):
            if project.mentions_parsl(info):
                text = self.tree_text if info is self.module else project.text_of(info)
                if word in text:
                    return True
        return False

    @cached_property
    def tree_text(self) -> str:
        return self.project.text_of(self.module) if self.module.path else ast.unparse(self.tree)

    def raised_exceptions(self, function: FunctionNode) -> list[Raised]:
        """The project exception classes an app body of this file raises: in a ``raise`` of
        its own body, or in a project function it calls (followed a few calls deep, in any
        project module), each with where in the body (the ``raise``, or the call that leads
        to it). The first of each (place, class) pair."""
        found: list[Raised] = []
        seen: set[tuple[int, int]] = set()
        for node, cls, via in exceptions.raised_by(self.project, self.module, function):
            if (id(node), id(cls.node)) not in seen:
                seen.add((id(node), id(cls.node)))
                found.append(Raised(node, cls, via))
        return found

    def exception_rebuild_problem(self, raised: Raised) -> str | None:
        """Why pickle cannot rebuild an instance of the raised project exception class from
        its ``args`` (``type(e)(*e.args)``), as a phrase for a message; None when it can, or
        when the source does not say for certain (a ``__reduce__``, a base from outside...)."""
        return exceptions.rebuild_problem(self.project, raised.cls)

    def defined_here(self, raised: Raised) -> bool:
        """The raised exception class is defined in this file."""
        return raised.cls.module is self.module

    def enclosing_loop(self, node: ast.AST) -> ast.AST | None:
        """The innermost ``for``/``while`` loop or comprehension whose body (or element)
        holds ``node``, in the same function; a loop's own iterable or test does not count
        as its body (it runs once, or decides whether to go on)."""
        child, current = node, self.parent(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return None
            if isinstance(current, (ast.For, ast.AsyncFor, ast.While)):
                if child in current.body:
                    return current
            elif isinstance(current, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
                if child is current.elt:
                    return current
            elif isinstance(current, ast.DictComp):
                if child is current.key or child is current.value:
                    return current
            child, current = current, self.parent(current)
        return None

    def global_reads(self, function: FunctionNode) -> list[ast.Name]:
        """The names ``function``'s body reads from the module scope (globals or builtins),
        in source order: neither its locals nor those of an enclosing function. Nested
        functions, lambdas and comprehensions of the body count; decorators and defaults do not.
        """
        return self._module_reads.get(id(function), [])

    @cached_property
    def _module_reads(self) -> dict[int, list[ast.Name]]:
        return module_reads(self.tree)

    # -- questions about a value or a context ---------------------------------------------

    @staticmethod
    def is_parsl_future(value: Value | None) -> bool:
        return isinstance(value, Future)

    def in_fstring(self, node: ast.AST) -> ast.JoinedStr | None:
        """The innermost f-string whose replacement fields hold ``node``, if any (a format
        spec, ``f"{x:{node}}"``, is part of the f-string around it)."""
        parent = self.parent(node)  # up the tree, not over every f-string of the file
        while parent is not None:
            if isinstance(parent, ast.JoinedStr):
                owner = self.parent(parent)
                if not (isinstance(owner, ast.FormattedValue) and owner.format_spec is parent):
                    return parent
            parent = self.parent(parent)
        return None

    def receiver_future(self, fact: CallFact) -> Future | None:
        """The Parsl future a ``<receiver>.method(...)`` call is made on, when the receiver is
        one: a future, or a value that is a future on some paths and on the others has no such
        method at all (a literal, a container, an instance of a project class without it),
        so that the call only works on the future."""
        receiver = fact.receiver
        if isinstance(receiver, Future):
            return receiver
        method = getattr(fact.node.func, "attr", None)
        if isinstance(receiver, MaybeFuture) and method is not None:
            if all(self.project.lacks_attribute(c, method) for c in receiver.classes):
                return receiver.future
        return None

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
    def known_to_succeed(fact: CallFact) -> bool:
        """The call's receiver was checked to have succeeded before it (the call sits in
        ``if f.exception() is None:`` or in the ``else`` of ``if f.exception():``), so its
        ``.result()`` cannot raise."""
        receiver = getattr(fact.node.func, "value", None)
        if receiver is None:
            return False
        dumped = ast.dump(receiver)
        for entry in reversed(fact.ctx):
            if isinstance(entry, FuncCtx):
                return False
            if isinstance(entry, GuardCtx) and dumped in entry.succeeded:
                return True
        return False

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
        """A broad ``try`` around the call already logs the traceback (or logs and re-raises).
        The innermost broad handler that neither does so nor raises again is where the
        failure stops: a ``try`` further out never sees it."""
        for node in self.enclosing_trys(fact):
            broad = [h for h in node.handlers if handler_is_broad(h)]
            if any(handler_surfaces_traceback(h) for h in broad):
                return True
            if broad and not any(handler_raises(h) for h in broad):
                return False
        return False

    def imported_as(self, module: str, name: str) -> str | None:
        """The module-level name under which this file does ``from module import name``."""
        return self._from_imports.get((module, name))

    @cached_property
    def _from_imports(self) -> dict[tuple[str, str], str]:
        """``(module, name) -> the first module-level name bound to it by a from-import``,
        built once per file: asked for each fix, a scan of every binding would make a module
        with many sites cost the square of their number."""
        found: dict[tuple[str, str], str] = {}
        for bound, nodes in self.project.bindings_of(self.module).items():
            for node in nodes:
                if not isinstance(node, ast.ImportFrom):
                    continue
                module = self.project.absolute(self.module, node.level, node.module)
                for a in node.names:
                    if (a.asname or a.name) == bound:
                        found.setdefault((module, a.name), bound)
        return found

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

    # -- what crosses between the submitting process and a worker -------------------------

    def app_results(self) -> list[tuple[AppInfo, ast.expr, Value]]:
        """What the app bodies of this file return, in source order: the app, the returned
        expression and its value (for a generator app: each ``yield``, valued ``Gen``)."""
        out: list[tuple[AppInfo, ast.expr, Value]] = []
        for key, results in self.facts.app_returns.items():
            info = self.facts.app_functions.get(key)
            if info is not None:
                out.extend((info, node, value) for node, value in results)
        out.sort(key=lambda r: (r[1].lineno, r[1].col_offset))
        return out

    def fact_of(self, call: ast.Call) -> CallFact | None:
        """The fact recorded for a call of this file (None where the evaluator never went)."""
        return self.facts.calls.get(id(call))

    def handler_type(self, handler: ast.ExceptHandler) -> Value | None:
        """What an ``except`` clause's type evaluates to (None for a bare ``except:``)."""
        return self.facts.handler_types.get(id(handler))


def _is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either side of the ``==``)."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def analyze(project: Project, module: ModuleInfo, tree: ast.Module) -> FileModel:
    """Build the model of one parsed file (``tree`` is the file's own parse, reused)."""
    project.set_tree(module, tree)
    facts = Facts()
    Evaluator(project, module, facts).walk_module(tree)
    return FileModel(project, module, tree, facts)
