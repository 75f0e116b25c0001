import logging

from parsl import python_app

log = logging.getLogger(__name__)


@python_app
def train(x):
    return x * 2


from parsl.app.errors import BashExitFailure
import sys

for i in range(3):
    try:
        train(i).result()
    except (BashExitFailure, ValueError) as err:
        print("task", i, "failed:", str(err))
    except:
        logging.error("unexpected failure %s", repr(sys.exc_info()))
try:
    train(9).result()
except BaseException as exc:
    logging.error("failed: %s", exc)
