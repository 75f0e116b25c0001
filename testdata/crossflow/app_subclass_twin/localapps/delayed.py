"""Apps as dask delayed functions: ``compute()`` them, or ``.result()`` a persisted one."""

import dask


class DelayedApp:
    def __init__(self, func):
        self.func = dask.delayed(func)

    def __call__(self, *args):
        return dask.persist(self.func(*args))[0]


def delayed_app(func):
    return DelayedApp(func)
