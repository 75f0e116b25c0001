"""PSL104 serial-submission: ``.result()`` that makes Parsl run tasks one at a time."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from parsl_lint.ftypes import Applicability, Fix
from parsl_lint.model import CallFact, FileModel
from parsl_lint.model.values import App, BoundApp, Builtin, External
from parsl_lint.parsl_facts import CALL_TIME_KEYWORDS
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

#: Methods that only collect a value (the result is kept, nothing decides on it).
_COLLECT = frozenset(
    {"append", "appendleft", "extend", "extendleft", "add", "insert", "update", "setdefault"}
)
#: Methods and functions that only show a value.
_SHOW = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "exception", "log", "write"}
)
#: Builtins that only compute a new value from their arguments.
_PURE_BUILTINS = frozenset(
    {
        "len",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "sorted",
        "sum",
        "min",
        "max",
        "abs",
        "round",
        "repr",
        "any",
        "all",
        "zip",
        "enumerate",
        "reversed",
        "bytes",
        "format",
        "type",
        "isinstance",
    }
)
#: Clocks: a loop that reads one around each wait measures each task (a latency benchmark).
_CLOCKS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "timeit.default_timer",
    }
)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_TESTS = (ast.If, ast.While, ast.IfExp, ast.Assert)

_APPS = """
            from parsl import python_app


            @python_app
            def load(path):
                return path


            @python_app
            def clean(data):
                return data
        """


class SerialSubmission(Rule):
    """
    ## What it does
    Finds `.result()` calls that make a Parsl workflow run its tasks one at a time:

    * in a loop that submits a task and then, in the same iteration, waits for that task's
      future (`for p in paths: out.append(load(p).result())`), so the next task is submitted
      only once this one is done;
    * as an argument of the next app call (`clean(load(p).result())`), where the script
      blocks until `load` finishes before `clean` is even submitted.

    A loop is inherently serial, and not reported, when the result decides what happens next:
    it flows into a later submission, the loop's condition or iterable, an `if`, `assert` or
    `while` test, an attribute, or a call that may keep state (`optimizer.tell(r)`).
    Collecting results (`out.append(...)`, `results[i] = ...`) or logging them is not such a
    use. Nor reported: a loop that reads a clock in each iteration (it measures each task,
    which needs them one at a time), a test that checks each task's outcome (`assert` on the
    same future, `pytest.raises`). Submitting every task first and gathering afterwards is
    the right pattern and is never reported. `.result()` inside an app body is PSL103's.

    ## Why is this bad?
    An app call only submits a task; the work runs elsewhere while the script goes on. Waiting
    inside the submitting loop makes each task wait for the previous one: reproduced on Parsl
    2026.10 with eight 0.2 s tasks on two workers (threads or a HighThroughputExecutor), the
    loop that waits in each iteration took about 1.6 s, submitting all and then gathering
    about 0.8 s; with hundreds of workers the loop is up to hundreds of times slower.
    The code looks right and gives the right answer, so it is only found by someone wondering
    why the cluster sits idle. Passing a future to the next app instead of its result lets
    Parsl start that task as soon as its input is ready, without blocking the script.

    ## Example
    ```python
    out = []
    for p in paths:
        f = load(p)
        out.append(f.result())
    cleaned = clean(load(paths[0]).result())
    ```

    ## Use instead
    ```python
    futures = [load(p) for p in paths]
    out = [f.result() for f in futures]
    cleaned = clean(load(paths[0]))
    ```

    ## Fix safety
    For `.result()` passed to an app, `app2(f.result())` becomes `app2(f)`. The fix is unsafe:
    when `f`'s task fails, the failure no longer surfaces at that line (where a `try` may
    handle it) but as a `DependencyError` of `app2`'s future. The loop form has no fix: the
    loop has to be split into a submitting and a gathering part.

    ## Options
    None.
    """

    code = "PSL104"
    name = "serial-submission"
    summary = "A `.result()` that makes tasks run one at a time"
    default_enabled = True
    fixable = True
    fix_applicability = Applicability.UNSAFE

    VALID = [
        Valid(
            _APPS
            + """
            paths = ["a", "b"]
            futures = [load(p) for p in paths]
            out = [f.result() for f in futures]
            for f in futures:
                print(f.result())
            cleaned = clean(load(paths[0]))
            """,
            id="submit-all-then-gather",
        ),
        Valid(
            _APPS
            + """
            x = "start"
            for step in range(10):
                x = clean(x).result()
            """,
            id="result-feeds-the-next-submission",
        ),
        Valid(
            _APPS
            + """
            error = 1.0
            while error > 1e-3:
                f = load(error)
                error = f.result()
            """,
            id="convergence-loop",
        ),
        Valid(
            _APPS
            + """
            for attempt in range(5):
                f = load("a")
                if f.result() is not None:
                    break
            for p in ["a", "b"]:
                assert load(p).result() == p
            """,
            id="result-decides-whether-to-go-on",
        ),
        Valid(
            _APPS
            + """
            class Optimiser:
                def ask(self):
                    return 1

                def tell(self, value):
                    self.best = value


            opt = Optimiser()
            for i in range(20):
                f = load(opt.ask())
                opt.tell(f.result())
            """,
            id="result-kept-by-an-object-the-next-submission-asks",
        ),
        Valid(
            _APPS
            + """
            first = load("a")
            for p in ["b", "c"]:
                print(first.result())
                load(p)
            cleaned = clean(load("a").result()["data"])
            """,
            id="not-the-future-of-this-iteration-nor-a-direct-argument",
        ),
        Valid(
            _APPS
            + """
            import time

            import pytest

            latencies = []
            for i in range(100):
                start = time.perf_counter()
                load("a").result()
                latencies.append(time.perf_counter() - start)
            for i in range(3):
                with pytest.raises(ValueError):
                    load(None).result()
            for i in range(3):
                f = clean(i)
                print(f.result())
                assert f.result() == i
            """,
            id="measured-expected-to-fail-or-checked",
        ),
    ]
    INVALID = [
        Invalid(
            _APPS
            + """
            out = []
            for p in ["a", "b"]:
                f = load(p)
                out.append(f.result())  # PSL104
            sizes = [len(load(p).result()) for p in "ab"]  # PSL104
            """,
            id="waits-in-the-submitting-loop",
            messages=(
                "`f.result()` waits for each task before the loop submits the next, so the "
                "loop's tasks run one at a time; submit them all first (collect the futures "
                "in a list) and wait for them after the loop",
                "`load(p).result()` waits for each task before the loop submits the next, so "
                "the loop's tasks run one at a time; submit them all first (collect the "
                "futures in a list) and wait for them after the loop",
            ),
        ),
        Invalid(
            _APPS
            + """
            path = "a"
            cleaned = clean(load(path).result())  # PSL104
            """,
            id="result-passed-to-the-next-app",
            messages=(
                "`load(path).result()` blocks the script until that task is done before app "
                "`clean` is even submitted; pass the future itself (`clean(load(path))`): "
                "Parsl starts `clean` when it is done and hands it the result",
            ),
            fixed=_APPS
            + """
            path = "a"
            cleaned = clean(load(path))  # PSL104
            """,
        ),
        Invalid(
            _APPS
            + """
            results = {}
            for p in ["a", "b"]:
                data = load(p)
                results[p] = clean(data.result())  # PSL104
            """,
            id="result-passed-to-an-app-in-a-loop",
            messages=(
                "`data.result()` blocks the script until that task is done before app "
                "`clean` is even submitted; pass the future itself (`clean(data)`): Parsl "
                "starts `clean` when it is done and hands it the result",
            ),
            fixed=_APPS
            + """
            results = {}
            for p in ["a", "b"]:
                data = load(p)
                results[p] = clean(data)  # PSL104
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        for fact in model.method_calls("result"):
            if model.receiver_future(fact) is None or model.enclosing_app(fact) is not None:
                continue
            if model.failure_expected(fact):
                continue  # pytest.raises: the test checks each task's outcome
            call = fact.node
            app_call = _app_call_taking(model, call)
            if app_call is not None:
                self._report_argument(ctx, fact, app_call)
            elif _waits_in_submitting_loop(model, call):
                ctx.report(
                    self,
                    call,
                    f"`{ctx.shown(call)}` waits for each task before the loop submits the "
                    "next, so the loop's tasks run one at a time; submit them all first "
                    "(collect the futures in a list) and wait for them after the loop",
                )

    def _report_argument(self, ctx: RuleContext, fact: CallFact, app_call: ast.Call) -> None:
        call = fact.node
        receiver = call.func.value  # type: ignore[attr-defined]
        app = ctx.shown(app_call.func)
        shown = ctx.source(receiver)
        fix = None
        if not call.args and not call.keywords:
            fix = Fix(
                f"Pass `{ctx.shown(receiver)}` itself",
                (ctx.edit(call, shown),),
                Applicability.UNSAFE,
            )
        ctx.report(
            self,
            call,
            f"`{ctx.shown(call)}` blocks the script until that task is done before app "
            f"`{app}` is even submitted; pass the future itself (`{app}({ctx.shown(receiver)})`): "
            f"Parsl starts `{app}` when it is done and hands it the result",
            fix,
        )


