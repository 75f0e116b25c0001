"""The model's whole-program parameter facts (``model/callers.py``), asked of the model itself.

Two levels. Over each project of ``testdata/crossflow/`` (a shape and its twin), the model,
not the rule, must find exactly the ``.result()`` calls whose receiver is a Parsl future: the
rows marked ``# PSL101``. And on small projects written here: what a parameter is bound to
(``parameters``), and the cases that must stay unknown (a function handed to an executor, a
parameter of an app body, a caller that passes something else, a cycle of modules).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from parsl_lint.model import FileModel, Project, analyze
from parsl_lint.model.callers import MAX_CALLERS
from parsl_lint.model.values import PLAIN, Future, Instance, Seq, Value, contains_future
from parsl_lint.rule import EXPECT_MARKER

CROSSFLOW = Path(__file__).resolve().parents[2] / "testdata" / "crossflow"


def project_of(root: Path, files: dict[str, str] | None = None) -> Project:
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return Project.from_files(root, sorted(root.rglob("*.py")))


def model_of(project: Project, relative: str) -> FileModel:
    info = project.add_file(project.root / relative)
    tree = project.tree_of(info)
    assert tree is not None
    return analyze(project, info, tree)


def future_receivers(model: FileModel) -> set[int]:
    """Rows of the ``.result()`` calls made on a Parsl future."""
    return {
        fact.node.lineno
        for fact in model.method_calls("result")
        if model.receiver_future(fact) is not None
    }


def parameter(project: Project, key: str, name: str) -> Value | None:
    """What the model binds the parameter ``name`` of the function ``key`` to (None: no
    facts)."""
    module, _, qualname = key.partition(":")
    project.symbol(module, qualname.split(".")[0])  # the model meets the def
    return project.callers.parameters(project.functions[key]).get(name)


@pytest.mark.parametrize("name", sorted(p.name for p in CROSSFLOW.iterdir() if p.is_dir()))
def test_the_model_finds_the_marked_futures(name: str) -> None:
    project = project_of(CROSSFLOW / name)
    for path in sorted((CROSSFLOW / name).rglob("*.py")):
        relative = path.relative_to(CROSSFLOW / name).as_posix()
        marked = {
            row
            for row, line in enumerate(path.read_text().splitlines(), start=1)
            if EXPECT_MARKER.search(line)
        }
        info = project.add_file(path)
        if not project.is_candidate(info):
            assert not marked, f"{name}/{relative}: skipped by the prefilter"
            continue
        assert future_receivers(model_of(project, relative)) == marked, f"{name}/{relative}"


APPS = """
    from parsl import python_app


    @python_app
    def simulate(i):
        return i
