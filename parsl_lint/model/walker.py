"""The flow-sensitive evaluator: walks a module or function body and tracks what names hold.

One walker serves two purposes. In *summary* mode (no ``facts``) it works out what a project
function returns or what a class's instance attributes hold, for the project index. In *file*
mode it walks every statement of the file being linted and records, for each call, what the
callee and the receiver are and in which context (app body, ``try`` block, ``with
pytest.raises``, loop with an index variable) the call sits. Rules read those facts; they never
evaluate anything themselves.

Statements run in order, so a rebound name is no longer what it was; branches are evaluated
separately and joined; loop bodies run twice so that ``futs.append(app())`` is seen by a later
iteration; a branch that ends in ``return``/``raise``/``continue``/``break`` does not flow on.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Union

from parsl_lint.model import parsl_api, resources
from parsl_lint.model.project import (
    TRANSPARENT_DECORATORS,
    ClassDef,
    FuncDef,
    ModuleInfo,
    Project,
    own_nodes,
    target_names,
)
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
    Mapping,
    MaybeFuture,
    Module,
    PoolExecutor,
    Seq,
    SuperOf,
    Tup,
    Value,
    contains_future,
    element,
    join,
    join_all,
)

_HINT_ROUNDS = 3
_SEQ_MUTATORS_ONE = frozenset({"append", "add", "appendleft"})
_SEQ_MUTATORS_MANY = frozenset({"extend", "update", "extendleft"})
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


# -- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuncCtx:
    """The function a call sits in (``app`` is set when that function is an app body)."""

    name: str
    app: AppInfo | None


@dataclass(frozen=True)
class TryCtx:
    """The call sits in the body of this ``try``."""

    node: ast.Try


@dataclass(frozen=True)
class WithCtx:
    """The call sits in the body of this ``with``; ``expects_raise`` for ``pytest.raises``."""

    node: ast.AST
    expects_raise: bool


@dataclass(frozen=True)
class IndexCtx:
    """Inside ``for i, f in enumerate(...)``: ``names`` maps ``f`` to ``i``."""

    names: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GuardCtx:
    """In a branch that runs only when these futures succeeded (``if f.exception() is None:``,
    or the ``else`` of ``if f.exception():``): each is the ``ast.dump`` of the receiver."""

    succeeded: tuple[str, ...]


Ctx = Union[FuncCtx, TryCtx, WithCtx, IndexCtx, GuardCtx]


@dataclass
class CallFact:
    """One call in the linted file: what is called, on what, and where."""

    node: ast.Call
    callee: Value
    receiver: Value | None
    ctx: tuple[Ctx, ...]
    args: tuple[Value, ...] = ()  # the value of each positional argument (``*x``: UNKNOWN)
    kwargs: dict[str | None, Value] = field(default_factory=dict)  # ``**x`` under None


@dataclass
class AppDef:
    """A place where the file makes an app: a decorated ``def`` or ``python_app(f, ...)``."""

    info: AppInfo
    node: ast.AST
    factory: ast.expr | None  # the decorator / factory expression
    maker: AppFactory | None = None  # what ``factory`` evaluates to (Parsl's decorator or class)


@dataclass
class Facts:
    """Everything file mode records for the rules."""

    calls: dict[int, CallFact] = field(default_factory=dict)
    app_defs: list[AppDef] = field(default_factory=list)
    app_functions: dict[int, AppInfo] = field(default_factory=dict)
    app_function_nodes: dict[int, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = field(
        default_factory=dict
    )
    #: id(app function node) -> what its body returns: (the returned expression, its value).
    #: A generator app lists its ``yield`` expressions instead, each valued ``Gen(..., "<yield>")``.
    app_returns: dict[int, list[tuple[ast.expr, Value]]] = field(default_factory=dict)
    #: id(except handler) -> what its exception type expression evaluates to.
    handler_types: dict[int, Value] = field(default_factory=dict)


@dataclass
class _AttrSink:
    """Instance-attribute writes seen while summarising a class's methods."""

    assigned: dict[str, list[Value]] = field(default_factory=dict)
    added: dict[str, list[Value]] = field(default_factory=dict)


# -- scopes ---------------------------------------------------------------------------------


class Scope:
    """Names visible while walking one module, class, function or comprehension body."""

    __slots__ = (
        "kind",
        "parent",
        "env",
        "locals",
        "globals",
        "returns",
        "yields",
        "cls",
        "self_name",
        "qual",
    )

    def __init__(self, kind: str, parent: Scope | None, qual: str = "") -> None:
        self.kind = kind
        self.parent = parent
        self.env: dict[str, Value] = {}
        self.locals: frozenset[str] = frozenset()
        self.globals: set[str] = set()
        self.returns: list[Value] = []
        self.yields: list[Value] = []
        self.cls: str | None = None
        self.self_name: str | None = None
        self.qual = qual


def _join_env(a: dict[str, Value], b: dict[str, Value]) -> dict[str, Value]:
    out = dict(a)
    for k, v in b.items():
        out[k] = join(out.get(k, BOTTOM), v)
    for k in a.keys() - b.keys():
        out[k] = join(a[k], BOTTOM)
    return out


