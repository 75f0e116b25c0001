"""Real Parsl runs for the post-mortem tests, made once per test session.

Each run is a small workflow script started as its own process (so a run can be cut short,
and monitoring's spawned processes find a guarded ``__main__``), all at once, each with a
bounded wait. ThreadPoolExecutor, or a HighThroughputExecutor on 127.0.0.1 only; every
script calls ``cleanup()`` except the one that is meant to be interrupted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

#: Seconds any one run may take before the fixture gives up on it.
RUN_TIMEOUT = 150

APPS = """
from parsl import bash_app, join_app, python_app


@python_app
def load(path):
    with open(path) as fh:
        return fh.read()


@python_app
def clean(text):
    return text.strip()


@python_app
def fit(text):
    return len(text)


@python_app
def parse(text):
    return int(text)


@python_app
def merge(a, b):
    return a + b


@python_app
def ok(x):
    return x


@python_app
def always_fails(x):
    raise RuntimeError(f"always fails {x}")


@python_app
def fails_twice(counter):
    import os

    with open(counter, "a") as fh:
        fh.write("x")
    if os.path.getsize(counter) < 3:
        raise ValueError("not yet")
    return "third time"


@bash_app
def simulate(n, code, stdout=None, stderr=None):
    return (
        f"for i in $(seq 1 {n}); do echo step $i of {n}; done; "
        f"echo 'cannot open mesh.dat' >&2; exit {code}"
    )


@python_app
def die():
    import os

    os._exit(7)


@python_app
def echo(x):
    return x


@python_app
def uses_a_script_global():
    return undefined_helper()  # noqa: F821 - a name the worker does not have


@join_app
def gather(parts):
    return [always_fails(p) if p % 2 else ok(p) for p in range(parts)]


@python_app
def slow(seconds):
    import time

    time.sleep(seconds)
    return seconds
"""

THREADS = """
import parsl
from parsl.config import Config
from parsl.executors import ThreadPoolExecutor

from pm_apps import (
    always_fails, clean, fails_twice, fit, gather, load, merge, ok, parse, simulate,
)


def wait(futures):
    for f in futures:
        f.exception(timeout=60)


config = Config(
    executors=[ThreadPoolExecutor(label="threads", max_threads=2)], run_dir="runinfo"
)
with parsl.load(config):
    chain = fit(clean(load("inputs/missing.csv")))                  # tasks 0, 1, 2
    fanin = merge(parse("a, b"), load("inputs/absent.csv"))          # tasks 3, 4, 5
    after = ok(fanin)                                                # task 6
    bash = simulate(30, 3, stdout=parsl.AUTO_LOGNAME, stderr=parsl.AUTO_LOGNAME)  # task 7
    same = [load(f"inputs/part{i}.csv") for i in range(4)]           # tasks 8..11
    good = ok(1)                                                     # task 12
    wait([chain, after, bash, good, *same])

config = Config(
    executors=[ThreadPoolExecutor(label="threads", max_threads=2)],
    run_dir="runinfo",
    retries=2,
)
with parsl.load(config):
    flaky = always_fails(1)                                          # task 0
    recovers = fails_twice("counter.txt")                            # task 1
    blocked = ok(flaky)                                              # task 2
    joined = gather(4)          # a join app whose inner tasks 1 and 3 fail
    after_join = ok(joined)
    wait([flaky, recovers, blocked, after_join])
"""

HTEX = """
import os
import sys

import parsl
from parsl.config import Config
from parsl.executors import HighThroughputExecutor
from parsl.providers import LocalProvider

from pm_apps import die, echo, ok, uses_a_script_global


def numbers():
    yield 1


