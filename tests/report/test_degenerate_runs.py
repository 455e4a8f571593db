"""Valid runs that consume or sell nothing report cleanly: exit 0, every figure drawn, saying why.

Each case is the tiny scenario of the command-line tests (one month, three canteens, two
products) with one edit that leaves nothing to consume, list, order or audit. Its report must
render (it used to stop on an IndexError from a date axis, exit 1), each empty figure and table
must say what is missing and why, and KPIs with nothing to measure must be null in summary.json
and read "n/a" — never a division warning, never a 0 % or 100 % that reads as a result.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.figure
import pandas as pd
import pytest

from canteensim.report import plots
from canteensim.results import ReportFiles
from cli import conftest as tiny_cli  # the command-line tests' tiny scenario and CLI runner

from .expected import RUN_FIGURES

# The tiny scenario on disk and the in-process command line, shared with tests/cli.
scenario = tiny_cli.scenario
cli = tiny_cli.cli
out_dir = tiny_cli.out_dir

NO_CJK_FONT = "ignore:Chinese names in figures:canteensim.errors.CanteensimWarning"
"""Where no CJK font is installed the figures warn (and draw boxes); that is not under test."""

UNDEFINED_WHEN_NOTHING_SOLD = {"monthly_sales_yuan_mean", "fill_rate", "on_time_rate"}
NOT_AUDITED = {"compliance_rate", "quota_fulfilment"}
"""Also undefined when only partial periods are audited, as the tiny scenario's one month is."""
PARTIAL_ONLY = (
    "no whole audit period of a bound canteen, as the horizon, 2020-03-02 to 2020-03-31, holds "
    "no whole month"
)
NO_MEALS = "canteens served no meals (no diners, attendance 0, or closed every day)"
HORIZON = "2020-03-02"
"""The tiny scenario starts on Monday 2 March 2020 and ends on the 31st."""

Edit = Callable[[tiny_cli.Scenario], None]


def whole_horizon(**factors: float) -> Edit:
    """A ``[[disruptions]]`` scaling attendance, transport or supply over the whole horizon and
    the week after it: the horizon's last orders are for the meals of that week, by the
    attendance announced for them."""
    lines = "".join(f"{key} = {value}\n" for key, value in factors.items())
    return lambda s: s.append(
        s.toml, f"\n[[disruptions]]\nstart = {HORIZON}\nend = 2020-04-05\n{lines}"
    )


def every_day_a_holiday(s: tiny_cli.Scenario) -> None:
    days = ", ".join(str(dt.date(2020, 3, 2) + dt.timedelta(days=d)) for d in range(30))
    s.append(s.toml, f"\n[calendar]\nholidays = [{days}]\n")


def no_diners(s: tiny_cli.Scenario) -> None:
    for diners in ("200", "150", "100"):
        s.replace(s.canteens, f",{diners},", ",0,")


def no_capacity(s: tiny_cli.Scenario) -> None:
    for capacity in ("400", "300"):
        s.replace(s.products, f",{capacity},", ",0,")


def horizon(start: str, end: str) -> Edit:
    def edit(s: tiny_cli.Scenario) -> None:
        s.replace(s.toml, f"start = {HORIZON}", f"start = {start}")
        s.replace(s.toml, "end = 2020-03-31", f"end = {end}")

    return edit


@dataclass(frozen=True)
class Case:
    edit: Edit
    why: tuple[str, ...]
    """Words report.html must hold: what is missing and why."""
    null: frozenset[str]
    """The KPIs with nothing to measure: null in summary.json, all others numbers."""


CASES = {
    "no diners": Case(
        no_diners,
        (
            "no sales in this run, as " + NO_MEALS,
            "no bound canteen was audited, as bound " + NO_MEALS,
        ),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED),
    ),
    "attendance 0 throughout": Case(
        whole_horizon(attendance=0),
        ("no sales in this run, as " + NO_MEALS, "no bound canteen was audited"),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED),
    ),
    "a holiday every day": Case(
        every_day_a_holiday,
        ("no sales in this run, as " + NO_MEALS, "no bound canteen was audited"),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED),
    ),
    # canteens eat and are audited (and fail), but no order line reaches the minimum, and a
    # need below it is not rounded up to it; their one month is partial, so not counted
    "min line above every need": Case(
        lambda s: s.append(
            s.toml, "\n[ordering]\nmin_line_kg = 100000\nround_up_small_lines = false\n"
        ),
        (
            "no sales in this run, as canteens ordered nothing",
            "nothing was shipped in this run",
            PARTIAL_ONLY,
        ),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED),
    ),
    "one day": Case(
        horizon(HORIZON, HORIZON),
        ("the horizon, 2020-03-02 to 2020-03-02, holds no whole weekly cycle",),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED | {"unsold_share"}),
    ),
    "Saturday to Sunday": Case(
        horizon("2020-03-07", "2020-03-08"),
        (
            "the horizon, 2020-03-07 to 2020-03-08, holds no whole weekly cycle",
            "no bound canteen was audited, as bound canteens served no meals",
        ),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED | {"unsold_share"}),
    ),
    "supply 0 throughout": Case(
        whole_horizon(supply=0),
        ("nothing was listed in this run, as the cooperatives offered nothing (supply 0)",),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED | {"unsold_share"}),
    ),
    "weekly capacity 0": Case(
        no_capacity,
        ("no sales in this run, as the cooperatives offered nothing (supply 0)",),
        frozenset(UNDEFINED_WHEN_NOTHING_SOLD | NOT_AUDITED | {"unsold_share"}),
    ),
    # sales go on (voluntary buyers, and margins), but a 0 % quota has nothing to audit
    "quota 0": Case(
        lambda s: s.replace(s.toml, "share = 0.2", "share = 0"),
        ("no bound canteen was audited, as the quota is 0 %, so there is nothing to audit",),
        frozenset(NOT_AUDITED),
    ),
}


