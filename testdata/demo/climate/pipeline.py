"""Submitting the ensemble and collecting its results."""

from __future__ import annotations

import concurrent.futures
import csv
import logging
from concurrent.futures import ThreadPoolExecutor

from parsl.data_provider.files import File

import climate.apps as A
from climate.apps import regrid, simulate

from .apps import anomaly, render_plot, warming_trend

log = logging.getLogger(__name__)


class Ensemble:
    """An ensemble of members sharing one simulation length."""

    def __init__(self, members: int, years: int = 10) -> None:
        self.members = members
        self.years = years

    def submit(self, member: int):
        return simulate(member, years=self.years, seed=42)

    def coarsen(self, run_future):
        return regrid(run_future, factor=5)

    def run(self) -> list[dict]:
        coarse = [self.coarsen(self.submit(m)) for m in range(self.members)]
        return [c.result() for c in coarse]

    def first_member(self) -> dict:
        return self.submit(0).result()


def baseline_temperature(years: int = 30) -> float:
    fut = simulate(0, years=years)
    run = fut.result()
    return sum(run["temps"]) / len(run["temps"])


def drain(members: int) -> list[dict]:
    futs = [simulate(m) for m in range(members)]
    runs = []
    for i, f in enumerate(futs):
        log.info("waiting for member %d of %d", i + 1, members)
        runs.append(f.result())
    return runs


def anomalies(runs: list[dict], baseline: float) -> dict[int, float]:
    pending = {run["member"]: anomaly(run, baseline) for run in runs}
    out = {}
    for member, fut in pending.items():
        out[member] = fut.result(timeout=600)
    return out


def trends(runs: list[dict]) -> dict[int, float]:
    """Each member's warming trend on the GPU executor; a failed member is logged and skipped."""
    futures = {run["member"]: warming_trend(run, executor="gpu") for run in runs}
    slopes = {}
    for member, fut in futures.items():
        try:
            slopes[member] = float(fut.result())
        except Exception as e:
            log.error("trend of member %d failed: %s", member, str(e))
    return slopes


def fastest_first(members: int) -> list[dict]:
    futs = [A.simulate(m, years=5) for m in range(members)]
    done = []
    for fut in concurrent.futures.as_completed(futs):
        done.append(fut.result())
    return done


def plot(csv_paths: list[str]) -> list[str]:
    pngs = []
    for path in csv_paths:
        png = path.replace(".csv", ".png")
        job = render_plot(path, outputs=[File(png)], stdout=png + ".out", stderr=png + ".err")
        pngs.append(job.outputs[0].result().filepath)
    return pngs


def checked_baseline(years: int = 30) -> float:
    from parsl_lint.runtime import unwrap_parsl_future

    run = unwrap_parsl_future(simulate(0, years=years), "baseline simulation")
    return sum(run["temps"]) / len(run["temps"])


def tolerant(members: int) -> list[dict]:
    good = []
    for fut in [simulate(m) for m in range(members)]:
        try:
            good.append(fut.result())
        except Exception:
            log.exception("an ensemble member failed; continuing without it")
    return good


def _read_station(path: str) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def read_stations(paths: list[str]) -> list[list[list[str]]]:
    """Plain local threads, not Parsl: these futures hide nothing."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(_read_station, paths[0]).result()
        rest = [pool.submit(_read_station, p) for p in paths[1:]]
        return [first] + [f.result() for f in rest]
