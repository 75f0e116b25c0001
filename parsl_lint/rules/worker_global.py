"""PSL204 worker-global: an app body in a script that uses the script's module-level names."""

from __future__ import annotations

import ast

from parsl_lint.model.values import AppInfo
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid


class WorkerGlobal(Rule):
    """
    ## What it does
    In a file that runs as a script (it has an `if __name__ == "__main__":` block, or calls
    `parsl.load` at module level), finds app bodies that use one of the file's module-level
    names: an import, a global variable, a helper function or class, or another app.

    ## Why is this bad?
    A function defined in the script that runs is defined in `__main__`, and Parsl serializes
    it by value, without the script's globals. On a remote worker (HighThroughputExecutor and
    friends) the name does not exist and the task fails with `NameError`; on the
    ThreadPoolExecutor used in local tests it works, so the bug shows up only in production.
    Apps in importable modules of a package are serialized by reference (the worker imports
    the module), so they are not reported, and neither are join apps: Parsl always runs them
    on its `_parsl_internal` thread pool in the submitting process, where the script's
    globals exist. Nor is a script whose configuration (in the file, or in a project module
    it imports) has only `ThreadPoolExecutor`s, or loads `parsl.configs.local_threads`; an
    app pinned with `executors=[...]` to labels of such `ThreadPoolExecutor`s; or a module
    that another module of the project imports (its apps run from the import).

    ## Example
    ```python
    import json

    @python_app
    def encode(x):
        return json.dumps(x)

    if __name__ == "__main__":
        ...
    ```

    ## Use instead
    ```python
    @python_app
    def encode(x):
        import json

        return json.dumps(x)
    ```
    Pass global values to the app as arguments, and move helpers into the app body or into
    an importable module.

    ## Fix safety
    No fix: moving imports and helpers is for a person to decide.

    ## Options
    None.
    """

    code = "PSL204"
    name = "worker-global"
    summary = "App body in a script uses a module-level name that the worker does not have"

    VALID = [
        Valid(
            """
            import json

            from parsl import python_app


            @python_app
            def train(x):
                return json.dumps(x)
            """,
            id="module-without-main-block",
        ),
        Valid(
            """
            from parsl import python_app


            @python_app
            def train(x):
                import json

                return json.dumps([len(x), max(x)])


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="import-inside-the-app",
        ),
        Valid(
            """
            import time

            from parsl import python_app


            @python_app
            def train(x):
                from time import time as train

                return train()


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="local-import-shadows-the-global",
        ),
        Valid(
            """
            import parsl
            from parsl import python_app

            SCALE = 3


            @python_app
            def train(x, scale=SCALE):
                return [x * scale for x in range(x)]


            parsl.load()
            print(SCALE)
            """,
            id="global-only-in-a-default",
        ),
        Valid(
            """
            from parsl import python_app


            def main():
                factor = 2

                @python_app
                def train(x):
                    return x * factor

                return train(1)


            if __name__ == "__main__":
                main()
            """,
            id="app-defined-in-a-function",
        ),
        # Configured here with threads only: every app runs in this process.
        Valid(
            """
            import logging

            import parsl
            from parsl.config import Config
            from parsl.executors import ThreadPoolExecutor

            log = logging.getLogger()


            @parsl.python_app
            def step():
                log.info('here')


            parsl.load(Config(executors=[ThreadPoolExecutor(label='local')]))
            """,
            id="thread-only-config-in-the-script",
        ),
        Valid(
            """
            import json

            import parsl
            from parsl import python_app
            from parsl.configs.local_threads import config


            @python_app
            def encode(x):
                return json.dumps(x)


            parsl.load(config)
            """,
            id="local-threads-config-loaded",
        ),
        # Pinned to a thread pool's label; a thread-only configuration from a module.
        Valid(
            """
            import logging

            import parsl
            from parsl import bash_app

            from .config import cfg

            log = logging.getLogger()


            @bash_app(executors=['submit'])
            def gen(x):
                log.info('x')
                return 'true'


            parsl.load(cfg)
            """,
            id="pinned-to-a-thread-pool-label",
            files={
                "config.py": """
                from parsl.config import Config
                from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor

                cfg = Config(
                    executors=[
                        ThreadPoolExecutor(label='submit'),
                        HighThroughputExecutor(label='work'),
                    ]
                )
                """,
            },
        ),
        Valid(
            """
            import json

            from parsl import python_app

            from .setup import start


            @python_app
            def encode(x):
                return json.dumps(x)


            if __name__ == "__main__":
                start()
            """,
            id="thread-only-config-from-a-project-module",
            files={
                "setup.py": """
                import parsl
                from parsl import Config, ThreadPoolExecutor


                def start():
                    parsl.load(Config(executors=[ThreadPoolExecutor()]))
                """,
            },
        ),
        # A module the project imports is a library, whatever its __main__ block does.
        Valid(
            """
            import json

            from parsl import python_app


            @python_app
            def encode(x):
                return json.dumps(x)


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="module-imported-by-the-project",
            files={
                "user.py": """
                from .example import encode

                encode(1)
                """,
            },
        ),
        # A join app runs in the submitting process: the script's names are there.
        Valid(
            """
            import math

            from parsl import join_app, python_app


            @python_app
            def add(a, b):
                return a + b


            @join_app
            def fib(n):
                if n < 2:
                    return add(n, 0)
                return add(fib(n - 1), fib(n - math.floor(2)))


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="join-app-uses-script-global",
        ),
        Valid(
            """
            from parsl.app.python import PythonApp

            SCALE = 2


            def grow(x):
                return x * SCALE


            grow_app = PythonApp(grow, executors=['_parsl_internal'], join=True)


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="pythonapp-class-joined-on-internal-executor",
        ),
    ]
    INVALID = [
        # A concurrent.futures pool in an imported module is not Parsl's ThreadPoolExecutor.
        Invalid(
            """
            import json

            import parsl
            from parsl import python_app

            from .pool import run


            @python_app
            def encode(x):
                return json.dumps(x)  # PSL204


            parsl.load()
            run()
            """,
            id="concurrent-futures-pool-in-imported-module",
            files={
                "pool.py": """
                import parsl
                from concurrent.futures import ThreadPoolExecutor


                def run():
                    return ThreadPoolExecutor(max_workers=2)
                """,
            },
            messages=(
                "app `encode` uses `json`, a module-level import of this script: on a remote "
                "worker it is not defined (NameError); import it inside the app body",
            ),
        ),
        # Pinned to the HighThroughputExecutor of the same configuration: a remote worker.
        Invalid(
            """
            import logging

            import parsl
            from parsl import bash_app

            from .config import cfg

            log = logging.getLogger()


            @bash_app(executors=['work'])
            def gen(x):
                log.info('x')  # PSL204
                return 'true'


            parsl.load(cfg)
            """,
            id="pinned-to-htex-label",
            files={
                "config.py": """
                from parsl.config import Config
                from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor

                cfg = Config(
                    executors=[
                        ThreadPoolExecutor(label='submit'),
                        HighThroughputExecutor(label='work'),
                    ]
                )
                """,
            },
            messages=(
                "app `gen` uses `log`, a module-level global of this script: on a remote worker "
                "it is not defined (NameError); pass its value to the app as an argument",
            ),
        ),
        # Threads and a HighThroughputExecutor: the apps may run on a remote worker.
        Invalid(
            """
            import json

            import parsl
            from parsl.config import Config
            from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor


            @parsl.python_app
            def encode(x):
                return json.dumps(x)  # PSL204


            parsl.load(Config(executors=[ThreadPoolExecutor(), HighThroughputExecutor()]))
            """,
            id="threads-and-htex-config",
            messages=(
                "app `encode` uses `json`, a module-level import of this script: on a remote "
                "worker it is not defined (NameError); import it inside the app body",
            ),
        ),
        Invalid(
            """
            import json

            from parsl import python_app


            @python_app
            def train(x):
                return json.dumps(x)  # PSL204


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="module-import-used-in-app",
            messages=(
                "app `train` uses `json`, a module-level import of this script: on a remote "
                "worker it is not defined (NameError); import it inside the app body",
            ),
        ),
        Invalid(
            """
            import parsl
            from parsl import python_app

            SCALE = 3


            def helper(x):
                return x


            @python_app
            def train(x):
                return helper(x) * SCALE + helper(1)  # PSL204 PSL204


            parsl.load()
            """,
            id="helper-function-and-global-constant",
            messages=(
                "app `train` uses `helper`, defined at module level of this script: on a remote "
                "worker it is not defined (NameError); define it inside the app body or move it "
                "to an importable module",
                "app `train` uses `SCALE`, a module-level global of this script: on a remote "
                "worker it is not defined (NameError); pass its value to the app as an argument",
            ),
        ),
        Invalid(
            """
            from parsl import python_app


            @python_app
            def inner():
                return 1


            @python_app
            def train(x):
                return inner().result()  # PSL204


            if __name__ == "__main__":
                print(train(1).result())
            """,
            id="another-app-used-in-app",
            messages=(
                "app `train` uses `inner`, defined at module level of this script: on a remote "
                "worker it is not defined (NameError); define it inside the app body or move it "
                "to an importable module",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        if not model.is_script():
            return
        bindings = model.module_bindings()
        found: list[tuple[AppInfo, ast.Name, str]] = []
        for function, info in model.app_functions():
            if info.kind == "join":  # runs on a thread of the submitting process
                continue
            seen: set[str] = set()
            for name in model.global_reads(function):
                if name.id in seen or not bindings.get(name.id):
                    continue
                binding = bindings[name.id][0]
                if isinstance(binding, ast.ImportFrom) and binding.module == "__future__":
                    continue
                seen.add(name.id)
                found.append((info, name, _message(info.name, name.id, binding)))
        # The costlier questions (other modules' executors and imports) come last.
        if not found or model.only_thread_executors() or model.imported_by_project():
            return
        for info, name, message in found:
            if not model.runs_on_threads(info):  # pinned to this process's threads
                ctx.report(self, name, message)


def _message(app: str, name: str, binding: ast.AST) -> str:
    where = f"app `{app}` uses `{name}`"
    missing = "on a remote worker it is not defined (NameError)"
    if isinstance(binding, (ast.Import, ast.ImportFrom)):
        return (
            f"{where}, a module-level import of this script: {missing}; "
            "import it inside the app body"
        )
    if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (
            f"{where}, defined at module level of this script: {missing}; define it "
            "inside the app body or move it to an importable module"
        )
    return (
        f"{where}, a module-level global of this script: {missing}; "
        "pass its value to the app as an argument"
    )
