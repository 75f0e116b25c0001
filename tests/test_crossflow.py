"""Futures that cross function and module boundaries, on small multi-module projects.

Each folder of ``testdata/crossflow/`` is a project of one shape (a helper module that drains
futures its callers pass in, generators over futures, objects that carry futures, instances
made by factories and fixtures, project subclasses of Parsl's app classes, futures passed to
methods and ``functools.partial``); the folder ``<shape>_twin`` is the same shape fed futures
that are not Parsl's (``concurrent.futures``, dask, a project class with its own
``result()``). Every line PSL101 must report ends in ``# PSL101`` (flake8-bugbear's marking);
a twin has none. Each project is linted as a user would: ``parsl-lint check`` on its folder.

The Parsl facts the shapes rely on are checked against a real run at the end of the module.
"""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint.cli import main
from parsl_lint.rule import EXPECT_MARKER

CROSSFLOW = Path(__file__).resolve().parents[1] / "testdata" / "crossflow"
PROJECTS = sorted(p.name for p in CROSSFLOW.iterdir() if p.is_dir())

#: Shapes the model does not follow yet (strict: an unexpected pass fails, so the list shrinks
#: as the model learns them).
NOT_YET: frozenset[str] = frozenset()


def marked_rows(root: Path) -> set[tuple[str, int]]:
    """(file, row) of every line that ends in a ``# PSL101`` marker."""
    rows = set()
    for path in sorted(root.rglob("*.py")):
        for row, line in enumerate(path.read_text().splitlines(), start=1):
            m = EXPECT_MARKER.search(line)
            if m and "PSL101" in m.group(1).split():
                rows.add((path.relative_to(root).as_posix(), row))
    return rows


