"""What PSL104, PSL206, PSL305 and PSL402 claim about Parsl, checked on real Parsl.

Each test runs the code a rule reports (apps in ``new_rule_apps.py``, importable by HTEX
workers) on a ThreadPoolExecutor or a local HighThroughputExecutor bound to 127.0.0.1, with
every wait bounded, and lints the same code to check the rule reports it. The PSL305 test
kills its executor's result thread on purpose: it has an executor of its own, short waits and
a hard clean-up of the processes it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import new_rule_apps as apps
import parsl
import pytest
from new_rule_errors import PlainError, ReducedError
from parsl.app.python import PythonApp
from parsl.config import Config
from parsl.dataflow.dflow import DataFlowKernel
from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor
from parsl.providers import LocalProvider
from parsl.serialize.errors import SerializationError

from parsl_lint.config import Settings
from parsl_lint.engine import Linter
from parsl_lint.ftypes import Diagnostic

HERE = Path(__file__).resolve().parent
WAIT = 60  # seconds: any wait that should succeed


# --- linting the code that runs ---------------------------------------------------------


def lint(tmp_path: Path, code: str, select: str, files: dict[str, str] | None = None) -> list:
    """Lint ``code`` as ``main.py`` of a folder beside the apps and errors modules."""
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    for name in ("new_rule_apps.py", "new_rule_errors.py"):
        (root / name).write_text((HERE / name).read_text())
    for name, text in (files or {}).items():
        (root / name).write_text(textwrap.dedent(text))
    main = root / "main.py"
    main.write_text(textwrap.dedent(code))
    linter = Linter.create(Settings(project_root=root), {select}, sorted(root.glob("*.py")))
    result, _ = linter.lint_file(main, "main.py")
    return [(d.location.row, d.message) for d in result.diagnostics if d.code == select]


def lint_apps(tmp_path: Path, select: str, config: str) -> list[Diagnostic]:
    """Lint the apps module itself, in a project whose configuration is ``config``."""
    root = tmp_path / "apps"
    root.mkdir()
    for name in ("new_rule_apps.py", "new_rule_errors.py"):
        (root / name).write_text((HERE / name).read_text())
    (root / "config.py").write_text(textwrap.dedent(config))
    apps_file = root / "new_rule_apps.py"
    linter = Linter.create(Settings(project_root=root), {select}, sorted(root.glob("*.py")))
    result, _ = linter.lint_file(apps_file, "new_rule_apps.py")
    return [d for d in result.diagnostics if d.code == select]


# --- executors ----------------------------------------------------------------------------


def _htex(label: str) -> HighThroughputExecutor:
    return HighThroughputExecutor(
        label=label,
        address="127.0.0.1",
        loopback_address="127.0.0.1",
        max_workers_per_node=2,
        heartbeat_period=1,
        encrypted=False,
        provider=LocalProvider(init_blocks=1, max_blocks=1),
    )


@pytest.fixture(scope="module")
def htex_env() -> Iterator[None]:
    """HTEX starts its interchange and workers from PATH; workers import the apps module."""
    env = pytest.MonkeyPatch()
    env.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    pythonpath = [str(HERE), os.environ.get("PYTHONPATH", "")]
    env.setenv("PYTHONPATH", os.pathsep.join(p for p in pythonpath if p))
    yield
    env.undo()


@pytest.fixture(scope="module")
def htex(htex_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataFlowKernel]:
    """A DataFlowKernel of its own (not ``parsl.load``): apps are bound to it with ``on``."""
    run_dir = tmp_path_factory.mktemp("runinfo")
    executor = _htex("htex")
    dfk = DataFlowKernel(Config(executors=[executor], run_dir=str(run_dir)))
    try:
        yield dfk
    finally:
        dfk.cleanup()
        _kill_leftovers(executor)


def on(dfk: DataFlowKernel, app: PythonApp) -> PythonApp:
    """The same function as an app of ``dfk`` (the module's apps use the loaded one)."""
    return PythonApp(app.func.__wrapped__, data_flow_kernel=dfk)


@pytest.fixture
def threads(tmp_path: Path) -> Iterator[DataFlowKernel]:
    config = Config(
        executors=[ThreadPoolExecutor(label="cpu_htex"), ThreadPoolExecutor(label="local")],
        run_dir=str(tmp_path / "runinfo"),
    )
    dfk = parsl.load(config)
    try:
        yield dfk
    finally:
        dfk.cleanup()


def _kill_leftovers(executor: HighThroughputExecutor) -> None:
    """Kill what an executor started (its interchange, the worker pool's process group),
    whether or not ``cleanup()`` managed to."""
    proc = executor.interchange_proc
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    for job in list(executor.provider.resources.values()):
        pid = job.get("remote_pid")
        if not pid:
            continue
        try:
            group = os.getpgid(pid)
            if group != os.getpgid(0):
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _close_dead_result_pipe(executor: HighThroughputExecutor) -> None:
    """Close the result pipe that the dead result thread would have closed on its way out:
    ``shutdown()`` leaves it to that thread, and an open socket makes its ZMQ context's
    ``term()`` (run when the context is garbage collected) block the interpreter's exit."""
    thread = executor._result_queue_thread
    assert thread is not None and not thread.is_alive()
    executor.incoming_q.results_receiver.close(linger=0)
    executor.incoming_q.zmq_context.term()


# --- PSL206 -------------------------------------------------------------------------------

PSL206_CODE = """
    from new_rule_apps import kinds, kinds_of_values, one, total

    as_list = kinds([one(1), one(2)])
    as_dict = kinds_of_values(d={"a": one(1)})
    summed = total(inputs=[one(1), one(2)])
    plain = kinds([1, 2])
"""


def test_psl206_threads_hand_the_app_the_futures(threads: DataFlowKernel) -> None:
    assert apps.kinds([apps.one(1), apps.one(2)]).result(timeout=WAIT) == ["AppFuture"] * 2
    assert apps.kinds_of_values(d={"a": apps.one(1)}).result(timeout=WAIT) == {"a": "AppFuture"}
    assert apps.total(inputs=[apps.one(1), apps.one(2)]).result(timeout=WAIT) == 3
    assert apps.kinds([1, 2]).result(timeout=WAIT) == ["int", "int"]


def test_psl206_htex_cannot_send_the_futures(htex: DataFlowKernel) -> None:
    one, kinds, kinds_of_values = (
        on(htex, apps.one),
        on(htex, apps.kinds),
        on(htex, apps.kinds_of_values),
    )
    for fut in (kinds([one(1), one(2)]), kinds_of_values(d={"a": one(1)})):
        assert isinstance(fut.exception(timeout=WAIT), SerializationError)
    assert on(htex, apps.total)(inputs=[one(1), one(2)]).result(timeout=WAIT) == 3


def test_psl206_reports_exactly_the_containers(tmp_path: Path) -> None:
    found = lint(tmp_path, PSL206_CODE, "PSL206")
    assert [row for row, _ in found] == [4, 5]
    assert "inside a list" in found[0][1] and "inside a dict" in found[1][1]


# --- PSL104 -------------------------------------------------------------------------------

PSL104_CODE = """
    from new_rule_apps import nap

    serial = []
    for i in range(4):
        f = nap(i)
        serial.append(f.result())

    futures = [nap(i) for i in range(4)]
    gathered = [f.result() for f in futures]
"""


def _overlaps(futures: list) -> int:
    """How many tasks were launched before the previous one had returned."""
    records = [f.task_record for f in futures]
    return sum(
        1
        for before, after in zip(records, records[1:])
        if after["time_invoked"] < before["time_returned"]
    )


def test_psl104_waiting_in_the_loop_runs_tasks_one_at_a_time(threads: DataFlowKernel) -> None:
    serial = []
    for i in range(4):
        f = apps.nap(i)
        f.result(timeout=WAIT)
        serial.append(f)
    gathered = [apps.nap(i) for i in range(4)]
    for f in gathered:
        f.result(timeout=WAIT)
    assert _overlaps(serial) == 0  # each task submitted only after the previous returned
    assert _overlaps(gathered) == 3  # all submitted at once; two run at a time


def test_psl104_reports_the_waiting_loop_only(tmp_path: Path) -> None:
    found = lint(tmp_path, PSL104_CODE, "PSL104")
    assert [row for row, _ in found] == [7]


# --- PSL305 -------------------------------------------------------------------------------


def test_psl305_rebuildable_exceptions_come_back(htex: DataFlowKernel) -> None:
    plain = on(htex, apps.raise_plain)().exception(timeout=WAIT)
    reduced = on(htex, apps.raise_reduced)().exception(timeout=WAIT)
    assert isinstance(plain, PlainError) and plain.args == ("align", 3)
    assert isinstance(reduced, ReducedError) and (reduced.stage, reduced.code) == ("align", 3)


def test_psl305_unrebuildable_exception_hangs_htex(
    htex_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    died: list[BaseException | None] = []  # what killed a thread (the result thread)
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    executor = _htex("htex_hang")
    dfk = DataFlowKernel(Config(executors=[executor], run_dir=str(tmp_path / "runinfo")))
    try:
        one = on(dfk, apps.one)
        assert one(1).result(timeout=WAIT) == 1  # the executor works
        hung = on(dfk, apps.raise_stage)()
        with pytest.raises(FutureTimeout):
            hung.exception(timeout=4)
        assert hung.task_status() == "launched"
        with pytest.raises(FutureTimeout):  # and so does every later task
            one(2).result(timeout=2)
    finally:
        dfk.cleanup()
        _kill_leftovers(executor)
        _close_dead_result_pipe(executor)
    assert [type(e).__name__ for e in died] == ["TypeError"]
    assert "missing 1 required positional argument: 'code'" in str(died[0])


def test_psl305_reports_the_exception_that_hangs(tmp_path: Path) -> None:
    config = """
        from parsl.config import Config
        from parsl.executors import HighThroughputExecutor

        config = Config(executors=[HighThroughputExecutor(label="htex")])
    """
    found = lint_apps(tmp_path, "PSL305", config)
    source = (HERE / "new_rule_apps.py").read_text().splitlines()
    assert [source[d.location.row - 1].strip() for d in found] == ['raise StageError("align", 3)']
    assert "hang" in found[0].message


def test_psl305_class_of_the_script_is_a_name_error_on_htex(htex_env: None, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import parsl
        from parsl import python_app
        from parsl.config import Config
        from parsl.executors import HighThroughputExecutor
        from parsl.providers import LocalProvider


        class MainError(Exception):
            pass


        @python_app
        def fails():
            raise MainError("boom")


        if __name__ == "__main__":
            htex = HighThroughputExecutor(
                label="htex", address="127.0.0.1", loopback_address="127.0.0.1",
                max_workers_per_node=1, encrypted=False,
                provider=LocalProvider(init_blocks=1, max_blocks=1),
            )
            with parsl.load(Config(executors=[htex], run_dir={str(tmp_path / "run")!r})):
                e = fails().exception(timeout=60)
                print(type(e).__name__, e)
        """
    )
    path = tmp_path / "script.py"
    path.write_text(script)
    run = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert "NameError name 'MainError' is not defined" in run.stdout, run.stderr[-2000:]
    found = lint(tmp_path, script, "PSL305")
    assert [row for row, _ in found] == [15]


# --- PSL402 -------------------------------------------------------------------------------

PSL402_CONFIG = """
    from parsl.config import Config
    from parsl.executors import ThreadPoolExecutor

    config = Config(
        executors=[ThreadPoolExecutor(label="cpu_htex"), ThreadPoolExecutor(label="local")]
    )
"""
PSL402_CODE = """
    from parsl import python_app


    @python_app(executors=["cpu_htx"])
    def misspelt():
        return 1


    @python_app(executors=[])
    def nowhere():
        return 1


    @python_app(executors="all")
    def anywhere():
        return 1
"""


def test_psl402_unknown_label_and_empty_list_fail(threads: DataFlowKernel) -> None:
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(PSL402_CODE), namespace)
    error = namespace["misspelt"]().exception(timeout=WAIT)  # type: ignore[operator]
    assert isinstance(error, ValueError) and "requested invalid executor cpu_htx" in str(error)
    with pytest.raises(IndexError):
        namespace["nowhere"]()  # type: ignore[operator]
    assert namespace["anywhere"]().result(timeout=WAIT) == 1  # type: ignore[operator]


def test_psl402_reports_them(tmp_path: Path) -> None:
    found = lint(tmp_path, PSL402_CODE, "PSL402", {"config.py": PSL402_CONFIG})
    assert [row for row, _ in found] == [5, 10]
    assert found[0][1].endswith("did you mean `cpu_htex`?")
