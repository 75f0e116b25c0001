"""Print an :class:`~.analysis.Analysis` as text (for people) or JSON (for tools).

Text opens with what went wrong (``1 root cause, 3 tasks blocked by it``) and one line per
root cause, then each root cause in detail: the traceback as logged (Parsl's frames left
out), the tasks it blocked, retries used, a bash app's exit code and output tails, the worker
side of a lost worker, and a hint. ``--task N`` prints one task's whole story instead.

JSON is one object with ``root_causes`` (one object per root cause) and ``tasks`` (one object
per task); the field names are documented in the README and do not change.
"""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from parsl_lint.postmortem import tbtext
from parsl_lint.postmortem.analysis import (
    Analysis,
    RootCause,
    bash_exit,
    dependents,
    likely_oom,
    one_line,
    root_paths,
)
from parsl_lint.postmortem.logparse import WRITTEN_FOR
from parsl_lint.postmortem.model import FAILED_STATES, Task
from parsl_lint.postmortem.workerlogs import WorkerSide, tail_lines, worker_side
from parsl_lint.runtime import failure_hint

#: Task ids a line lists before it says how many more there are.
IDS_SHOWN = 20
#: Characters of a root cause's message on its summary line (Parsl's block errors put the
#: exit code and stderr after some 200 characters of boilerplate).
SUMMARY_WIDTH = 320
#: Tasks of one root cause whose bash output tails are shown in text.
BASH_TASKS_SHOWN = 3
#: Tasks whose worker side and bash output are gathered at most (JSON included).
DETAILED_TASKS = 50
#: The hint kinds whose explanation lies on the worker's side.
WORKER_SIDE = frozenset(
    {"lost", "block-failed", "serialization", "app-module-missing", "module-missing", "name-error"}
)
JSON_VERSION = 1


class Details:
    """The parts of the report that read more files: worker logs and bash output tails."""

    def __init__(self, analysis: Analysis, tail: int, tids: list[int]) -> None:
        self.tail = tail
        tasks = analysis.tasks
        worker_tasks = [
            tasks[t]
            for t in tids
            if analysis.cause_of.get(t) is not None and analysis.cause_of[t].hint in WORKER_SIDE
        ][:DETAILED_TASKS]
        self.worker: dict[int, WorkerSide] = worker_side(
            analysis.run, analysis.run_dir, worker_tasks, tail
        )
        self.bash: dict[int, dict[str, Any]] = {}
        for tid in tids:
            task = tasks[tid]
            if len(self.bash) < DETAILED_TASKS and (bash_exit(task) or task.stdout or task.stderr):
                self.bash[tid] = _bash(task, tail)


def _bash(task: Task, tail: int) -> dict[str, Any]:
    exit_info = bash_exit(task)
    out: dict[str, Any] = {"exit_code": exit_info[1] if exit_info else None}
    for stream in ("stdout", "stderr"):
        path = getattr(task, stream)
        entry: dict[str, Any] = {"path": path, "readable": None, "tail": [], "note": None}
        if path is None:
            entry["note"] = "not redirected"
        else:
            lines = tail_lines(path, tail) if tail > 0 else []
            if isinstance(lines, str):
                entry["readable"] = False
                where = f" ({task.host})" if task.host else ""
                entry["note"] = (
                    f"not readable from here: {lines}; if the task ran on another "
                    f"host{where}, the file is on that host"
                )
            else:
                entry["readable"] = True
                entry["tail"] = lines
        out[stream] = entry
    return out


# --------------------------------------------------------------------------------------------
# JSON


