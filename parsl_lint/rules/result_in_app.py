"""PSL103 result-in-app: ``.result()`` on a Parsl future inside an app body."""

from __future__ import annotations

from parsl_lint.rule import Invalid, Rule, RuleContext, Valid


class ResultInApp(Rule):
    """
    ## What it does
    Finds `.result()` called on a Parsl future inside the body of an app: a Python, Bash or
    join app that waits for another app's task.

    ## Why is this bad?
    The app occupies a worker slot (or, for a join app, a thread of Parsl's internal executor)
    while it blocks. With enough such tasks every slot waits for tasks that cannot start, and
    the workflow deadlocks; Parsl's documentation on join apps says apps should not wait on
    other apps. On a remote executor the app body also cannot reach an app defined at module
    level of a script (`NameError`, verified on HTEX).

    ## Example
    ```python
    @python_app
    def outer(x):
        return inner(x).result() * 2
    ```

    ## Use instead
    ```python
    @join_app
    def outer(x):
        return double(inner(x))  # return the future; Parsl waits for it
    ```
    or pass the future as an argument (`double(inner(x))` in the workflow): Parsl starts the
    task once its argument futures are done, and the app receives their values.

    ## Fix safety
    No fix: the app has to be split or made a join app.

    ## Options
    None.
    """

    code = "PSL103"
    name = "result-in-app"
    summary = "An app body blocks on another task's future"

    VALID = [
        Valid(
            """
            from parsl import join_app, python_app


            @python_app
            def inner(x):
                return x + 1


            @join_app
            def outer(x):
                return inner(x)


            @python_app
            def double(y):
                return y * 2


            double(inner(1)).result()
            """,
            id="join-app-returns-the-future",
        ),
        Valid(
            """
            import concurrent.futures as cf

            from parsl import python_app


            @python_app
            def pool_inside(n):
                with cf.ThreadPoolExecutor() as pool:
                    return pool.submit(abs, -n).result()
            """,
            id="concurrent-futures-inside-an-app",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def takes(fut):
                return fut.result()
            """,
            id="parameter-is-resolved-before-the-body-runs",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app
            def inner(x):
                return x + 1


            @python_app
            def outer(x):
                return inner(x).result() * 2  # PSL103
            """,
            id="python-app-waits-for-another-app",
            messages=(
                "`inner(x).result()` inside app `outer` blocks a worker slot until the other "
                "task finishes and can deadlock the workflow; pass the future to the next app "
                "as an argument, or make `outer` a `@join_app` that returns it",
            ),
        ),
        Invalid(
            """
            from parsl import join_app, python_app


            @python_app
            def inner(x):
                return x + 1


            @join_app
            def gather(n):
                futs = [inner(i) for i in range(n)]
                total = sum(f.result() for f in futs)  # PSL103
                return inner(total)
            """,
            id="join-app-waits-instead-of-returning",
            messages=(
                "`f.result()` inside app `gather` blocks a thread of Parsl's internal executor "
                "until the other task finishes and can deadlock the workflow; return the "
                "future instead and let Parsl wait for it",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        for fact in model.method_calls("result"):
            if model.receiver_future(fact) is None:
                continue
            app = model.enclosing_app(fact)
            if app is None:
                continue
            receiver = ctx.shown(fact.node.func.value)  # type: ignore[attr-defined]
            slot = "a worker slot"
            if app.kind == "join":
                slot = "a thread of Parsl's internal executor"
                advice = "return the future instead and let Parsl wait for it"
            else:
                advice = (
                    "pass the future to the next app as an argument, or make "
                    f"`{app.name}` a `@join_app` that returns it"
                )
            ctx.report(
                self,
                fact.node,
                f"`{receiver}.result()` inside app `{app.name}` blocks {slot} until "
                f"the other task finishes and can deadlock the workflow; {advice}",
            )
