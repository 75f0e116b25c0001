"""PSL301 unserializable-return: a python app returns (or yields) what cannot be pickled."""

from __future__ import annotations

import ast

from parsl_lint.model import resources
from parsl_lint.model.values import Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: What to do instead, by resource kind (the kinds are ``model/resources.py``'s).
RETURN_ADVICE: dict[str, str] = {
    "generator": "return a list (`list(...)`) instead",
    "socket": "return the data received, not the socket",
    "db-connection": "return the rows or values read, not the connection",
    "db-cursor": "return `cursor.fetchall()` or the values read, not the cursor",
}
_DEFAULT_ADVICE = "return plain data instead"


class UnserializableReturn(Rule):
    """
    ## What it does
    Finds a Python app that returns an object that cannot be pickled, or that is a generator
    function (it `yield`s): a generator, a socket, a database connection or cursor
    (`sqlite3.connect`, `psycopg2.connect`, `pymysql.connect`, ...), a `subprocess.Popen` with
    pipes, a `threading.local`, a `queue.SimpleQueue`, a `concurrent.futures` executor, or a
    `multiprocessing` lock, queue, process, pool or manager.

    ## Why is this bad?
    The worker pickles the return value (with dill) to send it back. For these objects that
    raises `TypeError: cannot pickle 'generator' object` (or `'socket'`, `'sqlite3.Connection'`,
    ...) on the worker, after the task's work is done, so the result is lost. On a
    `ThreadPoolExecutor` nothing is pickled and the same code works, which is why tests on
    threads do not catch it. Parsl's documentation says generator apps are not supported.

    Threads, locks, events and `Popen` objects without pipes *do* pickle with dill, as copies
    that control nothing: PSL304 reports those.

    ## Example
    ```python
    @python_app
    def read_rows(path):
        import sqlite3

        conn = sqlite3.connect(path)
        return conn.execute("select * from runs")
    ```

    ## Use instead
    ```python
    @python_app
    def read_rows(path):
        import sqlite3

        with sqlite3.connect(path) as conn:
            return conn.execute("select * from runs").fetchall()
    ```

    ## Fix safety
    No fix: what the caller needs instead of the object is a design decision.

    ## Options
    None.
    """

    code = "PSL301"
    name = "unserializable-return"
    summary = "A Python app returns an object that cannot be pickled back from the worker"

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app
            def numbers(n):
                return list(i * i for i in range(n))
            """,
            id="returns-list-of-generator",
        ),
        Valid(
            """
            from parsl import bash_app


            @bash_app
            def concat(inputs=(), outputs=()):
                return "cat {0} > {1}".format(
                    " ".join(map(lambda x: x.filepath, inputs)), outputs[0]
                )
            """,
            id="bash-app-lambda-in-command",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def count(path):
                import sqlite3

                with sqlite3.connect(path) as conn:
                    return conn.execute("select count(*) from t").fetchone()[0]
            """,
            id="connection-used-inside-the-app",
        ),
        Valid(
            """
            import sqlite3


            def connect(path):
                return sqlite3.connect(path)


            def squares(n):
                yield from range(n)
            """,
            id="plain-functions-are-not-apps",
        ),
        Valid(
            """
            from parsl import python_app

            import logging


            @python_app
            def get_logger():
                return logging.getLogger("workflow")
            """,
            id="logger-pickles-by-name",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app
            def squares(n):
                for i in range(n):
                    yield i * i  # PSL301
            """,
            id="generator-app",
            messages=(
                "app `squares` is a generator function: its generator cannot be pickled back "
                "from a remote worker; collect the values and return a list",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def evens(n):
                return (i for i in range(n) if i % 2 == 0)  # PSL301
            """,
            id="returns-generator-expression",
            messages=(
                "app `evens` returns `(i for i in range(n) if i % 2 == 0)`, a generator "
                "expression, which cannot be pickled back from a remote worker; return a list "
                "(`list(...)`) instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def open_db(path):
                import sqlite3

                conn = sqlite3.connect(path)
                return conn  # PSL301
            """,
            id="returns-sqlite-connection",
            messages=(
                "app `open_db` returns `conn`, a database connection (`sqlite3.connect()`), "
                "which cannot be pickled back from a remote worker; return the rows or values "
                "read, not the connection",
            ),
        ),
        Invalid(
            """
            from parsl import python_app

            import socket as so


            @python_app
            def dial(host):
                s = so.create_connection((host, 80))
                return s, host  # PSL301
            """,
            id="tuple-holds-socket",
            messages=(
                "app `dial` returns `s, host`, which holds a socket "
                "(`socket.create_connection()`) that cannot be pickled back from a remote "
                "worker; return the data received, not the socket",
            ),
        ),
        Invalid(
            """
            import psycopg2
            from parsl import python_app


            def walk_files(root):
                for name in root:
                    yield name


            @python_app
            def query(dsn, root):
                if not dsn:
                    return walk_files(root)  # PSL301
                return psycopg2.connect(dsn).cursor()  # PSL301
            """,
            id="returns-generator-call-or-cursor",
            messages=(
                "app `query` returns `walk_files(root)`, a generator (`walk_files()`), which "
                "cannot be pickled back from a remote worker; return a list (`list(...)`) "
                "instead",
                "app `query` returns `psycopg2.connect(dsn).cursor()`, a database cursor "
                "(`psycopg2.connect(...).cursor()`), which cannot be pickled back from a remote "
                "worker; return `cursor.fetchall()` or the values read, not the cursor",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        yielded: set[tuple[str, int]] = set()
        for info, node, value in ctx.model.app_results():
            if info.kind != "python":
                continue  # a bash app returns its command line, a join app its futures
            found = resources.find(value, resources.UNSERIALIZABLE)
            if found is None:
                continue
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                if (info.name, info.lineno) in yielded:
                    continue
                yielded.add((info.name, info.lineno))
                ctx.report(
                    self,
                    node,
                    f"app `{info.name}` is a generator function: its generator cannot be "
                    "pickled back from a remote worker; collect the values and return a list",
                )
                continue
            ctx.report(self, node, _message(ctx, info.name, node, value, found))


def _message(ctx: RuleContext, app: str, node: ast.AST, value: Value, found: Value) -> str:
    what = resources.describe(found)
    kind = resources.kind_of(found) or ""
    advice = RETURN_ADVICE.get(kind, _DEFAULT_ADVICE)
    held = f", {what}, which" if found is value else f", which holds {what} that"
    return (
        f"app `{app}` returns `{ctx.shown(node)}`{held} cannot be pickled back from a remote "
        f"worker; {advice}"
    )
