"""The value types of a post-mortem: one task as the run's records tell it, and the run.

They are filled by :mod:`.logparse` (from ``parsl.log``) and :mod:`.monitoring` (from
``monitoring.db``), and read by :mod:`.analysis` and :mod:`.render`. Slotted classes: a run
can hold hundreds of thousands of tasks.
"""

from __future__ import annotations

#: Parsl's task states that end a task; any other last state means it never finished.
FINAL_STATES = frozenset({"exec_done", "memo_done", "failed", "dep_fail"})
#: The final states of a task that did not produce a result.
FAILED_STATES = frozenset({"failed", "dep_fail"})


class Failure:
    """A task's final exception as logged: its class name, message and traceback text."""

    __slots__ = ("message", "traceback", "type")

    def __init__(self, type_name: str, message: str, traceback: str) -> None:
        self.type = (
            type_name  #: as the traceback names it, e.g. ``parsl.app.errors.BashExitFailure``
        )
        self.message = message
        self.traceback = traceback  #: the whole text Parsl logged, chained exceptions included

    @property
    def short_type(self) -> str:
        return self.type.rpartition(".")[2]


class Task:
    """Everything known about one task of a run."""

    __slots__ = (
        "app",
        "depends",
        "ended",
        "executor",
        "executor_ids",
        "failure",
        "host",
        "block",
        "join_failed",
        "joins",
        "launched",
        "memory",
        "sources",
        "state",
        "stderr",
        "stdout",
        "submitted",
        "tid",
        "tries",
        "try_errors",
        "disagreements",
    )

    def __init__(self, tid: int) -> None:
        self.tid = tid
        self.app: str | None = None
        self.executor: str | None = None
        self.depends: tuple[int, ...] = ()  #: ids of the tasks (and DataFutures' tasks) waited for
        self.joins: tuple[int, ...] = ()  #: a join app's inner tasks (as far as the log shows)
        self.join_failed = False  #: a join app that failed because an inner task failed
        self.state: str | None = None  #: the last state recorded
        self.tries = 0  #: how many times it was launched
        self.try_errors: list[str] = []  #: the exception class of each failed try, in order
        self.executor_ids: list[int] = []  #: HTEX's own task id of each try
        self.submitted: float | None = None
        self.launched: float | None = None  #: first launch (epoch seconds)
        self.ended: float | None = None  #: when it reached a final state
        self.failure: Failure | None = None
        self.stdout: str | None = None  #: the file a bash app's stdout went to
        self.stderr: str | None = None
        self.host: str | None = None  #: from monitoring.db
        self.block: str | None = None  #: from monitoring.db
        self.memory: Memory | None = None  #: from monitoring.db
        self.sources = 0  #: bit 1: parsl.log, bit 2: monitoring.db
        self.disagreements: list[tuple[str, str, str, str]] | None = None  # field, log, db, used

    @property
    def upstream(self) -> tuple[int, ...]:
        """The tasks whose failure this task's failure can come from."""
        return self.depends + self.joins if self.joins else self.depends

    @property
    def is_root(self) -> bool:
        """It failed by itself (not through a dependency or a joined task)."""
        return self.state == "failed" and not (self.join_failed and self.joins)

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def duration(self) -> float | None:
        if self.launched is None or self.ended is None:
            return None
        return max(0.0, self.ended - self.launched)


class Memory:
    """The task's last recorded resource use (monitoring.db) and its host's memory."""

    __slots__ = ("host_total", "percent", "peak_rss", "rss")

    def __init__(
        self, rss: float, percent: float | None, peak_rss: float, host_total: float | None
    ) -> None:
        self.rss = rss  #: bytes, the last sample with a live process
        self.percent = percent  #: of the host's memory, as psutil gave it
        self.peak_rss = peak_rss
        self.host_total = host_total  #: bytes


class Executor:
    """An executor of the run's configuration, as far as the logged config shows it."""

    __slots__ = ("kind", "label", "mem_per_worker", "worker_logdir_root")

    def __init__(self, kind: str) -> None:
        self.kind = kind  #: the class name, e.g. HighThroughputExecutor
        self.label: str | None = None
        self.worker_logdir_root: str | None = None
        self.mem_per_worker: float | None = None  #: GB, when set


class Run:
    """One DFK's run as read from parsl.log (and monitoring.db)."""

    def __init__(self) -> None:
        self.run_id: str | None = None
        self.parsl_version: str | None = None
        self.started: float | None = None
        self.cleanup_complete = False  #: the DFK logged the end of its cleanup
        self.cleanup_started = False
        self.executors: dict[str, Executor] = {}
        self.tasks: dict[int, Task] = {}
        self.events: list[str] = []  #: run-level errors and warnings (capped)
        self.events_dropped = 0
