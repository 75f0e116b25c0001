"""What the evaluator records about the file being linted, for the rules to read.

In file mode the evaluator fills a :class:`Facts`: one :class:`CallFact` per call (what is
called, on what, with what, and in which context), each place the file makes an app
(:class:`AppDef`), the app bodies and what they return, and what each ``except`` catches. The
context of a call is the stack of ``*Ctx`` records around it, innermost last.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Union

from parsl_lint.model.values import AppFactory, AppInfo, Value


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
class SiteWrites:
    """What a module stores in the attributes of one module-level instance (``instances.py``),
    held by ``names`` there: ``assigned`` and ``added``, as in :class:`AttributeWrites`."""

    names: frozenset[str]
    assigned: dict[str, list[Value]] = field(default_factory=dict)
    added: dict[str, list[Value]] = field(default_factory=dict)


@dataclass
class AttributeWrites:
    """What a class's methods store in ``self.X``, gathered while summarising them:
    ``assigned`` (``self.x = v``) and ``added`` (``self.xs.append(v)``, ``self.d[k] = v``)."""

    assigned: dict[str, list[Value]] = field(default_factory=dict)
    added: dict[str, list[Value]] = field(default_factory=dict)