def reported_rows(root: Path, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, int]]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        main, ["check", "--select", "PSL101", "--format", "json", "--no-cache", "."]
    )
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)
    return {(Path(d["filename"]).as_posix(), d["location"]["row"]) for d in found}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(strict=True, reason="not followed yet") if n in NOT_YET else (),
        )
        for n in PROJECTS
    ],
)
def test_crossflow_project(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / name
    shutil.copytree(CROSSFLOW / name, root)
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    expected = marked_rows(root)
    assert expected or name.endswith("_twin"), f"{name}: a shape project marks its findings"
    assert not (expected and name.endswith("_twin")), f"{name}: a twin marks nothing"
    assert reported_rows(root, monkeypatch) == expected


def test_every_shape_has_a_twin() -> None:
    shapes = [p for p in PROJECTS if not p.endswith("_twin")]
    assert len(shapes) >= 6
    assert all(f"{s}_twin" in PROJECTS for s in shapes)


# -- the Parsl facts the shapes rely on, from a real run --------------------------------------


def test_parsl_facts_the_model_relies_on(tmp_path: Path) -> None:
    """On a real ThreadPoolExecutor: an AppFuture passed to an app arrives as its value (so
    ``.result()`` on that parameter inside the app is not a Parsl future's), a list of futures
    arrives as it was given (Parsl does not look inside containers); an instance of a project
    subclass of ``PythonApp``, and what a decorator mirroring ``python_app`` returns, are apps
    whose calls return AppFutures; so is the call of a project subclass of ``AppBase`` whose
    ``__call__`` returns ``self.data_flow_kernel.submit(...)`` (``AppBase.__init__`` stored the
    kernel given, or None, and then ``DataFlowKernelLoader.dfk()`` is the loaded one) or
    delegates to a ``PythonApp`` (or to ``super().__call__``); a future's ``task_record``
    names its app."""
    import parsl
    from parsl.app.app import AppBase
    from parsl.app.python import PythonApp
    from parsl.config import Config
    from parsl.dataflow.dflow import DataFlowKernelLoader
    from parsl.dataflow.futures import AppFuture
    from parsl.executors import ThreadPoolExecutor

    class RankedApp(PythonApp):
        def __init__(self, func, ranks=1, executors="all"):
            super().__init__(func, executors=executors)
            self.ranks = ranks

    class SubmittingApp(AppBase):
        def __call__(self, *args, **kwargs):
            dfk = self.data_flow_kernel
            if dfk is None:
                dfk = DataFlowKernelLoader.dfk()
            return dfk.submit(
                self.func,
                app_args=args,
                executors=self.executors,
                cache=False,
                ignore_for_cache=[],
                app_kwargs=kwargs,
            )

    class DelegatingApp(AppBase):
        def __init__(self, func):
            super().__init__(func)
            self.inner = PythonApp(func)

        def __call__(self, *args, **kwargs):
            return self.inner(*args, **kwargs)

    class LoggedApp(PythonApp):
        def __call__(self, *args, **kwargs):
            return super().__call__(*args, **kwargs)

    def ranked_app(function=None, ranks=1):
        def decorator(func):
            return RankedApp(func, ranks=ranks)

        return decorator(function) if function is not None else decorator

    def double(x):
        return 2 * x

    def kind(value):
        return type(value).__name__

    def kinds(values):
        return [type(v).__name__ for v in values]

    config = Config(
        executors=[ThreadPoolExecutor(label="threads", max_threads=2)], run_dir=str(tmp_path)
    )
    dfk = parsl.load(config)
    try:
        twice = parsl.python_app(double)
        first = twice(2)
        assert parsl.python_app(kind)(first).result(timeout=60) == "int"
        assert parsl.python_app(kinds)([first]).result(timeout=60) == ["AppFuture"]
        sub = RankedApp(double, ranks=2)(3)
        mirrored = ranked_app(double)(4)
        configured = ranked_app(ranks=4)(double)(5)
        assert SubmittingApp(double).data_flow_kernel is None
        submitted = SubmittingApp(double)(6)
        given = SubmittingApp(double, data_flow_kernel=dfk)(7)
        delegated = DelegatingApp(double)(8)
        logged = LoggedApp(double)(9)
        done = ((sub, 6), (mirrored, 8), (configured, 10))
        done += ((submitted, 12), (given, 14), (delegated, 16), (logged, 18))
        for fut, value in done:
            assert isinstance(fut, AppFuture)
            assert fut.result(timeout=60) == value
        assert sub.task_record["func_name"] == "double"
    finally:
        dfk.cleanup()
        parsl.clear()


def test_a_cached_helper_is_linted_again_when_a_caller_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper's findings come from its callers: editing only a caller must not replay the
    helper's cached result (its cache key covers the modules that call it)."""
    root = _cached_helper_module(tmp_path)
    monkeypatch.chdir(root)
    targets = ("util.py", "workflow.py")
    assert _util_rows(*targets) == {row for name, row in marked_rows(root) if name == "util.py"}
    workflow = root / "workflow.py"
    # ``simulate`` is no longer an app: nothing util.py is passed is a Parsl future.
    workflow.write_text(workflow.read_text().replace("@python_app\n", ""))
    assert _util_rows(*targets) == set()


def _cached_helper_module(tmp_path: Path) -> Path:
    """A copy of ``helper_module`` whose ``util.py`` says "parsl", so it is linted whatever
    it is passed and its cached result is used."""
    root = tmp_path / "helper_module"
    shutil.copytree(CROSSFLOW / "helper_module", root)
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    util = root / "util.py"
    util.write_text(util.read_text().replace("Nothing here knows about Parsl", "For parsl"))
    return root


def _util_rows(*paths: str) -> set[int]:
    """The rows of ``util.py``'s PSL101 findings in a cached run here (over ``paths``)."""
    result = CliRunner().invoke(main, ["check", "--select", "PSL101", "--format", "json", *paths])
    return {d["location"]["row"] for d in json.loads(result.stdout) if d["filename"] == "util.py"}


def test_a_fix_inside_a_helper_names_the_helper_and_its_parameter(tmp_path: Path) -> None:
    """Its callers may pass any app's futures: the name says where the future came in."""
    from parsl_lint.session import Session

    root = tmp_path / "methods"
    shutil.copytree(CROSSFLOW / "methods", root)
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    session = Session.create([root / "campaign.py", root / "driver.py"], select=["PSL101"])
    session.cache = None
    session.fix(write=True, unsafe=False)
    fixed = (root / "campaign.py").read_text()
    assert 'unwrap_parsl_future(f, "Campaign.evaluate: futs (f)") for f in futs' in fixed
    assert 'unwrap_parsl_future(fut, f"Campaign.submit: fut[{name}]")' in fixed
    assert 'log.info("%s: %s", label, unwrap_parsl_future(fut, "log_result: fut"))' in fixed
    assert "energy" not in fixed  # the app of the one caller in this project


def test_a_cached_helper_is_linted_again_when_a_new_caller_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache key of a helper's result covers the modules that call the functions whose
    facts it used (a project-wide question), not only the ones that existed then: a new
    module feeding it other futures makes the parameter unknown, and the finding goes."""
    root = _cached_helper_module(tmp_path)
    monkeypatch.chdir(root)
    util = root / "util.py"
    before = _util_rows()
    assert before == {row for name, row in marked_rows(root) if name == "util.py"}
    names = sorted(
        node.name for node in ast.parse(util.read_text()).body if isinstance(node, ast.FunctionDef)
    )
    calls = "\n".join(f"util.{name}([pool.submit(abs, 1)])" for name in names)
    (root / "local.py").write_text(
        "from concurrent.futures import ThreadPoolExecutor\n\nimport util\n\n"
        f"with ThreadPoolExecutor() as pool:\n{textwrap.indent(calls, '    ')}\n"
    )
    assert _util_rows() < before


def test_the_facts_are_kept_for_the_next_run_while_their_callers_are_unchanged(
    tmp_path: Path,
) -> None:
    """A run that re-lints a helper reads what its unchanged callers pass from the last
    run's facts and walks again only the caller that changed; the findings are those of a
    run without the cache."""
    from parsl_lint.session import Session

    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    (root / "util.py").write_text(
        "def wait_all(futs):\n    return [f.result() for f in futs]  # PSL101\n\n\n"
        "def gather(named):\n    return {k: v.result() for k, v in named.items()}  # PSL101\n"
    )
    apps = "from parsl import python_app\n\n\n@python_app\ndef simulate(i):\n    return i\n\n\n"
    (root / "a.py").write_text(apps + "from util import wait_all\n\nwait_all([simulate(1)])\n")
    b = root / "b.py"
    b.write_text(apps + "from util import gather\n\ngather({'x': simulate(2)})\n")

    def run(cache: bool = True) -> tuple[list[tuple[str, int]], set[str]]:
        session = Session.create(
            [root], select=["PSL101"], jobs=1, cache=cache, cache_dir=tmp_path / "c"
        )
        outcome = session.check()
        rows = sorted((Path(d.path).name, d.location.row) for d in outcome.diagnostics)
        return rows, session.linter.project.callers.walked()

    first, walked = run()
    assert first == [("util.py", 2), ("util.py", 6)]
    assert {"a", "b"} <= walked
    b.write_text(b.read_text() + "gather({'y': simulate(3)})\n")
    again, walked = run()  # util.py is linted again: what b passes gather may have changed
    assert again == first
    assert "b" in walked and "a" not in walked  # wait_all's facts are the last run's
    assert again == run(cache=False)[0]
