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

from parsl_lint.model.project import FuncDef, ModuleInfo, Project, own_nodes

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
class Raised:
    """A project exception class an app raises: ``node`` is where, in the app body (the
    ``raise`` itself, or the call of the project function that raises it, named ``via``)."""

    node: ast.AST
    class_key: str
    class_name: str
    via: str | None


def rebuild_problem(project: Project, class_key: str) -> str | None:
    """Why ``type(e)(*e.args)`` fails for instances of a project exception class (a short
    phrase for a message), or None when it works or the source does not say for certain."""
    chain = project.mro(class_key)
    if not chain or not _plain_exception_chain(project, chain):
        return None
    if any(_CUSTOM_PICKLING & cdef.methods.keys() for cdef in chain):
        return None
    if any(_registers_reducers(project, cdef.module) for cdef in chain):
        return None
    owners = [i for i, cdef in enumerate(chain) if "__init__" in cdef.methods]
    if not owners:
        return None
    init = chain[owners[0]].methods["__init__"].node
    assert isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef))
    args = init.args
    kwonly = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if kwonly:
        return (
            f"its `__init__` requires the keyword-only argument `{kwonly[0]}`, "
            "which `args` never holds"
        )
    stored = _stored_count(chain, owners)
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


def _plain_exception_chain(project: Project, chain: list) -> bool:
    """Every base of every class in the chain is a project class or a plain builtin exception
    (not rebound by the module), no metaclass, no class decorator."""
    for cdef in chain:
        if cdef.node.keywords or cdef.node.decorator_list:
            return False
        inside = len(project.bases_of(cdef))
        outside = [b for b in cdef.node.bases if _builtin_exception(project, cdef.module, b)]
        if inside + len(outside) != len(cdef.node.bases):
            return False
    return True


def _builtin_exception(project: Project, module: str, base: ast.expr) -> bool:
    if not isinstance(base, ast.Name) or base.id not in _PLAIN_BUILTINS:
        return False
    info = project.modules.get(module)
    return info is None or base.id not in project.bindings_of(info)


def _registers_reducers(project: Project, module: str) -> bool:
    info = project.modules.get(module)
    tree = project.tree_of(info) if info is not None else None
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name in _REGISTRIES for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "") in _REGISTRIES:
            return True
    return False


def _stored_count(chain: list, owners: list[int]) -> int | None:
    """How many values end up in ``args``: the positional count the chain's first
    ``__init__`` hands on, followed through project ``__init__``s to the builtin one."""
    for position, index in enumerate(owners):
        init = chain[index].methods["__init__"].node
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


def _base_init_calls(init: ast.AST) -> Iterator[ast.Call]:
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


# -- what an app raises -------------------------------------------------------------------


def raised_in(project: Project, fdef: FuncDef, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Project exception classes a project function raises, directly or through the project
    functions it calls (``MAX_DEPTH`` calls deep): (class key, class name)."""
    info = project.modules.get(fdef.module)
    if info is None or depth > MAX_DEPTH:
        return
    local = _local_names(fdef.node)
    for node in own_nodes(getattr(fdef.node, "body", [])):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            found = resolve_class(project, info, target, local)
            if found is not None:
                yield found
        elif isinstance(node, ast.Call) and depth < MAX_DEPTH:
            callee = _resolve_function(project, info, node.func, local)
            if callee is not None and callee is not fdef:
                yield from raised_in(project, callee, depth + 1)


def resolve_class(
    project: Project, info: ModuleInfo, node: ast.expr, local: frozenset[str]
) -> tuple[str, str] | None:
    """The project class a module-level name (or ``module.Name``) of ``info`` refers to."""
    from parsl_lint.model.values import Class, Module

    value = None
    if isinstance(node, ast.Name) and node.id not in local:
        value = project.symbol(info.name, node.id)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id not in local:
            owner = project.symbol(info.name, node.value.id)
            if isinstance(owner, Module) and owner.name in project.modules:
                value = project.symbol(owner.name, node.attr)
    if isinstance(value, Class) and value.key in project.classes:
        return value.key, value.name
    return None


def _resolve_function(
    project: Project, info: ModuleInfo, node: ast.expr, local: frozenset[str]
) -> FuncDef | None:
    from parsl_lint.model.values import Func

    value = None
    if isinstance(node, ast.Name) and node.id not in local:
        value = project.symbol(info.name, node.id)
    if isinstance(value, Func):
        fdef = project.functions.get(value.key)
        if fdef is not None and fdef.cls is None:
            return fdef
    return None


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
