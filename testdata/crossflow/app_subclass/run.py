import parsl
from parsl.configs.local_threads import config

from mpiapps.kernels import relax, smooth_app, solve

parsl.load(config)
print(solve(3).result())  # PSL101
print(relax([0.0] * 8).result())  # PSL101
print(smooth_app([1, 2]).result())  # PSL101