def write_json(analysis: Analysis, out: TextIO, tail: int, task_id: int | None = None) -> None:
    tids = sorted(analysis.tasks) if task_id is None else [task_id]
    roots = sorted(analysis.cause_of) if task_id is None else _roots_for(analysis, task_id)
    details = Details(analysis, tail, sorted(set(roots) | set(tids)))
    causes = analysis.causes
    if task_id is not None:
        wanted = {analysis.cause_of[r].index for r in roots if r in analysis.cause_of}
        causes = [c for c in causes if c.index in wanted]
    doc = {
        "version": JSON_VERSION,
        "run_dir": analysis.run_dir,
        "log": analysis.log_path,
        "monitoring_db": analysis.db_path,
        "monitoring_used": analysis.db_used,
        "monitoring_note": analysis.db_note,
        "run_id": analysis.run.run_id,
        "parsl_version": analysis.run.parsl_version,
        "parser_written_for": WRITTEN_FOR,
        "run_finished": analysis.run.cleanup_complete,
        "log_notes": {
            "lines": analysis.log.lines,
            "unrecognised_lines": analysis.log.unrecognised,
            "unrecognised_examples": analysis.log.unrecognised_examples,
            "dfk_starts": analysis.log.dfk_starts,
            "cut_mid_line": analysis.log.cut_mid_line,
            "ends_inside_message": analysis.log.ends_in_traceback,
        },
        "summary": _summary(analysis),
        "events": analysis.run.events,
        "root_causes": [_cause_json(analysis, c, details) for c in causes],
    }
    # One line per task: a run can hold 100,000 of them, and json's indenting encoder is
    # written in Python while its compact one is C.
    head = json.dumps(doc, indent=2)
    out.write(head[: head.rindex("}")].rstrip() + ',\n  "tasks": [')
    for i, tid in enumerate(tids):
        out.write(",\n    " if i else "\n    ")
        out.write(json.dumps(_task_json(analysis, analysis.tasks[tid], details)))
    out.write("\n  ]\n}\n" if tids else "]\n}\n")


def _summary(analysis: Analysis) -> dict[str, Any]:
    counts = analysis.state_counts()
    blocked = sum(1 for t, rs in analysis.roots.items() if rs and rs != (t,))
    return {
        "tasks": len(analysis.tasks),
        "states": dict(sorted(counts.items())),
        "failed": counts.get("failed", 0),
        "dep_fail": counts.get("dep_fail", 0),
        "unfinished": len(analysis.unfinished),
        "root_causes": len(analysis.causes),
        "blocked": blocked,
        "unresolved_dep_fail": analysis.unresolved,
        "disagreeing_tasks": analysis.disagreements,
    }


def _cause_json(analysis: Analysis, cause: RootCause, details: Details) -> dict[str, Any]:
    first = analysis.tasks[cause.tasks[0]]
    tries = sum(analysis.tasks[t].tries for t in cause.tasks)
    return {
        "id": cause.index,
        "app": cause.app,
        "exception_type": cause.type,
        "message": next(iter(cause.messages)),
        "messages": [{"message": m, "count": n} for m, n in cause.messages.items()],
        "where": cause.where,
        "count": len(cause.tasks),
        "tasks": cause.tasks,
        "blocked_count": len(cause.blocked),
        "blocked": cause.blocked,
        "retries_used": max(0, tries - len(cause.tasks)),
        "traceback": first.failure.traceback if first.failure else None,
        "hint_kind": cause.hint,
        "hint": _hint_text(analysis, cause, first, details),
    }


def _task_json(analysis: Analysis, task: Task, details: Details) -> dict[str, Any]:
    cause = analysis.cause_of.get(task.tid)
    failure = task.failure
    side = details.worker.get(task.tid)
    executor = analysis.run.executors.get(task.executor or "")
    memory = task.memory
    return {
        "id": task.tid,
        "app": task.app,
        "executor": task.executor,
        "depends": list(task.depends),
        "state": task.state,
        "finished": task.finished,
        "tries": task.tries,
        "try_exceptions": task.try_errors,
        "executor_task_ids": task.executor_ids,
        "duration_s": None if task.duration is None else round(task.duration, 6),
        "exception": None
        if failure is None or task.state == "dep_fail"
        else {"type": failure.type, "message": failure.message, "traceback": failure.traceback},
        "root_cause": cause.index if cause is not None else None,
        "joins": list(task.joins),
        "root_tasks": list(analysis.roots.get(task.tid, ())) if _through_others(task) else [],
        "bash": details.bash.get(task.tid),
        "host": task.host,
        "block": task.block if task.block is not None else (side.block if side else None),
        "memory": None
        if memory is None
        else {
            "rss_bytes": memory.rss,
            "peak_rss_bytes": memory.peak_rss,
            "percent_of_host": memory.percent,
            "host_total_bytes": memory.host_total,
            "likely_oom": likely_oom(task, executor.mem_per_worker if executor else None),
        },
        "worker_logs": None
        if side is None
        else {
            "logdir": side.logdir,
            "note": side.note,
            "block_exit_code": side.exit_code,
            "excerpts": [{"path": e.path, "lines": e.lines, "note": e.note} for e in side.excerpts],
        },
        "sources": [s for bit, s in ((1, "parsl.log"), (2, "monitoring.db")) if task.sources & bit],
        "disagreements": [
            {"field": f, "parsl_log": log, "monitoring_db": db, "used": used}
            for f, log, db, used in (task.disagreements or ())
        ],
    }


