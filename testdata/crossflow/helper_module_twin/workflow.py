import parsl
from parsl import python_app
from parsl.configs.local_threads import config

from util import first_done, wait_all


@python_app
def simulate(seed):
    return seed * 2


def main():
    parsl.load(config)
    try:
        print(wait_all([simulate(i) for i in range(8)]))
        print(first_done([simulate(1)]))
    finally:
        parsl.dfk().cleanup()


if __name__ == "__main__":
    main()
