"""Facts about Parsl's own API, read from the installed Parsl when there is one.

The keywords that ``python_app``/``bash_app``/``join_app`` and the ``PythonApp``/``BashApp``
classes accept change between Parsl versions, so they are read from the source of the Parsl
installed next to the linter (parsed with ``ast``, never imported: importing Parsl takes most
of a second); a built-in table (Parsl 2026.10) stands in when Parsl is not installed or its
source cannot be read. Each answer is computed once per process.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

#: The keyword arguments Parsl interprets at call time, when the app function declares them
#: (``label`` only names the AUTO_LOGNAME files). Everything else is an ordinary argument.
CALL_TIME_KEYWORDS = frozenset(
    {"inputs", "outputs", "stdout", "stderr", "walltime", "parsl_resource_specification", "label"}
)

#: The ones ``AppBase`` always passes to a function that declares them: it copies the declared
#: default (``inspect.Parameter.empty`` when there is none) into every call's keywords.
ALWAYS_PASSED = frozenset(
    {"inputs", "outputs", "stdout", "stderr", "walltime", "parsl_resource_specification"}
)

_COMMON = ("function", "data_flow_kernel", "cache", "executors", "ignore_for_cache")

#: ``(kind, is_class)`` -> where Parsl defines it, and its keywords in Parsl 2026.10.
_FACTORIES: dict[tuple[str, bool], tuple[str, str, tuple[str, ...]]] = {
    ("python", False): ("parsl.app.app", "python_app", _COMMON),
    ("bash", False): ("parsl.app.app", "bash_app", _COMMON),
    ("join", False): (
        "parsl.app.app",
        "join_app",
        ("function", "data_flow_kernel", "cache", "ignore_for_cache"),
    ),
    ("python", True): (
        "parsl.app.python",
        "PythonApp",
        ("func", "data_flow_kernel", "cache", "executors", "ignore_for_cache", "join"),
    ),
    ("bash", True): (
        "parsl.app.bash",
        "BashApp",
        ("func", "data_flow_kernel", "cache", "executors", "ignore_for_cache"),
    ),
}


def factory_name(kind: str, is_class: bool) -> str:
    """How the user spells the decorator or class: ``python_app``, ``BashApp``, ..."""
    entry = _FACTORIES.get((kind, is_class))
    return entry[1] if entry is not None else f"{kind}_app"


def fallback_keywords(kind: str, is_class: bool) -> frozenset[str] | None:
    """The built-in table's keywords for a decorator or class (None when it is not listed)."""
    entry = _FACTORIES.get((kind, is_class))
    return frozenset(entry[2]) if entry is not None else None


def _module_source(module: str) -> str | None:
    """The source of an installed Parsl module, found without importing Parsl."""
    try:
        spec = importlib.util.find_spec("parsl")  # a top-level lookup imports nothing
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base.joinpath(*module.split(".")[1:]).with_suffix(".py")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keywords_in_source(source: str, name: str, is_class: bool) -> frozenset[str] | None | bool:
    """The keywords ``name`` (a function, or a class's ``__init__``) takes in ``source``.

    None: it takes ``**kwargs``. False: it is not there (a renamed API).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in tree.body:
        if is_class and isinstance(node, ast.ClassDef) and node.name == name:
            inits = [
                n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"
            ]
            if not inits:
                return False
            function: ast.FunctionDef = inits[0]
            break
        if not is_class and isinstance(node, ast.FunctionDef) and node.name == name:
            function = node
            break
    else:
        return False
    args = function.args
    if args.kwarg is not None:
        return None
    names = {a.arg for a in [*args.args, *args.kwonlyargs]}
    names.discard("self")
    return frozenset(names)


@cache
def factory_keywords(kind: str, is_class: bool) -> frozenset[str] | None:
    """The keywords Parsl's decorator (``is_class`` False) or app class accepts.

    Read from the source of the installed Parsl (parsed, never imported: importing Parsl takes
    most of a second), else the built-in table. None means "anything goes" (the signature takes
    ``**kwargs``, or the factory is unknown): the caller then stays silent.
    """
    entry = _FACTORIES.get((kind, is_class))
    if entry is None:
        return None
    module, name, fallback = entry
    source = _module_source(module)
    found = _keywords_in_source(source, name, is_class) if source is not None else False
    if found is False:  # not installed, unreadable, or a renamed API: use the table
        return frozenset(fallback)
    return found  # type: ignore[return-value]


#: Names ``from parsl import *`` gave before today's ``__all__`` (Parsl before 1.0).
_LEGACY_EXPORTS = frozenset(
    {"App", "DataFlowKernel", "DataFlowKernelLoader", "ThreadPoolExecutor", "IPyParallelExecutor"}
)


@cache
def exported_names() -> frozenset[str]:
    """What ``from parsl import *`` binds: the installed Parsl's ``__all__`` (read from its
    source, never imported) and the names older Parsl exported."""
    names: set[str] = set(_LEGACY_EXPORTS)
    source = _module_source("parsl.__init__")
    if source is not None:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            tree = None
        for stmt in tree.body if tree is not None else ():
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets)
                and isinstance(stmt.value, (ast.List, ast.Tuple))
            ):
                names.update(
                    e.value
                    for e in stmt.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    else:
        names.update({"python_app", "bash_app", "join_app", "Config", "File", "AUTO_LOGNAME"})
    return frozenset(names)
