import parsl
from parsl.configs.local_threads import config

from localapps.base import python_app
from localapps.delayed import delayed_app

parsl.load(config)


@python_app
def solve(n):
    return n * 2


@python_app(executors=["laptop"])
def relax(grid):
    return grid


@delayed_app
def smooth(values):
    return values


print(solve(3).result())
print(relax([0.0]).result())
print(smooth([1]).result())
