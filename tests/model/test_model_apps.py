"""What the model takes for a Parsl app: Parsl's decorators under any name, through the
project's own decorators and wrappers, across modules, and nothing that only looks like one."""

from __future__ import annotations

from harness import ModelOf

from parsl_lint.model.values import App

TRAIN = """
    from parsl import python_app


    @python_app
    def train(x):
        return x * 2
"""


def test_a_decorator_named_python_app_from_another_library_is_not_parsl(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        """
        from mylib import python_app


        @python_app
        def f():
            return 1


        f().result()
        """
    )
    assert facts.is_not_future("f()")


def test_a_local_function_named_python_app_is_not_parsl(model_of: ModelOf) -> None:
    facts = model_of(
        """
        def python_app(f):
            return f


        @python_app
        def f():
            return 1


        f().result()
        """
    )
    assert facts.is_not_future("f()")


def test_parsl_pre_1_0_app_decorator_makes_futures(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import App, DataFlowKernel, ThreadPoolExecutor

        dfk = DataFlowKernel(ThreadPoolExecutor(max_workers=4))


        @App('python', dfk)
        def double(x):
            return 2 * x


        @App('bash', dfk, walltime=60)
        def echo(stdout=None):
            return 'echo hi'


        double(3).result()
        echo().result()
        """
    )
    assert facts.is_future("double(3)", app="double")
    assert facts.is_future("echo()", app="echo")
    double, echo = facts.value("double"), facts.value("echo")
    assert isinstance(double, App) and isinstance(echo, App)
    assert (double.info.kind, echo.info.kind) == ("python", "bash")
    assert double.info.legacy and echo.info.legacy


def test_a_caching_decorator_above_the_app_may_return_something_else(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import python_app


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
    )
    assert facts.is_not_future("train(1)")


def test_a_pass_through_decorator_above_the_app_keeps_its_future(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import python_app


        def log_app(func):
            def wrapper(*args, **kwargs):
                print(args)
                return func(*args, **kwargs)

            return wrapper


        @log_app
        @python_app
        def merge(x):
            return x


        merge(1).result()
        """
    )
    assert facts.is_future("merge(1)", app="merge")


def test_parsl_names_from_a_star_import_and_an_app_defined_twice(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import *


        @python_app
        def mul(a, b):
            return a * b


        @python_app
        def mul(a, b):
            return b * a


        def run(x):
            return mul(x, x)


        run(2).result()
        """
    )
    assert facts.is_app("mul", name="mul")
    assert facts.is_future("run(2)", app="mul")


def test_a_decorator_that_returns_the_app_itself(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import python_app


        def task(func):
            return python_app(executors=['htex'])(func)


        @task
        def mul(a, b):
            return a * b


        mul(1, 2).result()
        """
    )
    assert facts.is_future("mul(1, 2)")


def test_a_callable_object_decorator_whose_call_makes_and_calls_the_app(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        """
        from parsl import python_app


        class Task:
            def __init__(self, fn):
                self.fn = fn

            def __call__(self, *args):
                return python_app(self.fn)(*args)


        @Task
        def mul(a, b):
            return a * b


        mul(1, 2).result()
        """
    )
    assert facts.is_future("mul(1, 2)")


def test_a_wrapper_that_waits_itself_returns_a_value_not_a_future(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl import python_app


        def blocking(function):
            def run(*args):
                return python_app(function)(*args).result()

            return run


        @blocking
        def mul(a, b):
            return a * b


        mul(1, 2).result()
        """
    )
    assert facts.is_future("python_app(function)(*args)")
    assert facts.is_not_future("mul(1, 2)")


def test_the_projects_decorator_whose_wrapper_makes_the_app_and_calls_it(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        """
        from parsl import python_app


        def task(function):
            def run(*args, executor='all', **kwargs):
                return python_app(function, executors=executor)(*args, **kwargs)

            return run


        @task
        def mul(a, b):
            return a * b


        mul(1, 2, executor=['htex']).result()
        """
    )
    assert facts.is_future("mul(1, 2, executor=['htex'])")


def test_partial_of_an_app_is_an_app(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        from functools import partial

        double = partial(train, 1)
        double().result()
        """,
    )
    assert facts.is_app("double", name="train")
    assert facts.is_future("double()", app="train")


def test_bash_app_imported_under_another_name(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl.app.app import bash_app as bapp


        @bapp
        def run():
            return 'false'


        results = {k: run() for k in 'ab'}
        values = [results[k].result() for k in results]
        """
    )
    assert facts.is_future("results[k]", app="run")


def test_an_app_re_exported_by_its_package_under_its_submodules_name(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from .tasks import train

        futs = [train(i) for i in range(3)]
        print([f.result() for f in futs])
        """,
        files={"tasks/__init__.py": "from .train import train\n", "tasks/train.py": TRAIN},
    )
    assert facts.is_app("train", name="train")
    assert facts.is_future("f", app="train")


def test_a_module_of_a_folder_the_script_put_on_sys_path(model_of: ModelOf) -> None:
    facts = model_of(
        """
        import sys

        import parsl

        sys.path.insert(0, 'tools')
        from helpers import double  # noqa: E402

        parsl.load()
        double(2).result()
        """,
        files={
            "tools/helpers.py": """
                from parsl import python_app


                @python_app
                def double(x):
                    return x
                """
        },
    )
    assert facts.is_future("double(2)", app="double")
