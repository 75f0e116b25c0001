"""Containers of futures: lists filled in loops, dicts of lists, the iterators of the standard
library and of progress bars, and the functions handed each element."""

from __future__ import annotations

from harness import ModelOf

TRAIN = """
    from parsl import python_app


    @python_app
    def train(x):
        return x * 2
"""


def test_a_list_appended_to_in_a_loop_holds_futures(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        d = []
        for i in range(3):
            d.append(train(i))
        print([d[i].result() for i in range(3)])
        print(d)
        """,
    )
    assert facts.holds_futures("d")
    assert facts.is_future("d[i]", app="train")


def test_a_list_of_plain_values_holds_no_futures(model_of: ModelOf) -> None:
    facts = model_of(
        """
        d = []
        for i in range(3):
            d.append(str(i))
        print([d[i].upper() for i in range(3)])
        print(d)
        """
    )
    assert not facts.holds_futures("d")
    assert facts.is_not_future("d[i]")


def test_a_defaultdict_of_lists_filled_by_key(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        from collections import defaultdict

        by_size = defaultdict(list)
        for n in range(6):
            by_size[n % 2].append(train(n))
        for size, futs in by_size.items():
            print(size, [f.result() for f in futs])
        """,
    )
    assert facts.holds_futures("by_size")
    assert facts.is_future("f", app="train")


def test_as_completed_yields_the_futures(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        from concurrent.futures import as_completed

        pending = []
        for n in range(4):
            pending.append(train(n))
        for done in as_completed(pending):
            done.result()
        """,
    )
    assert facts.is_future("done", app="train")


def test_a_progress_bar_around_the_futures_yields_the_futures(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        from concurrent.futures import as_completed

        from tqdm import tqdm

        futs = [train(i) for i in range(3)]
        for fut in tqdm(as_completed(futs), total=len(futs)):
            fut.result()
        """,
    )
    assert facts.holds_futures("as_completed(futs)")
    assert facts.is_future("fut", app="train")


def test_map_filter_and_sorted_hand_each_future_to_the_function(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        futs = [train(i) for i in range(3)]
        values = list(map(lambda f: f.result(), futs))
        ready = list(filter(lambda f: f.done() and f.result(), futs))
        ranked = sorted(futs, key=lambda f: f.result())
        """,
    )
    assert len(facts.values("f")) == 4  # the receiver of each method call in the lambdas
    assert facts.is_future("f", app="train")


def test_a_concurrent_futures_pool_makes_no_parsl_future(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """
        import concurrent.futures as cf

        with cf.ThreadPoolExecutor() as pool:
            fut = pool.submit(print, 1)
            fut.result()
        """,
    )
    assert facts.is_not_future("fut")


def test_parsls_pool_executor_makes_parsl_futures(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from parsl.concurrent import ParslPoolExecutor

        with ParslPoolExecutor(config) as pool:
            fut = pool.submit(print, 1)
            fut.result()
        """
    )
    assert facts.is_future("fut")
