"""PSL101 bare-result: ``.result()`` on a Parsl future, and its fix to ``unwrap_parsl_future``."""

from __future__ import annotations

import ast
import io
import os
import tokenize

from parsl_lint.config import DEFAULT_HELPER
from parsl_lint.ftypes import Applicability, Fix
from parsl_lint.model import CallFact
from parsl_lint.model.project import ModuleInfo
from parsl_lint.model.values import Future
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_MAX_NAME = 60

_IMPORT = "from parsl import python_app\n"
_HELPER = "from parsl_lint.runtime import unwrap_parsl_future\n"
_FIXTURE = "\n\nimport pytest\n\n\n@pytest.fixture\ndef trained():\n    return train(3)\n"
_APPS = """

@python_app
def train(x):
    return x * 2
"""


class BareResult(Rule):
    """
    ## What it does
    Finds `.result()` (with or without a timeout) called on a Parsl `AppFuture` or
    `DataFuture`, outside an error handler that already shows the traceback. That includes
    the future a callback receives from `fut.add_done_callback(callback)`.

    ## Why is this bad?
    When the task failed on a worker, `.result()` re-raises a second-hand error: a downstream
    task says only "Dependency failure for task 1. The representative cause is via task 0",
    the worker's traceback is one frame among many, and a bash app's stdout and stderr files
    are not mentioned at all. People lose hours finding the real cause.

    ## Example
    ```python
    fut = train(x)
    model = fut.result()
    ```

    ## Use instead
    ```python
    from parsl_lint.runtime import unwrap_parsl_future

    fut = train(x)
    model = unwrap_parsl_future(fut, "train")
    ```
    `unwrap_parsl_future` returns the same value and re-raises the same exception, after
    logging one block with the root cause, every failed upstream task, the remote traceback
    and, for a bash app, the tail of its stdout/stderr.

    The future may reach the call through other functions and modules: a helper whose
    callers, anywhere in the project, pass it futures (`def wait_all(futs)`, also as a method,
    a generator, a `functools.partial` or a done-callback), an attribute a method stored it in
    (`self.tasks.append(fut)`), an object a factory or a pytest fixture made. A helper is
    reported only when every call of it the project makes passes a Parsl future there (or a
    value with no `.result()` at all): one caller passing a `concurrent.futures` future, or
    the helper being handed to code the linter does not follow (an executor's `submit`, a
    thread), keeps it quiet.

    Not reported: inside `unwrap_parsl_future` itself, inside a `try` whose broad handler
    already logs the traceback (`log.exception`, `exc_info=`, `traceback.print_exc()`, or
    logging followed by a bare `raise`), inside `pytest.raises(...)`/`assertRaises` (the failure
    is the point there), and inside an app body (PSL103 covers that). A `.result()` after a
    check of the same future's `.exception()` is still reported: the rewrite costs nothing
    there, and the branch that handles the failure is where the traceback tends to be lost.

    ## Fix safety
    Safe: the call keeps its value, its exception and its timeout (`fut.result(t)` becomes
    `unwrap_parsl_future(fut, "name", timeout=t)`). The name is the app's when the future is
    made in the same function (`"train"`); inside a helper it says where the future came in,
    the helper and its parameter (`"wait_all: futs (f)"`), never the app of one caller, since
    other callers may pass another app's futures (the helper's run-time log names the failed
    task's app itself). The fix adds an import of the helper, so the
    helper's module must be importable where the workflow runs (`pip install parsl-lint`, or
    `parsl-lint vendor-helper PATH` and point `helper` at that copy). When the project defines
    its own `unwrap_parsl_future(future, name)` and `helper` is not set, the fix calls that
    one (imported from its module, or without an import in that module).

    No fix is offered when the call has other arguments or comments inside it, when the file
    already binds the helper's name to something else or a function around the call has a
    local of that name (a parameter, an assignment, a nested `def`), or inside an f-string
    that is nested in another or written beside other literals (`f"a{x}" f'b{y}'`), where no
    quote for the name is valid on every Python.

    Where the `.result()` sits in a `try` whose handler PSL102 reports (`log.error(str(e))`),
    this fix wins and PSL102's `log.exception` rewrite is not applied: the helper already
    logs the failure once, with its root cause and the worker's traceback, and the handler's
    line stays a one-line note. Both rewrites would log the same failure twice.

    ## Options
    - `helper`: the `"module:function"` the fix calls and imports
      (default `"parsl_lint.runtime:unwrap_parsl_future"`).
    """

    code = "PSL101"
    name = "bare-result"
    summary = "`.result()` on a Parsl future hides the worker's error"
    fixable = True
    fix_applicability = Applicability.SAFE

    VALID = [
        # ``isinstance(x, list)`` is never true of a future: inside, x is something else.
        Valid(
            _IMPORT
            + _APPS
            + "\nfut = train(1)\nif isinstance(fut, (list, set)):\n    for f in fut:\n"
            + "        f.result()\n"
        ),
        # A decorator above the app's that may return something else (a cached value).
        Valid(
            _IMPORT
            + """

def cached(func):
    store = {}

    def wrapper(*args):
        if args in store:
            return store[args]
        return func(*args)

    return wrapper


@cached
@python_app
def train(x):
    return x


train(1).result()
"""
        ),
        # The other path's object has a .result() of its own (or may: an outside base class).
        Valid(
            _IMPORT
            + _APPS
            + """
import concurrent.futures


class Cached:
    def result(self):
        return 1


class Pending(concurrent.futures.Future):
    pass


def get(x, cached):
    return Cached() if cached else train(x)


def pending(x, fresh):
    return Pending() if fresh else train(x)


get(1, True).result()
pending(1, True).result()
"""
        ),
        Valid(
            """
import concurrent.futures as cf


def report(fut):
    print(fut.result())


with cf.ThreadPoolExecutor() as pool:
    pool.submit(print, 1).add_done_callback(report)
"""
        ),
        Valid(
            "import parsl\nimport pytest\n\n\n@pytest.mark.parametrize('trained', [1, 2])\n"
            "def test_training(trained):\n    assert trained.result() > 0\n",
            files={"conftest.py": _IMPORT + _APPS + _FIXTURE},
        ),
        Valid(
            _IMPORT
            + _APPS
            + """
import concurrent.futures as cf

with cf.ThreadPoolExecutor() as pool:
    fut = pool.submit(print, 1)
    fut.result()
"""
        ),
        Valid(
            """
from mylib import python_app


@python_app
def f():
    return 1


f().result()
"""
        ),
        Valid(
            _IMPORT
            + _APPS
            + """
import logging

log = logging.getLogger(__name__)
try:
    train(1).result()
except Exception:
    log.exception("train failed")
"""
        ),
        Valid(
            _IMPORT
            + _APPS
            + """
import pytest

with pytest.raises(ValueError):
    train(1).result()
"""
        ),
        Valid(
            _IMPORT
            + _APPS
            + """
fut = train(1)
fut = 3
fut.result()
"""
        ),
        Valid(
            _IMPORT
            + _APPS
            + """
from parsl_lint.runtime import unwrap_parsl_future

unwrap_parsl_future(train(1), "train")
"""
        ),
        Valid(
            """
from parsl import python_app, join_app


@python_app
def inner():
    return 1


@python_app
def outer():
    return inner().result()
"""
        ),
        Valid(
            """
def python_app(f):
    return f


@python_app
def f():
    return 1


f().result()
"""
        ),
    ]
    INVALID = [
        # Special methods of project classes: ``__getitem__``, operators, ``+=``; a method
        # returning one future or a tuple of them; a ``field(init=False)`` set after init.
        Invalid(
            _IMPORT
            + _APPS
            + """
from dataclasses import dataclass, field


class Data:
    def __getitem__(self, i):
        return train(i)

    def __add__(self, other):
        return Data()

    def get(self, *names):
        futs = [train(n) for n in names]
        return futs[0] if len(names) == 1 else tuple(futs)


@dataclass
class Walker:
    start: int
    state: object = field(init=False)

    def __post_init__(self):
        self.state = train(self.start)


d = Data()
d[0].result()
(d + d)[1].result()
d += d
d[2].result()
d.get("a").result()
e, f = d.get("e", "f")
e.result()
Walker(1).state.result()
""",
            lines=(33, 34, 36, 37, 39, 40),
        ),
        # An inner handler that swallows the failure: the outer log.exception never sees it.
        Invalid(
            _IMPORT
            + _APPS
            + "\nimport logging\n\nlog = logging.getLogger(__name__)\ntry:\n"
            + "    try:\n        train(1).result()\n    except Exception as exc:\n"
            + "        log.error('failed: %s', exc)\n"
            + "    try:\n        train(2).result()\n    except Exception:\n"
            + "        log.error('failed')\n        raise\n"
            + "except Exception:\n    log.exception('workflow failed')\n",
            lines=(13,),
        ),
        # Parsl's pre-1.0 decorator made the same AppFutures.
        Invalid(
            "from parsl import App, DataFlowKernel, ThreadPoolExecutor\n\n"
            "dfk = DataFlowKernel(ThreadPoolExecutor(max_workers=4))\n\n\n"
            "@App('python', dfk)\ndef double(x):\n    return 2 * x\n\n\n"
            "@App('bash', dfk, walltime=60)\ndef echo(stdout=None):\n    return 'echo hi'\n\n\n"
            "double(3).result()\necho().result()\n",
            lines=(16, 17),
        ),
        # A function handed each future: map, filter, sorted's key.
        Invalid(
            _IMPORT
            + _APPS
            + "\nfuts = [train(i) for i in range(3)]\n"
            + "values = list(map(lambda f: f.result(), futs))\n"
            + "ready = list(filter(lambda f: f.done() and f.result(), futs))\n"
            + "ranked = sorted(futs, key=lambda f: f.result())\n",
            lines=(9, 10, 11),
        ),
        # A module of a folder the script put on sys.path, by bare name.
        Invalid(
            "import sys\n\nimport parsl\n\nsys.path.insert(0, 'tools')\n"
            "from helpers import double  # noqa: E402\n\nparsl.load()\ndouble(2).result()\n",
            lines=(9,),
            files={
                "tools/helpers.py": _IMPORT + "\n\n@python_app\ndef double(x):\n    return x\n",
            },
        ),
        # A progress bar around the futures yields the futures.
        Invalid(
            _IMPORT
            + _APPS
            + "\nfrom concurrent.futures import as_completed\n\nfrom tqdm import tqdm\n\n"
            + "futs = [train(i) for i in range(3)]\n"
            + "for fut in tqdm(as_completed(futs), total=len(futs)):\n    fut.result()\n",
            lines=(14,),
        ),
        # A future on one path, on the others something without .result(): a literal, or an
        # instance of a project class that has none. Only the future can answer .result().
        Invalid(
            _IMPORT
            + _APPS
            + """

class Dataset:
    def __getitem__(self, index):
        if isinstance(index, slice):
            return Dataset()
        return train(index)


results = [0, 1]
for i in range(3):
    results.append(train(i))
for i in range(len(results)):
    if isinstance(results[i], int):
        print(results[i])
    else:
        print(results[i].result())
Dataset()[0].result()
""",
            lines=(23, 24),
        ),
        # A nested list filled by index; an app defined twice, called from a helper; Parsl's
        # names from ``from parsl import *``; a logging decorator above the app's.
        Invalid(
            """from parsl import *


def log_app(func):
    def wrapper(*args, **kwargs):
        print(args)
        return func(*args, **kwargs)

    return wrapper


@python_app
def mul(a, b):
    return a * b


@python_app
def mul(a, b):
    return b * a


def run(x):
    return mul(x, x)


@log_app
@python_app
def merge(x):
    return x


grid = [[0 for _ in range(3)] for _ in range(3)]
for q in range(3):
    for r in range(3):
        grid[q][r] = mul(q, r)
values = [[e.result() for e in row] for row in grid]
run(2).result()
merge(1).result()
""",
            lines=(36, 37, 38),
        ),
        # A decorator that returns the app itself.
        Invalid(
            _IMPORT
            + "\n\ndef task(func):\n    return python_app(executors=['htex'])(func)\n\n\n"
            + "@task\ndef mul(a, b):\n    return a * b\n\n\nmul(1, 2).result()\n",
            lines=(13,),
        ),
        # A callable object as the decorator: its ``__call__`` makes and calls the app.
        Invalid(
            _IMPORT
            + "\n\nclass Task:\n    def __init__(self, fn):\n        self.fn = fn\n\n"
            + "    def __call__(self, *args):\n        return python_app(self.fn)(*args)\n\n\n"
            + "@Task\ndef mul(a, b):\n    return a * b\n\n\nmul(1, 2).result()\n",
            lines=(17,),
        ),
        # A wrapper that waits itself returns a value, not a future: only its wait is reported.
        Invalid(
            _IMPORT
            + "\n\ndef blocking(function):\n    def run(*args):\n"
            + "        return python_app(function)(*args).result()\n\n    return run\n\n\n"
            + "@blocking\ndef mul(a, b):\n    return a * b\n\n\nmul(1, 2).result()\n",
            lines=(6,),
        ),
        # The project's own decorator whose wrapper makes the app and calls it.
        Invalid(
            _IMPORT
            + "\n\ndef task(function):\n    def run(*args, executor='all', **kwargs):\n"
            + "        return python_app(function, executors=executor)(*args, **kwargs)\n\n"
            + "    return run\n\n\n@task\ndef mul(a, b):\n    return a * b\n\n\n"
            + "mul(1, 2, executor=['htex']).result()\n",
            lines=(16,),
        ),
        Invalid(
            _IMPORT
            + _APPS
            + "\nd = []\nfor i in range(3):\n    d.append(train(i))\n"
            + "print([d[i].result() for i in range(3)])\n",
            lines=(11,),
        ),
        Invalid(
            _IMPORT + _APPS + "\nfut = train(1)\nprint(fut.result())\n",
            lines=(9,),
            fixed=_IMPORT
            + _HELPER
            + _APPS
            + '\nfut = train(1)\nprint(unwrap_parsl_future(fut, "train (fut)"))\n',
        ),
        Invalid(
            _IMPORT
            + _APPS
            + "\nfuts = [train(i) for i in range(3)]\nfor i, f in enumerate(futs):\n"
            "    f.result(timeout=10)\n",
            lines=(10,),
            fixed=_IMPORT
            + _HELPER
            + _APPS
            + "\nfuts = [train(i) for i in range(3)]\nfor i, f in enumerate(futs):\n"
            + '    unwrap_parsl_future(f, f"train[{i}]", timeout=10)\n',
        ),
        Invalid(
            "from parsl.app.app import bash_app as bapp\n\n\n@bapp\ndef run():\n"
            "    return 'false'\n\n\nresults = {k: run() for k in 'ab'}\n"
            "values = [results[k].result() for k in results]\n",
            lines=(10,),
        ),
        Invalid(
            "from .apps import train\n\n\nclass Model:\n    def fit(self, x):\n"
            "        return train(x)\n\n\nModel().fit(1).result(30)\n",
            lines=(9,),
            files={"apps.py": _IMPORT + _APPS},
            fixed="from parsl_lint.runtime import unwrap_parsl_future\n\n"
            + "from .apps import train\n\n\n"
            + "class Model:\n    def fit(self, x):\n"
            + "        return train(x)\n\n\n"
            + 'unwrap_parsl_future(Model().fit(1), "train", timeout=30)\n',
        ),
        Invalid(
            _IMPORT
            + _APPS
            + "\nfrom functools import partial\n\ndouble = partial(train, 1)\ndouble().result()\n",
            lines=(11,),
        ),
        Invalid(
            "import parsl\n\n\ndef test_training(trained):\n    assert trained.result() > 0\n",
            lines=(5,),
            # pytest passes the ``trained`` fixture from conftest.py: a future of ``train``.
            files={"conftest.py": _IMPORT + _APPS + _FIXTURE},
        ),
        Invalid(
            "from .tasks import train\n\nfuts = [train(i) for i in range(3)]\n"
            "print([f.result() for f in futs])\n",
            lines=(4,),
            # The package re-exports the app under its submodule's name, as many projects do.
            files={
                "tasks/__init__.py": "from .train import train\n",
                "tasks/train.py": _IMPORT + _APPS,
            },
        ),
        Invalid(
            _IMPORT
            + _APPS
            + """
from collections import defaultdict

by_size = defaultdict(list)
for n in range(6):
    by_size[n % 2].append(train(n))
for size, futs in by_size.items():
    print(size, [f.result() for f in futs])
""",
            lines=(14,),
        ),
        Invalid(
            """
from dataclasses import dataclass

from parsl.dataflow.futures import AppFuture


@dataclass
class Job:
    name: str
    future: AppFuture


def collect(jobs: list[Job]) -> list:
    return [job.future.result() for job in jobs]
""",
            lines=(13,),
        ),
        Invalid(
            _IMPORT
            + _APPS
            + """
from concurrent.futures import as_completed

pending = []
for n in range(4):
    pending.append(train(n))
for done in as_completed(pending):
    done.result()
""",
            lines=(14,),
        ),
        Invalid(
            _IMPORT
            + _APPS
            + """

class Trainer:
    def start(self, x):
        train(x).add_done_callback(lambda fut: self.on_done(fut, x))

    def on_done(self, future, x):
        if future.done():
            print(x, future.result())
""",
            lines=(15,),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        #: The names each function or comprehension of this file binds (see ``_shadowed``).
        self._scopes: dict[int, _Scope] = {}
        self._in_text: dict[str, bool] = {}  # whether a name occurs in the file's text at all
        self._project_helper: dict[str, _OwnHelper | None] = {}  # asked once per file
        helper = ctx.settings.helper_function
        for fact in model.method_calls("result"):
            receiver = model.receiver_future(fact)
            if receiver is None:
                continue
            if model.enclosing_app(fact) is not None:
                continue  # PSL103 owns .result() inside an app body
            if model.in_function_named(fact, helper) or model.in_function_named(
                fact, "unwrap_parsl_future"
            ):
                continue
            if model.traceback_surfaced(fact) or model.failure_expected(fact):
                continue
            call = fact.node
            recv = call.func.value  # type: ignore[attr-defined]
            text = " ".join(ctx.source(recv).split())
            called, shown = (f"{text}.result()", text) if len(text) <= 40 else (".result()", "fut")
            ctx.report(
                self,
                call,
                f"`{called}` on a Parsl future hides the worker's real error; "
                f"use `{helper}({shown}, name)` instead",
                fix=self._fix(ctx, fact, receiver),
            )

    def _fix(self, ctx: RuleContext, fact: CallFact, receiver: Future) -> Fix | None:
        call = fact.node
        recv = call.func.value  # type: ignore[attr-defined]
        timeout: ast.expr | None = None
        if call.keywords and (len(call.keywords) > 1 or call.keywords[0].arg != "timeout"):
            return None
        if call.args:
            if len(call.args) > 1 or call.keywords or isinstance(call.args[0], ast.Starred):
                return None
            timeout = call.args[0]
        elif call.keywords:
            timeout = call.keywords[0].value
        recv_text = ctx.source(recv)
        whole = ctx.source(call)
        tail = whole[len(recv_text) :]
        if "#" in tail.replace(ctx.source(timeout) if timeout is not None else "", ""):
            return None  # a comment inside the call would be lost
        helper_module = ctx.settings.helper_module
        helper = ctx.settings.helper_function
        imports: tuple[tuple[str, str], ...] = ()
        called = ctx.model.imported_as(helper_module, helper)  # already imported, maybe aliased
        own = None
        if called is None and ctx.settings.helper == DEFAULT_HELPER:
            if "own" not in self._project_helper:
                self._project_helper["own"] = _project_helper(ctx)
            own = self._project_helper["own"]
        if own is not None:  # the project's own ``unwrap_parsl_future(future, name)``
            called, imports, takes_timeout = own
            if timeout is not None and not takes_timeout:
                return None
        elif called is None:
            if ctx.model.project.symbol(ctx.model.module.name, helper) is not None:
                return None  # the file binds ``unwrap_parsl_future`` to something else
            called, imports = helper, ((helper_module, helper),)
        if called not in self._in_text:  # once per file: a scan of the text per site is n²
            self._in_text[called] = called in ctx.lines.text
        if self._in_text[called] and _shadowed(ctx, call, called, self._scopes):
            return None  # a local of that name would be called instead of the helper
        name = _task_name(ctx, fact, recv, receiver)
        outer = ctx.model.in_fstring(call)
        if outer is not None:
            # Inside ``f"... {fut.result()} ..."``: before Python 3.12 the name may use
            # neither the f-string's quote nor a backslash. Inside an f-string that is itself
            # in another one, or that is one of several literals written side by side, no
            # one quote is safe: no fix.
            if ctx.model.in_fstring(outer) is not None or _literal_parts(ctx.source(outer)) != 1:
                return None
            quote = _quote_of(ctx.source(outer))
            if quote == '"':
                name = _requote(name)
            if name is None or "\\" in name or quote is None:
                return None
        args = [recv_text, name]
        if timeout is not None:
            args.append(f"timeout={ctx.source(timeout)}")
        content = f"{called}({', '.join(args)})"
        return Fix(
            f"Replace with `{helper}(...)`",
            (ctx.edit(call, content),),
            self.fix_applicability,
            imports,
        )


#: How to call the project's own helper from a file: the name, the import it needs, and
#: whether it takes ``timeout=``.
_OwnHelper = tuple[str, tuple[tuple[str, str], ...], bool]
_OWN_HELPER = "unwrap_parsl_future"


def _project_helper(ctx: RuleContext) -> _OwnHelper | None:
    """The project's own ``unwrap_parsl_future(future, name)``, as the file would call it.

    The project index says which modules define one at top level. The file's own definition
    wins (called without an import), then one the file already imports, then the one other
    module that defines it (one in the file's own folder first), imported under the module
    name the index resolves back to that module from this file (a sibling script by its bare
    name, a package module by its dotted name). Several candidates, or one the file cannot
    import, leave the default helper."""
    model = ctx.model
    project = model.project
    here = model.module
    found = [(info, node) for info, node in project.functions_named(_OWN_HELPER) if _fits(node)]
    for info, node in found:
        if info is here or info.name == here.name:
            return _OWN_HELPER, (), _takes_timeout(node)
    for info, node in found:
        bound = model.imported_as(info.name, _OWN_HELPER)
        if bound is not None:
            return bound, (), _takes_timeout(node)
    if project.symbol(here.name, _OWN_HELPER) is not None:
        return None
    folder = os.path.dirname(here.path) if here.path else None
    beside = [(i, n) for i, n in found if i.path and os.path.dirname(i.path) == folder]
    for group in (beside, found):
        if len(group) > 1:
            return None  # several: which one is meant cannot be told
        if len(group) == 1:
            info, node = group[0]
            for spelled in _spellings(info):
                if project.absolute(here, 0, spelled) == info.name:
                    return _OWN_HELPER, ((spelled, _OWN_HELPER),), _takes_timeout(node)
            return None
    return None


def _spellings(info: ModuleInfo) -> list[str]:
    """The names a module may be imported by: its dotted name, and, for a script in a plain
    folder, its bare name (the folder is on ``sys.path`` when a sibling runs)."""
    names = [info.name]
    if info.sibling_prefix and info.name.startswith(info.sibling_prefix + "."):
        names.insert(0, info.name[len(info.sibling_prefix) + 1 :])
    return names


def _fits(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Callable as ``f(future, name)``: two positional parameters, any others optional."""
    if isinstance(node, ast.AsyncFunctionDef):
        return False  # a coroutine: the call would not wait
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    required = len(positional) - len(a.defaults)
    kw_required = any(d is None for d in a.kw_defaults)
    enough = len(positional) >= 2 or (a.vararg is not None and len(positional) <= 2)
    return enough and required <= 2 and not kw_required


def _takes_timeout(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    a = node.args
    named = {p.arg for p in (*a.args, *a.kwonlyargs)}
    return "timeout" in named or a.kwarg is not None


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: A scope's own names, and the names it declares ``global``.
_Scope = tuple[frozenset[str], frozenset[str]]


def _shadowed(ctx: RuleContext, node: ast.AST, name: str, cache: dict[int, _Scope]) -> bool:
    """Whether ``name`` at ``node`` is a local of an enclosing function or comprehension (a
    parameter, an assignment, a nested ``def``, an import, ...), so that a call to it would
    not reach the module-level helper. A class body's names are not visible in its methods;
    ``global name`` makes the name the module's. ``cache`` holds each scope's names."""
    child, parent = node, ctx.model.parent(node)
    innermost = True
    while parent is not None:
        scope = isinstance(parent, (*_FUNCTIONS, ast.ClassDef, *_COMPREHENSIONS))
        # A default, a decorator or a comprehension's first iterable belongs to the outside.
        if scope and _in_scope(parent, child):
            if innermost or not isinstance(parent, ast.ClassDef):
                if id(parent) not in cache:
                    cache[id(parent)] = _scope_names(parent)
                local, declared_global = cache[id(parent)]
                if name in declared_global:
                    return False
                if name in local:
                    return True
            innermost = innermost and isinstance(parent, _COMPREHENSIONS)
        child, parent = parent, ctx.model.parent(parent)
    return False


def _in_scope(scope: ast.AST, child: ast.AST) -> bool:
    """``child``, a direct child of ``scope``, is evaluated inside it."""
    if isinstance(scope, _COMPREHENSIONS):
        return child is not scope.generators[0]  # type: ignore[attr-defined]
    body = scope.body  # type: ignore[attr-defined]
    return child is body or (isinstance(body, list) and child in body)


def _scope_names(scope: ast.AST) -> _Scope:
    """The names ``scope`` binds for itself, and those it declares ``global``."""
    local: set[str] = set()
    declared_global: set[str] = set()
    stack: list[ast.AST]
    if isinstance(scope, _FUNCTIONS):
        a = scope.args
        every = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
        local.update(arg.arg for arg in every if arg is not None)
        stack = list(scope.body) if isinstance(scope.body, list) else [scope.body]
    elif isinstance(scope, ast.ClassDef):
        stack = list(scope.body)
    else:  # a comprehension: its targets (and, conservatively, what a walrus in it binds)
        stack = [n for g in scope.generators for n in (g.target, *g.ifs)]  # type: ignore[attr-defined]
        stack.append(scope)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            local.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
            stack.extend(node.decorator_list)
            continue  # its body is a scope of its own
        elif isinstance(node, ast.Lambda):
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
        elif isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            local.update(node.names)  # an enclosing function's local: not the helper either
        elif isinstance(getattr(node, "name", None), str) and type(node).__name__ in (
            "MatchAs",
            "MatchStar",
        ):
            local.add(node.name)  # type: ignore[attr-defined]
        elif isinstance(getattr(node, "rest", None), str):  # MatchMapping's ``**rest``
            local.add(node.rest)  # type: ignore[attr-defined]
        if node is not scope:
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(local - declared_global), frozenset(declared_global)


def _task_name(ctx: RuleContext, fact: CallFact, recv: ast.expr, value: Future) -> str:
    """A string (or f-string) literal naming the task for a person reading the log."""
    app = value.app
    if isinstance(recv, ast.Name):
        index = ctx.model.index_variable(fact, recv.id)
        base = app or recv.id
        if index is not None:
            return _fstring([base, "[", (index,), "]"])
        if app is None or app == recv.id or app.endswith(f": {recv.id}"):
            return _literal(base)
        return _literal(f"{app} ({recv.id})")
    if isinstance(recv, ast.Subscript):
        base = app or " ".join(ctx.source(recv.value).split())
        key = recv.slice
        if isinstance(key, ast.Name):
            return _fstring([base, "[", (key.id,), "]"])
        return _literal(f"{base}[{' '.join(ctx.source(key).split())}]")
    if isinstance(recv, ast.Call) and app is not None:
        return _literal(app)
    text = " ".join(ctx.source(recv).split())
    if len(text) > _MAX_NAME:
        text = text[: _MAX_NAME - 3] + "..."
    return _literal(f"{app} ({text})" if app else text)


def _literal_parts(source: str) -> int:
    """How many string literals ``source`` (one string expression) is written as: 2 for the
    implicit concatenation ``f"a{x}" 'b'``; literals nested in replacement fields not
    counted. 0 when it cannot be tokenized."""
    depth = parts = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(f"({source})").readline):
            kind = tokenize.tok_name.get(token.type, "")
            if kind == "FSTRING_START":  # Python 3.12+: an f-string is several tokens
                parts += depth == 0
                depth += 1
            elif kind == "FSTRING_END":
                depth -= 1
            elif token.type == tokenize.STRING and depth == 0:
                parts += 1
    except (tokenize.TokenError, SyntaxError):
        return 0
    return parts


def _quote_of(literal: str) -> str | None:
    """The quote character a string literal's source opens with (after its prefix)."""
    body = literal.lstrip("rRbBuUfF")
    return body[0] if body[:1] in ("'", '"') else None


def _requote(literal: str) -> str | None:
    """A double-quoted literal built here, single-quoted instead (None when it holds a quote
    of either kind, which would need escaping)."""
    prefix, _, rest = literal.partition('"')
    body = rest[:-1]
    if "'" in body or '"' in body:
        return None
    return f"{prefix}'{body}'"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _literal(text: str) -> str:
    return f'"{_escape(text)}"'


def _fstring(parts: list[object]) -> str:
    out = []
    for part in parts:
        if isinstance(part, tuple):
            out.append("{" + str(part[0]) + "}")
        else:
            out.append(_escape(str(part)).replace("{", "{{").replace("}", "}}"))
    return 'f"' + "".join(out) + '"'
