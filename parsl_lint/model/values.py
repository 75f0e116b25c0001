"""Abstract values of the semantic model and the lattice join that merges them.

An expression evaluates to one of these. ``UNKNOWN`` is the top of the lattice and means "the
model cannot tell": rules treat it as "not a Parsl future". ``BOTTOM`` means "no value yet" (the
elements of an empty list). ``NONE`` is the literal ``None``, which joins with anything to that
thing, so ``fut = None`` followed by ``fut = app()`` on one branch still yields a future.
"""

from __future__ import annotations

from dataclasses import dataclass


class Value:
    """Base class of every abstract value."""

    __slots__ = ()


@dataclass(frozen=True)
class _Atom(Value):
    """A value with no parts, known by its label: ``UNKNOWN``, ``BOTTOM``, ``NONE``, ``PLAIN``."""

    label: str

    def __repr__(self) -> str:
        return self.label


UNKNOWN: Value = _Atom("UNKNOWN")
BOTTOM: Value = _Atom("BOTTOM")
NONE: Value = _Atom("NONE")
#: A literal string, bytes or number (or an f-string): a value with no ``.result()``.
PLAIN: Value = _Atom("PLAIN")


@dataclass(frozen=True)
class Param:
    """One parameter of an app function's signature."""

    name: str
    has_default: bool
    kind: str  # "posonly" | "normal" | "kwonly"


@dataclass(frozen=True)
class Signature:
    """The parameters of a function, as far as binding a call needs them."""

    params: tuple[Param, ...]
    varargs: bool
    varkw: bool

    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)


@dataclass(frozen=True)
class AppInfo:
    """A Parsl app: its name, flavour and (when the model can see it) its function signature."""

    name: str
    kind: str  # "python" | "bash" | "join"
    module: str
    lineno: int
    signature: Signature | None = None
    #: Reached as ``obj.app`` on an instance of the class whose body defines it. An app is
    #: not a descriptor, so the call does not pass ``obj`` as the first argument.
    from_instance: bool = False
    #: Made by Parsl's pre-1.0 ``@App(...)``, whose rules for the function differed (a bash
    #: app set ``cmd_line``): only what its futures do is checked.
    legacy: bool = False


@dataclass(frozen=True)
class Future(Value):
    """A Parsl ``AppFuture`` (or ``DataFuture`` when ``data``); ``app`` names the app if known."""

    app: str | None = None
    data: bool = False


@dataclass(frozen=True)
class MaybeFuture(Value):
    """A Parsl future on some paths and, on the others, a value without ``.result()``: a
    literal, a list, tuple or dict, or an instance of one of ``classes`` (project classes;
    whoever relies on it checks that they have no ``result``). Calling ``.result()`` on it
    means the future was there; nothing else about it is known (no lifted operators)."""

    future: Future
    classes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Seq(Value):
    """A list, set, iterator or other homogeneous collection whose elements are ``elem``."""

    elem: Value


@dataclass(frozen=True)
class Tup(Value):
    """A tuple of known length (a function returning ``fut_a, fut_b``)."""

    items: tuple[Value, ...]


@dataclass(frozen=True)
class Mapping(Value):
    """A dict whose keys are ``key`` and values ``value``."""

    key: Value
    value: Value


@dataclass(frozen=True)
class App(Value):
    """A Parsl app object: calling it returns a Future."""

    info: AppInfo


@dataclass(frozen=True)
class BoundApp(Value):
    """``functools.partial(app, ...)``: calling it returns a Future, but some arguments are
    already bound, so the app's signature says nothing about the call."""

    info: AppInfo


@dataclass(frozen=True)
class AppFactory(Value):
    """Parsl's ``python_app``/``bash_app``/``join_app`` or the ``PythonApp``/``BashApp`` classes.

    ``configured`` is True for ``python_app(executors=...)``, which still waits for the function.
    """

    kind: str
    is_class: bool = False
    configured: bool = False
    legacy: bool = False  # Parsl's pre-1.0 ``App("python" | "bash", ...)``


@dataclass(frozen=True)
class Func(Value):
    """A function or method defined in the project; ``key`` indexes the project's registry."""

    key: str
    name: str


@dataclass(frozen=True)
class Partial(Value):
    """``functools.partial(func, *args, **kwargs)`` of a project function or method: calling
    it calls ``func`` with these arguments first."""

    func: Value
    args: tuple[Value, ...] = ()
    kwargs: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class Class(Value):
    """A class defined in the project."""

    key: str
    name: str


@dataclass(frozen=True)
class Instance(Value):
    """An instance of a project class."""

    cls: str


@dataclass(frozen=True)
class BoundMethod(Value):
    """``obj.method`` where ``obj`` is an instance (or class) of a project class."""

    cls: str
    name: str
    start_after: str | None = None  # super(): look up the MRO after this class


@dataclass(frozen=True)
class SuperOf(Value):
    """``super()`` inside a method of ``cls``."""

    cls: str


@dataclass(frozen=True)
class Module(Value):
    """A module: a project module (resolved through the index) or an external one."""

    name: str


@dataclass(frozen=True)
class External(Value):
    """A name imported from outside the project, by its qualified name (``json.dumps``)."""

    qualname: str


@dataclass(frozen=True)
class PoolExecutor(Value):
    """A ``parsl.concurrent.ParslPoolExecutor``: its ``submit`` returns an AppFuture."""


