from tracing.apps import CountedApp, TracedApp


def square(x):
    return x * x


def cube(x):
    return x**3


square_app = TracedApp(square)
cube_app = CountedApp(cube)
