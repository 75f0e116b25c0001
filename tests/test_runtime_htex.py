"""parsl_lint.runtime against real Parsl apps on a local HighThroughputExecutor (loopback only).

The apps below are serialized by reference to this module, so the workers must be able to
import it: the fixture puts this directory and the repository root on the workers' PYTHONPATH
(workers started by LocalProvider inherit the environment).
"""

from __future__ import annotations

import glob
import importlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import parsl
import pytest
import runtime_apps
from parsl import python_app
from parsl.config import Config
from parsl.dataflow.dflow import DataFlowKernel
from parsl.dataflow.errors import DependencyError
from parsl.executors import HighThroughputExecutor
from parsl.executors.high_throughput.errors import WorkerLost
from parsl.providers import LocalProvider
from parsl.serialize.errors import SerializationError
from runtime_apps import combine, concat_str_int, double, import_missing, noisy_exit, raise_from

from parsl_lint.runtime import ParslTasksFailed, unwrap_parsl_future, unwrap_parsl_futures

LOGGER = "parsl_lint.runtime"
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def dfk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataFlowKernel]:
    env = pytest.MonkeyPatch()
    # HTEX starts interchange.py and process_worker_pool.py from PATH.
    env.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    pythonpath = [HERE, os.path.dirname(HERE), os.environ.get("PYTHONPATH", "")]
    env.setenv("PYTHONPATH", os.pathsep.join(p for p in pythonpath if p))
    htex = HighThroughputExecutor(
        label="htex",
        address="127.0.0.1",
        loopback_address="127.0.0.1",
        max_workers_per_node=2,
        heartbeat_period=1,  # a killed worker is reported (WorkerLost) within ~1 s, not 30 s
        encrypted=False,
        provider=LocalProvider(init_blocks=1, max_blocks=1),
    )
    run_dir = tmp_path_factory.mktemp("runinfo")
    try:
        loaded = parsl.load(Config(executors=[htex], run_dir=str(run_dir)))
        try:
            yield loaded
        finally:
            loaded.cleanup()
    finally:
        env.undo()


def unwrap_failure(future, name: str, **kwargs) -> BaseException:
    """Run the helper on a failing future and check it re-raised the future's own exception."""
    with pytest.raises(BaseException) as raised:
        unwrap_parsl_future(future, name, timeout=60, **kwargs)
    assert raised.value is future.exception()
    return raised.value


# --- apps (imports inside the bodies, as on any remote worker) ------------------------------


@python_app
def fail_with(message):
    raise ValueError(message)


@python_app
def step(data):
    return data


@python_app
def count(items):
    return len(list(items))


@python_app
def lazy_squares(n):
    return (i * i for i in range(n))


@python_app
def hard_exit():
    import os

    os._exit(7)


@python_app
def sleep_for(seconds):
    import time

    time.sleep(seconds)
    return seconds


# --- tests ----------------------------------------------------------------------------------


def test_success_returns_the_value_and_logs_nothing(dfk, log_text):
    assert unwrap_parsl_future(double(21), "double", timeout=60) == 42
    assert log_text() == []


def test_type_error_traceback_comes_from_the_worker(dfk, log_text):
    fut = concat_str_int()
    exc = unwrap_failure(fut, "test_broken")

    assert isinstance(exc, TypeError)
    (block,) = log_text()
    lines = block.splitlines()
    assert lines[0] == (
        f"[test_broken] task {fut.tid} (concat_str_int) failed "
        "(executor 'htex', tries: 1, status: failed)"
    )
    assert f'File "{runtime_apps.__file__}"' in block
    assert 'return "hello" + 123' in block
    assert "dflow.py" not in block
    assert lines[-1] == 'TypeError: can only concatenate str (not "int") to str'


def test_missing_module_in_the_app_body(dfk, log_text):
    unwrap_failure(import_missing(), "test_import_error")
    (block,) = log_text()
    assert "ModuleNotFoundError: No module named 'nonexistent_module_for_parsl_lint'" in block
    assert "Hint: 'nonexistent_module_for_parsl_lint' is not importable" in block


def test_raise_from_keeps_the_cause_across_the_wire(dfk, log_text):
    unwrap_failure(raise_from(), "test_nested")
    (block,) = log_text()
    inner = block.index("ValueError: Inner error")
    link = block.index("The above exception was the direct cause of the following exception:")
    outer = block.rindex("RuntimeError: Outer error")
    assert inner < link < outer


