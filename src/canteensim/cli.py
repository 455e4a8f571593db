"""The command line: arguments in, one library call, a table or an error line out.

Exit status: 0 done; 1 the results were written but their report was not; 2 bad input
(scenario, override, output folder or a folder to report on), with one line naming where the
problem is and no traceback; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import shlex
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from canteensim import __version__, text
from canteensim import results as contract
from canteensim.errors import CanteensimError, CanteensimWarning
from canteensim.text import (
    LANGUAGES,
    NOT_APPLICABLE,
    failure_cause,
    missing,
    number,
    percent,
    undefined,
)

if TYPE_CHECKING:
    import pandas as pd

    from canteensim.experiment import RunOptions
    from canteensim.experiment.runner import Progress
    from canteensim.model.simulate import Results
    from canteensim.scenario import Scenario

# Only what parsing the command line needs is imported above. The scenario schema (pydantic),
# the engine, pandas, tqdm, the experiments and the report are imported inside the command that
# uses them, so that `--help` and `validate` start in a fraction of a second (and `validate`
# loads the schema alone).

EXIT_REPORT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `canteensim` command; returns its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    args.argv = argv
    try:
        with _warnings_as_lines():
            return int(args.command(args))
    except CanteensimError as exc:
        print(f"canteensim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"canteensim: interrupted; {args.when_interrupted}", file=sys.stderr)
        return EXIT_INTERRUPTED


def console() -> int:
    """The `canteensim` program: `main` on the process's arguments, then an exit that does not
    collect what is about to be freed anyway. The interpreter's last garbage collection walks
    every object still alive, a run's loaded pandas and pyarrow among them: 0.1 s of a run's
    whole process. Frozen (`gc.freeze`), they are left to the process's end. Only here, where
    the process ends next: `main` called in a longer-lived process collects as usual.

    The program also keeps the memory a run frees for its next week (`keep_freed_memory`)."""
    from canteensim.memory import keep_freed_memory

    keep_freed_memory()
    status = main()
    gc.freeze()
    return status


class _Parser(argparse.ArgumentParser):
    """argparse with canteensim's one-line errors, naming where to read the options."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="canteensim",
        description="Simulate consumption-aid procurement by institutional canteens.",
    )
    parser.add_argument("--version", action="version", version=f"canteensim {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a scenario and write its results folder")
    _scenario_arguments(run)
    run.add_argument("-o", "--out", type=Path, help="results folder (default: results/NAME)")
    run.add_argument("--seed", type=_seed, help="override scenario.seed")
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
    _engine_arguments(run)
    _report_arguments(run)
    run.set_defaults(command=_run, when_interrupted="no results folder was written")

    compare = commands.add_parser(
        "compare", help="compare settings over replications, with paired differences"
    )
    _scenario_arguments(compare)
    compare.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=V1,V2,...|KEY=LO:HI:STEP",
        help="a scenario key and its values, e.g. --vary quota.share=0,0.1,0.2 or "
        "quota.share=0:0.4:0.05 (HI included; repeatable: every combination runs)",
    )
    compare.add_argument(
        "--baseline",
        default="first",
        metavar="first|previous|VALUE",
        help="what each setting's paired difference is against: the first setting (default), "
        "the previous one, or the setting where the one varied key has VALUE",
    )
    compare.add_argument(
        "-o", "--out", type=Path, help="results folder (default: results/NAME-compare)"
    )
    compare.add_argument("--seed", type=_seed, help="override scenario.seed")
    compare.add_argument(
        "-r",
        "--replications",
        type=_positive_int,
        default=10,
        help="replications per setting (default 10)",
    )
    compare.add_argument(
        "--precision",
        type=_share,
        help="add replications until every KPI's 95%% half-width is at most this share of its mean",
    )
    compare.add_argument(
        "--max-replications",
        type=_positive_int,
        default=200,
        help="the most replications --precision may reach (default 200)",
    )
    compare.add_argument(
        "--resume",
        action="store_true",
        help="continue a comparison in -o, running only missing runs",
    )
    compare.add_argument(
        "--force", action="store_true", help="start an existing -o comparison again"
    )
    _engine_arguments(compare)
    _report_arguments(compare)
    compare.set_defaults(
        command=_compare,
        when_interrupted="the finished runs are kept; run the same command with --resume",
    )

    _search_parser(commands)
    _sensitivity_parser(commands)

    report = commands.add_parser(
        "report", help="render a results folder into report.html, report.md and report.xlsx"
    )
    report.add_argument(
        "out",
        type=Path,
        metavar="OUT",
        help="a folder written by `canteensim run`, `compare`, `search` or `sensitivity`",
    )
    _lang_argument(report)
    _svg_argument(report)
    report.add_argument("-q", "--quiet", action="store_true", help="print nothing when done")
    report.set_defaults(command=_report, when_interrupted="any earlier report is unchanged")

    validate = commands.add_parser("validate", help="check a scenario and show what it resolves to")
    _scenario_arguments(validate)
    validate.add_argument("--json", action="store_true", help="print the whole resolved scenario")
    validate.set_defaults(command=_validate, when_interrupted="nothing was written")
    return parser


