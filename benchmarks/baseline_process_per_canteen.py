"""A deliberately naive SimPy model of the weekly cycle, against canteensim, side by side.

SPEC §2 says that one SimPy process per canteen and one event per order line was measured at
about 11,000–26,000 order lines per second, and that canteensim's array design must beat a
million. This script rebuilds that naive design and times it in the same process, on the same
core, interleaved with canteensim on a scenario of the same size.

The naive model (`naive_run`) takes the *same* population canteensim draws (canteens, diners,
compliance, delivery slot; products, category, weekly capacity, season, shelf life) and the same
weekly calendar, then:

- a listing process per week draws each product's offer (capacity × season × noise), fills a
  shared ``dict`` of stock and fires that week's listing event;
- one process per canteen, for each week: waits for the listing, waits a random time in the order
  window, decides whether it orders this week (compliance), and for each category picks
  ``ordering.lines_per_category`` listed products in proportion to their listed kg; **for each
  order line it yields a tiny timeout** and takes ``min(asked, left)`` from the shared stock,
  first come first served;
- each canteen's week of filled lines is delivered by its own process: it waits for the
  canteen's delivery day, takes its load from that day's fleet capacity (overflow waits a day),
  waits the lead time, and books received kg (after transit losses) per canteen, category, month.

It is generous to the naive design: canteensim also serves meals daily, runs month-end audits,
catch-up and front-load behaviours, substitution and builds the output tables and KPIs, all of it
inside the time it is measured on; the naive model does none of that, and orders the *even*
share (the quota plus margin for bound canteens, the voluntary share otherwise).

Both are measured as order lines per second of wall time (canteensim: the whole ``simulate``
call; naive: population, processes and ``env.run``). Repetitions alternate naive / canteensim
so that a noisy shared machine slows both alike; the ratio is of the medians.

Usage::

    python benchmarks/baseline_process_per_canteen.py           # 8,391 canteens × 4 weeks, 3 runs
    python benchmarks/baseline_process_per_canteen.py --quick   # 2,000 canteens × 2 weeks, 1 run
    python benchmarks/baseline_process_per_canteen.py -r 5 --cpu 0

No timing is asserted anywhere: this script reports, it does not judge.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from canteensim import Scenario, load_scenario, simulate
from canteensim.model.calendar import DISPATCH_HOUR_DAYS, Calendar
from canteensim.model.population import BEHAVIOURS, build_population
from canteensim.model.streams import population_rng

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "anhui_2020.toml"
DEFAULT_START = dt.date(2020, 11, 2)
"""A Monday with four ordinary weeks after it: no holiday, no disruption in the Anhui scenario."""
LINE_TICK_DAYS = 1e-6
"""The 'tiny timeout' each order line yields in the naive model."""
NON_COMPLIANT = BEHAVIOURS.index("non_compliant")


@dataclass
class NaiveTally:
    order_lines: int = 0
    ordered_kg: float = 0.0
    filled_kg: float = 0.0
    received_kg: float = 0.0
    late_loads: int = 0
    events: int = 0


def naive_run(scenario: Scenario, seed: int = 0) -> NaiveTally:
    """One naive replication: a SimPy process per canteen, an event per order line."""
    calendar = Calendar.from_scenario(scenario)
    population = build_population(scenario, calendar, population_rng(scenario.scenario.seed))
    canteens, products, categories = population.canteens, population.products, population.categories
    rng = random.Random(seed)
    env = simpy.Environment()
    tally = NaiveTally()

    # Plain Python data, as a naive model would hold it.
    n_categories = len(categories.name)
    product_category = products.category.tolist()
    capacity = products.weekly_capacity_kg.tolist()
    capacity_sigma = [math.sqrt(math.log1p(cv * cv)) for cv in products.capacity_cv.tolist()]
    season = products.season.tolist()
    shelf_life = products.shelf_life_days.tolist()
    perishable = categories.perishable.tolist()
    loss_at_shelf_life = categories.transit_loss_at_shelf_life.tolist()
    consumption = categories.consumption_kg_per_diner_day.tolist()
    ordering, quota, platform_spec = scenario.ordering, scenario.quota, scenario.platform
    lines_per_category, min_line_kg = ordering.lines_per_category, ordering.min_line_kg
    lead_days = scenario.cycle.lead_days
    fleet_kg_per_day = platform_spec.vehicles * platform_spec.vehicle_capacity_kg
    open_days_per_week = len(scenario.calendar.open_weekdays)
    weeks = calendar.weeks

    stock: dict[int, float] = {}
    listing_by_category: list[tuple[list[int], list[float]]] = []  # products, cumulative share
    listed_events = [env.event() for _ in weeks]
    fleet_left: dict[int, float] = defaultdict(lambda: float(fleet_kg_per_day))
    aid_kg: dict[tuple[int, int, int], float] = defaultdict(float)

    def listing() -> Generator[simpy.Event, None, None]:
        for week, event in zip(weeks, listed_events, strict=True):
            yield env.timeout(week.listing_day - env.now)
            month = calendar.date(week.monday).month - 1
            offers = []
            for p in range(len(capacity)):
                sigma = capacity_sigma[p]
                noise = rng.lognormvariate(-sigma * sigma / 2, sigma)
                offers.append((capacity[p] * season[p][month] * noise, p))
            offers.sort(reverse=True)
            stock.clear()
            for kg, p in offers[: platform_spec.listing_limit]:
                if kg > 0:
                    stock[p] = kg
            listing_by_category.clear()
            for category in range(n_categories):
                listed = [p for p in sorted(stock) if product_category[p] == category]
                total = sum(stock[p] for p in listed)
                running, shares = 0.0, []
                for p in listed:
                    running += stock[p]
                    shares.append(running / total)
                listing_by_category.append((listed, shares))
            event.succeed()

    def canteen(c: int) -> Generator[simpy.Event, None, None]:
        diners = float(canteens.diners[c])
        compliance = float(canteens.compliance[c])
        share = (
            quota.share * (1 + ordering.margin)
            if bool(canteens.bound[c])
            else ordering.voluntary_share
        )
        if int(canteens.behaviour[c]) == NON_COMPLIANT:
            share *= ordering.non_compliant_factor
        slot = int(canteens.delivery_slot[c])
        for week, event in zip(weeks, listed_events, strict=True):
            yield event
            yield env.timeout(rng.random() * (week.cutoff_day - env.now))
            if rng.random() >= compliance:
                continue
            filled_lines: list[tuple[int, float]] = []
            for category in range(n_categories):
                listed, shares = listing_by_category[category]
                if not listed:
                    continue
                line_kg = share * diners * consumption[category] * open_days_per_week
                line_kg /= lines_per_category
                if line_kg < min_line_kg:
                    continue
                pick = rng.random()
                for j in range(lines_per_category):
                    position = (pick + j) / lines_per_category
                    product = listed[min(bisect.bisect_right(shares, position), len(listed) - 1)]
                    yield env.timeout(LINE_TICK_DAYS)  # one event per order line
                    taken = min(stock[product], line_kg)
                    stock[product] -= taken
                    tally.order_lines += 1
                    tally.ordered_kg += line_kg
                    tally.filled_kg += taken
                    if taken > 0:
                        filled_lines.append((product, taken))
            if filled_lines:
                env.process(deliver(c, week.delivery_day_by_slot[slot], filled_lines))

    def deliver(
        c: int, day: int, lines: list[tuple[int, float]]
    ) -> Generator[simpy.Event, None, None]:
        yield env.timeout(day + DISPATCH_HOUR_DAYS - env.now)
        load = sum(kg for _, kg in lines)
        # The naive model ships whole loads: one that does not fit waits for the next day
        # (unless the fleet is empty that day, so that an oversized load still leaves).
        while fleet_left[day] < load and fleet_left[day] < fleet_kg_per_day:
            tally.late_loads += 1
            day += 1
            yield env.timeout(1)
        fleet_left[day] -= load
        yield env.timeout(lead_days)
        month = calendar.month_index(int(env.now))
        for product, kg in lines:
            category = product_category[product]
            loss = 0.0
            if perishable[category]:
                age = env.now - day + lead_days
                loss = min(loss_at_shelf_life[category] * age / shelf_life[product], 1.0)
            received = kg * (1 - loss)
            aid_kg[c, category, month] += received
            tally.received_kg += received

    env.process(listing())
    for c in range(len(canteens)):
        env.process(canteen(c))
    env.run()
    return tally


def pin_to_core(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    core = sorted(os.sched_getaffinity(0))[-1] if cpu is None else cpu
    try:
        os.sched_setaffinity(0, {core})
    except OSError as error:
        return f"not pinned ({error})"
    return str(core)


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--canteens", type=int, help="canteens (default 8391)")
    parser.add_argument("--weeks", type=int, help="weekly cycles (default 4)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULT_START)
    parser.add_argument("-r", "--repetitions", type=int, help="runs of each model (default 3)")
    parser.add_argument(
        "--full-year",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time canteensim on the whole scenario (default: yes)",
    )
    parser.add_argument("--quick", action="store_true", help="2,000 canteens × 2 weeks, 1 run")
    parser.add_argument("--cpu", type=int, help="core to pin to (default: the last allowed core)")
    args = parser.parse_args(argv)
    canteens = args.canteens or (2000 if args.quick else 8391)
    weeks = args.weeks or (2 if args.quick else 4)
    repetitions = args.repetitions or (1 if args.quick else 3)
    core = pin_to_core(args.cpu)

    end = args.start + dt.timedelta(days=7 * weeks - 1)
    sized = [
        f"canteens.generate.count={canteens}",
        f"scenario.start={args.start.isoformat()}",
        f"scenario.end={end.isoformat()}",
    ]
    scenario = load_scenario(args.scenario, overrides=sized)
    full = load_scenario(args.scenario, overrides=[f"canteens.generate.count={canteens}"])
    n_weeks = len(Calendar.from_scenario(scenario).weeks)

    print("# Process-per-canteen baseline vs canteensim\n")
    print(
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} · Python {platform.python_version()} · "
        f"numpy {np.__version__} · simpy {simpy.__version__} · nproc {os.cpu_count()} · "
        f"pinned to core {core}\n"
    )
    print(
        f"Scenario `{args.scenario.name}` with {', '.join(f'`{s}`' for s in sized)}: "
        f"{canteens:,} canteens × {n_weeks} weekly cycles, {repetitions} runs of each model, "
        "alternating.\n"
    )

    # Warm both up (imports, first-call costs) on a tiny copy before timing anything.
    tiny = load_scenario(args.scenario, overrides=[*sized[1:], "canteens.generate.count=30"])
    naive_run(tiny)
    simulate(tiny)

    rows: dict[str, list[tuple[float, int]]] = {"naive": [], "canteensim": [], "year": []}
    for rep in range(repetitions):
        seconds, tally = timed(naive_run, scenario, rep)
        rows["naive"].append((seconds, tally.order_lines))
        print(
            f"  rep {rep + 1}: naive {seconds:.1f} s, {tally.order_lines:,} lines", file=sys.stderr
        )
        seconds, results = timed(simulate, scenario)
        rows["canteensim"].append((seconds, int(results.kpis["order_lines"].iloc[0])))
        print(f"  rep {rep + 1}: canteensim {seconds:.3f} s", file=sys.stderr)
        if args.full_year:
            seconds, results = timed(simulate, full)
            rows["year"].append((seconds, int(results.kpis["order_lines"].iloc[0])))
            print(f"  rep {rep + 1}: canteensim full {seconds:.2f} s", file=sys.stderr)

    def summary(name: str) -> tuple[float, float, float]:
        runs = rows[name]
        return (
            statistics.median(s for s, _ in runs),
            statistics.median(n for _, n in runs),
            statistics.median(n / s for s, n in runs),
        )

    labels = {
        "naive": f"naive: process per canteen, event per line ({n_weeks} weeks)",
        "canteensim": f"canteensim `simulate` ({n_weeks} weeks)",
        "year": "canteensim `simulate` (whole scenario, 52 weeks)",
    }
    naive_rate = summary("naive")[2]
    print("| model | runs | wall (s), median | order lines | lines/s, median | ÷ naive |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in labels.items():
        if not rows[name]:
            continue
        seconds, lines, rate = summary(name)
        print(
            f"| {label} | {len(rows[name])} | {seconds:.3f} | {lines:,.0f} | {rate:,.0f} | "
            f"{rate / naive_rate:,.0f}× |"
        )
    print("\nPer run (wall s / lines/s):\n")
    for name, label in labels.items():
        if rows[name]:
            runs = ", ".join(f"{s:.3f} s / {n / s:,.0f}" for s, n in rows[name])
            print(f"- {label}: {runs}")
    ratio = summary("canteensim")[2] / naive_rate
    print(
        f"\n**Ratio, same size ({canteens:,} canteens × {n_weeks} weeks): canteensim lines/s ÷ "
        f"naive lines/s = {ratio:,.0f}** (medians of {repetitions}, measured alternately on one "
        "core)."
    )


if __name__ == "__main__":
    main()
