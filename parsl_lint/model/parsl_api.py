"""Parsl's public API (and the few standard-library helpers the model follows), by qualified name.

The model recognises Parsl by where a name was imported from, never by how it is spelled: a
user function named ``python_app`` or another library's ``PythonApp`` is not Parsl's. These
tables map qualified names (as ``research/parsl.md`` §i lists them for Parsl 2026.10) to the
abstract value they stand for.
"""

from __future__ import annotations

from parsl_lint.model.values import AppFactory, Builtin, External, PoolExecutor, Value

APP_DECORATORS: dict[str, str] = {
    "parsl.python_app": "python",
    "parsl.bash_app": "bash",
    "parsl.join_app": "join",
    "parsl.app.app.python_app": "python",
    "parsl.app.app.bash_app": "bash",
    "parsl.app.app.join_app": "join",
}

APP_CLASSES: dict[str, str] = {
    "parsl.app.python.PythonApp": "python",
    "parsl.app.bash.BashApp": "bash",
    "parsl.concurrent.PythonApp": "python",
}

#: The decorator of Parsl before 1.0, ``@App("python" | "bash", dfk, ...)``: gone from today's
#: Parsl, still in published workflows, and its calls returned the same AppFutures.
LEGACY_APP = frozenset({"parsl.App", "parsl.app.app.App"})
LEGACY_KIND = "legacy"

#: Annotations that promise an AppFuture / DataFuture.
FUTURE_TYPES: dict[str, bool] = {
    "parsl.dataflow.futures.AppFuture": False,
    "parsl.app.futures.DataFuture": True,
}

#: Calls that return the DataFlowKernel (``parsl.dfk`` and ``parsl.load`` are the loader's).
KERNEL_CALLS = frozenset(
    {
        "parsl.dfk",
        "parsl.load",
        "parsl.DataFlowKernel",
        "parsl.dataflow.dflow.DataFlowKernel",
        "parsl.dataflow.dflow.DataFlowKernelLoader.dfk",
        "parsl.dataflow.dflow.DataFlowKernelLoader.load",
    }
)

#: The base class of every Parsl app class: ``__init__`` stores its ``data_flow_kernel``
#: argument (``Optional[DataFlowKernel]``) as ``self.data_flow_kernel``; ``__call__`` is
#: abstract, so a project subclass writes its own (``PythonApp.__call__`` returns
#: ``dfk.submit(...)``).
APP_BASE = "parsl.app.app.AppBase"

POOL_EXECUTORS = frozenset({"parsl.concurrent.ParslPoolExecutor"})

#: Standard-library functions (and progress bars) that pass futures through.
STDLIB_FUNCTIONS: dict[str, str] = {
    "concurrent.futures.as_completed": "as_completed",
    "concurrent.futures.wait": "wait",
    "concurrent.futures._base.as_completed": "as_completed",
    "concurrent.futures._base.wait": "wait",
    "itertools.chain": "chain",
    "itertools.chain.from_iterable": "chain.from_iterable",
    "itertools.islice": "islice",
    "copy.copy": "copy",
    "copy.deepcopy": "copy",
    "collections.defaultdict": "defaultdict",
    "functools.partial": "partial",
    "collections.OrderedDict": "dict",
    "collections.deque": "deque",
    # Progress bars: iterating them yields what they wrap.
    "tqdm.tqdm": "islice",
    "tqdm.auto.tqdm": "islice",
    "tqdm.notebook.tqdm": "islice",
    "tqdm.std.tqdm": "islice",
    "tqdm.asyncio.tqdm": "islice",
    "tqdm.rich.tqdm": "islice",
    "rich.progress.track": "islice",
}

#: Builtins the evaluator follows (when the name is not shadowed).
BUILTINS = frozenset(
    {
        "list",
        "tuple",
        "set",
        "frozenset",
        "sorted",
        "reversed",
        "iter",
        "next",
        "enumerate",
        "zip",
        "dict",
        "filter",
        "map",
        "super",
    }
)

#: Real attributes and methods of AppFuture / DataFuture / concurrent.futures.Future.
#: Any *other* public attribute of an AppFuture is Parsl's lifted ``__getattr__``: a new future.
FUTURE_ATTRIBUTES = frozenset(
    {
        "result",
        "exception",
        "done",
        "running",
        "cancel",
        "cancelled",
        "add_done_callback",
        "set_result",
        "set_exception",
        "set_running_or_notify_cancel",
        "task_record",
        "tid",
        "stdout",
        "stderr",
        "outputs",
        "task_status",
        "parent_callback",
        "filepath",
        "filename",
        "file_obj",
        "app_fut",
        "cleancallback",
    }
)


def value_of_qualname(qualname: str) -> Value | None:
    """The abstract value of an external qualified name, or None when it means nothing to us."""
    if qualname in APP_DECORATORS:
        return AppFactory(APP_DECORATORS[qualname])
    if qualname in APP_CLASSES:
        return AppFactory(APP_CLASSES[qualname], is_class=True)
    if qualname in LEGACY_APP:
        return AppFactory(LEGACY_KIND)
    if qualname in POOL_EXECUTORS:
        return External(qualname)
    if qualname in STDLIB_FUNCTIONS:
        return Builtin(STDLIB_FUNCTIONS[qualname])
    return None


def is_pool_executor(qualname: str) -> bool:
    return qualname in POOL_EXECUTORS


def makes_kernel(qualname: str) -> bool:
    return qualname in KERNEL_CALLS


__all__ = [
    "APP_CLASSES",
    "APP_DECORATORS",
    "BUILTINS",
    "FUTURE_ATTRIBUTES",
    "FUTURE_TYPES",
    "KERNEL_CALLS",
    "PoolExecutor",
    "is_pool_executor",
    "makes_kernel",
    "value_of_qualname",
]