def _search_parser(commands: Any) -> None:
    search_ = commands.add_parser(
        "search", help="find the smallest (or largest) value of a setting that meets targets"
    )
    _scenario_arguments(search_)
    search_.add_argument("--param", required=True, metavar="KEY", help="the key to search")
    search_.add_argument(
        "--range", required=True, type=_interval, metavar="LO:HI", help="its values, e.g. 0:0.5"
    )
    search_.add_argument(
        "--target",
        action="append",
        required=True,
        metavar='"KPI >= VALUE"',
        help='a KPI and its bound, e.g. "fill_rate >= 0.95" (repeatable: every one must hold)',
    )
    search_.add_argument(
        "--maximise", action="store_true", help="the largest value instead of the smallest"
    )
    search_.add_argument("--confidence", type=_share, default=0.95, help="one-sided (default 0.95)")
    search_.add_argument(
        "--resolution", type=float, help="how close the answer's ends may be (default range/100)"
    )
    search_.add_argument(
        "--max-replications",
        type=_positive_int,
        default=80,
        help="the most replications a probe may reach (default 80)",
    )
    _sweep_arguments(search_, "search")
    search_.set_defaults(
        command=_search,
        when_interrupted="the finished runs are kept; run the same command with --resume",
    )


def _sensitivity_parser(commands: Any) -> None:
    sensitivity_ = commands.add_parser(
        "sensitivity", help="which uncertain assumptions move the headline KPIs (Morris, Sobol)"
    )
    _scenario_arguments(sensitivity_)
    sensitivity_.add_argument("--method", choices=["morris", "sobol"], default="morris")
    sensitivity_.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="KEY=LO:HI",
        help="an uncertain key and its range (repeatable; default: the scenario's [uncertainty])",
    )
    sensitivity_.add_argument(
        "-n",
        type=_positive_int,
        help="Morris trajectories (default 10) or Sobol base samples, a power of two (default 64)",
    )
    sensitivity_.add_argument(
        "-r",
        "--replications",
        type=_positive_int,
        default=1,
        help="replications of each point (default 1)",
    )
    sensitivity_.add_argument(
        "--second-order",
        action="store_true",
        help="Sobol: also the indices of each pair of assumptions (n × (2 × keys + 2) points)",
    )
    _sweep_arguments(sensitivity_, "sensitivity")
    sensitivity_.set_defaults(
        command=_sensitivity,
        when_interrupted="the finished runs are kept; run the same command with --resume",
    )


def _sweep_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "-o", "--out", type=Path, help=f"results folder (default: results/SCENARIO-{name})"
    )
    parser.add_argument("--seed", type=_seed, help="override scenario.seed")
    parser.add_argument(
        "--resume", action="store_true", help="continue in -o, running only missing runs"
    )
    parser.add_argument("--force", action="store_true", help="start an existing -o again")
    _engine_arguments(parser)
    _report_arguments(parser)


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


def _engine_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive_int,
        help="local processes (default: one per core the process may use)",
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: 'local' starts one here, or a scheduler like tcp://host:8786",
    )
    where.add_argument("--serial", action="store_true", help="run everything in this process")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no table")


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="write the results only; `canteensim report OUT` renders the report later",
    )
    _lang_argument(parser)
    _svg_argument(parser)


def _svg_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--svg",
        action="store_true",
        help="also save each figure as SVG, its text editable in PowerPoint (slower)",
    )


def _lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the report, its figures and the terminal's lines (default en)",
    )


