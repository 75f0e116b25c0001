"""Fixtures shared by the runtime helper's tests."""

from __future__ import annotations

import logging
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
