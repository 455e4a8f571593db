"""The whole `canteensim run` as a user waits for it, phase by phase, beside two floors.

Each repetition runs, in fresh processes pinned to one core and in turn (so that drift on a shared
machine touches all alike), each canteensim run writing a new results folder as a user's run does
(the previous one is removed before the clock starts):

- **canteensim**: ``canteensim run SCENARIO --no-report -q`` through `canteensim.cli.console`
  (what the installed program runs), in a child that times its phases by wrapping the functions
  the command calls: *import* (the modules a run needs), *load* (`load_scenario`),
  *population* (`build_population`), *engine* (the scheme and its SimPy run), *tables*
  (building the tables and KPIs), *summary*, *write* (`write_results`); the parent times the
  *whole* process, interpreter start and exit included;
- **fcfs kernel**: ``../shared/bench/fcfs_kernel.py N``, a year of first-come-first-served
  allocation in bare numpy at the same canteen count: the floor for the engine per order line;
- **plain SimPy**: ``../shared/bench/plain_simpy.py N``, the scheme written directly in SimPy as
  a typical user writes it, whole process (about 30 s at 3,000 canteens, so fewer repetitions);
- with ``--against REV``, also the whole ``python -m canteensim.cli run``, uninstrumented, of this
  tree and of a git worktree of REV, alternating (each goes first in every other repetition),
  with the wall and the CPU seconds of each;
- with ``--all-cores``, also the whole ``python -m canteensim.cli run`` of this tree as a user runs
  it: not pinned, on every core the benchmark may use, each library's threads as it sets them
  (the floors stay pinned: both are single-threaded programs).

Before the repetitions, each tree runs once uncounted, so that Python has cached its compiled
modules, as it does on a user's machine (``--no-bytecode-cache`` keeps this machine's
PYTHONDONTWRITEBYTECODE=1, under which every process compiles canteensim again).

Prints every time, the medians and the ratios: the whole canteensim process against plain SimPy,
the engine's seconds per order line against the kernel's, and whole-run order lines per second.

    python benchmarks/whole_run.py                                  # Anhui at 3,000 canteens
    python benchmarks/whole_run.py -r 5 --simpy-repetitions 3 --canteens 3000
    python benchmarks/whole_run.py scenarios/hainan_2020.toml --canteens 0 --no-simpy
    python benchmarks/whole_run.py --against HEAD~3 --no-simpy
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
ONE_THREAD = {
    name: "1"
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "ARROW_NUM_THREADS")
}
PHASES = ("import", "load", "population", "engine", "tables", "summary", "write")

CHILD = r"""
import json, sys, time

started = time.perf_counter()
import canteensim.cli as cli
import canteensim.experiment.replicate
import canteensim.model.simulate as simulate
import canteensim.model.tables as tables
import canteensim.output as output
import canteensim.report.causes
import canteensim.scenario as scenario

spent = {"import": time.perf_counter() - started}
seen = {}


def timed(owner, name, phase):
    inner = getattr(owner, name, None)
    if inner is None:  # another version of the package: that phase is not told apart
        return

    def wrapper(*args, **kwargs):
        clock = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - clock

    setattr(owner, name, wrapper)


timed(scenario, "load_scenario", "load")
timed(simulate, "build_population", "population")
for name in ("Scheme", "run"):
    timed(simulate, name, "engine")
for name in ("monthly_sales", "canteen_months", "weekly_products", "deliveries"):
    timed(tables, name, "tables")
for name in ("audit_failures", "run_kpis"):
    timed(simulate, name, "tables")
timed(output, "summary", "summary")
timed(output, "write_results", "write")
replicate = cli.replicate


def counted(*args, **kwargs):
    results = replicate(*args, **kwargs)
    if hasattr(results, "kpi_rows"):  # counted without making a frame: a run imports no pandas
        seen["order_lines"] = sum(int(row["order_lines"]) for row in results.kpi_rows)
        import numpy as np  # loaded by the run already

        canteens = results.tables.table("canteen_months").columns["canteen_id"].codes
        seen["canteens"] = int((np.bincount(canteens) > 0).sum())
    else:  # versions whose Results held DataFrames
        seen["order_lines"] = int(results.kpis["order_lines"].sum())
        seen["canteens"] = int(results.canteen_months["canteen_id"].nunique())
    return results


