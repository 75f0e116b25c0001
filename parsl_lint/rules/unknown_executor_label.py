"""PSL402 unknown-executor-label: ``executors=[...]`` naming a label no configuration defines."""

from __future__ import annotations

import ast
import difflib

from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_CONFIG = """
    from parsl.config import Config
    from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor

    config = Config(
        executors=[
            HighThroughputExecutor(label="cpu_htex"),
            ThreadPoolExecutor(label="local_threads"),
        ]
    )
    """


class UnknownExecutorLabel(Rule):
    """
    ## What it does
    Finds `executors=[...]` in an app decorator (or in `python_app(f, executors=...)`,
    `PythonApp(...)`) that names a label none of the project's Parsl configurations define,
    and `executors=[]`.

    The project's configurations are every `Config(...)` in its modules. The rule only speaks
    when all of them are known: each lists its executors literally, with literal `label=`
    strings (a missing label is the executor class's default, such as `threads` for a
    `ThreadPoolExecutor`). When a configuration is built from variables, loaded from YAML or
    another file (`Config(**settings)`), imported from `parsl.configs` or another package,
    subclassed, or given more executors later, it stays quiet. Parsl's own `_parsl_internal`
    label always exists.

    ## Why is this bad?
    Parsl accepts any label when the app is defined and only checks it when a task is
    submitted. Reproduced on Parsl 2026.10: an app with `executors=["cpu_htx"]` in a run whose
    labels are `cpu_htex` and `local_threads` returns a future that fails with
    `ValueError: Task 1 requested invalid executor cpu_htx`, after every task before it has
    run. `executors=[]` is worse: the call itself raises
    `IndexError: Cannot choose from an empty sequence`.

    ## Example
    ```python
    config = Config(executors=[HighThroughputExecutor(label="cpu_htex")])

    @python_app(executors=["cpu_htx"])
    def simulate(x):
        return x
    ```

    ## Use instead
    ```python
    @python_app(executors=["cpu_htex"])
    def simulate(x):
        return x
    ```
    or leave `executors` out (`"all"`, the default) to let Parsl pick any executor.

    ## Fix safety
    No fix: the nearest label is suggested in the message, but which executor an app should
    run on is for a person to decide.

    ## Options
    None.
    """

    code = "PSL402"
    name = "unknown-executor-label"
    summary = "App pinned to an executor label that no configuration defines"

    VALID = [
        Valid(
            """
            from parsl import python_app


            @python_app(executors=["cpu_htex"])
            def simulate(x):
                return x


            @python_app(executors="all")
            def anywhere(x):
                return x


            @python_app(executors=["_parsl_internal", "local_threads"])
            def here(x):
                return x
            """,
            id="labels-the-configuration-defines",
            files={"config.py": _CONFIG},
        ),
        Valid(
            """
            from parsl import python_app
            from parsl.config import Config
            from parsl.executors import HighThroughputExecutor

            LABEL = "cpu_htex"
            config = Config(executors=[HighThroughputExecutor(label=LABEL)])


            @python_app(executors=["gpu"])
            def simulate(x):
                return x
            """,
            id="label-from-a-variable",
        ),
        Valid(
            """
            import yaml
            from parsl import python_app
            from parsl.config import Config
            from parsl.executors import HighThroughputExecutor

            with open("site.yaml") as f:
                site = yaml.safe_load(f)
            config = Config(executors=[HighThroughputExecutor(**site["htex"])])


            @python_app(executors=["gpu"])
            def simulate(x):
                return x
            """,
            id="executor-settings-from-yaml",
        ),
        Valid(
            """
            import parsl
            from parsl import python_app
            from parsl.configs.htex_local import config


            @python_app(executors=["htex_local"])
            def simulate(x):
                return x


            parsl.load(config)
            """,
            id="configuration-from-a-package",
        ),
        Valid(
            """
            import parsl
            from parsl import python_app
            from sitecfg import make_config


            @python_app(executors=["gpu"])
            def simulate(x):
                return x


            parsl.load(make_config())
            """,
            id="configuration-from-another-package",
            files={"config.py": _CONFIG},
        ),
        Valid(
            """
            from parsl import python_app


            @python_app(executors=["gpu"])
            def simulate(x):
                return x
            """,
            id="no-configuration-in-the-project",
        ),
        Valid(
            """
            from parsl import python_app

            from .config import config
            from parsl.executors import ThreadPoolExecutor

            config.executors.append(ThreadPoolExecutor(label="gpu"))


            @python_app(executors=["gpu"])
            def simulate(x):
                return x
            """,
            id="executor-added-later",
            files={"config.py": _CONFIG},
        ),
    ]
    INVALID = [
        Invalid(
            """
            from parsl import python_app


            @python_app(executors=["cpu_htx"])  # PSL402
            def simulate(x):
                return x
            """,
            id="misspelt-label",
            files={"config.py": _CONFIG},
            messages=(
                "app `simulate` is pinned to executor label `cpu_htx`, which no Parsl "
                "configuration of the project defines (`_parsl_internal`, `cpu_htex`, "
                "`local_threads`): its tasks fail with ValueError when submitted; did you "
                "mean `cpu_htex`?",
            ),
        ),
        Invalid(
            """
            from parsl import bash_app, python_app
            from parsl.config import Config
            from parsl.executors import ThreadPoolExecutor


            def prepare(x):
                return x


            @bash_app(executors=[])  # PSL402
            def stage(x):
                return "true"


            prepare_app = python_app(prepare, executors=["threads", "submit"])  # PSL402
            config = Config(executors=[ThreadPoolExecutor()])
            """,
            id="empty-list-and-default-label",
            messages=(
                "app `stage` is pinned to an empty executor list: every call raises "
                "IndexError; name a label of the configuration, or leave `executors` out",
                "app `prepare` is pinned to executor label `submit`, which no Parsl "
                "configuration of the project defines (`_parsl_internal`, `threads`): its "
                "tasks fail with ValueError when submitted",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        pinned: list[tuple[str, ast.expr, list[ast.Constant]]] = []
        for app_def in model.app_defs:
            call = app_def.factory
            if not isinstance(call, ast.Call) or app_def.info.kind == "join":
                continue
            for kw in call.keywords:
                if kw.arg != "executors" or not isinstance(kw.value, ast.List):
                    continue
                if not kw.value.elts:
                    ctx.report(
                        self,
                        kw.value,
                        f"app `{app_def.info.name}` is pinned to an empty executor list: every "
                        "call raises IndexError; name a label of the configuration, or leave "
                        "`executors` out",
                    )
                    continue
                literal = [
                    e
                    for e in kw.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
                pinned.append((app_def.info.name, kw.value, literal))
        if not any(literal for _, _, literal in pinned):
            return
        labels = model.executor_labels()  # reads the project's configurations: asked last
        if labels is None:
            return
        for app, _, literal in pinned:
            for element in literal:
                if element.value not in labels:
                    ctx.report(self, element, _message(app, element.value, labels))


def _message(app: str, label: str, labels: frozenset[str]) -> str:
    known = ", ".join(f"`{k}`" for k in sorted(labels))
    text = (
        f"app `{app}` is pinned to executor label `{label}`, which no Parsl configuration of "
        f"the project defines ({known}): its tasks fail with ValueError when submitted"
    )
    near = difflib.get_close_matches(label, sorted(labels), n=1, cutoff=0.6)
    return f"{text}; did you mean `{near[0]}`?" if near else text
