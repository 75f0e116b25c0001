"""The same helpers, called with Parsl futures by one script and with futures of a local
thread pool by another: the helpers' futures are not always Parsl's."""


def wait_all(futs):
    return [f.result() for f in futs]


def gather(named):
    return {k: v.result() for k, v in named.items()}


def first_done(futs, timeout=60):
    for fut in futs:
        if fut.done():
            return fut.result()
    return futs[0].result(timeout)
