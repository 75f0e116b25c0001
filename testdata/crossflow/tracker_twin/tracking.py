"""Book-keeping for submitted work: which futures are out, and their results."""


class Tracker:
    def __init__(self):
        self.tasks = []
        self.by_name = {}

    def add(self, name, fut):
        self.tasks.append(fut)
        self.by_name[name] = fut

    def wait(self):
        return [t.result() for t in self.tasks]

    def result_of(self, name):
        return self.by_name[name].result()


class Runner:
    """Collects the futures it is given at construction."""

    def __init__(self, futs, label="run"):
        self.futs = list(futs)
        self.label = label

    def collect(self):
        return [f.result() for f in self.futs]


def make_tracker():
    return Tracker()
