"""Evaluate batches of candidates; the futures come from whoever drives the campaign."""

import functools
import logging

log = logging.getLogger(__name__)


class Campaign:
    def __init__(self):
        self.pending = {}

    def submit(self, name, fut):
        self.pending[name] = fut

    def evaluate(self, futs):
        return sum(f.result() for f in futs)

    def run(self, futs):
        best = self.evaluate(futs)
        log.info("best %s", best)
        return best

    def finish(self):
        return {name: fut.result() for name, fut in self.pending.items()}


def log_result(label, fut):
    log.info("%s: %s", label, fut.result())


def watch(futs, label):
    for fut in futs:
        fut.add_done_callback(functools.partial(log_result, label))