def _engine(args: argparse.Namespace) -> RunOptions:
    """The engine options, shared by `run -r` and `compare`: --serial, --dask or --workers."""
    from canteensim.experiment import RunOptions

    if args.serial:
        return RunOptions("serial")
    if args.dask:
        return RunOptions("dask", address=args.dask)
    return RunOptions("processes", workers=args.workers)


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


class _ProgressBar:
    """A progress bar over runs, fed by the library's (done, total) callback."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None  # opened at the first run, after the input has been checked

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:  # nothing to draw: not even tqdm is imported (a one-run `run`)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", file=sys.stderr)
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _load(args: argparse.Namespace) -> Scenario:
    """The scenario file with --set and --seed applied, validated as one new `Scenario`."""
    from canteensim.scenario import load_scenario
    from canteensim.scenario.load import with_values

    scenario = load_scenario(args.scenario, args.overrides)
    if getattr(args, "seed", None) is None:
        return scenario
    return with_values(scenario, {"scenario.seed": args.seed}, args.scenario, option="--seed")


def replicate(
    scenario: Scenario,
    replications: int,
    *,
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> Results:
    """`canteensim.experiment.replicate.replicate`, imported when a run needs it."""
    from canteensim.experiment.replicate import replicate as run

    return run(scenario, replications, options=options, progress=progress)


def _run(args: argparse.Namespace) -> int:
    from canteensim.output import check_destination, scenario_inputs, summary, write_results

    scenario = _load(args)
    out = args.out or _free_folder(Path("results") / args.scenario.stem)
    inputs = scenario_inputs(scenario, args.scenario)
    check_destination(out, replace=args.force, inputs=inputs)  # before the runs, not after
    started = time.perf_counter()
    progress = _ProgressBar(args.quiet or args.replications == 1)
    try:
        results = replicate(scenario, args.replications, options=_engine(args), progress=progress)
    finally:
        progress.close()
    document = summary(
        results,
        version=__version__,
        run_seconds=time.perf_counter() - started,
        command=["canteensim", *args.argv],
    )
    write_results(
        results, out, document, table_format=args.format, replace=args.force, inputs=inputs
    )
    if not args.quiet:
        print(_kpi_table(results, scenario, args.lang))
        print("\n" + text.say(args.lang, "terminal.written", out=out))
    status = _report_after(args, out)
    if not args.quiet and status == 0:
        print(_next_steps(args, out))
    return status


def _next_steps(args: argparse.Namespace, out: Path) -> str:
    """Two lines for after a run: where to look at it, and the comparison to try next."""
    if args.no_report:
        report = f"canteensim report {shlex.quote(str(out))}"
        look = text.say(args.lang, "terminal.next.report", command=report)
    else:
        page = out / contract.ReportFiles.of(args.lang).html
        look = text.say(args.lang, "terminal.next.open", path=page)
    overrides = [
        part
        for given in args.overrides
        if given.partition("=")[0].strip() != "quota.share"  # --vary sets it
        for part in ("--set", given)
    ]
    vary = ["--vary", "quota.share=0.1,0.2,0.3", "-r", "10"]
    command = shlex.join(["canteensim", "compare", str(args.scenario), *overrides, *vary])
    return text.say(args.lang, "terminal.next", look=look, command=command)


def _free_folder(base: Path) -> Path:
    """`base`, or `base-2`, `base-3` … when earlier results are there: never overwrite them."""
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def _kpi_table(results: Results, scenario: Scenario, lang: str = "en") -> str:
    """The KPIs, then a line on failed audits. In English each KPI reads by its key, n/a with
    the reason the contract gives; in Chinese (``--lang zh``) by its name, its key beside it for
    scripts."""
    means = results.kpi_means()
    kpis = {
        name: KpiOverRuns(mean, _spread([row[name] for row in results.kpi_rows]))
        for name, mean in means.items()
    }
    basis = text.say(lang, f"terminal.basis.{scenario.quota.basis}")
    share = percent(scenario.quota.share, 0)
    lines = [
        text.say(lang, "terminal.title", name=scenario.scenario.name, share=share, basis=basis)
    ]
    if len(results.kpi_rows) > 1:
        lines.append(text.say(lang, "terminal.replications", n=len(results.kpi_rows)))
    lines += _kpi_rows(kpis, scenario) if lang == "en" else _kpi_rows_named(kpis, lang)
    failures = _failures_line(results, lang)
    return "\n".join([*lines, failures] if failures else lines)


class KpiOverRuns(NamedTuple):
    """A KPI's mean over the replications, and its standard deviation (NaN over one)."""

    mean: float
    spread: float


