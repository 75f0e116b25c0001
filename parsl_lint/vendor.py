"""``parsl-lint vendor-helper PATH``: the runtime helper as one module of the user's project.

The PSL101 fix imports ``parsl_lint.runtime``, so the environment that runs the workflow needs
parsl-lint installed. Vendoring removes that need: :mod:`parsl_lint.runtime` imports only the
standard library (and Parsl, lazily, once it has a failure to describe), so its source is copied
as it is, under a header naming the parsl-lint version it came from. The module name for the
``helper`` setting is the one the project index gives the new file, so the import the fix
writes resolves to it.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from parsl_lint import __version__

#: The name a directory argument gets.
DEFAULT_NAME = "parsl_debug.py"
_HEADER = (
    "# Vendored from parsl-lint {version} (`parsl-lint vendor-helper`); do not edit.\n"
    "# ruff: noqa\n"
)
_MARK = "# Vendored from parsl-lint "


class VendorError(Exception):
    """The helper cannot be written there (the CLI prints it and exits 2)."""


@dataclass(frozen=True)
class Vendored:
    path: Path
    helper: str  # the ``helper = "..."`` value: "module:unwrap_parsl_future"
    replaced: bool  # an earlier vendored copy was updated


def helper_source() -> str:
    """The runtime module's source under the vendoring header, after checking that it
    imports nothing but the standard library and Parsl."""
    from parsl_lint import runtime

    with open(runtime.__file__, encoding="utf-8") as handle:
        source = handle.read()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                raise VendorError("the runtime helper has a relative import; cannot vendor it")
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.split(".")[0] == "parsl_lint":
                raise VendorError(f"the runtime helper imports {name}; cannot vendor it")
    return _HEADER.format(version=__version__) + source


def vendor(target: Path, force: bool = False) -> Vendored:
    """Write the helper to ``target`` (a ``.py`` file, or a directory for ``parsl_debug.py``
    in it). An existing file is only replaced when it is an earlier vendored copy, or with
    ``force``."""
    if target.is_dir():
        target = target / DEFAULT_NAME
    if target.suffix != ".py":
        raise VendorError(f"{target}: the helper must be written to a .py file")
    if not target.parent.is_dir():
        raise VendorError(f"{target.parent}: no such directory")
    replaced = False
    if target.exists():
        replaced = _is_vendored(target)
        if not (replaced or force):
            raise VendorError(
                f"{target} exists and is not a vendored copy of the helper; "
                "pass --force to replace it"
            )
    source = helper_source()
    target.write_text(source, encoding="utf-8")
    return Vendored(target, f"{module_name(target)}:unwrap_parsl_future", replaced)


def _is_vendored(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.readline().startswith(_MARK)
    except OSError:
        return False


def module_name(path: Path) -> str:
    """The module name the project index gives ``path`` (the name the fix will import)."""
    from parsl_lint.config import load_settings
    from parsl_lint.model import Project
    from parsl_lint.rules import defaults

    absolute = Path(os.path.abspath(path))
    root = load_settings(None, [absolute], defaults()).project_root  # as a lint run finds it
    info = Project(root).add_file(absolute)
    name = info.name
    if info.sibling_prefix and name.startswith(info.sibling_prefix + "."):
        name = name[len(info.sibling_prefix) + 1 :]  # a plain folder's script: its bare name
    return name
