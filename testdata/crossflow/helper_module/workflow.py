import parsl
from parsl import python_app
from parsl.configs.local_threads import config

from util import first_done, gather, spread, wait_all


@python_app
def simulate(seed, steps=100):
    import random

    rng = random.Random(seed)
    return sum(rng.random() for _ in range(steps))


def main():
    parsl.load(config)
    try:
        energies = wait_all([simulate(i) for i in range(8)])
        named = gather({f"run{i}": simulate(i, steps=10) for i in range(3)})
        quick = first_done([simulate(99)])
        print(spread(energies), named, quick)
    finally:
        parsl.dfk().cleanup()


if __name__ == "__main__":
    main()