cli.replicate = counted
sys.argv = ["canteensim", *sys.argv[1:]]
code = cli.console()  # as the installed `canteensim` program runs
spent["main"] = time.perf_counter() - started
print(json.dumps({"code": code, "seconds": spent, **seen}))
"""


def pinned(cpu: int | None) -> Callable[[], None] | None:
    """Pins a child to core `cpu`; ``None`` leaves it on every core it may use."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def child_environment(
    source: Path, *, bytecode_cache: bool, one_thread: bool = True
) -> dict[str, str]:
    """The environment of a canteensim child: one thread per library (unless not `one_thread`:
    then as each library sets it), the package in `source`,
    and Python's compiled-module cache as Python keeps it by default (this machine's
    environment sets PYTHONDONTWRITEBYTECODE=1, under which every process compiles
    canteensim's modules again; ``--no-bytecode-cache`` measures that)."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    if one_thread:
        env.update(ONE_THREAD)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def clear(out: Path) -> None:
    """Remove the previous run's folder before the next is timed: a user's run writes a new
    folder (``results/NAME``, else ``NAME-2``…), and deleting 60–100 MB of the last one's files
    (0.05–0.08 s) is no part of it. ``--force`` stays, for a folder that could not be removed."""
    shutil.rmtree(out, ignore_errors=True)


def run_canteensim(
    source: Path, scenario: Path, overrides: list[str], out: Path, cpu: int, env: dict[str, str]
) -> dict[str, float]:
    """Phase seconds, whole-process seconds and order lines of one instrumented run."""
    argv = ["run", str(scenario), "-o", str(out), "--no-report", "-q", "--force"]
    for override in overrides:
        argv += ["--set", override]
    clear(out)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        preexec_fn=pinned(cpu),
    )
    whole = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["code"] != 0:
        raise SystemExit(f"canteensim run failed ({report['code']}): {done.stderr}")
    seconds = report["seconds"]
    return {
        **{phase: seconds.get(phase, float("nan")) for phase in (*PHASES, "main")},
        "whole": whole,
        "order_lines": report["order_lines"],
        "canteens": report["canteens"],
    }


def run_whole(
    scenario: Path, overrides: list[str], out: Path, cpu: int | None, env: dict[str, str]
) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, the child's own) of one plain
    ``python -m canteensim.cli run`` in the environment `env`. CPU time is the steadier of the
    two on a shared machine: another job's load stretches the wall time, not the CPU time."""
    command = [sys.executable, "-m", "canteensim.cli", "run", str(scenario), "-o", str(out)]
    command += ["--no-report", "-q", "--force"]
    for override in overrides:
        command += ["--set", override]
    clear(out)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, preexec_fn=pinned(cpu))
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed ({os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_utime + usage.ru_stime


def run_script(script: Path, args: list[str], cpu: int) -> tuple[float, str]:
    """Whole-process wall seconds of one of the shared benchmark scripts, and its output."""
    env = {**os.environ, **ONE_THREAD}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        preexec_fn=pinned(cpu),
    )
    return time.perf_counter() - started, done.stdout


def kernel_figures(output: str) -> tuple[int, float]:
    """Order lines and wall seconds the kernel prints: ``M=3000 lines=3,744,000 wall=0.9s``."""
    found = re.search(r"lines=([\d,]+) wall=([\d.]+)s", output)
    if found is None:
        raise SystemExit(f"fcfs_kernel.py printed no lines and wall time: {output!r}")
    return int(found[1].replace(",", "")), float(found[2])


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=ROOT / "scenarios" / "anhui_2020.toml")
    parser.add_argument(
        "--canteens",
        type=int,
        default=3000,
        help="canteens.generate.count for canteensim, and N of the kernel and plain SimPy "
        "(default 3000; 0 keeps the scenario's count and runs neither floor)",
    )
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V")
    parser.add_argument("-r", "--repetitions", type=int, default=5)
    parser.add_argument("--simpy-repetitions", type=int, default=3)
    parser.add_argument("--no-simpy", action="store_true", help="skip plain SimPy (~30 s a run)")
    parser.add_argument("--against", help="also time the whole run of this git revision")
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    parser.add_argument(
        "--all-cores",
        action="store_true",
        help="also time the whole run as a user runs it: unpinned, every core, library threads",
    )
    parser.add_argument(
        "--no-bytecode-cache",
        dest="bytecode_cache",
        action="store_false",
        help="keep PYTHONDONTWRITEBYTECODE as the environment sets it",
    )
    args = parser.parse_args()
    overrides = list(args.overrides)
    floors = args.canteens > 0
    if floors:
        overrides.append(f"canteens.generate.count={args.canteens}")
    simpy_runs = 0 if args.no_simpy or not floors else args.simpy_repetitions

    runs: list[dict[str, float]] = []
    kernel: list[tuple[int, float]] = []
    simpy: list[float] = []
    plain: dict[str, list[tuple[float, float]]] = {"this tree": [], str(args.against): []}
    all_cores: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        against = Path(tmp) / "against"
        if args.against:
            worktree = ["git", "-C", str(ROOT), "worktree"]
            subprocess.run([*worktree, "add", "-q", "--detach", str(against), args.against])
        trees = {"this tree": ROOT, **({args.against: against} if args.against else {})}
        envs = {
            name: child_environment(source, bytecode_cache=args.bytecode_cache)
            for name, source in trees.items()
        }
        user = child_environment(ROOT, bytecode_cache=args.bytecode_cache, one_thread=False)
        try:
            # a first run of each tree, not counted: compiled modules cached, files read once
            for env in envs.values():
                run_whole(Path(args.scenario), overrides, Path(tmp) / "warm", args.cpu, env)
            for repetition in range(1, args.repetitions + 1):
                run = run_canteensim(
                    ROOT,
                    Path(args.scenario),
                    overrides,
                    Path(tmp) / "out",
                    args.cpu,
                    envs["this tree"],
                )
                runs.append(run)
                phases = "  ".join(f"{p} {run[p]:.2f}" for p in PHASES)
                print(
                    f"{repetition}  canteensim    whole {run['whole']:6.2f} s  ({phases})",
                    flush=True,
                )
                if args.against:  # plain runs of both trees, uninstrumented, side by side
                    turn = list(envs.items())
                    for name, env in turn if repetition % 2 else turn[::-1]:  # each first in turn
                        out = Path(tmp) / "plain"
                        wall, cpu = run_whole(Path(args.scenario), overrides, out, args.cpu, env)
                        plain[name].append((wall, cpu))
                        print(f"{repetition}  {name:<12}  whole {wall:6.2f} s  cpu {cpu:5.2f} s")
                if args.all_cores:  # as a user runs it: every core, library threads
                    out = Path(tmp) / "all-cores"
                    seconds, _ = run_whole(Path(args.scenario), overrides, out, None, user)
                    all_cores.append(seconds)
                    print(f"{repetition}  every core    whole {seconds:6.2f} s", flush=True)
                if floors:
                    _, output = run_script(
                        SHARED / "fcfs_kernel.py", [str(args.canteens)], args.cpu
                    )
                    kernel.append(kernel_figures(output))
                    lines, wall = kernel[-1]
                    print(f"{repetition}  fcfs kernel   {wall:6.3f} s  {lines:,} lines", flush=True)
                if repetition <= simpy_runs:
                    seconds, _ = run_script(
                        SHARED / "plain_simpy.py", [str(args.canteens)], args.cpu
                    )
                    simpy.append(seconds)
                    print(f"{repetition}  plain SimPy   whole {seconds:6.2f} s", flush=True)
        finally:
            if args.against:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(against)]
                )
    report(args, runs, kernel, simpy, plain, all_cores)


