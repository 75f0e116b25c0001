"""PSL302 unserializable-arg: an app call passes an object that cannot be pickled."""

from __future__ import annotations

from parsl_lint.model import resources
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: What to pass instead, by resource kind.
ARG_ADVICE: dict[str, str] = {
    "generator": "pass `list(...)` of it instead",
    "socket": "pass the address and connect inside the app",
    "db-connection": "pass the database path or DSN and connect inside the app",
    "db-cursor": "pass the rows (`cursor.fetchall()`) instead",
}
_DEFAULT_ADVICE = "create it inside the app instead"


class UnserializableArg(Rule):
    """
    ## What it does
    Finds a call of a Python or Bash app that passes, as an argument or inside `inputs=[...]`,
    an object that cannot be pickled: a generator, a socket, a database connection or cursor,
    a `subprocess.Popen` with pipes, a `threading.local`, a `queue.SimpleQueue`, a
    `concurrent.futures` executor, or a `multiprocessing` lock, queue, process, pool or manager.

    ## Why is this bad?
    A remote executor pickles the arguments (with dill) to send them to a worker. For these
    objects that fails, and the call still returns an `AppFuture`: the failure shows up later,
    at `.result()`, as `SerializationError`. On a `ThreadPoolExecutor` nothing is pickled and
    the same call works, so tests on threads do not catch it.

    Not reported: join apps (they run in the submitting process), objects that pickle as a copy
    (locks, events, open files, threads: PSL304, off by default), loggers (they pickle by name)
    and file paths.

    ## Example
    ```python
    rows = (line.split(",") for line in open("runs.csv"))
    fut = summarise(rows)
    ```

    ## Use instead
    ```python
    with open("runs.csv") as f:
        rows = [line.split(",") for line in f]
    fut = summarise(rows)
    ```

    ## Fix safety
    No fix: turning a generator into a list reads it all at once, which may not be wanted.

    ## Options
    None.
    """

    code = "PSL302"
    name = "unserializable-arg"
    summary = "An app call passes an object that cannot be pickled to the worker"

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app
            def consume(x, inputs=()):
                return x

            import logging
            import threading

            log = logging.getLogger(__name__)
            consume(log)
            consume(threading.Event())
            consume("data.csv", inputs=["a.txt", "b.txt"])
            """,
            id="logger-event-and-paths",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def consume(x, inputs=()):
                return x

            import torch

            consume(torch.xpu.device_count())
            consume(list(i for i in range(3)))
            """,
            id="plain-values",
        ),
        Valid(
            """
            import sqlite3
            from parsl import join_app


            @join_app
            def fan_out(conn):
                return []


            fan_out(sqlite3.connect("runs.db"))
            """,
            id="join-app-runs-in-submitting-process",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def consume(x, inputs=()):
                return x


            def generator():
                yield 1


            def use(gen=generator()):
                print(gen)


            consume(*[generator()])
            """,
            id="starred-argument-and-non-app-calls",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app
            def consume(x, inputs=()):
                return x


            def generator():
                num = 0
                while True:
                    yield num
                    num += 1


            gen = generator()
            x = consume(gen)  # PSL302
            """,
            id="generator-argument",
            messages=(
                "`gen` is a generator (`generator()`), which cannot be pickled, so on a remote "
                "executor this call of app `consume` fails with SerializationError; pass "
                "`list(...)` of it instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def consume(x, inputs=()):
                return x

            import sqlite3

            conn = sqlite3.connect("runs.db")
            consume(1, inputs=[conn])  # PSL302
            consume(x=(n for n in range(3)))  # PSL302
            """,
            id="connection-in-inputs-and-generator-keyword",
            messages=(
                "`[conn]` holds a database connection (`sqlite3.connect()`), which cannot be "
                "pickled, so on a remote executor this call of app `consume` fails with "
                "SerializationError; pass the database path or DSN and connect inside the app",
                "`(n for n in range(3))` is a generator expression, which cannot be pickled, so "
                "on a remote executor this call of app `consume` fails with SerializationError; "
                "pass `list(...)` of it instead",
            ),
        ),
        Invalid(
            """
            import socket
            from parsl import bash_app


            @bash_app
            def send(sock, stdout=None):
                return "echo hi"


            with socket.socket() as s:
                send(s, stdout="out.txt")  # PSL302
            """,
            id="socket-to-bash-app",
            messages=(
                "`s` is a socket (`socket.socket()`), which cannot be pickled, so on a remote "
                "executor this call of app `send` fails with SerializationError; pass the "
                "address and connect inside the app",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for fact, info in ctx.model.app_calls():
            if info.kind == "join":
                continue  # a join app runs in the submitting process: nothing is pickled
            for node, value, depth in ctx.model.app_arguments(fact):
                found = resources.find(value, resources.UNSERIALIZABLE, depth)
                if found is None:
                    continue
                kind = resources.kind_of(found) or ""
                advice = ARG_ADVICE.get(kind, _DEFAULT_ADVICE)
                verb = "is" if found is value else "holds"
                ctx.report(
                    self,
                    node,
                    f"`{ctx.shown(node)}` {verb} {resources.describe(found)}, which cannot be "
                    f"pickled, so on a remote executor this call of app `{info.name}` fails "
                    f"with SerializationError; {advice}",
                )
