"""Apps that run under MPI: a PythonApp that records how many ranks it needs."""

from parsl.app.python import PythonApp


class MPIApp(PythonApp):
    def __init__(self, func, ranks=1, data_flow_kernel=None, executors="all"):
        super().__init__(func, data_flow_kernel=data_flow_kernel, executors=executors)
        self.ranks = ranks


def mpi_app(function=None, ranks=1, data_flow_kernel=None, executors="all"):
    """Like ``python_app``, with ``ranks=``: ``@mpi_app`` or ``@mpi_app(ranks=4)``."""

    def decorator(func):
        return MPIApp(func, ranks=ranks, data_flow_kernel=data_flow_kernel, executors=executors)

    if function is not None:
        return decorator(function)
    return decorator
