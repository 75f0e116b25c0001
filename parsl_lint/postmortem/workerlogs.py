"""The worker side of a failure: the lines of HTEX's logs and the block's output about a task.

A ``HighThroughputExecutor`` labelled ``L`` writes (Parsl 2026.10):

* ``<run_dir>/L/interchange.log``;
* ``<logdir>/block-<B>/<manager>/manager.log`` and ``worker_<N>.log``, where ``logdir`` is
  ``<worker_logdir_root>/L`` when that is set, else ``<run_dir>/L``; they name a task by the
  executor's own id ("Received executor task 2"), which ``parsl.log`` gives at launch;
* ``<run_dir>/submit_scripts/parsl.L.block-<B>.<time>.sh.out``/``.err``/``.ec``: the block's
  own stdout/stderr (where a Python app's ``print`` goes) and exit code.

Every file is read as a stream, once, whatever the number of tasks asked about.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from parsl_lint.postmortem.model import Run, Task
from parsl_lint.runtime import read_tail

#: Lines of one log file quoted per task, and of the interchange log per run.
LINES_PER_FILE = 6
#: Blocks whose submit-script output is shown when no log says which block ran a task.
BLOCKS_SHOWN = 2
_EXECUTOR_TASK = re.compile(rb"executor task (\d+)\b")
_NOTEWORTHY = (b" ERROR: ", b" CRITICAL: ", b" WARNING: ", b"died", b"lost", b"Lost")
_HEADER = re.compile(
    rb"\d+\.\d+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \S+ \S+ [\w.]+:\d+ \S+ ([A-Z]+): (.*)"
)
_NEVER_SENT = (
    "the task never reached a worker (it failed on the submit side), so no worker log mentions it"
)
_BLOCK_DIR = re.compile(r"^block-(\S+)$")


class Excerpt:
    """Lines of one file about one task, or why there are none."""

    __slots__ = ("lines", "note", "path")

    def __init__(self, path: str, lines: list[str] | None = None, note: str | None = None):
        self.path = path
        self.lines = lines or []
        self.note = note


class WorkerSide:
    """What the executor's logs and the block's files say about one task."""

    __slots__ = ("block", "excerpts", "exit_code", "logdir", "note")

    def __init__(self) -> None:
        self.block: str | None = None
        self.logdir: str | None = None
        self.excerpts: list[Excerpt] = []
        self.exit_code: str | None = None  #: the block's .ec file, when it holds a number
        self.note: str | None = None


def worker_side(run: Run, run_dir: str, tasks: Iterable[Task], tail: int) -> dict[int, WorkerSide]:
    """The worker-side story of each task (HTEX executors only; others get a note)."""
    result: dict[int, WorkerSide] = {}
    by_label: dict[str, list[Task]] = {}
    for task in tasks:
        side = result[task.tid] = WorkerSide()
        label = task.executor or ""
        executor = run.executors.get(label)
        if not _keeps_worker_logs(run_dir, label, executor.kind if executor else None):
            kind = executor.kind if executor is not None else "unknown kind"
            side.note = f"executor '{label}' ({kind}) keeps no worker logs"
            continue
        by_label.setdefault(task.executor or "", []).append(task)
    for label, group in by_label.items():
        executor = run.executors.get(label)
        root = executor.worker_logdir_root if executor is not None else None
        logdir = os.path.join(root, label) if root else os.path.join(run_dir, label)
        _scan_logs(run_dir, label, logdir, group, result)
        for task in group:
            _block_files(run_dir, label, result[task.tid], tail)
    return result


def _keeps_worker_logs(run_dir: str, label: str, kind: str | None) -> bool:
    """An HTEX (or a subclass such as MPIExecutor), or a label with an interchange log."""
    if kind in ("HighThroughputExecutor", "MPIExecutor"):
        return True
    return bool(label) and os.path.isfile(os.path.join(run_dir, label, "interchange.log"))


def _scan_logs(
    run_dir: str, label: str, logdir: str, tasks: list[Task], result: dict[int, WorkerSide]
) -> None:
    wanted: dict[int, int] = {}  # executor task id -> parsl task id
    for task in tasks:
        result[task.tid].logdir = logdir
        result[task.tid].block = task.block
        for eid in task.executor_ids:
            wanted[eid] = task.tid
    if not os.path.isdir(logdir):
        for task in tasks:
            result[task.tid].note = (
                f"no worker log directory {logdir} on this host (the workers ran elsewhere, "
                "or the directory was removed)"
            )
        return
    if not wanted:
        for task in tasks:
            result[task.tid].note = _NEVER_SENT
        return
    managers_seen: set[str] = set()
    for block_dir, manager_dirs in _block_dirs(logdir):
        for manager_dir in manager_dirs:
            for name in sorted(os.listdir(manager_dir)):
                if not name.endswith(".log"):
                    continue
                path = os.path.join(manager_dir, name)
                found = _scan_file(path, wanted, manager=name == "manager.log")
                for tid, lines in found.items():
                    result[tid].excerpts.append(Excerpt(path, lines))
                    managers_seen.add(os.path.basename(manager_dir))
                    if result[tid].block is None:
                        match = _BLOCK_DIR.match(os.path.basename(block_dir))
                        result[tid].block = match.group(1) if match else None
    interchange = os.path.join(run_dir, label, "interchange.log")
    if os.path.isfile(interchange):
        lines = _noteworthy(interchange, managers_seen)
        if lines:
            for task in tasks:
                result[task.tid].excerpts.append(Excerpt(interchange, lines))
    for task in tasks:
        side = result[task.tid]
        if not task.executor_ids:
            side.note = _NEVER_SENT
        elif not side.excerpts:
            ids = ", ".join(map(str, task.executor_ids))
            side.note = f"no log under {logdir} mentions executor task {ids}"


def _block_dirs(logdir: str) -> list[tuple[str, list[str]]]:
    blocks = []
    for name in sorted(os.listdir(logdir)):
        path = os.path.join(logdir, name)
        if name.startswith("block-") and os.path.isdir(path):
            managers = [
                os.path.join(path, m)
                for m in sorted(os.listdir(path))
                if os.path.isdir(os.path.join(path, m))
            ]
            blocks.append((path, managers))
    return blocks


def _scan_file(path: str, wanted: dict[int, int], manager: bool) -> dict[int, list[str]]:
    """Lines naming a wanted executor task, with the line after the last one (a worker
    that starts again there died); in a manager log also its errors and deaths, in the
    file's order."""
    found: dict[int, list[tuple[int, str]]] = {}
    follow: int | None = None  # the task whose next line to add
    noteworthy: list[tuple[int, str]] = []
    try:
        with open(path, "rb") as stream:
            for number, raw in enumerate(stream):
                match = _EXECUTOR_TASK.search(raw)
                eid = int(match.group(1)) if match else None
                if eid is not None and eid in wanted:
                    lines = found.setdefault(wanted[eid], [])
                    if len(lines) < LINES_PER_FILE:
                        lines.append((number, _compact(raw)))
                    follow = wanted[eid]
                    continue
                if follow is not None and not manager:
                    lines = found[follow]
                    if len(lines) < LINES_PER_FILE:
                        lines.append((number, _compact(raw)))
                    follow = None
                if manager and any(word in raw for word in _NOTEWORTHY):
                    if len(noteworthy) < LINES_PER_FILE:
                        noteworthy.append((number, _compact(raw)))
    except OSError:
        return {}
    return {
        tid: [text for _, text in sorted({*lines, *noteworthy})] for tid, lines in found.items()
    }


