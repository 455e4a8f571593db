"""Plots of a results folder's tables, one function per plot.

Each function takes a table as the results folder holds it (read back from CSV or Parquet:
categories and dates may be strings), draws on the given matplotlib ``Axes`` — or on a new figure
of its own when none is given — and returns that ``Axes``, as xarray's plot functions do. Tables
with several replications are averaged over them: a row missing from a replication counts as zero.

Figures are made with ``matplotlib.figure.Figure``, never with pyplot, so plotting leaves no
global state behind and needs no display. A plot with nothing to draw (no sales, no audits, no
setting with a value) says so, and why, with `nothing_to_show`.
"""

from __future__ import annotations

import functools
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.container import BarContainer
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredText
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from canteensim import text
from canteensim.report.fonts import cjk_font, font_families
from canteensim.report.read import as_bool
from canteensim.report.why import Nothing
from canteensim.results import FAILURE_CAUSES, PERCENT_KPIS
from canteensim.results import kpi as kpi_spec

QUOTA_BINS = (0.0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)
"""Bins of aid bought ÷ quota in the compliance heat map: red below 1, blue from 1. Which side of
1 a cell is drawn on is the model's ``compliant`` column's to say (see `compliance_matrix`), so
the heat map holds no tolerance of its own."""

_BELOW_ONE = float(np.nextafter(1.0, 0.0))
"""The largest number below 1: where a cell the model says fell short of the quota is drawn at
most."""

MAX_LABELLED_CANTEENS = 60
MAX_LEVEL_MONTHS = 8
"""Month labels beyond this many are slanted, so that a year's do not overlap."""
"""Above this many canteens the heat map drops the canteen names and sorts canteens by need."""

_CATEGORY_COLOURS = (
    "#4c9a2a",  # vegetables: green
    "#f2a900",  # fruit: amber
    "#c0392b",  # pork: red
    "#e67e22",  # poultry: orange
    "#2e86c1",  # aquatic: blue
    "#d4ac0d",  # eggs: yellow
    "#8d6e63",  # grain: brown
    "#a93226",  # meat: dark red
    "#b7950b",  # oil: olive
)
_KNOWN_CATEGORIES = (
    "vegetables",
    "fruit",
    "pork",
    "poultry",
    "aquatic",
    "eggs",
    "grain",
    "meat",
    "oil",
)
_OTHER_COLOURS = ("#7f7f7f", "#9467bd", "#17becf", "#bcbd22", "#e377c2", "#1f77b4", "#ff7f0e")

CAUSE_COLOURS = {
    "did_not_order": "#c0392b",  # red: the canteen's own doing
    "rounding": "#e67e22",  # orange
    "supply_short": "#f1c40f",  # yellow: the platform's
    "moved_out": "#8e44ad",  # purple: the calendar's and the fleet's
    "transit_loss": "#7f8c8d",  # grey
    "attendance": "#2e86c1",  # blue: the diners'
}
"""A colour for each cause of a failed audit (`canteensim.results.FAILURE_CAUSES`)."""

_FLOW_STYLES: dict[str, dict[str, Any]] = {
    "listed_kg": {"color": "#7f7f7f", "linestyle": "-", "linewidth": 2.0},
    "ordered_kg": {"color": "#d35400", "linestyle": "--", "linewidth": 1.6, "zorder": 3},
    "sold_kg": {"color": "#1e8449", "linestyle": "-", "linewidth": 1.8},
}
_FLOW_LABELS = {
    "listed_kg": "weekly.listed",
    "ordered_kg": "weekly.ordered",
    "sold_kg": "weekly.sold",
}


_Plot = TypeVar("_Plot", bound=Callable[..., Axes])


def _in_report_fonts(plot: _Plot) -> _Plot:
    """Draw `plot` in the report's fonts for its ``lang`` (a CJK font first for Chinese, as a
    fallback for Chinese names in English), so that a notebook user calling it gets Chinese
    without setting fonts: its text is made inside them, and its tick labels, made later as the
    figure is drawn, are given them too."""

    @functools.wraps(plot)
    def drawn(*args: Any, **kwargs: Any) -> Axes:
        families = font_families(kwargs.get("lang", "en"))
        with matplotlib.rc_context({"font.family": families}), warnings.catch_warnings():
            if cjk_font() is None:  # said once already; not once more per character
                warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
            ax = plot(*args, **kwargs)
        ax.tick_params(labelfontfamily=families)
        return ax

    return drawn  # type: ignore[return-value]


# --- helpers --------------------------------------------------------------------------------


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (9.0, 5.0)) -> Axes:
    """`ax`, or the Axes of a new figure (Agg canvas, constrained layout) when it is None."""
    if ax is not None:
        return ax
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure.add_subplot()


