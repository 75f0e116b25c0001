"""PSL301 unserializable-return: a python app returns (or yields) what cannot be pickled."""

from __future__ import annotations

import ast

from parsl_lint.model import resources
from parsl_lint.model.values import Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_APP = "from parsl import python_app\n"

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
            _APP
            + """

@python_app
def numbers(n):
    return list(i * i for i in range(n))
"""
        ),
        Valid(
            """
from parsl import bash_app


@bash_app
def concat(inputs=(), outputs=()):
    return "cat {0} > {1}".format(" ".join(map(lambda x: x.filepath, inputs)), outputs[0])
"""
        ),
        Valid(
            _APP
            + """

@python_app
def count(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("select count(*) from t").fetchone()[0]
"""
        ),
        Valid(
            """
import sqlite3


def connect(path):
    return sqlite3.connect(path)


def squares(n):
    yield from range(n)
"""
        ),
        Valid(
            _APP
            + """
import logging


@python_app
def get_logger():
    return logging.getLogger("workflow")
"""
        ),
    ]
    INVALID = [
        Invalid(
            _APP
            + """

@python_app
def squares(n):
    for i in range(n):
        yield i * i
""",
            lines=(7,),
        ),
        Invalid(
            _APP
            + """

@python_app
def evens(n):
    return (i for i in range(n) if i % 2 == 0)
""",
            lines=(6,),
        ),
        Invalid(
            _APP
            + """

@python_app
def open_db(path):
    import sqlite3

    conn = sqlite3.connect(path)
    return conn
""",
            lines=(9,),
        ),
        Invalid(
            _APP
            + """
import socket as so


@python_app
def dial(host):
    s = so.create_connection((host, 80))
    return s, host
""",
            lines=(9,),
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
        return walk_files(root)
    return psycopg2.connect(dsn).cursor()
""",
            lines=(13, 14),
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