def _noteworthy(path: str, managers: set[str]) -> list[str]:
    """Interchange lines that are errors or warnings, or name a manager that ran the tasks."""
    needles = [m.encode() for m in managers]
    lines: list[str] = []
    try:
        with open(path, "rb") as stream:
            for raw in stream:
                if any(w in raw for w in (b" ERROR: ", b" CRITICAL: ", b" WARNING: ")) or (
                    any(n in raw for n in needles) and (b"lost" in raw or b"Lost" in raw)
                ):
                    lines.append(_compact(raw))
                    if len(lines) >= LINES_PER_FILE:
                        break
    except OSError:
        return []
    return lines


def _block_files(run_dir: str, label: str, side: WorkerSide, tail: int) -> None:
    """The block's submit-script stdout/stderr tails and exit code."""
    scripts = os.path.join(run_dir, "submit_scripts")
    if not os.path.isdir(scripts) or side.note == _NEVER_SENT:
        return
    names = sorted(os.listdir(scripts))
    if side.block is not None:
        prefix = f"parsl.{label}.block-{side.block}."
        names = [n for n in names if n.startswith(prefix)]
    elif side.excerpts:
        return
    else:  # no log names the task's block (it may never have started): the latest blocks
        names = _latest_blocks(names, label)
    for name in names:
        path = os.path.join(scripts, name)
        if name.endswith(".ec"):
            code = _read_small(path).strip()
            side.exit_code = code if code.lstrip("-").isdigit() else None
        elif name.endswith((".out", ".err")):
            lines = tail_lines(path, tail)
            if isinstance(lines, str):
                side.excerpts.append(Excerpt(path, note=lines))
            else:
                side.excerpts.append(Excerpt(path, lines, None if lines else "(empty)"))


def _latest_blocks(names: list[str], label: str) -> list[str]:
    """The submit-script files of the executor's last :data:`BLOCKS_SHOWN` blocks."""
    prefix = f"parsl.{label}.block-"
    scripts = [n for n in names if n.startswith(prefix) and n.endswith(".sh")]
    scripts.sort(key=_submit_time)
    keep = {n for n in scripts[-BLOCKS_SHOWN:]}
    return [n for n in names if any(n.startswith(k) for k in keep)]


def _submit_time(name: str) -> float:
    """``parsl.L.block-B.<time>.sh``: the time the block was submitted."""
    stem = name[: -len(".sh")]
    head, _, frac = stem.rpartition(".")
    whole = head.rpartition(".")[2]
    try:
        return float(f"{whole}.{frac}")
    except ValueError:
        return 0.0


def _read_small(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(100)
    except OSError:
        return ""


def tail_lines(path: str, n: int) -> list[str] | str:
    """The last ``n`` lines of a file, read from its end; a string says why not."""
    if n <= 0:
        return []
    try:
        return read_tail(path, n)
    except OSError as err:
        return err.strerror or type(err).__name__


def _compact(raw: bytes) -> str:
    """A log line without its epoch, process and thread columns."""
    match = _HEADER.match(raw)
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    if match is None:
        return text[:300]
    when, level, message = (g.decode("utf-8", "replace") for g in match.groups())
    return f"{when} {level}: {message[:300]}"
