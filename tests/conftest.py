"""Fixtures shared by the runtime helper's tests and the post-mortem's."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

LOGGER = "parsl_lint.runtime"


@pytest.fixture
def log_text(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Call it to get the messages the helper logged, one string per record."""
    caplog.set_level(logging.ERROR, logger=LOGGER)

    def messages() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == LOGGER]

    return messages


@pytest.fixture(scope="session")
def runs() -> Iterator[dict[str, Path]]:
    """Real Parsl runs to explain (see postmortem_runs), made once per session."""
    from postmortem_runs import make_runs

    # A directory of its own rather than pytest's basetemp: other pytest sessions of the same
    # user prune old basetemps, which must not happen under a run that is still going.
    with tempfile.TemporaryDirectory(prefix="parsl-lint-postmortem-") as base:
        yield make_runs(Path(base))
