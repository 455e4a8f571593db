"""Wall time of one comparison on each engine: serially, in local processes, on Dask.

The comparison is the one docs/scaling.md shows: five quota settings (0, 0.1, 0.2, 0.3, 0.4) ×
30 replications of the Haikou 2020 scenario, 150 runs of about 20 ms, through the library's
``compare()`` exactly as ``canteensim compare`` calls it (no results folder). Four engines:

- **serial**: ``engine="serial"``, everything in this process;
- **processes**: ``engine="processes", workers=2``, a fresh ``ProcessPoolExecutor`` per
  comparison, as ``--workers 2`` does;
- **dask, cluster started per comparison**: ``engine="dask", address="local", workers=2``, as
  ``--dask local`` does: a two-worker ``LocalCluster`` is started and closed inside the timed call;
- **dask, cluster already running**: ``engine="dask", address=<scheduler of a LocalCluster
  started once by this script>``, as ``--dask tcp://HOST:8786`` does against a cluster that is
  up: only connecting a client is inside the timed call.

Repetitions are interleaved (serial, processes, dask-local, dask-running, then again), so that
drift on a shared machine touches every engine alike, after one untimed warm-up round (the
running cluster's workers import canteensim on their first task). The report gives each
repetition, the median of each engine and the ratios of medians: serial / processes (the target
is ≥ 1.8 on two cores) and dask / processes (the target is ≤ 1.15), for both Dask variants. Every
comparison's runs table is checked against the serial one, bit for bit.

Usage::

    python benchmarks/compare_engines.py                 # 5 repetitions, ~80 s on two cores
    python benchmarks/compare_engines.py --quick         # 2 repetitions × 10 replications
    python benchmarks/compare_engines.py -r 9 --workers 4 --replications 50

No timing is asserted: this script reports, it does not judge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "hainan_2020.toml"
SHARES = (0, 0.1, 0.2, 0.3, 0.4)
SERIAL_TARGET = 1.8
DASK_TARGET = 1.15

ENGINES = (
    ("serial", "serial"),
    ("processes", "processes (2 local processes)"),
    ("dask-local", "dask, cluster started per comparison (--dask local)"),
    ("dask-running", "dask, cluster already running (--dask ADDRESS)"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--repetitions", type=int, default=5, help="timed rounds (5)")
    parser.add_argument("--replications", type=int, default=30, help="per setting (30)")
    parser.add_argument("--workers", type=int, default=2, help="processes / Dask workers (2)")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 10 replications")
    args = parser.parse_args(argv)
    if args.quick:
        args.repetitions, args.replications = 2, 10

    import pandas as pd
    from distributed import LocalCluster

    import canteensim
    from canteensim import load_scenario
    from canteensim.experiment import compare
    from canteensim.experiment.engines import chunk_size

    scenario = load_scenario(SCENARIO)
    vary = {"quota.share": list(SHARES)}
    runs = len(SHARES) * args.replications
    print(
        f"canteensim {canteensim.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {_load()} at start",
        file=sys.stderr,
    )

    # the same cluster as --dask local starts, but its HTTP server on a free port, so that the
    # clusters started per comparison find port 8787 free as they would on a quiet machine
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        options: dict[str, dict[str, Any]] = {
            "serial": {"engine": "serial"},
            "processes": {"engine": "processes", "workers": args.workers},
            "dask-local": {"engine": "dask", "address": "local", "workers": args.workers},
            "dask-running": {"engine": "dask", "address": cluster.scheduler_address},
        }

        def timed(name: str) -> tuple[float, pd.DataFrame]:
            clock = time.perf_counter()
            comparison = compare(scenario, vary, args.replications, **options[name])
            return time.perf_counter() - clock, comparison.runs

        reference: pd.DataFrame | None = None
        seconds: dict[str, list[float]] = {name: [] for name, _ in ENGINES}

        def check(name: str, frame: pd.DataFrame) -> None:
            nonlocal reference
            if reference is None:
                reference = frame
            pd.testing.assert_frame_equal(frame, reference, check_exact=True, obj=name)

        for name, _ in ENGINES:  # warm-up round, untimed
            _progress(f"warm-up {name}")
            check(name, timed(name)[1])
        for repetition in range(1, args.repetitions + 1):
            for name, _ in ENGINES:
                _progress(f"repetition {repetition}/{args.repetitions}: {name}")
                wall, frame = timed(name)
                check(name, frame)
                seconds[name].append(wall)
        per_run = _per_run(scenario)
    finally:
        cluster.close()

    _report(seconds, args, runs, per_run, chunk_size(per_run))
    return 0


def _per_run(scenario: Any) -> float:
    """Median seconds of one replication here, the figure compare() sizes its chunks from."""
    from canteensim import simulate

    times = []
    for replication in range(5):
        clock = time.perf_counter()
        simulate(scenario, replication=replication)
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def _report(
    seconds: dict[str, list[float]],
    args: argparse.Namespace,
    runs: int,
    per_run: float,
    chunk: int,
) -> None:
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    base = medians["processes"]
    print(
        f"Scenario `{SCENARIO.name}`, --vary quota.share={','.join(map(str, SHARES))}, "
        f"-r {args.replications}: {runs} runs per comparison; one run ≈ {per_run * 1000:.0f} ms "
        f"here, so chunks of {chunk} replications. {args.workers} workers for the parallel "
        f"engines; {args.repetitions} interleaved repetitions after an untimed warm-up round; "
        f"load average {_load()} at the end."
    )
    print()
    print("| engine | wall (s), median | min | max | runs/s | ÷ processes |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in ENGINES:
        values = seconds[name]
        print(
            f"| {label} | {medians[name]:.2f} | {min(values):.2f} | {max(values):.2f} "
            f"| {runs / medians[name]:.0f} | {medians[name] / base:.2f} |"
        )
    print()
    print("Per repetition (s):")
    print()
    for name, label in ENGINES:
        print(f"- {label}: {', '.join(f'{v:.2f}' for v in seconds[name])}")
    print()
    serial = medians["serial"] / base
    local = medians["dask-local"] / base
    running = medians["dask-running"] / base
    print(
        f"- serial / processes = **{serial:.2f}** "
        f"(target ≥ {SERIAL_TARGET}: {_met(serial >= SERIAL_TARGET)})"
    )
    print(
        f"- dask / processes, cluster started per comparison = **{local:.2f}** "
        f"(target ≤ {DASK_TARGET}: {_met(local <= DASK_TARGET)})"
    )
    print(
        f"- dask / processes, cluster already running = **{running:.2f}** "
        f"(target ≤ {DASK_TARGET}: {_met(running <= DASK_TARGET)})"
    )
    total = len(ENGINES) * (args.repetitions + 1)
    print(f"\nAll {total} comparisons gave the serial runs table bit for bit.")
    print(f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.")


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _progress(text: str, write: Callable[[str], Any] = sys.stderr.write) -> None:
    write(f"{text}\n")
    sys.stderr.flush()


if __name__ == "__main__":  # Dask starts its workers by spawning: keep the guard
    raise SystemExit(main())
