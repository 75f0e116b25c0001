"""Read a run's records from Parsl's ``monitoring.db`` with the standard library's sqlite3.

Parsl writes the database (through SQLAlchemy) when ``Config(monitoring=MonitoringHub(...))``
is set, by default to ``<config run_dir>/monitoring.db``: the directory that holds the
numbered run directories, shared by every run and keyed by run id. This module reads the
tables ``workflow``, ``task``, ``try``, ``status``, ``resource`` and ``node`` read-only, and
needs no SQLAlchemy.

:func:`merge` folds those records into the tasks read from ``parsl.log``. The log is written
synchronously by the DFK while monitoring messages travel asynchronously and the last ones
can be lost, so where the two disagree on a task's app, state, tries or dependencies the
log's value is used (the database fills in what the log lacks), except when the log stops
before the task ended and the database has its end (a log cut off or still being written);
each disagreement is kept on the task with the source used, so the report can say so.
Hosts, blocks and memory use come only from the database.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing

from parsl_lint.postmortem.model import FINAL_STATES, Failure, Memory, Run, Task

LOG, DB = 1, 2


class MonitoringError(Exception):
    """The database exists but cannot be read."""


class DbRun:
    """One run's rows: tasks by id, plus the workflow row's summary."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.tasks: dict[int, Task] = {}
        self.workflow_name: str | None = None
        self.rundir: str | None = None


def find_database(run_dir: str) -> str | None:
    """``monitoring.db`` beside the numbered run directories (Parsl's default), or inside
    the run directory."""
    for candidate in (
        os.path.join(os.path.dirname(os.path.abspath(run_dir)), "monitoring.db"),
        os.path.join(run_dir, "monitoring.db"),
    ):
        if os.path.isfile(candidate):
            return candidate
    return None


def read_run(path: str, run_id: str | None, run_dir: str) -> DbRun | None:
    """The rows of one run: by ``run_id``, else the run whose ``rundir`` is ``run_dir``.

    None when the database has no such run (monitoring was off for it).
    """
    try:
        conn = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise MonitoringError(f"{path}: {err}") from err
    with closing(conn):
        try:
            return _read(conn, run_id, os.path.abspath(run_dir))
        except sqlite3.Error as err:
            raise MonitoringError(f"{path}: {err}") from err


def _read(conn: sqlite3.Connection, run_id: str | None, run_dir: str) -> DbRun | None:
    row = None
    if run_id is not None:
        row = conn.execute(
            "SELECT run_id, workflow_name, rundir FROM workflow WHERE run_id = ?", (run_id,)
        ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT run_id, workflow_name, rundir FROM workflow WHERE rundir = ? "
            "ORDER BY time_began DESC LIMIT 1",
            (run_dir,),
        ).fetchone()
    if row is None:
        return None
    db = DbRun(row[0])
    db.workflow_name, db.rundir = row[1], row[2]
    rid = db.run_id
    for tid, depends, app, stdout, stderr in conn.execute(
        "SELECT task_id, task_depends, task_func_name, task_stdout, task_stderr "
        "FROM task WHERE run_id = ?",
        (rid,),
    ):
        task = db.tasks[tid] = Task(tid)
        task.sources = DB
        task.app = app
        task.depends = tuple(int(d) for d in (depends or "").split(",") if d.strip().isdigit())
        task.stdout = stdout or None
        task.stderr = stderr or None
    for tid, try_id, block, host, executor, launched, history in conn.execute(
        "SELECT task_id, try_id, block_id, hostname, task_executor, task_try_time_launched, "
        'task_fail_history FROM "try" WHERE run_id = ? ORDER BY task_id, try_id',
        (rid,),
    ):
        task = db.tasks.get(tid)
        if task is None:
            continue
        if launched is not None:
            task.tries = max(task.tries, int(try_id) + 1)
        if history:
            name = _exception_name(history)
            task.try_errors.append(name)
            task.failure = Failure(name, history, "")
        task.executor = executor or task.executor
        task.block = block if block is not None else task.block
        task.host = host or task.host
    for tid, state in conn.execute(
        "SELECT task_id, task_status_name FROM status WHERE run_id = ? ORDER BY task_id, timestamp",
        (rid,),
    ):
        task = db.tasks.get(tid)
        if task is not None:
            task.state = state
    _read_memory(conn, db)
    return db


def _read_memory(conn: sqlite3.Connection, db: DbRun) -> None:
    """Each task's last sample with a live process (RSS > 0), its peak, and its host's size."""
    totals = dict(
        conn.execute(
            "SELECT hostname, MAX(total_memory) FROM node WHERE run_id = ? GROUP BY hostname",
            (db.run_id,),
        ).fetchall()
    )
    rows = conn.execute(
        "SELECT task_id, psutil_process_memory_resident, psutil_process_memory_percent "
        "FROM resource WHERE run_id = ? ORDER BY task_id, try_id, timestamp",
        (db.run_id,),
    )
    last: dict[int, tuple[float, float | None, float]] = {}
    for tid, rss, percent in rows:
        if not rss:
            continue
        peak = max(float(rss), last[tid][2]) if tid in last else float(rss)
        last[tid] = (float(rss), percent, peak)
    for tid, (rss, percent, peak) in last.items():
        task = db.tasks.get(tid)
        if task is not None:
            total = totals.get(task.host) if task.host else None
            task.memory = Memory(rss, percent, peak, float(total) if total else None)


def merge(run: Run, db: DbRun) -> int:
    """Fold the database's records into ``run``; returns how many tasks disagreed."""
    disagreeing = 0
    for tid, row in db.tasks.items():
        task = run.tasks.get(tid)
        if task is None:  # the log was cut before this task
            run.tasks[tid] = row
            continue
        task.sources |= DB
        notes = []
        for field, log_value, db_value in (
            ("app", task.app, row.app),
            ("state", task.state, row.state),
            ("tries", task.tries or None, row.tries or None),
            ("dependencies", _ids(task.depends), _ids(row.depends)),
        ):
            if log_value is None or log_value == "":
                _fill(task, field, row)
            elif db_value not in (None, "") and log_value != db_value:
                if field in ("state", "tries") and _log_is_behind(task, row):
                    notes.append((field, str(log_value), str(db_value), "monitoring.db"))
                    _fill(task, field, row)
                else:
                    notes.append((field, str(log_value), str(db_value), "parsl.log"))
        if notes:
            task.disagreements = notes
            disagreeing += 1
        task.host = row.host
        task.block = row.block
        task.memory = row.memory
        task.stdout = task.stdout or row.stdout
        task.stderr = task.stderr or row.stderr
        task.executor = task.executor or row.executor
        if task.failure is None and row.failure is not None:
            task.failure = row.failure
    return disagreeing


def _log_is_behind(task: Task, row: Task) -> bool:
    """The log stops before the task ended (cut off, or still being written) and the database
    has its end: then the database's state and tries are the later news."""
    return task.state not in FINAL_STATES and row.state in FINAL_STATES


def _fill(task: Task, field: str, row: Task) -> None:
    if field == "app":
        task.app = row.app
    elif field == "state":
        task.state = row.state
    elif field == "tries":
        task.tries = row.tries
    elif field == "dependencies":
        task.depends = row.depends


def _ids(ids: tuple[int, ...]) -> str | None:
    return ",".join(map(str, sorted(ids))) if ids else None


def _exception_name(history: str) -> str:
    """``WorkerLost`` from the ``repr`` Parsl stores as a try's fail history."""
    head = history.partition("(")[0].strip()
    return head if head.replace(".", "").replace("_", "").isalnum() else "Exception"
