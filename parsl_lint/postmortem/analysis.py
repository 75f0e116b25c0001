"""From a run directory to an explanation: which tasks failed, why, and what they blocked.

:func:`resolve_run_dir` finds the run to read, :func:`analyse` reads ``parsl.log`` (and
``monitoring.db``) and works out, for every task that did not produce a result, the failed
tasks at the root of it: a ``dep_fail`` task's roots are every failed task reachable through
its failed dependencies, through any depth of chain and fan-in (not only the one Parsl's
message calls "representative"). Root tasks that failed the same way (the same app, exception
class and place in the code) form one :class:`RootCause`, shown once with its count.
"""

from __future__ import annotations

import os
import re

from parsl_lint.postmortem import tbtext
from parsl_lint.postmortem.logparse import LogReport, parse_log
from parsl_lint.postmortem.model import FAILED_STATES, Run, Task
from parsl_lint.runtime import hint_kind

#: A lost worker whose last recorded memory use was at least this share of its host's memory
#: (or of ``mem_per_worker``) is named a likely out-of-memory kill.
OOM_SHARE = 0.8
#: Distinct messages a root cause lists before it says how many more there are.
MESSAGES_SHOWN = 3
JOIN_ERROR = "parsl.dataflow.errors.JoinError"
_BASH_EXIT = re.compile(r"bash_app (\S+) failed with unix exit code (-?\d+)")
_NUMBERED = re.compile(r"^\d+$")


class RunDirError(Exception):
    """Nothing to read at the path given (exit status 2)."""


class RootCause:
    """Root tasks that failed the same way, and the tasks their failure blocked."""

    __slots__ = ("app", "blocked", "hint", "index", "messages", "tasks", "type", "where")

    def __init__(self, app: str | None, type_name: str, where: str | None) -> None:
        self.index = 0  #: 1-based, in the report's order
        self.app = app
        self.type = type_name
        self.where = where  #: ``file:line`` of the innermost frame of the app's code
        self.tasks: list[int] = []
        self.messages: dict[str, int] = {}  #: distinct messages (the first few) -> count
        self.blocked: list[int] = []  #: dep_fail tasks with a root in this cause
        self.hint: str | None = None  #: a kind of parsl_lint.runtime.HINT_KINDS

    @property
    def short_type(self) -> str:
        return self.type.rpartition(".")[2]


class Analysis:
    """A run read and explained; :mod:`.render` prints it."""

    def __init__(self, run_dir: str, log_path: str) -> None:
        self.run_dir = run_dir
        self.log_path = log_path
        self.run = Run()
        self.log = LogReport()
        self.db_path: str | None = None
        self.db_note: str | None = None  #: why the database was not used, when it exists
        self.db_used = False
        self.disagreements = 0
        self.roots: dict[int, tuple[int, ...]] = {}  #: failed task -> its root task ids
        self.causes: list[RootCause] = []
        self.cause_of: dict[int, RootCause] = {}  #: root task id -> its cause
        self.unresolved: list[int] = []  #: dep_fail tasks whose failed dependency is unknown

    @property
    def tasks(self) -> dict[int, Task]:
        return self.run.tasks

    @property
    def failed(self) -> list[Task]:
        return [t for t in self.tasks.values() if t.state in FAILED_STATES]

    @property
    def unfinished(self) -> list[Task]:
        return [t for t in self.tasks.values() if not t.finished]

    def state_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for task in self.tasks.values():
            key = task.state or "unknown"
            counts[key] = counts.get(key, 0) + 1
        return counts


