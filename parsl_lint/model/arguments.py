"""What calls pass to project functions: the records an evaluator keeps, and how they join.

A walk of a module (file or collect mode) notes, for every call of a project function or
method it can resolve, the value of each argument under the parameter it binds to. The notes
of many calls, and of many modules, join with the value lattice's join (``values.join``): a
future on some paths and, on the others, only values without ``.result()`` stays a future;
anything the join cannot tell apart is unknown. ``callers.py`` gathers them project-wide.
"""

from __future__ import annotations

from collections.abc import Iterable

from parsl_lint.model.values import (
    BOTTOM,
    UNKNOWN,
    Future,
    Gen,
    Instance,
    Mapping,
    MaybeFuture,
    Seq,
    Tup,
    Value,
    contains_future,
    join,
)

#: The parameter name under which a note records that the function escaped (no identifier can
#: be spelled so): it was handed to code the model does not follow, which may call it with
#: anything, so none of its parameters has facts.
ESCAPED = "*"

#: Function key -> parameter name -> the join of what was passed to it.
Passed = dict[str, dict[str, Value]]


def record(passed: Passed, key: str, param: str, value: Value) -> None:
    """Join ``value`` into what ``passed`` holds for ``key``'s parameter ``param``."""
    entry = passed.setdefault(key, {})
    entry[param] = join(entry.get(param, BOTTOM), value)


def escape(passed: Passed, key: str) -> None:
    """``key`` was handed to code the model does not follow: its callers are not all known."""
    passed.setdefault(key, {})[ESCAPED] = UNKNOWN


def merge(into: Passed, other: Passed, keys: Iterable[str]) -> None:
    """Join ``other``'s notes about the functions ``keys`` into ``into``."""
    for key in keys:
        for param, value in other.get(key, {}).items():
            record(into, key, param, value)


def usable(entry: dict[str, Value] | None) -> dict[str, Value]:
    """One function's notes, as parameter facts: none at all when it escaped."""
    if not entry or ESCAPED in entry:
        return {}
    return entry


def as_received(value: Value, label: str) -> Value:
    """``value`` as a parameter holds it: its futures named ``label`` (``"wait_all: futs"``),
    not after the app of whichever caller was joined first. A helper's callers may pass the
    futures of different apps, so the name a fix gives must say where the future is, not
    guess which app made it."""
    if isinstance(value, Future):
        return Future(label, value.data)
    if isinstance(value, MaybeFuture):
        return MaybeFuture(Future(label, value.future.data), value.classes)
    if isinstance(value, Gen):
        return Gen(as_received(value.elem, label), value.origin)
    if isinstance(value, Seq):
        return Seq(as_received(value.elem, label))
    if isinstance(value, Tup):
        return Tup(tuple(as_received(item, label) for item in value.items))
    if isinstance(value, Mapping):
        return Mapping(as_received(value.key, label), as_received(value.value, label))
    return value


def bindable(value: Value) -> bool:
    """A joined value a parameter is bound to: it holds a future, or it is an instance of one
    project class (every caller passed one: ``Catalog(engine=ParslEngine())``)."""
    return contains_future(value) or isinstance(value, Instance)
