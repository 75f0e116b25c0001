"""The project index: every module of the project, what its names are bound to, and summaries.

Built once per run from the whole project (not only the files being linted), so an app imported
from an unchanged module is still known. It is lazy and cheap: a module's text is read once, a
module is parsed (with ``ast``) only when a linted file imports from it, and a module that
neither mentions ``parsl`` nor imports a module that does is never parsed at all.

It answers, across modules: what a module-level name is bound to (an app, a function, a class,
another module, a Parsl API object), what a project function or method returns (a future, a
list of futures, ...), and what a project class's instance attributes hold.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar, Union

from parsl_lint.model import parsl_api
from parsl_lint.model.values import (
    BOTTOM,
    UNKNOWN,
    App,
    AppInfo,
    Builtin,
    Class,
    External,
    Func,
    Module,
    Param,
    Signature,
    Value,
    join,
)
from parsl_lint.notebook import NOTEBOOK_SUFFIX, NotebookError, is_notebook, read_notebook
from parsl_lint.parsl_facts import exported_names
from parsl_lint.snapshot import RACY_NS

_T = TypeVar("_T")

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

_IMPORT_RE = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<from>\.*[\w.]*)[ \t]+import|import[ \t]+(?P<imp>[\w., \t]+))",
    re.MULTILINE,
)

#: Decorators that leave a function's return value alone.
TRANSPARENT_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abc.abstractmethod",
        "functools.lru_cache",
        "functools.cache",
        "typing.override",
        "typing_extensions.override",
    }
)


@dataclass
class FuncDef:
    """A function or method the model can summarise."""

    key: str
    node: FunctionNode
    module: str
    cls: str | None = None  # key of the class it is a method of
    method_kind: str = "function"  # function | method | static | class | property
    closure: object | None = None  # the enclosing Scope, for nested functions


@dataclass
class ClassDef:
    """A class defined in the project."""

    key: str
    node: ast.ClassDef
    module: str
    closure: object | None = None
    methods: dict[str, FuncDef] = field(default_factory=dict)


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


def _text_digest(text: str) -> str:
    """The hex SHA-256 of a module's text (what the cache keys its importers' results on)."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _raw_imports(text: str) -> Iterator[tuple[int, str]]:
    """``(level, module)`` of each import statement, from a text scan (no parse)."""
    for m in _IMPORT_RE.finditer(text):
        if m.group("from") is not None:
            spec = m.group("from")
            level = len(spec) - len(spec.lstrip("."))
            yield level, spec[level:]
        else:
            for part in m.group("imp").split(","):
                name = part.strip().split(" ")[0].strip()
                if name:
                    yield 0, name


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
    return _join_name(parts, filename), filename == "__init__.py", prefix


#: Top-level names a project module never stands for in the fallbacks of
#: :meth:`Project.absolute`: Parsl itself and the standard library.
_NEVER_SHADOWED = frozenset({"parsl", *getattr(sys, "stdlib_module_names", ())})


def _same_dir(a: str, b: str) -> bool:
    return os.path.dirname(a) == os.path.dirname(b)


def _join_name(parts: tuple[str, ...], filename: str) -> str:
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


def signature_of(node: FunctionNode) -> Signature:
    args = node.args
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    n_defaults = len(args.defaults)
    first_default = len(positional) - n_defaults
    for i, a in enumerate(positional):
        kind = "posonly" if i < len(args.posonlyargs) else "normal"
        params.append(Param(a.arg, i >= first_default, kind))
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        params.append(Param(a.arg, d is not None, "kwonly"))
    return Signature(tuple(params), args.vararg is not None, args.kwarg is not None)