def _terminates(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


# -- the walker -----------------------------------------------------------------------------


class Walker:
    def __init__(self, project: Project, module: ModuleInfo, facts: Facts | None = None):
        self.p = project
        self.m = module
        self.facts = facts
        self.ctx: tuple[Ctx, ...] = ()
        self.sink: _AttrSink | None = None
        self.deferred: list[tuple[FuncDef, AppInfo | None]] = []
        # File mode: what this file's own calls pass to its functions' parameters.
        self.hints: dict[str, dict[str, Value]] = {}
        self.walked: dict[str, tuple[FuncDef, AppInfo | None]] = {}
        self._app_def_keys: set[tuple[int, int]] = set()
        # File mode, inside an app body: where its ``return``/``yield`` values are recorded.
        self.app_results: list[tuple[ast.expr, Value]] | None = None

    @contextmanager
    def quiet(self) -> Iterator[None]:
        facts, self.facts = self.facts, None
        try:
            yield
        finally:
            self.facts = facts

    @contextmanager
    def push(self, entry: Ctx) -> Iterator[None]:
        saved = self.ctx
        self.ctx = (*saved, entry)
        try:
            yield
        finally:
            self.ctx = saved

    def module_scope(self) -> Scope:
        return Scope("module", None)

    # -- entry points ---------------------------------------------------------------------

    def walk_module(self, tree: ast.Module) -> None:
        scope = self.module_scope()
        self.exec_block(tree.body, scope)
        while self.deferred:
            fdef, app = self.deferred.pop(0)
            self.walked[fdef.key] = (fdef, app)
            self.walk_function(fdef, app)
        # Functions whose callers in this file pass futures: walk them again with those values.
        done: dict[str, dict[str, Value]] = {}
        for _ in range(_HINT_ROUNDS):
            pending = [
                key
                for key, hint in self.hints.items()
                if key in self.walked
                and done.get(key) != hint
                and any(contains_future(v) for v in hint.values())
            ]
            if not pending:
                break
            for key in pending:
                done[key] = dict(self.hints[key])
                self.walk_function(*self.walked[key])

    def walk_function(self, fdef: FuncDef, app: AppInfo | None = None) -> Scope:
        node = fdef.node
        parent = fdef.closure if isinstance(fdef.closure, Scope) else self.module_scope()
        scope = Scope("function", parent, qual=fdef.key.partition(":")[2])
        scope.cls = fdef.cls
        scope.locals = _local_names(node)
        self._bind_params(fdef, scope, parent)
        name = "<lambda>" if isinstance(node, ast.Lambda) else node.name
        if app is None and self.facts is not None:
            app = self.facts.app_functions.get(id(node))
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

    def _bind_params(self, fdef: FuncDef, scope: Scope, parent: Scope) -> None:
        args = fdef.node.args
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
                    if fdef.method_kind in ("method", "property"):
                        value = Instance(fdef.cls)
                        scope.self_name = a.arg
                    elif fdef.method_kind == "class":
                        value = Class(fdef.cls, fdef.cls.rpartition(".")[2])
                if value is UNKNOWN and a.annotation is not None:
                    value = self.annotation(a.annotation, parent)
                if value is UNKNOWN and a.arg in defaults:
                    default = self.eval(defaults[a.arg], parent)
                    if isinstance(default, App):
                        value = default
                if value is UNKNOWN:
                    hinted = self.hints.get(fdef.key, {}).get(a.arg, UNKNOWN)
                    if contains_future(hinted):
                        value = hinted
                if value is UNKNOWN and injected is not None and a.arg not in injected:
                    value = self.p.fixture_value(self.m, a.arg, fdef.key)
                scope.env[a.arg] = value
            if args.vararg is not None:
                scope.env[args.vararg.arg] = UNKNOWN
            if args.kwarg is not None:
                scope.env[args.kwarg.arg] = UNKNOWN

    def _pytest_injected(self, fdef: FuncDef) -> frozenset[str] | None:
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
        while s is not None and s.kind != "module":
            if s.kind == "class" and not direct:
                s = s.parent
                continue
            if name in s.globals:
                s = None
                break
            if name in s.env:
                return s.env[name]
            if name in s.locals:
                return UNKNOWN
            now = now and s.kind == "comp"
            s = s.parent
            direct = False
        if s is not None and now and name in s.env:
            return s.env[name]
        value = self.p.symbol(self.m.name, name)
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
            while s is not None and s.kind != "module":
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
            if self._is_self(target.value, scope) and self.sink is not None:
                self.sink.assigned.setdefault(target.attr, []).append(value)
            del base
        elif isinstance(target, ast.Subscript):
            self.eval(target.slice, scope)
            container = self.eval(target.value, scope)
            if isinstance(target.value, (ast.Name, ast.Subscript)):
                # ``d[k] = v``, and ``grid[i][j] = v``: each level's container takes the
                # updated one below it.
                node: ast.expr = target
                while isinstance(node, ast.Subscript):
                    updated = _store_item(container, value)
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
            elif self._is_self_attr(target.value, scope) and self.sink is not None:
                assert isinstance(target.value, ast.Attribute)
                self.sink.added.setdefault(target.value.attr, []).append(value)

    def _is_self(self, node: ast.expr, scope: Scope) -> bool:
        s: Scope | None = scope
        while s is not None and s.kind == "comp":
            s = s.parent
        return (
            isinstance(node, ast.Name) and s is not None and s.self_name is not None
        ) and node.id == s.self_name

    def _is_self_attr(self, node: ast.expr, scope: Scope) -> bool:
        return isinstance(node, ast.Attribute) and self._is_self(node.value, scope)

    # -- statements -----------------------------------------------------------------------

    def exec_block(self, body: list[ast.stmt], scope: Scope) -> None:
        for i, stmt in enumerate(body):
            self.exec_stmt(stmt, scope)
            if isinstance(stmt, ast.If) and _terminates(stmt.body) and not stmt.orelse:
                # ``if f.exception(): continue``: the rest of the block runs when f succeeded
                succeeded = _succeeded_when(stmt.test)[1]
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
                method = self.p.find_method(old.cls, f"__i{operator}__")
                result = self._dunder(old, f"__i{operator}__" if method else f"__{operator}__")
            self.assign_name(stmt.target.id, result, scope)
        elif self._is_self_attr(stmt.target, scope) and self.sink is not None:
            assert isinstance(stmt.target, ast.Attribute)
            if isinstance(stmt.op, ast.Add) and isinstance(new, (Seq, Tup)):
                self.sink.added.setdefault(stmt.target.attr, []).append(element(new))
            else:
                self.sink.assigned.setdefault(stmt.target.attr, []).append(UNKNOWN)
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
        when_true, when_false = _succeeded_when(stmt.test)
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
            if not _terminates(body):
                results.append(scope.env)
        if not results:
            scope.env = pre
            return
        env = results[0]
        for other in results[1:]:
            env = _join_env(env, other)
        scope.env = env

    def stmt_For(self, stmt: ast.For | ast.AsyncFor, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        item = element(iterable)
        index = _index_names(stmt.target, stmt.iter, iterable)
        pre = dict(scope.env)
        for _ in range(2):
            self.bind(stmt.target, item, scope)
            if index:
                with self.push(IndexCtx(index)):
                    self.exec_block(stmt.body, scope)
            else:
                self.exec_block(stmt.body, scope)
        scope.env = _join_env(pre, scope.env)
        self.exec_block(stmt.orelse, scope)

    stmt_AsyncFor = stmt_For

    def stmt_While(self, stmt: ast.While, scope: Scope) -> None:
        pre = dict(scope.env)
        for _ in range(2):
            self.eval(stmt.test, scope)
            self.exec_block(stmt.body, scope)
        scope.env = _join_env(pre, scope.env)
        self.exec_block(stmt.orelse, scope)

    def stmt_Try(self, stmt: ast.Try, scope: Scope) -> None:
        pre = dict(scope.env)
        with self.push(TryCtx(stmt)):
            self.exec_block(stmt.body, scope)
        body_ok = not _terminates(stmt.body)
        after_body = scope.env
        outcomes: list[dict[str, Value]] = []
        scope.env = dict(after_body)
        self.exec_block(stmt.orelse, scope)
        if body_ok and not _terminates(stmt.orelse):
            outcomes.append(scope.env)
        for handler in stmt.handlers:
            scope.env = _join_env(pre, after_body)
            if handler.type is not None:
                kind = self.eval(handler.type, scope)
                if self.facts is not None:
                    self.facts.handler_types[id(handler)] = kind
            if handler.name:
                scope.env[handler.name] = UNKNOWN
            self.exec_block(handler.body, scope)
            if not _terminates(handler.body):
                outcomes.append(scope.env)
        env = outcomes[0] if outcomes else _join_env(pre, after_body)
        for other in outcomes[1:]:
            env = _join_env(env, other)
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
            self.assign_name(*self.p.import_binding(self.m, alias.name, alias.asname), scope)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom, scope: Scope) -> None:
        base = self.p.absolute(self.m, stmt.level, stmt.module)
        for alias in stmt.names:
            if alias.name == "*":
                continue
            value = self.p.resolve_qualname(f"{base}.{alias.name}")
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
        key = f"{self.m.name}:{_qualify(scope, stmt.name)}"
        closure = scope if scope.kind != "module" else None
        cls = self.p.register_class(ClassDef(key, stmt, self.m.name, closure=closure))
        body_scope = Scope("class", scope, qual=_qualify(scope, stmt.name))
        body_scope.cls = key
        cdef = self.p.classes[key]
        for inner in stmt.body:
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = cdef.methods.get(inner.name)
                if method is None or method.node is not inner:
                    method = FuncDef(f"{key}.{inner.name}", inner, self.m.name, cls=key)
                app = self._decorate(inner, body_scope, method)
                if app is not None and method.method_kind == "method":
                    self.p.method_apps[method.key] = app
                if self.facts is not None:
                    self.deferred.append((method, app))
                body_scope.env[inner.name] = Func(method.key, inner.name)
            else:
                self.exec_stmt(inner, body_scope)
        self.assign_name(stmt.name, cls, scope)

    # -- function definitions -------------------------------------------------------------

    def define_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Value:
        key = f"{self.m.name}:{_qualify(scope, node.name)}"
        closure = scope if scope.kind != "module" else None
        fdef = FuncDef(key, node, self.m.name, closure=closure)
        for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d]]:
            self.eval(default, scope)
        func = self.p.register_function(fdef)
        fdef = self.p.functions[func.key]
        app = self._decorate(node, scope, fdef)
        if self.facts is not None:
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
            fdef = self.p.functions.get(decorator.key) if isinstance(decorator, Func) else None
            if fdef is None or not _passes_through(fdef.node):
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
                decorator = self.eval(dec, scope)
            if isinstance(decorator, Func):
                value = self.p.returns_of(decorator.key)  # what applying it gives
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
            method = self.p.find_method(value.cls, "__call__")
            returned = self.p.returns_of(method.key) if method is not None else UNKNOWN
        else:
            returned = self.p.returns_of(value.key) if isinstance(value, Func) else UNKNOWN
        return value if isinstance(returned, Future) else UNKNOWN

    def _is_app_factory(self, dec: ast.expr, scope: Scope) -> bool:
        with self.quiet():
            value = self.eval(dec.func if isinstance(dec, ast.Call) else dec, scope)
        return isinstance(value, AppFactory)

    def _decorate(self, node: ast.AST, scope: Scope, fdef: FuncDef) -> AppInfo | None:
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
                if isinstance(dec, ast.Call) and _keyword_true(dec, "join"):
                    kind = "join"
                legacy = kind == parsl_api.LEGACY_KIND
                if legacy:
                    kind = _legacy_kind(dec) or ""
                    if not kind:
                        continue
                inner_plain = all(self._transparent(d, scope) for d in decorators[i + 1 :])
                app = self.p.app_info(fdef, kind, inner_plain)
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
        inner = Scope("comp", scope)
        inner.self_name = None
        names: set[str] = set()
        index: list[tuple[str, str]] = []
        for i, gen in enumerate(generators):
            iterable = self.eval(gen.iter, scope if i == 0 else inner)
            names.update(target_names(gen.target))
            inner.locals = frozenset(names)
            self.bind(gen.target, element(iterable), inner)
            index.extend(_index_names(gen.target, gen.iter, iterable))
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
        while s is not None and s.kind == "comp":
            s = s.parent
        self.bind(node.target, value, s or scope)
        return value

    def expr_Lambda(self, node: ast.Lambda, scope: Scope) -> Value:
        key = f"{self.m.name}:{_qualify(scope, '<lambda>')}@{node.lineno}:{node.col_offset}"
        closure = scope if scope.kind != "module" else None
        func = self.p.register_function(FuncDef(key, node, self.m.name, closure=closure))
        if self.facts is not None and key not in self.walked:  # file mode: walk its body too
            self.walked[key] = (self.p.functions[key], None)
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
        return self.attribute(self.eval(node.value, scope), node.attr, scope)

    def attribute(self, base: Value, attr: str, scope: Scope) -> Value:
        if isinstance(base, (Module, External)):
            return self.p.resolve_qualname(f"{_qual(base)}.{attr}")
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
            method = self.p.find_method(base.cls, attr)
            if method is not None:
                if method.method_kind == "property":
                    return self.p.returns_of(method.key)
                app = self.p.method_apps.get(method.key)
                if app is not None:  # ``obj.app(...)``: called without ``obj``
                    return App(dataclasses.replace(app, from_instance=True))
                return BoundMethod(base.cls, attr)
            return self.p.instance_attribute(base.cls, attr)
        if isinstance(base, Class):
            method = self.p.find_method(base.key, attr)
            if method is not None:
                if method.method_kind in ("static", "class"):
                    return BoundMethod(base.key, attr)
                return Func(method.key, attr)
            return UNKNOWN
        if isinstance(base, SuperOf):
            if self.p.find_method(base.cls, attr, after=base.cls) is not None:
                return BoundMethod(base.cls, attr, start_after=base.cls)
            return UNKNOWN
        if isinstance(base, PoolExecutor) and attr == "submit":
            return Builtin("pool.submit")
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
        return _subscript(base, node.slice)

    def _dunder(self, obj: Instance, name: str) -> Value:
        """What a special method of a project class returns (UNKNOWN when it has none)."""
        method = self.p.find_method(obj.cls, name)
        return self.p.returns_of(method.key) if method is not None else UNKNOWN

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
            self._callback_hint(args[0], receiver)
            return NONE
        if isinstance(func, ast.Attribute) and receiver is not None:
            mutated = self._mutate(func, receiver, args, scope)
            if mutated is not None:
                return mutated
            method = _container_method(receiver, func.attr, args)
            if method is not None:
                return method
        if isinstance(callee, App):
            return Future(_called_name(func) or callee.info.name)
        if isinstance(callee, BoundApp):
            return Future(callee.info.name)
        if isinstance(callee, AppFactory):
            return self._app_factory_call(node, callee, args)
        if isinstance(callee, Func):
            self._hint(callee.key, node, args, kwargs, bound=False)
            return self.p.returns_of(callee.key)
        if isinstance(callee, BoundMethod):
            method = self.p.find_method(callee.cls, callee.name, after=callee.start_after)
            if method is None:
                return UNKNOWN
            self._hint(method.key, node, args, kwargs, bound=method.method_kind != "static")
            return self.p.returns_of(method.key)
        if isinstance(callee, Class):
            return Instance(callee.key)
        if isinstance(callee, Instance):  # a callable object: its ``__call__``
            method = self.p.find_method(callee.cls, "__call__")
            if method is None:
                return UNKNOWN
            self._hint(method.key, node, args, kwargs, bound=True)
            return self.p.returns_of(method.key)
        if isinstance(callee, External) and parsl_api.is_pool_executor(callee.qualname):
            return PoolExecutor()
        made = resources.call_value(node, callee, receiver, args, kwargs)
        if made is not None:
            return made
        if isinstance(callee, Builtin):
            return self._builtin(callee.name, node, args, kwargs, scope)
        return UNKNOWN

    def _hint(
        self,
        key: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str | None, Value],
        bound: bool,
    ) -> None:
        """Remember what this file passes to its own function's parameters (file mode)."""
        if self.facts is None:
            return
        fdef = self.p.functions.get(key)
        if fdef is None or fdef.module != self.m.name or isinstance(fdef.node, ast.Lambda):
            return
        params = [*fdef.node.args.posonlyargs, *fdef.node.args.args]
        if bound:
            params = params[1:]
        hint = self.hints.setdefault(key, {})
        if any(isinstance(a, ast.Starred) for a in node.args) or None in kwargs:
            for p in [*params, *fdef.node.args.kwonlyargs]:
                hint[p.arg] = UNKNOWN
            return
        for param, value in zip(params, args):
            hint[param.arg] = join(hint.get(param.arg, BOTTOM), value)
        names = {p.arg for p in [*params, *fdef.node.args.kwonlyargs]}
        for name, value in kwargs.items():
            if name in names:
                hint[name] = join(hint.get(name, BOTTOM), value)

    def _element_hint(self, func: Func, values: list[Value]) -> None:
        """``map(f, xs)``, ``filter(f, xs)``, ``sorted(xs, key=f)``: ``f``'s parameters get
        the elements (file mode; a function or lambda of this file)."""
        if self.facts is None:
            return
        fdef = self.p.functions.get(func.key)
        if fdef is None or fdef.module != self.m.name:
            return
        params = [*fdef.node.args.posonlyargs, *fdef.node.args.args]
        hint = self.hints.setdefault(fdef.key, {})
        for param, value in zip(params, values):
            hint[param.arg] = join(hint.get(param.arg, BOTTOM), value)

    def _callback_hint(self, callback: Value, future: Value) -> None:
        """``fut.add_done_callback(cb)``: ``cb``'s first parameter is ``fut`` (file mode; a
        function, method or lambda of this file)."""
        if self.facts is None:
            return
        if isinstance(callback, Func):
            fdef, bound = self.p.functions.get(callback.key), False
        elif isinstance(callback, BoundMethod):
            found = self.p.find_method(callback.cls, callback.name, after=callback.start_after)
            fdef, bound = found, found is not None and found.method_kind != "static"
        else:
            return
        if fdef is None or fdef.module != self.m.name:
            return
        params = [*fdef.node.args.posonlyargs, *fdef.node.args.args][1 if bound else 0 :]
        if params:
            hint = self.hints.setdefault(fdef.key, {})
            hint[params[0].arg] = join(hint.get(params[0].arg, BOTTOM), future)

    def _record_app_def(self, app_def: AppDef) -> None:
        """Record each definition once, although loops and re-walks evaluate it again."""
        assert self.facts is not None
        key = (id(app_def.node), id(app_def.factory))
        if key not in self._app_def_keys:
            self._app_def_keys.add(key)
            self.facts.app_defs.append(app_def)

    def _app_factory_call(self, node: ast.Call, factory: AppFactory, args: list[Value]) -> Value:
        if factory.kind == parsl_api.LEGACY_KIND:  # ``App("bash", dfk)``: waits for the function
            legacy = _legacy_kind(node)
            return AppFactory(legacy, configured=True, legacy=True) if legacy else UNKNOWN
        if not node.args:
            if factory.is_class or factory.configured:
                return UNKNOWN
            return AppFactory(factory.kind, configured=True)
        kind = "join" if _keyword_true(node, "join") else factory.kind
        app = self.p.app_from_callable(args[0], kind)
        if factory.legacy and isinstance(app, App):
            app = App(dataclasses.replace(app.info, legacy=True, signature=None))
        if isinstance(app, App) and self.facts is not None:
            self._record_app_def(AppDef(app.info, node, node, factory))
            target = args[0]
            if isinstance(target, Func) and target.key in self.p.functions:
                function = self.p.functions[target.key].node
                self.facts.app_functions[id(function)] = app.info
                if self.p.functions[target.key].module == self.m.name:  # a body in this file
                    self.facts.app_function_nodes[id(function)] = function
        return app

    def _mutate(
        self, func: ast.Attribute, receiver: Value, args: list[Value], scope: Scope
    ) -> Value | None:
        attr = func.attr
        if attr in _SEQ_MUTATORS_ONE and args:
            added = args[0]
        elif attr in _SEQ_MUTATORS_MANY and args and not isinstance(receiver, Mapping):
            added = element(args[0])
        elif attr == "insert" and len(args) == 2:
            added = args[1]
        else:
            return None
        if self.sink is not None and self._is_self_attr(func.value, scope):
            assert isinstance(func.value, ast.Attribute)
            self.sink.added.setdefault(func.value.attr, []).append(added)
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

    def _builtin(
        self,
        name: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str | None, Value],
        scope: Scope,
    ) -> Value:
        if any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        first = args[0] if args else BOTTOM
        if name in ("list", "set", "frozenset", "sorted", "reversed", "iter", "filter"):
            source = args[1] if name == "filter" and len(args) > 1 else first
            if name == "filter" and isinstance(first, Func):
                self._element_hint(first, [element(source)])
            key = kwargs.get("key")
            if name == "sorted" and isinstance(key, Func):
                self._element_hint(key, [element(source)])
            if name == "list" and isinstance(source, Tup):
                return Seq(element(source))
            return Seq(element(source)) if args or name != "filter" else UNKNOWN
        if name == "tuple":
            return first if isinstance(first, Tup) else Seq(element(first))
        if name == "next":
            return element(first)
        if name == "map":
            if len(args) < 2:
                return UNKNOWN
            if isinstance(first, (App, BoundApp)):
                return Seq(Future(first.info.name))
            if isinstance(first, Func):
                # ``map(lambda f: f.result(), futs)``: the function gets each element
                self._element_hint(first, [element(a) for a in args[1:]])
                return Seq(self.p.returns_of(first.key))
            return UNKNOWN
        if name == "enumerate":
            return Seq(Tup((UNKNOWN, element(first))))
        if name == "zip":
            return Seq(Tup(tuple(element(a) for a in args)))
        if name == "dict":
            if not args:
                values = [v for k, v in kwargs.items() if k is not None]
                return Mapping(UNKNOWN if values else BOTTOM, join_all(values))
            if isinstance(first, Mapping):
                return first
            pair = element(first)
            if isinstance(pair, Tup) and len(pair.items) == 2:
                return Mapping(pair.items[0], pair.items[1])
            return UNKNOWN
        if name == "super":
            s: Scope | None = scope
            while s is not None and s.cls is None:
                s = s.parent
            return SuperOf(s.cls) if s is not None and s.cls is not None else UNKNOWN
        if name == "as_completed":
            return Seq(element(first))
        if name == "wait":
            return Tup((Seq(element(first)), Seq(element(first))))
        if name == "chain":
            return Seq(join_all([element(a) for a in args]))
        if name == "chain.from_iterable":
            return Seq(element(element(first)))
        if name == "islice":
            return Seq(element(first))
        if name == "copy":
            return first
        if name == "partial":
            return BoundApp(first.info) if isinstance(first, (App, BoundApp)) else UNKNOWN
        if name == "defaultdict":
            factory = args[0] if args else BOTTOM
            if isinstance(factory, Builtin) and factory.name in ("list", "set"):
                return Mapping(BOTTOM, Seq(BOTTOM))
            return Mapping(BOTTOM, BOTTOM if factory is BOTTOM else UNKNOWN)
        if name == "deque":
            return Seq(element(first)) if args else Seq(BOTTOM)
        if name == "pool.submit":
            fn = node.args[0] if node.args else None
            label = fn.id if isinstance(fn, ast.Name) else None
            return Future(label)
        return UNKNOWN

    # -- annotations ----------------------------------------------------------------------

    def annotation(self, node: ast.expr, scope: Scope) -> Value:
        """The value an annotation promises when it names Parsl futures or project classes
        (or containers of them); else UNKNOWN."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return UNKNOWN
            return self.annotation(parsed, scope)
        if isinstance(node, (ast.Name, ast.Attribute)):
            value = self.eval(node, scope)
            qual = _qual(value) if isinstance(value, (External, Class)) else None
            if qual is not None and qual in parsl_api.FUTURE_TYPES:
                return Future(None, data=parsl_api.FUTURE_TYPES[qual])
            if isinstance(value, Class):  # ``job: Job``: an instance of a project class
                return Instance(value.key)
            return UNKNOWN
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = self.annotation(node.left, scope), self.annotation(node.right, scope)
            if _is_none(node.left):
                return right
            if _is_none(node.right):
                return left
            return left if left == right else UNKNOWN
        if isinstance(node, ast.Subscript):
            container = node.value
            name = container.attr if isinstance(container, ast.Attribute) else None
            if isinstance(container, ast.Name):
                name = container.id
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            inner = [self.annotation(i, scope) for i in items]
            if name == "Optional":
                return inner[0]
            if name == "Union":
                real = [v for i, v in zip(items, inner) if not _is_none(i)]
                return real[0] if len(real) == 1 or len(set(real)) == 1 else UNKNOWN
            if not any(isinstance(v, (Future, Seq, Tup, Mapping, Instance)) for v in inner):
                return UNKNOWN
            lowered = (name or "").lower()
            if lowered in ("dict", "mapping", "mutablemapping", "defaultdict", "ordereddict"):
                return Mapping(UNKNOWN, inner[-1]) if len(inner) == 2 else UNKNOWN
            if lowered == "tuple":
                if len(items) == 2 and isinstance(items[1], ast.Constant):
                    return Seq(inner[0])
                return Tup(tuple(inner))
            if lowered in (
                "list",
                "sequence",
                "iterable",
                "iterator",
                "set",
                "frozenset",
                "collection",
                "mutablesequence",
                "generator",
                "abstractset",
            ):
                return Seq(inner[0])
        return UNKNOWN


# -- helpers used by the project index ------------------------------------------------------


def module_binding_value(project: Project, info: ModuleInfo, name: str, node: ast.AST) -> Value:
    """What one module-level statement binds ``name`` to (flow-insensitive, for the index)."""
    walker = Walker(project, info)
    scope = walker.module_scope()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return walker.define_function(node, scope)
    if isinstance(node, ast.ClassDef):
        walker.stmt_ClassDef(node, scope)
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
        value = walker.eval(node.value, scope)
        for target in node.targets:
            walker.bind(target, value, scope)
        return scope.env.get(name, UNKNOWN)
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        walker.stmt_AnnAssign(node, scope)
        return scope.env.get(name, UNKNOWN)
    return UNKNOWN


def summarise_function(project: Project, fdef: FuncDef) -> Value:
    """What calling a project function returns."""
    node = fdef.node
    info = project.modules.get(fdef.module)
    if info is None:
        return UNKNOWN
    walker = Walker(project, info)
    parent = fdef.closure if isinstance(fdef.closure, Scope) else walker.module_scope()
    if not isinstance(node, ast.Lambda) and node.returns is not None:
        promised = walker.annotation(node.returns, parent)
        if promised is not UNKNOWN:
            return promised
    if isinstance(node, ast.AsyncFunctionDef):
        return UNKNOWN
    if fdef.cls is not None and node.decorator_list:
        app = walker._decorate(node, parent, fdef)  # an app defined as a method
        if app is not None:
            outermost = walker._is_app_factory(node.decorator_list[0], parent)
            return Future(app.name) if outermost else UNKNOWN
    scope = walker.walk_function(fdef)
    if scope.yields:
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        if all(walker._transparent(d, parent) for d in decorators):
            return Gen(join_all(scope.yields), getattr(node, "name", "<lambda>"))
        return Seq(join_all(scope.yields))
    if not scope.returns:
        return NONE
    return join_all(scope.returns)


def summarise_fixture(project: Project, fdef: FuncDef) -> Value:
    """What a pytest fixture provides: its return value, or what it yields."""
    key = f"fixture:{fdef.key}"
    if key in project._busy:
        return UNKNOWN
    project._busy.add(key)
    try:
        info = project.modules.get(fdef.module)
        if info is None or isinstance(fdef.node, ast.Lambda):
            return UNKNOWN
        walker = Walker(project, info)
        parent = walker.module_scope()
        if fdef.node.returns is not None:
            promised = walker.annotation(fdef.node.returns, parent)
            if promised is not UNKNOWN:
                return promised
        scope = walker.walk_function(fdef)
        if scope.yields:
            return join_all(scope.yields)
        return join_all(scope.returns) if scope.returns else UNKNOWN
    finally:
        project._busy.discard(key)


def summarise_attributes(project: Project, cdef: ClassDef) -> dict[str, Value]:
    """What each ``self.X`` of a class holds, joined over every method that assigns it."""
    info = project.modules.get(cdef.module)
    if info is None:
        return {}
    walker = Walker(project, info)
    walker.sink = _AttrSink()
    for method in cdef.methods.values():
        if method.method_kind in ("method", "property"):
            walker.walk_function(method)
    attrs: dict[str, Value] = {}
    for name in walker.sink.assigned.keys() | walker.sink.added.keys():
        value = join_all(walker.sink.assigned.get(name, []))
        for added in walker.sink.added.get(name, []):
            if isinstance(value, Seq) or value is BOTTOM:
                value = Seq(join(element(value), added))
            elif isinstance(value, Mapping):
                value = Mapping(value.key, join(value.value, added))
            else:
                value = UNKNOWN
        attrs[name] = value
    outer = cdef.closure if isinstance(cdef.closure, Scope) else walker.module_scope()
    body = Scope("class", outer)
    for stmt in cdef.node.body:
        default = _field_default(walker, stmt, outer)
        if default is not None:  # ``x: T = field(...)``: the field's default, if it has one
            if default is not BOTTOM:
                walker.bind(stmt.target, default, body)  # type: ignore[union-attr]
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            walker.exec_stmt(stmt, body)
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            # ``future: AppFuture`` in a dataclass (or any class): the field's promise.
            promised = walker.annotation(stmt.annotation, outer)
            if promised is not UNKNOWN and stmt.target.id not in body.env:
                body.env[stmt.target.id] = promised
    for name, value in body.env.items():
        attrs[name] = join(attrs[name], value) if name in attrs else value
    return attrs


def _field_default(walker: Walker, stmt: ast.stmt, scope: Scope) -> Value | None:
    """For ``name: T = dataclasses.field(...)`` in a class body, the field's default value
    (BOTTOM when it has none, as with ``field(init=False)``: the attribute exists only once a
    method assigns it); None for any other statement."""
    if not (
        isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and isinstance(stmt.value, ast.Call)
    ):
        return None
    with walker.quiet():
        func = walker.eval(stmt.value.func, scope)
    if not (isinstance(func, External) and func.qualname == "dataclasses.field"):
        return None
    for kw in stmt.value.keywords:
        if kw.arg == "default":
            return walker.eval(kw.value, scope)
        if kw.arg == "default_factory":
            return UNKNOWN
    return BOTTOM


def class_bases(project: Project, cdef: ClassDef) -> list[str]:
    info = project.modules.get(cdef.module)
    if info is None:
        return []
    walker = Walker(project, info)
    scope = cdef.closure if isinstance(cdef.closure, Scope) else walker.module_scope()
    out = []
    for base in cdef.node.bases:
        value = walker.eval(base, scope)
        if isinstance(value, Class):
            out.append(value.key)
    return out


# -- small pure helpers ---------------------------------------------------------------------


def _called_name(func: ast.expr) -> str | None:
    """The name a call site uses for what it calls: ``anomaly`` in ``A.anomaly(x)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _qual(value: Value) -> str:
    if isinstance(value, Module):
        return value.name
    if isinstance(value, External):
        return value.qualname
    if isinstance(value, Class):
        return value.key.replace(":", ".")
    return ""


