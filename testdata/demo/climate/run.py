"""Run the ensemble locally on threads: ``python -m climate.run``."""

from __future__ import annotations

import logging

import parsl
from parsl.config import Config
from parsl.executors import ThreadPoolExecutor

from climate import simulate
from climate.pipeline import Ensemble, anomalies, baseline_temperature


def make_config(run_dir: str = "runinfo") -> Config:
    return Config(executors=[ThreadPoolExecutor(label="threads", max_threads=4)], run_dir=run_dir)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    with parsl.load(make_config()):
        smoke = simulate(0, years=1).result()
        print("smoke test:", smoke)
        ensemble = Ensemble(members=8, years=20)
        runs = ensemble.run()
        for member, value in sorted(anomalies(runs, baseline_temperature()).items()):
            print(f"member {member}: {value:+.3f} K")


if __name__ == "__main__":
    main()
