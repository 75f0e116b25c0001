"""The run snapshot: replay an unchanged project's last ``check`` without linting anything.

After a ``check`` that used the cache, the session writes what the result depended on: the
modification time of every directory it walked (a file added, removed or renamed changes it),
the modification and status-change times and the size of every file it indexed (the status
change time catches a tool that restores an old modification time, as ``cp -p`` or ``rsync -t``
do), and the files that decide the settings
and the file list (``pyproject.toml``, ``setup.py``/``setup.cfg``, ``.git`` and ``.gitignore``
files above the project, ``--config``, the interpreter's ``sys.path`` directories, so installing
another Parsl counts). The next ``check`` with the same arguments, from the same directory, with
the same tool and Python, looks the snapshot up, stats those paths and, when every one matches,
prints the stored result: no discovery, no index, no rules imported.

Like git's index, a snapshot is only trusted when nothing it records was modified within
:data:`RACY_NS` of the run's start: a file edited in the same timestamp tick as the run read it
could keep its modification time and size, so such a run writes no snapshot and the next run
takes the full path (which checks content hashes). Any mismatch, or a snapshot that cannot be
read, also means the full path; the snapshot is an accelerator, never a source of truth.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

from parsl_lint import __version__
from parsl_lint.filestamps import RACY_NS  # a snapshot records nothing changed this recently

# Annotations only: ``typing`` alone costs more to import than the rest of a replay.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

    #: A recorded state: ``[mtime_ns, size]`` (a file), ``[mtime_ns, -1]`` (a directory
    #: whose entries matter), ``1`` (exists, contents irrelevant) or ``0`` (absent).
    Signature = Any

#: The cache's subdirectory for this tool and Python version (entries never cross versions).
VERSION_DIR = f"{__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
CACHE_DIR_NAME = ".parsl_lint_cache"
#: Snapshots kept per cache (one per distinct set of arguments); the oldest go first.
MAX_SNAPSHOTS = 32
#: Files and directories whose appearance, disappearance or edit above a project can change the
#: settings, the project root or the ``.gitignore`` rules.
_ANCESTOR_FILES = (
    ".parsl-lint.toml",
    "parsl-lint.toml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    ".gitignore",
)
_ANCESTOR_MARKERS = (".git", ".hg")
#: Bumped when the snapshot layout changes.
_FORMAT = 5
#: Output formats whose fixes carry the helper's import as an edit (for tools that apply
#: them); a run in one of them lints with those edits, so it has its own snapshot.
IMPORT_EDIT_FORMATS = ("json", "json-lines", "sarif")
#: What a snapshot stores rendered, for each kind of run. Formats that depend on more than the
#: findings (``gitlab``'s paths follow ``CI_PROJECT_DIR``) or rarely repeat are not stored.
STORED_FORMATS = {False: ("full", "concise", "github", "pylint"), True: IMPORT_EDIT_FORMATS}
#: The formats with a summary line (``--quiet`` drops it) and colour.
_HUMAN = ("full", "concise")


def run_key(
    paths: Sequence[str],
    *,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    extend_select: Sequence[str],
    config: str | None,
    cache_dir: str | None,
    import_edits: bool,
) -> str:
    """What makes two ``check`` runs the same question: arguments, directory, interpreter."""
    data = (
        VERSION_DIR,
        sys.executable,
        os.getcwd(),
        list(paths),
        None if select is None else list(select),
        list(ignore),
        list(extend_select),
        None if config is None else os.path.abspath(config),
        None if cache_dir is None else os.path.abspath(cache_dir),
        import_edits,
    )
    return repr(data)


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    """``--select PSL1,psl201 --select PSL3`` -> ``("PSL1", "PSL201", "PSL3")``."""
    return tuple(v.strip().upper() for item in values for v in item.split(",") if v.strip())


def check_key(
    paths: Sequence[str],
    *,
    select: Sequence[str],
    ignore: Sequence[str],
    extend_select: Sequence[str],
    config: str | None,
    cache_dir: str | None,
    fmt: str,
) -> str:
    """:func:`run_key` for ``check``'s options as given on the command line (paths as
    ``pathlib`` prints them); the CLI and the start-up fast path both use it."""
    return run_key(
        paths,
        select=split_codes(select) if select else None,
        ignore=split_codes(ignore),
        extend_select=split_codes(extend_select),
        config=config,
        cache_dir=cache_dir,
        import_edits=fmt in IMPORT_EDIT_FORMATS,
    )


def lookup_roots(paths: Sequence[str], cache_dir: str | None, config: str | None) -> list[str]:
    """Where to look for the snapshot of a ``check`` (see :func:`cache_roots`); with
    ``--config`` (and no ``--cache-dir``), also the cache beside that file."""
    roots = cache_roots(paths, cache_dir)
    if config is not None and cache_dir is None:
        roots.append(os.path.join(os.path.dirname(os.path.realpath(config)), CACHE_DIR_NAME))
    return roots


def _signature(path: str, exists_only: bool = False) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return 0
    if exists_only:
        return 1
    if os.path.isdir(path):
        return [st.st_mtime_ns, -1]
    return [st.st_mtime_ns, st.st_size]


class Watch:
    """What a run's result depends on, collected while it finds and indexes files."""

    __slots__ = ("dirs", "files", "probes")

    def __init__(self) -> None:
        self.dirs: dict[str, int] = {}  # walked directory -> mtime_ns
        #: file -> (mtime_ns, ctime_ns, size), taken before the file is read
        self.files: dict[str, tuple[int, int, int]] = {}
        self.probes: set[str] = set()  # config and ignore files, present or not

    def add_file(self, path: str, st: os.stat_result) -> None:
        self.files[os.path.abspath(path)] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size)

    def add_ancestors(self, anchor: str) -> None:
        """The settings files and markers of ``anchor``'s directory and every one above."""
        directory = os.path.abspath(anchor)
        if not os.path.isdir(directory):
            directory = os.path.dirname(directory)
        while True:
            for name in (*_ANCESTOR_FILES, *_ANCESTOR_MARKERS):
                self.probes.add(os.path.join(directory, name))
            parent = os.path.dirname(directory)
            if parent == directory:
                return
            directory = parent