@dataclass(frozen=True)
class Kernel(Value):
    """Parsl's ``DataFlowKernel`` (``parsl.dfk()``, ``parsl.load(...)``, an ``AppBase``'s
    ``self.data_flow_kernel``): its ``submit`` returns an AppFuture."""


@dataclass(frozen=True)
class Builtin(Value):
    """A builtin the model understands (``list``, ``zip``, ``enumerate``, ...)."""

    name: str


@dataclass(frozen=True)
class Resource(Value):
    """An object tied to the process that made it: a socket, a database connection, a lock,
    an open file, a device array, a logger, ...

    ``kind`` names what it is (the kinds and how each crosses to a worker are listed in
    ``model/resources.py``); ``origin`` names the call that made it, for messages.
    """

    kind: str
    origin: str


@dataclass(frozen=True)
class Gen(Seq):
    """A generator object (a generator expression, a generator function's call, ``os.walk``):
    it iterates like a Seq of ``elem`` but cannot be pickled. ``origin`` is for messages."""

    origin: str = "generator"


def join(a: Value, b: Value) -> Value:
    """The least upper bound of two values (what a name holds after two branches merge)."""
    if a == b:
        return a
    if a is BOTTOM or a is NONE:
        return b
    if b is BOTTOM or b is NONE:
        return a
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if isinstance(a, Future) and isinstance(b, Future):
        return Future(a.app if a.app == b.app else None, a.data and b.data)
    if isinstance(a, App) and isinstance(b, App):
        # Two definitions (a redefined app, one per branch): calling either submits a task;
        # which signature applies is not known here.
        x, y = a.info, b.info
        same = x.name == y.name
        kind = x.kind if x.kind == y.kind else "python"
        return App(AppInfo(x.name if same else "app", kind, x.module if same else "", 0))
    # A future on one path, a tuple or list of futures on another (``return f if one else
    # (f, g)``): whatever ``.result()``, ``[i]``, unpacking or iteration is used on, it is a
    # future (a tuple has no ``.result()``; Parsl lifts ``[]`` on a future to a new future).
    if isinstance(a, Future) and isinstance(b, (Seq, Tup)) and isinstance(element(b), Future):
        return join(a, element(b))
    if isinstance(b, Future) and isinstance(a, (Seq, Tup)) and isinstance(element(a), Future):
        return join(element(a), b)
    if isinstance(a, Resource) and isinstance(b, Resource) and a.kind == b.kind:
        return a
    if isinstance(a, Gen) and isinstance(b, Gen):
        return Gen(join(a.elem, b.elem), a.origin)
    if isinstance(a, Seq) and isinstance(b, Seq):
        return Seq(join(a.elem, b.elem))
    if isinstance(a, Tup) and isinstance(b, Tup) and len(a.items) == len(b.items):
        return Tup(tuple(join(x, y) for x, y in zip(a.items, b.items)))
    if isinstance(a, (Tup, Seq)) and isinstance(b, (Tup, Seq)):
        return Seq(join(element(a), element(b)))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return Mapping(join(a.key, b.key), join(a.value, b.value))
    return _maybe_future(a, b)


def _maybe_future(a: Value, b: Value) -> Value:
    """A future (or a MaybeFuture) joined with a value that has no ``.result()``."""
    fa, fb = _future_part(a), _future_part(b)
    if fa is not None and fb is not None:
        return MaybeFuture(_as_future(join(fa[0], fb[0])), fa[1] | fb[1])
    for part, other in ((fa, b), (fb, a)):
        plain = _plain_part(other) if part is not None else None
        if part is not None and plain is not None:
            return MaybeFuture(part[0], part[1] | plain)
    return UNKNOWN


def _future_part(v: Value) -> tuple[Future, frozenset[str]] | None:
    if isinstance(v, Future):
        return v, frozenset()
    if isinstance(v, MaybeFuture):
        return v.future, v.classes
    return None


def _as_future(v: Value) -> Future:
    return v if isinstance(v, Future) else Future(None)


def _plain_part(v: Value) -> frozenset[str] | None:
    """The classes to check, when ``v`` has no ``.result()`` (else None)."""
    if v is PLAIN or isinstance(v, (Seq, Tup, Mapping)):
        return frozenset()
    if isinstance(v, Instance):
        return frozenset({v.cls})
    return None


def join_all(values: list[Value]) -> Value:
    out: Value = BOTTOM
    for v in values:
        out = join(out, v)
    return out


def element(v: Value) -> Value:
    """What iterating over ``v`` yields."""
    if isinstance(v, Seq):
        return v.elem
    if isinstance(v, Tup):
        return join_all(list(v.items))
    if isinstance(v, Mapping):
        return v.key
    if isinstance(v, Future):  # iterating an AppFuture indexes it: lifted futures
        return Future(v.app)
    if v is BOTTOM:
        return BOTTOM
    return UNKNOWN


def contains_future(v: Value) -> bool:
    """True when ``v`` is a future or a collection that holds futures."""
    if isinstance(v, (Future, MaybeFuture)):
        return True
    if isinstance(v, Seq):
        return contains_future(v.elem)
    if isinstance(v, Tup):
        return any(contains_future(i) for i in v.items)
    if isinstance(v, Mapping):
        return contains_future(v.value) or contains_future(v.key)
    return False
