from tracing.apps import CountedApp, LoggedApp, TracedApp, logged_app


def square(x):
    return x * x


def cube(x):
    return x**3


square_app = TracedApp(square)
cube_app = CountedApp(cube)


@logged_app
def halve(x):
    return x / 2


cube_logged = LoggedApp(cube)