def _figure_of(ax: Axes) -> Figure | SubFigure:
    figure = ax.get_figure()
    if figure is None:  # pragma: no cover - an Axes always belongs to a figure
        raise ValueError("ax belongs to no figure; create it with Figure.add_subplot")
    return figure


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The table with byte-order marks stripped from its column names (CSV read as plain UTF-8)."""
    if any(str(column).startswith("\ufeff") for column in table.columns):
        table = table.rename(columns=lambda column: str(column).lstrip("\ufeff"))
    return table


def _replications(table: pd.DataFrame, replications: int | None = None) -> int:
    """What a table's sums are divided by for a mean of replications: `replications` when
    given (a run's own count, `canteensim.report.read.ResultsFolder.replications`, which a
    table lacking rows of some replication cannot tell), else the replications the table holds
    (1 when it has no `replication` column)."""
    if replications is not None:
        if replications < 1:
            raise ValueError(f"replications={replications}: must be at least 1")
        return replications
    if "replication" not in table.columns or table.empty:
        return 1
    return max(int(table["replication"].nunique()), 1)


def _as_dates(values: pd.Series) -> pd.Series:
    """Dates, whether they came back as dates or as ``"2020-03-02"`` strings."""
    return pd.to_datetime(values)


def _money_axis(ax_axis: Any, largest: float, lang: str) -> str:
    """Format a yuan axis for `lang` and return the suffix of its label's key: an axis whose
    data reach `text.WAN_FROM_YUAN` reads in 万元 in Chinese (``".wan"``), as a Chinese office
    writes large amounts; otherwise whole yuan with thousands separators (``""``)."""
    wan = text.in_wan(lang, largest)
    ax_axis.set_major_formatter(_yuan_formatter(wan))
    return ".wan" if wan else ""


def _yuan_formatter(wan: bool) -> FuncFormatter:
    """Ticks of an amount of yuan: in 万 (``2.5``, ``30``), or whole yuan (``300,000``)."""
    if wan:
        return FuncFormatter(lambda value, _: text.wan(value))
    return _whole_numbers()


def _whole_numbers() -> FuncFormatter:
    """Ticks as whole numbers with thousands separators: ``300,000``."""
    return FuncFormatter(lambda value, _: f"{value:,.0f}")


def _thousands(ax_axis: Any) -> None:
    ax_axis.set_major_formatter(_whole_numbers())


class _ConciseDates(mdates.ConciseDateFormatter):
    """matplotlib's concise date labels ("Mar", "15", "2020-Jun"), in the report's language
    ("3月", "15日", "2020年6月"), and no failure (IndexError) on an axis with no ticks."""

    def __init__(self, locator: Any, lang: str = "en") -> None:
        super().__init__(locator)  # type: ignore[no-untyped-call]
        self.lang = lang

    def format_ticks(self, values: Any) -> list[str]:
        if len(values) == 0:
            return []
        labels = super().format_ticks(values)  # type: ignore[no-untyped-call]
        return [text.date_label(self.lang, label) for label in labels]

    def get_offset(self) -> str:
        return text.date_label(self.lang, str(super().get_offset()))  # type: ignore[no-untyped-call]


class _SteadyDates(mdates.AutoDateLocator):
    """matplotlib's automatic date ticks, computed once for each view of the axis: a figure's
    layout asks for an axis' ticks dozens of times over (each panel of the weekly figure about
    35), and the answer changes only with the dates in view."""

    def __init__(self, maxticks: int) -> None:
        super().__init__(maxticks=maxticks)  # type: ignore[no-untyped-call]
        self._view: tuple[float, float] | None = None
        self._ticks: Any = None

    def __call__(self) -> Any:
        view = tuple(self.axis.get_view_interval())  # type: ignore[union-attr]
        if view != self._view:
            self._view, self._ticks = view, super().__call__()  # type: ignore[no-untyped-call]
        return self._ticks


def _date_axis(ax: Axes, maxticks: int, lang: str = "en") -> None:
    """Dates on the x axis, labelled as briefly as their spacing allows, in `lang`."""
    locator = _SteadyDates(maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_ConciseDates(locator, lang))


def _legend_outside(ax: Axes, **kwargs: Any) -> None:
    """A legend to the right of the data, where it hides nothing."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def nothing_to_show(
    ax: Axes, nothing: Nothing, lang: str = "en", *, columns: int = 64, fontsize: str = "large"
) -> Axes:
    """Draw the empty state of a plot: "Nothing to show: <what is missing>, as <why>".

    Every plot and figure of a report with nothing to draw draws this instead, so that a run
    that sold nothing still gets each of its figures, saying what is missing and why. Only this
    Axes' ticks are hidden (`tick_params`): the ticks of Axes sharing its x axis stay.

    Parameters
    ----------
    nothing:
        What is missing and why, in `lang` (`canteensim.report.why.Nothing`).
    columns:
        Width of a line of the message, in characters (a Chinese character counts two).
    """
    message = text.say(lang, "nothing_to_show", reason=nothing.sentence(lang))
    ax.text(
        0.5,
        0.5,
        "\n".join(_wrap(message, columns)),
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="#555555",
        fontsize=fontsize,
        linespacing=1.5,
    )
    ax.tick_params(
        axis="both", which="both", bottom=False, left=False, labelbottom=False, labelleft=False
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)
    return ax


_NO_LINE_START = frozenset("、，。；：）」！？")
"""Chinese punctuation that stays at the end of the line before rather than begin one."""


