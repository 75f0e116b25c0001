"""Facts about Parsl's own API, read from the installed Parsl when there is one.

The keywords that ``python_app``/``bash_app``/``join_app`` and the ``PythonApp``/``BashApp``
classes accept change between Parsl versions, so they are read with ``inspect.signature`` from
the Parsl installed next to the linter; a built-in table (Parsl 2026.10) stands in when Parsl
is not installed or cannot be imported. Parsl is imported lazily, on the first question, and
only once per process: importing it takes most of a second.
"""

from __future__ import annotations

import importlib
import inspect
from functools import cache

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


@cache
def factory_keywords(kind: str, is_class: bool) -> frozenset[str] | None:
    """The keywords Parsl's decorator (``is_class`` False) or app class accepts.

    Read from the installed Parsl, else the built-in table. None means "anything goes" (the
    signature takes ``**kwargs``, or the factory is unknown): the caller then stays silent.
    """
    entry = _FACTORIES.get((kind, is_class))
    if entry is None:
        return None
    module, name, fallback = entry
    try:
        target = getattr(importlib.import_module(module), name)
        signature = inspect.signature(target)
    except Exception:  # not installed, a broken install, or a renamed API: use the table
        return frozenset(fallback)
    names: set[str] = set()
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.POSITIONAL_ONLY):
            continue
        names.add(param.name)
    names.discard("self")
    return frozenset(names)