def _is_submission(model: FileModel, node: ast.AST) -> bool:
    """``node`` is a call of a Parsl app (it submits a task and returns its future)."""
    if not isinstance(node, ast.Call):
        return False
    fact = model.fact_of(node)
    return fact is not None and isinstance(fact.callee, (App, BoundApp))


def _app_call_taking(model: FileModel, call: ast.Call) -> ast.Call | None:
    """The app call that takes ``call`` directly as an argument (not a special keyword)."""
    parent = model.parent(call)
    if isinstance(parent, ast.keyword):
        if parent.arg is None or parent.arg in CALL_TIME_KEYWORDS:
            return None
        parent = model.parent(parent)
    elif not (isinstance(parent, ast.Call) and call in parent.args):
        return None
    if _is_submission(model, parent):
        assert isinstance(parent, ast.Call)
        return parent
    return None


def _waits_in_submitting_loop(model: FileModel, call: ast.Call) -> bool:
    """``call`` (``<receiver>.result()``) waits on a future submitted earlier in the same
    iteration of its innermost loop, and the loop does not depend on the result."""
    loop = model.enclosing_loop(call)
    if loop is None:
        return False
    receiver = call.func.value  # type: ignore[attr-defined]
    if not _is_submission(model, receiver):
        if not isinstance(receiver, ast.Name):
            return False
        assignment = _last_assignment(model, loop, receiver.id, call)
        if assignment is None or not _is_submission(model, assignment.value):
            return False
        if _tested(loop, receiver.id):
            return False  # another use of the same future decides
    if _times_each_task(model, loop):
        return False
    return not _result_decides(model, loop, call)


