"""Function and class summaries: what calling a project function returns, what a class's
instances hold, which methods a class has, and what a pytest fixture provides.

:class:`Summaries` keeps the records of every function and class the model has met
(``records.py``) and computes each summary once, on demand, by running an
:class:`~parsl_lint.model.evaluator.Evaluator` in summary mode over the body (a recursive
summary is UNKNOWN). The module-level functions below are those runs.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from parsl_lint.model import parsl_api
from parsl_lint.model.callers import CallerFacts
from parsl_lint.model.evaluator import Evaluator
from parsl_lint.model.facts import AttributeWrites, SiteWrites
from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter
from parsl_lint.model.instances import bound_once_to_call, site_uses
from parsl_lint.model.records import ClassRecord, FuncRecord, MethodKind
from parsl_lint.model.scopes import Scope, ScopeKind
from parsl_lint.model.symbols import ModuleSymbols
from parsl_lint.model.syntax import is_fixture_decorator
from parsl_lint.model.values import (
    BOTTOM,
    NONE,
    UNKNOWN,
    App,
    AppFactory,
    AppInfo,
    BoundApp,
    Class,
    External,
    Func,
    Future,
    Gen,
    Mapping,
    Seq,
    Value,
    element,
    join,
    join_all,
)

if TYPE_CHECKING:  # the interface is for the type checker: nothing to import at run time
    from parsl_lint.model.interface import ProjectView


class Summaries:
    """The project's functions and classes, and what the model has worked out about them."""

    def __init__(
        self, index: ModuleIndex, prefilter: Prefilter, symbols: ModuleSymbols, view: ProjectView
    ) -> None:
        self.index = index
        self.prefilter = prefilter
        self.symbols = symbols
        self.view = view  # what the evaluators it runs ask about the rest of the project
        self.functions: dict[str, FuncRecord] = {}
        self.classes: dict[str, ClassRecord] = {}
        #: Methods whose ``def`` in a class body is decorated as an app: method key -> app.
        self.method_apps: dict[str, AppInfo] = {}
        self._returns: dict[str, Value] = {}
        self._attrs: dict[str, dict[str, Value]] = {}
        self._busy: set[object] = set()
        self._app_kinds: dict[str, str | None] = {}
        self._makers: dict[str, str | None] = {}
        self._sites: dict[str, tuple[dict[str, Value], frozenset[str]] | None] = {}
        self._closures: dict[str, set[str]] = {}
        self._bases: dict[str, tuple[ast.ClassDef, list[Value]]] = {}
        self._site_of_name: dict[tuple[str, str], tuple[str, str] | None] = {}
        #: The whole-program parameter facts, when the project has them: a summary worked out
        #: while they are incomplete is remembered only until they are complete.
        self.callers: CallerFacts | None = None

    def _cuts(self) -> int:
        return self.callers.cuts if self.callers is not None else 0

    def _remember(self, memo: dict, key: str, value: object, module: str, cuts: int) -> None:
        """Remember a summary. One worked out while facts about its module's functions are
        being worked out, and that met facts not known yet (``cuts`` changed meanwhile: a
        cycle, or a provisional summary), is provisional: forgotten once they are known."""
        memo[key] = value
        callers = self.callers
        if callers is not None and callers.cuts != cuts and callers.in_progress(module):
            callers.remember_provisional(memo, key)

    def _recall(self, memo: dict, key: str) -> Any:
        """A remembered summary (a provisional one makes what uses it provisional too)."""
        if self.callers is not None:
            self.callers.recalled(memo, key)
        return memo[key]

    def clear(self) -> None:
        """Forget everything (a module's text changed)."""
        self._returns.clear()
        self._attrs.clear()
        self._sites.clear()
        self._closures.clear()
        self._bases.clear()
        self._site_of_name.clear()
        self.functions.clear()
        self.classes.clear()
        self.method_apps.clear()

    def forget_module(self, module: str) -> None:
        """Forget the functions and classes a module defines (it is released)."""
        prefix = module + ":"
        for registry in (self.functions, self.classes, self.method_apps, self._bases):
            for key in [k for k in registry if k.startswith(prefix)]:
                del registry[key]

    # -- records ----------------------------------------------------------------------------

    def register_function(self, fdef: FuncRecord) -> Func:
        """The function's entry (the registered one when its node was seen before). A second
        ``def`` of the same name (a redefinition, or one per branch) gets an entry of its own,
        so a call after it is checked against its signature, not the first one's."""
        existing = self.functions.get(fdef.key)
        if existing is not None and existing.node is not fdef.node:
            fdef.key = f"{fdef.key}@{fdef.node.lineno}:{fdef.node.col_offset}"
            existing = self.functions.get(fdef.key)
        if existing is None:
            self.functions[fdef.key] = fdef
        return Func(fdef.key, fdef.name)

    def register_class(self, cdef: ClassRecord) -> Class:
        """The class's entry, with a record for each method its body defines."""
        existing = self.classes.setdefault(cdef.key, cdef)
        if existing is cdef:
            for stmt in cdef.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    method = FuncRecord(
                        f"{cdef.key}.{stmt.name}",
                        stmt,
                        cdef.module,
                        cls=cdef.key,
                        method_kind=MethodKind.of(stmt),
                        closure=cdef.closure,
                    )
                    cdef.methods[stmt.name] = method
                    self.functions.setdefault(method.key, method)
        return Class(cdef.key, cdef.node.name)

    # -- functions --------------------------------------------------------------------------

    def returns_of(self, key: str) -> Value:
        """What calling the function ``key`` returns."""
        if key in self._returns:
            return self._recall(self._returns, key)
        fdef = self.functions.get(key)
        if fdef is None:
            return UNKNOWN
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        cuts = self._cuts()
        try:
            value = summarise_function(self.view, fdef)
        finally:
            self._busy.discard(key)
        self._remember(self._returns, key, value, fdef.module, cuts)
        return value

    def fixture_value(self, info: ModuleInfo, name: str, requester: str) -> Value:
        """What pytest passes for a test's (or fixture's) parameter ``name``: the value of
        the fixture of that name, from the test's module or the ``conftest.py`` files above
        it (nearest first), as pytest resolves it. UNKNOWN when there is none."""
        for module in [info, *self.index.conftests_above(info, tests_only=False)]:
            if not self.prefilter.is_candidate(module):
                continue
            for node in self.symbols.bindings_of(module).get(name, []):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                if not any(is_fixture_decorator(d) for d in node.decorator_list):
                    continue
                key = f"{module.name}:{name}"
                if key == requester:
                    return UNKNOWN  # a fixture overriding one of the same name: not followed
                fdef = self.functions.get(key)
                if fdef is None:
                    self.symbols.symbol(module.name, name)  # registers the function
                    fdef = self.functions.get(key)
                if fdef is None or fdef.node is not node:
                    return UNKNOWN
                return self._fixture(fdef)
        return UNKNOWN

    def _fixture(self, fdef: FuncRecord) -> Value:
        guard = f"fixture:{fdef.key}"
        if guard in self._busy:
            return UNKNOWN
        self._busy.add(guard)
        try:
            return summarise_fixture(self.view, fdef)
        finally:
            self._busy.discard(guard)

    # -- classes ----------------------------------------------------------------------------

    def mro(self, cls_key: str) -> list[ClassRecord]:
        """The project classes of a class's method resolution order (depth first)."""
        out: list[ClassRecord] = []
        seen: set[str] = set()

        def visit(key: str) -> None:
            if key in seen or key not in self.classes:
                return
            seen.add(key)
            cdef = self.classes[key]
            out.append(cdef)
            for base in self.bases_of(cdef):
                visit(base)

        visit(cls_key)
        return out

    def lacks_attribute(self, cls_key: str, name: str) -> bool:
        """Instances of the project class certainly have no attribute ``name``: no class of
        its MRO defines or assigns it or a ``__getattr__``, and every base is a project class
        (an outside base, or a metaclass, could supply anything)."""
        chain = self.mro(cls_key)
        if not chain:
            return False
        for cdef in chain:
            if {name, "__getattr__", "__getattribute__"} & cdef.methods.keys():
                return False
            if name in self._attributes_of(cdef) or cdef.node.keywords:
                return False
            outside = [
                b for b in cdef.node.bases if not (isinstance(b, ast.Name) and b.id == "object")
            ]
            if len(outside) != len(self.bases_of(cdef)):
                return False
        return True

    def app_class_kind(self, cls_key: str) -> str | None:
        """The app kind (``"python"``, ``"bash"``) of a project class derived, through its
        project bases, from Parsl's ``PythonApp`` or ``BashApp``: calling one of its instances
        submits a task. None for any other class."""
        if cls_key not in self._app_kinds:
            self._app_kinds[cls_key] = None  # a class among its own bases: not an app class
            kind = None
            for cdef in self.mro(cls_key):
                kind = kind or _parsl_app_base(self.base_values(cdef))
            self._app_kinds[cls_key] = kind
        return self._app_kinds[cls_key]

    def holds_app_kernel(self, cls_key: str) -> bool:
        """The project class derives, through its project bases, from Parsl's ``AppBase``
        (directly, or through ``PythonApp``/``BashApp``), and no class of its MRO assigns
        ``self.data_flow_kernel``: the attribute holds what ``AppBase.__init__`` stored, a
        DataFlowKernel or None (when None, Parsl's own apps ask ``DataFlowKernelLoader.dfk()``
        for the kernel; ``None.submit`` raises, so a ``submit`` that returns gives an
        AppFuture either way)."""
        chain = self.mro(cls_key)
        if any("data_flow_kernel" in self._attributes_of(cdef) for cdef in chain):
            return False
        return any(_derives_from_app_base(self.base_values(cdef)) for cdef in chain)

    def parsl_call_after(self, cls_key: str) -> bool:
        """``super().__call__(...)`` in a method of the project class reaches Parsl's own
        ``PythonApp.__call__``/``BashApp.__call__`` (which return ``dfk.submit(...)``, an
        AppFuture): no class of the hierarchy above it defines ``__call__``, and every base
        outside the project is one of Parsl's app classes (a mixin could define its own)."""
        if self.find_method(cls_key, "__call__", after=cls_key) is not None:
            return False
        found = False
        for cdef in self.mro(cls_key):
            if cdef.node.keywords:
                return False  # a metaclass
            outside = [
                b for b in cdef.node.bases if not (isinstance(b, ast.Name) and b.id == "object")
            ]
            parsl_bases = _parsl_app_bases(self.base_values(cdef))
            if len(outside) != len(self.bases_of(cdef)) + parsl_bases:
                return False
            found = found or parsl_bases > 0
        return found

    def site_attribute(self, module: str, name: str, cls_key: str, attr: str) -> Value | None:
        """What ``name.attr`` holds, read in ``module``, when ``name`` is a module-level
        instance (``instances.py``) that code outside its class stores ``attr`` into and every
        store site is seen: those stores joined with the class's own. None: not such a site,
        or ``attr`` is stored only by the class (its summary applies)."""
        site = self._site_of(module, name)
        if site is None:
            return None
        found = self._site_stores(*site)
        if found is None:
            return None
        stores, holders = found
        if attr not in stores:
            return None
        if module not in self._closures:
            info = self.index.modules[module]
            self._closures[module] = self.prefilter.imported_closure(info) | {module}
        if not holders <= self._closures[module]:
            # A module that may store into it is not among those this file imports: the
            # file's cached result would not see it change. Quiet.
            return UNKNOWN
        own: Value = BOTTOM
        for cdef in self.mro(cls_key):
            attrs = self._attributes_of(cdef)
            if attr in attrs:
                own = join(own, attrs[attr])
        if own is BOTTOM and not self.lacks_attribute(cls_key, attr):
            return UNKNOWN  # a base outside the project (or ``__getattr__``) may supply it
        return join(own, stores[attr])

    def _site_of(self, module: str, name: str) -> tuple[str, str] | None:
        """(the module that binds the instance, its name there), through a module-level
        ``from m import name [as alias]`` (once per name and run)."""
        key = (module, name)
        if key not in self._site_of_name:
            self._site_of_name[key] = self._find_site(module, name)
        return self._site_of_name[key]

    def _find_site(self, module: str, name: str) -> tuple[str, str] | None:
        info = self.index.modules.get(module)
        tree = self.index.tree_of(info) if info is not None else None
        if info is None or tree is None:
            return None
        if bound_once_to_call(tree, name):
            return module, name
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if (alias.asname or alias.name) == name and alias.name != "*":
                        origin = self.index.absolute(info, stmt.level, stmt.module)
                        other = self.index.modules.get(origin)
                        other_tree = self.index.tree_of(other) if other is not None else None
                        if other_tree is not None and bound_once_to_call(other_tree, alias.name):
                            return origin, alias.name
        return None

    def _site_stores(
        self, module: str, name: str
    ) -> tuple[dict[str, Value], frozenset[str]] | None:
        key = f"{module}:{name}"
        if key in self._sites:
            return self._recall(self._sites, key)
        guard = ("site", key)
        if guard in self._busy:
            return None
        self._busy.add(guard)
        cuts = self._cuts()
        try:
            stores = self._gather_site_stores(module, name)
        finally:
            self._busy.discard(guard)
        self._remember(self._sites, key, stores, module, cuts)
        return stores

    def _gather_site_stores(
        self, module: str, name: str
    ) -> tuple[dict[str, Value], frozenset[str]] | None:
        """What code outside the class stores into the instance's attributes, and the modules
        that hold it (None: it escapes, or is reachable some other way)."""
        info = self.index.modules[module]
        tree = self.index.tree_of(info)
        assert tree is not None
        holders: list[tuple[ModuleInfo, ast.Module, frozenset[str]]] = [
            (info, tree, frozenset({name}))
        ]
        for other in self.prefilter.importers_of(info):
            if name not in self.prefilter.words_of(other):
                continue
            other_tree = self.index.tree_of(other)
            if other_tree is None:
                return None
            names = _imported_as(self.index, other, other_tree, module, name)
            if names is None:
                return None
            if names:
                holders.append((other, other_tree, names))
        unknown: set[str] = set()
        storing = []
        for holder, holder_tree, names in holders:
            uses = site_uses(holder_tree, set(names), set())
            if uses.escapes:
                return None
            unknown |= uses.unknown
            if uses.stored:
                storing.append((holder, holder_tree, names))
        out: dict[str, Value] = {}
        for holder, holder_tree, names in storing:
            evaluator = Evaluator(self.view, holder)
            evaluator.site_writes = writes = SiteWrites(names)
            evaluator.collecting = True  # every function of the module is walked...
            evaluator.use_callers = False  # ...its parameters unknown (no caller facts)
            with evaluator.quiet():
                evaluator.walk_module(holder_tree)
            for attr in writes.assigned.keys() | writes.added.keys():
                value = join_all(writes.assigned.get(attr, []))
                for added in writes.added.get(attr, []):
                    if isinstance(value, Seq) or value is BOTTOM:
                        value = Seq(join(element(value), added))
                    elif isinstance(value, Mapping):
                        value = Mapping(value.key, join(value.value, added))
                    else:
                        value = UNKNOWN
                out[attr] = join(out.get(attr, BOTTOM), value)
        for attr in unknown:
            out[attr] = UNKNOWN
        return out, frozenset(holder.name for holder, _, _ in holders)

    def makes_app(self, key: str) -> str | None:
        """The app kind of a project decorator that mirrors ``python_app``: every ``return``
        of the function gives an app, or a function that returns one (``@mpi_app`` and
        ``@mpi_app(ranks=4)`` both make an app). None for any other function."""
        if key not in self._makers:
            self._makers[key] = None
            fdef = self.functions.get(key)
            self._makers[key] = app_maker_kind(self.view, fdef) if fdef is not None else None
        return self._makers[key]

    def bases_of(self, cdef: ClassRecord) -> list[str]:
        """The keys of a class's bases that are project classes, in order."""
        return [value.key for value in self.base_values(cdef) if isinstance(value, Class)]

    def base_values(self, cdef: ClassRecord) -> list[Value]:
        """What each of a class's own bases evaluates to (through the imports, in its scope),
        once for a class defined at module level (a nested class's scope changes as the
        function around it is walked)."""
        if cdef.closure is not None:
            return _base_values(self.view, cdef)
        known = self._bases.get(cdef.key)
        if known is None or known[0] is not cdef.node:
            known = self._bases[cdef.key] = (cdef.node, _base_values(self.view, cdef))
        return known[1]

    def find_method(self, cls_key: str, name: str, after: str | None = None) -> FuncRecord | None:
        chain = self.mro(cls_key)
        if after is not None:
            keys = [c.key for c in chain]
            chain = chain[keys.index(after) + 1 :] if after in keys else []
        for cdef in chain:
            if name in cdef.methods:
                return cdef.methods[name]
        return None

    def instance_attribute(self, cls_key: str, name: str) -> Value:
        """What ``self.name`` holds on instances of a project class (UNKNOWN unless certain)."""
        value: Value = BOTTOM
        for cdef in self.mro(cls_key):
            attrs = self._attributes_of(cdef)
            if name in attrs:
                value = join(value, attrs[name])
        return UNKNOWN if value is BOTTOM else value

    def _attributes_of(self, cdef: ClassRecord) -> dict[str, Value]:
        if cdef.key in self._attrs:
            return self._recall(self._attrs, cdef.key)
        guard = ("attrs", cdef.key)
        if guard in self._busy:
            return {}
        self._busy.add(guard)
        cuts = self._cuts()
        try:
            attrs = summarise_attributes(self.view, cdef)
        finally:
            self._busy.discard(guard)
        self._remember(self._attrs, cdef.key, attrs, cdef.module, cuts)
        return attrs


