import parsl
from parsl.configs.local_threads import config

from tracing.kernels import local_app, memo_app, now_app, square_app

parsl.load(config)
print(square_app(3).result())
print(now_app(2).result())
print(local_app(4).result())
print(memo_app(5).result())
