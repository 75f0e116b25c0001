"""PSL203 undeclared-special-kwarg: Parsl's special keywords the app function does not declare."""

from __future__ import annotations

import ast

from parsl_lint.model.project import FunctionNode
from parsl_lint.model.values import AppInfo, Param, Signature
from parsl_lint.parsl_facts import ALWAYS_PASSED, CALL_TIME_KEYWORDS
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_IMPORT = "from parsl import python_app, bash_app\n"


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
            _IMPORT
            + "\n\n@python_app\ndef my_app(t=0.0, walltime=0.1):\n    return t\n\n\n"
            + "f = my_app(0.01, walltime=6)\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@bash_app\ndef foo(x, y, z=10, stdout=None, label=None):\n"
            + "    return 'echo'\n\n\nfoo(1, 2, stdout='o', label='lbl')\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef anything(x, **kwargs):\n    return x\n\n\n"
            + "anything(1, inputs=[], outputs=[], walltime=3, label='a')\n"
        ),
        Valid(
            "def bash_app(stdout=None):\n    return 'echo'\n\n\nx = bash_app(stdout='out.txt')\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef plot(data, label):\n    return data\n\n\n"
            + "plot([1], label='x')\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@python_app\ndef plain(x):\n    return x\n\n\n"
            + "@python_app\ndef staged(x, inputs=()):\n    return x\n\n\n"
            + "def run(app=plain):\n    return app(1, inputs=[])\n\n\nrun(staged)\n"
        ),
        Valid(
            _IMPORT
            + "\n\n@bash_app\ndef launch(parsl_resource_specification, stdout=None):\n"
            + "    return 'hostname'\n\n\nlaunch(parsl_resource_specification={})\n"
        ),
    ]
    INVALID = [
        Invalid(
            _IMPORT
            + "\n\n@bash_app\ndef touch(filename, outputs=()):\n"
            + "    return f'touch {filename}'\n\n\n"
            + "touch('t.3', inputs=['t.3'])\n",
            lines=(9,),
        ),
        Invalid(
            _IMPORT
            + "\n\n@python_app\ndef plain(x):\n    return x\n\n\n"
            + "plain(1, walltime=5)\nplain(1, stdout='o', parsl_resource_specification={})\n",
            lines=(9, 10, 10),
        ),
        Invalid(
            _IMPORT + "\n\n@python_app\ndef total(inputs):\n    return sum(inputs)\n",
            lines=(5,),
        ),
        Invalid(
            "import parsl\n\n\n@parsl.python_app\ndef generate(n, *, outputs):\n"
            "    return n\n\n\ngenerate(3, outputs=[])\ngenerate(4)\n",
            lines=(10,),
        ),
        Invalid(
            "from .apps import plain\n\n\nplain(1, label='one')\n",
            lines=(4,),
            files={"apps.py": _IMPORT + "\n\n@python_app\ndef plain(x):\n    return x\n"},
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