# -- the summaries: one evaluator run each ---------------------------------------------------


def summarise_function(project: ProjectView, fdef: FuncRecord) -> Value:
    """What calling a project function returns."""
    node = fdef.node
    info = project.modules.get(fdef.module)
    if info is None:
        return UNKNOWN
    evaluator = Evaluator(project, info)
    evaluator.use_callers = False
    parent = fdef.closure or evaluator.module_scope()
    if not isinstance(node, ast.Lambda) and node.returns is not None:
        promised = evaluator.annotation(node.returns, parent)
        if promised is not UNKNOWN:
            return promised
    if isinstance(node, ast.AsyncFunctionDef):
        return UNKNOWN
    if fdef.cls is not None and node.decorator_list:
        app = evaluator._decorate(node, parent, fdef)  # an app defined as a method
        if app is not None:
            outermost = evaluator._is_app_factory(node.decorator_list[0], parent)
            return Future(app.name) if outermost else UNKNOWN
    scope = evaluator.walk_function(fdef)
    if scope.yields:
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        if all(evaluator._transparent(d, parent) for d in decorators):
            return Gen(join_all(scope.yields), getattr(node, "name", "<lambda>"))
        return Seq(join_all(scope.yields))
    if not scope.returns:
        return NONE
    return join_all(scope.returns)


