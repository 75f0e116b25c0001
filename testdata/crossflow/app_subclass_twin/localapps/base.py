"""A look-alike of Parsl's decorators for running on a laptop: its own ``AppFuture`` and
``python_app``, no Parsl underneath."""


class AppFuture:
    def __init__(self, value):
        self.value = value

    def result(self, timeout=None):
        return self.value


class LocalApp:
    def __init__(self, func, executors="all"):
        self.func = func

    def __call__(self, *args, **kwargs):
        return AppFuture(self.func(*args, **kwargs))


def python_app(function=None, executors="all"):
    def decorator(func):
        return LocalApp(func, executors=executors)

    if function is not None:
        return decorator(function)
    return decorator