def _qualify(scope: Scope, name: str) -> str:
    if scope.kind == "module" or not scope.qual:
        return name
    if scope.kind == "function":
        return f"{scope.qual}.<locals>.{name}"
    return f"{scope.qual}.{name}"


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _keyword_true(call: ast.Call, name: str) -> bool:
    for kw in call.keywords:
        if kw.arg == name:
            return isinstance(kw.value, ast.Constant) and kw.value.value is True
    return False


def _subscript(base: Value, index: ast.expr) -> Value:
    if isinstance(base, Future):
        return Future(base.app)  # Parsl's lifted ``[]`` operator
    if isinstance(base, Seq):
        return base if isinstance(index, ast.Slice) else base.elem
    if isinstance(base, Tup):
        if isinstance(index, ast.Slice):
            return Seq(join_all(list(base.items)))
        number = _int_constant(index)
        if number is not None and -len(base.items) <= number < len(base.items):
            return base.items[number]
        return join_all(list(base.items))
    if isinstance(base, Mapping):
        return base.value
    return UNKNOWN


def _passes_through(decorator: ast.AST) -> bool:
    """``def deco(func): def wrapper(*a, **k): ...; return func(*a, **k); return wrapper``:
    the decorator returns a nested function every one of whose returns is a call of the
    decorator's first parameter (whatever else the wrapper does first, such as logging)."""
    if not isinstance(decorator, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    params = [*decorator.args.posonlyargs, *decorator.args.args]
    if not params:
        return False
    wrapped = params[0].arg
    inner = {s.name: s for s in decorator.body if isinstance(s, ast.FunctionDef)}
    returned = [s.value for s in decorator.body if isinstance(s, ast.Return)]
    if len(returned) != 1 or not isinstance(returned[0], ast.Name):
        return False
    wrapper = inner.get(returned[0].id)
    if wrapper is None:
        return False
    returns = [n for n in own_nodes(wrapper.body) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Call)
        and isinstance(r.value.func, ast.Name)
        and r.value.func.id == wrapped
        for r in returns
    )