def _tested(loop: ast.AST, name: str) -> bool:
    """``name`` is read in a test of the loop's iteration (``assert f.result() == x``)."""
    for node in _walk(_region(loop)):
        if isinstance(node, _TESTS):
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.test)):
                return True
    return False


def _times_each_task(model: FileModel, loop: ast.AST) -> bool:
    """The iteration reads a clock: it measures each task, which needs them one at a time."""
    for node in _walk(_region(loop)):
        if isinstance(node, ast.Call):
            fact = model.fact_of(node)
            if fact is not None and isinstance(fact.callee, External):
                if fact.callee.qualname in _CLOCKS:
                    return True
    return False


def _region(loop: ast.AST) -> list[ast.AST]:
    """What runs in each iteration of ``loop``."""
    if isinstance(loop, _LOOPS):
        return list(loop.body)
    if isinstance(loop, ast.DictComp):
        return [loop.key, loop.value]
    return [loop.elt]  # type: ignore[attr-defined]


def _walk(region: list[ast.AST]) -> Iterator[ast.AST]:
    """The nodes of ``region``, not inside functions or classes it defines."""
    stack = list(reversed(region))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _last_assignment(
    model: FileModel, loop: ast.AST, name: str, before: ast.AST
) -> ast.Assign | None:
    """The last ``name = ...`` of the loop's own iteration that comes before ``before``."""
    found = None
    position = (before.lineno, before.col_offset)  # type: ignore[attr-defined]
    for node in _walk(_region(loop)):
        if not isinstance(node, ast.Assign) or (node.lineno, node.col_offset) >= position:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if model.enclosing_loop(node) is loop:
                found = node
    return found


