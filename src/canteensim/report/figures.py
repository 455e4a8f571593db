"""The figures of a report: which plots a results folder gets, laid out and captioned.

`run_figures` turns a run's results folder (`canteensim.report.read.ResultsFolder`) into its
figures, `comparison_figures` those of a
comparison. Each `Figure` carries a file stem and a caption in the report's language; saving and
placing it in a report is the renderer's business. The figures are built with the fonts of
`canteensim.report.fonts` and drawn once before they are returned, so they show Chinese however and
whenever they are saved.

A figure with nothing to draw (a run that sold nothing, audited no canteen, listed nothing) is
still made, empty, with `plots.nothing_to_show` saying in the figure what is missing and why, and
its caption saying the same, so that a report always has the same figures.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import matplotlib
import matplotlib.figure
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg

from canteensim import text
from canteensim.experiment.statistics import saturated
from canteensim.report import plots
from canteensim.report.fonts import cjk_font, font_rc
from canteensim.report.read import ResultsFolder, as_bool
from canteensim.report.why import Nothing, RunFlows
from canteensim.results import HEADLINE_KPIS
from canteensim.scenario.schema import Platform, Quota

RUN_TABLES = ("monthly_sales", "canteen_months", "audit_failures", "weekly_products", "deliveries")
"""The tables `run_figures` needs."""

COMPARISON_TABLES = ("runs", "monthly", "comparison", "monthly_comparison")
"""The tables `comparison_figures` takes (it draws from ``comparison`` and
``monthly_comparison``)."""


@dataclass(frozen=True)
class Figure:
    """One figure of a report.

    Attributes
    ----------
    name:
        File stem, e.g. ``"monthly_sales"``.
    caption:
        One or two sentences saying what the figure shows, in the report's language.
    figure:
        The matplotlib figure (Agg canvas), ready to save.
    """

    name: str
    caption: str
    figure: matplotlib.figure.Figure


FigureBuilder = Callable[[], Figure]
"""Builds one figure of a report; `build_figures` calls it inside the report's fonts."""


def run_figures(results: ResultsFolder, lang: str = "en") -> list[Figure]:
    """The figures of a run, built and drawn (`run_figure_builders`)."""
    return build_figures(run_figure_builders(results, lang), lang)


def comparison_figures(results: ResultsFolder, lang: str = "en") -> list[Figure]:
    """The figures of a comparison, built and drawn (`comparison_figure_builders`)."""
    return build_figures(comparison_figure_builders(results, lang), lang)


def run_figure_builders(results: ResultsFolder, lang: str = "en") -> list[FigureBuilder]:
    """The figures of a run: monthly sales, quota compliance, failed audits by cause, weekly
    supply, losses, income; each built when called, so a render can build them in parallel.

    Parameters
    ----------
    results:
        The run's folder as read back: its tables ``monthly_sales``, ``canteen_months``,
        ``audit_failures``, ``weekly_products``, ``deliveries``, its scenario, KPIs and
        replications.
    lang:
        ``"en"`` or ``"zh"``.

    Raises
    ------
    ValueError
        When `lang` is not a report language or a table is missing.
    """
    text.check_lang(lang)
    tables = results.tables
    _require(tables, RUN_TABLES, "a run")
    observed = results.scenario.scenario.observed_monthly_sales_yuan
    kpis, n = results.kpis, results.replications
    flows = RunFlows.of(results)
    return [
        lambda: (
            _empty_figure("monthly_sales", "monthly_sales.title", flows.no_sales(lang), lang)
            or _monthly_sales(tables["monthly_sales"], observed, kpis, n, lang)
        ),
        lambda: (
            _empty_figure("quota_compliance", "compliance.title", flows.no_audits(lang), lang)
            or _quota_compliance(tables["canteen_months"], results.scenario.quota, kpis, n, lang)
        ),
        lambda: (
            _empty_figure("failed_audits", "failures.title", flows.no_failures(lang), lang)
            or _failed_audits(tables["audit_failures"], tables["canteen_months"], n, lang)
        ),
        lambda: (
            _empty_figure("weekly_supply", "weekly.title", flows.no_listing(lang), lang)
            or _weekly_supply(tables["weekly_products"], kpis, n, lang)
        ),
        lambda: (
            _empty_figure("losses", "losses.title", flows.no_shipments(lang), lang)
            or _losses(tables["weekly_products"], tables["deliveries"], kpis, n, lang)
        ),
        lambda: (
            _empty_figure("farmer_income", _income_title(tables), _no_income(flows, lang), lang)
            or _farmer_income(tables["weekly_products"], results.scenario.platform, kpis, n, lang)
        ),
    ]