def summarise_fixture(project: ProjectView, fdef: FuncRecord) -> Value:
    """What a pytest fixture provides: its return value, or what it yields."""
    info = project.modules.get(fdef.module)
    if info is None or isinstance(fdef.node, ast.Lambda):
        return UNKNOWN
    evaluator = Evaluator(project, info)
    parent = evaluator.module_scope()
    if fdef.node.returns is not None:
        promised = evaluator.annotation(fdef.node.returns, parent)
        if promised is not UNKNOWN:
            return promised
    scope = evaluator.walk_function(fdef)
    if scope.yields:
        return join_all(scope.yields)
    return join_all(scope.returns) if scope.returns else UNKNOWN


def summarise_attributes(project: ProjectView, cdef: ClassRecord) -> dict[str, Value]:
    """What each ``self.X`` of a class holds, joined over every method that assigns it."""
    info = project.modules.get(cdef.module)
    if info is None:
        return {}
    evaluator = Evaluator(project, info)
    evaluator.writes = AttributeWrites()
    for method in cdef.methods.values():
        if method.method_kind in (MethodKind.METHOD, MethodKind.PROPERTY):
            evaluator.walk_function(method)
    attrs: dict[str, Value] = {}
    for name in evaluator.writes.assigned.keys() | evaluator.writes.added.keys():
        value = join_all(evaluator.writes.assigned.get(name, []))
        for added in evaluator.writes.added.get(name, []):
            if isinstance(value, Seq) or value is BOTTOM:
                value = Seq(join(element(value), added))
            elif isinstance(value, Mapping):
                value = Mapping(value.key, join(value.value, added))
            else:
                value = UNKNOWN
        attrs[name] = value
    outer = cdef.closure or evaluator.module_scope()
    body = Scope(ScopeKind.CLASS, outer)
    for stmt in cdef.node.body:
        default = _field_default(evaluator, stmt, outer)
        if default is not None:  # ``x: T = field(...)``: the field's default, if it has one
            if default is not BOTTOM:
                evaluator.bind(stmt.target, default, body)  # type: ignore[union-attr]
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            evaluator.exec_stmt(stmt, body)
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            # ``future: AppFuture`` in a dataclass (or any class): the field's promise.
            promised = evaluator.annotation(stmt.annotation, outer)
            if promised is not UNKNOWN and stmt.target.id not in body.env:
                body.env[stmt.target.id] = promised
    for name, value in body.env.items():
        attrs[name] = join(attrs[name], value) if name in attrs else value
    return attrs