def _kpi_rows(kpis: dict[str, KpiOverRuns], scenario: Scenario) -> list[str]:
    width = max(len(name) for name in kpis)
    rows = []
    for name, (mean, spread) in kpis.items():
        shape = _shape(name)
        shown = _value(shape, mean)
        if not missing(spread) and not missing(mean):
            shown += f"  ± {_value(shape, spread)}"
        elif missing(mean) and undefined("en", name):
            shown += f" ({undefined('en', name)})"
        rows.append(f"  {name:<{width}}  {shown}")
    observed = scenario.scenario.observed_monthly_sales_yuan
    if observed is not None:
        rows.append(f"  {'observed monthly sales':<{width}}  {number(observed)} yuan (scenario)")
    return rows


def _kpi_rows_named(kpis: dict[str, KpiOverRuns], lang: str) -> list[str]:
    labels = {name: text.kpi(lang, name) for name in kpis}
    width = max(text.display_width(label) for label in labels.values())
    rows = []
    for name, label in labels.items():
        mean, spread = kpis[name]
        shown = _kpi_value(lang, name, mean)
        if not missing(spread) and not missing(mean):
            shown += f"  ± {_kpi_value(lang, name, spread)}"
        pad = " " * (width - text.display_width(label))
        rows.append(f"  {label}{pad}  {shown}  [{name}]")
    return rows


def _spread(values: list[Any]) -> float:
    """The standard deviation over replications (n − 1), NaN left out, as pandas' `std`."""
    kept = [float(v) for v in values if not math.isnan(float(v))]
    return statistics.stdev(kept) if len(kept) > 1 else math.nan


def _kpi_value(lang: str, name: str, value: Any) -> str:
    """A KPI's value beside its name, which carries its unit: a share in percent, else whole."""
    spec = contract.kpi(name)
    if missing(value):
        return NOT_APPLICABLE[lang]
    return percent(value) if spec is not None and spec.percent else f"{value:,.0f}"


def _failures_line(results: Results, lang: str = "en") -> str:
    """How many audits of whole periods failed and their most common cause, over every
    replication; "" when none failed (or none was made)."""
    from canteensim.report.causes import CauseCounts

    counts = CauseCounts.of_run(results.tables)
    top = counts.top
    if top is None:
        return ""
    runs = len(results.kpi_rows)
    return text.say(
        lang,
        "terminal.failures",
        over=text.say(lang, "terminal.over", n=runs) if runs > 1 else "",
        failed=f"{counts.failed:,}",
        audits=f"{counts.audits:,}",
        cause=failure_cause(lang, top, detail=False),
        n=f"{counts.by_cause[top]:,}",
        share=percent(counts.share(top)),
    )


def _compare(args: argparse.Namespace) -> int:
    from canteensim.experiment import compare, parse_vary

    scenario = _load(args)
    vary = parse_vary(args.vary)
    out = _sweep_folder(args, "compare")
    progress = _ProgressBar(args.quiet)
    try:
        comparison = compare(
            scenario,
            vary,
            args.replications,
            baseline=args.baseline,
            precision=args.precision,
            max_replications=args.max_replications,
            **_sweep_options(args, out, progress),
        )
    finally:
        progress.close()
    _warn_saturated(comparison.table)
    if not args.quiet:
        print(comparison_text(comparison.table, comparison.summary.get("replications")))
        print("\n" + text.say(args.lang, "terminal.written", out=out))
    return _report_after(args, out)


def _sweep_folder(args: argparse.Namespace, name: str) -> Path:
    """-o, or results/SCENARIO-NAME (a free variant of it unless resuming)."""
    default = Path("results") / f"{args.scenario.stem}-{name}"
    return Path(args.out or (default if args.resume else _free_folder(default)))


def _sweep_options(args: argparse.Namespace, out: Path, progress: _ProgressBar) -> dict[str, Any]:
    """The keywords compare, search and sensitivity all take from their command line."""
    return {
        "options": _engine(args),
        "folder": out,
        "resume": args.resume,
        "force": args.force,
        "progress": progress,
        "source": args.scenario,
        "command": ["canteensim", *args.argv],
    }


