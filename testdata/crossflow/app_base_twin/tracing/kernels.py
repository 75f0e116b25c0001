from concurrent.futures import ThreadPoolExecutor

from tracing.apps import Eager, MemoApp, TracedApp
from tracing.local import AppBase


class Pool:
    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=2)

    def submit(self, func, app_args):
        return self.pool.submit(func, *app_args)


def square(x):
    return x * x


square_app = TracedApp(square)
now_app = Eager(square)
local_app = AppBase(square, data_flow_kernel=Pool())
memo_app = MemoApp(square)
