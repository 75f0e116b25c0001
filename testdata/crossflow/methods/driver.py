import parsl
from parsl import python_app
from parsl.configs.local_threads import config

from campaign import Campaign, watch


@python_app
def energy(x):
    return (x - 3) ** 2


class Driver(Campaign):
    def step(self, xs):
        futs = [energy(x) for x in xs]
        watch(futs, "energy")
        return self.run(futs)

    def run(self, futs):
        return super().run(futs)


if __name__ == "__main__":
    parsl.load(config)
    driver = Driver()
    driver.step(range(5))
    driver.submit("origin", energy(0))
    print(driver.finish())
