from mpiapps.base import MPIApp, mpi_app


@mpi_app
def solve(n):
    return n * 2


@mpi_app(ranks=4)
def relax(grid, sweeps=10):
    return grid


def smooth(values):
    return values


smooth_app = MPIApp(smooth, ranks=2)
