"""The prefilter: which modules of the project may be Parsl code, decided without parsing.

A module is a *candidate* when its text mentions ``parsl``, or when it imports a candidate (or
the package above one: ``from pkg import apps``), or when it is a test module under a
``conftest.py`` that is one. Only candidates are ever parsed and linted; on a large project
most files are read once, scanned with a regular expression, and forgotten.

The scan of each file (does it mention parsl, what it imports, the digest of its text) is
cached between runs by the file's stat (see :attr:`Prefilter.scan_cache`); a file changed
within :data:`~parsl_lint.filestamps.RACY_NS` of the run's start is not recorded. The same
scans give the digest of everything a module depends on, which keys the result cache.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from parsl_lint.filestamps import RACY_NS
from parsl_lint.model.index.modules import ModuleIndex, ModuleInfo
from parsl_lint.model.syntax import statements

_T = TypeVar("_T")

_IMPORT_RE = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<from>\.*[\w.]*)[ \t]+import|import[ \t]+(?P<imp>[\w., \t]+))",
    re.MULTILINE,
)


#: What only the holder of a future does with it: its methods and ``.outputs``, and the
#: functions that wait on futures (``as_completed``, ``wait``). A future's ``exception()``
#: takes no argument or a timeout, where a logger's ``exception("...")`` takes a message;
#: ``wait(fs)`` is a function, where ``.wait()`` is a process's, an event's or a thread's;
#: ``self.done()``, ``self.outputs = ...`` are a class's own (a future class's, at most).
_CONSUMES_FUTURES = re.compile(  # each branch starts with a literal: the scan is quick
    r"\.(?<!self\.)(?:result|done|add_done_callback)\s*\("
    r"|\.(?<!self\.)exception\s*\(\s*(?:\)|timeout\b|None\b|[0-9])"
    r"|\.(?<!self\.)outputs\b(?!\s*=[^=])"
    r"|as_completed\b(?<=\bas_completed)"
    r"|wait(?<![\w.]wait)\s*\("
    r"|\bfutures\s*\.\s*wait\s*\("
)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def text_digest(text: str) -> str:
    """The hex SHA-256 of a module's text (what the cache keys its importers' results on)."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def raw_imports(text: str) -> Iterator[tuple[int, str]]:
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