def comparison_figure_builders(results: ResultsFolder, lang: str = "en") -> list[FigureBuilder]:
    """The figures of a comparison: headline KPIs by setting, monthly sales, paired differences,
    the trade-off; each built when called.

    Parameters
    ----------
    results:
        The comparison's folder as read back: its tables ``comparison`` and
        ``monthly_comparison`` are drawn; its varied keys, replications and base scenario's
        observed sales name and mark them.
    lang:
        ``"en"`` or ``"zh"``.

    Raises
    ------
    ValueError
        When `lang` is not a report language or a drawn table is missing.
    """
    text.check_lang(lang)
    tables = results.tables
    _require(tables, ("comparison", "monthly_comparison"), "a comparison")
    vary = results.vary
    observed = results.scenario.scenario.observed_monthly_sales_yuan
    comparison = tables["comparison"]
    n = results.replications
    varied = _varied(vary, lang)
    return [
        lambda: _kpis(comparison, vary, varied, observed, n, lang),
        lambda: (
            _empty_figure(
                "monthly_sales_by_setting",
                "by_setting.title",
                _no_sales_any(tables["monthly_comparison"], lang),
                lang,
            )
            or _by_setting(tables["monthly_comparison"], observed, varied, n, lang)
        ),
        lambda: _differences(comparison, lang),
        lambda: _trade_off(comparison, varied, lang),
    ]


# --- building ------------------------------------------------------------------------------


def build_figures(builders: Sequence[FigureBuilder], lang: str) -> list[Figure]:
    """Build the figures with the report's fonts, then draw each once inside the same fonts.

    Drawing creates the tick labels matplotlib makes lazily, and computes the layout, while the
    font rcParams are in force; nothing global is left changed afterwards.
    """
    rc = font_rc(lang)
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if cjk_font() is None:  # said once already; not once more per character
            warnings.filterwarnings(
                "ignore", message="Glyph .* missing from font", category=UserWarning
            )
        figures = [build() for build in builders]
        for figure in figures:
            figure.figure.draw_without_rendering()
            # laid out once: saving as PNG (and SVG) keeps these positions, not computes them anew
            figure.figure.set_layout_engine("none")
    return figures


def _empty_figure(name: str, title: str, nothing: Nothing | None, lang: str) -> Figure | None:
    """The figure `name` drawn empty, saying what is missing and why; None if `nothing` is.

    `title` is the key of the figure's title in `canteensim.text`.
    """
    if nothing is None:
        return None
    figure = new_figure(10.0, 4.5)
    ax = figure.add_subplot()
    what = text.say(lang, title)
    ax.set_title(what)
    plots.nothing_to_show(ax, nothing, lang)
    caption = text.say(lang, "caption.nothing", what=what, why=nothing.sentence(lang))
    return Figure(name, caption, figure)


def new_figure(width: float, height: float) -> matplotlib.figure.Figure:
    """A figure of the report (inches), laid out by constrained layout, on an Agg canvas of its
    own: no pyplot, so nothing is kept after the report is written."""
    figure = matplotlib.figure.Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _require(tables: Mapping[str, pd.DataFrame], names: Sequence[str], what: str) -> None:
    missing = [name for name in names if name not in tables]
    if missing:
        raise ValueError(
            f"tables is missing {', '.join(missing)}; the figures of {what} need "
            f"{', '.join(names)} (given: {', '.join(tables) or 'none'})"
        )


# --- a run ---------------------------------------------------------------------------------