def resolve_run_dir(path: str) -> tuple[str, str]:
    """The run directory to read and its ``parsl.log``.

    ``path`` is a run directory (holding ``parsl.log``) or a directory of numbered runs
    (``runinfo``), of which the highest-numbered one holding a ``parsl.log`` is taken.
    """
    if not os.path.exists(path):
        raise RunDirError(f"{path}: no such directory")
    if not os.path.isdir(path):
        raise RunDirError(f"{path}: not a directory (give a run directory such as runinfo/000)")
    log = os.path.join(path, "parsl.log")
    if os.path.isfile(log):
        return path, log
    runs = sorted(
        (int(name), name)
        for name in os.listdir(path)
        if _NUMBERED.match(name) and os.path.isfile(os.path.join(path, name, "parsl.log"))
    )
    if not runs:
        raise RunDirError(
            f"{path}: nothing to read: no parsl.log here and no numbered run directory "
            "(000, 001, ...) holding one"
        )
    newest = os.path.join(path, runs[-1][1])
    return newest, os.path.join(newest, "parsl.log")


def analyse(path: str, run_id: str | None = None, use_db: bool = True) -> Analysis:
    """Read the run at ``path`` (see :func:`resolve_run_dir`) and explain it."""
    run_dir, log_path = resolve_run_dir(path)
    result = Analysis(run_dir, log_path)
    try:
        with open(log_path, "rb") as stream:
            run, result.log = parse_log(stream, run_id)
    except OSError as err:
        raise RunDirError(f"{log_path}: {err.strerror or err}") from err
    if result.log.recognised == 0:
        raise RunDirError(
            f"{log_path}: nothing to read: no line is in the layout Parsl writes"
            + (" (the file is empty)" if result.log.lines == 0 else "")
        )
    if run is None:
        raise RunDirError(f"{log_path}: no DFK start with run id {run_id}")
    result.run = run
    if use_db:
        _add_database(result)
    _find_roots(result)
    _group(result)
    return result


def _add_database(result: Analysis) -> None:
    from parsl_lint.postmortem import monitoring

    path = monitoring.find_database(result.run_dir)
    if path is None:
        return
    result.db_path = path
    try:
        db = monitoring.read_run(path, result.run.run_id, result.run_dir)
    except monitoring.MonitoringError as err:
        result.db_note = f"not read: {err}"
        return
    if db is None:
        result.db_note = "holds no record of this run (monitoring was off for it)"
        return
    result.db_used = True
    if result.run.run_id is None:
        result.run.run_id = db.run_id
    result.disagreements = monitoring.merge(result.run, db)


# --------------------------------------------------------------------------------------------
# Root causes


def _find_roots(result: Analysis) -> None:
    """Every failed task's root tasks; iterative (a chain may be 100,000 tasks deep)."""
    tasks = result.tasks
    roots = result.roots
    visiting: set[int] = set()
    for tid in sorted(tasks):
        if tasks[tid].state not in FAILED_STATES or tid in roots:
            continue
        stack = [(tid, False)]
        while stack:
            current, expanded = stack.pop()
            if current in roots:
                continue
            task = tasks[current]
            if task.is_root:
                roots[current] = (current,)
            elif not expanded:
                visiting.add(current)
                stack.append((current, True))
                stack.extend(
                    (d, False)
                    for d in task.upstream
                    if d in tasks
                    and tasks[d].state in FAILED_STATES
                    and d not in roots
                    and d not in visiting
                )
            else:
                visiting.discard(current)
                found = [roots[d] for d in task.upstream if roots.get(d)]
                if len(found) == 1:
                    roots[current] = found[0]  # share the tuple along a chain
                else:
                    roots[current] = tuple(sorted({r for rs in found for r in rs}))
    result.unresolved = [tid for tid, rs in roots.items() if not rs and not tasks[tid].is_root]


