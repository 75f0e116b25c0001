"""PSL206 future-in-container: a Parsl future inside a list, tuple, set or dict argument."""

from __future__ import annotations

import ast

from parsl_lint.model.values import Future, Gen, Mapping, MaybeFuture, Seq, Tup, Value
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: The keyword arguments Parsl looks into for futures (``inputs``) or files (``outputs``).
_RESOLVED = frozenset({"inputs", "outputs"})

_APPS = """
            from parsl import python_app


            @python_app
            def one(x):
                return x


            @python_app
            def total(xs, inputs=()):
                return sum(xs) + sum(inputs)
        """


class FutureInContainer(Rule):
    """
    ## What it does
    Finds a call of a Python or Bash app that passes a Parsl future (or a `DataFuture`) inside
    a list, tuple, set or dict, as an argument other than `inputs=`/`outputs=`: a literal
    such as `total([one(1), one(2)])`, or a name the model knows holds such a container.

    ## Why is this bad?
    Parsl waits for the futures it can see: positional and keyword arguments themselves, and
    the items of `inputs=[...]`. It does not look inside other containers. Reproduced on
    Parsl 2026.10: `total([one(1), one(2)])` starts at once and, on a `ThreadPoolExecutor`,
    hands the app a list of `AppFuture` objects instead of numbers; on a
    `HighThroughputExecutor` the call fails with `SerializationError`, because a future cannot
    be pickled. `pair(d={"a": one(1)})` fails the same way, while
    `total(inputs=[one(1), one(2)])` receives `[1, 2]`.

    Not reported: join apps (they run in the submitting process and may hand the futures on),
    and projects that configure `dependency_resolver=` (Parsl's `DEEP_DEPENDENCY_RESOLVER`
    looks inside containers).

    ## Example
    ```python
    parts = [one(1), one(2)]
    fut = total(parts)
    ```

    ## Use instead
    ```python
    fut = total(inputs=[one(1), one(2)])  # and read `inputs` in the app
    ```
    or pass each future as an argument of its own: `total(*parts)` with `def total(*xs)`.

    ## Fix safety
    No fix: moving the futures into `inputs` changes the app's signature too.

    ## Options
    None.
    """

    code = "PSL206"
    name = "future-in-container"
    summary = "App call passes futures inside a container, which Parsl does not wait for"

    VALID = [
        Valid(
            _APPS
            + """
            parts = [one(1), one(2)]
            a = total([1, 2], inputs=parts)
            b = total([1, 2], inputs=[one(3), one(4)])
            c = total(["x", "y"])
            d = total({"a": 1, "b": [2, 3]})
            """,
            id="inputs-and-containers-of-plain-values",
        ),
        Valid(
            _APPS
            + """
            parts = [one(1), one(2)]
            a = total(*parts)
            b = total(one(1))
            values = [f.result() for f in parts]
            c = total(values)
            """,
            id="futures-as-arguments-and-their-results",
        ),
        Valid(
            """
            from parsl import join_app, python_app


            @python_app
            def one(x):
                return x


            @python_app
            def add(*xs):
                return sum(xs)


            @join_app
            def gather(futs):
                return add(*futs)


            gather([one(1), one(2)])
            """,
            id="join-app-hands-the-futures-on",
        ),
        Valid(
            _APPS
            + """
            from parsl.config import Config
            from parsl.dataflow.dependency_resolvers import DEEP_DEPENDENCY_RESOLVER

            config = Config(dependency_resolver=DEEP_DEPENDENCY_RESOLVER)
            total([one(1), one(2)])
            """,
            id="deep-dependency-resolver",
        ),
    ]
    INVALID = [
        Invalid(
            _APPS
            + """
            fut = total([one(1), one(2)])  # PSL206
            """,
            id="list-literal",
            messages=(
                "`[one(1), one(2)]` holds Parsl futures inside a list: Parsl does not wait for "
                "them, so app `total` receives the futures themselves (SerializationError on a "
                "remote executor); pass them in `inputs=[...]` and read `inputs` in the app, "
                "or as separate arguments",
            ),
        ),
        Invalid(
            _APPS
            + """
            parts = []
            for i in range(3):
                parts.append(one(i))
            pairs = {"a": one(1), "b": one(2)}
            fut = total(parts)  # PSL206
            fut = total(xs=pairs)  # PSL206
            fut = total((one(1), 2))  # PSL206
            """,
            id="names-that-hold-containers",
            messages=(
                "`parts` holds Parsl futures inside a container: Parsl does not wait for them, so "
                "app `total` receives the futures themselves (SerializationError on a remote "
                "executor); pass them in `inputs=[...]` and read `inputs` in the app, or as "
                "separate arguments",
                "`pairs` holds Parsl futures inside a dict: Parsl does not wait for them, so "
                "app `total` receives the futures themselves (SerializationError on a remote "
                "executor); pass them in `inputs=[...]` and read `inputs` in the app, or as "
                "separate arguments",
                "`(one(1), 2)` holds Parsl futures inside a tuple: Parsl does not wait for "
                "them, so app `total` receives the futures themselves (SerializationError on "
                "a remote executor); pass them in `inputs=[...]` and read `inputs` in the "
                "app, or as separate arguments",
            ),
        ),
        Invalid(
            """
            from parsl import bash_app, python_app


            @python_app
            def make(x, outputs=()):
                return x


            @bash_app
            def merge(files, outputs=()):
                return "cat " + " ".join(files)


            parts = make(1, outputs=["a.txt", "b.txt"]).outputs
            merge([parts[0], parts[1]], outputs=["all.txt"])  # PSL206
            """,
            id="data-futures",
            messages=(
                "`[parts[0], parts[1]]` holds Parsl futures inside a list: Parsl does not wait "
                "for them, so app `merge` receives the futures themselves (SerializationError "
                "on a remote executor); pass them in `inputs=[...]` and read `inputs` in the "
                "app, or as separate arguments",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        found: list[tuple[ast.expr, str, str]] = []
        for fact, info in model.app_calls():
            if info.kind == "join":
                continue  # runs in the submitting process: the futures may be handed on
            call = fact.node
            pairs: list[tuple[ast.expr, Value]] = [
                (arg, value)
                for arg, value in zip(call.args, fact.args)
                if not isinstance(arg, ast.Starred)
            ]
            pairs += [
                (kw.value, fact.kwargs[kw.arg])
                for kw in call.keywords
                if kw.arg is not None and kw.arg not in _RESOLVED and kw.arg in fact.kwargs
            ]
            for node, value in pairs:
                kind = _container_of_futures(node, value)
                if kind is not None:
                    found.append((node, kind, info.name))
        if not found or model.project_mentions("dependency_resolver"):
            return
        for node, kind, app in found:
            ctx.report(
                self,
                node,
                f"`{ctx.shown(node)}` holds Parsl futures inside a {kind}: Parsl does not wait "
                f"for them, so app `{app}` receives the futures themselves "
                "(SerializationError on a remote executor); pass them in `inputs=[...]` and "
                "read `inputs` in the app, or as separate arguments",
            )


def _container_of_futures(node: ast.expr, value: Value) -> str | None:
    """The kind of container (``list``, ``tuple``, ``set``, ``dict``) when ``value`` is one
    that holds a Parsl future as an element (or a dict value)."""
    if isinstance(node, (ast.List, ast.ListComp)):
        kind = "list"
    elif isinstance(node, (ast.Tuple,)):
        kind = "tuple"
    elif isinstance(node, (ast.Set, ast.SetComp)):
        kind = "set"
    elif isinstance(node, (ast.Dict, ast.DictComp)):
        kind = "dict"
    else:
        kind = None
    if isinstance(value, Mapping):
        held = _is_future(value.value) or _is_future(value.key)
        return (kind or "dict") if held else None
    if isinstance(value, Tup):
        held = any(_is_future(item) for item in value.items)
        return (kind or "tuple") if held else None
    if isinstance(value, Seq) and not isinstance(value, Gen):  # a generator: PSL302
        return (kind or "container") if _is_future(value.elem) else None
    return None


def _is_future(value: Value) -> bool:
    return isinstance(value, (Future, MaybeFuture))