class Prefilter:
    """Scans the modules of a :class:`ModuleIndex` and decides which ones are candidates."""

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self._candidates: set[str] | None = None
        self._candidates_version = -1  # the index's version they were computed for
        self._imported: set[str] = set()  # every module name some project module imports
        #: module name -> the modules that import it (from the same scans).
        self._importers: dict[str, list[str]] = {}
        self._carriers: set[str] | None = None
        #: Per run, for the cache keys: each module's digest of what it imports, and its
        #: callers (see :meth:`dependency_digest`).
        self._imports_digests: dict[str, str] = {}
        self._deps: dict[str, tuple[str, ...]] = {}
        self._callers: dict[str, list[ModuleInfo]] = {}
        self._digests_version: tuple[int, int] = (-1, -1)
        self._consumers: dict[str, bool] = {}
        self._word_sets: dict[str, frozenset[str]] = {}
        self._defined: dict[str, frozenset[str]] = {}
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

    @property
    def scan_cache(self) -> dict[str, list]:
        """Last run's scans, by absolute path; setting it turns on :attr:`record_scans`."""
        return self._scan_cache

    @scan_cache.setter
    def scan_cache(self, scans: dict[str, list]) -> None:
        self._scan_cache = scans
        self.record_scans = True

    def invalidate(self) -> None:
        """A module's text changed: the candidates are computed again when next asked."""
        self._candidates = None
        self._carriers = None
        self._imports_digests.clear()
        self._deps.clear()
        self._callers.clear()
        self._consumers.clear()
        self._word_sets.clear()
        self._defined.clear()

    # -- scanning one module ----------------------------------------------------------------

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
        text = self.index.text_of(info)
        info.mentions_parsl = "parsl" in text or info.unreadable
        info.raw_imports = self._pairs(raw_imports(text))
        if self.record_scans or not from_disk:
            info.digest = text_digest(text)
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
            raw = self._pairs((int(level), str(name)) for level, name in hit[3])
            mentions_parsl, digest = bool(hit[2]), str(hit[4])
        except (TypeError, ValueError, IndexError, KeyError):
            return False
        info.mentions_parsl, info.digest, info.raw_imports = mentions_parsl, digest, raw
        if isinstance(hit, list):
            hit[3] = raw  # the shared tuple: serialised as before, a list of pairs
        return True

    def imported_modules(self, info: ModuleInfo) -> tuple[str, ...]:
        """Absolute names of the modules a module imports, from a text scan (no parse)."""
        if info.imports is None:
            self._scan(info)
            assert info.raw_imports is not None
            absolute = self.index.absolute
            info.imports = self._share(
                sys.intern(absolute(info, lvl, mod or None)) for lvl, mod in info.raw_imports
            )
            info.raw_imports = None  # resolved: the scan's record (if any) keeps its own
        return info.imports

    def mentions_parsl(self, info: ModuleInfo) -> bool:
        """The module's text says ``parsl`` (the prefilter's own test, from the scan)."""
        self._scan(info)
        return bool(info.mentions_parsl)

    # -- the project-wide closure -----------------------------------------------------------

    def candidates(self) -> set[str]:
        """Modules that may define apps or futures: they mention parsl, or import one that does
        (or import the package above one: ``from pkg import apps``)."""
        if self._candidates is None or self._candidates_version != self.index.version:
            modules = self.index.modules
            found: set[str] = set()
            importers: dict[str, list[str]] = {}
            for name, info in modules.items():
                self._scan(info)
                if info.mentions_parsl:
                    found.add(name)
                for imported in self.imported_modules(info):
                    importers.setdefault(imported, []).append(name)
                # pytest hands a test module the fixtures of the conftest.py files above it.
                for conftest in self.index.conftests_above(info):
                    importers.setdefault(conftest.name, []).append(name)
            queue = list(found)
            while queue:
                parts = queue.pop().split(".")
                for i in range(1, len(parts) + 1):
                    for importer in importers.get(".".join(parts[:i]), ()):
                        if importer not in found:
                            found.add(importer)
                            queue.append(importer)
            for name, info in modules.items():
                if name not in found and info.path is not None and info.tree is None:
                    info.text = None  # never parsed: keep memory flat on large projects
            self._candidates = found
            self._candidates_version = self.index.version
            self._imported = set(importers)
            self._importers = importers
            self._carriers = None
            self._shared = {}  # every module is scanned: what is shared stays shared
        return self._candidates

    def carriers(self) -> set[str]:
        """Modules that may hold Parsl futures: the candidates, and every module they import
        (directly or not), whose functions they may pass futures to. Only these can receive
        futures from Parsl code; the model decides which do (``callers.py``)."""
        candidates = self.candidates()
        if self._carriers is None:
            found = set(candidates)
            stack = list(found)
            modules = self.index.modules
            while stack:
                info = modules.get(stack.pop())
                for imported in self.imported_modules(info) if info is not None else ():
                    parts = imported.split(".")
                    for i in range(1, len(parts) + 1):
                        name = ".".join(parts[:i])
                        if name in modules and name not in found:
                            found.add(name)
                            stack.append(name)
            self._carriers = found
        return self._carriers

    def consumes_futures(self, info: ModuleInfo) -> bool:
        """The module's text does something only the holder of a future does (``.result()``,
        ``.exception()``, ``.done()``, a done-callback, ``.outputs``, ``as_completed``,
        ``wait``): what its callers pass it can change what is reported in it."""
        known = self._consumers.get(info.name)
        if known is None:
            known = self._consumers[info.name] = bool(
                _CONSUMES_FUTURES.search(self._text_once(info))
            )
        return known

    def importers_of(self, info: ModuleInfo) -> list[ModuleInfo]:
        """Every other module that imports ``info`` or a package above it."""
        self._fresh_digests()
        parts = info.name.split(".")
        names = {
            name
            for i in range(len(parts), 0, -1)
            for name in self._importers.get(".".join(parts[:i]), ())
        }
        modules = self.index.modules
        return [modules[n] for n in sorted(names) if n in modules and n != info.name]

    def callers_of(self, info: ModuleInfo) -> list[ModuleInfo]:
        """The other modules that may call ``info``'s functions: those that import it, or a
        package above it (``from pkg import util``), and whose text names one of its
        functions, classes or methods (a call, an alias, a ``getattr`` string all spell the
        name); a package ``__init__`` among them may hand the functions on, so its own
        importers count too. Once per module and run."""
        self._fresh_digests()
        known = self._callers.get(info.name)
        if known is not None:
            return known
        modules = self.index.modules
        found: dict[str, ModuleInfo] = {}
        defined = self.defined_names(info)
        # (a module the functions are reached through, the names they are reached by there)
        stack = [(info, defined)] if defined else []
        while stack:
            through, names = stack.pop()
            parts = through.name.split(".")
            for i in range(len(parts), 0, -1):
                # ``import pkg`` reaches ``pkg.sub.f`` only as ``pkg.sub``: the importer of a
                # package above spells the submodule's name (a package that re-exports the
                # names imports the module itself, and its importers follow below).
                below = parts[i] if i < len(parts) else None
                for name in self._importers.get(".".join(parts[:i]), ()):
                    caller = modules.get(name)
                    if caller is None or caller is info or name in found:
                        continue
                    words = self._words(caller)
                    if names.isdisjoint(words) or (below is not None and below not in words):
                        continue
                    found[name] = caller
                    if caller.is_package:  # hands on the names its text spells
                        stack.append((caller, names & words))
        self._callers[info.name] = callers = sorted(found.values(), key=lambda m: m.name)
        return callers

    def defined_names(self, info: ModuleInfo) -> frozenset[str]:
        """The names of the module's functions, classes and methods (not ``_``: the name of
        ``functools.singledispatch`` registrations, never called by it)."""
        known = self._defined.get(info.name)
        if known is None:
            tree = self.index.tree_of(info)
            if tree is None:
                return frozenset()
            known = self._defined[info.name] = frozenset(
                node.name
                for node in statements(tree.body)  # a definition is only ever a statement
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and node.name != "_"
            )
        return known

    def words_of(self, info: ModuleInfo) -> frozenset[str]:
        """Every identifier-like word of the module's text."""
        return self._words(info)

    def _words(self, info: ModuleInfo) -> frozenset[str]:
        """Every identifier-like word of the module's text (once per module and run)."""
        known = self._word_sets.get(info.name)
        if known is None:
            words = _WORD.findall(self._text_once(info))
            known = self._word_sets[info.name] = frozenset(map(sys.intern, words))
        return known

    def _text_once(self, info: ModuleInfo) -> str:
        """The module's text for one question: a file read only for it is released again
        (unless its tree is kept), so memory stays flat."""
        kept = info.text is not None
        text = self.index.text_of(info)
        if not kept and info.tree is None and info.path is not None:
            info.text = None
        return text

    def imported_names(self) -> set[str]:
        """Every module name some project module imports (scans the whole project)."""
        self.candidates()
        return self._imported

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

    # -- what a module's results depend on --------------------------------------------------

    def dependency_digest(self, info: ModuleInfo) -> str:
        """A digest of every project module ``info`` imports, directly or not, and of the
        ``conftest.py`` files whose fixtures it may use (for the cache). What callers pass
        its functions is covered by the project-wide questions its lint asked instead
        (``wide.py``): only the callers of the functions whose facts were used."""
        self._fresh_digests()
        return self._imports_digest(info)

    def _fresh_digests(self) -> None:
        """Forget the per-module digests and caller lists when the index changed."""
        self.candidates()
        state = (self.index.version, self.index.edits)
        if self._digests_version != state:
            self._imports_digests.clear()
            self._deps.clear()
            self._callers.clear()
            self._consumers.clear()
            self._word_sets.clear()
            self._defined.clear()
            self._digests_version = state

    def _imports_digest(self, info: ModuleInfo) -> str:
        """A digest of every project module ``info`` imports (directly or not) and of the
        ``conftest.py`` files whose fixtures it may use, not of ``info`` itself (once per
        module and run)."""
        known = self._imports_digests.get(info.name)
        if known is not None:
            return known
        modules = self.index.modules
        h = hashlib.sha256()
        for name in sorted(self.imported_closure(info)):
            h.update(f"{name}\0{self._content_digest(modules[name])}\0".encode())
        self._imports_digests[info.name] = digest = h.hexdigest()
        return digest

    def imported_closure(self, info: ModuleInfo) -> set[str]:
        """Every project module ``info`` imports (directly or not) and the ``conftest.py``
        files whose fixtures it may use (``info`` itself only through an import cycle)."""
        modules = self.index.modules
        conftests = self.index.conftests_above(info)
        seen: set[str] = {c.name for c in conftests}
        stack = [info.name, *seen]
        infos = {info.name: info, **{c.name: c for c in conftests}}
        deps = self._deps
        while stack:
            current = stack.pop()
            direct = deps.get(current)
            if direct is None:
                direct = deps[current] = self._direct_deps(modules.get(current) or infos[current])
            for name in direct:
                if name not in seen:
                    seen.add(name)
                    stack.append(name)
        return seen

    def _direct_deps(self, info: ModuleInfo) -> tuple[str, ...]:
        """The project modules an import of ``info`` runs: each package on the way to what
        it imports, and a package's submodules (``from pkg import mod``)."""
        modules, children = self.index.modules, self.index.children()
        out: dict[str, None] = {}
        for imported in self.imported_modules(info):
            parts = imported.split(".")
            for i in range(len(parts)):
                name = ".".join(parts[: i + 1])
                if name in modules:
                    out[name] = None
            for name in children.get(imported, ()):
                out[name] = None
        return tuple(out)

    def content_digest(self, info: ModuleInfo) -> str:
        """The digest of the module's text (from the scan when it has one)."""
        return self._content_digest(info)

    def _content_digest(self, info: ModuleInfo) -> str:
        self._scan(info)
        if info.digest is None:  # scanned without recording: read the file again
            read = info.text is None
            info.digest = text_digest(self.index.text_of(info))
            if read:
                info.text = None
        return info.digest