def _search(args: argparse.Namespace) -> int:
    from canteensim.experiment.search import search  # matplotlib only for the sweeps

    scenario = _load(args)
    out = _sweep_folder(args, "search")
    lo, hi = args.range
    progress = _ProgressBar(args.quiet)
    try:
        result = search(
            scenario,
            args.param,
            lo,
            hi,
            args.target,
            maximise=args.maximise,
            confidence=args.confidence,
            resolution=args.resolution,
            max_replications=args.max_replications,
            **_sweep_options(args, out, progress),
        )
    finally:
        progress.close()
    if not args.quiet:
        print(result.reason)
        files = "probes.csv, runs.parquet"
        print("\n" + text.say(args.lang, "terminal.written_files", out=out, files=files))
    return _report_after(args, out)


def _sensitivity(args: argparse.Namespace) -> int:
    from canteensim.experiment.sensitivity import parse_ranges, sensitivity

    scenario = _load(args)
    out = _sweep_folder(args, "sensitivity")
    progress = _ProgressBar(args.quiet)
    try:
        result = sensitivity(
            scenario,
            args.method,
            parse_ranges(args.range, option="--range") or None,
            n=args.n,
            replications=args.replications,
            second_order=args.second_order,
            **_sweep_options(args, out, progress),
        )
    finally:
        progress.close()
    if not args.quiet:
        print(repr(result))
        files = "indices.csv, interactions.csv, samples.csv, runs.parquet"
        print("\n" + text.say(args.lang, "terminal.written_files", out=out, files=files))
    return _report_after(args, out)


