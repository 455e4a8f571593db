"""The command line: arguments in, one library call, a table or an error line out.

Exit status: 0 done; 2 bad input (scenario, override or output folder), with one line naming
where the problem is and no traceback; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from canteensim import __version__
from canteensim.errors import CanteensimError
from canteensim.model.simulate import Results, simulate
from canteensim.output import summary, write_results
from canteensim.scenario import Scenario, load_scenario

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

KPI_FORMATS = {
    "monthly_sales_yuan_mean": "{:,.0f} yuan",
    "total_sales_yuan": "{:,.0f} yuan",
    "farmer_income_yuan": "{:,.0f} yuan",
    "compliance_rate": "{:.1%}",
    "quota_fulfilment": "{:.1%}",
    "fill_rate": "{:.1%}",
    "unsold_share": "{:.1%}",
    "lost_kg": "{:,.0f} kg",
    "on_time_rate": "{:.1%}",
    "cost_premium_yuan": "{:,.0f} yuan",
    "order_lines": "{:,.0f}",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `canteensim` command; returns its exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.command(args))
    except CanteensimError as exc:
        print(f"canteensim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("canteensim: interrupted; no results folder was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canteensim",
        description="Simulate consumption-aid procurement by institutional canteens.",
    )
    parser.add_argument("--version", action="version", version=f"canteensim {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a scenario and write its results folder")
    _scenario_arguments(run)
    run.add_argument("-o", "--out", type=Path, help="results folder (default: results/NAME)")
    run.add_argument("--seed", type=int, help="override scenario.seed")
    run.add_argument(
        "-r", "--replications", type=_positive_int, default=1, help="replications (default 1)"
    )
    run.add_argument(
        "--format",
        choices=("auto", "csv", "parquet"),
        default="auto",
        help="table format; auto writes Parquet for tables over 200,000 rows (default auto)",
    )
    run.add_argument("--force", action="store_true", help="replace an existing -o folder")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")
    run.set_defaults(command=_run)

    validate = commands.add_parser("validate", help="check a scenario and show what it resolves to")
    _scenario_arguments(validate)
    validate.add_argument("--json", action="store_true", help="print the whole resolved scenario")
    validate.set_defaults(command=_validate)
    return parser


def _scenario_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", type=Path, help="scenario TOML file")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value by dotted key, e.g. --set quota.share=0.3 (repeatable)",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.overrides)
    seed = scenario.scenario.seed if args.seed is None else args.seed
    out = args.out or _free_folder(Path("results") / args.scenario.stem)
    started = time.perf_counter()
    replications = range(args.replications)
    progress = tqdm(
        replications, desc="replications", unit="run", disable=args.quiet or len(replications) == 1
    )
    results = Results.concat([simulate(scenario, seed=seed, replication=r) for r in progress])
    document = summary(
        results,
        version=__version__,
        run_seconds=time.perf_counter() - started,
        command=["canteensim", *sys.argv[1:]],
    )
    write_results(results, out, document, table_format=args.format, replace=args.force)
    if not args.quiet:
        print(_kpi_table(results, scenario))
        print(f"\nresults written to {out}/")
    return 0


def _free_folder(base: Path) -> Path:
    """`base`, or `base-2`, `base-3` … when earlier results are there: never overwrite them."""
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def _kpi_table(results: Results, scenario: Scenario) -> str:
    kpis = results.kpis.drop(columns="replication")
    lines = [
        f"{scenario.scenario.name} — quota {scenario.quota.share:.0%} by {scenario.quota.basis}"
    ]
    if len(kpis) > 1:
        lines.append(f"mean over {len(kpis)} replications (± standard deviation)")
    width = max(len(name) for name in kpis.columns)
    for name in kpis.columns:
        shape = KPI_FORMATS.get(name, "{:,.4g}")
        mean = kpis[name].mean()
        text = "n/a" if pd.isna(mean) else shape.format(mean)
        if len(kpis) > 1 and not pd.isna(mean):
            text += f"  ± {shape.format(kpis[name].std())}"
        lines.append(f"  {name:<{width}}  {text}")
    return "\n".join(lines)


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.overrides)
    if args.json:
        print(scenario.model_dump_json(indent=2))
        return 0
    print(describe(scenario))
    print(f"\n{args.scenario}: valid")
    return 0


def describe(scenario: Scenario) -> str:
    """A short human summary of a resolved scenario."""
    info, quota, cycle, platform = (
        scenario.scenario,
        scenario.quota,
        scenario.cycle,
        scenario.platform,
    )
    canteens = scenario.canteens
    if canteens.generate:
        who = f"{canteens.generate.count} generated"
    else:
        bound = sum(c.bound for c in canteens.rows)
        who = f"{len(canteens.rows)} listed ({bound} bound by the quota)"
    products = scenario.products
    offer = (
        f"{products.generate.count} generated"
        if products.generate
        else f"{len(products.rows)} listed"
    )
    lines = [
        f"scenario     {info.name}",
        f"horizon      {info.start} to {info.end}, seed {info.seed}",
        f"quota        {quota.share:.0%} by {quota.basis}, per {quota.per}",
        f"cycle        listing {cycle.listing}, cutoff {cycle.order_cutoff}, "
        f"delivery {'/'.join(cycle.delivery_days)}, lead {cycle.lead_days} day(s), "
        f"{cycle.allocation}{' with substitution' if cycle.substitution else ''}",
        f"platform     commission {platform.commission:.0%}, "
        f"{platform.vehicles} × {platform.vehicle_capacity_kg:,.0f} kg vehicles, "
        f"listing limit {platform.listing_limit}",
        f"categories   {', '.join(scenario.categories)}",
        f"products     {offer}",
        f"canteens     {who}",
        f"disruptions  {len(scenario.disruptions)}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
