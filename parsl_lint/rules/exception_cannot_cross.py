"""PSL305 exception-cannot-cross: an app raises an exception that cannot come back to the caller."""

from __future__ import annotations

from parsl_lint.model import Raised
from parsl_lint.model.values import AppInfo
from parsl_lint.rule import Invalid, Rule, RuleContext, Valid

_ERRORS = """
    class StageError(Exception):
        def __init__(self, stage, code):
            super().__init__(f"stage {stage} failed with {code}")
            self.stage = stage
            self.code = code


    class PlainError(Exception):
        def __init__(self, stage, code):
            super().__init__(stage, code)


    class ReducedError(Exception):
        def __init__(self, stage, code):
            super().__init__(f"stage {stage} failed with {code}")
            self.stage, self.code = stage, code

        def __reduce__(self):
            return (type(self), (self.stage, self.code))


    class MessageError(Exception):
        def __init__(self, path):
            super().__init__(f"cannot read {path}")


    class TimeoutReached(PlainError):
        pass


    class Deadline(Exception):
        def __init__(self, message, *, seconds):
            super().__init__(message)
            self.seconds = seconds
    """

_HTEX = """
            import parsl
            from parsl.config import Config
            from parsl.executors import HighThroughputExecutor, ThreadPoolExecutor

            htex = HighThroughputExecutor(label="htex")
            parsl.load(Config(executors=[htex, ThreadPoolExecutor(label="local")]))
        """


