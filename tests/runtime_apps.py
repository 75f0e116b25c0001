"""Parsl apps shared by the runtime helper's tests (threads and HTEX).

They live in an importable module so that an HTEX worker can load them by reference; each
imports what it needs inside its body, as an app on a remote worker must.
"""

from __future__ import annotations

from parsl import bash_app, python_app


@python_app
def double(x):
    return 2 * x


@python_app
def concat_str_int():
    return "hello" + 123


@python_app
def import_missing():
    import nonexistent_module_for_parsl_lint  # noqa: F401

    return "never"


@python_app
def raise_from():
    try:
        raise ValueError("Inner error")
    except ValueError as e:
        raise RuntimeError("Outer error") from e


@python_app
def combine(a, b):
    return (a, b)


@bash_app
def noisy_exit(code, stdout=None, stderr=None):
    return (
        "for i in $(seq 1 25); do echo out line $i; done; "
        f"echo 'err: something broke' >&2; exit {code}"
    )