def _monthly_sales(
    table: pd.DataFrame,
    observed: float | None,
    kpis: Mapping[str, float],
    n: int,
    lang: str,
) -> Figure:
    figure = new_figure(10.0, 5.5)
    plots.monthly_sales(
        table, observed_yuan=observed, replications=n, ax=figure.add_subplot(), lang=lang
    )
    caption = text.say(
        lang,
        "caption.monthly_sales",
        reps=text.replications(lang, n),
        mean=text.money(kpis["monthly_sales_yuan_mean"], lang),
    )
    if observed is not None:
        caption += text.say(
            lang, "caption.monthly_sales.observed", observed=text.money(observed, lang)
        )
    return Figure("monthly_sales", caption, figure)


def _quota_compliance(
    table: pd.DataFrame, quota: Quota, kpis: Mapping[str, float], n: int, lang: str
) -> Figure:
    """Compliance by bound canteen (by kind and size band beyond `MAX_LABELLED_CANTEENS`, where
    a row per canteen is a stripe), then by category when the quota is set per category."""
    canteens = len(plots.compliance_matrix(table))
    grouped = canteens > plots.MAX_LABELLED_CANTEENS
    groups = plots.compliance_shares(table, "group") if grouped else pd.DataFrame()
    categories = plots.compliance_shares(table, "category")
    by_category = quota.per == "category" and len(categories) > 1
    top_rows = len(groups) if grouped else canteens
    top_height = max(2.5, min(12.0, 1.2 + (0.4 if grouped else 0.24) * top_rows))
    bottom_height = 1.2 + 0.35 * len(categories) if by_category else 0.0
    periods = len(categories.columns) if len(categories) else 0
    figure = new_figure(max(9.0, 3.5 + 0.7 * periods), top_height + bottom_height + 0.6)
    if by_category:
        top, bottom = figure.subplots(2, 1, height_ratios=[top_height, bottom_height])
    else:
        top, bottom = figure.add_subplot(), None
    if grouped:
        plots.compliance_share_map(groups, canteen_months=table, rows="group", ax=top, lang=lang)
    else:
        plots.quota_compliance(table, per=quota.per, ax=top, lang=lang)
    if bottom is not None:
        plots.compliance_share_map(
            categories, canteen_months=table, rows="category", ax=bottom, lang=lang
        )
    caption = text.say(
        lang,
        "caption.compliance.groups" if grouped else "caption.compliance",
        reps=text.replications(lang, n),
        rate=text.percent(kpis["compliance_rate"], lang=lang),
        n=canteens,
    )
    if bottom is not None:
        caption += text.say(lang, "caption.compliance.categories")
    return Figure("quota_compliance", caption, figure)


def _failed_audits(
    audit_failures: pd.DataFrame, canteen_months: pd.DataFrame, n: int, lang: str
) -> Figure:
    """Failed audits by cause: in each audit period (top), by category (bottom), one legend."""
    categories = int(audit_failures["category"].nunique())
    figure = new_figure(11.0, 4.5 + max(2.0, 0.45 * categories))
    top, bottom = figure.subplots(2, 1, height_ratios=[3.0, max(1.5, 0.3 * categories)])
    plots.failed_audits_by_period(
        audit_failures,
        canteen_months=canteen_months,
        replications=n,
        ax=top,
        lang=lang,
        legend=False,
    )
    plots.failed_audits_by_category(
        audit_failures, replications=n, ax=bottom, lang=lang, legend=False
    )
    causes = plots.failure_counts(audit_failures, by="category").columns.tolist()
    partial = bool(as_bool(audit_failures["partial"]).any())
    handles, names = plots.cause_legend(causes, lang, partial=partial)
    figure.legend(handles, names, loc="outside right upper")
    figure.suptitle(text.say(lang, "failures.title"))
    caption = text.say(lang, "caption.failures", reps=text.replications(lang, n))
    return Figure("failed_audits", caption, figure)


