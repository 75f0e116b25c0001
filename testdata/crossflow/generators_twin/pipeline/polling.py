"""Iterate over futures as they finish: plain Python, no Parsl import."""

import time


def as_done(futs, interval=0.5):
    """Yield each future's result as soon as it is done (in completion order)."""
    pending = list(futs)
    while pending:
        done = [f for f in pending if f.done()]
        for fut in done:
            pending.remove(fut)
            yield fut.result()
        if not done:
            time.sleep(interval)


def in_order(futs):
    for fut in futs:
        yield fut.result()


class Poller:
    """Keeps polling a list of futures; iterate it for their results."""

    def __init__(self, futs):
        self.futs = list(futs)

    def __iter__(self):
        while self.futs:
            fut = self.futs.pop(0)
            yield fut.result()
