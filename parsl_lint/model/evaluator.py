"""The flow-sensitive evaluator: walks a module or function body and tracks what names hold.

:class:`Evaluator` serves two purposes. In *summary* mode (no ``facts``) it works out what a
project function returns or what a class's instance attributes hold, for ``summaries.py`` and
``symbols.py``. In *file* mode it walks every statement of the file being linted and records
(``facts.py``), for each call, what the callee and the receiver are and in which context (app
body, ``try`` block, ``with pytest.raises``, loop with an index variable) the call sits. Rules
read those facts; they never evaluate anything themselves.

Statements run in order, so a rebound name is no longer what it was; branches are evaluated
separately and joined; loop bodies run twice so that ``futs.append(app())`` is seen by a later
iteration; a branch that ends in ``return``/``raise``/``continue``/``break`` does not flow on.

The evaluator dispatches and keeps the flow; the modelling of one kind of thing lives beside
it: what calling a builtin returns in ``builtins.py``, a container's methods and subscripts in
``containers.py``, annotations in ``annotations.py``, decorators in ``decorators.py``, what a
branch or loop header proves in ``branches.py``, scoping rules in ``scopes.py``. What lies
outside the body being walked is asked through
:class:`~parsl_lint.model.interface.ProjectView`.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from parsl_lint.model import parsl_api, resources
from parsl_lint.model.annotations import annotation_value, qualname_of
from parsl_lint.model.arguments import (
    Passed,
    as_received,
    bindable,
    escape,
    merge,
    record,
    usable,
)
from parsl_lint.model.branches import index_names, succeeded_when, terminates
from parsl_lint.model.builtins import BuiltinCall, call_builtin
from parsl_lint.model.containers import (
    ADDS_MANY,
    ADDS_ONE,
    container_method,
    store_item,
    subscript,
)
from parsl_lint.model.decorators import (
    TRANSPARENT_DECORATORS,
    keyword_true,
    legacy_kind,
    passes_through,
)
from parsl_lint.model.facts import (
    AppDef,
    AttributeWrites,
    CallFact,
    Ctx,
    Facts,
    FuncCtx,
    GuardCtx,
    IndexCtx,
    SiteWrites,
    TryCtx,
    WithCtx,
)
from parsl_lint.model.index import ModuleInfo
from parsl_lint.model.records import ClassRecord, FuncRecord, MethodKind, app_info
from parsl_lint.model.scopes import Scope, ScopeKind, join_env, local_names
from parsl_lint.model.syntax import target_names
from parsl_lint.model.values import (
    BOTTOM,
    NONE,
    PLAIN,
    UNKNOWN,
    App,
    AppFactory,
    AppInfo,
    BoundApp,
    BoundMethod,
    Builtin,
    Class,
    External,
    Func,
    Future,
    Gen,
    Instance,
    Kernel,
    Mapping,
    MaybeFuture,
    Module,
    Partial,
    PoolExecutor,
    Seq,
    SuperOf,
    Tup,
    Value,
    element,
    join,
    join_all,
)

if TYPE_CHECKING:  # the interface is for the type checker: nothing to import at run time
    from parsl_lint.model.interface import ProjectView

#: The scope kinds, as module globals: the name lookup compares them in its innermost loop.
_MODULE, _CLASS = ScopeKind.MODULE, ScopeKind.CLASS
_FUNCTION, _COMPREHENSION = ScopeKind.FUNCTION, ScopeKind.COMPREHENSION

_HINT_ROUNDS = 3
_RAISES_QUALNAMES = frozenset({"pytest.raises", "_pytest.python_api.raises"})
_ASSERT_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Pow, ast.MatMult)
#: Builtin types no Parsl future is an instance of (``isinstance`` narrows them away).
_NOT_FUTURE_TYPES = frozenset(
    {"list", "set", "frozenset", "tuple", "dict", "str", "bytes", "int", "float", "bool"}
)
#: The special-method stem of each binary operator (``__add__``, ``__radd__``, ``__iadd__``).
_OPERATORS: dict[type, str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "truediv",
    ast.FloorDiv: "floordiv",
    ast.Mod: "mod",
    ast.Pow: "pow",
    ast.MatMult: "matmul",
    ast.BitOr: "or",
    ast.BitAnd: "and",
    ast.BitXor: "xor",
    ast.LShift: "lshift",
    ast.RShift: "rshift",
}


class Evaluator:
    """Walks the statements of one module of the project, or of one of its functions, in
    order, and works out what each name and expression holds.

    With ``facts`` (*file mode*, the file being linted) it records into them every call and
    its context, the apps the file makes and what their bodies return. Without (*summary
    mode*, for ``summaries.py`` and ``symbols.py``) it only computes values; :meth:`quiet`
    switches to summary mode for a sub-evaluation whose calls must not be recorded (a
    decorator looked at twice, an annotation). With ``writes`` it gathers what methods store
    in ``self.X`` (the attributes summary of a class).

    What lies outside the body (other modules, other functions' summaries) it asks the
    project through :class:`~parsl_lint.model.interface.ProjectView`.
    """

    def __init__(
        self, project: ProjectView, module: ModuleInfo, facts: Facts | None = None
    ) -> None:
        self.project = project
        self.module = module
        self.facts = facts
        self.ctx: tuple[Ctx, ...] = ()
        self.writes: AttributeWrites | None = None
        #: Set while summarising what a module stores into a module-level instance.
        self.site_writes: SiteWrites | None = None
        self.deferred: list[tuple[FuncRecord, AppInfo | None]] = []
        #: File and collect mode: what this module's calls pass to the project's functions
        #: (``arguments.py``); ``callers.py`` joins them project-wide.
        self.passed: Passed = {}
        #: Collect mode: walk the module only for what its calls pass (no facts).
        self.collecting = False
        #: Collect mode: the module's top-level functions and methods (by node) that are
        #: walked only when asked (``hold_back``), and those held back so far.
        self._units: frozenset[int] = frozenset()
        self._walk_only: set[int] | None = None
        self._held: dict[int, tuple[FuncRecord, AppInfo | None]] = {}
        self._hinted: dict[str, dict[str, Value]] = {}
        #: Collect mode: the calls whose notes must be complete are those spelling these
        #: names (None: all): a function's parameters are bound only when they reach one.
        self.collect_names: frozenset[str] | None = None

        #: Bind parameters from what the project's callers pass. Off for a return-value
        #: summary: it is context-insensitive, and asking would walk every caller of every
        #: function summarised.
        self.use_callers = True
        self.walked: dict[str, tuple[FuncRecord, AppInfo | None]] = {}
        self._app_def_keys: set[tuple[int, int]] = set()
        # File mode, inside an app body: where its ``return``/``yield`` values are recorded.
        self.app_results: list[tuple[ast.expr, Value]] | None = None

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Evaluate without recording facts (summary mode) for the duration."""
        facts, self.facts = self.facts, None
        try:
            yield
        finally:
            self.facts = facts

    @contextmanager
    def push(self, entry: Ctx) -> Iterator[None]:
        """Calls evaluated for the duration sit in ``entry`` (a ``try``, a loop, ...)."""
        saved = self.ctx
        self.ctx = (*saved, entry)
        try:
            yield
        finally:
            self.ctx = saved

    def module_scope(self) -> Scope:
        return Scope(_MODULE, None)

    @property
    def recording(self) -> bool:
        """File or collect mode: every function of the module is walked and what its calls
        pass is noted (summary mode works out one value)."""
        return self.facts is not None or self.collecting

    # -- entry points ---------------------------------------------------------------------

    def hold_back(self, units: set[int], walk: set[int] | None) -> None:
        """Collect mode: of the module's top-level functions and methods ``units`` (by
        node), walk only ``walk`` (None: all); :meth:`walk_more` walks others later."""
        self._units = frozenset(units)
        self._walk_only = None if walk is None else set(walk)

    def walk_more(self, walk: set[int] | None) -> None:
        """Collect mode: walk these held-back functions too (None: all), and again those
        of the module's functions their calls pass something new."""
        if walk is None:
            self._walk_only = None
        else:
            assert self._walk_only is not None
            self._walk_only |= walk
        for node in [n for n in self._held if walk is None or n in walk]:
            self.deferred.append(self._held.pop(node))
        self._walk_deferred()

    def walk_module(self, tree: ast.Module) -> None:
        scope = self.module_scope()
        self.exec_block(tree.body, scope)
        self._walk_deferred()

    def _walk_deferred(self) -> None:
        while self.deferred:
            fdef, app = self.deferred.pop(0)
            node = id(fdef.node)
            if self._walk_only is not None and node in self._units:
                if node not in self._walk_only:
                    self._held[node] = (fdef, app)
                    continue
            self.walked[fdef.key] = (fdef, app)
            self.walk_function(fdef, app)
        # Functions whose callers in this module pass futures: walk them again with those
        # values (a bounded fixed point: a chain longer than the rounds stays unknown).
        done = self._hinted
        for _ in range(_HINT_ROUNDS):
            pending = [
                key
                for key, notes in self.passed.items()
                if key in self.walked
                and done.get(key) != notes
                and any(bindable(v) for v in usable(notes).values())
            ]
            if not pending:
                break
            for key in pending:
                done[key] = dict(self.passed[key])
                self.walk_function(*self.walked[key])

    def walk_function(self, fdef: FuncRecord, app: AppInfo | None = None) -> Scope:
        node = fdef.node
        parent = fdef.closure or self.module_scope()
        scope = Scope(_FUNCTION, parent, qual=fdef.key.partition(":")[2])
        scope.cls = fdef.cls
        scope.locals = local_names(node)
        name = "<lambda>" if isinstance(node, ast.Lambda) else node.name
        if app is None and self.facts is not None:
            app = self.facts.app_functions.get(id(node))
        self._bind_params(fdef, scope, parent, app)
        saved, self.app_results = self.app_results, None
        if app is not None and self.facts is not None and not isinstance(node, ast.Lambda):
            self.app_results = self.facts.app_returns[id(node)] = []
        try:
            with self.push(FuncCtx(name, app)):
                if isinstance(node, ast.Lambda):
                    scope.returns.append(self.eval(node.body, scope))
                else:
                    self.exec_block(node.body, scope)
            results = self.app_results
            if results and any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n, _ in results):
                # A generator app returns the generator: its ``return`` values go nowhere.
                results[:] = [r for r in results if isinstance(r[0], (ast.Yield, ast.YieldFrom))]
        finally:
            self.app_results = saved
        return scope

    def _bind_params(
        self, fdef: FuncRecord, scope: Scope, parent: Scope, app: AppInfo | None = None
    ) -> None:
        args = fdef.node.args
        # An app body's parameters are what Parsl passes: a future's value, not the future.
        passed = self._passed_to(fdef) if app is None else {}
        positional = [*args.posonlyargs, *args.args]
        defaults: dict[str, ast.expr] = {}
        for a, d in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
            defaults[a.arg] = d
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                defaults[a.arg] = d
        injected = self._pytest_injected(fdef)
        with self.quiet():
            for i, a in enumerate([*positional, *args.kwonlyargs]):
                value: Value = UNKNOWN
                if i == 0 and fdef.cls is not None and a in positional:
                    if fdef.method_kind in (MethodKind.METHOD, MethodKind.PROPERTY):
                        value = Instance(fdef.cls)
                        scope.self_name = a.arg
                    elif fdef.method_kind is MethodKind.CLASS:
                        value = Class(fdef.cls, fdef.cls.rpartition(".")[2])
                if value is UNKNOWN and a.annotation is not None:
                    value = self.annotation(a.annotation, parent)
                    if app is not None and isinstance(value, Future):
                        value = UNKNOWN  # ``x: AppFuture`` on an app: Parsl passes the value
                if value is UNKNOWN and a.arg in defaults:
                    default = self.eval(defaults[a.arg], parent)
                    if isinstance(default, App):
                        value = default
                if value is UNKNOWN and bindable(passed.get(a.arg, UNKNOWN)):
                    value = _received(fdef, a.arg, passed[a.arg])
                if value is UNKNOWN and injected is not None and a.arg not in injected:
                    value = self.project.fixture_value(self.module, a.arg, fdef.key)
                scope.env[a.arg] = value
            if args.vararg is not None:
                scope.env[args.vararg.arg] = UNKNOWN
            if args.kwarg is not None:
                scope.env[args.kwarg.arg] = UNKNOWN

    def _passed_to(self, fdef: FuncRecord) -> dict[str, Value]:
        """What the project's calls pass to ``fdef``'s parameters. Walking ``fdef``'s own
        module (file or collect mode), this walk's notes joined with the other modules'
        calls; else the whole-program facts (``callers.py``)."""
        callers = self.project.callers
        if not (self.recording and fdef.module == self.module.name):
            if not self.use_callers:
                return {}
            if self.writes is not None and not callers.kept_attributes(fdef):
                # What instances hold: a method's parameters matter only where it stores
                # them into ``self`` (what it consumes is the file walk's).
                return {}
            return callers.parameters(fdef)
        if not self.use_callers:
            return {}  # a walk that follows no caller facts: every parameter is unknown
        # File mode asks only when the module does something with futures (what the rules
        # need); collect mode always does: facts flow on through helpers that pass them on.
        if self.collecting:
            wanted = callers.passes_on(fdef, self.collect_names)
        else:
            wanted = callers.wanted_by(fdef.module) and callers.consumes(fdef)
        external = callers.external(fdef) if wanted else None
        if external is None:
            if self.collecting:
                return {}  # not known (a cycle, or too far up a chain): nothing passed on
            # File mode: the module's own calls only, as when the model knew no others.
            external = {}
        joined: Passed = {}
        merge(joined, external, [fdef.key])
        merge(joined, self.passed, [fdef.key])
        return usable(joined.get(fdef.key))

    def _pytest_injected(self, fdef: FuncRecord) -> frozenset[str] | None:
        """For a module-level test function or fixture, the parameters pytest fills from
        ``parametrize`` (so not from fixtures); None when pytest does not call it."""
        node = fdef.node
        if fdef.cls is not None or fdef.closure is not None or isinstance(node, ast.Lambda):
            return None
        parametrized: set[str] = set()
        is_fixture = False
        for dec in node.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "fixture":
                is_fixture = True
            elif name == "parametrize" and isinstance(dec, ast.Call) and dec.args:
                first = dec.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    parametrized.update(p.strip() for p in first.value.split(","))
                else:
                    return None  # names pytest fills that we cannot read: trust none
        if not (is_fixture or node.name.startswith("test")):
            return None
        return frozenset(parametrized)

    # -- names ----------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> Value:
        s: Scope | None = scope
        #: ``direct``: no scope passed yet (a class body sees its own names only then);
        #: ``now``: only comprehensions passed, which run at once, so the module's names
        #: hold what they hold at this point of the flow (``d.append(f)`` included).
        direct = now = True
        while s is not None and s.kind is not _MODULE:
            if s.kind is _CLASS and not direct:
                s = s.parent
                continue
            if name in s.globals:
                s = None
                break
            if name in s.env:
                return s.env[name]
            if name in s.locals:
                return UNKNOWN
            now = now and s.kind is _COMPREHENSION
            s = s.parent
            direct = False
        if s is not None and now and name in s.env:
            return s.env[name]
        value = self.project.symbol(self.module.name, name)
        if value is not None:
            return value
        if s is not None and name in s.env:
            return s.env[name]
        if name in parsl_api.BUILTINS or name in resources.BUILTINS:
            return Builtin(name)
        return UNKNOWN

    def assign_name(self, name: str, value: Value, scope: Scope) -> None:
        s: Scope | None = scope
        if name in scope.globals:
            while s is not None and s.kind is not _MODULE:
                s = s.parent
        if s is not None:
            s.env[name] = value

    def bind(self, target: ast.AST, value: Value, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            self.assign_name(target.id, value, scope)
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            starred = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
            if isinstance(value, Tup) and not starred and len(value.items) == len(elts):
                for elt, item in zip(elts, value.items):
                    self.bind(elt, item, scope)
            else:
                item = element(value) if value is not UNKNOWN else UNKNOWN
                for elt in elts:
                    if isinstance(elt, ast.Starred):
                        self.bind(elt.value, Seq(item) if item is not UNKNOWN else UNKNOWN, scope)
                    else:
                        self.bind(elt, item, scope)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value, scope)
        elif isinstance(target, ast.Attribute):
            base = self.eval(target.value, scope)
            if self._is_self(target.value, scope) and self.writes is not None:
                self.writes.assigned.setdefault(target.attr, []).append(value)
            elif self.site_writes is not None and self._is_site(target.value, scope):
                self.site_writes.assigned.setdefault(target.attr, []).append(value)
            del base
        elif isinstance(target, ast.Subscript):
            self.eval(target.slice, scope)
            container = self.eval(target.value, scope)
            if isinstance(target.value, (ast.Name, ast.Subscript)):
                # ``d[k] = v``, and ``grid[i][j] = v``: each level's container takes the
                # updated one below it.
                node: ast.expr = target
                while isinstance(node, ast.Subscript):
                    updated = store_item(container, value)
                    if updated is None:
                        break
                    if isinstance(node.value, ast.Name):
                        self.assign_name(node.value.id, updated, scope)
                        break
                    node, value = node.value, updated
                    if not isinstance(node, ast.Subscript):
                        break
                    with self.quiet():
                        container = self.eval(node.value, scope)
            elif self._is_self_attr(target.value, scope) and self.writes is not None:
                assert isinstance(target.value, ast.Attribute)
                self.writes.added.setdefault(target.value.attr, []).append(value)
            elif self.site_writes is not None and self._is_site_attr(target.value, scope):
                assert isinstance(target.value, ast.Attribute)
                self.site_writes.added.setdefault(target.value.attr, []).append(value)

    def _is_self(self, node: ast.expr, scope: Scope) -> bool:
        s: Scope | None = scope
        while s is not None and s.kind is _COMPREHENSION:
            s = s.parent
        return (
            isinstance(node, ast.Name) and s is not None and s.self_name is not None
        ) and node.id == s.self_name

    def _is_self_attr(self, node: ast.expr, scope: Scope) -> bool:
        return isinstance(node, ast.Attribute) and self._is_self(node.value, scope)

    def _is_site(self, node: ast.expr, scope: Scope) -> bool:
        """``node`` names the module-level instance whose stores are being gathered (a
        module-level name, not a local of the same spelling)."""
        if self.site_writes is None or not isinstance(node, ast.Name):
            return False
        if node.id not in self.site_writes.names:
            return False
        s: Scope | None = scope
        while s is not None and s.kind is not _MODULE:
            if node.id in s.globals:
                return True
            if node.id in s.env or node.id in s.locals:
                return False
            s = s.parent
        return True

    def _is_site_attr(self, node: ast.expr, scope: Scope) -> bool:
        return isinstance(node, ast.Attribute) and self._is_site(node.value, scope)

    # -- statements -----------------------------------------------------------------------

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for i, stmt in enumerate(body):
            self.exec_stmt(stmt, scope)
            if isinstance(stmt, ast.If) and terminates(stmt.body) and not stmt.orelse:
                # ``if f.exception(): continue``: the rest of the block runs when f succeeded
                succeeded = succeeded_when(stmt.test)[1]
                if succeeded and i + 1 < len(body):
                    with self.push(GuardCtx(succeeded)):
                        self.exec_block(body[i + 1 :], scope)
                    return

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        method = getattr(self, "stmt_" + type(stmt).__name__, None)
        if method is not None:
            method(stmt, scope)
        else:
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child, scope)

    def stmt_Expr(self, stmt: ast.Expr, scope: Scope) -> None:
        self.eval(stmt.value, scope)

    def stmt_Assign(self, stmt: ast.Assign, scope: Scope) -> None:
        value = self.eval(stmt.value, scope)
        for target in stmt.targets:
            self.bind(target, value, scope)

    def stmt_AnnAssign(self, stmt: ast.AnnAssign, scope: Scope) -> None:
        if stmt.value is None:
            return
        value = self.eval(stmt.value, scope)
        if value is UNKNOWN:
            with self.quiet():
                value = self.annotation(stmt.annotation, scope)
        self.bind(stmt.target, value, scope)

    def stmt_AugAssign(self, stmt: ast.AugAssign, scope: Scope) -> None:
        new = self.eval(stmt.value, scope)
        if isinstance(stmt.target, ast.Name):
            old = self.lookup(stmt.target.id, scope)
            result: Value = UNKNOWN
            if isinstance(stmt.op, ast.Add) and isinstance(new, (Seq, Tup)):
                if isinstance(old, (Seq, Tup)) or old is BOTTOM:
                    result = Seq(join(element(old), element(new)))
            operator = _OPERATORS.get(type(stmt.op))
            if isinstance(old, Instance) and operator is not None:  # ``a += b``
                method = self.project.find_method(old.cls, f"__i{operator}__")
                result = self._dunder(old, f"__i{operator}__" if method else f"__{operator}__")
            self.assign_name(stmt.target.id, result, scope)
        elif self._is_self_attr(stmt.target, scope) and self.writes is not None:
            assert isinstance(stmt.target, ast.Attribute)
            if isinstance(stmt.op, ast.Add) and isinstance(new, (Seq, Tup)):
                self.writes.added.setdefault(stmt.target.attr, []).append(element(new))
            else:
                self.writes.assigned.setdefault(stmt.target.attr, []).append(UNKNOWN)
        elif self.site_writes is not None and self._is_site_attr(stmt.target, scope):
            assert isinstance(stmt.target, ast.Attribute)
            if isinstance(stmt.op, ast.Add) and isinstance(new, (Seq, Tup)):
                self.site_writes.added.setdefault(stmt.target.attr, []).append(element(new))
            else:
                self.site_writes.assigned.setdefault(stmt.target.attr, []).append(UNKNOWN)
        else:
            self.eval(stmt.target, scope)

    def stmt_Return(self, stmt: ast.Return, scope: Scope) -> None:
        scope.returns.append(self.eval(stmt.value, scope) if stmt.value is not None else NONE)
        if self.app_results is not None and stmt.value is not None:
            self.app_results.append((stmt.value, scope.returns[-1]))

    def stmt_Delete(self, stmt: ast.Delete, scope: Scope) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                self.assign_name(target.id, UNKNOWN, scope)
            else:
                self.eval(target, scope)

    def stmt_Global(self, stmt: ast.Global, scope: Scope) -> None:
        scope.globals.update(stmt.names)

    def stmt_If(self, stmt: ast.If, scope: Scope) -> None:
        self.eval(stmt.test, scope)
        when_true, when_false = succeeded_when(stmt.test)
        guards = [GuardCtx(g) if g else None for g in (when_true, when_false)]
        self._branches([stmt.body, stmt.orelse], scope, self._narrowed(stmt.test, scope), guards)

    def _narrowed(self, test: ast.expr, scope: Scope) -> dict[str, Value]:
        """``if isinstance(x, AppFuture):`` makes ``x`` a Parsl future inside the branch;
        ``if isinstance(x, (list, set)):`` makes it anything but one."""
        if not (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Name)
            and test.func.id == "isinstance"
            and len(test.args) == 2
            and isinstance(test.args[0], ast.Name)
        ):
            return {}
        kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
        with self.quiet():
            values = [self.annotation(k, scope) for k in kinds]
            builtin = all(
                isinstance(k, ast.Name)
                and k.id in _NOT_FUTURE_TYPES
                and self.lookup(k.id, scope) in (UNKNOWN, Builtin(k.id))
                for k in kinds
            )
        if values and all(isinstance(v, Future) for v in values):
            return {test.args[0].id: join_all(values)}
        if kinds and builtin:
            current = self.lookup(test.args[0].id, scope)
            if isinstance(current, (Future, MaybeFuture)):
                return {test.args[0].id: UNKNOWN}
        return {}

    def _branches(
        self,
        bodies: list[list[ast.stmt]],
        scope: Scope,
        first: dict[str, Value] | None = None,
        guards: Sequence[GuardCtx | None] = (),
    ) -> None:
        pre = scope.env
        results: list[dict[str, Value]] = []
        for i, body in enumerate(bodies):
            scope.env = dict(pre)
            if i == 0 and first:
                scope.env.update(first)
            guard = guards[i] if i < len(guards) else None
            if guard is not None:
                with self.push(guard):
                    self.exec_block(body, scope)
            else:
                self.exec_block(body, scope)
            if not terminates(body):
                results.append(scope.env)
        if not results:
            scope.env = pre
            return
        env = results[0]
        for other in results[1:]:
            env = join_env(env, other)
        scope.env = env

    def stmt_For(self, stmt: ast.For | ast.AsyncFor, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        item = element(iterable)
        index = index_names(stmt.target, stmt.iter, iterable)
        pre = dict(scope.env)
        for _ in range(2):
            self.bind(stmt.target, item, scope)
            if index:
                with self.push(IndexCtx(index)):
                    self.exec_block(stmt.body, scope)
            else:
                self.exec_block(stmt.body, scope)
        scope.env = join_env(pre, scope.env)
        self.exec_block(stmt.orelse, scope)

    stmt_AsyncFor = stmt_For

    def stmt_While(self, stmt: ast.While, scope: Scope) -> None:
        pre = dict(scope.env)
        for _ in range(2):
            self.eval(stmt.test, scope)
            self.exec_block(stmt.body, scope)
        scope.env = join_env(pre, scope.env)
        self.exec_block(stmt.orelse, scope)

    def stmt_Try(self, stmt: ast.Try, scope: Scope) -> None:
        pre = dict(scope.env)
        with self.push(TryCtx(stmt)):
            self.exec_block(stmt.body, scope)
        body_ok = not terminates(stmt.body)
        after_body = scope.env
        outcomes: list[dict[str, Value]] = []
        scope.env = dict(after_body)
        self.exec_block(stmt.orelse, scope)
        if body_ok and not terminates(stmt.orelse):
            outcomes.append(scope.env)
        for handler in stmt.handlers:
            scope.env = join_env(pre, after_body)
            if handler.type is not None:
                kind = self.eval(handler.type, scope)
                if self.facts is not None:
                    self.facts.handler_types[id(handler)] = kind
            if handler.name:
                scope.env[handler.name] = UNKNOWN
            self.exec_block(handler.body, scope)
            if not terminates(handler.body):
                outcomes.append(scope.env)
        env = outcomes[0] if outcomes else join_env(pre, after_body)
        for other in outcomes[1:]:
            env = join_env(env, other)
        scope.env = env
        self.exec_block(stmt.finalbody, scope)

    stmt_TryStar = stmt_Try

    def stmt_With(self, stmt: ast.With | ast.AsyncWith, scope: Scope) -> None:
        expects = False
        for item in stmt.items:
            value = self.eval(item.context_expr, scope)
            expects = expects or self._expects_raise(item.context_expr, scope)
            if item.optional_vars is not None:
                bound = value if isinstance(value, PoolExecutor) else UNKNOWN
                if resources.enters_as_self(value):
                    bound = value
                self.bind(item.optional_vars, bound, scope)
        with self.push(WithCtx(stmt, expects)):
            self.exec_block(stmt.body, scope)

    stmt_AsyncWith = stmt_With

    def _expects_raise(self, expr: ast.expr, scope: Scope) -> bool:
        """``with pytest.raises(...)`` / ``with self.assertRaises(...)``: failure expected."""
        if not isinstance(expr, ast.Call):
            return False
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in _ASSERT_RAISES:
            return True
        with self.quiet():
            value = self.eval(expr.func, scope)
        return isinstance(value, External) and value.qualname in _RAISES_QUALNAMES

    def stmt_Match(self, stmt: ast.AST, scope: Scope) -> None:
        self.eval(stmt.subject, scope)  # type: ignore[attr-defined]
        bodies = []
        for case in stmt.cases:  # type: ignore[attr-defined]
            for node in ast.walk(case.pattern):
                name = getattr(node, "name", None)
                if isinstance(name, str):
                    scope.env[name] = UNKNOWN
            bodies.append(case.body)
        bodies.append([])
        self._branches(bodies, scope)

    def stmt_Import(self, stmt: ast.Import, scope: Scope) -> None:
        for alias in stmt.names:
            self.assign_name(
                *self.project.import_binding(self.module, alias.name, alias.asname), scope
            )

    def stmt_ImportFrom(self, stmt: ast.ImportFrom, scope: Scope) -> None:
        base = self.project.absolute(self.module, stmt.level, stmt.module)
        for alias in stmt.names:
            if alias.name == "*":
                continue
            value = self.project.resolve_qualname(f"{base}.{alias.name}")
            self.assign_name(alias.asname or alias.name, value, scope)

    def stmt_FunctionDef(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope):
        value = self.define_function(stmt, scope)
        self.assign_name(stmt.name, value, scope)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def stmt_ClassDef(self, stmt: ast.ClassDef, scope: Scope) -> None:
        for dec in stmt.decorator_list:
            self.eval(dec, scope)
        for base in stmt.bases:
            self.eval(base, scope)
        for kw in stmt.keywords:
            self.eval(kw.value, scope)
        key = f"{self.module.name}:{_qualify(scope, stmt.name)}"
        closure = scope if scope.kind is not _MODULE else None
        cls = self.project.register_class(ClassRecord(key, stmt, self.module.name, closure=closure))
        body_scope = Scope(_CLASS, scope, qual=_qualify(scope, stmt.name))
        body_scope.cls = key
        cdef = self.project.classes[key]
        for inner in stmt.body:
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = cdef.methods.get(inner.name)
                if method is None or method.node is not inner:
                    method = FuncRecord(f"{key}.{inner.name}", inner, self.module.name, cls=key)
                app = self._decorate(inner, body_scope, method)
                if app is not None and method.method_kind is MethodKind.METHOD:
                    self.project.method_apps[method.key] = app
                if self.recording:
                    self.deferred.append((method, app))
                body_scope.env[inner.name] = Func(method.key, inner.name)
            else:
                self.exec_stmt(inner, body_scope)
        self.assign_name(stmt.name, cls, scope)

    # -- function definitions -------------------------------------------------------------

    def define_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Value:
        key = f"{self.module.name}:{_qualify(scope, node.name)}"
        closure = scope if scope.kind is not _MODULE else None
        fdef = FuncRecord(key, node, self.module.name, closure=closure)
        for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d]]:
            self.eval(default, scope)
        func = self.project.register_function(fdef)
        fdef = self.project.functions[func.key]
        app = self._decorate(node, scope, fdef)
        if self.recording:
            self.deferred.append((fdef, app))
        if app is not None:
            outer = node.decorator_list and not self._is_app_factory(node.decorator_list[0], scope)
            if not outer:
                return App(app)
            # ``@log_app @python_app def f``: a wrapper that only calls what it wraps still
            # returns the app's future (its own signature stands between: not checked).
            return BoundApp(app) if self._outer_pass_through(node, scope) else UNKNOWN
        if any(not self._transparent(d, scope) for d in node.decorator_list):
            return self._wrapped(node, scope)
        return func

    def _outer_pass_through(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope
    ) -> bool:
        """Every decorator above Parsl's is transparent or a project decorator whose wrapper
        returns nothing but a call of the function it wraps."""
        for dec in node.decorator_list:
            if self._is_app_factory(dec, scope):
                return True
            if self._transparent(dec, scope):
                continue
            with self.quiet():
                decorator = self.eval(dec, scope)
            fdef = (
                self.project.functions.get(decorator.key) if isinstance(decorator, Func) else None
            )
            if fdef is None or not passes_through(fdef.node):
                return False
        return False

    def _wrapped(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Value:
        """``@task def f`` with the project's own decorator: the wrapper it returns (a function,
        or an object with ``__call__``), when that wrapper returns an app's future whatever it
        wraps (``def task(fn): def run(*a): return python_app(fn)(*a); return run``). Anything
        else stays unknown."""
        value: Value = UNKNOWN
        for dec in reversed(node.decorator_list):
            if self._transparent(dec, scope):
                continue
            with self.quiet():
                maker = self.eval(dec.func if isinstance(dec, ast.Call) else dec, scope)
            kind = self.project.makes_app(maker.key) if isinstance(maker, Func) else None
            if kind is not None and len(node.decorator_list) == 1:
                # ``@mpi_app`` / ``@mpi_app(ranks=4)``: a decorator that mirrors python_app
                return BoundApp(AppInfo(node.name, kind, self.module.name, node.lineno))
            with self.quiet():
                decorator = self.eval(dec, scope)
            if isinstance(decorator, Func):
                value = self.project.returns_of(decorator.key)  # what applying it gives
            elif isinstance(decorator, Class):
                value = Instance(decorator.key)  # ``@Task``: a callable object
            else:
                return UNKNOWN
            if isinstance(value, (App, BoundApp)):
                # ``def deco(fn): return python_app(fn)``: the app itself (its signature is
                # the wrapped function's, which the model did not tie to it: not checked)
                return BoundApp(value.info)
            if not isinstance(value, (Func, Instance)):
                return UNKNOWN
        if isinstance(value, Instance):
            method = self.project.find_method(value.cls, "__call__")
            returned = self.project.returns_of(method.key) if method is not None else UNKNOWN
        else:
            returned = self.project.returns_of(value.key) if isinstance(value, Func) else UNKNOWN
        return value if isinstance(returned, Future) else UNKNOWN

    def _is_app_factory(self, dec: ast.expr, scope: Scope) -> bool:
        with self.quiet():
            value = self.eval(dec.func if isinstance(dec, ast.Call) else dec, scope)
        return isinstance(value, AppFactory)

    def _decorate(self, node: ast.AST, scope: Scope, fdef: FuncRecord) -> AppInfo | None:
        """The app a decorated def makes, if one of its decorators is Parsl's."""
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        app: AppInfo | None = None
        for i, dec in enumerate(decorators):
            if isinstance(dec, ast.Call):
                factory = self.eval(dec.func, scope)
                for arg in dec.args:
                    self.eval(arg, scope)
                for kw in dec.keywords:
                    self.eval(kw.value, scope)
            else:
                factory = self.eval(dec, scope)
            if isinstance(factory, AppFactory) and app is None:
                kind = factory.kind
                if isinstance(dec, ast.Call) and keyword_true(dec, "join"):
                    kind = "join"
                legacy = kind == parsl_api.LEGACY_KIND
                if legacy:
                    kind = legacy_kind(dec) or ""
                    if not kind:
                        continue
                inner_plain = all(self._transparent(d, scope) for d in decorators[i + 1 :])
                app = app_info(fdef, kind, inner_plain)
                if legacy:
                    app = dataclasses.replace(app, legacy=True, signature=None)
                if self.facts is not None:
                    self._record_app_def(AppDef(app, node, dec, factory))
                    self.facts.app_functions[id(node)] = app
                    self.facts.app_function_nodes[id(node)] = node  # type: ignore[assignment]
        return app

    def _transparent(self, dec: ast.expr, scope: Scope) -> bool:
        with self.quiet():
            value = self.eval(dec.func if isinstance(dec, ast.Call) else dec, scope)
        if isinstance(value, Builtin):
            return False
        if isinstance(value, External):
            return value.qualname in TRANSPARENT_DECORATORS
        name = dec.id if isinstance(dec, ast.Name) else None
        return name in ("staticmethod", "classmethod")

    # -- expressions ----------------------------------------------------------------------

    def eval(self, node: ast.expr | None, scope: Scope) -> Value:
        if node is None:
            return UNKNOWN
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.eval(child, scope)
            elif isinstance(child, ast.comprehension):
                self.eval(child.iter, scope)
        return UNKNOWN

    def expr_Name(self, node: ast.Name, scope: Scope) -> Value:
        return self.lookup(node.id, scope)

    def expr_Constant(self, node: ast.Constant, scope: Scope) -> Value:
        if node.value is None:
            return NONE
        return PLAIN if isinstance(node.value, (str, bytes, int, float, complex)) else UNKNOWN

    def expr_JoinedStr(self, node: ast.JoinedStr, scope: Scope) -> Value:
        for value in node.values:
            self.eval(value, scope)
        return PLAIN

    def expr_List(self, node: ast.List | ast.Set, scope: Scope) -> Value:
        items: list[Value] = []
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                items.append(element(self.eval(elt.value, scope)))
            else:
                items.append(self.eval(elt, scope))
        return Seq(join_all(items))

    expr_Set = expr_List

    def expr_Tuple(self, node: ast.Tuple, scope: Scope) -> Value:
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return self.expr_List(node, scope)  # type: ignore[arg-type]
        return Tup(tuple(self.eval(e, scope) for e in node.elts))

    def expr_Dict(self, node: ast.Dict, scope: Scope) -> Value:
        keys: list[Value] = []
        values: list[Value] = []
        for k, v in zip(node.keys, node.values):
            value = self.eval(v, scope)
            if k is None:
                if isinstance(value, Mapping):
                    keys.append(value.key)
                    values.append(value.value)
                else:
                    keys.append(UNKNOWN)
                    values.append(UNKNOWN)
            else:
                keys.append(self.eval(k, scope))
                values.append(value)
        return Mapping(join_all(keys), join_all(values))

    def _comprehension(
        self, generators: list[ast.comprehension], scope: Scope, elts: list[ast.expr]
    ) -> list[Value]:
        inner = Scope(_COMPREHENSION, scope)
        inner.self_name = None
        names: set[str] = set()
        index: list[tuple[str, str]] = []
        for i, gen in enumerate(generators):
            iterable = self.eval(gen.iter, scope if i == 0 else inner)
            names.update(target_names(gen.target))
            inner.locals = frozenset(names)
            self.bind(gen.target, element(iterable), inner)
            index.extend(index_names(gen.target, gen.iter, iterable))
            for cond in gen.ifs:
                self.eval(cond, inner)
        if index:
            with self.push(IndexCtx(tuple(index))):
                return [self.eval(e, inner) for e in elts]
        return [self.eval(e, inner) for e in elts]

    def expr_ListComp(self, node: ast.ListComp, scope: Scope) -> Value:
        return Seq(self._comprehension(node.generators, scope, [node.elt])[0])

    expr_SetComp = expr_ListComp

    def expr_GeneratorExp(self, node: ast.GeneratorExp, scope: Scope) -> Value:
        return Gen(self._comprehension(node.generators, scope, [node.elt])[0], "<genexpr>")

    def expr_DictComp(self, node: ast.DictComp, scope: Scope) -> Value:
        key, value = self._comprehension(node.generators, scope, [node.key, node.value])
        return Mapping(key, value)

    def expr_IfExp(self, node: ast.IfExp, scope: Scope) -> Value:
        self.eval(node.test, scope)
        return join(self.eval(node.body, scope), self.eval(node.orelse, scope))

    def expr_BoolOp(self, node: ast.BoolOp, scope: Scope) -> Value:
        return join_all([self.eval(v, scope) for v in node.values])

    def expr_BinOp(self, node: ast.BinOp, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        operator = _OPERATORS.get(type(node.op))
        if operator is not None:
            # ``a + b`` on a project class: its ``__add__``; ``0.5 * h``: ``h.__rmul__``.
            if isinstance(left, Instance):
                return self._dunder(left, f"__{operator}__")
            if isinstance(right, Instance) and isinstance(node.left, (ast.Constant, ast.UnaryOp)):
                return self._dunder(right, f"__r{operator}__")
        if isinstance(node.op, ast.Add) and isinstance(left, (Seq, Tup)):
            if isinstance(right, (Seq, Tup)):
                return Seq(join(element(left), element(right)))
        if isinstance(node.op, ast.Mult) and isinstance(left, (Seq, Tup)):
            return Seq(element(left))
        if isinstance(node.op, _ARITHMETIC):
            return resources.binop_value(left, right) or UNKNOWN
        return UNKNOWN

    def expr_NamedExpr(self, node: ast.NamedExpr, scope: Scope) -> Value:
        value = self.eval(node.value, scope)
        s: Scope | None = scope
        while s is not None and s.kind is _COMPREHENSION:
            s = s.parent
        self.bind(node.target, value, s or scope)
        return value

    def expr_Lambda(self, node: ast.Lambda, scope: Scope) -> Value:
        key = f"{self.module.name}:{_qualify(scope, '<lambda>')}@{node.lineno}:{node.col_offset}"
        closure = scope if scope.kind is not _MODULE else None
        func = self.project.register_function(
            FuncRecord(key, node, self.module.name, closure=closure)
        )
        if self.recording and key not in self.walked:  # file mode: walk its body too
            self.walked[key] = (self.project.functions[key], None)
            self.deferred.append(self.walked[key])
        return func

    def expr_Yield(self, node: ast.Yield, scope: Scope) -> Value:
        scope.yields.append(self.eval(node.value, scope) if node.value else NONE)
        if self.app_results is not None:
            self.app_results.append((node, Gen(scope.yields[-1], "<yield>")))
        return UNKNOWN

    def expr_YieldFrom(self, node: ast.YieldFrom, scope: Scope) -> Value:
        scope.yields.append(element(self.eval(node.value, scope)))
        if self.app_results is not None:
            self.app_results.append((node, Gen(scope.yields[-1], "<yield>")))
        return UNKNOWN

    def expr_Attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        base = self.eval(node.value, scope)
        if isinstance(base, Instance) and isinstance(node.value, ast.Name):
            site = self._global_of(node.value.id, scope)
            if site and self.project.find_method(base.cls, node.attr) is None:
                stored = self.project.site_attribute(self.module.name, site, base.cls, node.attr)
                if stored is not None:  # a module-level instance whose stores are all seen
                    return stored
        return self.attribute(base, node.attr, scope)

    def _global_of(self, name: str, scope: Scope) -> str | None:
        """``name`` if it is read from this module's globals here (not a local)."""
        s: Scope | None = scope
        while s is not None and s.kind is not _MODULE:
            if name in s.globals:
                return name
            if name in s.env or name in s.locals:
                return None
            s = s.parent
        return name

    def attribute(self, base: Value, attr: str, scope: Scope) -> Value:
        if isinstance(base, (Module, External)):
            return self.project.resolve_qualname(f"{qualname_of(base)}.{attr}")
        if isinstance(base, Future):
            if attr == "outputs":
                return Seq(Future(None, data=True))
            if attr in ("stdout", "stderr"):
                # A path, or a DataFuture when a File was given: only the latter has .result().
                return Future(None, data=True)
            if attr in parsl_api.FUTURE_ATTRIBUTES or attr.startswith("_"):
                return UNKNOWN
            return Future(base.app)  # Parsl's lifted ``.`` operator: a new AppFuture
        if isinstance(base, Instance):
            method = self.project.find_method(base.cls, attr)
            if method is not None:
                if method.method_kind is MethodKind.PROPERTY:
                    return self.project.returns_of(method.key)
                app = self.project.method_apps.get(method.key)
                if app is not None:  # ``obj.app(...)``: called without ``obj``
                    return App(dataclasses.replace(app, from_instance=True))
                return BoundMethod(base.cls, attr)
            if attr == "data_flow_kernel" and self.project.holds_app_kernel(base.cls):
                return Kernel()  # what Parsl's ``AppBase.__init__`` stored
            return self.project.instance_attribute(base.cls, attr)
        if isinstance(base, Class):
            method = self.project.find_method(base.key, attr)
            if method is not None:
                if method.method_kind in (MethodKind.STATIC, MethodKind.CLASS):
                    return BoundMethod(base.key, attr)
                return Func(method.key, attr)
            return UNKNOWN
        if isinstance(base, SuperOf):
            if self.project.find_method(base.cls, attr, after=base.cls) is not None:
                return BoundMethod(base.cls, attr, start_after=base.cls)
            if attr == "__call__" and self.project.parsl_call_after(base.cls):
                return Builtin("app.call")  # Parsl's ``PythonApp.__call__``: an AppFuture
            return UNKNOWN
        if isinstance(base, PoolExecutor) and attr == "submit":
            return Builtin("pool.submit")
        if isinstance(base, Kernel) and attr == "submit":
            return Builtin("dfk.submit")
        if isinstance(base, Tup) and len(base.items) == 2 and attr in ("done", "not_done"):
            return base.items[0 if attr == "done" else 1]
        if isinstance(base, Builtin) and base.name == "chain" and attr == "from_iterable":
            return Builtin("chain.from_iterable")
        return UNKNOWN

    def expr_Subscript(self, node: ast.Subscript, scope: Scope) -> Value:
        base = self.eval(node.value, scope)
        self.eval(node.slice, scope)
        if isinstance(base, Instance):  # ``dataset[0]``: the class's ``__getitem__``
            return self._dunder(base, "__getitem__")
        return subscript(base, node.slice)

    def annotation(self, node: ast.expr, scope: Scope) -> Value:
        """The value an annotation promises (see ``annotations.py``)."""
        return annotation_value(node, scope, self.eval)

    def _dunder(self, obj: Instance, name: str) -> Value:
        """What a special method of a project class returns (UNKNOWN when it has none)."""
        method = self.project.find_method(obj.cls, name)
        return self.project.returns_of(method.key) if method is not None else UNKNOWN

    def expr_Starred(self, node: ast.Starred, scope: Scope) -> Value:
        self.eval(node.value, scope)
        return UNKNOWN

    def expr_Call(self, node: ast.Call, scope: Scope) -> Value:
        func = node.func
        receiver: Value | None = None
        if isinstance(func, ast.Attribute):
            receiver = self.eval(func.value, scope)
            callee = self.attribute(receiver, func.attr, scope)
        else:
            callee = self.eval(func, scope)
        args = [self.eval(a, scope) for a in node.args]
        kwargs = {kw.arg: self.eval(kw.value, scope) for kw in node.keywords}
        result = self.apply(node, callee, receiver, args, kwargs, scope)
        if self.facts is not None:
            fact = CallFact(node, callee, receiver, self.ctx, tuple(args), kwargs)
            self.facts.calls[id(node)] = fact
        return result

    def apply(
        self,
        node: ast.Call,
        callee: Value,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str | None, Value],
        scope: Scope,
    ) -> Value:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "add_done_callback"
            and isinstance(receiver, Future)
            and len(node.args) == 1
            and not node.keywords
        ):
            # Parsl calls the callback with the future itself (AppFuture is a Future).
            self.note_call(args[0], [receiver], {})
            return NONE
        self._escapes(callee, args, kwargs)
        if isinstance(func, ast.Attribute) and receiver is not None:
            mutated = self._mutate(func, receiver, args, scope)
            if mutated is not None:
                return mutated
            method = container_method(receiver, func.attr, args)
            if method is not None:
                return method
        if isinstance(callee, App):
            return Future(_called_name(func) or callee.info.name)
        if isinstance(callee, BoundApp):
            return Future(callee.info.name)
        if isinstance(callee, Builtin) and callee.name == "app.call":
            return Future(None)  # Parsl's own ``PythonApp.__call__``, whatever it is passed
        if isinstance(callee, AppFactory):
            return self._app_factory_call(node, callee, args)
        if isinstance(callee, Func):
            self._hint(callee.key, node, args, kwargs, bound=False)
            return self.project.returns_of(callee.key)
        if isinstance(callee, BoundMethod):
            method = self.project.find_method(callee.cls, callee.name, after=callee.start_after)
            if method is None:
                return UNKNOWN
            self._hint(
                method.key, node, args, kwargs, bound=method.method_kind is not MethodKind.STATIC
            )
            return self.project.returns_of(method.key)
        if isinstance(callee, Class):
            init = self.project.find_method(callee.key, "__init__")
            if init is not None:  # ``Runner(futs)``: ``__init__`` is passed the arguments
                self._hint(init.key, node, args, kwargs, bound=True)
            kind = self.project.app_class_kind(callee.key)
            if kind is not None and self.project.find_method(callee.key, "__call__") is None:
                # ``MPIApp(func)``, ``class MPIApp(PythonApp)``: an app, whose call is Parsl's
                return self.project.app_from_callable(args[0], kind) if args else UNKNOWN
            return Instance(callee.key)
        if isinstance(callee, Partial):
            self.note_call(callee, args, kwargs, node)
            return self._partial_returns(callee)
        if isinstance(callee, Instance):  # a callable object: its ``__call__``
            method = self.project.find_method(callee.cls, "__call__")
            if method is None:
                return UNKNOWN
            self._hint(method.key, node, args, kwargs, bound=True)
            return self.project.returns_of(method.key)
        if isinstance(callee, External) and parsl_api.is_pool_executor(callee.qualname):
            return PoolExecutor()
        if isinstance(callee, External) and parsl_api.makes_kernel(callee.qualname):
            return Kernel()
        made = resources.call_value(node, callee, receiver, args, kwargs)
        if made is not None:
            return made
        if isinstance(callee, Builtin):
            call = BuiltinCall(
                callee.name,
                node,
                args,
                kwargs,
                scope,
                self.element_hint,
                self.project.returns_of,
            )
            return call_builtin(call)
        return UNKNOWN

    def _hint(
        self,
        key: str,
        node: ast.Call | None,
        args: Sequence[Value],
        kwargs: dict[str | None, Value],
        bound: bool,
    ) -> None:
        """Note what this call passes to a project function's parameters (file and collect
        mode); the whole-program parameter facts are joined from these notes."""
        if not self.recording:
            return
        fdef = self.project.functions.get(key)
        if fdef is None:
            return
        a = fdef.node.args
        params = [*a.posonlyargs, *a.args][1 if bound else 0 :]
        starred = node is not None and any(isinstance(x, ast.Starred) for x in node.args)
        if starred or None in kwargs:
            for p in [*params, *a.kwonlyargs]:
                record(self.passed, key, p.arg, UNKNOWN)
            return
        for param, value in zip(params, args):
            record(self.passed, key, param.arg, value)
        names = {p.arg for p in [*params, *a.kwonlyargs]}
        for name, value in kwargs.items():
            if name in names and name is not None:
                record(self.passed, key, name, value)

    def note_call(
        self,
        target: Value,
        args: Sequence[Value],
        kwargs: dict[str | None, Value],
        node: ast.Call | None = None,
    ) -> None:
        """Note a call of ``target`` (a project function, method or partial of one) with
        these arguments, made where the model cannot see it: ``map(f, xs)`` calls ``f`` with
        each element, Parsl calls a done-callback with the future."""
        if isinstance(target, Func):
            self._hint(target.key, node, args, kwargs, bound=False)
        elif isinstance(target, BoundMethod):
            method = self.project.find_method(target.cls, target.name, after=target.start_after)
            if method is not None:
                bound = method.method_kind is not MethodKind.STATIC
                self._hint(method.key, node, args, kwargs, bound=bound)
        elif isinstance(target, Partial):
            merged = {**dict(target.kwargs), **kwargs}
            self.note_call(target.func, [*target.args, *args], merged)

    def element_hint(self, func: Func, values: list[Value]) -> None:
        """``map(f, xs)``, ``filter(f, xs)``, ``sorted(xs, key=f)``: ``f`` is called with
        each element."""
        self.note_call(func, values, {})

    def _partial_returns(self, partial: Partial) -> Value:
        func = partial.func
        if isinstance(func, Func):
            return self.project.returns_of(func.key)
        if isinstance(func, BoundMethod):
            method = self.project.find_method(func.cls, func.name, after=func.start_after)
            return self.project.returns_of(method.key) if method is not None else UNKNOWN
        return UNKNOWN

    def _escapes(
        self, callee: Value, args: Sequence[Value], kwargs: dict[str | None, Value]
    ) -> None:
        """A project function handed to code the model does not follow (an executor's
        ``submit``, a thread's ``target``, another function's parameter) may be called with
        anything: its parameters get no facts."""
        if not self.recording or isinstance(callee, AppFactory):
            return  # ``python_app(f)``: the app's calls pass Parsl's resolved values
        if isinstance(callee, Builtin) and callee.name in _FOLLOWS_CALLABLES:
            return
        for value in [*args, *kwargs.values()]:
            for target in _callables(value):
                method = None
                if isinstance(target, BoundMethod):
                    method = self.project.find_method(
                        target.cls, target.name, after=target.start_after
                    )
                key = target.key if isinstance(target, Func) else getattr(method, "key", None)
                if key is not None:
                    escape(self.passed, key)

    def _record_app_def(self, app_def: AppDef) -> None:
        """Record each definition once, although loops and re-walks evaluate it again."""
        assert self.facts is not None
        key = (id(app_def.node), id(app_def.factory))
        if key not in self._app_def_keys:
            self._app_def_keys.add(key)
            self.facts.app_defs.append(app_def)

    def _app_factory_call(self, node: ast.Call, factory: AppFactory, args: list[Value]) -> Value:
        if factory.kind == parsl_api.LEGACY_KIND:  # ``App("bash", dfk)``: waits for the function
            legacy = legacy_kind(node)
            return AppFactory(legacy, configured=True, legacy=True) if legacy else UNKNOWN
        if not node.args:
            if factory.is_class or factory.configured:
                return UNKNOWN
            return AppFactory(factory.kind, configured=True)
        kind = "join" if keyword_true(node, "join") else factory.kind
        app = app_from_callable(self.project.functions, args[0], kind)
        if factory.legacy and isinstance(app, App):
            app = App(dataclasses.replace(app.info, legacy=True, signature=None))
        if isinstance(app, App) and self.facts is not None:
            self._record_app_def(AppDef(app.info, node, node, factory))
            target = args[0]
            if isinstance(target, Func) and target.key in self.project.functions:
                function = self.project.functions[target.key].node
                self.facts.app_functions[id(function)] = app.info
                if (
                    self.project.functions[target.key].module == self.module.name
                ):  # a body in this file
                    self.facts.app_function_nodes[id(function)] = function
        return app

    def _mutate(
        self, func: ast.Attribute, receiver: Value, args: list[Value], scope: Scope
    ) -> Value | None:
        attr = func.attr
        if attr in ADDS_ONE and args:
            added = args[0]
        elif attr in ADDS_MANY and args and not isinstance(receiver, Mapping):
            added = element(args[0])
        elif attr == "insert" and len(args) == 2:
            added = args[1]
        else:
            return None
        if self.writes is not None and self._is_self_attr(func.value, scope):
            assert isinstance(func.value, ast.Attribute)
            self.writes.added.setdefault(func.value.attr, []).append(added)
            return NONE
        if self.site_writes is not None and self._is_site_attr(func.value, scope):
            assert isinstance(func.value, ast.Attribute)
            self.site_writes.added.setdefault(func.value.attr, []).append(added)
            return NONE
        if isinstance(func.value, ast.Name) and (isinstance(receiver, Seq) or receiver is BOTTOM):
            self.assign_name(func.value.id, Seq(join(element(receiver), added)), scope)
            return NONE
        target = func.value
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            # ``groups[key].append(fut)`` on a ``defaultdict(list)`` (or a dict of lists)
            mapping = self.lookup(target.value.id, scope)
            if isinstance(mapping, Mapping) and (
                isinstance(mapping.value, Seq) or mapping.value is BOTTOM
            ):
                items = Seq(join(element(mapping.value), added))
                self.assign_name(target.value.id, Mapping(mapping.key, items), scope)
                return NONE
        return None