def report(
    args: argparse.Namespace,
    runs: list[dict[str, float]],
    kernel: list[tuple[int, float]],
    simpy: list[float],
    plain: dict[str, list[tuple[float, float]]],
    all_cores: list[float],
) -> None:
    lines = runs[0]["order_lines"]
    canteens = int(runs[0]["canteens"])
    whole = median([run["whole"] for run in runs])
    engine = median([run["engine"] for run in runs])
    print(f"\n{Path(args.scenario).name}: {canteens:,} canteens, {lines:,.0f} order lines")
    print(f"medians of {len(runs)} canteensim runs (s):")
    for phase in PHASES:
        value = median([run[phase] for run in runs])
        print(f"  {phase:<11} {value:7.3f}  {value / whole:6.1%} of the whole")
    # each run's own remainders, then their medians: a difference of medians is noise's
    inside = median([run["main"] - sum(run[p] for p in PHASES) for run in runs])
    outside = median([run["whole"] - run["main"] for run in runs])
    print(f"  {'unassigned':<11} {inside:7.3f}  {inside / whole:6.1%} (argparse, checks, runner)")
    print(
        f"  {'start, exit':<11} {outside:7.3f}  {outside / whole:6.1%} (interpreter start and exit)"
    )
    print(f"  {'whole':<11} {whole:7.3f}")
    print(f"whole-run order lines per second: {lines / whole:,.0f}")
    print(f"engine order lines per second:    {lines / engine:,.0f}")
    if kernel:
        kernel_lines = kernel[0][0]
        kernel_wall = median([wall for _, wall in kernel])
        ours, floor = engine / lines, kernel_wall / kernel_lines
        print(
            f"fcfs kernel: median {kernel_wall:.3f} s for {kernel_lines:,} lines, "
            f"{kernel_lines / kernel_wall:,.0f} lines/s"
        )
        print(
            f"engine seconds per order line ÷ kernel's: {ours * 1e9:.0f} ns ÷ {floor * 1e9:.0f} ns "
            f"= {ours / floor:.1f}"
        )
    if simpy:
        simpy_whole = median(simpy)
        print(f"plain SimPy: median whole process {simpy_whole:.2f} s over {len(simpy)} runs")
        print(
            f"plain SimPy ÷ whole canteensim process: {simpy_whole:.2f} ÷ {whole:.2f} "
            f"= {simpy_whole / whole:.1f} ×"
        )
    if all_cores:
        user = median(all_cores)
        cores = len(os.sched_getaffinity(0))
        print(f"every core ({cores}), as a user runs it: median whole process {user:.2f} s")
        print(f"  whole-run order lines per second: {lines / user:,.0f}")
        if simpy:
            print(f"  plain SimPy ÷ whole canteensim process: {median(simpy) / user:.1f} ×")
    if args.against:
        for i, clock in enumerate(("wall", "CPU")):
            ours = median([run[i] for run in plain["this tree"]])
            theirs = median([run[i] for run in plain[args.against]])
            print(
                f"plain whole run, {clock} seconds (medians): this tree {ours:.2f}, "
                f"{args.against} {theirs:.2f}; ratio {ours / theirs:.2f}"
            )


if __name__ == "__main__":
    main()