def _result_decides(model: FileModel, loop: ast.AST, call: ast.Call) -> bool:
    """The result flows into something that decides the loop's next step: a submission, a
    test, the loop's condition or iterable, an attribute, or a call that may keep state."""
    tainted: set[str] = set()
    stop = _flow(model, call, loop, tainted)
    if stop:
        return True
    region = _region(loop)
    changed = True
    while changed:  # what is computed from the result in the iteration
        changed = False
        for node in _walk(region):
            if isinstance(node, ast.Name) and node.id in tainted and isinstance(node.ctx, ast.Load):
                before = len(tainted)
                if _flow(model, node, loop, tainted):
                    return True
                changed |= len(tainted) != before
    if not tainted:
        return False
    heads: list[ast.AST] = []
    if isinstance(loop, ast.While):
        heads.append(loop.test)
    elif isinstance(loop, (ast.For, ast.AsyncFor)):
        heads.append(loop.iter)
    elif isinstance(loop, _COMPREHENSIONS):
        heads.extend(g.iter for g in loop.generators)
    for head in heads:
        if any(isinstance(n, ast.Name) and n.id in tainted for n in ast.walk(head)):
            return True
    return False


def _flow(model: FileModel, node: ast.AST, loop: ast.AST, tainted: set[str]) -> bool:
    """Follow a use of the result up to its statement: add the names it is stored in to
    ``tainted``; True when the use decides what the loop does next."""
    child, current = node, model.parent(node)
    while current is not None and current is not loop:
        if isinstance(current, _TESTS) and child is current.test:
            return True
        if isinstance(current, ast.comprehension) and child is not current.target:
            return True
        if isinstance(current, ast.keyword):
            child, current = current, model.parent(current)
            continue
        if isinstance(current, ast.Call) and child is not current.func:
            verdict = _call_use(model, current, tainted)
            if verdict is not None:
                return verdict
        if isinstance(current, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            if child is getattr(current, "value", None):
                return _store(current, tainted)
            return False
        if isinstance(current, (ast.For, ast.AsyncFor)) and child is current.iter:
            return True
        if isinstance(current, (ast.Return, ast.Yield, ast.YieldFrom, ast.With, ast.withitem)):
            return True
        if isinstance(current, (ast.Expr, ast.Raise, ast.Delete)):
            return False
        if isinstance(current, ast.stmt) and not isinstance(current, ast.Expr):
            return True  # any other statement: do not guess
        child, current = current, model.parent(current)
    return False


def _call_use(model: FileModel, call: ast.Call, tainted: set[str]) -> bool | None:
    """A call that takes the result: True when it may decide the next step (a submission,
    or a call that may keep state), False when the use ends there (it is collected into a
    name, now tainted, or shown), None when the value flows on (a pure function's result)."""
    if _is_submission(model, call):
        return True
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in _COLLECT:
            base = _base_name(func.value)
            if base is None:
                return True
            tainted.add(base)
            return False
        if func.attr in _SHOW:
            return False
    elif isinstance(func, ast.Name) and func.id not in model.module_bindings():
        if func.id == "print":
            return False
        if func.id in _PURE_BUILTINS:
            return None
    fact = model.fact_of(call)
    callee = fact.callee if fact is not None else None
    if isinstance(callee, (External, Builtin)):
        return None  # a library function: its result carries the value on
    return True


def _store(statement: ast.AST, tainted: set[str]) -> bool:
    """Taint what an assignment of the result stores into; True for an attribute (state)."""
    targets = getattr(statement, "targets", None) or [statement.target]  # type: ignore[attr-defined]
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                return True
        if isinstance(target, ast.Subscript):
            base = _base_name(target.value)
            if base is None:
                return True
            tainted.add(base)
            continue
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                tainted.add(node.id)
    return False


def _base_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
