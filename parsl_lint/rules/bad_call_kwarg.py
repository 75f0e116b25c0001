"""PSL202 bad-call-kwarg: an app call whose arguments cannot bind to the app function."""

from __future__ import annotations

import ast

from parsl_lint.model.values import AppInfo, Signature
from parsl_lint.parsl_facts import ALWAYS_PASSED, CALL_TIME_KEYWORDS
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_IMPORT = "from parsl import python_app, bash_app\n"
_APP = "\n\n@python_app\ndef train(x, scale=1):\n    return x * scale\n"
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
        Valid(_IMPORT + "\n\n@python_app\ndef run(inputs, hp):\n    return hp\n\n\nrun(None, 1)\n"),
        # Called the way Parsl calls it: the object passed explicitly, or no ``self`` at all.
        Valid(
            _IMPORT
            + "\n\nclass Runner:\n    @python_app\n    def run(self, job):\n        return job\n\n"
            + "    @python_app\n    def plain(job):\n        return job\n\n"
            + "    @staticmethod\n    @python_app\n    def static(job):\n        return job\n\n\n"
            + "r = Runner()\nr.run(r, 1)\nr.plain(2)\nr.static(3)\nRunner.run(r, 4)\n"
        ),
        Valid(
            _IMPORT
            + _APP
            + "\n\na = train(1)\nb = train(1, 2)\nc = train(x=1, scale=2)\n"
            + "d = train(*[1, 2])\ne = train(**{'x': 1})\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef flexible(*args, **kwargs):\n    return args\n\n\n"
            + "flexible(1, 2, 3, executor='x', anything=True)\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef sleep(t):\n    from time import sleep\n\n"
            + "    sleep(t, 1, 2)\n    return t\n\n\nsleep(1)\n"
        ),
        Valid(
            _IMPORT
            + _APP
            + "\n\n@python_app\ndef other(a, b, c):\n    return a\n\n\n"
            + "def run(app=train):\n    return app(1, 2, 3)\n\n\nrun(other)\n"
        ),
        Valid(
            _IMPORT
            + "\n\ndef first():\n    @python_app\n    def step(x, pause=0):\n        return x\n\n"
            + "    return step(1, pause=2)\n\n\n"
            + "def second():\n    @python_app\n    def step(x):\n        return x\n\n"
            + "    return step(1)\n"
        ),
        Valid(
            _IMPORT
            + "import functools\n\n\ndef add(x, y):\n    return x + y\n\n\n"
            + "add_one = python_app(functools.partial(add, 1))\nadd_one(2)\n"
        ),
        Valid(
            _IMPORT
            + "import functools\n\n\ndef log_calls(f):\n    @functools.wraps(f)\n"
            + "    def inner(*a, **k):\n        return f(*a, **k)\n\n    return inner\n\n\n"
            + "@python_app\n@log_calls\ndef wrapped(x):\n    return x\n\n\nwrapped(1, 2, z=3)\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@bash_app\ndef echo(msg, stdout=None, label=None):\n"
            + "    return f'echo {msg}'\n\n\necho('hi', stdout='o.txt', label='x')\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef identity(inp):\n    return inp\n\n\n"
            + "@python_app\ndef add(inputs=[identity(1), identity(2)]):\n"
            + "    return sum(inputs)\n\n\nadd()\n"
        ),
    ]
    INVALID = [
        Invalid(_IMPORT + _APP + "\n\nfut = train(3, executor='htex')\n", lines=(9,)),
        # A redefined app: each call is checked against the definition in effect there.
        Invalid(
            _IMPORT
            + "\n\n@python_app\ndef gen(limit):\n    return limit\n\n\nfirst = gen(10, 1)\n\n\n"
            + "@python_app\ndef gen(limit, delay):\n    return limit + delay\n\n\n"
            + "second = gen(10, 1)\nthird = gen(10)\n",
            lines=(9, 18),
        ),
        Invalid(_IMPORT + _APP + "\n\nfut = train(1, 2, 3)\n", lines=(9,)),
        Invalid(_IMPORT + _APP + "\n\nfut = train(scale=3)\n", lines=(9,)),
        Invalid(_IMPORT + _APP + "\n\nfut = train(1, x=2)\n", lines=(9,)),
        Invalid(
            _IMPORT + "\n\n@python_app\ndef kw(x, *, y):\n    return x\n\n\nkw(1, 2)\nkw(1)\n",
            lines=(9, 10),
        ),
        Invalid(
            _IMPORT
            + "\n\n@bash_app\ndef echo(msg, times=1, stdout=None):\n"
            + "    return f'echo {msg}'\n\n\necho('hi', 3)\n",
            lines=(9,),
        ),
        Invalid(
            _IMPORT
            + "\n\n@python_app\ndef total(x, inputs=()):\n    return x + sum(inputs)\n\n\n"
            + "total(1, [2, 3])\n",
            lines=(9,),
        ),
        # An app is not a descriptor: ``obj.app(...)`` does not pass ``obj``.
        Invalid(
            _IMPORT
            + "\n\nclass Runner:\n    @bash_app\n    def run(self, job, stdout=None):\n"
            + "        return f'echo {job}'\n\n    def start(self):\n"
            + "        return self.run(1)\n\n\nfut = Runner().run(job=2)\n",
            lines=(10, 13),
        ),
        Invalid(
            "from .apps import train\n\n\nfuture = train(1, cache=True)\n",
            lines=(4,),
            files={"apps.py": _IMPORT + _APP},
        ),
        Invalid(
            "from parsl import python_app\n\n\ndef build(x):\n    return x\n\n\n"
            "build_app = python_app(build, executors=['local'])\n"
            "target = build_app('t', executor='build')\n",
            lines=(9,),
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
