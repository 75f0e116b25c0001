"""Whether to colour the output: a terminal, ``NO_COLOR`` and ``FORCE_COLOR``, as ruff reads
them. Imports only ``os``: the start-up fast path (:mod:`parsl_lint.entry`) asks it too."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def use_color(stream: TextIO) -> bool:
    """Colour when ``stream`` is a terminal; ``NO_COLOR`` (non-empty) turns it off and
    ``FORCE_COLOR`` (non-empty) on, even when piped; FORCE_COLOR wins, as in ruff. A ``dumb``
    terminal gets none."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
