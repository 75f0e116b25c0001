"""Module naming: the dotted name a file is imported under, and what a relative import names.

Pure functions of paths and names (the index caches their inputs): a file inside a package
chain is named from the chain; a file in a plain folder below the project root keeps the
folders as a prefix, which its siblings import it under; a notebook gets a name no import
statement can spell.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from parsl_lint.notebook import NOTEBOOK_SUFFIX, is_notebook

#: Top-level names a project module never stands for in the fallbacks of
#: :meth:`~parsl_lint.model.index.modules.ModuleIndex.absolute`: Parsl itself and the standard
#: library.
NEVER_SHADOWED = frozenset({"parsl", *getattr(sys, "stdlib_module_names", ())})


def directory_base(
    directory: str, root: Path, has_init: Callable[[str], bool]
) -> tuple[tuple[str, ...], str]:
    """The dotted parts a module in ``directory`` starts with (its package chain, or its
    folders below ``root``), and the folder prefix its siblings import under ("" in a
    package)."""
    parts: list[str] = []
    while has_init(directory) and os.path.dirname(directory) != directory:
        parts.insert(0, os.path.basename(directory))
        directory = os.path.dirname(directory)
    root_str = str(root)
    if directory != root_str and directory.startswith(root_str + os.sep):
        # A namespace package (or a plain folder) below the project root: keep the folders.
        rel = directory[len(root_str) + 1 :].split(os.sep)
        if rel and rel[0] not in ("src", "lib") and all(p.isidentifier() for p in rel):
            return (*rel, *parts), ".".join(rel)
    return tuple(parts), ""


def module_name_for(
    path: str | Path, root: Path, is_dir_package: Callable[[str], bool] | None = None
) -> tuple[str, bool, str]:
    """The dotted name of ``path``, whether it is a package's ``__init__``, and the folder
    prefix it got (its siblings' import base)."""
    has_init = is_dir_package or (lambda d: os.path.exists(os.path.join(d, "__init__.py")))
    directory, filename = os.path.split(os.path.abspath(path))
    parts, prefix = directory_base(directory, root, has_init)
    return join_name(parts, filename), filename == "__init__.py", prefix


def join_name(parts: tuple[str, ...], filename: str) -> str:
    """The module name of ``filename`` in the folder whose dotted parts are ``parts``."""
    stem = filename[:-3] if filename.endswith(".py") else filename
    if is_notebook(filename):  # not importable: a name no import statement can spell
        stem = filename[: -len(NOTEBOOK_SUFFIX)] + "-ipynb"
    if filename == "__init__.py":
        return ".".join(parts) or stem
    return ".".join((*parts, stem))


def resolve_relative(package: str, level: int, module: str | None) -> str:
    """Absolute name for ``from <level dots><module> import ...`` inside ``package``."""
    if level == 0:
        return module or ""
    base = package.split(".") if package else []
    if level > 1:
        base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    if module:
        base = [*base, module]
    return ".".join(p for p in base if p)


def same_dir(a: str, b: str) -> bool:
    return os.path.dirname(a) == os.path.dirname(b)