def _weekly_supply(table: pd.DataFrame, kpis: Mapping[str, float], n: int, lang: str) -> Figure:
    categories = _categories_by_volume(table)
    columns = 3 if len(categories) > 4 else max(1, min(2, len(categories)))
    rows = max(1, math.ceil(len(categories) / columns))
    figure = new_figure(4.2 * columns, 2.6 * rows + 0.9)
    # the panels show the same weeks but do not share an x axis: shared, the layout of each
    # panel measures every other panel's tick labels too
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for index, (ax, category) in enumerate(zip(axes, categories, strict=False)):
        plots.weekly_supply(table, category, replications=n, ax=ax, lang=lang, legend=False)
        if index % columns:  # the unit is said once per row
            ax.set_ylabel("")
        # dates only under the lowest panel of each column
        ax.xaxis.set_tick_params(labelbottom=index >= len(categories) - columns)
    spare = list(axes[len(categories) :])
    for ax in spare[1:]:
        figure.delaxes(ax)
    figure.supxlabel(text.say(lang, "week_start"))
    handles, names = axes[0].get_legend_handles_labels()
    if spare:  # the legend takes the first empty panel
        spare[0].set_axis_off()
        spare[0].legend(handles, names, loc="center", fontsize="large", frameon=False)
    else:
        figure.legend(handles, names, loc="outside right upper")
    figure.suptitle(text.say(lang, "weekly.title"))
    caption = text.say(
        lang,
        "caption.weekly",
        reps=text.replications(lang, n),
        unfilled=text.percent(1 - kpis["fill_rate"], lang=lang),
        unsold=text.percent(kpis["unsold_share"], lang=lang),
    )
    return Figure("weekly_supply", caption, figure)


def _categories_by_volume(table: pd.DataFrame) -> list[str]:
    """Categories of the weekly table, the most listed first."""
    if table.empty:
        return []
    listed = table["listed_kg"].astype(float).groupby(table["category"].astype(str)).sum()
    return listed.sort_values(ascending=False, kind="stable").index.tolist()


def _losses(
    weekly_products: pd.DataFrame,
    deliveries: pd.DataFrame,
    kpis: Mapping[str, float],
    n: int,
    lang: str,
) -> Figure:
    figure = new_figure(10.0, 6.0)
    top, bottom = figure.subplots(2, 1, sharex=True)
    plots.lost_in_transit(weekly_products, replications=n, ax=top, lang=lang)
    starts = plots.week_starts(weekly_products) if not weekly_products.empty else None
    plots.late_deliveries(deliveries, week_starts=starts, replications=n, ax=bottom, lang=lang)
    bottom.set_xlabel(text.say(lang, "week_start"))
    figure.suptitle(text.say(lang, "losses.title"))
    caption = text.say(
        lang,
        "caption.losses",
        reps=text.replications(lang, n),
        lost=text.number(kpis["lost_kg"], lang=lang),
        on_time=text.percent(kpis["on_time_rate"], lang=lang),
    )
    return Figure("losses", caption, figure)


def _income_by(table: pd.DataFrame) -> str:
    return "county" if "county" in table.columns else "cooperative_id"


def _income_title(tables: Mapping[str, pd.DataFrame]) -> str:
    return f"income.title.{_income_by(tables['weekly_products'])}"


def _no_income(flows: RunFlows, lang: str) -> Nothing | None:
    """Why farmers earned nothing: no sales and nothing shipped (shipping alone costs them)."""
    return flows.no_sales(lang) if flows.shipped_kg <= 0 else None


def _farmer_income(
    table: pd.DataFrame, platform: Platform, kpis: Mapping[str, float], n: int, lang: str
) -> Figure:
    by = _income_by(table)
    groups = int(table[by].nunique()) if by in table.columns else 0
    figure = new_figure(9.0, max(3.5, 1.6 + 0.32 * groups))
    plots.farmer_income(table, by=by, replications=n, ax=figure.add_subplot(), lang=lang)
    caption = text.say(
        lang,
        "caption.income",
        by=text.say(lang, f"by.{by}"),
        # the rates as the scenario states them, for the caption's words only
        commission=text.percent(platform.commission, 0, lang=lang),
        logistics=text.number(platform.logistics_yuan_per_kg, 2, lang=lang),
        reps=text.replications(lang, n),
        total=text.money(kpis["farmer_income_yuan"], lang),
    )
    return Figure("farmer_income", caption, figure)


# --- a comparison --------------------------------------------------------------------------