def _field_default(evaluator: Evaluator, stmt: ast.stmt, scope: Scope) -> Value | None:
    """For ``name: T = dataclasses.field(...)`` in a class body, the field's default value
    (BOTTOM when it has none, as with ``field(init=False)``: the attribute exists only once a
    method assigns it); None for any other statement."""
    if not (
        isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and isinstance(stmt.value, ast.Call)
    ):
        return None
    with evaluator.quiet():
        func = evaluator.eval(stmt.value.func, scope)
    if not (isinstance(func, External) and func.qualname == "dataclasses.field"):
        return None
    for kw in stmt.value.keywords:
        if kw.arg == "default":
            return evaluator.eval(kw.value, scope)
        if kw.arg == "default_factory":
            return UNKNOWN
    return BOTTOM


def _imported_as(
    index: ModuleIndex, info: ModuleInfo, tree: ast.Module, module: str, name: str
) -> frozenset[str] | None:
    """The names under which ``tree`` binds ``module``'s ``name`` by ``from module import``
    (None: it can reach the instance some other way: ``import module``, a star import, the
    module imported from its package)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module or module.startswith(alias.name + "."):
                    return None
        elif isinstance(node, ast.ImportFrom):
            origin = index.absolute(info, node.level, node.module)
            for alias in node.names:
                if origin == module and alias.name == "*":
                    return None
                if origin == module and alias.name == name:
                    names.add(alias.asname or name)
                elif f"{origin}.{alias.name}" == module:
                    return None
    return frozenset(names)


def _base_values(project: ProjectView, cdef: ClassRecord) -> list[Value]:
    """What each of a class's own bases evaluates to (through the imports, in its scope)."""
    info = project.modules.get(cdef.module)
    if info is None:
        return []
    evaluator = Evaluator(project, info)
    scope = cdef.closure or evaluator.module_scope()
    values = []
    for base in cdef.node.bases:
        with evaluator.quiet():
            values.append(evaluator.eval(base, scope))
    return values


