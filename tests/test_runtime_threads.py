"""parsl_lint.runtime against real Parsl apps on a ThreadPoolExecutor: what the log says."""

from __future__ import annotations

import concurrent.futures
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import parsl
import pytest
from parsl import join_app, python_app
from parsl.config import Config
from parsl.data_provider.files import File
from parsl.dataflow.dflow import DataFlowKernel
from parsl.dataflow.errors import DependencyError, JoinError
from parsl.executors import ThreadPoolExecutor
from runtime_apps import combine, concat_str_int, double, import_missing, noisy_exit, raise_from

from parsl_lint.runtime import ParslTasksFailed, unwrap_parsl_future, unwrap_parsl_futures

LOGGER = "parsl_lint.runtime"


@pytest.fixture(scope="module")
def dfk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataFlowKernel]:
    run_dir = tmp_path_factory.mktemp("runinfo")
    config = Config(
        executors=[ThreadPoolExecutor(label="threads", max_threads=4)], run_dir=str(run_dir)
    )
    loaded = parsl.load(config)
    try:
        yield loaded
    finally:
        loaded.cleanup()


def unwrap_failure(future: concurrent.futures.Future, name: str, **kwargs) -> BaseException:
    """Run the helper on a failing future and check it re-raised the future's own exception."""
    with pytest.raises(BaseException) as raised:
        unwrap_parsl_future(future, name, **kwargs)
    assert raised.value is future.exception()
    return raised.value


# --- apps -----------------------------------------------------------------------------------


@python_app
def load_input(path):
    raise FileNotFoundError(f"no input at {path}")


@python_app
def clean(data):
    return data


@python_app
def fit(data):
    return data


@python_app
def fail_with(exc):
    raise exc


@python_app
def uses_missing_global():
    return UNDEFINED_SETTING + 1  # noqa: F821


@python_app
def busy(seconds, walltime=None):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


@python_app
def wait_for(event, seconds):
    event.wait(seconds)
    return "woke"


@join_app
def join_two(a, b):
    return [fail_with(a), fail_with(b)]


# --- success --------------------------------------------------------------------------------


def test_success_returns_the_value_and_logs_nothing(dfk, log_text):
    assert unwrap_parsl_future(double(21), "double") == 42
    assert log_text() == []


# --- the seed's three deliberate failures ---------------------------------------------------


def test_type_error_shows_the_app_line_and_header(dfk, log_text):
    fut = concat_str_int()
    exc = unwrap_failure(fut, "test_broken")

    assert isinstance(exc, TypeError)
    (block,) = log_text()
    lines = block.splitlines()
    assert lines[0] == (
        f"[test_broken] task {fut.tid} (concat_str_int) failed "
        "(executor 'threads', tries: 1, status: failed)"
    )
    assert lines[1] == 'TypeError: can only concatenate str (not "int") to str'
    assert 'return "hello" + 123' in block
    assert ", in concat_str_int" in block
    # Parsl's own frames before the app are trimmed, and counted.
    assert "dflow.py" not in block
    assert "internal frames omitted" in block
    assert lines[-1] == 'TypeError: can only concatenate str (not "int") to str'


def test_missing_module_has_an_import_hint(dfk, log_text):
    fut = import_missing()
    exc = unwrap_failure(fut, "test_import_error")

    assert isinstance(exc, ModuleNotFoundError)
    (block,) = log_text()
    assert "ModuleNotFoundError: No module named 'nonexistent_module_for_parsl_lint'" in block
    assert "import nonexistent_module_for_parsl_lint" in block
    assert "Hint: 'nonexistent_module_for_parsl_lint' is not importable" in block


def test_raise_from_shows_both_exceptions_in_order(dfk, log_text):
    fut = raise_from()
    exc = unwrap_failure(fut, "test_nested")

    assert isinstance(exc, RuntimeError)
    (block,) = log_text()
    inner = block.index("ValueError: Inner error")
    link = block.index("The above exception was the direct cause of the following exception:")
    outer = block.rindex("RuntimeError: Outer error")
    assert inner < link < outer
    assert 'raise RuntimeError("Outer error") from e' in block


# --- dependencies ---------------------------------------------------------------------------


