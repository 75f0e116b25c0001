"""Where a function's parameters may flow (``model/flows.py``), what a call of it spells
(``model/spelling.py``): the syntax questions that decide which callers' facts are asked;
and how those facts are kept between runs (``model/persist.py``)."""

from __future__ import annotations

import ast
import marshal
import textwrap

import pytest

from parsl_lint.model.callers import top_functions
from parsl_lint.model.flows import param_flows
from parsl_lint.model.persist import Unstorable, decode, encode
from parsl_lint.model.records import FuncRecord
from parsl_lint.model.spelling import (
    ModuleSpelling,
    code_words,
    kept_inside,
    position,
    spelled_by,
)
from parsl_lint.model.values import (
    BOTTOM,
    NONE,
    PLAIN,
    UNKNOWN,
    Func,
    Future,
    Gen,
    Instance,
    Mapping,
    MaybeFuture,
    Partial,
    Seq,
    Tup,
    Value,
)


def flows_of(code: str, method: bool = False) -> set[str]:
    node = ast.parse(textwrap.dedent(code)).body[0]
    flows = param_flows(node, method)
    return {k for k in ("consumed", "stored", "passed", "returned") if getattr(flows, k)}


def callees_of(code: str, method: bool = False) -> frozenset[str]:
    return param_flows(ast.parse(textwrap.dedent(code)).body[0], method).callees


@pytest.mark.parametrize(
    ("code", "method", "expected"),
    [
        pytest.param(
            "def f(futs):\n    return [x.result() for x in futs]",
            False,
            {"consumed", "returned"},
            id="iterated-then-result",
        ),
        pytest.param(
            "def f(a):\n    out = []\n    out.append(a)\n    wait(out)",
            False,
            {"consumed", "passed"},
            id="through-a-local-list-to-wait",
        ),
        pytest.param("def f(a):\n    x = a.outputs[0]", False, {"consumed"}, id="outputs-read"),
        pytest.param(
            "def f(a):\n    def g():\n        return a.exception()\n    return g",
            False,
            {"consumed", "returned"},
            id="in-a-nested-function",
        ),
        pytest.param(
            "def f(self, fut):\n    self.tasks.append(fut)",
            True,
            {"stored", "passed"},
            id="appended-to-an-attribute",
        ),
        pytest.param("def f(self, fut):\n    self.t = fut", True, {"stored"}, id="attribute"),
        pytest.param(
            "def f(a):\n    logger.exception('failed: %s', a)",
            False,
            {"passed"},
            id="a-loggers-exception-is-not-a-futures",
        ),
        pytest.param(
            "def f(self):\n    return self.x.result()", True, set(), id="self-is-not-a-parameter"
        ),
        pytest.param("def f(a):\n    b = 1\n    return b", False, set(), id="unused"),
        pytest.param("def f(p):\n    p.run(1)", False, {"passed"}, id="method-on-a-parameter"),
        pytest.param("def f(p):\n    p.run()", False, set(), id="method-without-arguments"),
    ],
)
def test_where_parameters_flow(code: str, method: bool, expected: set[str]) -> None:
    assert flows_of(code, method) == expected


def test_callees_are_the_calls_passed_a_parameter() -> None:
    code = """
        def f(self, futs, n):
            helper(futs)
            self.drain(x=[f for f in futs])
            print(n)
            other(1)
    """
    assert callees_of(code, method=True) == {"helper", "drain", "print"}


def record(code: str, qual: str) -> FuncRecord:
    tree = ast.parse(textwrap.dedent(code))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and f"{node.name}.{item.name}" == qual:
                    return FuncRecord(f"m:{qual}", item, "m", cls=f"m:{node.name}")
        if isinstance(node, ast.FunctionDef) and node.name == qual:
            return FuncRecord(f"m:{qual}", node, "m")
    raise AssertionError(qual)