#: Builtins that call the function they are given where the model notes it (each element of
#: ``map``/``filter``/``sorted``, or the partial's own calls).
_FOLLOWS_CALLABLES = frozenset({"map", "filter", "sorted", "partial"})


def _received(fdef: FuncRecord, param: str, value: Value) -> Value:
    """A parameter's joined value as the body sees it. A lambda is called from the one place
    it is written (``map(lambda f: f.result(), futs)``), so its futures keep their app's
    name; a named helper's are named after the helper and the parameter."""
    if isinstance(fdef.node, ast.Lambda):
        return value
    return as_received(value, f"{_helper_name(fdef)}: {param}")


def _helper_name(fdef: FuncRecord) -> str:
    """How a fix names a function whose parameter holds a future: ``wait_all``,
    ``Campaign.evaluate`` (a nested function by its own name)."""
    return fdef.key.partition(":")[2].rpartition("<locals>.")[2]


def _callables(value: Value) -> list[Value]:
    """The project functions and methods a value is or holds (one level of container)."""
    if isinstance(value, (Func, BoundMethod)):
        return [value]
    if isinstance(value, Partial):
        return _callables(value.func)
    inner: list[Value] = []
    if isinstance(value, Seq):
        inner = [value.elem]
    elif isinstance(value, Mapping):
        inner = [value.value]
    elif isinstance(value, Tup):
        inner = list(value.items)
    return [v for v in inner if isinstance(v, (Func, BoundMethod))]


def _called_name(func: ast.expr) -> str | None:
    """The name a call site uses for what it calls: ``anomaly`` in ``A.anomaly(x)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _qualify(scope: Scope, name: str) -> str:
    if scope.kind is _MODULE or not scope.qual:
        return name
    if scope.kind is _FUNCTION:
        return f"{scope.qual}.<locals>.{name}"
    return f"{scope.qual}.{name}"


def app_from_callable(functions: dict[str, FuncRecord], value: Value, kind: str) -> Value:
    """``python_app(func)``: the app made from whatever ``value`` is."""
    if isinstance(value, Func) and value.key in functions:
        record = functions[value.key]
        plain = not getattr(record.node, "decorator_list", [])
        return App(app_info(record, kind, plain))
    if isinstance(value, App):
        return App(value.info)
    name = "app"
    if isinstance(value, External):
        name = value.qualname.rpartition(".")[2]
    elif isinstance(value, Builtin):
        name = value.name
    return App(AppInfo(name, kind, "", 0, None))
