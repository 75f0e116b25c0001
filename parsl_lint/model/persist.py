"""Values as plain data, so the result cache can keep the model's facts between runs.

:func:`encode` turns a value (``values.py``: frozen dataclasses of strings, numbers, tuples,
frozensets and other values) into nested tuples that ``marshal`` stores; :func:`decode` turns
them back. Only ``values.py``'s own classes are stored, by name: data from a cache directory is
never code (``marshal`` builds no objects of its own, and a name that is not one of
``values.py``'s dataclasses is refused).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from parsl_lint.model import values
from parsl_lint.model.values import BOTTOM, NONE, PLAIN, UNKNOWN, Value

#: The value classes (and the records they hold: ``AppInfo``, ``Signature``, ``Param``), by
#: name: the dataclasses ``values.py`` defines, the atoms' class aside.
_CLASSES: dict[str, type] = {
    name: cls
    for name, cls in vars(values).items()
    if isinstance(cls, type)
    and dataclasses.is_dataclass(cls)
    and cls.__module__ == values.__name__
    and not name.startswith("_")
}
_ATOMS: dict[str, Value] = {repr(atom): atom for atom in (UNKNOWN, BOTTOM, NONE, PLAIN)}


class Unstorable(ValueError):
    """A value of a kind this module does not store."""


def encode(obj: Any) -> Any:
    """``obj`` as nested tuples of strings, numbers, booleans and None."""
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, Value) and repr(obj) in _ATOMS and _ATOMS[repr(obj)] is obj:
        return ("atom", repr(obj))
    if isinstance(obj, tuple):
        return ("tuple", tuple(encode(item) for item in obj))
    if isinstance(obj, frozenset):
        return ("set", tuple(encode(item) for item in obj))
    name = type(obj).__name__
    if dataclasses.is_dataclass(obj) and _CLASSES.get(name) is type(obj):
        return ("data", name, tuple(encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)))
    raise Unstorable(name)


def decode(data: Any) -> Any:
    """What :func:`encode` made ``data`` from (:class:`Unstorable` for anything else)."""
    if data is None or isinstance(data, (str, bool, int)):
        return data
    if not isinstance(data, tuple) or not data:
        raise Unstorable(type(data).__name__)
    tag = data[0]
    if tag == "atom" and len(data) == 2 and data[1] in _ATOMS:
        return _ATOMS[data[1]]
    if tag == "tuple" and len(data) == 2 and isinstance(data[1], tuple):
        return tuple(decode(item) for item in data[1])
    if tag == "set" and len(data) == 2 and isinstance(data[1], tuple):
        return frozenset(decode(item) for item in data[1])
    if tag == "data" and len(data) == 3 and data[1] in _CLASSES and isinstance(data[2], tuple):
        cls = _CLASSES[data[1]]
        names = [f.name for f in dataclasses.fields(cls)]
        if len(names) != len(data[2]):
            raise Unstorable(data[1])
        return cls(**{n: decode(v) for n, v in zip(names, data[2])})
    raise Unstorable(str(tag))