def _is_parsl_app_class(value: Value) -> bool:
    """Parsl's own ``PythonApp``/``BashApp`` class (not the pre-1.0 ``App``)."""
    return isinstance(value, AppFactory) and value.is_class and not value.legacy


def _parsl_app_bases(bases: list[Value]) -> int:
    """How many of a class's own bases (their values) are Parsl's ``PythonApp``/``BashApp``."""
    return sum(_is_parsl_app_class(v) for v in bases)


def _derives_from_app_base(bases: list[Value]) -> bool:
    """One of a class's own bases is Parsl's ``AppBase`` or one of its app classes (resolved
    through the imports)."""
    return any(
        _is_parsl_app_class(v) or (isinstance(v, External) and v.qualname == parsl_api.APP_BASE)
        for v in bases
    )


def _parsl_app_base(bases: list[Value]) -> str | None:
    """The kind of the Parsl app class among a class's own bases (by what each base name
    resolves to through the imports, never by its spelling)."""
    for value in bases:
        if _is_parsl_app_class(value):
            return value.kind  # type: ignore[union-attr]
    return None


def app_maker_kind(project: ProjectView, fdef: FuncRecord) -> str | None:
    """The app kind every ``return`` of ``fdef`` makes (an app, or a function returning one),
    or None."""
    info = project.modules.get(fdef.module)
    if info is None or isinstance(fdef.node, ast.Lambda) or fdef.cls is not None:
        return None
    evaluator = Evaluator(project, info)
    evaluator.use_callers = False
    scope = evaluator.walk_function(fdef)
    kinds: set[str] = set()
    for value in scope.returns:
        if isinstance(value, Func):
            value = project.returns_of(value.key)
        if not isinstance(value, (App, BoundApp)):
            return None
        kinds.add(value.info.kind)
    return kinds.pop() if len(kinds) == 1 else None