def setting_values(
    vary: Mapping[str, Sequence[Any]], settings: int
) -> tuple[str, list[float]] | None:
    """The varied key and its numeric value in each setting, when one numeric key is varied.

    None when several keys are varied, a value is not a number, or the number of values is not
    the number of settings compared: the settings are then shown by their labels.
    """
    if len(vary) != 1:
        return None
    ((key, values),) = vary.items()
    if len(values) != settings or not all(
        isinstance(v, Real) and not isinstance(v, bool) for v in values
    ):
        return None
    return key, [float(v) for v in values]


def _varied(vary: Mapping[str, Sequence[Any]], lang: str) -> str:
    """The varied keys as a caption names them: ``quota.share`` or ``quota.share（配额比例）``."""
    if lang == "zh":
        names = []
        for key in vary:
            name = text.setting_key(lang, key)
            names.append(key if name == key else f"{key}（{name}）")
        return "、".join(names) or text.say(lang, "col.setting")
    return " and ".join(vary) or text.say(lang, "col.setting").lower()


def _panel_rows_height(rows: int) -> float:
    """Height (inches) of two rows of panels listing `rows` settings down their y axes."""
    return min(20.0, max(5.0, 1.5 + 2 * (0.8 + 0.35 * rows)))


def _panels(figure: matplotlib.figure.Figure, count: int) -> list[Axes]:
    columns = 3 if count > 4 else 2
    rows = math.ceil(count / columns)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[count:]:
        figure.delaxes(ax)
    return list(axes[:count])


def _kpis(
    comparison: pd.DataFrame,
    vary: Mapping[str, Sequence[Any]],
    varied: str,
    observed: float | None,
    n: int,
    lang: str,
) -> Figure:
    settings = int(comparison["setting"].nunique()) if not comparison.empty else 0
    numeric = setting_values(vary, settings)
    height = 7.0 if numeric else _panel_rows_height(settings)
    figure = new_figure(13.0, height)
    columns = 3 if len(HEADLINE_KPIS) > 4 else 2
    panels = _panels(figure, len(HEADLINE_KPIS))
    saturating = _saturated(comparison)
    for index, (ax, kpi) in enumerate(zip(panels, HEADLINE_KPIS, strict=True)):
        reference = observed if kpi == "monthly_sales_yuan_mean" else None
        reference_label = (
            text.say(lang, "observed", value=text.money(observed, lang))
            if reference is not None and observed is not None
            else None
        )
        if numeric is not None:
            key, values = numeric
            plots.kpi_by_setting(
                comparison,
                kpi,
                x=values,
                key=key,
                reference=reference,
                reference_label=reference_label,
                ax=ax,
                lang=lang,
                saturated=saturating,
            )
        else:
            plots.kpi_by_setting(
                comparison,
                kpi,
                reference=reference,
                reference_label=reference_label,
                ax=ax,
                lang=lang,
                setting_labels=index % columns == 0,
                saturated=saturating,
            )
    figure.suptitle(text.say(lang, "kpis.title"))
    caption = text.say(lang, "caption.kpis", varied=varied, reps=text.replications(lang, n))
    if saturating:
        caption += text.say(lang, "caption.kpis.saturated")
    caption += _empty_panels(comparison, lang)
    return Figure("kpis", caption, figure)


def _by_setting(
    table: pd.DataFrame, observed: float | None, varied: str, n: int, lang: str
) -> Figure:
    figure = new_figure(10.0, 5.5)
    plots.monthly_sales_by_setting(
        table, observed_yuan=observed, ax=figure.add_subplot(), lang=lang
    )
    caption = text.say(lang, "caption.by_setting", varied=varied, reps=text.replications(lang, n))
    if observed is not None:
        caption += text.say(
            lang, "caption.monthly_sales.observed", observed=text.money(observed, lang)
        )
    return Figure("monthly_sales_by_setting", caption, figure)