def _roots_for(analysis: Analysis, tid: int) -> list[int]:
    return list(analysis.roots.get(tid, ()))


# --------------------------------------------------------------------------------------------
# Text


def write_text(analysis: Analysis, out: TextIO, tail: int) -> None:
    details = Details(analysis, tail, sorted(_shown_roots(analysis)))
    lines = _header(analysis)
    lines += _first_screen(analysis)
    lines += _notes(analysis)
    for cause in analysis.causes:
        lines += ["", *_cause_section(analysis, cause, details)]
    if analysis.unresolved:
        lines += ["", *_unresolved(analysis)]
    lines += _unfinished(analysis)
    if analysis.run.events:
        lines += ["", "Errors and warnings Parsl logged outside any task:"]
        lines += [f"  {event}" for event in analysis.run.events]
        if analysis.run.events_dropped:
            lines.append(f"  ... and {analysis.run.events_dropped} more")
    out.write("\n".join(lines) + "\n")


def _shown_roots(analysis: Analysis) -> list[int]:
    """The root tasks whose details the text shows: the first few of each cause."""
    tids: list[int] = []
    for cause in analysis.causes:
        tids += cause.tasks[:BASH_TASKS_SHOWN]
    return tids


def _header(analysis: Analysis) -> list[str]:
    run = analysis.run
    sources = "parsl.log"
    if analysis.db_used:
        sources += f" and {_rel(analysis.db_path)}"
    parts = [f"run {run.run_id or '(id not in the log)'}"]
    parts.append(f"Parsl {run.parsl_version or '(version not in the log)'}")
    parts.append(f"read from {sources}")
    return [f"Post-mortem of {_rel(analysis.run_dir)}: " + ", ".join(parts)]


def _first_screen(analysis: Analysis) -> list[str]:
    counts = analysis.state_counts()
    total = len(analysis.tasks)
    states = ", ".join(f"{n} {state}" for state, n in sorted(counts.items(), key=_state_order))
    lines = [f"{total} task{_s(total)}: {states}" if total else "The log holds no task."]
    causes = analysis.causes
    if not causes and not analysis.unresolved:
        lines.append("No task failed." if total else "")
        return [line for line in lines if line]
    blocked = sum(1 for t, rs in analysis.roots.items() if rs and rs != (t,))
    it = "it" if len(causes) == 1 else "them"
    lines.append(
        f"{len(causes)} root cause{_s(len(causes))}, {blocked} task{_s(blocked)} blocked by {it}:"
    )
    for cause in causes:
        lines.append("  " + _cause_line(analysis, cause))
    return lines


def _cause_line(analysis: Analysis, cause: RootCause) -> str:
    n = len(cause.tasks)
    text = (
        f"{cause.index}. {cause.short_type} in {cause.app}: {n} task{_s(n)} ({_ids(cause.tasks)})"
    )
    if cause.blocked:
        text += f", blocked {len(cause.blocked)} ({_ids(cause.blocked)})"
    message = next(iter(cause.messages))
    return f"{text}\n     {_clip(message, SUMMARY_WIDTH)}"


