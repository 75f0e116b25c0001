"""What a name holds at each point of the flow: rebinding, ``isinstance`` narrowing, values
that are a future on some paths only, and the special methods of the project's classes."""

from __future__ import annotations

import pytest
from harness import ModelOf

from parsl_lint.model.values import Future

TRAIN = """
    from parsl import python_app


    @python_app
    def train(x):
        return x * 2
"""


def test_a_rebound_name_no_longer_holds_the_future(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        fut = train(1)
        print(fut)
        fut = 3
        fut.result()
        """,
    )
    first, second = facts.values("fut")
    assert isinstance(first, Future) and not isinstance(second, Future)
    assert not facts.receiver_is_future("fut.result()")


def test_isinstance_of_a_builtin_container_narrows_the_future_away(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        fut = train(1)
        for g in fut:  # without the test: iterating a future gives futures (Parsl's lifting)
            g.result()
        if isinstance(fut, (list, set)):
            for f in fut:
                f.result()
        """,
    )
    assert facts.is_not_future("f")
    assert facts.is_future("g", app="train")


def test_isinstance_of_app_future_narrows_to_a_future(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl.dataflow.futures import AppFuture


        def show(x):
            if isinstance(x, AppFuture):
                x.result()
        """
    )
    assert facts.receiver_is_future("x.result()")


def test_a_future_on_one_path_and_a_value_without_result_on_the_others(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        TRAIN,
        """

        class Dataset:
            def __getitem__(self, index):
                if isinstance(index, slice):
                    return Dataset()
                return train(index)


        results = [0, 1]
        for i in range(3):
            results.append(train(i))
        for i in range(len(results)):
            if isinstance(results[i], int):
                print(results[i])
            else:
                print(results[i].result())
        Dataset()[0].result()
        """,
    )
    assert facts.maybe_future("Dataset()[0]")
    assert facts.is_future("Dataset()[0]", app="train")  # only the future has .result()
    assert facts.receiver_is_future("results[i].result()", app="train")


def test_a_future_on_one_path_and_an_object_with_its_own_result_on_the_other(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        TRAIN,
        """
        import concurrent.futures


        class Cached:
            def result(self):
                return 1


        class Pending(concurrent.futures.Future):
            pass


        def get(x, cached):
            return Cached() if cached else train(x)


        def pending(x, fresh):
            return Pending() if fresh else train(x)


        get(1, True).result()
        pending(1, True).result()
        """,
    )
    assert facts.maybe_future("get(1, True)")
    assert facts.is_not_future("get(1, True)")  # Cached has a .result() of its own
    assert facts.is_not_future("pending(1, True)")  # an outside base class may have one


SPECIAL_METHODS = (
    TRAIN,
    """
    from dataclasses import dataclass, field


    class Data:
        def __getitem__(self, i):
            return train(i)

        def __add__(self, other):
            return Data()

        def get(self, *names):
            futs = [train(n) for n in names]
            return futs[0] if len(names) == 1 else tuple(futs)


    @dataclass
    class Simulation:
        start: int
        state: object = field(init=False)

        def __post_init__(self):
            self.state = train(self.start)


    d = Data()
    d[0].result()
    (d + d)[1].result()
    d += d
    d[2].result()
    d.get("a").result()
    e, f = d.get("e", "f")
    e.result()
    Simulation(1).state.result()
    """,
)


@pytest.mark.parametrize(
    "expr",
    [
        pytest.param("d[0]", id="getitem"),
        pytest.param("(d + d)[1]", id="add-then-getitem"),
        pytest.param("d[2]", id="after-augmented-assignment"),
        pytest.param("d.get('a')", id="method-returning-one-future"),
        pytest.param("e", id="unpacked-tuple-of-futures"),
        pytest.param("Simulation(1).state", id="dataclass-field-set-after-init"),
    ],
)
def test_special_methods_and_attributes_of_project_classes(model_of: ModelOf, expr: str) -> None:
    assert model_of(*SPECIAL_METHODS).is_future(expr, app="train")


def test_a_grid_filled_by_index_holds_futures(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        grid = [[0 for _ in range(3)] for _ in range(3)]
        for q in range(3):
            for r in range(3):
                grid[q][r] = train(q + r)
        values = [[e.result() for e in row] for row in grid]
        """,
    )
    assert facts.is_future("e", app="train")


def test_the_harness_names_only_expressions_a_call_uses(model_of: ModelOf) -> None:
    facts = model_of(TRAIN, "fut = train(1)\n")
    with pytest.raises(AssertionError, match="no call uses `fut`"):
        facts.is_future("fut")