def _wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns`, a wide (Chinese) character counting two.

    Lines break at spaces, or between two wide characters; a run of ASCII (a date, a word) is
    never split, and closing Chinese punctuation never begins a line.
    """
    lines: list[str] = []
    line, width, space = "", 0, False
    for token in re.findall(r"[^\x00-\x7f]|[\x21-\x7e]+|\s+", text):
        if token.isspace():
            space = True
            continue
        size = len(token) if token.isascii() else 2
        gap = 1 if space and line else 0
        if line and width + gap + size > columns and token not in _NO_LINE_START:
            lines.append(line)
            line, width, gap = "", 0, 0
        line += " " * gap + token
        width += gap + size
        space = False
    return [*lines, line] if line else lines


def _no_data(ax: Axes, lang: str) -> Axes:
    """The empty state of a plot given an empty table."""
    return nothing_to_show(ax, Nothing(text.say(lang, "why.no_data")), lang)


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """A colour for each category, the same in every plot of a report."""
    colours: dict[str, str] = {}
    others = iter(_OTHER_COLOURS * (len(categories) // len(_OTHER_COLOURS) + 1))
    for name in categories:
        if name in _KNOWN_CATEGORIES:
            colours[name] = _CATEGORY_COLOURS[_KNOWN_CATEGORIES.index(name)]
        else:
            colours[name] = next(others)
    return colours


def _month_ticks(
    ax: Axes, months: Sequence[str], partial: Sequence[bool], lang: str, *, key: str = "partial"
) -> None:
    """Month (or audit period) labels under positions 0, 1, …; partial ones say so, in the
    words of `key` (``"partial_audit"`` for audit periods, which may be quarters or years)."""
    tick_labels = [
        f"{month}\n({text.say(lang, key)})" if is_partial else str(month)
        for month, is_partial in zip(months, partial, strict=True)
    ]
    crowded = len(months) > MAX_LEVEL_MONTHS  # a year's months side by side overlap: slant them
    ax.set_xticks(
        np.arange(len(months)),
        tick_labels,
        rotation=45 if crowded else 0,
        ha="right" if crowded else "center",
        rotation_mode="anchor",
    )


def _partial_months(table: pd.DataFrame, months: Sequence[str]) -> list[bool]:
    if "partial" not in table.columns:
        return [False] * len(months)
    by_month = as_bool(table["partial"]).groupby(table["month"].astype(str)).any()
    return [bool(by_month.get(month, False)) for month in months]


# --- a run ----------------------------------------------------------------------------------


@_in_report_fonts
def monthly_sales(
    monthly_sales: pd.DataFrame,
    *,
    observed_yuan: float | None = None,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Stacked bars of sales by category in each month; partial months hatched.

    Parameters
    ----------
    monthly_sales:
        The run's ``monthly_sales`` table: ``month``, ``category``, ``sales_yuan`` (yuan),
        ``partial`` and ``replication``.
    observed_yuan:
        The scenario's observed monthly sales (yuan a month), drawn as a dashed line when given.
    replications:
        How many replications the table's sums are a mean of (a run's own count); by default
        the distinct values of its ``replication`` column.
    ax:
        Where to draw; a new figure when None.
    lang:
        ``"en"`` or ``"zh"``.

    Returns
    -------
    The Axes, one bar per category and month (the bar containers in ``ax.containers``, one per
    category, biggest seller at the bottom).
    """
    text.check_lang(lang)
    table = _tidy(monthly_sales)
    ax = _new_axes(ax)
    if table.empty:
        return _no_data(ax, lang)
    table = table.assign(month=table["month"].astype(str), category=table["category"].astype(str))
    sales = table.pivot_table(
        index="month", columns="category", values="sales_yuan", aggfunc="sum", fill_value=0.0
    ).sort_index() / _replications(table, replications)
    if not (sales.to_numpy() > 0).any():
        ax.set_title(text.say(lang, "monthly_sales.title"))
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_sales")), lang)
    order = sales.sum().sort_values(ascending=False, kind="stable").index.tolist()
    months = sales.index.tolist()
    partial = _partial_months(table, months)
    colours = category_colours(sorted(order))
    x = np.arange(len(months))
    bottom = np.zeros(len(months))
    for name in order:
        values = sales[name].to_numpy(dtype=float)
        bars = ax.bar(
            x,
            values,
            bottom=bottom,
            width=0.75,
            color=colours[name],
            edgecolor="white",
            linewidth=0.5,
            label=text.category(lang, name),
        )
        for patch, is_partial in zip(bars.patches, partial, strict=True):
            if is_partial:
                patch.set_hatch("///")
                patch.set_alpha(0.6)
        bottom = bottom + values
    # plain swatches (the first bar may be a hatched partial month), top to bottom like the stack
    names = [text.category(lang, name) for name in order[::-1]]
    handles: list[Artist] = [Patch(facecolor=colours[name]) for name in order[::-1]]
    if any(partial):
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="///"))
        names.append(text.say(lang, "partial_month"))
    if observed_yuan is not None:
        observed = text.say(lang, "observed", value=text.money(observed_yuan, lang))
        line = ax.axhline(
            observed_yuan, color="black", linestyle="--", linewidth=1.3, label=observed
        )
        handles.insert(0, line)
        names.insert(0, observed)
    _legend_outside(ax, handles=handles, labels=names)
    _month_ticks(ax, months, partial, lang)
    unit = _money_axis(ax.yaxis, float(ax.dataLim.y1), lang)
    ax.set_xlabel(text.say(lang, "col.month"))
    ax.set_ylabel(text.say(lang, f"monthly_sales.y{unit}"))
    ax.set_title(text.say(lang, "monthly_sales.title"))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def compliance_matrix(canteen_months: pd.DataFrame) -> pd.DataFrame:
    """Canteen × month: aid bought ÷ aid required, in the worst audited row, mean of replications.

    Only the rows the quota audits count (``audited``: bound canteens, the categories — or the
    total — the quota is set on). A row's value is the model's ``fulfilment`` (aid ÷ required on
    the quota's basis; none where nothing is required), put on the side of 1 its ``compliant``
    says: a row that complies to within the model's tolerance counts as 1 at least, one that
    does not stays below 1. With a quota per category, a canteen-month's value is that of its
    worst category, so in a replication a value of at least 1 means every audit of that month
    was met.
    """
    table = _tidy(canteen_months)
    if table.empty or "audited" not in table.columns:
        return pd.DataFrame()
    audited = table[as_bool(table["audited"])]
    fulfilment = audited["fulfilment"].astype(float)
    ratio = fulfilment.clip(lower=1.0).where(
        as_bool(audited["compliant"]), fulfilment.clip(upper=_BELOW_ONE)
    )
    cells = pd.DataFrame(
        {
            "replication": audited.get("replication", 0),
            "canteen_id": audited["canteen_id"].astype(str),
            "month": audited["month"].astype(str),
            "ratio": ratio,
        }
    )
    worst = cells.groupby(["replication", "canteen_id", "month"])["ratio"].min()
    return worst.groupby(level=["canteen_id", "month"]).mean().unstack("month").sort_index(axis=1)


@_in_report_fonts
def quota_compliance(
    canteen_months: pd.DataFrame,
    *,
    per: str,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Heat map of aid bought ÷ quota, bound canteen × audited month, with a colour bar.

    Red cells fall short of the quota, blue cells meet it; the colour bar marks the quota at 1
    and ends at 2 (twice the quota or more). Grey cells have no audit. See `compliance_matrix`
    for what a cell is; `per` is the scenario's ``quota.per``, which the colour bar names.
    Up to `MAX_LABELLED_CANTEENS` canteens are shown by name, in the order of their ids; more are
    sorted by their mean value, lowest at the top, without names.

    Returns
    -------
    The Axes; its image (``ax.images[0]``) is the canteens × months array.
    """
    text.check_lang(lang)
    ax = _new_axes(ax, figsize=(9.0, 8.0))
    matrix = compliance_matrix(canteen_months)
    if matrix.empty or matrix.isna().all(axis=None):  # no audit, or none with a quota to meet
        ax.set_title(text.say(lang, "compliance.title"))
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_audits")), lang)
    many = len(matrix) > MAX_LABELLED_CANTEENS
    if many:
        matrix = matrix.loc[matrix.mean(axis=1).sort_values(kind="stable").index]
    reds = ["#67000d", "#cb181d", "#fb6a4a", "#fcbba1"]
    blues = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
    cmap = ListedColormap(reds + blues).with_extremes(over="#08306b", bad="#d9d9d9")
    norm = BoundaryNorm(QUOTA_BINS, ncolors=cmap.N)
    image = ax.imshow(
        matrix.to_numpy(dtype=float),
        aspect="auto",
        cmap=cmap,
        norm=norm,
        interpolation="nearest",
    )
    months = matrix.columns.tolist()
    _month_ticks(
        ax, months, _partial_months(_tidy(canteen_months), months), lang, key="partial_audit"
    )
    ax.set_xlabel(text.say(lang, "col.period"))
    if many:
        ax.set_yticks([])
        ax.set_ylabel(text.say(lang, "canteens_many", n=len(matrix)))
    else:
        ax.set_yticks(np.arange(len(matrix)), matrix.index.tolist())
        ax.set_ylabel(text.say(lang, "canteen"))
        ax.tick_params(axis="y", labelsize="small" if len(matrix) > 30 else "medium")
    key = "compliance.colorbar" if per == "category" else "compliance.colorbar_total"
    colorbar = _figure_of(ax).colorbar(
        image, ax=ax, extend="max", spacing="uniform", ticks=list(QUOTA_BINS)
    )
    colorbar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    colorbar.ax.axhline(1.0, color="black", linewidth=2.0)
    colorbar.set_label(text.say(lang, key))
    ax.set_title(text.say(lang, "compliance.title"))
    return ax


SIZE_BANDS = ("small", "medium", "large")
"""Bound canteens grouped by size: terciles of their mean audited consumption a period."""


def compliance_shares(canteen_months: pd.DataFrame, by: str) -> pd.DataFrame:
    """Group × audit period: the share of the audits met, mean of replications.

    `by` is ``"category"`` (which kinds of food fail) or ``"group"`` (bound canteens by kind and
    size band, `SIZE_BANDS`, for a province's thousands of canteens); a group's label is
    ``"kind|band"``. Only rows the quota audits count, as `compliance_matrix`.
    """
    table = _tidy(canteen_months)
    if table.empty or "audited" not in table.columns:
        return pd.DataFrame()
    audited = table[as_bool(table["audited"])]
    if audited.empty:
        return pd.DataFrame()
    keys = audited["category"].astype(str) if by == "category" else _size_groups(audited)
    cells = pd.DataFrame(
        {
            "replication": audited.get("replication", 0),
            "group": keys,
            "month": audited["month"].astype(str),
            "met": as_bool(audited["compliant"]).astype(float),
        }
    )
    shares = cells.groupby(["replication", "group", "month"])["met"].mean()
    return shares.groupby(level=["group", "month"]).mean().unstack("month").sort_index(axis=1)


def _size_groups(audited: pd.DataFrame) -> pd.Series:
    """Each audited row's ``"kind|band"``: its canteen's kind and size tercile."""
    canteen = audited["canteen_id"].astype(str)
    size = audited["consumption_kg"].astype(float).groupby(canteen).mean()
    ranks = size.rank(method="first")
    bands = pd.cut(ranks, bins=min(3, len(size)), labels=list(SIZE_BANDS[: min(3, len(size))]))
    return audited["kind"].astype(str) + "|" + canteen.map(bands.astype(str))


@_in_report_fonts
def compliance_share_map(
    shares: pd.DataFrame,
    *,
    canteen_months: pd.DataFrame,
    rows: str,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Heat map of the share of audits met, row × audit period, each cell labelled.

    `shares` is `compliance_shares`; `rows` (``"category"`` or ``"group"``) says how rows are
    named. Red is few audits met, blue all; grey cells have no audit.
    """
    text.check_lang(lang)
    ax = _new_axes(ax, figsize=(9.0, 4.0))
    if shares.empty:
        return _no_data(ax, lang)
    values = shares.to_numpy(dtype=float)
    cmap = colormaps["RdBu"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(values, aspect="auto", cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value):
            ink = "white" if abs(value - 0.5) > 0.3 else "black"
            ax.text(column, row, f"{value:.0%}", ha="center", va="center", color=ink, fontsize=8)
    months = shares.columns.tolist()
    partial = _partial_months(_tidy(canteen_months), months)
    _month_ticks(ax, months, partial, lang, key="partial_audit")
    names = [_share_row_name(str(name), rows, lang) for name in shares.index]
    ax.set_yticks(np.arange(len(names)), names)
    ax.set_ylabel(text.say(lang, f"compliance.rows.{rows}"))
    colorbar = _figure_of(ax).colorbar(image, ax=ax)
    colorbar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    colorbar.set_label(text.say(lang, "compliance.share_met"))
    ax.set_title(text.say(lang, f"compliance.title.{rows}"))
    return ax


def _share_row_name(name: str, rows: str, lang: str) -> str:
    if rows == "category":
        return text.category(lang, name)
    kind, _, band = name.partition("|")
    return f"{text.canteen_kind(lang, kind)} · {text.say(lang, f'size.{band}')}"


# --- failed audits -------------------------------------------------------------------------


def failure_counts(
    audit_failures: pd.DataFrame, *, by: str, replications: int | None = None
) -> pd.DataFrame:
    """Failed audits by `by` (``month``: the audit period, or ``category``) and cause, mean of
    replications: one column per cause that occurs, in the order of `FAILURE_CAUSES`."""
    table = _tidy(audit_failures)
    causes = table["cause"].astype(str)
    counts = pd.crosstab(table[by].astype(str), causes).astype(float)
    order = [c for c in FAILURE_CAUSES if c in counts.columns]
    order += sorted(set(counts.columns) - set(order))  # a cause this version does not know
    return counts[order] / _replications(table, replications)


def _cause_colours(causes: Sequence[str]) -> dict[str, str]:
    others = iter(_OTHER_COLOURS * (len(causes) // len(_OTHER_COLOURS) + 1))
    return {cause: CAUSE_COLOURS.get(cause) or next(others) for cause in causes}


def cause_legend(
    causes: Sequence[str], lang: str, *, partial: bool = False
) -> tuple[list[Artist], list[str]]:
    """Swatches and wrapped names of `causes`, and of partial periods when `partial`: one
    legend for the panels of the failed-audits figure."""
    colours = _cause_colours(causes)
    handles: list[Artist] = [Patch(facecolor=colours[cause]) for cause in causes]
    names = ["\n".join(_wrap(text.failure_cause(lang, cause), 38)) for cause in causes]
    if partial:
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="///"))
        names.append(text.say(lang, "partial_period"))
    return handles, names


def _stacked_causes(ax: Axes, counts: pd.DataFrame, *, horizontal: bool) -> list[BarContainer]:
    """One bar per row of `counts`, stacked by cause in column order; bars across or up."""
    colours = _cause_colours(list(counts.columns))
    positions = np.arange(len(counts))
    base = np.zeros(len(counts))
    containers = []
    for cause in counts.columns:
        values = counts[cause].to_numpy(dtype=float)
        style: dict[str, Any] = {"color": colours[cause], "edgecolor": "white", "linewidth": 0.5}
        if horizontal:
            bars = ax.barh(positions, values, left=base, height=0.7, **style)
        else:
            bars = ax.bar(positions, values, bottom=base, width=0.75, **style)
        containers.append(bars)
        base = base + values
    # the zero-height bars of a cause absent from the tallest stack stick the axis to its top
    tallest = float(base.max()) if len(base) else 0.0
    (ax.set_xlim if horizontal else ax.set_ylim)(0.0, tallest * 1.05 or 1.0)
    return containers


@_in_report_fonts
def failed_audits_by_period(
    audit_failures: pd.DataFrame,
    *,
    canteen_months: pd.DataFrame | None = None,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    legend: bool = True,
) -> Axes:
    """Stacked bars of failed audits in each audit period by primary cause; partial periods
    hatched (mean of replications).

    Parameters
    ----------
    audit_failures:
        The run's ``audit_failures`` table: ``month`` (the period's label), ``cause``,
        ``partial`` and ``replication``.
    canteen_months:
        The run's ``canteen_months``: its audited periods get a bar (empty where every audit
        was met) and say which periods are partial; by default those of `audit_failures`.
    legend:
        Whether to give this Axes a legend (the figure of two panels shares one instead).

    Returns
    -------
    The Axes, one bar container per cause that occurs (in the order of `FAILURE_CAUSES`),
    one bar per audit period.
    """
    text.check_lang(lang)
    ax = _new_axes(ax)
    ax.set_title(text.say(lang, "failures.by_period"))
    table = _tidy(audit_failures)
    if table.empty:
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_failures")), lang)
    counts = failure_counts(table, by="month", replications=replications)
    periods = _audited_periods(canteen_months if canteen_months is not None else table)
    counts = counts.reindex(sorted(set(counts.index) | set(periods)), fill_value=0.0)
    months = counts.index.tolist()
    partial = _partial_months(canteen_months if canteen_months is not None else table, months)
    for bars in _stacked_causes(ax, counts, horizontal=False):
        for patch, is_partial in zip(bars.patches, partial, strict=True):
            if is_partial:
                patch.set_hatch("///")
                patch.set_alpha(0.6)
    if legend:
        handles, names = cause_legend(list(counts.columns), lang, partial=any(partial))
        _legend_outside(ax, handles=handles, labels=names)
    _month_ticks(ax, months, partial, lang, key="partial_audit")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text.say(lang, "col.period"))
    ax.set_ylabel(text.say(lang, "failures.count"))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def _audited_periods(table: pd.DataFrame) -> list[str]:
    """The audit periods of a table's audited rows (every row of ``audit_failures`` is one)."""
    audited = as_bool(table["audited"]) if "audited" in table.columns else None
    periods = table["month"] if audited is None else table.loc[audited, "month"]
    return sorted(periods.astype(str).unique())


@_in_report_fonts
def failed_audits_by_category(
    audit_failures: pd.DataFrame,
    *,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    legend: bool = True,
) -> Axes:
    """Horizontal stacked bars of failed audits in each category (or the total, when the quota
    is on it) by primary cause, over all audit periods (mean of replications).

    Returns
    -------
    The Axes, one bar container per cause that occurs (in the order of `FAILURE_CAUSES`),
    one bar per category, the most failed at the top.
    """
    text.check_lang(lang)
    ax = _new_axes(ax)
    ax.set_title(text.say(lang, "failures.by_category"))
    table = _tidy(audit_failures)
    if table.empty:
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_failures")), lang)
    counts = failure_counts(table, by="category", replications=replications)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]  # most at the top
    _stacked_causes(ax, counts, horizontal=True)
    ax.set_yticks(np.arange(len(counts)), [text.category(lang, c) for c in counts.index])
    if legend:
        handles, names = cause_legend(list(counts.columns), lang)
        _legend_outside(ax, handles=handles, labels=names)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text.say(lang, "failures.count"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def week_starts(weekly_products: pd.DataFrame) -> pd.Series:
    """Week index → the Monday it starts on."""
    table = _tidy(weekly_products)
    return _as_dates(table.groupby("week")["week_start"].first()).sort_index()


@_in_report_fonts
def weekly_supply(
    weekly_products: pd.DataFrame,
    category: str,
    *,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    legend: bool = True,
) -> Axes:
    """Lines of kg listed, ordered and sold each week in one category.

    Parameters
    ----------
    weekly_products:
        The run's ``weekly_products`` table: ``week``, ``week_start``, ``category``,
        ``listed_kg``, ``ordered_kg``, ``sold_kg`` (kg a week) and ``replication``.
    category:
        The category to draw; the figure of all categories draws one Axes per category.
    replications:
        How many replications the table's sums are a mean of (a run's own count); by default
        the distinct values of its ``replication`` column.
    legend:
        Whether to give this Axes a legend (small multiples share one legend instead).

    Returns
    -------
    The Axes with three lines: listed, ordered, sold (kg a week, mean of replications), and the
    gap between ordered and sold shaded where orders went unfilled (in ``ax.collections``).
    Orders rarely pass the category's listed total: a line goes unfilled when its own product
    sells out, so the shaded gap, not the listed line, shows what canteens did not get.
    """
    text.check_lang(lang)
    table = _tidy(weekly_products)
    ax = _new_axes(ax)
    if table.empty:
        return _no_data(ax, lang)
    replications = _replications(table, replications)
    starts = week_starts(table)
    rows = table[table["category"].astype(str) == category]
    flows = list(_FLOW_STYLES)
    weekly = rows.groupby("week")[flows].sum().reindex(starts.index, fill_value=0.0) / replications
    dates = starts.to_numpy()
    for flow in flows:
        ax.plot(
            dates,
            weekly[flow].to_numpy(dtype=float),
            label=text.say(lang, _FLOW_LABELS[flow]),
            **_FLOW_STYLES[flow],
        )
    ordered, sold = (weekly[flow].to_numpy(dtype=float) for flow in ("ordered_kg", "sold_kg"))
    ax.fill_between(
        dates,
        sold,
        ordered,
        where=ordered > sold,
        interpolate=True,
        color=_FLOW_STYLES["ordered_kg"]["color"],
        alpha=0.3,
        linewidth=0,
        label=text.say(lang, "weekly.unfilled"),
    )
    _date_axis(ax, maxticks=6, lang=lang)
    _thousands(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_title(text.category(lang, category))
    ax.set_ylabel(text.say(lang, "kg_per_week"))
    ax.grid(alpha=0.3)
    if legend:
        _legend_outside(ax)
    return ax


@_in_report_fonts
def lost_in_transit(
    weekly_products: pd.DataFrame,
    *,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Bars of kg lost in transit each week (all products, mean of replications).

    Parameters
    ----------
    weekly_products:
        The run's ``weekly_products`` table: ``week``, ``week_start``, ``lost_kg``.
    replications:
        How many replications the table's sums are a mean of (a run's own count); by default
        the distinct values of its ``replication`` column.

    Returns
    -------
    The Axes with one bar per week of the table.
    """
    text.check_lang(lang)
    table = _tidy(weekly_products)
    ax = _new_axes(ax)
    if table.empty:
        return _no_data(ax, lang)
    starts = week_starts(table)
    lost = table.groupby("week")["lost_kg"].sum().reindex(starts.index, fill_value=0.0)
    _weekly_bars(ax, starts, lost / _replications(table, replications), "#c0392b", lang)
    ax.set_title(text.say(lang, "lost.title"))
    ax.set_ylabel(text.say(lang, "lost.y"))
    return ax


@_in_report_fonts
def late_deliveries(
    deliveries: pd.DataFrame,
    *,
    week_starts: pd.Series | None = None,
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Bars of kg delivered after their scheduled day, each week (mean of replications).

    Parameters
    ----------
    deliveries:
        The run's ``deliveries`` table: ``week``, ``scheduled_day``, ``kg``, ``late``.
    week_starts:
        Week index → its Monday, to share the x axis with `lost_in_transit`; by default the
        Monday of each week's first scheduled day.
    replications:
        How many replications the table's sums are a mean of (a run's own count); by default
        the distinct values of its ``replication`` column.

    Returns
    -------
    The Axes with one bar per week (of `week_starts`, or of the table).
    """
    text.check_lang(lang)
    table = _tidy(deliveries)
    ax = _new_axes(ax)
    if table.empty:
        ax.set_title(text.say(lang, "late.title"))
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_shipments")), lang)
    if week_starts is None:
        first = _as_dates(table["scheduled_day"]).groupby(table["week"]).min()
        week_starts = (first - pd.to_timedelta(first.dt.day_of_week, unit="D")).sort_index()
    late_kg = table["kg"].astype(float).where(as_bool(table["late"]), 0.0)
    late = late_kg.groupby(table["week"]).sum().reindex(week_starts.index, fill_value=0.0)
    _weekly_bars(ax, week_starts, late / _replications(table, replications), "#7d3c98", lang)
    ax.set_title(text.say(lang, "late.title"))
    ax.set_ylabel(text.say(lang, "late.y"))
    return ax


def _weekly_bars(
    ax: Axes, starts: pd.Series, values: pd.Series, colour: str, lang: str
) -> BarContainer:
    bars = ax.bar(
        _as_dates(starts).to_numpy(),
        values.to_numpy(dtype=float),
        width=np.timedelta64(5, "D"),
        align="edge",
        color=colour,
    )
    _date_axis(ax, maxticks=8, lang=lang)
    _thousands(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return bars


def farmer_income_by(
    weekly_products: pd.DataFrame, *, by: str = "county", replications: int | None = None
) -> pd.Series:
    """Farmer income (yuan) per `by` value, mean of replications, largest first.

    The sum of the model's ``farmer_income_yuan`` of each product-week: its sales less the
    platform's commission and logistics, divided by `replications` (by default the distinct
    values of the table's ``replication`` column).
    """
    table = _tidy(weekly_products)
    income = table["farmer_income_yuan"].astype(float)
    totals = income.groupby(table[by].astype(str)).sum() / _replications(table, replications)
    return totals.sort_values(ascending=False, kind="stable")


@_in_report_fonts
def farmer_income(
    weekly_products: pd.DataFrame,
    *,
    by: str = "county",
    replications: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Horizontal bars of farmer income (yuan) by county (or ``by="cooperative_id"``).

    See `farmer_income_by` for the income.

    Returns
    -------
    The Axes with one bar per county, the largest at the top, each labelled with its yuan.
    """
    text.check_lang(lang)
    ax = _new_axes(ax)
    income = farmer_income_by(weekly_products, by=by, replications=replications)
    if income.empty:
        return _no_data(ax, lang)
    ascending = income.iloc[::-1]
    bars = ax.barh(ascending.index.tolist(), ascending.to_numpy(dtype=float), color="#4c9a2a")
    unit = _money_axis(ax.xaxis, float(ascending.max()), lang)
    shown = [f"{v / 1e4:,.1f} 万元" if unit else text.number(v) for v in ascending]
    ax.bar_label(bars, labels=shown, padding=3, fontsize="small")
    ax.margins(x=0.15)
    ax.set_xlabel(text.say(lang, f"income.x{unit}"))
    title = "income.title.county" if by == "county" else "income.title.cooperative_id"
    ax.set_title(text.say(lang, title))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


# --- a comparison ---------------------------------------------------------------------------


def _kpi_rows(comparison: pd.DataFrame, kpi: str) -> pd.DataFrame:
    table = _tidy(comparison)
    rows = table[table["kpi"].astype(str) == kpi]
    return rows.sort_values("setting_index", kind="stable").reset_index(drop=True)


def _no_value(ax: Axes, kpi: str, reason: str, lang: str) -> Axes:
    """The empty state of a comparison's panel of `kpi`: the KPI is n/a, and when it is so."""
    ax.set_title(text.kpi(lang, kpi))
    nothing = Nothing(text.say(lang, reason), text.undefined(lang, kpi))
    return nothing_to_show(ax, nothing, lang, columns=48, fontsize="small")


def _kpi_formatter(kpi: str, wan: bool = False) -> FuncFormatter | PercentFormatter:
    """A KPI's ticks: shares in percent, amounts with thousands separators, or in 万元."""
    if kpi in PERCENT_KPIS:
        return PercentFormatter(1.0, decimals=0)
    return _yuan_formatter(wan)


def _in_wan(kpi: str, values: Any, lang: str) -> bool:
    """Whether an axis of the yuan KPI `kpi` reads in 万元 in `lang` (`text.in_wan` of its
    largest finite value)."""
    info = kpi_spec(kpi)
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    yuan = info is not None and info.unit == "yuan"
    return yuan and bool(finite.size) and text.in_wan(lang, float(finite.max()))


def _kpi_locator(kpi: str, nbins: int | Literal["auto"] = "auto") -> MaxNLocator:
    """Ticks of a KPI's axis; yuan, kg and counts on whole numbers, so that a KPI that is 0 in
    every setting gets one tick "0" rather than "-0, 0, 0"."""
    steps = [1, 2, 2.5, 5, 10]  # those of matplotlib's default locator
    integer = kpi not in PERCENT_KPIS
    return MaxNLocator(nbins=nbins, steps=steps, integer=integer, min_n_ticks=1 if integer else 2)


_SATURATED_SHADE: dict[str, Any] = {
    "facecolor": "#eaecee",
    "edgecolor": "#b3b6b7",
    "hatch": "//",
    "linewidth": 0.0,
    "zorder": 0,
}
"""How the settings where supply saturates are shaded: light grey, hatched, under everything."""


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) pairs: ``[1, 2, 4]`` → ``[(1, 2), (4, 4)]``."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indices):
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _shade_saturated(
    ax: Axes, settings: Sequence[str], positions: np.ndarray, saturated: Sequence[str], axis: str
) -> None:
    """Shade the settings where supply saturates, each run of neighbouring ones as one span.

    Along ``axis="x"`` the settings sit at numeric `positions`, and a span reaches half a step
    past its first and last setting, clipped to the axes (whose limits it leaves as they were);
    along ``"y"`` each setting is a row one unit high. A run is shaded on its own, so a setting
    between two saturated ones that is not is left clear.
    """
    marked = set(saturated)
    runs = _runs([i for i, setting in enumerate(settings) if setting in marked])
    if not runs:
        return
    if axis == "x":
        levels = np.unique(positions[np.isfinite(positions)])
        half = float(np.diff(levels).min()) / 2 if len(levels) > 1 else 0.5
        limits = ax.get_xlim()
        for first, last in runs:
            run = positions[first : last + 1]
            ax.axvspan(float(run.min()) - half, float(run.max()) + half, **_SATURATED_SHADE)
        ax.set_xlim(limits)
    else:
        for first, last in runs:
            ax.axhspan(first - 0.5, last + 0.5, **_SATURATED_SHADE)


def _mark_axis_origin(
    ax: Axes, axis: Literal["x", "y"], kpi: str, lang: str, *, loc: str = "lower left"
) -> None:
    """Say where a KPI's value axis starts when that is above zero, so that the gap between
    two of its values is not read as their ratio; the axis itself is left where it is.

    The note is small grey text inside the axes, along its axis (up the left edge for y),
    at `loc`: by default the axis's low end, in the margin matplotlib leaves around the data.
    An axis that starts at or below zero gets none.
    """
    value_axis = ax.xaxis if axis == "x" else ax.yaxis
    low = float(min(ax.get_xlim() if axis == "x" else ax.get_ylim()))
    if not low > 0:
        return
    formatter = value_axis.get_major_formatter()  # as the axis's ticks read
    note = AnchoredText(
        text.say(lang, "axis_origin", value=formatter(low, None)),
        loc=loc,
        frameon=False,
        pad=0.1,
        borderpad=0.2,
        prop={"color": "#7f7f7f", "size": "x-small", "rotation": 0 if axis == "x" else 90},
    )
    note.set_gid(f"axis-origin-{axis}")
    ax.add_artist(note)


def setting_label(label: str, lang: str = "en") -> str:
    """A setting's label for an axis: one key a line, by its name in `lang`.

    ``"quota.share=0.2, platform.vehicles=2"`` → ``"Quota share = 20%\nDelivery vehicles = 2"``;
    a label that is not ``key=value`` pairs is wrapped as it is.
    """
    if not all("=" in part for part in label.split(", ")):
        return "\n".join(textwrap.wrap(label, width=28, break_long_words=False)) or label
    return text.setting(lang, label, separator="\n")


@_in_report_fonts
def kpi_by_setting(
    comparison: pd.DataFrame,
    kpi: str,
    *,
    x: Sequence[float] | None = None,
    key: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    setting_labels: bool = True,
    saturated: Sequence[str] = (),
) -> Axes:
    """A KPI's mean against the compared setting with its 95 % confidence interval.

    Parameters
    ----------
    comparison:
        The comparison's ``comparison`` table: ``setting``, ``setting_index``, ``kpi``,
        ``mean``, ``ci_low``, ``ci_high``.
    kpi:
        Which KPI (a ``kpi`` value of the table).
    x:
        The numeric value of the varied key in each setting, in setting order: the means are
        drawn as a line over these values with a shaded band. When None, the settings are
        listed down the y axis, each with its mean and an error bar: settings that are not
        levels of one number have no band between them.
    key:
        The dotted key varied, for the x label.
    reference, reference_label:
        A value to mark with a dashed line (the observed monthly sales, say) and its legend text.
    setting_labels:
        Whether to name the settings (panels side by side name them once).
    saturated:
        The settings (labels) where supply saturates (`canteensim.experiment.statistics.
        saturated`): shaded, since there the listed supply, not the setting, limits the KPI.

    Returns
    -------
    The Axes: a line and a band (in ``ax.collections``), or one error bar container; a shaded
    span (in ``ax.patches``) per run of saturated settings; a note (in ``ax.artists``) saying
    where the value axis starts when that is above zero.
    """
    text.check_lang(lang)
    ax = _new_axes(ax, figsize=(6.0, 4.0))
    rows = _kpi_rows(comparison, kpi)
    if rows.empty:
        return _no_data(ax, lang)
    mean = rows["mean"].to_numpy(dtype=float)
    if np.isnan(mean).all():
        return _no_value(ax, kpi, "why.no_value", lang)
    low, high = rows["ci_low"].to_numpy(dtype=float), rows["ci_high"].to_numpy(dtype=float)
    value_axis = ax.yaxis if x is not None else ax.xaxis
    if x is not None:
        positions = np.asarray(x, dtype=float)
        ax.fill_between(positions, low, high, color="#2e86c1", alpha=0.25, linewidth=0)
        ax.plot(positions, mean, color="#1b4f72", marker="o", markersize=4)
        ax.set_xticks(positions)
        if key in text.PERCENT_KEYS:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        if key is not None:
            ax.set_xlabel(text.setting_key(lang, key))
        _shade_saturated(ax, rows["setting"].astype(str).tolist(), positions, saturated, "x")
    else:
        positions = np.arange(len(rows), dtype=float)
        ax.errorbar(
            mean,
            positions,
            xerr=np.vstack([mean - low, high - mean]),
            fmt="o",
            color="#1b4f72",
            ecolor="#2e86c1",
            capsize=4,
        )
        names = [setting_label(str(s), lang) for s in rows["setting"]]
        ax.set_yticks(positions, names if setting_labels else [])
        ax.set_ylim(len(rows) - 0.5, -0.5)  # the first setting at the top
        _shade_saturated(ax, rows["setting"].astype(str).tolist(), positions, saturated, "y")
        value_axis.set_major_locator(_kpi_locator(kpi, nbins=4))
    if reference is not None:
        line_style: dict[str, Any] = {"color": "black", "linestyle": "--", "linewidth": 1.0}
        if x is not None:
            line = ax.axhline(reference, label=reference_label or "", **line_style)
        else:
            line = ax.axvline(reference, label=reference_label or "", **line_style)
        if reference_label:
            ax.legend(handles=[line], loc="best", fontsize="small")
    if x is not None and kpi not in PERCENT_KPIS:
        value_axis.set_major_locator(_kpi_locator(kpi))
    wan = _in_wan(kpi, np.concatenate([low, high]), lang)
    value_axis.set_major_formatter(_kpi_formatter(kpi, wan))
    _mark_axis_origin(ax, "y" if x is not None else "x", kpi, lang)
    ax.set_title(text.kpi(lang, kpi, wan=wan))
    ax.grid(alpha=0.3)
    return ax


@_in_report_fonts
def monthly_sales_by_setting(
    monthly_comparison: pd.DataFrame,
    *,
    observed_yuan: float | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Lines of mean monthly sales (yuan) for each setting, with their 95 % bands.

    A month missing for a setting (no sales recorded in it) is left as a gap. A partial month
    (the horizon's first or last, cut short) sells less than a whole one for want of days, not
    of demand, so it is drawn apart: whole months solid with filled markers and a band, the
    stretches into and out of a partial month dashed with a hollow marker on it and no band;
    its label under the axis says it is partial. `observed_yuan`, when given, is drawn as a
    dashed black line.

    Returns
    -------
    The Axes with, per setting, a band and a solid line of its whole months (labelled with the
    setting), then a dashed line of its partial stretches when there are partial months; then
    the observed line if any.
    """
    text.check_lang(lang)
    table = _tidy(monthly_comparison)
    ax = _new_axes(ax)
    if table.empty:
        return _no_data(ax, lang)
    if not (table["sales_yuan_mean"].astype(float) > 0).any():
        ax.set_title(text.say(lang, "by_setting.title"))
        return nothing_to_show(ax, Nothing(text.say(lang, "why.no_sales_any")), lang)
    table = table.assign(month=table["month"].astype(str), setting=table["setting"].astype(str))
    months = sorted(table["month"].unique())
    settings = (
        table.groupby("setting")["setting_index"].first().sort_values(kind="stable").index.tolist()
    )
    colours = _setting_colours(len(settings))
    x = np.arange(len(months), dtype=float)
    partial = np.asarray(_partial_months(table, months), dtype=bool)
    stretches, hollow = _partial_stretches(partial)
    for setting, colour in zip(settings, colours, strict=True):
        rows = table[table["setting"] == setting].set_index("month").reindex(months)
        mean = rows["sales_yuan_mean"].to_numpy(dtype=float)
        ax.fill_between(
            x,
            rows["sales_yuan_ci_low"].to_numpy(dtype=float),
            rows["sales_yuan_ci_high"].to_numpy(dtype=float),
            where=~partial,
            color=colour,
            alpha=0.2,
            linewidth=0,
        )
        ax.plot(
            x,
            np.where(partial, np.nan, mean),
            color=colour,
            marker="o",
            markersize=4,
            label=text.setting(lang, setting),
        )
        if len(stretches):
            ax.plot(
                _take(x, stretches),
                _take(mean, stretches),
                markevery=hollow,
                label=f"_partial {setting}",
                **_partial_style(colour),
            )
    if observed_yuan is not None:
        ax.axhline(
            observed_yuan,
            color="black",
            linestyle="--",
            linewidth=1.3,
            label=text.say(lang, "observed", value=text.money(observed_yuan, lang)),
        )
    _month_ticks(ax, months, partial.tolist(), lang)
    unit = _money_axis(ax.yaxis, float(ax.dataLim.y1), lang)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(text.say(lang, "col.month"))
    ax.set_ylabel(text.say(lang, f"monthly_sales.y{unit}"))
    ax.set_title(text.say(lang, "by_setting.title"))
    ax.grid(alpha=0.3)
    handles, names = ax.get_legend_handles_labels()
    if partial.any():
        handles.append(Line2D([], [], **_partial_style("#555555")))
        names.append(text.say(lang, "partial_month"))
    _legend_outside(ax, handles=handles, labels=names)
    return ax


def _partial_style(colour: Any) -> dict[str, Any]:
    """How a stretch into or out of a partial month is drawn: dashed, with hollow markers."""
    return {
        "color": colour,
        "linestyle": "--",
        "linewidth": 1.2,
        "marker": "o",
        "markersize": 4,
        "markerfacecolor": "none",
        "markeredgecolor": colour,
    }


def _partial_stretches(partial: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The months a dashed line runs through: each step into or out of a partial month, steps
    end to end joined, -1 between stretches (a break in the line); and where in that sequence
    the partial months are (their hollow markers).

    ``[True, False, False, True]`` → ``[0, 1, -1, 2, 3]`` with partial months at ``[0, 4]``;
    a step between two whole months is not in it (their solid line draws it).
    """
    steps = [i for i in range(len(partial) - 1) if partial[i] or partial[i + 1]]
    order: list[int] = []
    for first, last in _runs(steps):
        order += ([-1] if order else []) + list(range(first, last + 2))
    if not steps:  # a lone partial month has no step to draw: only its marker
        order = [i for i, is_partial in enumerate(partial) if is_partial]
    hollow = [k for k, i in enumerate(order) if i >= 0 and partial[i]]
    return np.asarray(order, dtype=int), hollow


def _take(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """`values` at the positions `order` lists, NaN where it says -1 (a break in a line)."""
    taken = values[np.clip(order, 0, None)].astype(float)
    taken[order < 0] = np.nan
    return np.asarray(taken)


def _setting_colours(n: int) -> list[tuple[float, float, float, float]]:
    """Colours in setting order, light to dark: settings are usually levels of one key."""
    cmap = colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.85, n)] if n > 1 else [cmap(0.35)]


@_in_report_fonts
def paired_differences(
    comparison: pd.DataFrame,
    kpi: str,
    *,
    ax: Axes | None = None,
    lang: str = "en",
    setting_labels: bool = True,
) -> Axes:
    """Each setting's paired difference of a KPI against its baseline (the first setting, the
    previous one or a chosen one: the table's ``baseline`` column), with its 95 % interval.

    Parameters
    ----------
    comparison:
        The ``comparison`` table: ``setting``, ``setting_index``, ``kpi``, ``diff_mean``,
        ``diff_ci_low``, ``diff_ci_high``.
    setting_labels:
        Whether to name the settings on the y axis (panels side by side name them once).

    Returns
    -------
    The Axes with one error bar container: a point and interval per setting after the first,
    the first at the top; a vertical line at zero.
    """
    text.check_lang(lang)
    ax = _new_axes(ax, figsize=(6.0, 4.0))
    rows = _kpi_rows(comparison, kpi)
    if rows.empty:
        return _no_data(ax, lang)
    if rows["mean"].astype(float).isna().all():
        return _no_value(ax, kpi, "why.no_value", lang)
    if "baseline" in rows:  # each setting against its own baseline (--baseline)
        against = rows["baseline"].fillna("").astype(str)
        others = rows[(against != "") & (against != rows["setting"].astype(str))]
        baseline = text.baseline_name(lang, against.tolist(), str(rows["setting"].iloc[0]))
    else:
        baseline, others = text.setting(lang, str(rows["setting"].iloc[0])), rows.iloc[1:]
    diff = others["diff_mean"].to_numpy(dtype=float)
    if len(others) and np.isnan(diff).all():
        return _no_value(ax, kpi, "why.no_difference", lang)
    low = others["diff_ci_low"].to_numpy(dtype=float)
    high = others["diff_ci_high"].to_numpy(dtype=float)
    y = np.arange(len(others), dtype=float)
    ax.errorbar(
        diff,
        y,
        xerr=np.vstack([diff - low, high - diff]),
        fmt="o",
        color="#1b4f72",
        ecolor="#2e86c1",
        capsize=4,
    )
    ax.axvline(0.0, color="black", linewidth=0.8)
    names = [setting_label(str(s), lang) for s in others["setting"]]
    ax.set_yticks(y, names if setting_labels else [])
    ax.set_ylim(len(others) - 0.5, -0.5)  # the first compared setting at the top
    ax.xaxis.set_major_locator(_kpi_locator(kpi, nbins=4))
    wan = _in_wan(kpi, np.concatenate([low, high]), lang)
    if kpi in PERCENT_KPIS:  # differences of shares are percentage points, signed
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:+.0f} pp"))
    elif wan:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: text.wan(v, signed=True)))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+,.0f}"))
    ax.set_title(text.kpi(lang, kpi, wan=wan))
    ax.set_xlabel(text.say(lang, "difference.x", baseline=baseline))
    ax.grid(axis="x", alpha=0.3)
    return ax


@_in_report_fonts
def trade_off(
    comparison: pd.DataFrame,
    *,
    benefit: str = "farmer_income_yuan",
    cost: str = "cost_premium_yuan",
    ax: Axes | None = None,
    lang: str = "en",
    saturated: Sequence[str] = (),
) -> Axes:
    """What each setting gives farmers (y) for what it costs canteens (x): one point per
    setting with its 95 % intervals both ways, labelled, joined in grid order.

    Parameters
    ----------
    comparison:
        The ``comparison`` table: ``setting``, ``setting_index``, ``kpi``, ``mean``,
        ``ci_low``, ``ci_high``.
    saturated:
        The settings (labels) where supply saturates: their points are hollow.

    Returns
    -------
    The Axes with one error bar container (a point per setting with both intervals), a thin line
    through the points in grid order, one annotation per setting, a line of hollow markers over
    the saturated settings' points when there are any, and a note (in ``ax.artists``) on each
    axis that starts above zero.
    """
    text.check_lang(lang)
    ax = _new_axes(ax, figsize=(7.0, 5.0))
    ys, xs = _kpi_rows(comparison, benefit), _kpi_rows(comparison, cost)
    if ys.empty or xs.empty:
        return _no_data(ax, lang)
    both = xs.merge(ys, on=["setting_index", "setting"], suffixes=("_x", "_y"))
    x, y = both["mean_x"].to_numpy(dtype=float), both["mean_y"].to_numpy(dtype=float)
    if np.isnan(x).all() or np.isnan(y).all():
        return _no_value(ax, benefit if np.isnan(y).all() else cost, "why.no_value", lang)

    def spread(kind: str, mean: np.ndarray) -> np.ndarray:
        low = both[f"ci_low_{kind}"].to_numpy(dtype=float)
        high = both[f"ci_high_{kind}"].to_numpy(dtype=float)
        # a setting without an interval (one replication) has no bar, not a NaN one
        return np.asarray(np.nan_to_num(np.vstack([mean - low, high - mean])))

    ax.plot(x, y, color="#aab7b8", linewidth=1.0, zorder=1)
    ax.errorbar(
        x,
        y,
        xerr=spread("x", x),
        yerr=spread("y", y),
        fmt="o",
        color="#1b4f72",
        ecolor="#2e86c1",
        capsize=3,
        zorder=2,
    )
    hollow = both["setting"].astype(str).isin(list(saturated)).to_numpy()
    if hollow.any():
        ax.plot(
            x[hollow],
            y[hollow],
            linestyle="none",
            marker="o",
            markerfacecolor="white",
            markeredgecolor="#1b4f72",
            zorder=3,
            label="_saturated",
        )
    for label, px, py in zip(both["setting"].astype(str), x, y, strict=True):
        if np.isfinite(px) and np.isfinite(py):
            ax.annotate(
                text.setting(lang, label),
                (px, py),
                xytext=(6, -10),
                textcoords="offset points",
                fontsize="small",
            )
    wan_x, wan_y = _in_wan(cost, x, lang), _in_wan(benefit, y, lang)
    ax.set_xlabel(text.kpi(lang, cost, wan=wan_x))
    ax.set_ylabel(text.kpi(lang, benefit, wan=wan_y))
    ax.set_title(text.say(lang, "trade_off.title"))
    ax.xaxis.set_major_formatter(_kpi_formatter(cost, wan_x))
    ax.yaxis.set_major_formatter(_kpi_formatter(benefit, wan_y))
    # settings run from low cost and income to high: the lower right is where no point is
    _mark_axis_origin(ax, "x", cost, lang, loc="lower right")
    _mark_axis_origin(ax, "y", benefit, lang)
    ax.grid(alpha=0.3)
    return ax


__all__ = [
    "CAUSE_COLOURS",
    "MAX_LABELLED_CANTEENS",
    "QUOTA_BINS",
    "category_colours",
    "cause_legend",
    "compliance_matrix",
    "failed_audits_by_category",
    "failed_audits_by_period",
    "failure_counts",
    "farmer_income",
    "farmer_income_by",
    "kpi_by_setting",
    "late_deliveries",
    "lost_in_transit",
    "monthly_sales",
    "monthly_sales_by_setting",
    "paired_differences",
    "quota_compliance",
    "setting_label",
    "trade_off",
    "week_starts",
    "weekly_supply",
]
