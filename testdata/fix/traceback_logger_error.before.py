import logging

from parsl import python_app

log = logging.getLogger(__name__)


@python_app
def train(x):
    return x * 2


fut = train(1)
try:
    print(fut.result())
except Exception as e:
    log.error(f"train failed: {e}")