def _differences(comparison: pd.DataFrame, lang: str) -> Figure:
    ordered = comparison.sort_values("setting_index", kind="stable") if len(comparison) else None
    first = str(ordered["setting"].iloc[0]) if ordered is not None else "–"
    baseline = (
        text.baseline_name(lang, ordered["baseline"].fillna("").astype(str).tolist(), first)
        if ordered is not None and "baseline" in ordered
        else first
    )
    settings = int(comparison["setting"].nunique()) if len(comparison) else 0
    figure = new_figure(13.0, _panel_rows_height(settings - 1))
    axes = _panels(figure, len(HEADLINE_KPIS))
    columns = 3 if len(HEADLINE_KPIS) > 4 else 2
    for index, (ax, kpi) in enumerate(zip(axes, HEADLINE_KPIS, strict=True)):
        plots.paired_differences(
            comparison, kpi, ax=ax, lang=lang, setting_labels=index % columns == 0
        )
        ax.set_xlabel("")
    figure.supxlabel(text.say(lang, "difference.x", baseline=baseline))
    figure.suptitle(text.say(lang, "differences.title", baseline=baseline))
    caption = text.say(lang, "caption.differences", baseline=baseline)
    caption += _empty_panels(comparison, lang, differences=True)
    return Figure("paired_differences", caption, figure)


def _trade_off(comparison: pd.DataFrame, varied: str, lang: str) -> Figure:
    figure = new_figure(8.0, 5.5)
    saturating = _saturated(comparison)
    plots.trade_off(comparison, ax=figure.add_subplot(), lang=lang, saturated=saturating)
    caption = text.say(lang, "caption.trade_off", varied=varied)
    if saturating:
        caption += text.say(lang, "caption.trade_off.saturated")
    return Figure("trade_off", caption, figure)


def _saturated(comparison: pd.DataFrame) -> list[str]:
    """The settings where supply saturates, which the KPI and trade-off figures mark: what
    the canteens buy there is capped by what is listed, so the setting's effect is understated.
    None in a table without fill rates (or without rows)."""
    if comparison.empty or "kpi" not in comparison.columns:
        return []
    return saturated(comparison)


def _no_sales_any(monthly_comparison: pd.DataFrame, lang: str) -> Nothing | None:
    """Nothing when no setting sold anything in any month; None when one did."""
    sold = "sales_yuan_mean" in monthly_comparison and bool(
        (monthly_comparison["sales_yuan_mean"].astype(float) > 0).any()
    )
    return None if sold else Nothing(text.say(lang, "why.no_sales_any"))


def _empty_panels(comparison: pd.DataFrame, lang: str, *, differences: bool = False) -> str:
    """What a caption adds for the headline KPIs whose panels have nothing to show: those with
    no value in any setting, and for `differences` those whose baseline has none."""
    if comparison.empty:
        return ""
    rows = comparison.sort_values("setting_index", kind="stable")
    kpi = rows["kpi"].astype(str)
    if "baseline" in rows:  # the settings with a difference: not the baseline, not the first of
        against = rows["baseline"].fillna("").astype(str)  # --baseline previous
        compared = (against != "") & (against != rows["setting"].astype(str))
    else:
        compared = rows["setting_index"] != rows["setting_index"].min()

    def none_in(column: str, where: pd.Series) -> set[str]:
        values = pd.to_numeric(rows.loc[where, column], errors="coerce")
        found = values.notna().groupby(kpi[where]).any()
        return set(found.index[~found])

    no_value = none_in("mean", pd.Series(True, index=rows.index))
    no_difference = none_in("diff_mean", compared) - no_value if differences else set()
    sentences = ""
    for empty, why in ((no_value, "why.no_value"), (no_difference, "why.no_difference")):
        shown = [text.kpi(lang, name) for name in HEADLINE_KPIS if name in empty]
        if shown:
            names = text.say(lang, "names.separator").join(shown)
            sentences += text.say(lang, "caption.empty_panels", kpis=names, why=text.say(lang, why))
    return sentences


__all__ = [
    "COMPARISON_TABLES",
    "HEADLINE_KPIS",
    "RUN_TABLES",
    "Figure",
    "FigureBuilder",
    "build_figures",
    "comparison_figure_builders",
    "comparison_figures",
    "new_figure",
    "run_figure_builders",
    "run_figures",
    "setting_values",
]
