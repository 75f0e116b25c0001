from concurrent.futures import ThreadPoolExecutor

from parsl import python_app

from ledger import ledger, shared

pool = ThreadPoolExecutor(max_workers=2)


@python_app
def score(i):
    return i * i


def launch(n):
    ledger.last = pool.submit(pow, n, 2)
    ledger.pending.append(pool.submit(pow, n, 3))
    shared.last = score(n)


def hand_on(sink):
    sink(shared)
