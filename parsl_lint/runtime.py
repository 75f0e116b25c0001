"""Runtime helpers that make a failed Parsl task readable in the log.

``parsl-lint fix`` rewrites ``fut.result()`` to ``unwrap_parsl_future(fut, "name")``. This module
owns that helper and its batch form, ``unwrap_parsl_futures``. On failure they log one block
per failed task: who failed (task id, app, executor, tries), the chain of a ``DependencyError``
down to *every* failed upstream task, each root cause's traceback from the worker, the exit
code and the tail of the stdout/stderr files of a bash app, and a one-line hint for the
failures that are hard to decode. Then they re-raise the original exception.

The module is cheap to import: it imports neither libcst nor click, and imports Parsl only
when it has a failure to describe. It never reads an unknown attribute of an ``AppFuture``:
Parsl lifts ``__getattr__`` there, so even ``hasattr(fut, "x")`` submits a new task.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from concurrent.futures import Future
    from traceback import FrameSummary

__all__ = ["ParslTasksFailed", "unwrap_parsl_future", "unwrap_parsl_futures"]

T = TypeVar("T")

_LOGGER_NAME = "parsl_lint.runtime"
_FAQ_SERIALIZATION = "https://parsl.readthedocs.io/en/latest/faq.html#addressing-serializationerror"
_CAUSE_LINK = "The above exception was the direct cause of the following exception:"
_CONTEXT_LINK = "During handling of the above exception, another exception occurred:"
#: How many failed task names the summary line spells out before it says "and N more".
_SUMMARY_NAMES = 20


if sys.version_info >= (3, 11):

    class ParslTasksFailed(ExceptionGroup):  # noqa: F821 (a builtin on Python 3.11+)
        """Raised by :func:`unwrap_parsl_futures` when at least one task failed.

        On Python 3.11+ this is an ``ExceptionGroup``, so ``except*`` works on it. Attributes:
        ``message`` (the summary line), ``exceptions`` (the original exceptions, in input
        order), ``failures`` (task name -> exception) and ``results`` (task name -> value of
        the tasks that succeeded). Groups derived with ``split()``/``subgroup()`` are plain
        ``ExceptionGroup`` objects without ``failures``/``results``.
        """

        failures: dict[str, BaseException]
        results: dict[str, Any]

else:

    class ParslTasksFailed(Exception):
        """Raised by :func:`unwrap_parsl_futures` when at least one task failed.

        Python < 3.11 has no ``ExceptionGroup``; this class carries the same attributes as
        the 3.11+ version: ``message``, ``exceptions`` (a tuple, input order), ``failures``
        (task name -> exception) and ``results`` (task name -> value of the tasks that
        succeeded).
        """

        failures: dict[str, BaseException]
        results: dict[str, Any]

        def __init__(self, message: str, exceptions: Iterable[BaseException]) -> None:
            self.message = message
            self.exceptions = tuple(exceptions)
            super().__init__(message, self.exceptions)

        def __str__(self) -> str:
            n = len(self.exceptions)
            return f"{self.message} ({n} sub-exception{'' if n == 1 else 's'})"


def unwrap_parsl_future(
    future: Future[T],
    name: str,
    *,
    timeout: float | None = None,
    logger: logging.Logger | None = None,
    tail_lines: int = 20,
) -> T:
    """Return ``future.result()``; if the task failed, log why at ERROR and re-raise.

    Use it wherever a workflow calls ``fut.result()`` on a Parsl ``AppFuture`` (a
    ``DataFuture`` or a plain ``concurrent.futures.Future`` work too, with less detail).

    On failure one block is logged (to ``logger``, default the ``parsl_lint.runtime`` logger)
    holding the task id, app name, executor and tries; for a ``DependencyError`` or
    ``JoinError`` the chain down to every failed upstream task; the traceback of each root
    cause as raised on the worker, with Parsl's own frames trimmed and chained causes kept;
    for bash apps the exit code and the last ``tail_lines`` lines of the task's stdout and
    stderr files; and a one-line hint for failures that are hard to decode. Then the
    original exception object is re-raised unchanged, so existing ``except`` clauses behave
    as before. On success nothing is logged.

    Args:
        future: the future to wait for.
        name: a descriptive name for the log, e.g. ``"build_target_abc123"``.
        timeout: seconds to wait at most. ``None`` waits forever.
        logger: where to log the block.
        tail_lines: how many trailing lines of a bash app's stdout/stderr to show; ``0``
            shows only the paths.

    Returns:
        The task's result.

    Raises:
        TimeoutError: the future did not finish within ``timeout`` seconds. The message
            names the task and its Parsl status; nothing is logged. This is the builtin
            ``TimeoutError`` (the same class as ``concurrent.futures.TimeoutError`` only on
            Python 3.11+).
        BaseException: the task's own exception, re-raised as is.
    """
    from concurrent.futures import TimeoutError as FutureTimeout

    try:
        # exception() waits like result() does but does not re-raise, so the exception's
        # traceback does not grow with every call.
        exc = future.exception(timeout=timeout)
    except FutureTimeout:
        raise TimeoutError(_timeout_message(future, name, timeout)) from None
    if exc is None:
        return future.result()
    (logger or logging.getLogger(_LOGGER_NAME)).error(
        "%s", _describe_failure(future, name, exc, tail_lines)
    )
    raise exc


def unwrap_parsl_futures(
    named_futures: Mapping[str, Future[Any]] | Iterable[tuple[str, Future[Any]]],
    *,
    timeout: float | None = None,
    logger: logging.Logger | None = None,
    tail_lines: int = 20,
) -> dict[str, Any]:
    """Wait for all futures, log every failure once, and return the results by name.

    The batch form of :func:`unwrap_parsl_future`, for the "collect errors and carry on"
    pattern: a failed task does not stop the waiting for the others. Each failure is logged
    as one block, in the order the tasks finish. When several failures share a root cause
    (a fan-out from one failed task), that root's traceback is logged once and the later
    blocks refer back to it. At the end a summary line such as
    ``3 of 40 tasks failed: a, b, c`` is logged (nothing is logged when all succeed).

    Args:
        named_futures: a mapping name -> future, or an iterable of ``(name, future)`` pairs.
            Names must be unique.
        timeout: seconds to wait at most for *all* futures together. Tasks still running
            then count as failed with a ``TimeoutError`` naming the task and its status.
        logger: where to log (default: the ``parsl_lint.runtime`` logger).
        tail_lines: as for :func:`unwrap_parsl_future`.

    Returns:
        A dict name -> result, in input order, when every task succeeded.

    Raises:
        ParslTasksFailed: at least one task failed or timed out. It is an
            ``ExceptionGroup`` on Python 3.11+ (see the class for the fallback) whose
            ``exceptions`` are the tasks' original exception objects; ``failures`` maps
            names to them and ``results`` holds the values of the tasks that succeeded.
        ValueError: a name appears twice.
    """
    import itertools
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures import as_completed

    pairs = list(named_futures.items() if _is_mapping(named_futures) else named_futures)
    names_by_future: dict[int, list[str]] = {}
    futures: list[Future[Any]] = []
    seen_names: set[str] = set()
    for name, fut in pairs:
        if name in seen_names:
            raise ValueError(f"unwrap_parsl_futures: the name {name!r} is used twice")
        seen_names.add(name)
        if id(fut) not in names_by_future:
            names_by_future[id(fut)] = []
            futures.append(fut)
        names_by_future[id(fut)].append(name)

    log = logger or logging.getLogger(_LOGGER_NAME)
    failures: dict[str, BaseException] = {}
    shown_roots: dict[int, str] = {}
    # Already finished futures in input order, then the others as they finish (a root
    # cause finishes before the tasks that depend on it, so it is described first).
    done_now = [fut.done() for fut in futures]
    finished = [fut for fut, done in zip(futures, done_now) if done]
    running = [fut for fut, done in zip(futures, done_now) if not done]
    try:
        for fut in itertools.chain(finished, as_completed(running, timeout=timeout)):
            exc = fut.exception()
            if exc is None:
                continue
            if not isinstance(exc, Exception):
                raise exc  # KeyboardInterrupt, SystemExit, ...: not ours to collect
            for name in names_by_future[id(fut)]:
                failures[name] = exc
                log.error("%s", _describe_failure(fut, name, exc, tail_lines, shown_roots))
    except FutureTimeout:
        for fut in futures:
            if not fut.done():
                for name in names_by_future[id(fut)]:
                    failures[name] = TimeoutError(_timeout_message(fut, name, timeout))
                    log.error("%s", failures[name])

    results = {name: fut.result() for name, fut in pairs if name not in failures}
    if not failures:
        return results
    failed = [name for name, _ in pairs if name in failures]
    shown = ", ".join(failed[:_SUMMARY_NAMES])
    if len(failed) > _SUMMARY_NAMES:
        shown += f", and {len(failed) - _SUMMARY_NAMES} more"
    summary = f"{len(failed)} of {len(pairs)} tasks failed: {shown}"
    log.error("%s", summary)
    error = ParslTasksFailed(summary, [failures[name] for name in failed])
    error.failures = {name: failures[name] for name in failed}
    error.results = results
    raise error


# --------------------------------------------------------------------------------------------
# Describing a failure


class _Parsl(NamedTuple):
    """The Parsl classes the description needs, imported only once a failure is described."""

    package_dir: str
    AppFuture: type
    DataFuture: type
    PropagatedException: type
    BashExitFailure: type
    AppTimeout: type
    SerializationError: type
    BadStateException: type
    lost: tuple[type, ...]  # WorkerLost, ManagerLost
    bash_runner: Callable[..., Any]  # the function every bash app runs remotely


_parsl_cache: list[_Parsl | None] = []


def _parsl() -> _Parsl | None:
    """Parsl's classes, or None if Parsl was never imported (then no Parsl object exists)."""
    if not _parsl_cache:
        if "parsl" not in sys.modules:
            return None
        try:
            from parsl.app.bash import remote_side_bash_executor
            from parsl.app.errors import AppTimeout, BashExitFailure
            from parsl.app.futures import DataFuture
            from parsl.dataflow.errors import PropagatedException
            from parsl.dataflow.futures import AppFuture
            from parsl.executors.errors import BadStateException
            from parsl.executors.high_throughput.errors import ManagerLost, WorkerLost
            from parsl.serialize.errors import SerializationError
        except ImportError:  # pragma: no cover - a Parsl too old or too new for this helper
            _parsl_cache.append(None)
        else:
            _parsl_cache.append(
                _Parsl(
                    package_dir=os.path.dirname(os.path.abspath(sys.modules["parsl"].__file__)),
                    AppFuture=AppFuture,
                    DataFuture=DataFuture,
                    PropagatedException=PropagatedException,
                    BashExitFailure=BashExitFailure,
                    AppTimeout=AppTimeout,
                    SerializationError=SerializationError,
                    BadStateException=BadStateException,
                    lost=(WorkerLost, ManagerLost),
                    bash_runner=remote_side_bash_executor,
                )
            )
    return _parsl_cache[0]