def test_three_deep_chain_names_every_level_and_the_root(dfk, log_text):
    raw = load_input("/data/in.csv")
    cleaned = clean(raw)
    model = fit(cleaned)
    exc = unwrap_failure(model, "fit_model")

    assert isinstance(exc, DependencyError)
    (block,) = log_text()
    lines = block.splitlines()
    assert lines[0].startswith(f"[fit_model] task {model.tid} (fit) failed")
    assert "status: dep_fail" in lines[0]
    assert lines[1] == f"DependencyError: {exc}"  # Parsl's own message stays, for grep
    assert "1 failed upstream task caused this:" in block
    chain = (
        f"task {model.tid} (fit) <- task {cleaned.tid} (clean) <- task {raw.tid} (load_input)"
        ": FileNotFoundError: no input at /data/in.csv"
    )
    assert f"  1. {chain}" in lines
    assert f"--- 1. task {raw.tid} (load_input): executor 'threads', tries: 1" in block
    assert 'raise FileNotFoundError(f"no input at {path}")' in block


def test_fan_in_names_both_failed_parents_and_their_roots(dfk, log_text):
    left = fail_with(ValueError("left side is bad"))
    right = fail_with(KeyError("right_key"))
    both = combine(left, right)
    exc = unwrap_failure(both, "combine_lr")

    assert isinstance(exc, DependencyError)
    (block,) = log_text()
    assert "2 failed upstream tasks caused this:" in block
    here = f"task {both.tid} (combine)"
    assert f"  1. {here} <- task {left.tid} (fail_with): ValueError: left side is bad" in block
    assert f"  2. {here} <- task {right.tid} (fail_with): KeyError: 'right_key'" in block
    # each root gets its own section with its traceback
    assert f"--- 1. task {left.tid} (fail_with)" in block
    assert f"--- 2. task {right.tid} (fail_with)" in block
    assert block.count("raise exc") == 2


def test_diamond_lists_a_shared_root_once(dfk, log_text):
    root = fail_with(OSError("disk full"))
    a, b = clean(root), fit(root)
    top = combine(a, b)
    unwrap_failure(top, "diamond")

    (block,) = log_text()
    assert "1 failed upstream task caused this:" in block
    assert block.count("OSError: disk full") == 2  # the chain line and the traceback
    assert f"<- task {root.tid} (fail_with): OSError: disk full" in block


def test_join_app_failure_lists_every_inner_task(dfk, log_text):
    fut = join_two(ValueError("first"), TypeError("second"))
    exc = unwrap_failure(fut, "joined")

    assert isinstance(exc, JoinError)
    (block,) = log_text()
    assert "2 failed upstream tasks caused this:" in block
    assert "(fail_with): ValueError: first" in block
    assert "(fail_with): TypeError: second" in block
    assert block.splitlines()[1].startswith("JoinError: Join failure")


# --- bash apps ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["str", "tuple", "File", "AUTO_LOGNAME"])
def test_bash_exit_shows_exit_code_and_output_tails(dfk, log_text, tmp_path: Path, form: str):
    out, err = tmp_path / "task.out", tmp_path / "task.err"
    streams = {
        "str": (str(out), str(err)),
        "tuple": ((str(out), "w"), (str(err), "w")),
        "File": (File(str(out)), File(str(err))),
        "AUTO_LOGNAME": (parsl.AUTO_LOGNAME, parsl.AUTO_LOGNAME),
    }[form]
    fut = noisy_exit(3, stdout=streams[0], stderr=streams[1])
    unwrap_failure(fut, "noisy", tail_lines=5)

    (block,) = log_text()
    assert "Bash app 'noisy_exit' exited with code 3." in block
    if form == "AUTO_LOGNAME":
        out_path = f"{dfk.run_dir}/task_logs/0000/task_{fut.tid:04d}_noisy_exit.stdout"
        assert Path(out_path).exists()
    else:
        out_path = str(out)
    assert f"stdout: {out_path} (last 5 lines):" in block
    assert "  | out line 21" in block and "  | out line 25" in block
    assert "out line 20" not in block
    assert "  | err: something broke" in block
    assert (
        block.splitlines()[1] == "BashExitFailure: bash_app noisy_exit failed with unix exit code 3"
    )
    assert "Traceback" not in block  # raised by Parsl's bash runner: no frames worth showing


def test_bash_output_not_readable_here_is_said_so(dfk, log_text, tmp_path: Path):
    out = tmp_path / "gone.out"
    fut = noisy_exit(4, stdout=str(out))
    fut.exception()
    out.unlink()  # as if the task had run on another host's filesystem
    unwrap_failure(fut, "remote")

    (block,) = log_text()
    assert f"stdout: {out} (not readable from here: No such file or directory;" in block
    assert "stderr: not redirected (pass stderr=<path> or parsl.AUTO_LOGNAME" in block


# --- hints ----------------------------------------------------------------------------------


