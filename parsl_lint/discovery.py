"""Find the Python files to lint: expand directories, honour excludes and ``.gitignore``.

Like ruff:

* a path named on the command line is always linted, even when excluded or gitignored;
* inside a directory, an entry is skipped when an ``exclude``/``extend-exclude`` pattern (or a
  default exclude) matches its path relative to the project root, or when ``.gitignore`` says
  so (every ``.gitignore`` from the git root, or the project root outside git, down to the
  entry, plus ``.git/info/exclude``). Patterns use ``.gitignore`` syntax, so ``build`` matches a
  file or directory named ``build`` at any depth and ``src/gen/`` only that directory;
* excluded directories are pruned, never listed (``.venv`` costs one ``scandir`` entry);
* symlinked directories are followed, but each real directory is walked once (no loops).

Inside a directory that is itself named on the command line and excluded (``parsl-lint check
build/``), the patterns that exclude that directory do not apply to its contents; the other
patterns (``.venv``, ``__pycache__``, ...) still do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pathspec

from parsl_lint.config import Settings
from parsl_lint.notebook import NOTEBOOK_SUFFIX
from parsl_lint.snapshot import Watch

__all__ = ["discover", "discover_with_project", "iter_project_files"]

_GLOB_CHARS = frozenset("*?[\\/!")
#: What a directory expands to: Python files and Jupyter notebooks.
_SUFFIXES = (".py", NOTEBOOK_SUFFIX)

# A compiled .gitignore-syntax pattern; a chain pairs each .gitignore file's directory with its
# patterns, outermost first (later entries win, as in git).
_Pattern = pathspec.Pattern
_Chain = tuple[tuple[str, tuple[_Pattern, ...]], ...]


def discover(
    paths: Sequence[Path],
    settings: Settings,
    watch: Watch | None = None,
    errors: list[str] | None = None,
) -> list[Path]:
    """The files to lint for ``paths``: sorted by path, each file once.

    Directories expand recursively to ``*.py`` and ``*.ipynb`` files; files named explicitly
    are always kept (whatever their suffix, excludes or ``.gitignore``). Returned paths keep
    the form they were given in (``src`` yields ``src/app.py``; ``.`` yields ``app.py``). The
    CLI handles ``-`` (stdin) itself. Raises ``FileNotFoundError`` for a path that does not
    exist. ``watch`` collects what the answer depends on (directories walked, files found,
    ignore files read); ``errors`` collects the directories that could not be read.
    """
    walker = _Walker(settings, watch, errors)
    found: dict[str, str] = {}
    for path in map(_normal, paths):
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file or directory", path)
        if os.path.isdir(path):
            walker.walk(path, found)
        else:
            _add_named_file(path, found, watch)
    return [Path(p) for p in sorted(found.values())]


def iter_project_files(
    root: Path, settings: Settings, watch: Watch | None = None, errors: list[str] | None = None
) -> list[Path]:
    """Every lintable ``.py`` and ``.ipynb`` file under ``root`` (same excludes and
    ``.gitignore`` rules), for building the cross-module index even when only some files are
    linted."""
    root = Path(root)
    if not os.path.isdir(root):
        raise FileNotFoundError(2, "No such directory", str(root))
    found: dict[str, str] = {}
    _Walker(settings, watch, errors).walk(_normal(root), found)
    return [Path(p) for p in sorted(found.values())]


def discover_with_project(
    paths: Sequence[Path],
    settings: Settings,
    watch: Watch | None = None,
    errors: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """``discover(paths)`` and ``iter_project_files(project root)`` in one go: a named
    directory inside the project that the project's walk went through with the same rules
    (not excluded itself, no symlinked directory on the way) takes its files from that walk
    instead of being walked again. Same answers as the two calls; half the directory reads
    in the common ``parsl-lint check .`` case. Paths come back as strings (in the form the
    Path objects of the two calls would print as): on a large project a Path per file is a
    measurable share of the run's memory. ``errors`` collects each directory that could not
    be read (once, however many walks met it)."""
    project_walker = _Walker(settings, watch, errors)
    project: dict[str, str] = {}
    root = _normal(settings.project_root)
    if not os.path.isdir(root):
        raise FileNotFoundError(2, "No such directory", root)
    project_walker.walk(root, project)
    walker = _Walker(settings, watch, errors)
    found: dict[str, str] = {}
    for path in map(_normal, paths):
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file or directory", path)
        if not os.path.isdir(path):
            _add_named_file(path, found, watch)
            continue
        real = os.path.realpath(path)
        if not project_walker.walked_alike(real):
            walker.walk(path, found)
            continue
        prefix = real.rstrip(os.sep) + os.sep
        for key in project:
            if key.startswith(prefix) and key not in found:
                shown = _child(path, key[len(prefix) :])
                found[key] = project[key] if shown == project[key] else shown  # one copy
    return sorted(found.values()), sorted(project.values())


def _normal(path: str | os.PathLike[str]) -> str:
    """A path as ``pathlib`` prints it (``./src/`` is ``src``, ``.`` stays ``.``)."""
    return str(Path(path))


def _child(directory: str, name: str) -> str:
    """``Path(directory) / name`` as a string, without making Path objects."""
    return name if directory == "." else directory.rstrip(os.sep) + os.sep + name


def _add_named_file(path: str, found: dict[str, str], watch: Watch | None) -> None:
    found.setdefault(os.path.realpath(path), path)
    if watch is not None:
        watch.add_file(path, os.stat(path))


class _Walker:
    """One discovery run: compiled patterns, cached ``.gitignore`` files, visited directories."""

    def __init__(
        self, settings: Settings, watch: Watch | None = None, errors: list[str] | None = None
    ) -> None:
        self.watch = watch
        #: ``"<directory>: cannot read directory: <reason>"`` for each one that failed.
        self.errors = errors
        self.project_root = os.path.realpath(settings.project_root)
        patterns = (*settings.exclude, *settings.extend_exclude)
        # Plain names (".venv", "build/") are the common case: a set lookup on the entry's name.
        self.names = frozenset(p for p in patterns if _is_plain_name(p))
        self.dir_names = frozenset(
            p[:-1] for p in patterns if p.endswith("/") and _is_plain_name(p[:-1])
        )
        self.globs = _compile_lines(
            p
            for p in patterns
            if not _is_plain_name(p) and not (p.endswith("/") and _is_plain_name(p[:-1]))
        )
        self.gitignores: dict[str, tuple[_Pattern, ...]] = {}
        self.visited: set[tuple[int, int]] = set()
        # For reusing a walk: the directories it read, whether each walk so far ran with every
        # pattern (nothing skipped for a named directory) and without following a symlink.
        self.walked: set[str] = set()
        self.plain = True

    # ------------------------------------------------------------------ walking

    def _skips(self, root_abs: str) -> tuple[str, _Chain, frozenset[int], frozenset[int]]:
        """For a walk from ``root_abs``: the exclude base, the ``.gitignore`` chain above it,
        and the patterns that do not apply inside it. Glob and ``.gitignore`` patterns that
        exclude a named directory itself (also through its parent) do not apply to its
        contents; plain names are only ever matched per entry."""
        base = self._exclude_base(root_abs)
        chain = self._chain_above(root_abs)
        root_rel = _rel(root_abs, base)
        skip_globs: frozenset[int] = frozenset()
        skip_ignore: frozenset[int] = frozenset()
        if root_rel:
            skip_globs = frozenset(
                id(p) for p in self.globs if p.match_file(root_rel + "/") is not None
            )
        if chain and _ignored(chain, root_abs + os.sep, frozenset()):
            skip_ignore = frozenset(
                id(p)
                for directory, patterns in chain
                for p in patterns
                if p.match_file(_rel(root_abs, directory) + "/") is not None
            )
        return base, chain, skip_globs, skip_ignore

    def walked_alike(self, directory: str) -> bool:
        """Whether this walker's walks read ``directory`` (a real path) exactly as walking
        it on its own would: with every pattern, and without following a symlink."""
        if not self.plain or directory not in self.walked:
            return False
        _, _, skip_globs, skip_ignore = self._skips(directory)
        return not skip_globs and not skip_ignore

    def walk(self, root: str, found: dict[str, str]) -> None:
        """Add the files under ``root`` (a normalised path) to ``found``: real path -> the
        path in ``root``'s form."""
        root_abs = os.path.realpath(root)
        base, chain, skip_globs, skip_ignore = self._skips(root_abs)
        if skip_globs or skip_ignore:
            self.plain = False
        names, dir_names = self.names, self.dir_names
        globs = tuple(p for p in self.globs if id(p) not in skip_globs)

        stack: list[tuple[str, str, _Chain]] = [(root_abs, root, chain)]
        while stack:
            dir_abs, shown, chain = stack.pop()
            entries = self._scan(dir_abs)
            if entries is None:
                continue
            self.walked.add(dir_abs)
            local = self._gitignore(dir_abs)
            if local:
                chain = (*chain, (dir_abs, local))
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir()
                    if not is_dir and not (name.endswith(_SUFFIXES) and entry.is_file()):
                        continue
                except OSError:
                    continue
                if name in names or (is_dir and name in dir_names):
                    continue
                entry_abs = dir_abs + os.sep + name
                suffix = "/" if is_dir else ""
                if globs:
                    rel = _rel(entry_abs, base) + suffix
                    if _last_match(globs, rel):
                        continue
                if chain and _ignored(chain, entry_abs + (os.sep if is_dir else ""), skip_ignore):
                    continue
                if is_dir:
                    if entry.is_symlink():
                        self.plain = False
                    stack.append((entry_abs, _child(shown, name), chain))
                elif entry_abs not in found:
                    found[entry_abs] = _child(shown, name)
                    if self.watch is not None:
                        try:
                            self.watch.add_file(entry_abs, entry.stat())
                        except OSError:
                            pass

    def _scan(self, directory: str) -> list[os.DirEntry[str]] | None:
        """The directory's entries, or None when it was already walked or cannot be read
        (then ``errors`` says so)."""
        try:
            stat = os.stat(directory)
            key = (stat.st_dev, stat.st_ino)
            if key in self.visited:  # a symlink loop, or a directory named twice
                return None
            self.visited.add(key)
            if self.watch is not None:
                self.watch.dirs[directory] = stat.st_mtime_ns
            with os.scandir(directory) as it:
                return list(it)
        except OSError as exc:
            if self.errors is not None:
                shown = os.path.relpath(directory)
                shown = directory if shown.startswith("..") else shown
                message = f"{shown}: cannot read directory: {exc.strerror or exc}"
                if message not in self.errors:
                    self.errors.append(message)
            return None

    # ------------------------------------------------------------------ excludes

    def _exclude_base(self, root_abs: str) -> str:
        """Exclude patterns are relative to the project root, or to the parent of a named
        directory outside it."""
        if _is_within(root_abs, self.project_root):
            return self.project_root
        return os.path.dirname(root_abs)

    # ------------------------------------------------------------------ .gitignore

    def _chain_above(self, root_abs: str) -> _Chain:
        """The ``.gitignore`` files that apply to ``root_abs`` from its ancestors, outermost
        first, starting at the git root (or the project root when not in a git repository)."""
        git_root = _find_git_root(root_abs)
        if git_root is not None:
            top = git_root
        elif _is_within(root_abs, self.project_root):
            top = self.project_root
        else:
            return ()
        chain: list[tuple[str, tuple[_Pattern, ...]]] = []
        if git_root is not None:
            exclude = os.path.join(git_root, ".git", "info", "exclude")
            if self.watch is not None:
                self.watch.probes.add(exclude)
            info = _read_patterns(exclude)
            if info:
                chain.append((git_root, info))
        # The root's own .gitignore is read when the root is walked; here: top .. its parent.
        directory = top
        for part in Path(os.path.relpath(root_abs, top)).parts if root_abs != top else ():
            local = self._gitignore(directory)
            if local:
                chain.append((directory, local))
            directory = os.path.join(directory, part)
        return tuple(chain)

    def _gitignore(self, directory: str) -> tuple[_Pattern, ...]:
        cached = self.gitignores.get(directory)
        if cached is None:
            path = os.path.join(directory, ".gitignore")
            if self.watch is not None:
                self.watch.probes.add(path)
            cached = _read_patterns(path)
            self.gitignores[directory] = cached
        return cached


