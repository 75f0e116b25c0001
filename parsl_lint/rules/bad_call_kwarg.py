"""PSL202 bad-call-kwarg: an app call whose arguments cannot bind to the app function."""

from __future__ import annotations

import ast

from parsl_lint.model.values import AppInfo, Signature
from parsl_lint.parsl_facts import ALWAYS_PASSED, CALL_TIME_KEYWORDS
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: Keywords of the decorators: meaningless at call time, where they reach the function.
_DECORATOR_KEYWORDS = frozenset({"executor", "executors", "cache", "data_flow_kernel"})


class BadCallKwarg(Rule):
    """
    ## What it does
    Checks each call of a Parsl app whose function the linter can see (in this file or in
    another module of the project) against the function's signature: an unexpected keyword, too
    many positional arguments, a missing required argument, an argument given twice, and a
    positional argument that lands on a parameter Parsl itself always passes by keyword. It
    respects `*args`, `**kwargs`, defaults and keyword-only parameters; Parsl's special
    keywords (`inputs=`, `stdout=`, `walltime=`, ...) are left to PSL203.

    ## Why is this bad?
    Calling an app only submits a task: nothing checks the arguments, the call returns an
    `AppFuture` at once, and the `TypeError` appears later, on the worker, second-hand, when
    someone calls `.result()`. The classic case is `train(x, executor="htex")`: `executor` is
    not a call-time option, so Parsl hands it to the function. Parsl also passes a bash app's
    defaulted parameters (and a Python app's declared `inputs`, `outputs`, `stdout`, `stderr`,
    `walltime` and `parsl_resource_specification`) as keywords on every call, so giving one
    of them by position fails with "got multiple values".

    ## Example
    ```python
    @python_app(executors=["htex"])
    def train(x):
        return x * 2

    fut = train(3, executor="htex")
    ```

    ## Use instead
    ```python
    @python_app(executors=["htex"])
    def train(x):
        return x * 2

    fut = train(3)
    ```
    An app decorated inside a class body and called on an instance (`runner.app(x)`, or
    `self.app(x)` in another method) gets no `self`: Parsl's app objects are not bound to
    instances, so such a call is checked as the plain function call it is.

    Not reported: apps whose signature the linter cannot see (another decorator inside
    Parsl's, `python_app(functools.partial(...))`, apps passed in as parameters).

    ## Fix safety
    No fix: which argument is wrong is for a person to decide.

    ## Options
    None.
    """

    code = "PSL202"
    name = "bad-call-kwarg"
    summary = "App call whose arguments cannot bind to the app function"

    VALID = [
        # ``inputs`` without a default fails before any collision: PSL203 reports it.
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def run(inputs, hp):
                return hp


            run(None, 1)
            """,
            id="special-parameter-without-default-left-to-psl203",
        ),
        # Called the way Parsl calls it: the object passed explicitly, or no ``self`` at all.
        Valid(
            """
            from parsl import python_app, bash_app


            class Runner:
                @python_app
                def run(self, job):
                    return job

                @python_app
                def plain(job):
                    return job

                @staticmethod
                @python_app
                def static(job):
                    return job


            r = Runner()
            r.run(r, 1)
            r.plain(2)
            r.static(3)
            Runner.run(r, 4)
            """,
            id="class-body-apps-called-as-parsl-calls-them",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            a = train(1)
            b = train(1, 2)
            c = train(x=1, scale=2)
            d = train(*[1, 2])
            e = train(**{'x': 1})
            """,
            id="calls-that-bind",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def flexible(*args, **kwargs):
                return args


            flexible(1, 2, 3, executor='x', anything=True)
            """,
            id="star-args-and-kwargs-accept-anything",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def sleep(t):
                from time import sleep

                sleep(t, 1, 2)
                return t


            sleep(1)
            """,
            id="local-name-shadows-the-app-in-its-body",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            @python_app
            def other(a, b, c):
                return a


            def run(app=train):
                return app(1, 2, 3)


            run(other)
            """,
            id="app-passed-as-parameter-is-not-checked",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            def first():
                @python_app
                def step(x, pause=0):
                    return x

                return step(1, pause=2)


            def second():
                @python_app
                def step(x):
                    return x

                return step(1)
            """,
            id="nested-apps-with-the-same-name",
        ),
        Valid(
            """
            from parsl import python_app, bash_app
            import functools


            def add(x, y):
                return x + y


            add_one = python_app(functools.partial(add, 1))
            add_one(2)
            """,
            id="python-app-of-a-partial",
        ),
        Valid(
            """
            from parsl import python_app, bash_app
            import functools


            def log_calls(f):
                @functools.wraps(f)
                def inner(*a, **k):
                    return f(*a, **k)

                return inner


            @python_app
            @log_calls
            def wrapped(x):
                return x


            wrapped(1, 2, z=3)
            """,
            id="decorator-between-app-and-function",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @bash_app
            def echo(msg, stdout=None, label=None):
                return f'echo {msg}'


            echo('hi', stdout='o.txt', label='x')
            """,
            id="bash-app-special-keywords-by-name",
        ),
        Valid(
            """
            from parsl import python_app, bash_app


            @python_app
            def identity(inp):
                return inp


            @python_app
            def add(inputs=[identity(1), identity(2)]):
                return sum(inputs)


            add()
            """,
            id="inputs-default-of-futures",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            fut = train(3, executor='htex')  # PSL202
            """,
            id="executor-keyword-at-call-time",
            messages=(
                "`train()` has no parameter `executor`: it is not a call-time option, so Parsl "
                "hands it to the function and the task fails with TypeError; set it on the "
                "app's decorator (`executors=[...]`, `cache=True`) instead",
            ),
        ),
        # A redefined app: each call is checked against the definition in effect there.
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def gen(limit):
                return limit


            first = gen(10, 1)  # PSL202


            @python_app
            def gen(limit, delay):
                return limit + delay


            second = gen(10, 1)
            third = gen(10)  # PSL202
            """,
            id="redefined-app-checked-against-each-definition",
            messages=(
                "`gen()` takes 1 positional argument but 2 are given, so the task fails with "
                "TypeError; remove the extra arguments or pass them by keyword",
                "`gen()` is missing the required argument `delay`, so the task fails with "
                "TypeError; pass it",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            fut = train(1, 2, 3)  # PSL202
            """,
            id="too-many-positional-arguments",
            messages=(
                "`train()` takes 2 positional arguments but 3 are given, so the task fails with "
                "TypeError; remove the extra arguments or pass them by keyword",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            fut = train(scale=3)  # PSL202
            """,
            id="missing-required-argument",
            messages=(
                "`train()` is missing the required argument `x`, so the task fails with "
                "TypeError; pass it",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def train(x, scale=1):
                return x * scale


            fut = train(1, x=2)  # PSL202
            """,
            id="argument-given-twice",
            messages=(
                "`train()` gets `x` both by position and by keyword, so the task fails with "
                "TypeError; pass it once",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def kw(x, *, y):
                return x


            kw(1, 2)  # PSL202
            kw(1)  # PSL202
            """,
            id="keyword-only-parameter-by-position-or-left-out",
            messages=(
                "`kw()` takes 1 positional argument but 2 are given, so the task fails with "
                "TypeError; remove the extra arguments or pass them by keyword",
                "`kw()` is missing the required argument `y`, so the task fails with TypeError; "
                "pass it",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @bash_app
            def echo(msg, times=1, stdout=None):
                return f'echo {msg}'


            echo('hi', 3)  # PSL202
            """,
            id="bash-app-defaulted-parameter-by-position",
            messages=(
                "positional argument 2 of `echo()` lands on `times`, which Parsl always passes "
                "by keyword, so the task fails with TypeError (multiple values); pass it as "
                "`times=...`",
            ),
        ),
        Invalid(
            """
            from parsl import python_app, bash_app


            @python_app
            def total(x, inputs=()):
                return x + sum(inputs)


            total(1, [2, 3])  # PSL202
            """,
            id="inputs-by-position",
            messages=(
                "positional argument 2 of `total()` lands on `inputs`, which Parsl always "
                "passes by keyword, so the task fails with TypeError (multiple values); pass it "
                "as `inputs=...`",
            ),
        ),
        # An app is not a descriptor: ``obj.app(...)`` does not pass ``obj``.
        Invalid(
            """
            from parsl import python_app, bash_app


            class Runner:
                @bash_app
                def run(self, job, stdout=None):
                    return f'echo {job}'

                def start(self):
                    return self.run(1)  # PSL202


            fut = Runner().run(job=2)  # PSL202
            """,
            id="class-body-app-called-on-instance",
            messages=(
                "`run` is an app defined in a class body and called on an instance: a Parsl app "
                "is not bound to the instance, so `self` is not passed and the task fails with "
                "TypeError; define the app outside the class and pass what it needs as arguments",
                "`run` is an app defined in a class body and called on an instance: a Parsl app "
                "is not bound to the instance, so `self` is not passed and the task fails with "
                "TypeError; define the app outside the class and pass what it needs as arguments",
            ),
        ),
        Invalid(
            """
            from .apps import train


            future = train(1, cache=True)  # PSL202
            """,
            id="cache-keyword-on-imported-app",
            files={
                "apps.py": """
                from parsl import python_app, bash_app


                @python_app
                def train(x, scale=1):
                    return x * scale
                """,
            },
            messages=(
                "`train()` has no parameter `cache`: it is not a call-time option, so Parsl "
                "hands it to the function and the task fails with TypeError; set it on the "
                "app's decorator (`executors=[...]`, `cache=True`) instead",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            def build(x):
                return x


            build_app = python_app(build, executors=['local'])
            target = build_app('t', executor='build')  # PSL202
            """,
            id="executor-keyword-on-functional-app",
            messages=(
                "`build()` has no parameter `executor`: it is not a call-time option, so Parsl "
                "hands it to the function and the task fails with TypeError; set it on the "
                "app's decorator (`executors=[...]`, `cache=True`) instead",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        for fact, info in ctx.model.app_calls():
            if info.signature is None or ctx.model.callee_from_parameter(fact):
                continue
            problems = _problems(fact.node, info, info.signature)
            if problems and info.from_instance:
                problems = [(fact.node, _unbound_message(info, info.signature))]
            for node, message in problems:
                ctx.report(self, node, message)


def _unbound_message(info: AppInfo, sig: Signature) -> str:
    """For ``obj.app(...)`` where ``app`` is decorated in the class body: Parsl's app objects
    are not descriptors, so the instance is never passed."""
    first = next((p.name for p in sig.params if p.kind in ("posonly", "normal")), None)
    lost = f"`{first}`" if first else "the instance"
    return (
        f"`{info.name}` is an app defined in a class body and called on an instance: a Parsl "
        f"app is not bound to the instance, so {lost} is not passed and the task fails with "
        "TypeError; define the app outside the class and pass what it needs as arguments"
    )


def passed_by_parsl(info: AppInfo, signature: Signature) -> frozenset[str]:
    """The parameters Parsl adds to every call's keywords (from ``AppBase``/``BashApp``)."""
    if info.kind == "bash":
        return frozenset(p.name for p in signature.params if p.has_default)
    return frozenset(p.name for p in signature.params if p.name in ALWAYS_PASSED)


def _multiple_values(info: AppInfo, signature: Signature) -> frozenset[str]:
    """The parameters whose positional argument collides with Parsl's keyword ("got multiple
    values"). A special one without a default is left to PSL203: Parsl passes
    ``inspect.Parameter.empty`` for it, and the task fails before that collision."""
    by_parsl = passed_by_parsl(info, signature)
    return frozenset(p.name for p in signature.params if p.name in by_parsl and p.has_default)


def _problems(call: ast.Call, info: AppInfo, sig: Signature) -> list[tuple[ast.AST, str]]:
    """Where and why the call cannot bind to ``sig``, as Python would bind it on the worker."""
    app = f"`{info.name}()`"
    fails = "the task fails with TypeError"
    out: list[tuple[ast.AST, str]] = []
    positional = [p for p in sig.params if p.kind in ("posonly", "normal")]
    by_name = {p.name: p for p in sig.params}
    starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
    known = starred[0] if starred else len(call.args)
    too_many = not starred and known > len(positional) and not sig.varargs
    if too_many:
        takes = f"{len(positional)} positional argument{'s' if len(positional) != 1 else ''}"
        out.append(
            (
                call.args[len(positional)],
                f"{app} takes {takes} but {known} are given, so {fails}; "
                "remove the extra arguments or pass them by keyword",
            )
        )
    bound = positional[:known]
    bound_names = {p.name for p in bound}
    by_parsl = passed_by_parsl(info, sig)
    collides = _multiple_values(info, sig)
    for i, param in enumerate(bound):
        if param.name in collides:
            out.append(
                (
                    call.args[i],
                    f"positional argument {i + 1} of {app} lands on `{param.name}`, which Parsl "
                    f"always passes by keyword, so {fails} (multiple values); "
                    f"pass it as `{param.name}=...`",
                )
            )
    for kw in call.keywords:
        name = kw.arg
        if name is None:
            continue
        param = by_name.get(name)
        if param is None or param.kind == "posonly":
            if sig.varkw or (param is None and name in CALL_TIME_KEYWORDS):
                continue  # **kwargs takes it; Parsl's special keywords are PSL203's
            if param is not None:
                message = f"{app} takes `{name}` by position only, so {fails}; pass it by position"
            elif name in _DECORATOR_KEYWORDS:
                message = (
                    f"{app} has no parameter `{name}`: it is not a call-time option, so Parsl "
                    f"hands it to the function and {fails}; set it on the app's decorator "
                    "(`executors=[...]`, `cache=True`) instead"
                )
            else:
                message = (
                    f"{app} has no parameter `{name}`, so {fails}; "
                    "remove the keyword or add the parameter"
                )
            out.append((kw, message))
        elif name in bound_names:
            out.append(
                (
                    kw,
                    f"{app} gets `{name}` both by position and by keyword, so {fails}; "
                    "pass it once",
                )
            )
    if not too_many and not starred and not any(kw.arg is None for kw in call.keywords):
        given = bound_names | {kw.arg for kw in call.keywords} | by_parsl
        missing = [p.name for p in sig.params if not p.has_default and p.name not in given]
        if missing:
            names = ", ".join(f"`{n}`" for n in missing)
            plural = "s" if len(missing) > 1 else ""
            out.append(
                (
                    call,
                    f"{app} is missing the required argument{plural} {names}, so {fails}; "
                    f"pass {'them' if plural else 'it'}",
                )
            )
    return out