def _probe_signatures(probes: Iterable[str]) -> dict[str, Signature]:
    signatures = {
        p: _signature(p, exists_only=os.path.basename(p) in _ANCESTOR_MARKERS) for p in probes
    }
    # Installing or upgrading a package (Parsl among them) changes its site directory.
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            signatures[os.path.abspath(entry)] = _signature(entry)
    return signatures


def cache_roots(paths: Sequence[str], cache_dir: str | None) -> list[str]:
    """Where a snapshot for these paths may live: ``--cache-dir``, else every
    ``.parsl_lint_cache`` above the first path (or the current directory), nearest first."""
    if cache_dir is not None:
        return [cache_dir]
    start = os.path.abspath(paths[0] if paths else os.curdir)
    directory = start if os.path.isdir(start) else os.path.dirname(start)
    found = []
    while True:
        candidate = os.path.join(directory, CACHE_DIR_NAME)
        if os.path.isdir(candidate):
            found.append(candidate)
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


def _snapshot_path(cache_root: str, key: str) -> str:
    # The name only spreads keys over files; the whole key is stored and compared.
    raw = key.encode("utf-8", "surrogatepass")
    name = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.snapshot"
    return os.path.join(cache_root, VERSION_DIR, "runs", name)


def write(
    cache_root: str,
    key: str,
    watch: Watch,
    started_ns: int,
    *,
    files_checked: int,
    diagnostics: Sequence[Any],
    summaries: Mapping[str, str],
    formats: Sequence[str] = STORED_FORMATS[False],
) -> bool:
    """Record a finished run; returns False (and writes nothing) when it cannot be trusted.
    The report is stored rendered in ``formats`` (every format that shares this run's key:
    only JSON and SARIF carry the helper import's edits), so a replay only prints it."""
    probes = _probe_signatures(watch.probes)
    newest = max(
        [
            *watch.dirs.values(),
            *(max(m, c) for m, c, _ in watch.files.values()),
            *(s[0] for s in probes.values() if isinstance(s, list)),
        ],
        default=0,
    )
    if newest >= started_ns - RACY_NS:
        return False  # racily clean: an edit in the same tick could go unseen
    # Files grouped by directory: short names, and the layout the replay stats them in.
    files: dict[str, tuple[list[str], list[int], list[int], list[int]]] = {}
    for path, (mtime, ctime, size) in sorted(watch.files.items()):
        directory, name = os.path.split(path)
        names, mtimes, ctimes, sizes = files.setdefault(directory, ([], [], [], []))
        names.append(name)
        mtimes.append(mtime)
        ctimes.append(ctime)
        sizes.append(size)
    data = {
        "format": _FORMAT,
        "key": key,
        "probes": probes,
        "dirs": dict(watch.dirs),
        "files": files,
        "files_checked": files_checked,
        "count": len(diagnostics),
        "rendered": {
            _variant(fmt, quiet, color): _render(
                diagnostics, fmt, quiet, color, files_checked, summaries
            )
            for fmt in formats
            for quiet in ((False, True) if fmt in _HUMAN else (False,))
            for color in ((False, True) if fmt in _HUMAN else (False,))
        },
    }
    target = _snapshot_path(cache_root, key)
    directory = os.path.dirname(target)
    try:
        os.makedirs(directory, exist_ok=True)
        # marshal: the fastest format to load, and the cache is per Python version anyway.
        replace_atomically(target, marshal.dumps(data))
        _prune(directory)
    except (OSError, ValueError):
        return False
    return True