def _notes(analysis: Analysis) -> list[str]:
    notes = []
    log = analysis.log
    run = analysis.run
    if log.cut_mid_line:
        notes.append(
            "parsl.log ends in the middle of a line: it is still being written, or was cut off."
        )
    if log.ends_in_traceback:
        notes.append("parsl.log ends inside a multi-line message (a traceback may be incomplete).")
    if not run.cleanup_complete:
        notes.append(
            "The run did not finish: parsl.log has no end of the DFK's cleanup (the run is still "
            "going, or the process was killed or exited without cleanup())."
        )
    if len(log.dfk_starts) > 1:
        ids = ", ".join(r or "?" for r in log.dfk_starts)
        notes.append(
            f"parsl.log holds {len(log.dfk_starts)} DFK starts (run ids {ids}); this report is "
            f"about run {run.run_id} (--run-id picks another)."
        )
    if log.unrecognised:
        version = run.parsl_version or "an unknown version"
        notes.append(
            f"{log.unrecognised} line{_s(log.unrecognised)} of parsl.log not recognised (this "
            f"reader was written for Parsl {WRITTEN_FOR}; the log is from Parsl {version}), "
            f"for example: {log.unrecognised_examples[0]}"
        )
    elif run.parsl_version and run.parsl_version != WRITTEN_FOR:
        notes.append(
            f"parsl.log was written by Parsl {run.parsl_version}; this reader was written for "
            f"Parsl {WRITTEN_FOR}. Every line was recognised, but check a surprising answer "
            "against the log."
        )
    if analysis.db_path and not analysis.db_used:
        notes.append(f"{_rel(analysis.db_path)} {analysis.db_note}.")
    if analysis.disagreements:
        examples = []
        for task in analysis.tasks.values():
            for field, log_value, db_value, used in task.disagreements or ():
                examples.append(
                    f"task {task.tid} {field}: {log_value} in parsl.log, {db_value} in "
                    f"monitoring.db (used {used})"
                )
            if len(examples) >= 3:
                break
        notes.append(
            f"parsl.log and monitoring.db disagree on {analysis.disagreements} "
            f"task{_s(analysis.disagreements)}; parsl.log is used (the DFK writes it as things "
            "happen; monitoring messages can be lost at the end of a run) unless it ends before "
            "the task did: " + "; ".join(examples)
        )
    return [] if not notes else ["", "Notes:", *(f"  - {note}" for note in notes)]


def _cause_section(analysis: Analysis, cause: RootCause, details: Details) -> list[str]:
    tasks = analysis.tasks
    first = tasks[cause.tasks[0]]
    where = f" ({cause.where})" if cause.where else ""
    lines = [f"=== {cause.index}. {cause.short_type} in {cause.app}{where} ==="]
    tries = [tasks[t].tries for t in cause.tasks]
    retries = max(0, sum(tries) - len(tries))
    executor = first.executor or "?"
    lines.append(
        f"failed: {len(cause.tasks)} task{_s(len(cause.tasks))} ({_ids(cause.tasks)}), executor "
        f"'{executor}', retries used: {retries}"
    )
    if cause.blocked:
        lines.append(
            f"blocked: {len(cause.blocked)} task{_s(len(cause.blocked))}: "
            + _labels(analysis, cause.blocked)
        )
    if len(cause.messages) > 1 or len(cause.tasks) > 1:
        lines.append("messages:")
        for message, count in cause.messages.items():
            lines.append(f"  {_clip(message, SUMMARY_WIDTH)} ({count} task{_s(count)})")
        listed = sum(cause.messages.values())
        if listed < len(cause.tasks):
            lines.append(f"  ... and {len(cause.tasks) - listed} tasks with other messages")
    lines.append(f"task {first.tid} ({first.app}):")
    if first.failure is not None and first.failure.traceback:
        lines += tbtext.shown(first.failure.traceback)
    elif first.failure is not None:
        lines.append(f"{first.failure.type}: {first.failure.message} (no traceback recorded)")
    else:
        lines.append("(parsl.log holds no traceback for it: the log may be cut off)")
    for tid in cause.tasks[:BASH_TASKS_SHOWN]:
        if tid in details.bash:
            lines += _bash_lines(tasks[tid], details.bash[tid], details.tail)
    lines += _worker_lines(analysis, first, details)
    hint = _hint_text(analysis, cause, first, details)
    if hint:
        lines.append(f"Hint: {hint}")
    return lines


def _bash_lines(task: Task, bash: dict[str, Any], tail: int) -> list[str]:
    lines = []
    if bash["exit_code"] is not None:
        lines.append(
            f"Bash app '{task.app}' (task {task.tid}) exited with code {bash['exit_code']}."
        )
    for stream in ("stdout", "stderr"):
        entry = bash[stream]
        if entry["path"] is None:
            lines.append(
                f"{stream}: not redirected (pass {stream}=<path> or parsl.AUTO_LOGNAME to keep it)"
            )
        elif entry["note"]:
            lines.append(f"{stream}: {entry['path']} ({entry['note']})")
        elif tail <= 0:
            lines.append(f"{stream}: {entry['path']}")
        elif not entry["tail"]:
            lines.append(f"{stream}: {entry['path']} (empty)")
        else:
            n = len(entry["tail"])
            lines.append(f"{stream}: {entry['path']} (last {n} line{_s(n)}):")
            lines += [f"  | {line}" for line in entry["tail"]]
    return lines