def test_name_error_hint(dfk, log_text):
    unwrap_failure(uses_missing_global(), "globals")
    (block,) = log_text()
    assert "NameError: name 'UNDEFINED_SETTING' is not defined" in block
    assert "Hint: A name used in the app body is not defined where the app runs." in block


def test_app_timeout_hint(dfk, log_text):
    exc = unwrap_failure(busy(5, walltime=0.3), "slow")
    (block,) = log_text()
    assert type(exc).__name__ == "AppTimeout"
    assert "Hint: The app ran longer than its walltime (0.3 s) and was stopped." in block


# --- timeout, plain futures, side effects ---------------------------------------------------


def test_timeout_names_the_task_and_its_status(dfk, log_text):
    release = threading.Event()
    fut = wait_for(release, 5)
    try:
        start = time.monotonic()
        with pytest.raises(TimeoutError) as raised:
            unwrap_parsl_future(fut, "sleepy", timeout=0.2)
        assert time.monotonic() - start < 2
    finally:
        release.set()
    assert str(raised.value) == (
        f"[sleepy] task {fut.tid} (wait_for) on executor 'threads' did not finish within"
        " 0.2 s (status: launched)"
    )
    assert log_text() == []
    assert unwrap_parsl_future(fut, "sleepy", timeout=5) == "woke"


def test_plain_concurrent_future(log_text):
    def divide(a, b):
        return a / b

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(divide, 1, 0)
        exc = unwrap_failure(fut, "plain")
    assert isinstance(exc, ZeroDivisionError)
    (block,) = log_text()
    assert block.splitlines()[0] == "[plain] future failed: ZeroDivisionError: division by zero"
    assert "return a / b" in block
    assert "thread.py" not in block  # concurrent.futures' frames are trimmed


def test_no_task_is_created_while_describing_a_failure(dfk, log_text):
    # An AppFuture turns any unknown attribute into a new task; the helper must not probe.
    fut = clean(fail_with(ValueError("x")))
    fut.exception()
    before = dfk.task_count
    unwrap_failure(fut, "no_side_effects")
    assert dfk.task_count == before


# --- the accumulate helper ------------------------------------------------------------------


def test_accumulate_logs_each_failure_once_and_a_summary(dfk, log_text):
    root = fail_with(ValueError("bad config"))
    futures = {
        "a": double(1),
        "b": clean(root),
        "c": double(2),
        "root": root,
        "d": fit(root),
        "e": concat_str_int(),
    }
    with pytest.raises(ParslTasksFailed) as raised:
        unwrap_parsl_futures(futures, tail_lines=3)

    err = raised.value
    if sys.version_info >= (3, 11):
        assert isinstance(err, ExceptionGroup)  # noqa: F821
    failed = ["b", "root", "d", "e"]
    assert err.results == {"a": 2, "c": 4}
    assert list(err.failures) == failed
    assert list(err.exceptions) == list(err.failures.values())
    assert all(e is futures[n].exception() for n, e in err.failures.items())

    messages = log_text()
    assert messages[-1] == "4 of 6 tasks failed: b, root, d, e"
    blocks = messages[:-1]
    assert sorted(m.split("]")[0] for m in blocks) == ["[b", "[d", "[e", "[root"]
    # b, d and root share one root cause: its traceback is logged once, the others point to it
    root_blocks = [m for m in blocks if "ValueError: bad config" in m]
    assert len(root_blocks) == 3
    assert sum("raise exc" in m for m in root_blocks) == 1
    assert sum("(traceback and details logged above, for [" in m for m in root_blocks) == 2


def test_accumulate_returns_results_and_accepts_pairs(dfk, log_text):
    pairs = [(f"x{i}", double(i)) for i in range(4)]
    assert unwrap_parsl_futures(pairs) == {"x0": 0, "x1": 2, "x2": 4, "x3": 6}
    assert log_text() == []


def test_accumulate_timeout_counts_unfinished_tasks_as_failed(dfk, log_text):
    release = threading.Event()
    try:
        futures = {"quick": double(5), "stuck": wait_for(release, 5)}
        with pytest.raises(ParslTasksFailed) as raised:
            unwrap_parsl_futures(futures, timeout=0.2)
    finally:
        release.set()
    err = raised.value
    assert err.results == {"quick": 10}
    assert isinstance(err.failures["stuck"], TimeoutError)
    assert "[stuck] task" in str(err.failures["stuck"])
    assert log_text()[-1] == "1 of 2 tasks failed: stuck"


def test_accumulate_rejects_duplicate_names(dfk):
    with pytest.raises(ValueError, match="'a' is used twice"):
        unwrap_parsl_futures([("a", double(1)), ("a", double(2))])