@pytest.mark.parametrize(
    ("code", "qual", "expected"),
    [
        pytest.param("def helper(x): ...", "helper", {"helper"}, id="function"),
        pytest.param("class K:\n    def run(self): ...", "K.run", {"run"}, id="method"),
        pytest.param(
            "class K:\n    def __init__(self, x): ...", "K.__init__", {"K"}, id="constructor"
        ),
        pytest.param("class K:\n    def __exit__(self, *a): ...", "K.__exit__", {"__exit__"}),
        pytest.param("class K:\n    def __call__(self, x): ...", "K.__call__", None, id="call"),
        pytest.param("def _(x): ...", "_", set(), id="singledispatch-registration"),
        pytest.param(
            "import pytest\n@pytest.fixture\ndef tracker(): ...", "tracker", set(), id="fixture"
        ),
    ],
)
def test_what_a_call_spells(code: str, qual: str, expected: set[str] | None) -> None:
    spelled = spelled_by(record(code, qual))
    assert spelled == (frozenset(expected) if expected is not None else None)


def test_nested_functions_no_other_module_can_call() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            def outer(xs, pool):
                def kept(x):
                    return x
                def returned(x):
                    return x
                def stored(x):
                    return x
                pool.submit(kept, 1)
                [kept(x) for x in xs]
                outer.cb = stored
                sorted(xs, key=lambda x: x)
                keep = lambda x: x
                return returned
            """
        )
    )
    functions = {
        getattr(n, "name", "<lambda>" + str(n.lineno)): position(n)
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.Lambda))
    }
    kept = kept_inside(tree)
    assert functions["kept"] in kept
    assert functions["returned"] not in kept
    assert functions["stored"] not in kept
    argument, bound = sorted(v for k, v in functions.items() if k.startswith("<lambda>"))
    assert argument in kept  # written as an argument
    assert bound not in kept  # bound to a name
    assert functions["outer"] not in kept  # module level: importable


def test_code_words_leave_out_strings_and_comments() -> None:
    words = code_words(
        textwrap.dedent(
            r'''
            """Calls helper() in the docs only."""
            import pkg.util as u  # drain(x)
            u.wait_all(x, timeout=1)
            getattr(u, "gather")
            print("run the helper now", r'it\'s # not a comment: collect()', b"raw")
            label = f"{format_row(row)} done"
            doc = """two lines
            that name merge() and"""; after = 1
            '''
        )
    )
    assert {"pkg", "util", "u", "wait_all", "timeout", "gather", "raw"} <= words
    assert {"format_row", "row", "after"} <= words  # an f-string's fields are code
    assert not {"helper", "drain", "now", "collect", "merge", "lines"} & words


def test_a_definition_spells_the_words_of_its_own_lines() -> None:
    text = textwrap.dedent(
        '''
        NOTE = """a string over lines
        naming first() and second()"""


        def first(x):
            return helper(x)  # not: third()


        class Runner(Base):
            def second(self, futs):
                self.cb = first
                return drain(futs)
        '''
    )
    tree = ast.parse(text)
    spelling = ModuleSpelling(text, tree, top_functions("m", tree))
    spelled = {fdef.key: words for fdef, words in spelling.units}
    assert {"first", "helper", "x"} <= spelled["m:first"]
    assert "third" not in spelled["m:first"] and "drain" not in spelled["m:first"]
    assert {"second", "drain", "futs", "cb"} <= spelled["m:Runner.second"]
    assert dict(spelling.classes)["Runner"] >= {"Runner", "Base"}
    assert (frozenset({"self", "cb", "first"}), frozenset({"cb"})) in spelling.carriers
    assert "naming" not in spelling.words


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(Seq(Future("simulate")), id="list-of-futures"),
        pytest.param(Mapping(PLAIN, Future(None, data=True)), id="dict-of-data-futures"),
        pytest.param(Tup((Instance("m:K"), UNKNOWN, NONE)), id="tuple"),
        pytest.param(MaybeFuture(Future("f"), frozenset({"m:A", "m:B"})), id="maybe"),
        pytest.param(Gen(Future("g"), "os.walk"), id="generator"),
        pytest.param(Partial(Func("m:f", "f"), (PLAIN,), (("k", BOTTOM),)), id="partial"),
    ],
)
def test_a_fact_survives_the_cache(value: Value) -> None:
    restored = decode(marshal.loads(marshal.dumps(encode(value))))
    assert restored == value
    assert decode(encode(UNKNOWN)) is UNKNOWN  # the atoms are the model's own


def test_the_cache_builds_only_the_models_values() -> None:
    with pytest.raises(Unstorable):
        decode(("data", "Popen", (("ls",),)))
    with pytest.raises(Unstorable):
        encode(object())