def _worker_lines(analysis: Analysis, task: Task, details: Details) -> list[str]:
    lines = []
    executor = analysis.run.executors.get(task.executor or "")
    if task.host or task.memory:
        where = f"ran on host {task.host}" if task.host else "host unknown"
        if task.block is not None:
            where += f", block {task.block}"
        lines.append(f"worker: {where}")
    memory = task.memory
    if memory is not None:
        text = f"last recorded memory use: {_mib(memory.rss)} (peak {_mib(memory.peak_rss)}"
        if memory.percent is not None:
            text += f", {memory.percent:.1f}% of the host"
        if memory.host_total:
            text += f" of {_mib(memory.host_total)}"
        text += ")"
        if likely_oom(task, executor.mem_per_worker if executor else None):
            text += ": likely killed for running out of memory"
        lines.append(text)
    elif (
        analysis.db_used
        and task.failure is not None
        and task.failure.short_type
        in (
            "WorkerLost",
            "ManagerLost",
        )
    ):
        lines.append("last recorded memory use: none recorded while the process was alive")
    side = details.worker.get(task.tid)
    if side is None:
        return lines
    if side.note:
        lines.append(f"worker logs: {side.note}")
    if side.exit_code is not None:
        code = side.exit_code
        killed = (
            " (killed by SIGKILL: the out-of-memory killer or the batch system)"
            if code == "137"
            else ""
        )
        lines.append(f"the block's exit code: {code}{killed}")
    for excerpt in side.excerpts:
        path = _rel(excerpt.path)
        if excerpt.note and not excerpt.lines:
            lines.append(f"{path}: {excerpt.note}")
            continue
        lines.append(f"{path}:")
        lines += [f"  | {line}" for line in excerpt.lines]
    return lines


def _hint_text(analysis: Analysis, cause: RootCause, task: Task, details: Details) -> str | None:
    if cause.hint is None or task.failure is None:
        return None
    failure = task.failure
    side = details.worker.get(task.tid)
    logs = None
    if side is not None and side.logdir:
        logs = (
            f"Worker logs: {side.logdir}/block-*/<manager>/worker_*.log and manager.log; the "
            f"block's own stdout/stderr: {os.path.join(analysis.run_dir, 'submit_scripts')}/"
        )
    module = None
    if cause.hint in ("app-module-missing", "module-missing"):
        module = failure.message.partition("'")[2].rpartition("'")[0] or None
    function = None
    if cause.hint == "serialization":
        marker = "invocation of function "
        if marker in failure.message:
            function = failure.message.split(marker, 1)[1].split(".", 1)[0]
    return failure_hint(
        cause.hint,
        function=function,
        cause=tbtext.context_exception(failure.traceback) if failure.traceback else None,
        logs=logs,
        module=module,
    )


def _unresolved(analysis: Analysis) -> list[str]:
    tids = analysis.unresolved
    return [
        f"{len(tids)} task{_s(len(tids))} failed on a dependency that is not a task of this "
        f"log (a future from elsewhere, or a task before the log's start): {_ids(tids)}"
    ]


def _unfinished(analysis: Analysis) -> list[str]:
    tasks = analysis.unfinished
    if not tasks:
        return []
    lines = ["", f"{len(tasks)} task{_s(len(tasks))} never finished (last state recorded):"]
    for task in tasks[:IDS_SHOWN]:
        deps = (
            f", waiting on {_ids(list(task.depends))}"
            if task.depends and task.state == "pending"
            else ""
        )
        lines.append(
            f"  task {task.tid} ({task.app}): {task.state or 'unknown'}, executor "
            f"'{task.executor or '?'}', tries {task.tries}{deps}"
        )
    if len(tasks) > IDS_SHOWN:
        lines.append(f"  ... and {len(tasks) - IDS_SHOWN} more")
    return lines