def _legacy_kind(dec: ast.expr) -> str | None:
    """The app kind of Parsl's pre-1.0 ``App("python" | "bash", ...)``, when spelled out."""
    if not isinstance(dec, ast.Call):
        return None
    kind = (
        dec.args[0]
        if dec.args
        else next((k.value for k in dec.keywords if k.arg == "apptype"), None)
    )
    if isinstance(kind, ast.Constant) and kind.value in ("python", "bash"):
        return str(kind.value)
    return None


def _succeeded_when(test: ast.expr) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The futures (``ast.dump`` of each receiver) a test proves succeeded when it is true,
    and when it is false: ``f.exception() is None``, ``not f.exception()``, ``f.exception()
    is not None``, and ``and``/``or`` of such tests."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        when_true, when_false = _succeeded_when(test.operand)
        return when_false, when_true
    if isinstance(test, ast.BoolOp):
        parts = [_succeeded_when(v) for v in test.values]
        if isinstance(test.op, ast.And):  # all true: each part's true case holds
            return tuple(g for p in parts for g in p[0]), ()
        return (), tuple(g for p in parts for g in p[1])  # all false
    failed = _exception_receiver(test)  # ``if f.exception():`` is true when f failed
    if failed is not None:
        return (), (failed,)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        receiver = _exception_receiver(test.left)
        if receiver is not None:
            if isinstance(test.ops[0], (ast.Is, ast.Eq)):
                return (receiver,), ()
            if isinstance(test.ops[0], (ast.IsNot, ast.NotEq)):
                return (), (receiver,)
    return (), ()