"""


def test_a_helper_parameter_holds_what_every_caller_passes(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": """
                def wait_all(futs):
                    return [f.result() for f in futs]


                def first(fut, default=None):
                    return fut.result()
            """,
            "run.py": APPS
            + """
    from util import first, wait_all

    wait_all([simulate(i) for i in range(3)])
    first(simulate(0), default=1)
    first(fut=simulate(1))
            """,
        },
    )
    assert parameter(project, "util:wait_all", "futs") == Seq(Future("simulate"))
    assert parameter(project, "util:first", "fut") == Future("simulate")
    assert parameter(project, "util:first", "default") == PLAIN  # a literal: not bound
    assert project.is_candidate(project.modules["util"])  # though it never says parsl


def test_one_caller_passing_other_futures_leaves_the_parameter_unknown(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n",
            "run.py": textwrap.dedent(APPS)
            + "\nfrom util import wait_all\n\nwait_all([simulate(1)])\n",
            "local.py": """
                from concurrent.futures import ThreadPoolExecutor

                from util import wait_all

                with ThreadPoolExecutor() as pool:
                    wait_all([pool.submit(abs, 1)])
            """,
        },
    )
    value = parameter(project, "util:wait_all", "futs")
    assert value is None or not contains_future(value)
    assert not project.is_candidate(project.modules["util"])


def test_a_function_handed_to_an_executor_gets_no_facts(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": "def report(fut):\n    print(fut.result())\n",
            "run.py": APPS
            + """
    from concurrent.futures import ThreadPoolExecutor

    from util import report

    report(simulate(1))
    with ThreadPoolExecutor() as pool:
        pool.submit(report, 3)
            """,
        },
    )
    assert parameter(project, "util:report", "fut") is None
    assert future_receivers(model_of(project, "util.py")) == set()


def test_an_app_body_parameter_is_the_value_parsl_passed(tmp_path: Path) -> None:
    """An AppFuture argument arrives resolved (checked on a real run in test_crossflow.py):
    neither the callers' futures nor an ``AppFuture`` annotation make it a future there, nor
    in a helper the body hands it to."""
    project = project_of(
        tmp_path,
        {
            "util.py": "def show(x):\n    return x.result()\n",
            "run.py": APPS
            + """
    from parsl.dataflow.futures import AppFuture

    from util import show


    @python_app
    def consume(x: AppFuture):
        return show(x)


    consume(simulate(1))
            """,
        },
    )
    assert future_receivers(model_of(project, "util.py")) == set()


def test_constructor_partial_and_callback_arguments_count(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "lib.py": """
                class Runner:
                    def __init__(self, futs, engine):
                        self.futs = list(futs)
                        self.engine = engine

                    def collect(self):
                        return [f.result() for f in self.futs]


                class Engine:
                    pass


                def log_result(label, fut):
                    print(label, fut.result())
            """,
            "run.py": APPS
            + """
    import functools

    from lib import Engine, Runner, log_result

    runner = Runner([simulate(i) for i in range(2)], Engine())
    fut = simulate(3)
    fut.add_done_callback(functools.partial(log_result, "sim"))
            """,
        },
    )
    assert parameter(project, "lib:Runner.__init__", "futs") == Seq(Future("simulate"))
    assert parameter(project, "lib:Runner.__init__", "engine") == Instance("lib:Engine")
    assert parameter(project, "lib:log_result", "fut") == Future("simulate")
    assert future_receivers(model_of(project, "lib.py")) == {7, 15}


def test_modules_that_import_each_other_converge(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "a.py": APPS
            + """
    import b


    def relay(futs):
        return b.drain(futs)


    relay([simulate(1)])
            """,
            "b.py": """
                import a


                def drain(futs):
                    return [f.result() for f in futs]


                def origin():
                    return a.__name__
            """,
        },
    )
    assert future_receivers(model_of(project, "b.py")) == {5}
    assert parameter(project, "b:drain", "futs") == Seq(Future("relay: futs"))


def test_a_pythonapp_subclass_and_a_mirror_decorator_make_apps(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "apps.py": """
                from parsl.app.python import PythonApp


                class RankedApp(PythonApp):
                    pass


                def ranked_app(function=None, ranks=1):
                    def decorator(func):
                        return RankedApp(func)

                    if function is not None:
                        return decorator(function)
                    return decorator


                @ranked_app(ranks=2)
                def solve(n):
                    return n


                smooth = RankedApp(print)
            """,
            "run.py": """
                import parsl

                from apps import smooth, solve

                solve(1).result()
                smooth(2).result()
            """,
        },
    )
    assert future_receivers(model_of(project, "run.py")) == {5, 6}


def test_a_class_named_like_parsls_is_not_parsls(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "mylib.py": """
                class PythonApp:
                    def __init__(self, func):
                        self.func = func

                    def __call__(self, *args):
                        return self.func(*args)


                class Ranked(PythonApp):
                    pass
            """,
            "run.py": "import parsl\n\nfrom mylib import Ranked\n\nRanked(print)(1).result()\n",
        },
    )
    assert future_receivers(model_of(project, "run.py")) == set()


def test_an_appbase_subclass_submitting_through_its_kernel_makes_futures(tmp_path: Path) -> None:
    """``AppBase.__init__`` stores the kernel (or None): ``submit`` on it, or on
    ``parsl.dfk()``, returns an AppFuture; a class that stores its own ``data_flow_kernel``
    says nothing about what it holds."""
    project = project_of(
        tmp_path,
        {
            "apps.py": """
                import parsl
                from parsl.app.app import AppBase


                class Submitting(AppBase):
                    def __call__(self, *args, **kwargs):
                        return self.data_flow_kernel.submit(self.func, app_args=args)


                class Loaded(AppBase):
                    def __call__(self, *args, **kwargs):
                        return parsl.dfk().submit(self.func, app_args=args)


                class Own(AppBase):
                    def __init__(self, func, kernel):
                        super().__init__(func)
                        self.data_flow_kernel = kernel

                    def __call__(self, *args, **kwargs):
                        return self.data_flow_kernel.submit(self.func, app_args=args)
            """,
            "run.py": """
                import parsl

                from apps import Loaded, Own, Submitting

                Submitting(print)(1).result()
                Loaded(print)(2).result()
                Own(print, object())(3).result()
            """,
        },
    )
    assert future_receivers(model_of(project, "run.py")) == {5, 6}


LEDGER = """
    class Ledger:
        def __init__(self):
            self.pending = []


    ledger = Ledger()
