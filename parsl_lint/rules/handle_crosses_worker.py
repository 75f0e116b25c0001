"""PSL304 handle-crosses-worker: a file, lock, event, queue, thread or process crosses to a
worker (or back) as a disconnected copy."""

from __future__ import annotations

import ast

from parsl_lint.model import resources
from parsl_lint.model.values import Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: What goes wrong with the copy, and what to do instead, by resource kind.
_WHY: dict[str, tuple[str, str]] = {
    "file": (
        "it is re-opened by name on the other side, with its own position and buffer",
        "pass the path (or a `parsl.File`) and open it inside the app",
    ),
    "lock": (
        "acquiring the copy does not exclude anyone in the other process",
        "order the work through futures (pass one app's future to the next) instead",
    ),
    "event": (
        "setting or waiting on the copy does not reach the other process",
        "order the work through futures (pass one app's future to the next) instead",
    ),
    "queue": (
        "items put on the copy never reach the other process",
        "return the items from the app instead",
    ),
    "thread": (
        "joining or starting the copy does not touch the original thread",
        "start and join the thread inside the app",
    ),
    "subprocess": (
        "waiting on the copy does not wait for the original process",
        "start and wait for the process inside the app",
    ),
}


class HandleCrossesWorker(Rule):
    """
    ## What it does
    Finds an open file, a lock, condition, semaphore or barrier, an event, a `queue.Queue`, a
    `threading.Thread` or a `subprocess.Popen` (without pipes) that is passed to a Python or
    Bash app, or returned from a Python app. Off by default: enable it with
    `--extend-select PSL304`.

    ## Why is this bad?
    These objects *do* pickle with dill, which Parsl uses, so nothing fails. But on a remote
    executor the other side gets a copy: a file re-opened by name (on the worker's file
    system, with its own position), a fresh unlocked lock, an unset event, an empty queue, a
    thread or process object that controls nothing. Synchronisation and file positions
    silently stop working. On a `ThreadPoolExecutor` the very same object is shared, so the code
    works in tests and breaks in production. It is off by default because a workflow that only
    ever runs apps on threads (as Parsl's own tests do with `threading.Event`) is fine.

    ## Example
    ```python
    done = threading.Event()
    fut = produce(done)
    done.wait()
    ```

    ## Use instead
    ```python
    fut = produce()
    fut.result()  # or pass `fut` to the next app
    ```

    ## Fix safety
    No fix: replacing shared state by data flow is a design change.

    ## Options
    None.
    """

    code = "PSL304"
    name = "handle-crosses-worker"
    summary = "A file, lock, event or thread crosses to a worker as a disconnected copy"
    default_enabled = False

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app
            def wait_for(x, inputs=()):
                return 1

            import logging

            wait_for("data.csv", inputs=["a.txt"])
            wait_for(logging.getLogger(__name__))
            """,
            id="paths-and-logger",
        ),
        Valid(
            """
            from parsl import join_app
            import threading


            @join_app
            def coordinate(event):
                return []


            coordinate(threading.Event())
            """,
            id="join-app-gets-the-event-itself",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def wait_for(x, inputs=()):
                return 1


            def open(path):
                return path


            wait_for(open("data.csv"))
            """,
            id="project-function-named-open",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app
            def wait_for(x, inputs=()):
                return 1

            import threading

            evt = threading.Event()
            x = wait_for(evt)  # PSL304
            wait_for(1, inputs=[threading.Lock()])  # PSL304
            """,
            id="event-and-lock-in-inputs",
            messages=(
                "`evt` is an event (`threading.Event()`): on a remote executor app `wait_for` "
                "gets a copy, and setting or waiting on the copy does not reach the other "
                "process; order the work through futures (pass one app's future to the next) "
                "instead",
                "`[threading.Lock()]` holds a lock (`threading.Lock()`): on a remote executor "
                "app `wait_for` gets a copy, and acquiring the copy does not exclude anyone in "
                "the other process; order the work through futures (pass one app's future to "
                "the next) instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def log_file(path):
                f = open(path, "a")
                return f  # PSL304
            """,
            id="returns-open-file",
            messages=(
                "app `log_file` returns `f`, an open file (`open()`): on a remote executor the "
                "caller gets a copy, and it is re-opened by name on the other side, with its "
                "own position and buffer; return plain data instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def wait_for(x, inputs=()):
                return 1

            with open("data.csv") as handle:
                wait_for(handle)  # PSL304
            """,
            id="open-file-argument",
            messages=(
                "`handle` is an open file (`open()`): on a remote executor app `wait_for` gets "
                "a copy, and it is re-opened by name on the other side, with its own position "
                "and buffer; pass the path (or a `parsl.File`) and open it inside the app",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        for fact, info in model.app_calls():
            if info.kind == "join":
                continue  # runs in the submitting process: the object itself is passed
            for node, value, depth in model.app_arguments(fact):
                found = resources.find(value, resources.COPIED, depth)
                if found is not None:
                    what = _what(ctx, node, value, found)
                    why, advice = _WHY[resources.kind_of(found) or "file"]
                    ctx.report(
                        self,
                        node,
                        f"{what}: on a remote executor app `{info.name}` gets a copy, and "
                        f"{why}; {advice}",
                    )
        for info, node, value in model.app_results():
            if info.kind != "python":
                continue
            found = resources.find(value, resources.COPIED)
            if found is not None:
                why, _ = _WHY[resources.kind_of(found) or "file"]
                ctx.report(
                    self,
                    node,
                    f"app `{info.name}` returns {_what(ctx, node, value, found, True)}: on a "
                    f"remote executor the caller gets a copy, and {why}; return plain data instead",
                )


def _what(
    ctx: RuleContext, node: ast.AST, value: Value, found: Value, returned: bool = False
) -> str:
    if returned:
        verb = "," if found is value else ", which holds"
    else:
        verb = " is" if found is value else " holds"
    return f"`{ctx.shown(node)}`{verb} {resources.describe(found)}"
