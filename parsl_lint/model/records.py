"""The project's own functions and classes, as the model records them.

A :class:`FuncRecord` or :class:`ClassRecord` is made when the evaluator meets a ``def``,
``lambda`` or ``class`` (in a linted file, or in a module the index parsed for an import), and
is registered with the summaries (``summaries.py``) under a key ``module:qualified.name``.
Values refer to them by that key (``Func``, ``Class``, ``Instance`` in ``values.py``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from parsl_lint.model.syntax import FunctionNode, signature_of
from parsl_lint.model.values import AppInfo

if TYPE_CHECKING:
    from parsl_lint.model.scopes import Scope


class MethodKind(Enum):
    """How a function is bound when it is called: what its first parameter receives."""

    FUNCTION = "function"  # not in a class body
    METHOD = "method"  # the instance
    STATIC = "static"  # ``@staticmethod``: nothing
    CLASS = "class"  # ``@classmethod``: the class
    PROPERTY = "property"  # ``@property`` / ``@cached_property``: the instance, on access

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef) -> MethodKind:
        """The kind of a ``def`` in a class body, from its decorators."""
        for dec in node.decorator_list:
            name = dec.id if isinstance(dec, ast.Name) else getattr(dec, "attr", None)
            if name == "staticmethod":
                return cls.STATIC
            if name == "classmethod":
                return cls.CLASS
            if name in ("property", "cached_property"):
                return cls.PROPERTY
        return cls.METHOD


@dataclass
class FuncRecord:
    """A function, method or lambda of the project that the model can summarise."""

    key: str
    node: FunctionNode
    module: str
    cls: str | None = None  # key of the class it is a method of
    method_kind: MethodKind = MethodKind.FUNCTION
    closure: Scope | None = None  # the enclosing function's scope, for a nested function

    @property
    def name(self) -> str:
        return "<lambda>" if isinstance(self.node, ast.Lambda) else self.node.name


@dataclass
class ClassRecord:
    """A class defined in the project, with the methods its body defines."""

    key: str
    node: ast.ClassDef
    module: str
    closure: Scope | None = None
    methods: dict[str, FuncRecord] = field(default_factory=dict)


def app_info(record: FuncRecord, kind: str, plain: bool) -> AppInfo:
    """The app a function makes (``plain``: no other decorator stands between, so calls are
    checked against its signature)."""
    node = record.node
    signature = signature_of(node) if plain else None
    return AppInfo(record.name, kind, record.module, node.lineno, signature)