def _ignored(chain: _Chain, entry_abs: str, skip: frozenset[int]) -> bool:
    """Whether ``.gitignore`` ignores the entry (a directory ends with ``os.sep``): the last
    matching pattern wins, deeper files after shallower ones, as in git."""
    ignored = False
    for directory, patterns in chain:
        ignored = _last_match(patterns, _rel(entry_abs, directory), skip, ignored)
    return ignored


def _last_match(
    patterns: Sequence[_Pattern],
    rel: str,
    skip: frozenset[int] = frozenset(),
    default: bool = False,
) -> bool:
    """Whether the last pattern matching ``rel`` excludes it (``!pattern`` re-includes)."""
    result = default
    for pattern in patterns:
        if id(pattern) not in skip and pattern.match_file(rel) is not None:
            result = bool(pattern.include)
    return result


def _read_patterns(path: str) -> tuple[_Pattern, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return ()
    return _compile_lines(lines)


def _compile_lines(lines: Iterable[str]) -> tuple[_Pattern, ...]:
    spec = pathspec.GitIgnoreSpec.from_lines(list(lines))
    return tuple(p for p in spec.patterns if p.include is not None)


def _is_plain_name(pattern: str) -> bool:
    return bool(pattern) and not (_GLOB_CHARS & set(pattern)) and pattern.strip() == pattern


def _find_git_root(path: str) -> str | None:
    current = path
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _rel(path: str, base: str) -> str:
    """``path`` relative to its ancestor ``base`` with forward slashes ('' for base itself)."""
    if path.rstrip(os.sep) == base.rstrip(os.sep):
        return ""
    rel = path[len(base.rstrip(os.sep)) + 1 :]
    return rel.replace(os.sep, "/") if os.sep != "/" else rel
