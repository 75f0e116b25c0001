"""PSL201 bad-decorator-kwarg: a keyword Parsl's app decorator (or app class) does not take."""

from __future__ import annotations

import ast

from parsl_lint.ftypes import Applicability, Fix
from parsl_lint.model.values import AppFactory
from parsl_lint.parsl_facts import CALL_TIME_KEYWORDS, factory_keywords, factory_name
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid


class BadDecoratorKwarg(Rule):
    """
    ## What it does
    Finds keywords that Parsl's `@python_app`, `@bash_app` and `@join_app` decorators (and the
    `PythonApp`/`BashApp` classes, and `python_app(f, ...)` called as a function) do not
    accept, and an `executors=` value that is a string or a tuple instead of a list. The
    accepted keywords are read from the installed Parsl, so the rule follows your version.

    ## Why is this bad?
    `@python_app(executor="htex")` raises `TypeError` when the module is imported, and
    `@python_app(executors="htex")` raises typeguard's `TypeCheckError` (which is not a
    `TypeError`). Typical mix-ups: `executor=` for `executors=`, `walltime=` on the decorator
    (it is a call-time keyword of the app function), and `executors=` on `@join_app` (join apps
    always run on Parsl's internal executor).

    ## Example
    ```python
    @python_app(executor="htex")
    def train(x):
        return x * 2
    ```

    ## Use instead
    ```python
    @python_app(executors=["htex"])
    def train(x):
        return x * 2
    ```
    `executors="all"` (the default) is a valid string.

    ## Fix safety
    `executor=` becomes `executors=`, and a string or tuple of labels becomes a list:
    `executor="htex"` and `executors="htex"` become `executors=["htex"]`. The fix is safe when
    the value is a literal; when it is any other expression only the keyword is renamed, and
    that fix is unsafe (a variable holding a string would still need a list). No fix is
    offered for other keywords, or when the call already has `executors=`.

    ## Options
    None.
    """

    code = "PSL201"
    name = "bad-decorator-kwarg"
    summary = "Parsl's app decorator does not take this keyword"
    fixable = True

    VALID = [
        Valid(
            """
            from parsl import python_app, bash_app, join_app


            @python_app(executors=['htex'], cache=True, ignore_for_cache=['x'])
            def run(x):
                return x


            @bash_app(executors='all')
            def run(x):
                return x


            @join_app(cache=True)
            def run(x):
                return x
            """,
            id="accepted-keywords-of-each-decorator",
        ),
        Valid(
            """
            from parsl.app.python import PythonApp


            def run(x):
                return x


            app = PythonApp(run, executors=['_parsl_internal'], join=True)
            """,
            id="pythonapp-class-with-its-keywords",
        ),
        Valid(
            """
            def python_app(**options):
                return lambda f: f


            @python_app(executor='htex', walltime=5)
            def run(x):
                return x
            """,
            id="project-function-named-python-app",
        ),
        Valid(
            """
            from desipipe import PythonApp


            def run(x):
                return x


            app = PythonApp(run, executor='htex')
            """,
            id="other-library-class-named-pythonapp",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app(executor='htex')  # PSL201
            def run(x):
                return x
            """,
            id="executor-string-becomes-executors-list",
            messages=(
                "`python_app` has no `executor=` keyword and raises TypeError; use "
                "`executors=[...]` (a list of executor labels)",
            ),
            fixed="""
            from parsl import python_app


            @python_app(executors=['htex'])  # PSL201
            def run(x):
                return x
            """,
        ),
        Invalid(
            """
            import parsl


            @parsl.bash_app(executor=['a', 'b'], cache=True)  # PSL201
            def run(x):
                return x
            """,
            id="executor-list-on-parsl-bash-app",
            messages=(
                "`bash_app` has no `executor=` keyword and raises TypeError; use "
                "`executors=[...]` (a list of executor labels)",
            ),
            fixed="""
            import parsl


            @parsl.bash_app(executors=['a', 'b'], cache=True)  # PSL201
            def run(x):
                return x
            """,
        ),
        Invalid(
            """
            from parsl import python_app as papp


            def run(x):
                return x


            app = papp(run, executors='htex')  # PSL201
            """,
            id="executors-string-in-aliased-function-call",
            messages=(
                "`executors=` of `python_app` takes a list of executor labels, not a string; "
                "use `executors=[...]`",
            ),
            fixed="""
            from parsl import python_app as papp


            def run(x):
                return x


            app = papp(run, executors=['htex'])  # PSL201
            """,
        ),
        Invalid(
            """
            from parsl import python_app

            LABELS = ('a',)


            @python_app(executor=LABELS)  # PSL201
            def run(x):
                return x
            """,
            id="executor-variable-renamed-unsafely",
            messages=(
                "`python_app` has no `executor=` keyword and raises TypeError; use "
                "`executors=[...]` (a list of executor labels)",
            ),
            fixed="""
            from parsl import python_app

            LABELS = ('a',)


            @python_app(executors=LABELS)  # PSL201
            def run(x):
                return x
            """,
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app(executors=('a', 'b'))  # PSL201
            def run(x):
                return x
            """,
            id="executors-tuple-becomes-list",
            messages=(
                "`executors=` of `python_app` takes a list of executor labels, not a tuple; use "
                "`executors=[...]`",
            ),
            fixed="""
            from parsl import python_app


            @python_app(executors=['a', 'b'])  # PSL201
            def run(x):
                return x
            """,
        ),
        Invalid(
            """
            import parsl


            def test():
                @parsl.python_app(walltime=1)  # PSL201
                def slow():
                    return 1
            """,
            id="walltime-on-nested-decorator",
            messages=(
                "`walltime=` is not a keyword of `python_app` and raises TypeError; declare "
                "`walltime` as a parameter of the app function and pass it when calling the app",
            ),
        ),
        Invalid(
            """
            from parsl import join_app


            @join_app(executors=['htex'])  # PSL201
            def run(x):
                return x
            """,
            id="executors-on-join-app",
            messages=(
                "`join_app` has no `executors=` keyword and raises TypeError (join apps always "
                "run on Parsl's internal executor); remove it",
            ),
        ),
        Invalid(
            """
            from parsl.app.bash import BashApp


            def run(x):
                return x


            app = BashApp(run, join=True)  # PSL201
            """,
            id="join-keyword-on-bashapp-class",
            messages=(
                "`BashApp` has no `join=` keyword and raises TypeError; use one of `cache`, "
                "`data_flow_kernel`, `executors`, `func`, `ignore_for_cache`",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for call, factory in _factory_calls(ctx):
            if not call.keywords:
                continue
            accepted = factory_keywords(factory.kind, factory.is_class)
            if accepted is None:
                continue
            spelled = factory_name(factory.kind, factory.is_class)
            present = {kw.arg for kw in call.keywords}
            for kw in call.keywords:
                if kw.arg is None:
                    continue
                if kw.arg not in accepted:
                    self._unknown(ctx, kw, spelled, accepted, present)
                elif kw.arg == "executors" and _not_a_list(kw.value):
                    fix = _executors_fix(ctx, kw, "executors")
                    ctx.report(
                        self,
                        kw,
                        f"`executors=` of `{spelled}` takes a list of executor labels, not a "
                        f"{_kind_of(kw.value)}; use `executors=[...]`",
                        fix=fix,
                    )

    def _unknown(
        self,
        ctx: RuleContext,
        kw: ast.keyword,
        spelled: str,
        accepted: frozenset[str],
        present: set[str | None],
    ) -> None:
        name = kw.arg
        fix = None
        if name == "executor" and "executors" in accepted:
            message = (
                f"`{spelled}` has no `executor=` keyword and raises TypeError; "
                "use `executors=[...]` (a list of executor labels)"
            )
            if "executors" not in present:
                fix = _executors_fix(ctx, kw, "executor")
        elif name == "executors":
            message = (
                f"`{spelled}` has no `executors=` keyword and raises TypeError (join apps always "
                "run on Parsl's internal executor); remove it"
            )
        elif name in CALL_TIME_KEYWORDS:
            message = (
                f"`{name}=` is not a keyword of `{spelled}` and raises TypeError; declare "
                f"`{name}` as a parameter of the app function and pass it when calling the app"
            )
        else:
            message = (
                f"`{spelled}` has no `{name}=` keyword and raises TypeError; "
                f"use one of {', '.join(f'`{k}`' for k in sorted(accepted))}"
            )
        ctx.report(self, kw, message, fix=fix)


def _factory_calls(ctx: RuleContext) -> list[tuple[ast.Call, AppFactory]]:
    """Every call of Parsl's decorators or app classes that takes their options."""
    out: dict[int, tuple[ast.Call, AppFactory]] = {}
    for fact in ctx.model.calls():
        callee = fact.callee
        if isinstance(callee, AppFactory) and not callee.configured:
            out[id(fact.node)] = (fact.node, callee)
    for app_def in ctx.model.app_defs:
        call, maker = app_def.factory, app_def.maker
        if isinstance(call, ast.Call) and isinstance(maker, AppFactory) and not maker.configured:
            out.setdefault(id(call), (call, maker))
    return sorted(out.values(), key=lambda item: (item[0].lineno, item[0].col_offset))


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _not_a_list(node: ast.expr) -> bool:
    """A literal that Parsl's type check rejects: a string other than "all", or a tuple."""
    if isinstance(node, ast.Tuple):
        return True
    return _is_str(node) and not (isinstance(node, ast.Constant) and node.value == "all")


def _kind_of(node: ast.expr) -> str:
    return "tuple" if isinstance(node, ast.Tuple) else "string"


def _executors_fix(ctx: RuleContext, kw: ast.keyword, old: str) -> Fix | None:
    """``executor=``/``executors=`` with a value Parsl accepts: a list of labels."""
    value = kw.value
    source = ctx.source(value)
    if "#" in ctx.source(kw).replace(source, ""):
        return None  # a comment between the keyword and its value would be lost
    applicability = Applicability.SAFE
    if isinstance(value, ast.Constant) and value.value == "all":
        new = source
    elif _is_str(value):
        new = f"[{source}]"
    elif isinstance(value, ast.Tuple):
        if "#" in source or any(isinstance(e, ast.Starred) for e in value.elts):
            return None
        new = "[" + ", ".join(ctx.source(e) for e in value.elts) + "]"
    elif isinstance(value, (ast.List, ast.ListComp)):
        new = source
    else:
        new = source
        applicability = Applicability.UNSAFE
    if old == "executors" and new == source:
        return None
    shown = new if len(new) <= 30 else "[...]"
    return Fix(
        f"Replace with `executors={shown}`",
        (ctx.edit(kw, f"executors={new}"),),
        applicability,
    )
