"""The project's modules: one :class:`ModuleInfo` per file, found by path or by dotted name.

:class:`ModuleIndex` holds every file of the project (not only the files being linted), names
each one (see ``naming.py``), reads a module's text and parses it only when asked, and answers
the questions of layout: what ``from <level><module> import`` names seen from a module, which
``conftest.py`` files are above a test, which modules a package contains. It knows nothing of
values or of the evaluator.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path

from parsl_lint.model.index.naming import (
    NEVER_SHADOWED,
    directory_base,
    join_name,
    resolve_relative,
    same_dir,
)
from parsl_lint.notebook import NotebookError, is_notebook, read_notebook


class ModuleInfo:
    """One module of the project.

    One is kept for every file of the project, so it has ``__slots__`` and holds only small,
    shared values: ``path`` is the absolute path as a string, ``raw_imports`` (the scan's,
    until resolved) and ``imports`` are tuples shared between modules that import the same
    things, and ``digest`` (the hex SHA-256 of the text) is only taken when it is needed.
    """

    __slots__ = (
        "name",
        "path",
        "is_package",
        "text",
        "sibling_prefix",
        "tree",
        "parse_failed",
        "bindings",
        "imports",
        "digest",
        "mentions_parsl",
        "raw_imports",
        "unreadable",
    )

    def __init__(
        self,
        name: str,
        path: str | None,
        is_package: bool,
        text: str | None = None,
        sibling_prefix: str = "",
        tree: ast.Module | None = None,
    ) -> None:
        self.name = name
        self.path = path  # absolute; None for a module without a file (standard input)
        self.is_package = is_package
        self.text = text
        self.sibling_prefix = sibling_prefix  # in a plain folder: the folder's dotted name
        self.tree = tree
        self.parse_failed = False
        self.bindings: dict[str, list[ast.AST]] | None = None
        self.imports: tuple[str, ...] | None = None
        self.digest: str | None = None
        self.mentions_parsl: bool | None = None
        self.raw_imports: tuple[tuple[int, str], ...] | None = None
        #: The file could not be read, or is a notebook that cannot be decoded: the prefilter
        #: cannot tell what it holds, so it lets it through and linting reports the problem.
        self.unreadable = False

    def __repr__(self) -> str:
        return f"ModuleInfo({self.name!r}, {self.path!r})"

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def forget_text(self) -> None:
        """Drop the text and everything derived from it (the text changed)."""
        self.text = self.tree = self.bindings = None
        self.parse_failed = self.unreadable = False
        self.imports = self.digest = self.mentions_parsl = self.raw_imports = None


class ModuleIndex:
    """Every module of one project, by absolute path and by dotted name.

    ``version`` counts the modules added: what is derived from the set of modules (the
    prefilter's candidates) is recomputed when it changes.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        #: A module whose text is longer is never parsed (``max-file-size``): its names are
        #: unknown, as for a file that does not parse.
        self.max_parse_size = 1 << 62
        self._init_dirs: dict[str, bool] = {}
        self._dir_bases: dict[str, tuple[tuple[str, ...], str]] = {}
        self.modules: dict[str, ModuleInfo] = {}
        self.by_path: dict[str, ModuleInfo] = {}  # by absolute path
        self.version = 0
        #: Counts the texts replaced (a module given new text): what is derived from the
        #: modules' contents is stale when it changed.
        self.edits = 0
        self._child_modules: dict[str, list[str]] | None = None
        #: Modules of plain folders (no ``__init__.py``) by file stem: what a bare import
        #: names once the folder is put on ``sys.path``.
        self._plain_stems: dict[str, list[str]] | None = None
        self._conftests: bool | None = None

    # -- building ---------------------------------------------------------------------------

    def add_files(self, files: Iterable[str | os.PathLike[str]]) -> None:
        for path in files:
            self.add_file(path)

    def add_file(self, path: str | os.PathLike[str], text: str | None = None) -> ModuleInfo:
        """The module of the file at ``path`` (a ``Path`` or a string), added when new."""
        absolute = os.path.abspath(path)
        if isinstance(path, str) and absolute == path:
            absolute = path  # share the caller's string rather than keep a copy per file
        info = self.by_path.get(absolute)
        if info is not None:
            if text is not None:
                info.forget_text()
                info.text = text
                self.edits += 1
            return info
        directory, filename = os.path.split(absolute)
        base = self._dir_bases.get(directory)
        if base is None:
            base = self._dir_bases[directory] = directory_base(directory, self.root, self._has_init)
        name, is_package, prefix = join_name(base[0], filename), filename == "__init__.py", base[1]
        info = ModuleInfo(name, absolute, is_package, text, sibling_prefix=prefix)
        self.by_path[absolute] = info
        # The first file to claim a name keeps it (a package beats a same-named script).
        self.modules.setdefault(name, info)
        self.version += 1
        self._child_modules = None
        self._plain_stems = None
        self._conftests = None
        return info

    def add_source(self, name: str, text: str, tree: ast.Module | None = None) -> ModuleInfo:
        """Register a module that has no file of its own (standard input)."""
        info = ModuleInfo(name, None, False, text, tree=tree)
        self.modules[name] = info
        self.version += 1
        return info

    def _has_init(self, directory: str) -> bool:
        known = self._init_dirs.get(directory)
        if known is None:
            known = self._init_dirs[directory] = os.path.exists(
                os.path.join(directory, "__init__.py")
            )
        return known

    # -- text and trees ---------------------------------------------------------------------

    def text_of(self, info: ModuleInfo) -> str:
        """A module's Python text (a notebook's is its code cells, see ``notebook.py``)."""
        if info.text is None:
            assert info.path is not None
            try:
                with open(info.path, "rb") as handle:
                    info.text = handle.read().decode("utf-8", errors="replace")
            except OSError:
                info.text, info.unreadable = "", True
            if is_notebook(info.path) and not info.unreadable:
                try:
                    info.text = read_notebook(info.text).source
                except NotebookError:
                    info.unreadable = True  # the scan sees the raw text; linting reports PSL000
        return info.text

    def tree_of(self, info: ModuleInfo) -> ast.Module | None:
        if info.tree is None and not info.parse_failed:
            text = self.text_of(info)
            if len(text) > self.max_parse_size:  # ``max-file-size``: as if it did not parse
                info.parse_failed = True
                return None
            try:
                info.tree = ast.parse(text, filename=info.path or info.name)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                info.parse_failed = True
        return info.tree

    def set_tree(self, info: ModuleInfo, tree: ast.Module) -> None:
        info.tree = tree

    # -- layout -----------------------------------------------------------------------------

    def absolute(self, info: ModuleInfo, level: int, module: str | None) -> str:
        """The module ``from <level><module> import`` names, seen from ``info``.

        A script in a plain folder imports its siblings by bare name (the folder is on
        ``sys.path``): those resolve to the sibling module when there is one.
        """
        name = resolve_relative(info.package, level, module)
        if level != 0 or not name:
            return name
        first = name.split(".")[0]
        if info.sibling_prefix:
            if f"{info.sibling_prefix}.{first}" in self.modules:
                return f"{info.sibling_prefix}.{name}"
        if first in self.modules or first in NEVER_SHADOWED:
            return name
        # Not a project module by that name. Scripts beside a stray ``__init__.py`` at the
        # project root import their siblings by bare name (the folder is ``sys.path[0]``; the
        # "package" is never imported as one); a folder put on ``sys.path`` by hand does the
        # same for its modules, when only one module has that name.
        if info.package and self._root_is_package(info.package):
            sibling = self.modules.get(f"{info.package}.{first}")
            if sibling is not None and sibling is not info and info.path and sibling.path:
                where = os.path.dirname(sibling.path) if sibling.is_package else sibling.path
                if same_dir(info.path, where):  # a module, or a package folder, beside it
                    return f"{info.package}.{name}"
        plain = self._plain_modules().get(first, ())
        if len(plain) == 1 and plain[0] != info.name:
            return plain[0] + name[len(first) :]
        return name

    def _root_is_package(self, package: str) -> bool:
        """The project root itself has an ``__init__.py`` and ``package`` is that one."""
        return package == self.root.name and self._has_init(str(self.root))

    def _plain_modules(self) -> dict[str, list[str]]:
        if self._plain_stems is None:
            stems: dict[str, list[str]] = {}
            for module_name, module in self.modules.items():
                if module.sibling_prefix and not module.is_package:
                    stems.setdefault(module_name.rpartition(".")[2], []).append(module_name)
            self._plain_stems = stems
        return self._plain_stems

    def children(self) -> dict[str, list[str]]:
        """Each package's direct submodules, by the package's name."""
        if self._child_modules is None:
            children: dict[str, list[str]] = {}
            for name in self.modules:
                parent = name.rpartition(".")[0]
                if parent:
                    children.setdefault(parent, []).append(name)
            self._child_modules = children
        return self._child_modules

    def conftests_above(self, info: ModuleInfo, tests_only: bool = True) -> list[ModuleInfo]:
        """The ``conftest.py`` modules of a module's directory and the ones above it, up to
        the project root, nearest first; with ``tests_only``, only for the files pytest
        collects by default (``test_*.py``, ``*_test.py``)."""
        if info.path is None or not self._has_conftests():
            return []
        directory, filename = os.path.split(info.path)
        if tests_only and not (filename.startswith("test") or filename.endswith("_test.py")):
            return []
        found = []
        while True:
            conftest = self.by_path.get(os.path.join(directory, "conftest.py"))
            if conftest is not None and conftest is not info:
                found.append(conftest)
            if directory == str(self.root) or os.path.dirname(directory) == directory:
                return found
            directory = os.path.dirname(directory)

    def _has_conftests(self) -> bool:
        if self._conftests is None:
            self._conftests = any(p.endswith(f"{os.sep}conftest.py") for p in self.by_path)
        return self._conftests
