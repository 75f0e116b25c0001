import parsl
from parsl.configs.local_threads import config

from tracing.kernels import cube_app, cube_logged, halve, square_app

parsl.load(config)
print(square_app(3).result())  # PSL101
print(cube_app(2).result())  # PSL101
print(cube_logged(3).result())  # PSL101
print(halve(8).result())  # PSL101
