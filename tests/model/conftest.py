"""The model's own tests (see ``harness.py``): the ``model_of`` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Facts, ModelOf, build


@pytest.fixture
def model_of(tmp_path: Path) -> ModelOf:
    """``model_of(*parts, files={name: code})``: the :class:`Facts` of the example."""

    def model(*parts: str, files: dict[str, str] | None = None) -> Facts:
        return build(tmp_path, *parts, files=files)

    return model