"""


@pytest.mark.parametrize(
    ("store", "read", "expected"),
    [
        pytest.param("ledger.last = simulate(1)", "ledger.last", {7}, id="assigned"),
        pytest.param("ledger.pending.append(simulate(1))", "ledger.pending[0]", {7}, id="added"),
        pytest.param(
            "ledger.d = {}\n    ledger.d['k'] = simulate(1)", "ledger.d['k']", {7}, id="item"
        ),
        # Stored from a parameter: what callers pass is not followed for these stores.
        pytest.param("ledger.last = n", "ledger.last", set(), id="parameter"),
        # The object, or its container, is handed on: stores may happen anywhere.
        pytest.param(
            "ledger.last = simulate(1)\n    keep(ledger)", "ledger.last", set(), id="escapes"
        ),
        pytest.param(
            "ledger.pending.append(simulate(1))\n    keep(ledger.pending)",
            "ledger.pending[0]",
            set(),
            id="container-escapes",
        ),
        # A local of the same name is another object.
        pytest.param(
            "ledger = Other()\n    ledger.last = simulate(1)", "ledger.last", set(), id="local"
        ),
    ],
)
def test_stores_into_a_module_level_instance_from_outside_its_class(
    tmp_path: Path, store: str, read: str, expected: set[int]
) -> None:
    project = project_of(
        tmp_path,
        {
            "ledger.py": LEDGER,
            "submit.py": textwrap.dedent(APPS)
            + "\n\nfrom ledger import ledger\n\n\nclass Other:\n    pass\n\n\n"
            + "def keep(x):\n    return x\n\n\ndef launch(n):\n    "
            + store
            + "\n",
            "report.py": (
                "import parsl\n\nfrom ledger import ledger\nfrom submit import launch\n\n"
                f"launch(1)\n{read}.result()\n"
            ),
        },
    )
    assert future_receivers(model_of(project, "report.py")) == expected


def test_stores_from_a_module_the_reader_does_not_import_are_not_followed(tmp_path: Path) -> None:
    """A file's cached result is keyed on the modules it imports: a store in any other
    module could change without it being linted again, so the read stays quiet."""
    project = project_of(
        tmp_path,
        {
            "ledger.py": LEDGER,
            "submit.py": textwrap.dedent(APPS)
            + "\n\nfrom ledger import ledger\n\nledger.last = simulate(1)\n",
            "report.py": "import parsl\n\nfrom ledger import ledger\n\nledger.last.result()\n",
        },
    )
    assert future_receivers(model_of(project, "report.py")) == set()


def test_an_instance_reached_as_a_module_attribute_is_not_followed(tmp_path: Path) -> None:
    """``import ledger`` reaches it as ``ledger.ledger``, which the store analysis does not
    follow: quiet, whatever the other module stores."""
    project = project_of(
        tmp_path,
        {
            "ledger.py": LEDGER,
            "submit.py": textwrap.dedent(APPS) + "\n\nimport ledger\n\nledger.ledger.last = 5\n",
            "report.py": (
                "import parsl\n\nfrom ledger import ledger\nfrom submit import simulate\n\n"
                "ledger.last = simulate(1)\nledger.last.result()\n"
            ),
        },
    )
    assert future_receivers(model_of(project, "report.py")) == set()


def test_a_module_naming_the_helper_only_in_a_string_is_not_walked(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n",
            "run.py": textwrap.dedent(APPS)
            + "\nfrom util import wait_all\n\nwait_all([simulate(1)])\n",
            "docs.py": '''
                """Call ``wait_all(futures)`` once they are submitted."""
                import util

                print("wait_all is done")  # a message, not an identifier
            ''',
        },
    )
    assert parameter(project, "util:wait_all", "futs") == Seq(Future("simulate"))
    assert "run" in project.callers.walked()
    assert "docs" not in project.callers.walked()


def test_the_join_stops_once_every_parameter_is_unknown(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n",
            "a.py": 'import json\nfrom util import wait_all\n\nwait_all(json.loads("[]"))\n',
            "b.py": textwrap.dedent(APPS)
            + "\nfrom util import wait_all\n\nwait_all([simulate(1)])\n",
        },
    )
    value = parameter(project, "util:wait_all", "futs")
    assert value is None or not contains_future(value)
    assert project.callers.walked() == {"a"}  # b cannot make an unknown parameter known


def test_a_parameter_that_flows_nowhere_asks_no_caller(tmp_path: Path) -> None:
    project = project_of(
        tmp_path,
        {
            "util.py": """
                class Tracker:
                    def __init__(self, name):
                        print("tracking")

                    def wait(self, fut):
                        return fut.result()
            """,
            "run.py": textwrap.dedent(APPS)
            + "\nfrom util import Tracker\n\nTracker(simulate(1))\n",
        },
    )
    assert parameter(project, "util:Tracker.__init__", "name") is None
    assert project.callers.walked() == set()


#: Ways a caller module reaches ``wait_all`` from a function that does not spell it: the
#: module's code, the call passing ``futs`` that way, and whether the model follows it (a
#: function kept in an attribute is not: its parameters stay unknown, quiet).
ALIASES = {
    "module-level-name": ("DRAIN = wait_all\n", "DRAIN(futs)", True),
    "returned-by-a-function": ("def drainer():\n    return wait_all\n", "drainer()(futs)", True),
    "attribute-of-self": (
        "class Runner:\n    def __init__(self):\n        self.drain = wait_all\n\n"
        "    def run(self, futs):\n        return self.drain(futs)\n",
        "Runner().run(futs)",
        False,
    ),
    "class-attribute": (
        "class Runner:\n    drain = staticmethod(wait_all)\n",
        "Runner.drain(futs)",
        False,
    ),
}


@pytest.mark.parametrize("shape", sorted(ALIASES))
@pytest.mark.parametrize("other", [False, True], ids=["parsl-futures", "pool-futures"])
def test_a_caller_reaching_the_helper_through_another_name_is_joined(
    tmp_path: Path, shape: str, other: bool
) -> None:
    """A collect walk visits the functions that spell the helper's name, and those that
    spell a name bound to it: a function passing other futures through an alias counts."""
    code, call, followed = ALIASES[shape]
    passed = "[pool.submit(abs, 1)]" if other else "[simulate(2)]"
    project = project_of(
        tmp_path,
        {
            "util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n",
            "run.py": textwrap.dedent(APPS)
            + "\nfrom concurrent.futures import ThreadPoolExecutor\n\nfrom util import wait_all\n\n"
            + code
            + "\n\ndef direct():\n    wait_all([simulate(1)])\n\n\n"
            + "def aliased(pool):\n    futs = "
            + passed
            + "\n    "
            + call
            + "\n\n\nwith ThreadPoolExecutor() as pool:\n    aliased(pool)\n",
        },
    )
    value = parameter(project, "util:wait_all", "futs")
    if other or not followed:
        assert value is None or not contains_future(value)
    else:
        assert value == Seq(Future("simulate"))


@pytest.mark.parametrize("other", [False, True], ids=["parsl-futures", "pool-futures"])
def test_a_subclass_constructor_in_the_caller_runs_the_base_init(
    tmp_path: Path, other: bool
) -> None:
    passed = "[pool.submit(abs, 1)]" if other else "[simulate(2)]"
    project = project_of(
        tmp_path,
        {
            "util.py": """
                class Tracker:
                    def __init__(self, futs):
                        self.futs = futs

                    def wait(self):
                        return [f.result() for f in self.futs]
            """,
            "run.py": textwrap.dedent(APPS)
            + "\nfrom concurrent.futures import ThreadPoolExecutor\n\nfrom util import Tracker\n\n"
            + "\nclass Quiet(Tracker):\n    pass\n\n\n"
            + "def direct():\n    Tracker([simulate(1)])\n\n\n"
            + "def subclassed(pool):\n    Quiet("
            + passed
            + ")\n\n\nwith ThreadPoolExecutor() as pool:\n    subclassed(pool)\n",
        },
    )
    value = parameter(project, "util:Tracker.__init__", "futs")
    if other:
        assert value is None or not contains_future(value)
    else:
        assert value == Seq(Future("simulate"))


def test_a_walk_visits_only_the_functions_that_may_call_the_helper(tmp_path: Path) -> None:
    run = (
        textwrap.dedent(APPS)
        + "\nfrom util import wait_all\n\n\n"
        + "def unrelated():\n    return sorted(simulate(i) for i in range(3))\n\n\n"
        + "def submit_all(n):\n    return [simulate(i) for i in range(n)]\n\n\n"
        + "def caller():\n    wait_all(submit_all(3))\n\n\n"
        + "def main():\n    caller()\n"
    )
    project = project_of(
        tmp_path,
        {"util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n", "run.py": run},
    )
    assert parameter(project, "util:wait_all", "futs") == Seq(Future("simulate"))
    # ``caller`` spells ``wait_all``; what it passes comes from no parameter of its own, so
    # the functions calling it need not be walked, nor those that spell none of these.
    row = run.lstrip("\n").splitlines().index("def caller():") + 1
    assert project.callers.walked_in("run") == {(row, 0)}


@pytest.mark.parametrize("count", [MAX_CALLERS, MAX_CALLERS + 1])
def test_a_helper_spelled_by_more_modules_than_the_bound_gets_no_facts(
    tmp_path: Path, count: int
) -> None:
    files = {"util.py": "def wait_all(futs):\n    return [f.result() for f in futs]\n"}
    for i in range(count):
        files[f"run{i}.py"] = (
            textwrap.dedent(APPS) + "\nfrom util import wait_all\n\nwait_all([simulate(1)])\n"
        )
    project = project_of(tmp_path, files)
    value = parameter(project, "util:wait_all", "futs")
    if count > MAX_CALLERS:
        assert value is None  # a library's entry point, not a helper: quiet
        assert project.callers.walked() == set()
    else:
        assert value == Seq(Future("simulate"))


@pytest.mark.parametrize(
    ("annotation", "walked"),
    [
        pytest.param("list[AppFuture]", False, id="promises-futures"),
        pytest.param("Tracker", False, id="promises-a-project-instance"),
        pytest.param("list", True, id="promises-nothing"),
    ],
)
def test_an_annotated_parameter_asks_no_caller(
    tmp_path: Path, annotation: str, walked: bool
) -> None:
    """The evaluator takes an annotation's promise before what callers pass: a function
    whose parameters are all so bound needs no caller walked."""
    project = project_of(
        tmp_path,
        {
            "util.py": f"""
                from parsl.dataflow.futures import AppFuture


                class Tracker:
                    pass


                def wait_all(futs: {annotation}):
                    return [f.result() for f in futs]
            """,
            "run.py": textwrap.dedent(APPS)
            + "\nfrom util import wait_all\n\nwait_all([simulate(1)])\n",
        },
    )
    value = parameter(project, "util:wait_all", "futs")
    assert ("run" in project.callers.walked()) is walked
    assert value == (Seq(Future("simulate")) if walked else None)
