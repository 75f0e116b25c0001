"""The same classes, run on a local pool: one stores its own kernel, one has its own base
class named ``AppBase``."""

from concurrent.futures import ThreadPoolExecutor

from parsl.app.app import AppBase
from parsl.app.python import PythonApp


class LocalKernel:
    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=2)

    def submit(self, func, app_args, **kwargs):
        return self.pool.submit(func, *app_args)


class TracedApp(AppBase):
    def __init__(self, func, executors="all"):
        super().__init__(func, executors=executors)
        self.data_flow_kernel = LocalKernel()

    def __call__(self, *args, **kwargs):
        return self.data_flow_kernel.submit(self.func, app_args=args)


class Eager(AppBase):
    """Runs the function at once: its ``__call__`` returns the value."""

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)


class Memo:
    """A mixin that answers repeated calls from its memo, without submitting."""

    def __call__(self, *args, **kwargs):
        return self.memo.get(args)


class MemoApp(Memo, PythonApp):
    memo = {}

    def __call__(self, *args, **kwargs):
        return super().__call__(*args, **kwargs)
