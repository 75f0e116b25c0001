"""PSL204 worker-global: an app body in a script that uses the script's module-level names."""

from __future__ import annotations

import ast

from parsl_lint.model.values import AppInfo
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_MAIN = '\n\nif __name__ == "__main__":\n    print(train(1).result())\n'


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
            "import json\n\nfrom parsl import python_app\n\n\n"
            "@python_app\ndef train(x):\n    return json.dumps(x)\n"
        ),
        Valid(
            "from parsl import python_app\n\n\n@python_app\ndef train(x):\n"
            "    import json\n\n    return json.dumps([len(x), max(x)])\n" + _MAIN
        ),
        Valid(
            "import time\n\nfrom parsl import python_app\n\n\n@python_app\ndef train(x):\n"
            "    from time import time as train\n\n    return train()\n" + _MAIN
        ),
        Valid(
            "import parsl\nfrom parsl import python_app\n\nSCALE = 3\n\n\n"
            "@python_app\ndef train(x, scale=SCALE):\n    return [x * scale for x in range(x)]\n"
            "\n\nparsl.load()\nprint(SCALE)\n"
        ),
        Valid(
            "from parsl import python_app\n\n\ndef main():\n    factor = 2\n\n"
            "    @python_app\n    def train(x):\n        return x * factor\n\n"
            "    return train(1)\n\n\n"
            'if __name__ == "__main__":\n    main()\n'
        ),
        # Configured here with threads only: every app runs in this process.
        Valid(
            "import logging\n\nimport parsl\nfrom parsl.config import Config\n"
            "from parsl.executors import ThreadPoolExecutor\n\nlog = logging.getLogger()\n\n\n"
            "@parsl.python_app\ndef step():\n    log.info('here')\n\n\n"
            "parsl.load(Config(executors=[ThreadPoolExecutor(label='local')]))\n"
        ),
        Valid(
            "import json\n\nimport parsl\nfrom parsl import python_app\n"
            "from parsl.configs.local_threads import config\n\n\n"
            "@python_app\ndef encode(x):\n    return json.dumps(x)\n\n\nparsl.load(config)\n"
        ),
        # Pinned to a thread pool's label; a thread-only configuration from a module.
        Valid(
            "import logging\n\nimport parsl\nfrom parsl import bash_app\n\n"
            "from .config import cfg\n\nlog = logging.getLogger()\n\n\n"
            "@bash_app(executors=['submit'])\ndef gen(x):\n    log.info('x')\n"
            "    return 'true'\n\n\n"
            "parsl.load(cfg)\n",
            files={
                "config.py": "from parsl.config import Config\n"
                "from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor\n\n"
                "cfg = Config(executors=[ThreadPoolExecutor(label='submit'), "
                "HighThroughputExecutor(label='work')])\n"
            },
        ),
        Valid(
            "import json\n\nfrom parsl import python_app\n\nfrom .setup import start\n\n\n"
            "@python_app\ndef encode(x):\n    return json.dumps(x)\n\n\n"
            'if __name__ == "__main__":\n    start()\n',
            files={
                "setup.py": "import parsl\nfrom parsl import Config, ThreadPoolExecutor\n\n\n"
                "def start():\n    parsl.load(Config(executors=[ThreadPoolExecutor()]))\n"
            },
        ),
        # A module the project imports is a library, whatever its __main__ block does.
        Valid(
            "import json\n\nfrom parsl import python_app\n\n\n"
            "@python_app\ndef encode(x):\n    return json.dumps(x)\n" + _MAIN,
            files={"user.py": "from .example import encode\n\nencode(1)\n"},
        ),
        # A join app runs in the submitting process: the script's names are there.
        Valid(
            "import math\n\nfrom parsl import join_app, python_app\n\n\n"
            "@python_app\ndef add(a, b):\n    return a + b\n\n\n"
            "@join_app\ndef fib(n):\n    if n < 2:\n        return add(n, 0)\n"
            "    return add(fib(n - 1), fib(n - math.floor(2)))\n" + _MAIN
        ),
        Valid(
            "from parsl.app.python import PythonApp\n\nSCALE = 2\n\n\n"
            "def grow(x):\n    return x * SCALE\n\n\n"
            "grow_app = PythonApp(grow, executors=['_parsl_internal'], join=True)\n" + _MAIN
        ),
    ]
    INVALID = [
        # A concurrent.futures pool in an imported module is not Parsl's ThreadPoolExecutor.
        Invalid(
            "import json\n\nimport parsl\nfrom parsl import python_app\n\n"
            "from .pool import run\n\n\n@python_app\ndef encode(x):\n    return json.dumps(x)\n\n\n"
            "parsl.load()\nrun()\n",
            lines=(11,),
            files={
                "pool.py": "import parsl\nfrom concurrent.futures import ThreadPoolExecutor\n\n\n"
                "def run():\n    return ThreadPoolExecutor(max_workers=2)\n"
            },
        ),
        # Pinned to the HighThroughputExecutor of the same configuration: a remote worker.
        Invalid(
            "import logging\n\nimport parsl\nfrom parsl import bash_app\n\n"
            "from .config import cfg\n\nlog = logging.getLogger()\n\n\n"
            "@bash_app(executors=['work'])\ndef gen(x):\n    log.info('x')\n"
            "    return 'true'\n\n\n"
            "parsl.load(cfg)\n",
            lines=(13,),
            files={
                "config.py": "from parsl.config import Config\n"
                "from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor\n\n"
                "cfg = Config(executors=[ThreadPoolExecutor(label='submit'), "
                "HighThroughputExecutor(label='work')])\n"
            },
        ),
        # Threads and a HighThroughputExecutor: the apps may run on a remote worker.
        Invalid(
            "import json\n\nimport parsl\nfrom parsl.config import Config\n"
            "from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor\n\n\n"
            "@parsl.python_app\ndef encode(x):\n    return json.dumps(x)\n\n\n"
            "parsl.load(Config(executors=[ThreadPoolExecutor(), HighThroughputExecutor()]))\n",
            lines=(10,),
        ),
        Invalid(
            "import json\n\nfrom parsl import python_app\n\n\n"
            "@python_app\ndef train(x):\n    return json.dumps(x)\n" + _MAIN,
            lines=(8,),
        ),
        Invalid(
            "import parsl\nfrom parsl import python_app\n\nSCALE = 3\n\n\ndef helper(x):\n"
            "    return x\n\n\n@python_app\ndef train(x):\n"
            "    return helper(x) * SCALE + helper(1)\n\n\nparsl.load()\n",
            lines=(13, 13),
        ),
        Invalid(
            "from parsl import python_app\n\n\n@python_app\ndef inner():\n    return 1\n\n\n"
            "@python_app\ndef train(x):\n    return inner().result()\n" + _MAIN,
            lines=(11,),
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
