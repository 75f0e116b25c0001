"""Apps that log each submission: subclasses of Parsl's ``AppBase`` that submit themselves."""

import logging

from parsl.app.app import AppBase
from parsl.app.python import PythonApp
from parsl.dataflow.dflow import DataFlowKernelLoader

log = logging.getLogger(__name__)


class TracedApp(AppBase):
    def __init__(self, func, data_flow_kernel=None, executors="all"):
        super().__init__(func, data_flow_kernel=data_flow_kernel, executors=executors)

    def __call__(self, *args, **kwargs):
        log.info("submitting %s", self.func.__name__)
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


class CountedApp(AppBase):
    """Counts its calls and hands them to a plain PythonApp."""

    def __init__(self, func):
        super().__init__(func)
        self.calls = 0
        self.inner = PythonApp(func)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.inner(*args, **kwargs)


def traced_app(func):
    return TracedApp(func)


class LoggedApp(PythonApp):
    """A PythonApp that logs each call, then submits as Parsl's own does."""

    def __call__(self, *args, **kwargs):
        log.info("calling %s", self.func.__name__)
        return super().__call__(*args, **kwargs)


def logged_app(func):
    return LoggedApp(func)
