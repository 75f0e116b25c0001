"""Parsl apps for the tests of PSL104, PSL206, PSL305 and PSL402 against real Parsl.

They live in an importable module so that an HTEX worker loads them by reference; each
imports what it needs inside its body. The same source is linted by the tests, so the rules
are checked on exactly the code whose behaviour is observed.
"""

from __future__ import annotations

from parsl import python_app


@python_app
def one(x):
    return x


@python_app
def kinds(xs):
    return [type(x).__name__ for x in xs]


@python_app
def kinds_of_values(d):
    return {k: type(v).__name__ for k, v in d.items()}


@python_app
def total(inputs=()):
    return sum(inputs)


@python_app
def nap(x):
    import time

    time.sleep(0.3)
    return x


@python_app
def raise_stage():
    from new_rule_errors import StageError

    raise StageError("align", 3)


@python_app
def raise_plain():
    from new_rule_errors import PlainError

    raise PlainError("align", 3)


@python_app
def raise_reduced():
    from new_rule_errors import ReducedError

    raise ReducedError("align", 3)
