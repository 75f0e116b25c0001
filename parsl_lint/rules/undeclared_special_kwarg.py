"""PSL203 undeclared-special-kwarg: Parsl's special keywords the app function does not declare."""

from __future__ import annotations

import ast

from parsl_lint.model.project import FunctionNode
from parsl_lint.model.values import AppInfo, Param, Signature
from parsl_lint.parsl_facts import ALWAYS_PASSED, CALL_TIME_KEYWORDS
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid


class UndeclaredSpecialKwarg(Rule):
    """
    ## What it does
    Finds calls of a Parsl app that pass one of Parsl's special keywords (`inputs=`,
    `outputs=`, `stdout=`, `stderr=`, `walltime=`, `parsl_resource_specification=`, `label=`)
    when the app function does not declare that parameter and has no `**kwargs`; and Python
    or join app functions that declare one of them without a default (`def f(inputs)`; a
    keyword-only one, `def f(*, outputs)`, is reported where a call leaves it out).

    ## Why is this bad?
    Parsl acts on these keywords (dependencies, staging, redirection, time limits) and then
    passes them on to the function as well. A function that does not declare the keyword fails
    on the worker with `TypeError: f() got an unexpected keyword argument 'inputs'`, seen only
    later, at `.result()`. A special parameter without a default gets `inspect.Parameter.empty`
    from Parsl on every call where it is not given: `inputs`/`outputs` then fail at submission
    with "'type' object is not iterable", `walltime` crashes the timer thread, and a value
    given by position collides with the one Parsl adds ("got multiple values").

    ## Example
    ```python
    @bash_app
    def touch(filename):
        return f"touch {filename}"

    touch("a.txt", outputs=[File("a.txt")])
    ```

    ## Use instead
    ```python
    @bash_app
    def touch(filename, outputs=()):
        return f"touch {filename}"

    touch("a.txt", outputs=[File("a.txt")])
    ```

    ## Fix safety
    No fix: the parameter belongs in the function's signature, where its name and default are
    the author's choice.

    ## Options
    None.
    """

    code = "PSL203"
    name = "undeclared-special-kwarg"
    summary = "Parsl special keyword passed to an app that does not declare it"

    VALID = [
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def my_app(t=0.0, walltime=0.1):
                return t


            f = my_app(0.01, walltime=6)
            """,
            id="walltime-declared",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @bash_app
            def foo(x, y, z=10, stdout=None, label=None):
                return 'echo'


            foo(1, 2, stdout='o', label='lbl')
            """,
            id="bash-app-declares-stdout-and-label",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def anything(x, **kwargs):
                return x


            anything(1, inputs=[], outputs=[], walltime=3, label='a')
            """,
            id="kwargs-takes-special-keywords",
        ),
        Valid(
            """
            def bash_app(stdout=None):
                return 'echo'


            x = bash_app(stdout='out.txt')
            """,
            id="project-function-named-bash-app",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def plot(data, label):
                return data


            plot([1], label='x')
            """,
            id="label-parameter-without-default",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def plain(x):
                return x


            @python_app
            def staged(x, inputs=()):
                return x


            def run(app=plain):
                return app(1, inputs=[])


            run(staged)
            """,
            id="app-passed-as-parameter-is-not-checked",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @bash_app
            def launch(parsl_resource_specification, stdout=None):
                return 'hostname'


            launch(parsl_resource_specification={})
            """,
            id="bash-app-special-parameter-without-default",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app, bash_app


            @bash_app
            def touch(filename, outputs=()):
                return f'touch {filename}'


            touch('t.3', inputs=['t.3'])  # PSL203
            """,
            id="inputs-not-declared-by-bash-app",
            messages=(
                "`touch()` does not declare `inputs`: Parsl passes `inputs=` on to the "
                "function, which fails with TypeError on the worker; add a `inputs=()` "
                "parameter to `touch`",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def plain(x):
                return x


            plain(1, walltime=5)  # PSL203
            plain(1, stdout='o', parsl_resource_specification={})  # PSL203 PSL203
            """,
            id="several-undeclared-keywords",
            messages=(
                "`plain()` does not declare `walltime`: Parsl passes `walltime=` on to the "
                "function, which fails with TypeError on the worker; add a `walltime=None` "
                "parameter to `plain`",
                "`plain()` does not declare `stdout`: Parsl passes `stdout=` on to the "
                "function, which fails with TypeError on the worker; add a `stdout=None` "
                "parameter to `plain`",
                "`plain()` does not declare `parsl_resource_specification`: Parsl passes "
                "`parsl_resource_specification=` on to the function, which fails with TypeError "
                "on the worker; add a `parsl_resource_specification=None` parameter to `plain`",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def total(inputs):  # PSL203
                return sum(inputs)
            """,
            id="inputs-without-default",
            messages=(
                "`inputs` of app `total` has no default, so Parsl passes "
                "`inspect.Parameter.empty` for it whenever a call leaves it out and a "
                "positional value collides with it (multiple values); make it a keyword with a "
                "default, e.g. `inputs=()`",
            ),
        ),
        Invalid(
            """
            import parsl


            @parsl.python_app
            def generate(n, *, outputs):
                return n


            generate(3, outputs=[])
            generate(4)  # PSL203
            """,
            id="keyword-only-outputs-left-out",
            messages=(
                "`generate()` is called without `outputs`, which has no default, so Parsl "
                "passes `inspect.Parameter.empty` for it instead of raising; pass `outputs=` or "
                "give the parameter a default",
            ),
        ),
        Invalid(
            """
            from .apps import plain


            plain(1, label='one')  # PSL203
            """,
            id="label-on-imported-app",
            files={
                "apps.py": """
                from parsl import python_app, bash_app


                @python_app
                def plain(x):
                    return x
                """,
            },
            messages=(
                "`plain()` does not declare `label`: Parsl passes `label=` on to the function, "
                "which fails with TypeError on the worker; add a `label=None` parameter to "
                "`plain`",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        for fact, info in model.app_calls():
            sig = info.signature
            if sig is None or sig.varkw or model.callee_from_parameter(fact):
                continue
            declared = sig.names()
            for kw in fact.node.keywords:
                if kw.arg in CALL_TIME_KEYWORDS and kw.arg not in declared:
                    ctx.report(
                        self,
                        kw,
                        f"`{info.name}()` does not declare `{kw.arg}`: Parsl passes `{kw.arg}=` "
                        "on to the function, which fails with TypeError on the worker; add a "
                        f"`{_suggest(kw.arg)}` parameter to `{info.name}`",
                    )
            if any(kw.arg is None for kw in fact.node.keywords):
                continue
            given = {kw.arg for kw in fact.node.keywords}
            for param in _filled_by_parsl(info, sig):
                if param.kind == "kwonly" and param.name not in given:
                    ctx.report(
                        self,
                        fact.node,
                        f"`{info.name}()` is called without `{param.name}`, which has no "
                        "default, so Parsl passes `inspect.Parameter.empty` for it instead of "
                        f"raising; pass `{param.name}=` or give the parameter a default",
                    )
        for function, info in model.app_functions():
            sig = info.signature
            if sig is None:
                continue
            for param in _filled_by_parsl(info, sig):
                node = _argument(function, param.name)
                if param.kind == "kwonly" or node is None:
                    continue  # keyword-only: only a call that leaves it out is wrong (above)
                ctx.report(
                    self,
                    node,
                    f"`{param.name}` of app `{info.name}` has no default, so Parsl passes "
                    "`inspect.Parameter.empty` for it whenever a call leaves it out and a "
                    "positional value collides with it (multiple values); make it a keyword "
                    f"with a default, e.g. `{_suggest(param.name)}`",
                )


def _suggest(name: str) -> str:
    return f"{name}=()" if name in ("inputs", "outputs") else f"{name}=None"


def _filled_by_parsl(info: AppInfo, sig: Signature) -> list[Param]:
    """Special parameters without a default, which Parsl fills in (Python and join apps)."""
    if info.kind == "bash":
        return []  # BashApp passes only the parameters that have a default
    return [p for p in sig.params if p.name in ALWAYS_PASSED and not p.has_default]


def _argument(function: FunctionNode, name: str) -> ast.arg | None:
    args = function.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == name:
            return arg
    return None