class ExceptionCannotCross(Rule):
    """
    ## What it does
    Finds a project exception class raised in the body of a Python or Bash app (directly, or
    in a project function the app calls) when pickle cannot rebuild it from its `args`: its
    `__init__` requires other arguments than the ones it hands to `super().__init__`
    (`super().__init__(f"stage {stage} failed")` under `def __init__(self, stage, code)`),
    or a keyword-only argument, and no class of it defines `__reduce__`. Also finds an
    exception class defined in a script (`__main__`) and raised in one of its apps.

    Not reported: apps pinned (`executors=[...]`) to `ThreadPoolExecutor`s, or files whose
    configuration has only `ThreadPoolExecutor`s (nothing is pickled there); join apps (they
    run in the submitting process); classes whose arguments reach `args` unchanged, or that
    define `__reduce__`, or whose module registers reducers (`copyreg`, `tblib`).

    ## Why is this bad?
    A remote worker pickles the exception an app raises and sends it back; the submitting
    side rebuilds it as `type(e)(*e.args)`. Reproduced on Parsl 2026.10 with a local
    `HighThroughputExecutor`: for `StageError("align", 3)` above, the rebuild raises
    `TypeError: __init__() missing 1 required positional argument: 'code'` in the executor's
    result thread, which dies. The task's future never completes (`exception(timeout=8)`
    timed out and the task stayed `launched`), and neither does any later task of that
    executor: an unrelated `ok(2).result(timeout=5)` timed out too. The only trace is a
    thread traceback on standard error. (Parsl's traceback library rescues such a class only
    if it was defined before the worker first imported Parsl's app module, so whether a run
    hangs depends on import order.) A class defined in the script that runs is `__main__`,
    which the worker cannot import: the caller gets `NameError: name 'MainError' is not
    defined` instead of the exception (reproduced as well). On a `ThreadPoolExecutor`
    nothing is pickled and every one of these works, so local tests do not catch it.

    ## Example
    ```python
    class StageError(Exception):
        def __init__(self, stage, code):
            super().__init__(f"stage {stage} failed with {code}")
    ```

    ## Use instead
    ```python
    class StageError(Exception):
        def __init__(self, stage, code):
            super().__init__(stage, code)
            self.stage, self.code = stage, code

        def __str__(self):
            return f"stage {self.stage} failed with {self.code}"
    ```
    or define `__reduce__` (`return (type(self), (self.stage, self.code))`); and define the
    class in an importable module, not in the script.

    ## Fix safety
    No fix: how the class should keep its arguments is for a person to decide.

    ## Options
    None.
    """

    code = "PSL305"
    name = "exception-cannot-cross"
    summary = "An app raises an exception that cannot be sent back from the worker"

    VALID = [
        Valid(
            """
            from parsl import python_app

            from .errors import MessageError, PlainError, ReducedError, TimeoutReached


            @python_app
            def align(stage):
                if stage == 1:
                    raise PlainError(stage, 3)
                if stage == 2:
                    raise ReducedError(stage, 3)
                if stage == 3:
                    raise TimeoutReached(stage, 3)
                raise MessageError("reads.fq")
            """,
            id="picklable-custom-exceptions",
            files={"errors.py": _ERRORS},
        ),
        Valid(
            """
            import parsl
            from parsl import python_app
            from parsl.config import Config
            from parsl.executors import ThreadPoolExecutor

            from .errors import StageError


            @python_app
            def align(stage):
                raise StageError(stage, 3)


            parsl.load(Config(executors=[ThreadPoolExecutor()]))
            """,
            id="threads-only",
            files={"errors.py": _ERRORS},
        ),
        Valid(
            _HTEX
            + """
            from parsl import join_app, python_app

            from .errors import StageError


            @python_app(executors=["local"])
            def align(stage):
                raise StageError(stage, 3)


            @join_app
            def plan(stage):
                raise StageError(stage, 3)
            """,
            id="pinned-to-threads-and-join-app",
            files={"errors.py": _ERRORS},
        ),
        Valid(
            """
            import copyreg

            from parsl import python_app


            class StageError(Exception):
                def __init__(self, stage, code):
                    super().__init__(f"stage {stage} failed with {code}")


            copyreg.pickle(StageError, lambda e: (str, ("stage failed",)))


            @python_app
            def align(stage):
                raise StageError(stage, 3)
            """,
            id="reducer-registered",
        ),
    ]
    INVALID = [
        Invalid(
            _HTEX
            + """
            from parsl import python_app

            from .errors import Deadline, StageError


            def check(code):
                if code:
                    raise StageError("align", code)


            @python_app(executors=["htex"])
            def align(stage):
                check(stage)  # PSL305
                if stage > 10:
                    raise Deadline("too late", seconds=stage)  # PSL305
                return stage
            """,
            id="raised-directly-and-in-a-helper",
            files={"errors.py": _ERRORS},
            messages=(
                "app `align` may raise `StageError` (in `check`), which pickle cannot "
                "rebuild from its `args`: its `__init__` requires 2 positional arguments but "
                "it passes 1 to `BaseException.__init__`; on a HighThroughputExecutor "
                "unpickling it can kill the executor's result thread, and then this task and "
                "every later one hang; pass the arguments to `super().__init__` unchanged or "
                "define `__reduce__`",
                "app `align` may raise `Deadline`, which pickle cannot rebuild from its "
                "`args`: its `__init__` requires the keyword-only argument `seconds`, which "
                "`args` never holds; on a HighThroughputExecutor unpickling it can kill the "
                "executor's result thread, and then this task and every later one hang; pass "
                "the arguments to `super().__init__` unchanged or define `__reduce__`",
            ),
        ),
        Invalid(
            """
            import parsl
            from parsl import python_app


            class MainError(Exception):
                pass


            @python_app
            def align(stage):
                raise MainError(stage)  # PSL305


            if __name__ == "__main__":
                parsl.load()
                align(1).exception()
            """,
            id="defined-in-the-script",
            messages=(
                "app `align` raises `MainError`, which is defined in this script "
                "(`__main__`): a remote worker cannot import it, and the caller gets "
                "NameError instead; define the exception in an importable module",
            ),
        ),
    ]

    def check(self, ctx: RuleContext) -> None:
        model = ctx.model
        found: list[tuple[AppInfo, Raised, str]] = []
        script: bool | None = None
        for function, info in model.app_functions():
            if info.kind == "join":
                continue  # runs on a thread of the submitting process
            for raised in model.raised_exceptions(function):
                problem = model.exception_rebuild_problem(raised)
                if problem is not None:
                    found.append((info, raised, _hang(info, raised, problem)))
                elif raised.via is None and model.defined_here(raised):
                    if script is None:
                        script = model.is_script() and not model.imported_by_project()
                    if script:
                        found.append((info, raised, _main(info, raised)))
        # The costlier questions (executors configured here and in imported modules) last.
        if not found or model.only_thread_executors():
            return
        for info, raised, message in found:
            if not model.runs_on_threads(info):
                ctx.report(self, raised.node, message)


def _hang(info: AppInfo, raised: Raised, problem: str) -> str:
    where = f" (in `{raised.via}`)" if raised.via else ""
    return (
        f"app `{info.name}` may raise `{raised.class_name}`{where}, which pickle cannot "
        f"rebuild from its `args`: {problem}; on a HighThroughputExecutor unpickling it can "
        "kill the executor's result thread, and then this task and every later one hang; pass "
        "the arguments to `super().__init__` unchanged or define `__reduce__`"
    )


def _main(info: AppInfo, raised: Raised) -> str:
    return (
        f"app `{info.name}` raises `{raised.class_name}`, which is defined in this script "
        "(`__main__`): a remote worker cannot import it, and the caller gets NameError "
        "instead; define the exception in an importable module"
    )