def _group(result: Analysis) -> None:
    tasks = result.tasks
    by_signature: dict[tuple[str | None, str, str | None], RootCause] = {}
    for tid in sorted(t for t, rs in result.roots.items() if rs == (t,)):
        task = tasks[tid]
        type_name, message, where = _signature(task)
        key = (task.app, type_name, where)
        cause = by_signature.get(key)
        if cause is None:
            cause = by_signature[key] = RootCause(task.app, type_name, where)
            cause.hint = _hint(task)
        cause.tasks.append(tid)
        if message in cause.messages or len(cause.messages) < MESSAGES_SHOWN:
            cause.messages[message] = cause.messages.get(message, 0) + 1
        result.cause_of[tid] = cause
    for tid, rs in result.roots.items():
        if rs == (tid,) or not rs:
            continue
        for cause in dict.fromkeys(result.cause_of[r] for r in rs):
            cause.blocked.append(tid)
    causes = list(by_signature.values())
    for cause in causes:
        cause.blocked.sort()
    causes.sort(key=lambda c: (-len(c.blocked) - len(c.tasks), c.tasks[0]))
    for i, cause in enumerate(causes, 1):
        cause.index = i
    result.causes = causes


def _signature(task: Task) -> tuple[str, str, str | None]:
    failure = task.failure
    if failure is None and task.join_failed:
        return JOIN_ERROR, "a task this join app joined failed; parsl.log does not say which", None
    if failure is None:
        last = task.try_errors[-1] if task.try_errors else "unknown exception"
        return last, "(no traceback in the log)", None
    frame = tbtext.last_user_frame(failure.traceback) if failure.traceback else None
    where = f"{frame.file}:{frame.line}" if frame is not None else None
    return failure.type, one_line(failure.message), where


def _hint(task: Task) -> str | None:
    failure = task.failure
    if failure is None:
        return None
    files, functions = tbtext.frame_names(failure.traceback)
    return hint_kind(failure.type, failure.message, files, functions)


def bash_exit(task: Task) -> tuple[str, int] | None:
    """The app name and exit code of a bash app that exited non-zero."""
    if task.failure is None:
        return None
    match = _BASH_EXIT.search(task.failure.message)
    return (match.group(1), int(match.group(2))) if match else None


def likely_oom(task: Task, mem_per_worker_gb: float | None) -> bool:
    """A lost worker whose last recorded memory use was near its host's or its limit."""
    memory = task.memory
    if memory is None or task.failure is None:
        return False
    if task.failure.short_type not in ("WorkerLost", "ManagerLost"):
        return False
    if memory.percent is not None and memory.percent >= OOM_SHARE * 100:
        return True
    if memory.host_total and memory.peak_rss >= OOM_SHARE * memory.host_total:
        return True
    limit = mem_per_worker_gb * 1024**3 if mem_per_worker_gb else None
    return bool(limit and memory.peak_rss >= OOM_SHARE * limit)


def root_paths(result: Analysis, tid: int) -> list[list[int]]:
    """For one failed task, a path (task, parent, ..., root) to each of its root tasks."""
    tasks = result.tasks
    parent: dict[int, int | None] = {tid: None}
    queue = [tid]
    for current in queue:  # breadth first: the shortest path to each root
        for dep in tasks[current].upstream:
            if dep not in parent and dep in tasks and tasks[dep].state in FAILED_STATES:
                parent[dep] = current
                queue.append(dep)
    paths = []
    for root in result.roots.get(tid, ()):
        if root not in parent:
            continue
        path = [root]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])  # type: ignore[arg-type]
        paths.append(path[::-1])
    return paths


def dependents(result: Analysis, tid: int) -> list[int]:
    """The failed tasks this one's failure blocked, directly or through others."""
    reverse: dict[int, list[int]] = {}
    for task in result.tasks.values():
        if task.state in FAILED_STATES:
            for up in task.upstream:
                reverse.setdefault(up, []).append(task.tid)
    seen: set[int] = set()
    queue = [tid]
    for current in queue:
        for later in reverse.get(current, ()):
            if later not in seen:
                seen.add(later)
                queue.append(later)
    return sorted(seen - {tid})


def one_line(message: str) -> str:
    """A multi-line exception message on one line (Parsl's block errors span several)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())