def _exception_receiver(node: ast.expr) -> str | None:
    """``ast.dump`` of ``f`` for a call ``f.exception()`` with no arguments."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "exception"
        and not node.args
        and not node.keywords
    ):
        return ast.dump(node.func.value)
    return None


def _int_constant(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return None


def _store_item(container: Value, value: Value) -> Value | None:
    if isinstance(container, Mapping):
        return Mapping(container.key, join(container.value, value))
    if isinstance(container, Seq):
        return Seq(join(container.elem, value))
    return None


def _container_method(receiver: Value, attr: str, args: list[Value]) -> Value | None:
    if isinstance(receiver, Mapping):
        if attr == "values":
            return Seq(receiver.value)
        if attr == "items":
            return Seq(Tup((receiver.key, receiver.value)))
        if attr == "keys":
            return Seq(receiver.key)
        if attr in ("get", "pop", "setdefault"):
            return receiver.value
        if attr == "copy":
            return receiver
        if attr == "popitem":
            return Tup((receiver.key, receiver.value))
    elif isinstance(receiver, (Seq, Tup)):
        if attr in ("pop", "popleft"):
            return element(receiver)
        if attr == "copy":
            return receiver
    return None


def _index_names(
    target: ast.AST, iter_node: ast.expr, iterable: Value
) -> tuple[tuple[str, str], ...]:
    """``for i, f in enumerate(x)`` / ``for k, f in d.items()``: map ``f`` to ``i`` / ``k``."""
    if not isinstance(target, ast.Tuple) or len(target.elts) != 2:
        return ()
    index, item = target.elts
    if not isinstance(index, ast.Name) or not isinstance(iter_node, ast.Call):
        return ()
    func = iter_node.func
    is_enumerate = isinstance(func, ast.Name) and func.id == "enumerate"
    is_items = isinstance(func, ast.Attribute) and func.attr == "items"
    if not (is_enumerate or is_items):
        return ()
    return tuple((name, index.id) for name in target_names(item))


def _local_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    """Names a function binds locally (Python's rule: assigned anywhere in the body)."""
    cached: frozenset[str] | None = getattr(node, "_parsl_lint_locals", None)
    if cached is None:
        cached = _compute_local_names(node)
        node._parsl_lint_locals = cached  # type: ignore[union-attr]
    return cached


def _compute_local_names(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
) -> frozenset[str]:
    names: set[str] = set()
    declared: set[str] = set()
    args = node.args
    for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        names.add(a.arg)
    for a in (args.vararg, args.kwarg):
        if a is not None:
            names.add(a.arg)
    if isinstance(node, ast.Lambda):
        return frozenset(names)
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(current.name)
            stack.extend(getattr(current, "decorator_list", []))
            continue
        if isinstance(current, (ast.Global, ast.Nonlocal)):
            declared.update(current.names)
            continue
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Name) and isinstance(current.ctx, (ast.Store, ast.Del)):
            names.add(current.id)
        elif isinstance(current, (ast.Import, ast.ImportFrom)):
            for alias in current.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(current, ast.ExceptHandler) and current.name:
            names.add(current.name)
        stack.extend(ast.iter_child_nodes(current))
    return frozenset(names - declared)
