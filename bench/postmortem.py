"""Benchmark ``parsl-lint postmortem`` on a synthetic parsl.log of many tasks.

    python bench/postmortem.py                 # 100,000 tasks
    python bench/postmortem.py --tasks 20000   # smaller

The log is generated in the layout Parsl 2026.10 writes (the same columns, messages and
multi-line tracebacks as a real ``runinfo/NNN/parsl.log`` of a ThreadPoolExecutor run, with
the DEBUG lines Parsl logs around each task): chains of four tasks (load -> clean -> fit ->
report) where every 50th ``load`` fails with the same error from the same line, so the run
has 2,000 failed roots and 6,000 dep_fail tasks at 100,000 tasks, plus fan-in merges of two
chains. Each row runs as its own process over the same file; the floor is Python reading the
file line by line and doing nothing else. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HEAD = "MainProcess-4242 MainThread-140000000000001 parsl.dataflow.dflow:{line} {func} {level}: "
LAUNCH = (
    "MainProcess-4242 Task-Launch_0-140000000000002 parsl.dataflow.dflow:{line} {func} {level}: "
)
WORKER = (
    "MainProcess-4242 ThreadPoolExecutor-threads_0-140000000000003 "
    "parsl.dataflow.dflow:{line} {func} {level}: "
)
SITE = "/opt/venv/lib/python3.11/site-packages"
TRACEBACK = f"""Traceback (most recent call last):
  File "{SITE}/parsl/dataflow/dflow.py", line 348, in handle_exec_update
    res = self._unwrap_remote_exception_wrapper(future)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "{SITE}/parsl/dataflow/dflow.py", line 578, in _unwrap_remote_exception_wrapper
    result.reraise()
  File "{SITE}/parsl/app/errors.py", line 114, in reraise
    raise v
  File "{SITE}/parsl/app/errors.py", line 138, in wrapper
    return func(*args, **kwargs)
    ^^^^^^^^^^^^^^^^^
  File "/home/you/project/workflow.py", line 16, in load
    with open(path) as fh:
      ^^^^^^^^^^^^^^^^^
