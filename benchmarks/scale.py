"""Speed and memory of canteensim at province scale, and how the cost grows with canteens.

Every measurement runs in a fresh Python subprocess (one per repetition), pinned to one core where
the platform allows it, so that peak memory is that of one run and the two cores of a shared
machine do not help a single-core figure. The child reports, as one JSON line:

- ``load_s``: wall time of ``load_scenario`` (reading and validating the TOML file);
- ``simulate_s``: wall time of ``simulate`` alone (population, SimPy run, tables, KPIs);
- ``order_lines``: from ``Results.kpis``;
- ``peak_mib``: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end of the child (KiB on
  Linux), interpreter and imports included; ``import_mib`` is the same figure before the scenario
  is loaded.

Before the timed call, the child runs ``simulate`` once on a 30-canteen copy of the scenario, so
that one-off first-call costs (lazy imports, caches) do not land on the measured run; ``--cold``
skips that warm-up.

Part 1 repeats the scenario as given (Anhui 2020 by default) and reports every run and the
medians. Part 2, the cost curve, runs the same scenario with ``canteens.generate.count`` set to
each of ``--counts``, median of ``--curve-repetitions`` runs each, with repetitions interleaved
across sizes so that drift on a noisy machine touches every size alike. A least-squares line
``simulate_s = fixed + per_canteen × count`` over the medians shows the fixed overhead and the
marginal cost of a canteen.

Usage::

    python benchmarks/scale.py                      # 5 repetitions + cost curve, ~2 minutes
    python benchmarks/scale.py --quick              # 2 repetitions, 3 sizes × 1 run
    python benchmarks/scale.py -r 9 --curve-repetitions 5 --cpu 1

No timing is asserted anywhere: this script reports, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "anhui_2020.toml"
DEFAULT_COUNTS = (30, 100, 300, 1000, 3000, 8391)
QUICK_COUNTS = (30, 300, 3000)
WARMUP_OVERRIDES = ("canteens.generate.count=30",)
SINGLE_THREAD_ENV = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    )
}


# --- the child: one measured run -----------------------------------------------------------------


def pin_to_core(cpu: int | None) -> str:
    """Pin this process to one core, if the platform allows; return which, or why not."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    core = allowed[-1] if cpu is None else cpu
    try:
        os.sched_setaffinity(0, {core})
    except OSError as error:
        return f"not pinned ({error})"
    return str(core)


def peak_rss_mib() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def child(args: argparse.Namespace) -> None:
    core = pin_to_core(args.cpu)
    started = time.perf_counter()
    from canteensim import load_scenario, simulate

    import_s = time.perf_counter() - started
    import_mib = peak_rss_mib()
    if not args.cold:
        simulate(load_scenario(args.scenario, overrides=[*args.set, *WARMUP_OVERRIDES]))
    started = time.perf_counter()
    scenario = load_scenario(args.scenario, overrides=args.set)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    results = simulate(scenario)
    simulate_s = time.perf_counter() - started
    lines = int(results.kpis["order_lines"].iloc[0])
    canteens = _canteen_count(scenario)
    print(
        json.dumps(
            {
                "core": core,
                "import_s": import_s,
                "load_s": load_s,
                "simulate_s": simulate_s,
                "order_lines": lines,
                "canteens": canteens,
                "weeks": _weeks(scenario),
                "import_mib": import_mib,
                "peak_mib": peak_rss_mib(),
            }
        )
    )


def _canteen_count(scenario: Any) -> int:
    generate = scenario.canteens.generate
    return int(generate.count) if generate is not None else len(scenario.canteens.rows)


def _weeks(scenario: Any) -> int:
    return ((scenario.scenario.end - scenario.scenario.start).days + 1 + 6) // 7


# --- the parent: runs children, prints tables ----------------------------------------------------


def run_child(scenario: Path, overrides: list[str], cpu: int | None, cold: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--scenario",
        str(scenario),
    ]
    for text in overrides:
        command += ["--set", text]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    if cold:
        command.append("--cold")
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **SINGLE_THREAD_ENV},
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"benchmark child failed ({' '.join(command)}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["lines_per_s"] = result["order_lines"] / result["simulate_s"]
    return result