def replace_atomically(target: str, data: bytes) -> None:
    """Write ``data`` to a new file beside ``target``, then rename it over ``target``: a
    reader (another run at the same time) sees the old file or the new one, never a part.
    The temporary name is unique to this process and attempt (``O_EXCL``), as
    ``tempfile.mkstemp`` would make it, without importing ``tempfile``."""
    tmp = f"{target}.{os.getpid()}-{os.urandom(6).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prune(directory: str) -> None:
    with os.scandir(directory) as it:
        entries = [e for e in it if e.name.endswith(".snapshot")]
    if len(entries) <= MAX_SNAPSHOTS:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - MAX_SNAPSHOTS]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def _variant(fmt: str, quiet: bool, color: bool = False) -> str:
    if fmt not in _HUMAN:
        return fmt
    return fmt + ("-quiet" if quiet else "") + ("-color" if color else "")


def _render(
    diagnostics: Sequence[Any],
    fmt: str,
    quiet: bool,
    color: bool,
    files_checked: int,
    summaries: Mapping[str, str],
) -> str:
    import io

    from parsl_lint.reporters import report

    out = io.StringIO()
    report(
        diagnostics,
        fmt,
        out,
        files_checked=files_checked,
        quiet=quiet,
        rule_summaries=summaries,
        color=color,
    )
    return out.getvalue()


class Replay:
    """A stored result whose inputs are all unchanged."""

    __slots__ = ("files_checked", "count", "_rendered")

    def __init__(self, data: dict[str, Any]) -> None:
        self.files_checked = int(data["files_checked"])
        self.count = int(data["count"])  # the exit status only needs how many
        self._rendered: dict[str, str] = data["rendered"]

    def output(self, fmt: str, quiet: bool, color: bool = False) -> str | None:
        """The report exactly as the full run would have printed it; None for a format the
        run did not render (then the caller takes the full path)."""
        text = self._rendered.get(_variant(fmt, quiet, color))
        return text if isinstance(text, str) else None


def replay(key: str, roots: Sequence[str]) -> Replay | None:
    """The stored result of the same run, when nothing it depends on has changed."""
    for root in roots:
        try:
            with open(_snapshot_path(root, key), "rb") as handle:
                data = marshal.loads(handle.read())
            if data.get("format") != _FORMAT or data.get("key") != key or not _unchanged(data):
                continue
            return Replay(data)
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
            continue  # missing, corrupt or foreign: take the full path
    return None


def stored_report(
    key: str, roots: Sequence[str], fmt: str, quiet: bool, color: bool = False
) -> tuple[str, int] | None:
    """The report the last identical run printed (in ``fmt``, coloured or not) and how many
    diagnostics it had, when nothing that run read has changed since; else None."""
    found = replay(key, roots)
    output = found.output(fmt, quiet, color) if found is not None else None
    if found is None or output is None:
        return None
    return output, found.count


def _unchanged(data: dict[str, Any]) -> bool:
    stat = os.stat
    for path, signature in data["probes"].items():
        if _signature(path, exists_only=signature == 1) != signature:
            return False
    try:
        for path, mtime in data["dirs"].items():
            if stat(path).st_mtime_ns != mtime:
                return False
        relative = stat in os.supports_dir_fd
        for directory, (names, mtimes, ctimes, sizes) in data["files"].items():
            # Names looked up relative to their directory: one path component, not all.
            fd = os.open(directory, os.O_RDONLY) if relative else None
            prefix = "" if relative else directory + os.sep
            try:
                for name, mtime, ctime, size in zip(names, mtimes, ctimes, sizes):
                    st = stat(prefix + name, dir_fd=fd)
                    if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime or st.st_size != size:
                        return False
            finally:
                if fd is not None:
                    os.close(fd)
    except OSError:
        return False
    return True


def now_ns() -> int:
    return time.time_ns()