FileNotFoundError: [Errno 2] No such file or directory: 'inputs/part{{n}}.csv'
"""


class Writer:
    def __init__(self, out) -> None:
        self.out = out
        self.t = 1796440967.0

    def line(self, head: str, line: int, func: str, level: str, message: str) -> None:
        self.t += 0.00002
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.t))
        prefix = head.format(line=line, func=func, level=level)
        self.out.write(f"{self.t:.6f} {stamp} {prefix}{message}\n")


def submit(w: Writer, tid: int, app: str, deps: list[int]) -> None:
    w.line(HEAD, 973, "submit", "DEBUG", f"Task {tid} will be sent to executor threads")
    w.line(HEAD, 781, "_add_output_deps", "DEBUG", "Adding output dependencies")
    w.line(HEAD, 1022, "submit", "DEBUG", "Added output dependencies")
    w.line(HEAD, 1031, "submit", "DEBUG", "Gathering dependencies")
    w.line(HEAD, 1034, "submit", "DEBUG", "Gathered dependencies")
    for dep in deps:
        w.line(HEAD, 1040, "submit", "INFO", f"Task {tid} has dependency task {dep}")
    waiting = (
        "waiting on " + ", ".join(f"task {d}" for d in deps)
        if deps
        else "not waiting on any dependency"
    )
    w.line(HEAD, 1053, "submit", "INFO", f"Task {tid} submitted for App {app}, {waiting}")
    w.line(
        HEAD,
        1056,
        "submit",
        "DEBUG",
        f"Task {tid} has AppFuture: <AppFuture at 0x7f00 state=pending>",
    )
    w.line(HEAD, 567, "_update_task_state", "INFO", f"Task {tid} initializing state to pending")


def run_task(w: Writer, tid: int, fails: int | None) -> None:
    w.line(LAUNCH, 379, "check_memo", "DEBUG", f"Task {tid} will not be memoized")
    w.line(
        LAUNCH,
        565,
        "_update_task_state",
        "INFO",
        f"Task {tid} changing state from pending to launched",
    )
    w.line(
        LAUNCH, 739, "launch_task", "INFO", f"Parsl task {tid} try 0 launched on executor threads"
    )
    for stream in ("Standard out", "Standard error"):
        w.line(
            LAUNCH,
            1243,
            "log_std_stream",
            "INFO",
            f"{stream} for task {tid} will not be redirected.",
        )
    if fails is None:
        w.line(
            WORKER,
            565,
            "_update_task_state",
            "INFO",
            f"Task {tid} changing state from launched to exec_done",
        )
        return
    w.line(
        WORKER, 110, "reraise", "DEBUG", "Reraising exception of type <class 'FileNotFoundError'>"
    )
    w.line(
        WORKER,
        351,
        "handle_exec_update",
        "INFO",
        f"Task {tid} try 0 failed with exception of type FileNotFoundError",
    )
    w.line(WORKER, 390, "handle_exec_update", "ERROR", f"Task {tid} failed after 0 retry attempts")
    w.out.write(TRACEBACK.format(n=fails))
    w.line(
        WORKER,
        565,
        "_update_task_state",
        "INFO",
        f"Task {tid} changing state from launched to failed",
    )


def dep_fail(w: Writer, tid: int) -> None:
    w.line(
        LAUNCH,
        651,
        "_launch_if_ready_async",
        "INFO",
        f"Task {tid} failed due to dependency failure",
    )
    w.line(
        LAUNCH,
        351,
        "handle_exec_update",
        "INFO",
        f"Task {tid} try 0 failed with exception of type DependencyError",
    )
    w.line(
        LAUNCH,
        375,
        "handle_exec_update",
        "INFO",
        f"Task {tid} failed due to dependency failure so skipping retries",
    )
    w.line(
        LAUNCH,
        565,
        "_update_task_state",
        "INFO",
        f"Task {tid} changing state from pending to dep_fail",
    )


def generate(path: Path, tasks: int) -> None:
    with open(path, "w") as out:
        w = Writer(out)
        w.line(HEAD, 123, "__init__", "INFO", "Starting DataFlowKernel with config")
        out.write(
            "Config(\n    executors=(ThreadPoolExecutor(\n        label='threads', \n"
            "        max_threads=2\n    ),), \n    retries=0\n)\n"
        )
        w.line(HEAD, 125, "__init__", "INFO", "Parsl version: 2026.10.26")
        w.line(HEAD, 147, "__init__", "INFO", "Run id is: 00000000-0000-0000-0000-000000000bench")
        tid = 0
        chain = 0
        merged: list[tuple[int, bool]] = []
        while tid < tasks:
            failing = chain % 50 == 0
            ids = list(range(tid, tid + 4))
            for i, app in enumerate(("load", "clean", "fit", "report")):
                submit(w, ids[i], app, [] if i == 0 else [ids[i - 1]])
            run_task(w, ids[0], chain if failing else None)
            for t in ids[1:]:
                if failing:
                    dep_fail(w, t)
                else:
                    run_task(w, t, None)
            tid += 4
            merged.append((ids[-1], failing))
            if len(merged) == 2 and tid < tasks:  # a fan-in of two chains
                submit(w, tid, "merge", [m for m, _ in merged])
                if any(failed for _, failed in merged):
                    dep_fail(w, tid)
                else:
                    run_task(w, tid, None)
                tid += 1
                merged = []
            chain += 1
        w.line(HEAD, 1166, "cleanup", "INFO", "DFK cleanup initiated")
        w.line(HEAD, 1229, "cleanup", "INFO", "Unregistering log handler")


def measure(cmd: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS MiB and exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parsl-lint-bench-") as tmp:
        run_dir = Path(tmp) / "runinfo" / "000"
        run_dir.mkdir(parents=True)
        log = run_dir / "parsl.log"
        generate(log, args.tasks)
        size = log.stat().st_size
        with open(log, "rb") as fh:
            lines = sum(1 for _ in fh)
        floor = [
            sys.executable,
            "-c",
            "import sys\nfor _ in open(sys.argv[1], 'rb'): pass",
            str(log),
        ]
        rows = [
            ("read the lines (floor)", floor),
            ("python -c pass (start-up)", [sys.executable, "-c", "pass"]),
            ("parsl-lint postmortem (text)", [str(BIN / "parsl-lint"), "postmortem", str(run_dir)]),
            (
                "parsl-lint postmortem --format json",
                [str(BIN / "parsl-lint"), "postmortem", str(run_dir), "--format", "json"],
            ),
        ]
        print(
            f"synthetic parsl.log: {args.tasks:,} tasks, {lines:,} lines, {size / 2**20:,.0f} MiB\n"
        )
        print("| run | wall s | CPU s | × floor (CPU) | peak RSS MiB | exit |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        floor_cpu = None
        for name, cmd in rows:
            wall, cpu, rss, code = min((measure(cmd) for _ in range(2)), key=lambda r: r[0])
            floor_cpu = floor_cpu or cpu
            ratio = cpu / floor_cpu
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {ratio:.1f} | {rss:.0f} | {code} |")


if __name__ == "__main__":
    main()