class Project:
    """All modules of one project, and everything the model has worked out about them."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        #: A module whose text is longer is never parsed (``max-file-size``): its names are
        #: unknown, as for a file that does not parse.
        self.max_parse_size = 1 << 62
        self._init_dirs: dict[str, bool] = {}
        self._dir_bases: dict[str, tuple[tuple[str, ...], str]] = {}
        self.modules: dict[str, ModuleInfo] = {}
        self.by_path: dict[str, ModuleInfo] = {}  # by absolute path
        self.functions: dict[str, FuncDef] = {}
        self.classes: dict[str, ClassDef] = {}
        #: Methods whose ``def`` in a class body is decorated as an app: method key -> app.
        self.method_apps: dict[str, AppInfo] = {}
        self._symbols: dict[tuple[str, str], Value] = {}
        #: ``functions_named``'s answers: name -> the modules defining such a function.
        self._named: dict[str, list[tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef]]] = {}
        self._returns: dict[str, Value] = {}
        self._attrs: dict[str, dict[str, Value]] = {}
        self._busy: set[object] = set()
        self._candidates: set[str] | None = None
        self._imported: set[str] = set()  # every module name some project module imports
        #: path -> [mtime_ns, size, mentions parsl, raw imports, digest, ctime_ns]: last
        #: run's scans (see :attr:`scan_cache`), and this run's, recorded only with
        #: :attr:`record_scans` (what the cache saves for the next run).
        self._scan_cache: dict[str, list] = {}
        self.scanned: dict[str, list] = {}
        #: Record each file's scan in :attr:`scanned` (set when a scan cache is given).
        self.record_scans = False
        #: A scan of a file changed this close to the run's start is not recorded: a later edit
        #: in the same timestamp tick would keep its modification time and size.
        self._trust_before_ns = time.time_ns() - RACY_NS
        #: One copy of each ``(level, name)`` pair and import tuple, shared by the modules
        #: scanned together (emptied once :meth:`candidates` has scanned them all).
        self._shared: dict[tuple, tuple] = {}
        self._child_modules: dict[str, list[str]] | None = None
        #: Modules of plain folders (no ``__init__.py``) by file stem: what a bare import
        #: names once the folder is put on ``sys.path``.
        self._plain_stems: dict[str, list[str]] | None = None
        self._conftests: bool | None = None

    @property
    def scan_cache(self) -> dict[str, list]:
        """Last run's scans, by absolute path; setting it turns on :attr:`record_scans`."""
        return self._scan_cache

    @scan_cache.setter
    def scan_cache(self, scans: dict[str, list]) -> None:
        self._scan_cache = scans
        self.record_scans = True

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_files(cls, root: Path, files: Iterable[Path]) -> Project:
        project = cls(root)
        for path in files:
            project.add_file(path)
        return project

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
            return info
        directory, filename = os.path.split(absolute)
        base = self._dir_bases.get(directory)
        if base is None:
            base = self._dir_bases[directory] = directory_base(directory, self.root, self._has_init)
        name, is_package, prefix = _join_name(base[0], filename), filename == "__init__.py", base[1]
        info = ModuleInfo(name, absolute, is_package, text, sibling_prefix=prefix)
        self.by_path[absolute] = info
        # The first file to claim a name keeps it (a package beats a same-named script).
        self.modules.setdefault(name, info)
        self._candidates = None
        self._child_modules = None
        self._plain_stems = None
        self._conftests = None
        return info

    def _has_init(self, directory: str) -> bool:
        known = self._init_dirs.get(directory)
        if known is None:
            known = self._init_dirs[directory] = os.path.exists(
                os.path.join(directory, "__init__.py")
            )
        return known

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
        if first in self.modules or first in _NEVER_SHADOWED:
            return name
        # Not a project module by that name. Scripts beside a stray ``__init__.py`` at the
        # project root import their siblings by bare name (the folder is ``sys.path[0]``; the
        # "package" is never imported as one); a folder put on ``sys.path`` by hand does the
        # same for its modules, when only one module has that name.
        if info.package and self._root_is_package(info.package):
            sibling = self.modules.get(f"{info.package}.{first}")
            if sibling is not None and sibling is not info and info.path and sibling.path:
                where = os.path.dirname(sibling.path) if sibling.is_package else sibling.path
                if _same_dir(info.path, where):  # a module, or a package folder, beside it
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

    def import_binding(
        self, info: ModuleInfo, dotted: str, asname: str | None
    ) -> tuple[str, Value]:
        """``import a.b [as x]``: the name it binds and what that name holds."""
        if asname:
            return asname, self.resolve_qualname(self.absolute(info, 0, dotted))
        top = dotted.split(".")[0]
        return top, Module(self.absolute(info, 0, top))

    def add_source(self, name: str, text: str, tree: ast.Module | None = None) -> ModuleInfo:
        """Register a module that has no file of its own (standard input)."""
        info = ModuleInfo(name, None, False, text, tree=tree)
        self.modules[name] = info
        self._candidates = None
        return info

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
            if len(text) > self.max_parse_size:
                info.parse_failed = True
                return None
            try:
                info.tree = ast.parse(text, filename=info.path or info.name)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                info.parse_failed = True
        return info.tree

    def set_tree(self, info: ModuleInfo, tree: ast.Module) -> None:
        info.tree = tree

    def update_text(self, info: ModuleInfo, text: str) -> None:
        """Give a module new text (the fixer's output); forget what was derived from the old."""
        if info.text is None:
            info.text = text
            return
        if info.text == text:
            return
        info.forget_text()
        info.text = text
        self._symbols.clear()
        self._named.clear()
        self._returns.clear()
        self._attrs.clear()
        self.functions.clear()
        self.classes.clear()
        self.method_apps.clear()
        self._candidates = None

    # -- the prefilter ----------------------------------------------------------------------

    def _share(self, items: Iterable[_T]) -> tuple[_T, ...]:
        """``tuple(items)``, as the one copy every module with the same items shares."""
        value = tuple(items)
        return self._shared.setdefault(value, value)

    def _pairs(self, pairs: Iterable[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
        """Shared raw imports: each ``(level, name)`` pair, and the tuple of them, once."""
        return self._share(self._share((level, sys.intern(name))) for level, name in pairs)

    def _scan(self, info: ModuleInfo) -> None:
        """What the prefilter needs of a module (does it mention parsl, what does it import),
        from the scan cache when the file is unchanged, else from its text. The digest is
        taken now only when the scan is recorded for the cache, or the text is not the
        file's (it cannot be read again); else :meth:`_content_digest` takes it on demand."""
        if info.mentions_parsl is not None:
            return
        stat: tuple[int, int, int] | None = None
        key = info.path or ""
        from_disk = info.path is not None and info.text is None
        if from_disk:
            try:
                st = os.stat(key)
                stat = (st.st_mtime_ns, st.st_size, st.st_ctime_ns)
            except OSError:
                stat = None
            hit = self._scan_cache.get(key)
            if stat is not None and hit is not None and self._use_scan(info, stat, hit):
                if self.record_scans:
                    self.scanned[key] = hit
                return
        text = self.text_of(info)
        info.mentions_parsl = "parsl" in text or info.unreadable
        info.raw_imports = self._pairs(_raw_imports(text))
        if self.record_scans or not from_disk:
            info.digest = _text_digest(text)
        if not info.mentions_parsl and info.path is not None and info.tree is None:
            info.text = None  # most files are never parsed: read again if one is needed
        if stat is not None and self.record_scans and max(stat[0], stat[2]) < self._trust_before_ns:
            mtime, size, ctime = stat
            self.scanned[key] = [
                mtime,
                size,
                info.mentions_parsl,
                info.raw_imports,
                info.digest,
                ctime,
            ]

    def _use_scan(self, info: ModuleInfo, stat: tuple[int, int, int], hit: list) -> bool:
        """Take a module's scan from a cached one when its file's stat matches (a malformed
        entry is a miss). The entry's imports are replaced by the shared tuple."""
        try:
            if (hit[0], hit[1], hit[5]) != stat:  # mtime, size, status-change time
                return False
            raw_imports = self._pairs((int(level), str(name)) for level, name in hit[3])
            mentions_parsl, digest = bool(hit[2]), str(hit[4])
        except (TypeError, ValueError, IndexError, KeyError):
            return False
        info.mentions_parsl, info.digest, info.raw_imports = mentions_parsl, digest, raw_imports
        if isinstance(hit, list):
            hit[3] = raw_imports  # the shared tuple: serialised as before, a list of pairs
        return True

    def imported_modules(self, info: ModuleInfo) -> tuple[str, ...]:
        """Absolute names of the modules a module imports, from a text scan (no parse)."""
        if info.imports is None:
            self._scan(info)
            assert info.raw_imports is not None
            info.imports = self._share(
                sys.intern(self.absolute(info, lvl, mod or None)) for lvl, mod in info.raw_imports
            )
            info.raw_imports = None  # resolved: the scan's record (if any) keeps its own
        return info.imports

    def candidates(self) -> set[str]:
        """Modules that may define apps or futures: they mention parsl, or import one that does
        (or import the package above one: ``from pkg import apps``)."""
        if self._candidates is None:
            found: set[str] = set()
            importers: dict[str, list[str]] = {}
            for name, info in self.modules.items():
                self._scan(info)
                if info.mentions_parsl:
                    found.add(name)
                for imported in self.imported_modules(info):
                    importers.setdefault(imported, []).append(name)
                # pytest hands a test module the fixtures of the conftest.py files above it.
                for conftest in self.conftests_above(info):
                    importers.setdefault(conftest.name, []).append(name)
            queue = list(found)
            while queue:
                parts = queue.pop().split(".")
                for i in range(1, len(parts) + 1):
                    for importer in importers.get(".".join(parts[:i]), ()):
                        if importer not in found:
                            found.add(importer)
                            queue.append(importer)
            for name, info in self.modules.items():
                if name not in found and info.path is not None and info.tree is None:
                    info.text = None  # never parsed: keep memory flat on large projects
            self._candidates = found
            self._imported = set(importers)
            self._shared = {}  # every module is scanned: what is shared stays shared
        return self._candidates

    def _children(self) -> dict[str, list[str]]:
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

    def dependency_digest(self, info: ModuleInfo) -> str:
        """A digest of every project module ``info`` imports, directly or not, and of the
        ``conftest.py`` files whose fixtures it may use (for the cache)."""
        seen: set[str] = {c.name for c in self.conftests_above(info)}
        stack = [info, *self.conftests_above(info)]
        while stack:
            current = stack.pop()
            for imported in self.imported_modules(current):
                parts = imported.split(".")
                names = [".".join(parts[: i + 1]) for i in range(len(parts))]
                for name in names:
                    dep = self.modules.get(name)
                    if dep is not None and name not in seen:
                        seen.add(name)
                        stack.append(dep)
                for name in self._children().get(imported, ()):  # from pkg import mod
                    if name not in seen:
                        seen.add(name)
                        stack.append(self.modules[name])
        h = hashlib.sha256()
        for name in sorted(seen):
            h.update(f"{name}\0{self._content_digest(self.modules[name])}\0".encode())
        return h.hexdigest()

    def _content_digest(self, info: ModuleInfo) -> str:
        self._scan(info)
        if info.digest is None:  # scanned without recording: read the file again
            read = info.text is None
            info.digest = _text_digest(self.text_of(info))
            if read:
                info.text = None
        return info.digest

    def release(self, info: ModuleInfo) -> None:
        """Forget a linted module's tree and what was derived from it, unless another module
        of the project imports it (then it will be asked about again). Keeps peak memory flat
        however many files a run lints; anything released is re-parsed if it is needed."""
        self.candidates()
        if info.path is None or info.name in self._imported or info.package in self._imported:
            return
        prefix = info.name + ":"
        for registry in (self.functions, self.classes, self.method_apps):
            for key in [k for k in registry if k.startswith(prefix)]:
                del registry[key]
        for key in [k for k in self._symbols if k[0] == info.name]:
            del self._symbols[key]
        info.tree, info.bindings, info.text = None, None, None

    def mentions_parsl(self, info: ModuleInfo) -> bool:
        """The module's text says ``parsl`` (the prefilter's own test, from the scan)."""
        self._scan(info)
        return bool(info.mentions_parsl)

    def is_imported(self, info: ModuleInfo) -> bool:
        """Another project module imports this one (or the package it is in)."""
        self.candidates()
        return info.name in self._imported or bool(info.package and info.package in self._imported)

    def is_candidate(self, info: ModuleInfo) -> bool:
        """Whether the prefilter lets a module through. A module that mentions parsl is one
        without the project-wide closure (a one-file run never needs it)."""
        if info.path is None:
            return True
        self._scan(info)
        return bool(info.mentions_parsl) or info.name in self.candidates()

    # -- module-level names -----------------------------------------------------------------

    def bindings_of(self, info: ModuleInfo) -> dict[str, list[ast.AST]]:
        if info.bindings is None:
            bindings: dict[str, list[ast.AST]] = {}
            tree = self.tree_of(info) if self.is_candidate(info) else None
            if tree is not None:
                _collect_bindings(tree.body, bindings)
            info.bindings = bindings
        return info.bindings

    def functions_named(
        self, name: str
    ) -> list[tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef]]:
        """Every module of the project that defines a function ``name`` at its top level,
        with the ``def``. The first question reads each module's text once (a module whose
        text does not say ``def name`` is not parsed, and its text is dropped again)."""
        found = self._named.get(name)
        if found is not None:
            return found
        found = []
        needle = f"def {name}"
        for info in list(self.modules.values()):
            had_text = info.text is not None
            if needle not in self.text_of(info):
                if not had_text and info.tree is None:
                    info.text = None
                continue
            tree = self.tree_of(info)
            for stmt in tree.body if tree is not None else ():
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    found.append((info, stmt))
        self._named[name] = found
        return found

    def symbol(self, module: str, name: str) -> Value | None:
        """What ``module.name`` is bound to at module level; None when the name is not bound."""
        info = self.modules.get(module)
        if info is None:
            return None
        key = (module, name)
        if key in self._symbols:
            return self._symbols[key]
        nodes = self.bindings_of(info).get(name)
        if not nodes:
            if name == "*":
                return None
            star = self._star_import(info, name)
            return star
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        try:
            from parsl_lint.model.walker import module_binding_value

            value: Value = BOTTOM
            for node in nodes:
                value = join(value, module_binding_value(self, info, name, node))
        finally:
            self._busy.discard(key)
        self._symbols[key] = value
        return value

    def _star_import(self, info: ModuleInfo, name: str) -> Value | None:
        for node in self.bindings_of(info).get("*", []):
            assert isinstance(node, ast.ImportFrom)
            target = self.absolute(info, node.level, node.module)
            if target not in self.modules:  # ``from parsl import *``: Parsl's own names
                api = parsl_api.value_of_qualname(f"{target}.{name}")
                if api is not None:
                    return api
                if target == "parsl" and name in exported_names():
                    return External(f"parsl.{name}")
                continue
            if (target, "*") not in self._busy:
                self._busy.add((target, "*"))
                try:
                    value = self.symbol(target, name)
                finally:
                    self._busy.discard((target, "*"))
                if value is not None:
                    return value
        return None

    def resolve_qualname(self, qualname: str) -> Value:
        """The value of a dotted name such as ``pkg.mod.app`` or ``parsl.python_app``."""
        api = parsl_api.value_of_qualname(qualname)
        if api is not None:
            return api
        module, _, name = qualname.rpartition(".")
        if module in self.modules:
            # A name the package's ``__init__`` binds wins over a submodule of the same name,
            # as at run time (``from .train import train`` rebinds ``pkg.train``).
            value = self.symbol(module, name)
            if value is not None:
                return value
        if qualname in self.modules:
            return Module(qualname)
        if module in self.modules:
            return UNKNOWN
        return External(qualname)

    # -- functions and classes --------------------------------------------------------------

    def register_function(self, fdef: FuncDef) -> Func:
        """The function's entry (the registered one when its node was seen before). A second
        ``def`` of the same name (a redefinition, or one per branch) gets an entry of its own,
        so a call after it is checked against its signature, not the first one's."""
        existing = self.functions.get(fdef.key)
        if existing is not None and existing.node is not fdef.node:
            fdef.key = f"{fdef.key}@{fdef.node.lineno}:{fdef.node.col_offset}"
            existing = self.functions.get(fdef.key)
        if existing is None:
            self.functions[fdef.key] = fdef
        name = fdef.node.name if not isinstance(fdef.node, ast.Lambda) else "<lambda>"
        return Func(fdef.key, name)

    def register_class(self, cdef: ClassDef) -> Class:
        existing = self.classes.setdefault(cdef.key, cdef)
        if existing is cdef:
            for stmt in cdef.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    kind = _method_kind(stmt)
                    method = FuncDef(
                        f"{cdef.key}.{stmt.name}",
                        stmt,
                        cdef.module,
                        cls=cdef.key,
                        method_kind=kind,
                        closure=cdef.closure,
                    )
                    cdef.methods[stmt.name] = method
                    self.functions.setdefault(method.key, method)
        return Class(cdef.key, cdef.node.name)

    def returns_of(self, key: str) -> Value:
        """What calling the function ``key`` returns."""
        if key in self._returns:
            return self._returns[key]
        fdef = self.functions.get(key)
        if fdef is None:
            return UNKNOWN
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        try:
            from parsl_lint.model.walker import summarise_function

            value = summarise_function(self, fdef)
        finally:
            self._busy.discard(key)
        self._returns[key] = value
        return value

    def fixture_value(self, info: ModuleInfo, name: str, requester: str) -> Value:
        """What pytest passes for a test's (or fixture's) parameter ``name``: the value of
        the fixture of that name, from the test's module or the ``conftest.py`` files above
        it (nearest first), as pytest resolves it. UNKNOWN when there is none."""
        for module in [info, *self.conftests_above(info, tests_only=False)]:
            if not self.is_candidate(module):
                continue
            for node in self.bindings_of(module).get(name, []):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                if not any(_is_fixture_decorator(d) for d in node.decorator_list):
                    continue
                key = f"{module.name}:{name}"
                if key == requester:
                    return UNKNOWN  # a fixture overriding one of the same name: not followed
                fdef = self.functions.get(key)
                if fdef is None:
                    self.symbol(module.name, name)  # registers the function
                    fdef = self.functions.get(key)
                if fdef is None or fdef.node is not node:
                    return UNKNOWN
                from parsl_lint.model.walker import summarise_fixture

                return summarise_fixture(self, fdef)
        return UNKNOWN

    def mro(self, cls_key: str) -> list[ClassDef]:
        out: list[ClassDef] = []
        seen: set[str] = set()

        def visit(key: str) -> None:
            if key in seen or key not in self.classes:
                return
            seen.add(key)
            cdef = self.classes[key]
            out.append(cdef)
            for base in self.bases_of(cdef):
                visit(base)

        visit(cls_key)
        return out

    def lacks_attribute(self, cls_key: str, name: str) -> bool:
        """Instances of the project class certainly have no attribute ``name``: no class of
        its MRO defines or assigns it or a ``__getattr__``, and every base is a project class
        (an outside base, or a metaclass, could supply anything)."""
        chain = self.mro(cls_key)
        if not chain:
            return False
        for cdef in chain:
            if {name, "__getattr__", "__getattribute__"} & cdef.methods.keys():
                return False
            if name in self._attributes_of(cdef) or cdef.node.keywords:
                return False
            outside = [
                b for b in cdef.node.bases if not (isinstance(b, ast.Name) and b.id == "object")
            ]
            if len(outside) != len(self.bases_of(cdef)):
                return False
        return True

    def bases_of(self, cdef: ClassDef) -> list[str]:
        from parsl_lint.model.walker import class_bases

        return class_bases(self, cdef)

    def find_method(self, cls_key: str, name: str, after: str | None = None) -> FuncDef | None:
        chain = self.mro(cls_key)
        if after is not None:
            keys = [c.key for c in chain]
            chain = chain[keys.index(after) + 1 :] if after in keys else []
        for cdef in chain:
            if name in cdef.methods:
                return cdef.methods[name]
        return None

    def instance_attribute(self, cls_key: str, name: str) -> Value:
        """What ``self.name`` holds on instances of a project class (UNKNOWN unless certain)."""
        value: Value = BOTTOM
        for cdef in self.mro(cls_key):
            attrs = self._attributes_of(cdef)
            if name in attrs:
                value = join(value, attrs[name])
        return UNKNOWN if value is BOTTOM else value

    def _attributes_of(self, cdef: ClassDef) -> dict[str, Value]:
        if cdef.key in self._attrs:
            return self._attrs[cdef.key]
        guard = ("attrs", cdef.key)
        if guard in self._busy:
            return {}
        self._busy.add(guard)
        try:
            from parsl_lint.model.walker import summarise_attributes

            attrs = summarise_attributes(self, cdef)
        finally:
            self._busy.discard(guard)
        self._attrs[cdef.key] = attrs
        return attrs

    def app_info(self, fdef: FuncDef, kind: str, plain: bool) -> AppInfo:
        node = fdef.node
        name = node.name if not isinstance(node, ast.Lambda) else "<lambda>"
        signature = signature_of(node) if plain else None
        return AppInfo(name, kind, fdef.module, node.lineno, signature)

    def app_from_callable(self, value: Value, kind: str) -> Value:
        """``python_app(func)``: the app made from whatever ``value`` is."""
        if isinstance(value, Func) and value.key in self.functions:
            fdef = self.functions[value.key]
            plain = not getattr(fdef.node, "decorator_list", [])
            return App(self.app_info(fdef, kind, plain))
        if isinstance(value, App):
            return App(value.info)
        name = "app"
        if isinstance(value, External):
            name = value.qualname.rpartition(".")[2]
        elif isinstance(value, Builtin):
            name = value.name
        return App(AppInfo(name, kind, "", 0, None))


def _is_fixture_decorator(dec: ast.expr) -> bool:
    target = dec.func if isinstance(dec, ast.Call) else dec
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"


def _method_kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    for dec in node.decorator_list:
        name = dec.id if isinstance(dec, ast.Name) else getattr(dec, "attr", None)
        if name == "staticmethod":
            return "static"
        if name == "classmethod":
            return "class"
        if name in ("property", "cached_property"):
            return "property"
    return "method"


def _collect_bindings(body: list[ast.stmt], out: dict[str, list[ast.AST]]) -> None:
    """Module-level bindings, including those inside top-level if/try/with/for blocks."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.setdefault(stmt.name, []).append(stmt)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound = alias.asname or alias.name.split(".")[0]
                out.setdefault(bound, []).append(stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                out.setdefault(alias.asname or alias.name, []).append(stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for name in target_names(target):
                    out.setdefault(name, []).append(stmt)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for name in target_names(stmt.target):
                out.setdefault(name, []).append(stmt)
            _collect_bindings(stmt.body, out)
            _collect_bindings(stmt.orelse, out)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for name in target_names(item.optional_vars):
                        out.setdefault(name, []).append(stmt)
            _collect_bindings(stmt.body, out)
        elif isinstance(stmt, (ast.If, ast.While)):
            _collect_bindings(stmt.body, out)
            _collect_bindings(stmt.orelse, out)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            _collect_bindings(stmt.body, out)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                _collect_bindings(handler.body, out)
            _collect_bindings(stmt.orelse, out)  # type: ignore[attr-defined]
            _collect_bindings(stmt.finalbody, out)  # type: ignore[attr-defined]


def own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes of a body in source order, not descending into the functions, lambdas and
    classes it defines (their own nodes run elsewhere, or later)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, (b, *c)``, ``[a, b]``)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)