def _task_record(future: Future[Any], p: _Parsl | None) -> dict[str, Any] | None:
    """The task record behind an AppFuture, or behind the task a DataFuture belongs to."""
    if p is None:
        return None
    if isinstance(future, p.DataFuture):
        future = future.parent  # a DataFuture is a plain Future subclass: no lifted getattr
    if isinstance(future, p.AppFuture):
        return future.task_record  # type: ignore[attr-defined]
    return None


def _task_label(record: dict[str, Any]) -> str:
    return f"task {record['id']} ({record['func_name']})"


def _task_details(record: dict[str, Any]) -> str:
    return (
        f"executor '{record['executor']}', tries: {record['fail_count']}, "
        f"status: {record['status'].name}"
    )


def _exc_line(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _timeout_message(future: Future[Any], name: str, timeout: float | None) -> str:
    record = _task_record(future, _parsl())
    if record is None:
        what, status = "future", "running" if future.running() else "pending"
    else:
        what, status = _task_label(record), record["status"].name
        what += f" on executor '{record['executor']}'"
    return f"[{name}] {what} did not finish within {timeout:g} s (status: {status})"


def _describe_failure(
    future: Future[Any],
    name: str,
    exc: BaseException,
    tail_lines: int,
    shown_roots: dict[int, str] | None = None,
) -> str:
    """The log block for a failed future. Never raises: a bug here must not hide ``exc``."""
    try:
        return "\n".join(_failure_lines(future, name, exc, tail_lines, shown_roots))
    except Exception as bug:  # pragma: no cover - defensive
        import traceback

        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return f"[{name}] task failed: {_exc_line(exc)}\n{text}(parsl_lint: {bug!r})"


def _failure_lines(
    future: Future[Any],
    name: str,
    exc: BaseException,
    tail_lines: int,
    shown_roots: dict[int, str] | None,
) -> list[str]:
    p = _parsl()
    record = _task_record(future, p)
    if record is None:
        lines = [f"[{name}] future failed: {_exc_line(exc)}"]
    else:
        lines = [f"[{name}] {_task_label(record)} failed ({_task_details(record)})"]
        lines.append(_exc_line(exc))

    roots: list[tuple[BaseException, list[str], dict[str, Any] | None]] = []
    if p is not None and isinstance(exc, p.PropagatedException):
        roots = _upstream_failures(exc, p, future)
    if not roots:
        return lines + _root_section(name, exc, record, p, tail_lines, shown_roots)
    here = _task_label(record) if record is not None else name
    count = len(roots)
    lines.append(f"{count} failed upstream task{'' if count == 1 else 's'} caused this:")
    for i, (root, path, _) in enumerate(roots, 1):
        first_line = _exc_line(root).split("\n", 1)[0]
        lines.append(f"  {i}. {' <- '.join([here, *path])}: {first_line}")
    for i, (root, path, root_record) in enumerate(roots, 1):
        where = path[-1] if root_record is None else _task_label(root_record)
        details = "" if root_record is None else f": {_task_details(root_record)}"
        lines.append(f"--- {i}. {where}{details} ---")
        lines += _root_section(name, root, root_record, p, tail_lines, shown_roots)
    return lines


def _root_section(
    name: str,
    exc: BaseException,
    record: dict[str, Any] | None,
    p: _Parsl | None,
    tail_lines: int,
    shown_roots: dict[int, str] | None,
) -> list[str]:
    """Traceback, bash exit code and output tails, and hints for one non-propagated error.

    In a batch (``shown_roots`` given) each root error is described once; later blocks
    that reach the same exception object point back to the first one.
    """
    if shown_roots is not None:
        if id(exc) in shown_roots:
            return [f"(traceback and details logged above, for [{shown_roots[id(exc)]}])"]
        shown_roots[id(exc)] = name
    lines = _format_traceback(exc, p)
    if p is not None and record is not None and _is_bash_task(record, exc, p):
        lines += _bash_lines(exc, record, p, tail_lines)
    lines += [f"Hint: {hint}" for hint in _hints(exc, record, p)]
    return lines


def _upstream_failures(
    exc: BaseException, p: _Parsl, future: Future[Any]
) -> list[tuple[BaseException, list[str], dict[str, Any] | None]]:
    """Every root cause of a PropagatedException: ``(exception, path, task record)``.

    The path lists each level below the failed task, e.g. ``["task 1 (double)", "task 0
    (load)"]``. Roots and intermediate errors are deduplicated by object identity, so a
    diamond-shaped graph lists a shared root once.
    """
    by_exc, by_tid = _failed_upstream_records(future, p)
    roots: list[tuple[BaseException, list[str], dict[str, Any] | None]] = []
    seen: set[int] = {id(exc)}

    def walk(err: BaseException, path: list[str]) -> None:
        for dep_exc, description in err.dependent_exceptions_tids:  # type: ignore[attr-defined]
            if id(dep_exc) in seen:
                continue
            seen.add(id(dep_exc))
            record = by_exc.get(id(dep_exc)) or by_tid.get(_tid_of(description))
            step = description if record is None else _task_label(record)
            if isinstance(dep_exc, p.PropagatedException) and dep_exc.dependent_exceptions_tids:
                walk(dep_exc, [*path, step])
            else:
                roots.append((dep_exc, [*path, step], record))

    walk(exc, [])
    return roots


def _failed_upstream_records(
    future: Future[Any], p: _Parsl
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Task records of the failed tasks upstream of ``future``, by id(exception) and task id.

    Follows ``task_record['depends']`` (the futures a task waited for) and ``['joins']``
    (what a join app joined), which Parsl keeps after the task finished. Only failed
    futures are followed: a failure cannot come through a task that succeeded.
    """
    by_exc: dict[int, dict[str, Any]] = {}
    by_tid: dict[int, dict[str, Any]] = {}
    start = _task_record(future, p)
    stack = [] if start is None else [start]
    visited: set[int] = set()
    while stack:
        record = stack.pop()
        if record["id"] in visited:
            continue
        visited.add(record["id"])
        by_tid[record["id"]] = record
        app_fu = record.get("app_fu")
        if app_fu is not None and app_fu.done():
            dep_exc = app_fu.exception(timeout=0)
            if dep_exc is not None:
                by_exc.setdefault(id(dep_exc), record)
        joins = record.get("joins")
        upstream = list(record.get("depends") or [])
        upstream += joins if isinstance(joins, list) else [joins] if joins is not None else []
        for dep in upstream:
            dep_record = _task_record(dep, p)
            if dep_record is not None and dep.done() and dep.exception(timeout=0) is not None:
                stack.append(dep_record)
    return by_exc, by_tid


def _tid_of(description: str) -> int:
    """The task id in Parsl's descriptions ``'task 3'`` / ``'DataFuture from task 3'``."""
    head, _, tid = description.rpartition("task ")
    return int(tid) if tid.isdigit() and (not head or head.endswith(" ")) else -1


# --------------------------------------------------------------------------------------------
# Tracebacks


def _format_traceback(exc: BaseException, p: _Parsl | None) -> list[str]:
    """Like ``traceback.format_exception``, minus Parsl's frames before the app's own.

    Chained exceptions (``raise X from Y`` and implicit context) are kept. The frames of an
    exception raised inside Parsl's own machinery (serialization, the worker pool) are left
    out; a lone such exception gives no lines, as the header already names it. Column carets
    are left out too: frames rebuilt from a worker (tblib) carry no column information.
    """
    import traceback

    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE_LINK
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT_LINK
        else:
            current = None

    lines: list[str] = []
    any_frames = False
    for err, link in reversed(chain):
        frames = list(traceback.extract_tb(err.__traceback__))
        kept = _trim_frames(frames, p)
        if kept and not all(_is_internal(frame.filename, p) for frame in kept):
            any_frames = True
            omitted = len(frames) - len(kept)
            note = (
                f"; {omitted} internal frame{'s' if omitted > 1 else ''} omitted" if omitted else ""
            )
            lines.append(f"Traceback (most recent call last{note}):")
            for frame in kept:
                lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
                if frame.line:
                    lines.append(f"    {frame.line.strip()}")
        lines += "".join(traceback.format_exception_only(type(err), err)).rstrip("\n").split("\n")
        if link is not None:
            lines += ["", link, ""]
    return lines if any_frames or len(chain) > 1 else []


def _trim_frames(frames: list[FrameSummary], p: _Parsl | None) -> list[FrameSummary]:
    """Drop the leading frames that are Parsl's (or concurrent.futures') machinery.

    A task's exception is re-raised on the submit side by ``RemoteExceptionWrapper.reraise``;
    everything after that frame is the worker's side. Without such a frame, leading frames
    of ``parsl/dataflow``, ``concurrent/futures`` and ``functools`` are dropped. The last
    frame is always kept.
    """
    if not frames:
        return frames
    errors_py = "" if p is None else os.path.join(p.package_dir, "app", "errors.py")
    start = 0
    for i, frame in enumerate(frames):
        if frame.filename == errors_py and frame.name == "reraise":
            start = i + 1
    if start:
        if start < len(frames) and frames[start].filename == errors_py:
            start += 1  # wrap_error's wrapper around the app function
    else:
        dataflow = "" if p is None else os.path.join(p.package_dir, "dataflow", "")
        futures_dir = os.path.join("concurrent", "futures", "")
        while start < len(frames):
            filename = frames[start].filename
            if (dataflow and filename.startswith(dataflow)) or futures_dir in filename:
                start += 1
            elif os.path.basename(filename) == "functools.py":
                start += 1
            else:
                break
    return frames[min(start, len(frames) - 1) :]


def _is_internal(filename: str, p: _Parsl | None) -> bool:
    """Is this frame Parsl's own machinery: its package, worker pool, dill or pickle?"""
    if p is None:
        return False
    if filename.startswith(os.path.join(p.package_dir, "")):
        return True
    if os.path.basename(filename) in ("process_worker_pool.py", "interchange.py", "pickle.py"):
        return True
    return os.path.join("site-packages", "dill", "") in filename


# --------------------------------------------------------------------------------------------
# Bash apps


def _is_bash_task(record: dict[str, Any], exc: BaseException, p: _Parsl) -> bool:
    if isinstance(exc, p.BashExitFailure):
        return True
    # A bash app's task function is wrap_error(partial(remote_side_bash_executor, func)).
    # record["func"] is a plain function, never an AppFuture, so getattr is safe here.
    inner = getattr(record.get("func"), "__wrapped__", None)
    return getattr(inner, "func", None) is p.bash_runner


def _bash_lines(
    exc: BaseException, record: dict[str, Any], p: _Parsl, tail_lines: int
) -> list[str]:
    lines = []
    if isinstance(exc, p.BashExitFailure):
        lines.append(f"Bash app '{exc.app_name}' exited with code {exc.exitcode}.")
    app_fu = record.get("app_fu")
    if isinstance(app_fu, p.AppFuture):  # its real stdout/stderr properties, nothing else
        specs = {"stdout": app_fu.stdout, "stderr": app_fu.stderr}  # type: ignore[attr-defined]
        for stream, spec in specs.items():
            lines += _stream_lines(stream, _stream_path(spec, p), tail_lines)
    return lines


def _stream_path(spec: Any, p: _Parsl) -> str | None:
    """The file path of a bash app's stdout/stderr argument, whatever form it was given in.

    ``parsl.AUTO_LOGNAME`` is already replaced by a path when the task is submitted.
    """
    if spec is None:
        return None
    if isinstance(spec, p.DataFuture):
        return str(spec.filepath)
    if isinstance(spec, tuple) and spec:  # (path, mode)
        spec = spec[0]
    try:
        return os.fspath(spec)  # str, pathlib.Path, parsl File
    except TypeError:
        return str(spec)


def _stream_lines(stream: str, path: str | None, tail_lines: int) -> list[str]:
    if path is None:
        return [f"{stream}: not redirected (pass {stream}=<path> or parsl.AUTO_LOGNAME to keep it)"]
    if tail_lines <= 0:
        return [f"{stream}: {path}"]
    try:
        tail = read_tail(path, tail_lines)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return [
            f"{stream}: {path} (not readable from here: {reason}; "
            "if the task ran on another host, the file is on that host)"
        ]
    if not tail:
        return [f"{stream}: {path} (empty)"]
    plural = "" if len(tail) == 1 else "s"
    return [f"{stream}: {path} (last {len(tail)} line{plural}):", *(f"  | {t}" for t in tail)]


def read_tail(path: str, n: int) -> list[str]:
    """The last ``n`` lines of a file, read from its end (task logs can be large).

    Raises ``OSError`` when the file cannot be read; the post-mortem reuses it.
    """
    with open(path, "rb") as fh:
        pos = fh.seek(0, os.SEEK_END)
        data = b""
        while pos > 0 and data.count(b"\n") <= n:
            step = min(65536, pos)
            pos -= step
            fh.seek(pos)
            data = fh.read(step) + data
    return data.decode("utf-8", "replace").splitlines()[-n:]


# --------------------------------------------------------------------------------------------
# Hints


def _hints(exc: BaseException, record: dict[str, Any] | None, p: _Parsl | None) -> list[str]:
    """One-line explanations for the failures people cannot decode from the message alone."""
    kind = _hint_kind(exc, p)
    if kind is None:
        return []
    cause = exc.__cause__ or exc.__context__
    walltime = None if record is None else record["kwargs"].get("walltime")
    return [
        failure_hint(
            kind,
            function=getattr(exc, "fname", None) if kind == "serialization" else None,
            cause=_exc_line(cause) if cause is not None else None,
            logs=_worker_logs(record) if kind in ("lost", "block-failed") else None,
            walltime=walltime,
            module=exc.name if isinstance(exc, ModuleNotFoundError) else None,
        )
    ]


def _hint_kind(exc: BaseException, p: _Parsl | None) -> str | None:
    """Which of :data:`HINT_KINDS` explains ``exc``, judged by its class (see also
    :func:`hint_kind` for the same judgement from the names a log holds)."""
    frames = _frames(exc) if isinstance(exc, (TypeError, ModuleNotFoundError)) else []
    if p is not None and isinstance(exc, p.SerializationError):
        return "serialization"
    if p is not None and isinstance(exc, p.lost):
        return "lost"
    if p is not None and isinstance(exc, p.BadStateException):
        return "block-failed"
    if p is not None and isinstance(exc, p.AppTimeout):
        return "timeout"
    return hint_kind(
        type(exc).__name__,
        str(exc),
        [os.path.basename(f.filename) for f in frames],
        [f.name for f in frames],
    )


#: The failures that get a one-line hint, by kind. :func:`failure_hint` words them; the
#: post-mortem of a finished run (``parsl-lint postmortem``) uses the same words.
HINT_KINDS = (
    "serialization",  # SerializationError: an argument could not be pickled
    "return-not-picklable",  # a raw TypeError from the worker pool pickling the result
    "not-picklable",  # any other "cannot pickle" TypeError
    "lost",  # WorkerLost / ManagerLost
    "block-failed",  # BadStateException: the executor's block failed
    "timeout",  # AppTimeout
    "app-module-missing",  # ModuleNotFoundError while the worker loads the app
    "module-missing",  # ModuleNotFoundError in the app body
    "name-error",  # NameError: a script global missing on the worker
)


def hint_kind(
    type_name: str, message: str, frame_files: Sequence[str], frame_functions: Sequence[str]
) -> str | None:
    """Which of :data:`HINT_KINDS` explains a failure known only by names, as a log holds it.

    ``type_name`` is the exception class's name, qualified or not; ``frame_files`` are the
    base names of the files of its traceback's frames and ``frame_functions`` their
    function names.
    """
    short = type_name.rpartition(".")[2]
    if short == "SerializationError":
        return "serialization"
    if short in ("WorkerLost", "ManagerLost"):
        return "lost"
    if short == "BadStateException":
        return "block-failed"
    if short == "AppTimeout":
        return "timeout"
    if short == "TypeError" and "pickle" in message:
        if "process_worker_pool.py" in frame_files:
            return "return-not-picklable"
        return "not-picklable"
    if short == "ModuleNotFoundError":
        if "unpack_apply_message" in frame_functions:
            return "app-module-missing"
        return "module-missing"
    if short == "NameError":
        return "name-error"
    return None


def failure_hint(
    kind: str,
    *,
    function: str | None = None,
    cause: str | None = None,
    logs: str | None = None,
    walltime: object = None,
    module: str | None = None,
) -> str:
    """The one-line hint for a failure of ``kind`` (one of :data:`HINT_KINDS`).

    ``function``: the app whose arguments could not be pickled; ``cause``: the pickling
    error; ``logs``: where to look for the worker's side; ``walltime``: the app's limit;
    ``module``: the module that could not be imported.
    """
    generic_logs = "Look in the worker logs (under the run directory, or worker_logdir_root)."
    if kind == "serialization":
        what = f" ({cause})" if cause else ""
        return (
            f"Parsl could not pickle the arguments of '{function or 'the app'}' to send them "
            f"to a worker{what}. Pass plain data (numbers, strings, paths, lists, dicts) "
            f"instead of generators, sockets, connections or locks. See {_FAQ_SERIALIZATION}"
        )
    if kind == "return-not-picklable":
        return (
            "The worker could not pickle the app's return value (or the exception it "
            "raised) to send it back; Parsl reports this as a raw TypeError, not a "
            "SerializationError. Return plain data: a list instead of a generator, a "
            f"path instead of an open file or connection. See {_FAQ_SERIALIZATION}"
        )
    if kind == "not-picklable":
        return (
            "An object could not be pickled: on a remote executor everything an app "
            f"receives or returns must be serializable. See {_FAQ_SERIALIZATION}"
        )
    if kind == "lost":
        return (
            "The worker process died without raising a Python exception: it was killed "
            "(out of memory or over its memory limit), crashed (a segfault in a C extension, "
            f"os._exit) or hit the batch job's walltime. {logs or generic_logs}"
        )
    if kind == "block-failed":
        return (
            "The executor's block (the batch job or local process running the workers) "
            f"failed, so its tasks were lost. {logs or generic_logs}"
        )
    if kind == "timeout":
        limit = "its walltime" if walltime is None else f"its walltime ({walltime} s)"
        return (
            f"The app ran longer than {limit} and was stopped. Raise walltime=, or split "
            "the work into smaller tasks."
        )
    if kind == "app-module-missing":
        return (
            f"The worker could not import '{module or 'the module'}', where the app or one "
            "of its arguments is defined: put its directory on PYTHONPATH in the executor's "
            "worker_init, or install the package in the workers' environment."
        )
    if kind == "module-missing":
        return (
            f"'{module or 'the module'}' is not importable in the Python environment the "
            "task ran in: install it there, or activate the right environment in worker_init."
        )
    if kind == "name-error":
        return (
            "A name used in the app body is not defined where the app runs. Remote workers "
            "do not have the script's global variables, helper functions or top-level "
            "imports: import inside the app body and pass values as arguments."
        )
    raise ValueError(f"unknown hint kind {kind!r}")


def _frames(exc: BaseException) -> list[FrameSummary]:
    import traceback

    return list(traceback.extract_tb(exc.__traceback__))


def _worker_logs(record: dict[str, Any] | None) -> str:
    """Where this task's executor writes worker logs, as far as the submit side knows."""
    generic = "Look in the worker logs (under the run directory, or worker_logdir_root)."
    if record is None:
        return generic
    try:
        dfk = record["dfk"]
        executor = dfk.executors[record["executor"]]
        worker_dir = executor.worker_logdir  # HighThroughputExecutor and subclasses
        run_dir = dfk.run_dir
    except Exception:
        return generic
    return (
        f"Worker logs: {worker_dir}/block-*/<manager>/worker_*.log and manager.log; "
        f"the block's own stdout/stderr: {run_dir}/submit_scripts/"
    )


def _is_mapping(obj: object) -> bool:
    from collections.abc import Mapping

    return isinstance(obj, Mapping)
