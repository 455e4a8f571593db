"""Haikou runs per second in sweeps (`run -r`, `compare`, `sensitivity`), serial and on 2 processes.

Each measurement calls the Python API in this process (engine start-up included, imports not),
after one warm-up run, and prints runs, seconds and runs per second; the modes alternate so that
drift on a shared machine touches all alike. A Sobol analysis of 8 parameters at n = 1,024 is
18,432 runs with second-order indices (`--second-order`; 10,240 without): the last line says how
long the larger would take at the best rate measured. benchmarks/README.md records the whole
analysis run once, as a user runs it.

    python benchmarks/sweep_throughput.py
    python benchmarks/sweep_throughput.py --runs 400 --repetitions 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from canteensim import load_scenario, simulate
from canteensim.experiment import RunOptions, compare
from canteensim.experiment.replicate import replicate
from canteensim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SOBOL_RUNS = 1_024 * (2 * 8 + 2)  # Saltelli's sample with second-order indices: n × (2d + 2)
Sweep = Callable[[Scenario, int, RunOptions], int]
"""Runs about `runs` replications of the scenario on the engine; returns how many it ran."""


def run_replications(scenario: Scenario, runs: int, options: RunOptions) -> int:
    replicate(scenario, runs, options=options)
    return runs


def compare_quotas(scenario: Scenario, runs: int, options: RunOptions) -> int:
    settings = [0.0, 0.1, 0.2, 0.3]
    replications = max(runs // len(settings), 1)
    compare(scenario, {"quota.share": settings}, replications, options=options)
    return replications * len(settings)


def sensitivity_sobol(scenario: Scenario, runs: int, options: RunOptions) -> int:
    from canteensim.experiment.sensitivity import sensitivity  # issue 10: may not exist yet

    points_per_sample = len(scenario.uncertainty) + 2  # first-order and total indices
    n = 1 << max((runs // points_per_sample).bit_length() - 1, 0)  # a power of two, as Sobol's
    result = sensitivity(scenario, method="sobol", n=n, options=options)
    return len(result.samples)


SWEEPS: dict[str, Sweep] = {
    "run -r": run_replications,
    "compare": compare_quotas,
    "sensitivity": sensitivity_sobol,
}
ENGINES = {"serial": RunOptions(engine="serial"), "2 processes": RunOptions(workers=2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=ROOT / "scenarios" / "hainan_2020.toml")
    parser.add_argument("--runs", type=int, default=200, help="runs per measurement")
    parser.add_argument("-r", "--repetitions", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    simulate(scenario)  # warm-up: first-call costs
    rates: dict[tuple[str, str], list[float]] = {}
    for repetition in range(args.repetitions):
        for sweep_name, sweep in SWEEPS.items():
            for engine_name, options in ENGINES.items():
                try:
                    started = time.perf_counter()
                    runs = sweep(scenario, args.runs, options)
                    seconds = time.perf_counter() - started
                except ImportError as missing:
                    print(f"{sweep_name:<12} {engine_name:<12} skipped: {missing}")
                    continue
                rates.setdefault((sweep_name, engine_name), []).append(runs / seconds)
                print(
                    f"{repetition + 1}  {sweep_name:<12} {engine_name:<12} {runs:>6} runs "
                    f"{seconds:7.2f} s  {runs / seconds:6.1f} runs/s",
                    flush=True,
                )
    print("\nmedian runs per second")
    for (sweep_name, engine_name), measured in rates.items():
        print(f"  {sweep_name:<12} {engine_name:<12} {statistics.median(measured):6.1f}")
    best = max(statistics.median(measured) for measured in rates.values())
    print(
        f"\na Sobol analysis of 8 parameters, n = 1,024 ({SOBOL_RUNS:,} runs) at "
        f"{best:.1f} runs/s: {SOBOL_RUNS / best / 60:.1f} minutes"
    )


if __name__ == "__main__":
    main()
