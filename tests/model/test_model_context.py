"""Values that come from outside the code that uses them: pytest fixtures, callbacks, annotated
fields; and what an object tied to the process is."""

from __future__ import annotations

from harness import ModelOf

TRAIN = """
    from parsl import python_app


    @python_app
    def train(x):
        return x * 2
"""

FIXTURE = """
    import pytest


    @pytest.fixture
    def trained():
        return train(3)
"""


def test_a_fixture_from_conftest_is_what_the_fixture_returns(model_of: ModelOf) -> None:
    facts = model_of(
        """
        import parsl


        def test_training(trained):
            assert trained.result() > 0
        """,
        files={"conftest.py": TRAIN + FIXTURE},
    )
    assert facts.is_future("trained", app="train")


def test_a_parametrized_argument_is_not_the_fixture_of_that_name(model_of: ModelOf) -> None:
    facts = model_of(
        """
        import parsl
        import pytest


        @pytest.mark.parametrize('trained', [1, 2])
        def test_training(trained):
            assert trained.result() > 0
        """,
        files={"conftest.py": TRAIN + FIXTURE},
    )
    assert facts.is_not_future("trained")


def test_a_done_callback_receives_the_future(model_of: ModelOf) -> None:
    facts = model_of(
        TRAIN,
        """

        class Trainer:
            def start(self, x):
                train(x).add_done_callback(lambda fut: self.on_done(fut, x))

            def on_done(self, future, x):
                if future.done():
                    print(x, future.result())
        """,
    )
    assert facts.is_future("fut", app="train")
    # A named method is a helper: its futures are named after it and the parameter.
    assert facts.is_future("future", app="Trainer.on_done: future")


def test_a_callback_on_a_concurrent_futures_future_gets_no_parsl_future(
    model_of: ModelOf,
) -> None:
    facts = model_of(
        """
        import concurrent.futures as cf


        def report(fut):
            print(fut.result())


        with cf.ThreadPoolExecutor() as pool:
            pool.submit(print, 1).add_done_callback(report)
        """
    )
    assert facts.is_not_future("fut")


def test_a_dataclass_field_annotated_app_future(model_of: ModelOf) -> None:
    facts = model_of(
        """
        from dataclasses import dataclass

        from parsl.dataflow.futures import AppFuture


        @dataclass
        class Job:
            name: str
            future: AppFuture


        def collect(jobs: list[Job]) -> list:
            return [job.future.result() for job in jobs]
        """
    )
    assert facts.is_future("job.future")


def test_a_socket_is_a_resource_of_this_process(model_of: ModelOf) -> None:
    facts = model_of(
        """
        import socket

        sock = socket.socket()
        print(sock)
        """
    )
    assert facts.resource("sock") == "socket"
    assert facts.is_not_future("sock")
