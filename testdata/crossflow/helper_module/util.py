"""Small helpers the workflow scripts share. Nothing here knows about Parsl."""

import statistics


def wait_all(futs):
    """Block until every future is done; their results, in order."""
    return [f.result() for f in futs]  # PSL101


def gather(named):
    """The results of a dict of futures, under the same keys."""
    return {k: v.result() for k, v in named.items()}  # PSL101


def first_done(futs, timeout=60):
    for fut in futs:
        if fut.done():
            return fut.result()  # PSL101
    return futs[0].result(timeout)  # PSL101


def spread(values):
    return statistics.pstdev(values)