def test_chain_and_fan_in_name_every_failed_parent(dfk, log_text):
    left, right = fail_with("left side is bad"), fail_with("right side is bad")
    middle = combine(left, right)
    top = step(step(middle))
    exc = unwrap_failure(top, "pipeline")

    assert isinstance(exc, DependencyError)
    (block,) = log_text()
    second = top.task_record["depends"][0]
    chain = f"task {top.tid} (step) <- task {second.tid} (step) <- task {middle.tid} (combine)"
    assert "2 failed upstream tasks caused this:" in block
    assert f"  1. {chain} <- task {left.tid} (fail_with): ValueError: left side is bad" in block
    assert f"  2. {chain} <- task {right.tid} (fail_with): ValueError: right side is bad" in block
    assert block.count("raise ValueError(message)") == 2


def test_bash_exit_shows_exit_code_and_output_tails(dfk, log_text, tmp_path: Path):
    out = tmp_path / "task.out"
    fut = noisy_exit(5, stdout=str(out), stderr=parsl.AUTO_LOGNAME)
    unwrap_failure(fut, "noisy", tail_lines=3)

    (block,) = log_text()
    assert "Bash app 'noisy_exit' exited with code 5." in block
    assert f"stdout: {out} (last 3 lines):" in block
    assert "  | out line 23\n  | out line 24\n  | out line 25" in block
    err_path = f"{dfk.run_dir}/task_logs/0000/task_{fut.tid:04d}_noisy_exit.stderr"
    assert f"stderr: {err_path} (last 3 lines):" in block
    assert "  | err: something broke" in block


def test_unpicklable_argument_gets_the_serialization_hint(dfk, log_text):
    fut = count(i for i in range(3))
    exc = unwrap_failure(fut, "gen_arg")

    assert isinstance(exc, SerializationError)
    (block,) = log_text()
    assert (
        "Hint: Parsl could not pickle the arguments of 'count' to send them to a worker "
        "(TypeError: cannot pickle 'generator' object)."
    ) in block
    assert "faq.html#addressing-serializationerror" in block
    assert "pickle.py" not in block and "dill" not in block  # serializer internals are left out


def test_unpicklable_return_value_gets_a_hint(dfk, log_text):
    exc = unwrap_failure(lazy_squares(3), "gen_return")

    # Parsl reports the return side as a raw TypeError, not a SerializationError.
    assert type(exc) is TypeError
    (block,) = log_text()
    assert "TypeError: cannot pickle 'generator' object" in block
    assert "Hint: The worker could not pickle the app's return value" in block


def test_app_module_missing_on_the_worker(dfk, log_text, tmp_path: Path):
    (tmp_path / "parsl_lint_local_apps.py").write_text(
        "from parsl import python_app\n\n@python_app\ndef local_app():\n    return 1\n"
    )
    sys.path.insert(0, str(tmp_path))  # importable here, not on the worker
    try:
        module = importlib.import_module("parsl_lint_local_apps")
        unwrap_failure(module.local_app(), "local")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("parsl_lint_local_apps", None)
    (block,) = log_text()
    assert "ModuleNotFoundError: No module named 'parsl_lint_local_apps'" in block
    assert "Hint: The worker could not import 'parsl_lint_local_apps'" in block


def test_killed_worker_gets_the_worker_lost_hint(dfk, log_text):
    exc = unwrap_failure(hard_exit(), "killed")

    assert isinstance(exc, WorkerLost)
    (block,) = log_text()
    assert "Hint: The worker process died without raising a Python exception" in block
    assert f"Worker logs: {dfk.run_dir}/htex/block-*/<manager>/worker_*.log" in block
    assert glob.glob(f"{dfk.run_dir}/htex/block-*/*/worker_*.log")
    # the pool replaced the worker: later tasks still run
    assert unwrap_parsl_future(double(4), "after", timeout=60) == 8


def test_timeout_names_the_task_and_its_status(dfk, log_text):
    fut = sleep_for(5)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=rf"^\[sleepy\] task {fut.tid} \(sleep_for\) on "):
        unwrap_parsl_future(fut, "sleepy", timeout=0.2)
    assert time.monotonic() - start < 2
    assert log_text() == []


def test_accumulate_on_htex(dfk, log_text):
    futures = {"ok": double(2), "bad": fail_with("nope"), "gen": lazy_squares(2)}
    with pytest.raises(ParslTasksFailed) as raised:
        unwrap_parsl_futures(futures, timeout=60)
    assert raised.value.results == {"ok": 4}
    assert log_text()[-1] == "2 of 3 tasks failed: bad, gen"