def summary_kpis(folder: Path) -> dict[str, float | None]:
    kpis: dict[str, float | None] = json.loads(
        (folder / "summary.json").read_text(encoding="utf-8")
    )["kpis"]
    return kpis


def read_html(folder: Path, lang: str = "en") -> str:
    return (folder / ReportFiles.of(lang).html).read_bytes().decode("utf-8")


def assert_figures_written(folder: Path, names: tuple[str, ...], lang: str = "en") -> None:
    for name in names:
        path = folder / ReportFiles.of(lang).figures / f"{name}.png"
        assert path.is_file() and path.stat().st_size > 1000, path


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.filterwarnings(NO_CJK_FONT)
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_run_with_nothing_to_show_reports_why(case: Case, scenario, cli, out_dir) -> None:
    case.edit(scenario)
    cli("run", scenario.toml, "-o", out_dir, "-q").ok()

    kpis = summary_kpis(out_dir)
    assert {name for name, value in kpis.items() if value is None} == case.null
    html = read_html(out_dir)
    for words in case.why:
        assert words in html, words
    assert "n/a: nothing to measure." in html
    assert_figures_written(out_dir, RUN_FIGURES)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_a_run_with_nothing_to_show_says_why_in_chinese(scenario, cli, out_dir) -> None:
    horizon("2020-03-07", "2020-03-08")(scenario)
    cli("run", scenario.toml, "-o", out_dir, "-q", "--lang", "zh").ok()

    html = read_html(out_dir, "zh")
    assert "各品类月度销售额：无可显示内容——本次模拟没有销售，因为模拟时段" in html
    assert "没有受审核的受约束食堂，因为受约束食堂没有供餐" in html
    assert "不适用：无可衡量的内容。" in html
    assert ">n/a<" not in html and "Nothing to show" not in html  # (PNG data may hold "n/a")
    assert ">不适用<" in html
    assert_figures_written(out_dir, RUN_FIGURES, "zh")


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_a_comparison_with_nothing_to_show_renders(scenario, cli, out_dir) -> None:
    whole_horizon(attendance=0)(scenario)
    vary = ("--vary", "quota.share=0,0.2")
    cli("compare", scenario.toml, *vary, "-r", "2", "--serial", "-o", out_dir, "-q").ok()

    table = pd.read_csv(out_dir / "comparison.csv", encoding="utf-8-sig")
    fill = table[table["kpi"] == "fill_rate"]
    assert fill["mean"].isna().all()  # nothing was ordered in any setting
    html = read_html(out_dir)
    assert "Monthly sales by setting (mean and 95 % interval): nothing to show — no sales" in html
    assert "Nothing to show for Mean monthly sales (yuan), Compliance rate" in html
    assert "no setting has a value" in html
    assert_figures_written(
        out_dir, ("kpis", "monthly_sales_by_setting", "paired_differences", "trade_off")
    )


# --- the one helper every empty figure draws with ----------------------------------------------


def test_an_empty_plot_sharing_a_date_axis_leaves_the_other_plot_s_dates() -> None:
    """Late deliveries with nothing shipped, under losses by week: it once broke the date axis."""
    weeks = pd.DataFrame(
        {
            "week": [0, 1],
            "week_start": ["2020-03-02", "2020-03-09"],
            "lost_kg": [1.0, 2.0],
        }
    )
    deliveries = pd.DataFrame(columns=["week", "scheduled_day", "kg", "late"])
    figure = matplotlib.figure.Figure(layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    plots.lost_in_transit(weeks, ax=top)
    plots.late_deliveries(deliveries, ax=bottom)
    figure.draw_without_rendering()
    assert [t.get_text() for t in bottom.texts] == [
        "Nothing to show: nothing was shipped in this run"
    ]
    dates = top.xaxis.get_major_formatter().format_ticks(top.xaxis.get_majorticklocs())
    assert dates and all(dates)  # the weeks of the plot above keep their dates