def median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares ``y = a + b x`` on relative errors (weights ``1 / y²``); returns ``(a, b)``.

    Relative weighting keeps the small sizes, where the fixed part shows, from being drowned by
    the large ones.
    """
    weights = [1 / (y * y) for y in ys]
    total = sum(weights)
    mean_x = sum(w * x for w, x in zip(weights, xs, strict=True)) / total
    mean_y = sum(w * y for w, y in zip(weights, ys, strict=True)) / total
    sxx = sum(w * (x - mean_x) ** 2 for w, x in zip(weights, xs, strict=True))
    sxy = sum(w * (x - mean_x) * (y - mean_y) for w, x, y in zip(weights, xs, ys, strict=True))
    b = sxy / sxx
    return mean_y - b * mean_x, b


def environment() -> str:
    import numpy
    import simpy

    import canteensim

    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} · Python {platform.python_version()} · "
        f"numpy {numpy.__version__} · simpy {simpy.__version__} · "
        f"canteensim {canteensim.__version__} · nproc {os.cpu_count()} · {platform.machine()}"
    )


def repetitions_table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| run | core | load (s) | simulate (s) | order lines | lines/s | peak RSS (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        lines.append(
            f"| {i} | {r['core']} | {r['load_s']:.3f} | {r['simulate_s']:.2f} | "
            f"{r['order_lines']:,} | {r['lines_per_s']:,.0f} | {r['peak_mib']:.0f} |"
        )
    lines.append(
        f"| **median** | | **{median(runs, 'load_s'):.3f}** | **{median(runs, 'simulate_s'):.2f}** "
        f"| **{median(runs, 'order_lines'):,.0f}** | **{median(runs, 'lines_per_s'):,.0f}** | "
        f"**{median(runs, 'peak_mib'):.0f}** |"
    )
    return "\n".join(lines)


def curve_table(by_count: dict[int, list[dict[str, Any]]]) -> str:
    counts = sorted(by_count)
    med = {n: {k: median(by_count[n], k) for k in by_count[n][0] if k != "core"} for n in counts}
    fixed, per_canteen = (
        fit_line([float(n) for n in counts], [med[n]["simulate_s"] for n in counts])
        if len(counts) > 1
        else (float("nan"), float("nan"))
    )
    largest = med[counts[-1]]["simulate_s"]
    lines = [
        "| canteens | runs | simulate (s) | order lines | lines/s | ms per canteen | "
        "marginal ms per added canteen | × time of smallest | peak RSS (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    smallest = med[counts[0]]["simulate_s"]
    previous: int | None = None
    for n in counts:
        m = med[n]
        marginal = (
            "–"
            if previous is None
            else f"{1000 * (m['simulate_s'] - med[previous]['simulate_s']) / (n - previous):.3f}"
        )
        lines.append(
            f"| {n:,} | {len(by_count[n])} | {m['simulate_s']:.3f} | {m['order_lines']:,.0f} | "
            f"{m['lines_per_s']:,.0f} | {1000 * m['simulate_s'] / n:.3f} | {marginal} | "
            f"{m['simulate_s'] / smallest:.1f} | {m['peak_mib']:.0f} |"
        )
        previous = n
    worst = max(
        abs(fixed + per_canteen * n - med[n]["simulate_s"]) / med[n]["simulate_s"] for n in counts
    )
    lines.append("")
    lines.append(
        f"Fit over the medians (least squares on relative error): simulate ≈ {fixed:.3f} s fixed "
        f"+ {1000 * per_canteen:.3f} ms × canteens, largest deviation from the line "
        f"{100 * worst:.0f} %; the fixed part is {100 * fixed / smallest:.0f} % of the "
        f"{counts[0]:,}-canteen run and {100 * fixed / largest:.0f} % of the "
        f"{counts[-1]:,}-canteen run. Canteens grow ×{counts[-1] / counts[0]:,.0f}, "
        f"time ×{largest / smallest:.1f}."
    )
    return "\n".join(lines)


def parent(args: argparse.Namespace) -> None:
    repetitions = args.repetitions or (2 if args.quick else 5)
    curve_repetitions = args.curve_repetitions or (1 if args.quick else 3)
    counts = args.counts or (QUICK_COUNTS if args.quick else DEFAULT_COUNTS)
    scenario = args.scenario
    print(f"# canteensim scale benchmark\n\n{environment()}\n")
    print(
        f"Scenario: `{scenario.relative_to(ROOT) if scenario.is_relative_to(ROOT) else scenario}`"
    )
    print(f"Overrides: {args.set or 'none'}; warm-up: {'no (--cold)' if args.cold else 'yes'}\n")

    runs = []
    for i in range(repetitions):
        runs.append(run_child(scenario, args.set, args.cpu, args.cold))
        print(f"  run {i + 1}/{repetitions}: {runs[-1]['simulate_s']:.2f} s", file=sys.stderr)
    first = runs[0]
    print(
        f"## 1. Full scenario: {first['canteens']:,} canteens, {first['weeks']} weeks, "
        f"{repetitions} fresh processes\n"
    )
    print(repetitions_table(runs))
    print(
        f"\nInterpreter + imports alone: median {median(runs, 'import_s'):.2f} s, "
        f"{median(runs, 'import_mib'):.0f} MiB peak RSS (included in the peak above).\n"
    )
    if args.no_curve:
        return

    by_count: dict[int, list[dict[str, Any]]] = {n: [] for n in counts}
    for rep in range(curve_repetitions):
        for n in counts:
            overrides = [*args.set, f"canteens.generate.count={n}"]
            by_count[n].append(run_child(scenario, overrides, args.cpu, args.cold))
            print(
                f"  curve rep {rep + 1}/{curve_repetitions}, {n} canteens: "
                f"{by_count[n][-1]['simulate_s']:.3f} s",
                file=sys.stderr,
            )
    print(
        f"## 2. Cost curve: canteens.generate.count varied, median of {curve_repetitions} "
        "fresh processes each\n"
    )
    print(curve_table(by_count))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="scenario override for every run, as with `canteensim run --set`",
    )
    parser.add_argument(
        "-r", "--repetitions", type=int, help="runs of the full scenario (default 5)"
    )
    parser.add_argument(
        "--curve-repetitions", type=int, help="runs per size on the cost curve (default 3)"
    )
    parser.add_argument(
        "--counts",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        help=f"canteen counts of the cost curve (default {','.join(map(str, DEFAULT_COUNTS))})",
    )
    parser.add_argument("--no-curve", action="store_true", help="skip the cost curve")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"2 repetitions; cost curve at {QUICK_COUNTS}, 1 run each",
    )
    parser.add_argument(
        "--cpu", type=int, help="core to pin each run to (default: the last allowed core)"
    )
    parser.add_argument("--cold", action="store_true", help="no warm-up run before the timed one")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.scenario = args.scenario.resolve()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
