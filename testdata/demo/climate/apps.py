"""The Parsl apps of the workflow. Nothing here runs until a Parsl config is loaded."""

from __future__ import annotations

from parsl import bash_app, python_app


@python_app
def simulate(member: int, years: int = 10, seed: int = 0) -> dict:
    """One ensemble member: a yearly mean temperature series with a warming trend."""
    import random

    rng = random.Random(seed * 1000 + member)
    temps = [14.0 + 0.02 * year + rng.gauss(0.0, 0.3) for year in range(years)]
    return {"member": member, "temps": temps}


@python_app(executors=["threads"])
def regrid(run: dict, factor: int = 2) -> dict:
    """Average consecutive years: a stand-in for coarsening the model grid."""
    temps = run["temps"]
    chunks = [temps[i : i + factor] for i in range(0, len(temps), factor)]
    return {"member": run["member"], "temps": [sum(c) / len(c) for c in chunks]}


@python_app(executors=["threads"])
def warming_trend(run: dict):
    """The member's warming trend in K per year: a least-squares fit, done with JAX."""
    import jax.numpy as jnp

    temps = jnp.asarray(run["temps"])
    years = jnp.arange(temps.shape[0]) - (temps.shape[0] - 1) / 2  # centred on zero
    return jnp.sum(years * temps) / jnp.sum(years * years)


@bash_app
def render_plot(csv_path: str, outputs=(), stdout=None, stderr=None) -> str:
    """Plot one member's series with gnuplot; the PNG is the app's output file."""
    return f"gnuplot -e \"infile='{csv_path}'; outfile='{outputs[0]}'\" plot.gp"


def _anomaly(run: dict, baseline: float) -> float:
    temps = run["temps"]
    return sum(temps) / len(temps) - baseline


anomaly = python_app(_anomaly, executors=["threads"])
