"""Post-process one simulation run.

Run with a Parsl config already loaded.
"""

from __future__ import annotations

from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def regrid(values: list[float], factor: int = 2) -> list[float]:
    return [sum(values[i : i + factor]) / factor for i in range(0, len(values), factor)]


coarse = unwrap_parsl_future(regrid([1.0, 2.0, 3.0, 4.0]), "regrid")
