"""Project exception classes: which ones an app raises, and which cannot be rebuilt by pickle.

Pickle rebuilds an exception as ``type(e)(*e.args)`` (``BaseException.__reduce__``). ``args``
is what the class last handed to ``BaseException.__init__``; when the class's ``__init__``
needs other arguments than those (``super().__init__(f"stage {stage} failed")`` under
``def __init__(self, stage, code)``), or keyword-only ones, the rebuild raises ``TypeError``.
Only what the source states for certain is reported: a ``__reduce__``/``__new__`` of its own,
a base from outside the project or ``builtins``, an ``OSError`` (its ``args`` are special),
a ``copyreg``/``tblib`` registration in the module, or a ``*args`` hand-over make the answer
"can be rebuilt" (None).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass

from parsl_lint.model.index import ModuleInfo
from parsl_lint.model.project import Project
from parsl_lint.model.symbols import collect_bindings
from parsl_lint.model.syntax import own_nodes

#: Built-in exception classes whose ``args`` are exactly what ``__init__`` received (not
#: ``OSError``, ``UnicodeError`` or exception groups, which build their own).
_SPECIAL = tuple(
    getattr(builtins, n)
    for n in ("OSError", "UnicodeError", "BaseExceptionGroup")
    if hasattr(builtins, n)
)
_PLAIN_BUILTINS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type)
    and issubclass(value, BaseException)
    and not issubclass(value, _SPECIAL)
)
#: Methods that change how an instance is pickled or built.
_CUSTOM_PICKLING = frozenset(
    {"__reduce__", "__reduce_ex__", "__getnewargs__", "__getnewargs_ex__", "__new__"}
)
#: Module imports that can register a reducer for a class.
_REGISTRIES = frozenset({"copyreg", "copy_reg", "tblib", "tblib.pickling_support"})
#: How far calls from an app body are followed into project functions.
MAX_DEPTH = 3


@dataclass(frozen=True)
class ExceptionClass:
    """A class statement of a project module (found by following its module's bindings and
    imports with ``ast``: exception modules rarely mention parsl, so the model's own index,
    which reads Parsl modules, does not hold them)."""

    module: ModuleInfo
    node: ast.ClassDef

    @property
    def name(self) -> str:
        return self.node.name

    def methods(self) -> set[str]:
        return {
            s.name for s in self.node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    def method(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for stmt in self.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return stmt
        return None


@dataclass(frozen=True)
class Raised:
    """A project exception class an app raises: ``node`` is where, in the app body (the
    ``raise`` itself, or the call of the project function that raises it, named ``via``)."""

    node: ast.AST
    cls: ExceptionClass
    via: str | None

    @property
    def class_name(self) -> str:
        return self.cls.name


def rebuild_problem(project: Project, cls: ExceptionClass) -> str | None:
    """Why ``type(e)(*e.args)`` fails for instances of a project exception class (a short
    phrase for a message), or None when it works or the source does not say for certain."""
    chain = _mro(project, cls)
    if chain is None:
        return None
    if any(_CUSTOM_PICKLING & c.methods() for c in chain):
        return None
    if any(_registers_reducers(project, c.module) for c in chain):
        return None
    owners = [c for c in chain if "__init__" in c.methods()]
    if not owners:
        return None
    init = owners[0].method("__init__")
    assert init is not None
    args = init.args
    kwonly = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if kwonly:
        return (
            f"its `__init__` requires the keyword-only argument `{kwonly[0]}`, "
            "which `args` never holds"
        )
    stored = _stored_count(owners)
    if stored is None:
        return None
    positional = [*args.posonlyargs, *args.args][1:]  # without self
    required = len(positional) - len(args.defaults)
    if stored < required:
        return (
            f"its `__init__` requires {required} positional argument{'s' * (required != 1)} "
            f"but it passes {stored} to `BaseException.__init__`"
        )
    if args.vararg is None and stored > len(positional):
        return (
            f"its `__init__` takes {len(positional)} positional argument"
            f"{'s' * (len(positional) != 1)} but `args` holds {stored}"
        )
    return None


def _mro(project: Project, cls: ExceptionClass) -> list[ExceptionClass] | None:
    """The project classes of ``cls``'s hierarchy, depth first; None unless every base is a
    project class or a plain builtin exception, with no metaclass or class decorator."""
    out: list[ExceptionClass] = []
    stack = [cls]
    while stack:
        current = stack.pop(0)
        if any(c.node is current.node for c in out):
            continue
        if current.node.keywords or current.node.decorator_list or len(out) > 20:
            return None
        out.append(current)
        bases: list[ExceptionClass] = []
        for base in current.node.bases:
            if _builtin_exception(project, current.module, base):
                continue
            found = find_class(project, current.module, base)
            if found is None:
                return None
            bases.append(found)
        stack = bases + stack
    return out


def _builtin_exception(project: Project, info: ModuleInfo, base: ast.expr) -> bool:
    if not isinstance(base, ast.Name) or base.id not in _PLAIN_BUILTINS:
        return False
    return base.id not in _module_bindings(project, info)


def _registers_reducers(project: Project, info: ModuleInfo) -> bool:
    tree = project.tree_of(info)
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name in _REGISTRIES for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "") in _REGISTRIES:
            return True
    return False


def _stored_count(owners: list[ExceptionClass]) -> int | None:
    """How many values end up in ``args``: the positional count the chain's first
    ``__init__`` hands on, followed through project ``__init__``s to the builtin one."""
    for position, owner in enumerate(owners):
        init = owner.method("__init__")
        counts = {_positional_count(call) for call in _base_init_calls(init)}
        if len(counts) != 1 or None in counts:
            return None  # no hand-over (args keep the constructor's), several, or unknown
        count = counts.pop()
        if position + 1 == len(owners):
            return count  # handed to BaseException.__init__
    return None


def _positional_count(call: ast.Call) -> int | None:
    if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    count = len(call.args)
    func = call.func
    assert isinstance(func, ast.Attribute)
    if not _is_super_call(func.value):
        count -= 1  # Base.__init__(self, ...)
    return count


def _is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _base_init_calls(init: ast.AST | None) -> Iterator[ast.Call]:
    """``super().__init__(...)``, ``super(C, self).__init__(...)``, ``Base.__init__(self, ...)``
    in the body of an ``__init__``."""
    body = getattr(init, "body", [])
    for node in own_nodes(body):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr != "__init__":
            continue
        receiver = node.func.value
        if _is_super_call(receiver):
            yield node
        elif isinstance(receiver, (ast.Name, ast.Attribute)) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id == "self":
                yield node


# -- resolving names with ast -------------------------------------------------------------


def _module_bindings(project: Project, info: ModuleInfo) -> dict[str, list[ast.AST]]:
    tree = project.tree_of(info)
    out: dict[str, list[ast.AST]] = {}
    if tree is not None:
        collect_bindings(tree.body, out)
    return out


def _binding(
    project: Project, info: ModuleInfo, name: str, function: ast.AST | None, depth: int = 0
) -> tuple[ModuleInfo, ast.AST] | None:
    """The statement that binds ``name`` in ``function`` (if it binds it) or else at module
    level of ``info``, following ``from <project module> import name`` to its definition."""
    if depth > 5:
        return None
    statement: ast.AST | None = None
    if function is not None and name in _local_names(function):
        for node in own_nodes(getattr(function, "body", [])):
            if isinstance(node, ast.ImportFrom) and any(
                (a.asname or a.name) == name for a in node.names
            ):
                statement = node
        if statement is None:
            return None  # a parameter or a local variable: not known here
    else:
        bound = _module_bindings(project, info).get(name)
        if not bound or len(bound) != 1:
            return None  # unbound, or bound twice (one per branch): do not guess
        statement = bound[0]
    if isinstance(statement, ast.ImportFrom):
        alias = next(a for a in statement.names if (a.asname or a.name) == name)
        target = project.modules.get(project.absolute(info, statement.level, statement.module))
        if target is None or alias.name == "*":
            return None
        return _binding(project, target, alias.name, None, depth + 1)
    return info, statement


def _module_named(
    project: Project, info: ModuleInfo, name: str, function: ast.AST | None
) -> ModuleInfo | None:
    """The project module a name refers to (``import pkg.errors as errors``,
    ``from pkg import errors``)."""
    if function is not None and name in _local_names(function):
        return None
    bound = _module_bindings(project, info).get(name)
    if not bound or len(bound) != 1:
        return None
    statement = bound[0]
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname == name:
                return project.modules.get(alias.name)
        return None
    if isinstance(statement, ast.ImportFrom):
        alias = next(a for a in statement.names if (a.asname or a.name) == name)
        base = project.absolute(info, statement.level, statement.module)
        return project.modules.get(f"{base}.{alias.name}" if base else alias.name)
    return None


def _resolve(
    project: Project, info: ModuleInfo, node: ast.expr, function: ast.AST | None
) -> tuple[ModuleInfo, ast.AST] | None:
    if isinstance(node, ast.Name):
        return _binding(project, info, node.id, function)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module = _module_named(project, info, node.value.id, function)
        if module is not None:
            return _binding(project, module, node.attr, None)
    return None


def find_class(
    project: Project, info: ModuleInfo, node: ast.expr, function: ast.AST | None = None
) -> ExceptionClass | None:
    """The project class ``node`` (a name or ``module.Name``) refers to in ``info``."""
    found = _resolve(project, info, node, function)
    if found is not None and isinstance(found[1], ast.ClassDef):
        return ExceptionClass(found[0], found[1])
    return None


def find_function(
    project: Project, info: ModuleInfo, node: ast.expr, function: ast.AST | None = None
) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The project function (not a class, not an app) ``node`` refers to in ``info``."""
    found = _resolve(project, info, node, function)
    if found is None or not isinstance(found[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if found[1].decorator_list:
        return None  # an app, or wrapped: its body may not run here
    return found  # type: ignore[return-value]


# -- what an app raises -------------------------------------------------------------------


def raised_by(
    project: Project, info: ModuleInfo, function: ast.AST, depth: int = 0
) -> Iterator[tuple[ast.AST, ExceptionClass, str | None]]:
    """The project exception classes a function's body raises, directly or through the
    project functions it calls (``MAX_DEPTH`` calls deep): (where in this body, the class,
    the function called there that raises it, or None)."""
    for node in own_nodes(getattr(function, "body", [])):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            found = find_class(project, info, target, function)
            if found is not None:
                yield node, found, None
        elif isinstance(node, ast.Call) and depth < MAX_DEPTH:
            callee = find_function(project, info, node.func, function)
            if callee is None or callee[1] is function:
                continue
            for _, cls, _ in raised_by(project, callee[0], callee[1], depth + 1):
                yield node, cls, callee[1].name


def _local_names(function: ast.AST) -> frozenset[str]:
    """Names a function binds itself (parameters, assignments, imports, nested defs): they
    shadow the module's."""
    names: set[str] = set()
    args = getattr(function, "args", None)
    if isinstance(args, ast.arguments):
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        names.update(a.arg for a in every if a is not None)
    for node in own_nodes(getattr(function, "body", [])):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)