def _interval(text: str) -> tuple[float, float]:
    """``LO:HI`` as two numbers, LO below HI."""
    try:
        lo, hi = (float(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LO:HI, e.g. 0:0.5") from None
    if not lo < hi:
        raise argparse.ArgumentTypeError(f"{text!r}: LO must be below HI, e.g. 0:0.5")
    return lo, hi


def _warn_saturated(table: pd.DataFrame) -> None:
    """Say, as a warning line, the settings where supply saturates (mean fill rate below 95 %):
    there orders outrun what cooperatives list, and more of the setting buys little more."""
    from canteensim.experiment.statistics import SATURATED_FILL_RATE, saturated

    settings = saturated(table)
    if not settings:
        return
    with warnings.catch_warnings():
        # a finding about the settings, not a fault of the run: shown, never raised
        warnings.simplefilter("always", CanteensimWarning)
        warnings.warn(
            CanteensimWarning(
                f"supply saturates (mean fill rate below {SATURATED_FILL_RATE:.0%}) at "
                f"{'; '.join(settings)}: orders there outrun what cooperatives list"
            ),
            stacklevel=2,
        )


def comparison_text(table: pd.DataFrame, replications: int | None = None) -> str:
    """A settings × headline KPI table: each setting's mean, and below it the paired difference
    to its baseline ± the half-width of its 95 % interval (rates in percentage points)."""
    kpis = [k for k in contract.HEADLINE_KPIS if k in set(table["kpi"])]
    settings = list(dict.fromkeys(table["setting"].astype(str)))
    cells: list[list[str]] = [["setting", *kpis]]
    for setting in settings:
        rows = table[table["setting"].astype(str) == setting].set_index("kpi")
        cells.append([setting, *(_value(_shape(k), rows.at[k, "mean"]) for k in kpis)])
        against = str(rows["baseline"].iloc[0]) if "baseline" in rows else settings[0]
        if against and against != setting:
            differences = [
                _difference(k, rows.at[k, "diff_mean"], rows.at[k, "diff_ci_high"]) for k in kpis
            ]
            cells.append([f"  vs {against}", *differences])
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    ]
    over = f"means over {replications} replications; " if replications else "means; "
    note = over + "under each, the paired difference ± its 95% half-width (rates in pp)"
    return "\n".join([note, *lines])


def _difference(kpi: str, mean: Any, high: Any) -> str:
    """``+8,088 ± 1,203 yuan`` or ``+10.0 ± 0.4 pp``: a difference and its half-width; a rate
    differs in percentage points, as in the report."""
    if missing(mean):
        return NOT_APPLICABLE["en"]
    half = None if missing(high) else float(high) - float(mean)
    if kpi in contract.PERCENT_KPIS:
        shown = f"{float(mean) * 100:+.1f}"
        return shown + (f" ± {half * 100:.1f}" if half is not None else "") + " pp"
    spec = contract.kpi(kpi)
    unit = "" if spec is None or spec.unit == "count" else f" {spec.unit}"
    shown = f"{float(mean):+,.0f}"
    return shown + (f" ± {half:,.0f}" if half is not None else "") + unit


def _shape(name: str) -> Callable[[float], str]:
    """How the terminal writes a value of the KPI `name` (`canteensim.results.Kpi.format`)."""
    spec = contract.kpi(name)
    return spec.format if spec else "{:,.4g}".format


def _value(shape: Callable[[float], str], value: Any, signed: bool = False) -> str:
    """`value` written by `shape`; a value with nothing to measure reads the report's mark."""
    if missing(value):
        return NOT_APPLICABLE["en"]  # the keyed (English) table and the comparison table
    shown = shape(value)
    return f"+{shown}" if signed and value >= 0 else shown


def _report(args: argparse.Namespace) -> int:
    from canteensim.report import render_report  # matplotlib is loaded only to draw

    path = render_report(args.out, args.lang, svg=args.svg, stage=_stages(args))
    if not args.quiet:
        print(text.say(args.lang, "terminal.report_written", path=path))
    return 0


def _stages(args: argparse.Namespace) -> Callable[[str], None] | None:
    """A progress line on stderr for each step of a render, in the report's language, unless
    quiet: a province's report takes seconds, and its workbook the longest."""
    if args.quiet:
        return None

    def tell(stage: str) -> None:
        print(text.say(args.lang, f"terminal.report_stage.{stage}"), file=sys.stderr, flush=True)

    return tell


def _report_after(args: argparse.Namespace, out: Path) -> int:
    """Render the report of the results just written to `out`, unless --no-report.

    The results are on disk already: a report that fails says so in one line, names the
    command that makes it again, and leaves them as they are (exit status 1).
    """
    if args.no_report:
        return 0
    args.when_interrupted = (
        f"the results are in {out}/, the report is not finished: run `canteensim report {out}`"
    )
    from canteensim.report import render_report

    try:
        path = render_report(out, args.lang, svg=args.svg, stage=_stages(args))
    except Exception as exc:  # whatever broke the report, the results must be reported safe
        reason = str(exc) if isinstance(exc, CanteensimError) else f"{type(exc).__name__}: {exc}"
        print(
            f"canteensim: error: the results are in {out}/ but the report failed: {reason}; "
            f"run `canteensim report {out}` to try again",
            file=sys.stderr,
        )
        return EXIT_REPORT_FAILED
    if not args.quiet:
        print(text.say(args.lang, "terminal.report_written", path=path))
    return 0


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Show canteensim's own warnings (no CJK font, say) as one `canteensim: warning:` line."""
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
            if issubclass(category, CanteensimWarning):
                print(f"canteensim: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, *args, **kw)

        warnings.showwarning = show
        yield


def _validate(args: argparse.Namespace) -> int:
    from canteensim.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.json:
        print(scenario.model_dump_json(indent=2))
        return 0
    print(describe(scenario))
    print(f"\n{args.scenario}: valid")
    return 0


def _consumers(scenario: Scenario) -> str:
    consumers = scenario.consumers
    if not consumers.households:
        return "none"
    return (
        f"{consumers.households:,} households at {consumers.pickup_points:,} pickup point(s), "
        f"{consumers.participation:.0%} ordering a week"
    )


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
        f"quota        {quota.share:.0%} by {quota.basis}, per {quota.per}, "
        f"audited each {quota.period}",
        f"cycle        listing {cycle.listing}, cutoff {cycle.order_cutoff}, "
        f"delivery {'/'.join(cycle.delivery_days)}, lead {cycle.lead_days} day(s), "
        f"{cycle.allocation}{' with substitution' if cycle.substitution else ''}",
        f"platform     commission {platform.commission:.0%}, "
        f"{platform.vehicles} × {platform.vehicle_capacity_kg:,.0f} kg vehicles, "
        f"listing limit {platform.listing_limit}",
        f"categories   {', '.join(scenario.categories)}",
        f"products     {offer}",
        f"canteens     {who}",
        f"consumers    {_consumers(scenario)}",
        f"disruptions  {len(scenario.disruptions)}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(console())