def main():
    monitoring = None
    if sys.argv[1:] == ["monitoring"]:
        from parsl.monitoring import MonitoringHub

        monitoring = MonitoringHub(hub_address="127.0.0.1", resource_monitoring_interval=1)
    htex = HighThroughputExecutor(
        label="htex",
        address="127.0.0.1",
        loopback_address="127.0.0.1",
        max_workers_per_node=2,
        heartbeat_period=1,
        encrypted=False,
        provider=LocalProvider(init_blocks=1, max_blocks=1),
    )
    config = Config(
        executors=[htex], run_dir="runinfo", monitoring=monitoring, strategy_period=0.5
    )
    with parsl.load(config):
        good = ok(1)                # task 0
        # A worker that dies can take its previous task's unsent result with it (os._exit
        # stops the queue's feeder thread): let that result arrive first.
        good.exception(timeout=90)
        lost = die()                # task 1: WorkerLost
        unsent = echo(numbers())    # task 2: SerializationError
        blocked = ok(lost)          # task 3: dep_fail
        missing = uses_a_script_global()  # task 4: NameError on the worker
        for f in (good, lost, unsent, blocked, missing):
            f.exception(timeout=90)


if __name__ == "__main__":
    main()
"""

FAILED_BLOCK = """
import parsl
from parsl.config import Config
from parsl.executors import HighThroughputExecutor
from parsl.providers import LocalProvider

from pm_apps import ok

if __name__ == "__main__":
    htex = HighThroughputExecutor(
        label="htex",
        address="127.0.0.1",
        loopback_address="127.0.0.1",
        max_workers_per_node=1,
        encrypted=False,
        provider=LocalProvider(
            init_blocks=1,
            max_blocks=1,
            worker_init="echo 'no such environment: /opt/missing/venv' >&2; exit 3",
        ),
    )
    with parsl.load(Config(executors=[htex], run_dir="runinfo", strategy_period=0.5)):
        ok(1).exception(timeout=90)  # task 0: its block never starts
"""

INTERRUPTED = """
import os
import time

import parsl
from parsl.config import Config
from parsl.executors import ThreadPoolExecutor

from pm_apps import ok, slow

parsl.load(
    Config(executors=[ThreadPoolExecutor(label="threads", max_threads=1)], run_dir="runinfo")
)
first = ok(1)                   # task 0: done
running = slow(60)              # task 1: launched, never returns
queued = slow(1)                # task 2: launched on a busy pool
waiting = ok(running)           # task 3: pending on task 1
first.result(timeout=30)
time.sleep(0.5)
os._exit(0)                     # no cleanup(): the run is cut short
"""


def make_runs(base: Path) -> dict[str, Path]:
    """Run every scenario under ``base`` at once; return each one's working directory."""
    (base / "pm_apps.py").write_text(APPS)
    scripts = {
        "threads": (THREADS, []),
        "htex": (HTEX, []),
        "htex_monitoring": (HTEX, ["monitoring"]),
        "interrupted": (INTERRUPTED, []),
        "failed_block": (FAILED_BLOCK, []),
    }
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(base), env.get("PYTHONPATH")) if p)
    procs = {}
    for name, (source, args) in scripts.items():
        workdir = base / name
        (workdir / "inputs").mkdir(parents=True)
        script = workdir / "workflow.py"
        script.write_text(textwrap.dedent(source))
        procs[name] = subprocess.Popen(
            [sys.executable, str(script), *args],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + RUN_TIMEOUT
    failures = []
    for name, proc in procs.items():
        try:
            output, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            output, _ = proc.communicate()
            failures.append(f"{name}: timed out\n{output.decode(errors='replace')}")
            continue
        _kill_group(proc)  # orphaned workers of a run, if any
        if proc.returncode != 0:
            failures.append(f"{name}: exit {proc.returncode}\n{output.decode(errors='replace')}")
    if failures:
        raise RuntimeError("a Parsl run for the post-mortem tests failed:\n" + "\n".join(failures))
    return {name: base / name for name in scripts}


def _kill_group(proc: subprocess.Popen) -> None:
    """End what the run left behind in its own session (HTEX workers, a sleeping task)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