def write_task_text(analysis: Analysis, tid: int, out: TextIO, tail: int) -> None:
    """One task's whole story: what it was, what happened to it, and why."""
    task = analysis.tasks[tid]
    roots = list(analysis.roots.get(tid, ()))
    details = Details(analysis, tail, sorted({tid, *roots}))
    lines = _header(analysis)
    lines.append(f"task {tid} ({task.app}): {task.state or 'unknown state'}")
    lines.append(f"  executor: {task.executor or '?'}; tries: {task.tries}")
    if task.try_errors:
        lines.append(f"  failed tries: {', '.join(task.try_errors)}")
    if task.depends:
        deps = ", ".join(
            f"{d} ({analysis.tasks[d].app}, {analysis.tasks[d].state})"
            if d in analysis.tasks
            else str(d)
            for d in task.depends
        )
        lines.append(f"  depends on: {deps}")
    if task.duration is not None:
        lines.append(f"  ran for {task.duration:.3f} s (first launch to its final state)")
    if not task.finished:
        lines.append("  it never finished: the log ends before it did")
    blocked = dependents(analysis, tid)
    if blocked:
        lines.append(
            f"  its failure blocked {len(blocked)} task{_s(len(blocked))}: "
            + _labels(analysis, blocked)
        )
    for field, log_value, db_value, used in task.disagreements or ():
        lines.append(
            f"  {field}: {log_value} in parsl.log, {db_value} in monitoring.db (used {used})"
        )
    if task.joins:
        lines.append(f"  joined: {', '.join(_dep_label(analysis, j) for j in task.joins)}")
    if _through_others(task):
        paths = root_paths(analysis, tid)
        lines.append(f"  {len(roots)} failed root task{_s(len(roots))} caused this:")
        for i, path in enumerate(paths, 1):
            chain = " <- ".join(f"task {t} ({analysis.tasks[t].app})" for t in path)
            failure = analysis.tasks[path[-1]].failure
            what = f"{failure.short_type}: {one_line(failure.message)}" if failure else "?"
            lines.append(f"    {i}. {chain}: {_clip(what, 200)}")
    for root in roots:
        cause = analysis.cause_of.get(root)
        if cause is None:
            continue
        root_task = analysis.tasks[root]
        lines.append(f"--- task {root} ({root_task.app}): root cause {cause.index} ---")
        if root_task.failure is not None and root_task.failure.traceback:
            lines += tbtext.shown(root_task.failure.traceback)
        elif root_task.failure is not None:
            lines.append(f"{root_task.failure.type}: {root_task.failure.message}")
        if root in details.bash:
            lines += _bash_lines(root_task, details.bash[root], tail)
        lines += _worker_lines(analysis, root_task, details)
        hint = _hint_text(analysis, cause, root_task, details)
        if hint:
            lines.append(f"Hint: {hint}")
    if task.state not in FAILED_STATES and tid in details.bash:
        lines += _bash_lines(task, details.bash[tid], tail)
    out.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# Small helpers

_ORDER = {"exec_done": 0, "memo_done": 1, "failed": 2, "dep_fail": 3}


def _state_order(item: tuple[str, int]) -> tuple[int, str]:
    return (_ORDER.get(item[0], 9), item[0])


def _through_others(task: Task) -> bool:
    """It failed because tasks it depends on (or joined) failed."""
    return task.state in FAILED_STATES and not task.is_root


def _dep_label(analysis: Analysis, tid: int) -> str:
    task = analysis.tasks.get(tid)
    return str(tid) if task is None else f"{tid} ({task.app}, {task.state})"


def _labels(analysis: Analysis, tids: list[int]) -> str:
    shown = ", ".join(f"{t} ({analysis.tasks[t].app})" for t in tids[:IDS_SHOWN])
    more = len(tids) - IDS_SHOWN
    return shown + (f", ... and {more} more" if more > 0 else "")


def _ids(tids: list[int]) -> str:
    shown = ", ".join(map(str, tids[:IDS_SHOWN]))
    more = len(tids) - IDS_SHOWN
    return shown + (f", ... and {more} more" if more > 0 else "")


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _mib(n: float) -> str:
    return f"{n / 1024**2:,.0f} MiB" if n < 1024**3 * 10 else f"{n / 1024**3:,.1f} GiB"


def _rel(path: str | None) -> str:
    if path is None:
        return "?"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
