"""The marks a comparison's figures put on what could be misread: the settings where supply
saturates (shaded), partial months (dashed and hollow), and a value axis that does not start
at zero (a note saying where it starts).

Small comparison tables built by hand, as `canteensim.experiment.statistics.comparison_table`
writes them: four settings of ``quota.share``, the last two of which run short of supply.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.offsetbox import AnchoredText
from matplotlib.patches import Rectangle

from canteensim import text
from canteensim.experiment.statistics import saturated
from canteensim.report import figures, plots

SHARES = (0.0, 0.2, 0.4, 0.6)
SETTINGS = [f"quota.share={share:g}" for share in SHARES]

MEANS = {
    "monthly_sales_yuan_mean": [296_000.0, 300_000.0, 302_000.0, 303_000.0],
    "farmer_income_yuan": [10_000.0, 40_000.0, 60_000.0, 65_000.0],
    "cost_premium_yuan": [0.0, 8_000.0, 15_000.0, 20_000.0],
    "compliance_rate": [0.0, 0.4, 0.6, 0.7],
    "fill_rate": [1.0, 0.99, 0.9, 0.8],  # supply saturates from share=0.4 on
}


def comparison_table() -> pd.DataFrame:
    """The four settings; each interval is the mean ± 1 % of the KPI's largest mean."""
    rows = []
    for kpi, values in MEANS.items():
        half = 0.01 * max(values)
        for index, (setting, mean) in enumerate(zip(SETTINGS, values, strict=True)):
            rows.append(
                {
                    "setting": setting,
                    "setting_index": index,
                    "kpi": kpi,
                    "mean": mean,
                    "ci_low": mean - half,
                    "ci_high": mean + half,
                    "diff_mean": mean - values[0],
                    "diff_ci_low": mean - values[0] - half,
                    "diff_ci_high": mean - values[0] + half,
                    "n": 5,
                }
            )
    return pd.DataFrame(rows)


def monthly_comparison_table() -> pd.DataFrame:
    """Two settings over March to June; June is partial (the horizon ends mid-month)."""
    rows = []
    for index, setting in enumerate(SETTINGS[:2]):
        for month in ("2020-03", "2020-04", "2020-05", "2020-06"):
            partial = month == "2020-06"
            mean = 10_000.0 * (index + 1) * (0.3 if partial else 1.0)
            rows.append(
                {
                    "setting": setting,
                    "setting_index": index,
                    "month": month,
                    "partial": partial,
                    "sales_yuan_mean": mean,
                    "sales_yuan_ci_low": mean * 0.9,
                    "sales_yuan_ci_high": mean * 1.1,
                    "n": 5,
                }
            )
    return pd.DataFrame(rows)


def origin_notes(ax: Axes) -> list[str]:
    return [a.txt.get_text() for a in ax.artists if isinstance(a, AnchoredText)]


def spans(ax: Axes) -> list[Rectangle]:
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


def x_range(span: Rectangle) -> tuple[float, float]:
    """The data x range an `axvspan` covers (its x is in data, its y in axes coordinates)."""
    corners = span.get_patch_transform().transform([(0.0, 0.0), (1.0, 1.0)])
    return float(corners[0, 0]), float(corners[1, 0])


def y_range(span: Rectangle) -> tuple[float, float]:
    corners = span.get_patch_transform().transform([(0.0, 0.0), (1.0, 1.0)])
    return float(min(corners[:, 1])), float(max(corners[:, 1]))


# --- saturation -----------------------------------------------------------------------------


def test_the_table_saturates_from_its_third_setting() -> None:
    assert saturated(comparison_table()) == SETTINGS[2:]


def test_kpi_by_setting_shades_the_saturated_values_of_a_numeric_key() -> None:
    table = comparison_table()
    ax = plots.kpi_by_setting(
        table, "farmer_income_yuan", x=list(SHARES), key="quota.share", saturated=saturated(table)
    )
    (span,) = spans(ax)
    low, high = x_range(span)
    assert low == pytest.approx(0.3)  # half a step before share=0.4
    assert high == pytest.approx(0.7)  # and after share=0.6
    assert not low <= 0.2 <= high  # the unsaturated settings stay clear
    assert ax.get_xlim()[1] < 0.7  # the shade is clipped, the axis not widened for it


def test_kpi_by_setting_shades_nothing_without_saturated_settings() -> None:
    ax = plots.kpi_by_setting(comparison_table(), "farmer_income_yuan", x=list(SHARES))
    assert spans(ax) == []


def test_kpi_by_setting_shades_each_run_of_saturated_settings_on_its_own() -> None:
    ax = plots.kpi_by_setting(
        comparison_table(),
        "farmer_income_yuan",
        x=list(SHARES),
        saturated=[SETTINGS[1], SETTINGS[3]],
    )
    ranges = sorted(x_range(span) for span in spans(ax))
    np.testing.assert_allclose(ranges, [(0.1, 0.3), (0.5, 0.7)])


def test_kpi_by_setting_shades_the_saturated_rows_of_listed_settings() -> None:
    table = comparison_table()
    ax = plots.kpi_by_setting(table, "compliance_rate", saturated=saturated(table))
    (span,) = spans(ax)
    assert y_range(span) == pytest.approx((1.5, 3.5))  # rows 2 and 3, one unit each
    assert ax.get_ylim() == pytest.approx((3.5, -0.5))  # the first setting still on top


def test_kpis_figure_shades_every_panel_and_says_so_in_both_languages() -> None:
    table = comparison_table()
    vary = {"quota.share": list(SHARES)}
    for lang, sentence in (
        ("en", "Shaded settings are where supply saturates (fill rate below 95 %)."),
        ("zh", "阴影处为供给饱和的方案（满足率低于 95%）。"),
    ):
        figure = figures._kpis(table, vary, "quota.share", None, 5, lang)
        drawn = [ax for ax in figure.figure.axes if ax.lines]
        assert drawn and all(len(spans(ax)) == 1 for ax in drawn)
        assert sentence in figure.caption


def test_kpis_figure_without_saturation_has_no_shade_and_no_sentence() -> None:
    table = comparison_table()
    table.loc[table["kpi"] == "fill_rate", "mean"] = 1.0
    figure = figures._kpis(table, {"quota.share": list(SHARES)}, "quota.share", None, 5, "en")
    assert all(spans(ax) == [] for ax in figure.figure.axes)
    assert "saturates" not in figure.caption


def test_trade_off_draws_saturated_settings_hollow() -> None:
    table = comparison_table()
    ax = plots.trade_off(table, saturated=saturated(table))
    (hollow,) = (line for line in ax.lines if line.get_markerfacecolor() == "white")
    np.testing.assert_allclose(hollow.get_xdata(), [15_000.0, 20_000.0])
    np.testing.assert_allclose(hollow.get_ydata(), [60_000.0, 65_000.0])
    assert [t.get_text() for t in ax.texts] == [plots.setting_label(s) for s in SETTINGS]
    caption = figures._trade_off(table, "quota.share", "en").caption
    assert caption.endswith(
        "Hollow points are the settings where supply saturates (fill rate below 95 %)."
    )


# --- partial months -------------------------------------------------------------------------


def test_partial_stretches_run_into_and_out_of_partial_months_only() -> None:
    order, hollow = plots._partial_stretches(np.array([True, False, False, True]))
    assert order.tolist() == [0, 1, -1, 2, 3]
    assert hollow == [0, 4]
    order, hollow = plots._partial_stretches(np.array([False, False]))
    assert order.tolist() == [] and hollow == []


def test_monthly_sales_by_setting_draws_a_partial_month_dashed_and_hollow() -> None:
    ax = plots.monthly_sales_by_setting(monthly_comparison_table())
    whole = [line for line in ax.lines if not line.get_label().startswith("_")]
    partial = [line for line in ax.lines if line.get_label().startswith("_partial")]
    assert [line.get_label() for line in whole] == [text.setting("en", s) for s in SETTINGS[:2]]
    assert len(partial) == 2
    for index, (solid, dashed) in enumerate(zip(whole, partial, strict=True)):
        scale = 10_000.0 * (index + 1)
        # whole months: solid, filled markers, no point at June
        assert solid.get_linestyle() == "-"
        assert to_rgba(solid.get_markerfacecolor()) == to_rgba(solid.get_color())
        ydata = np.asarray(solid.get_ydata(), dtype=float)
        np.testing.assert_allclose(ydata[:3], [scale] * 3)
        assert math.isnan(ydata[3])
        # May → June: dashed, the June marker hollow
        assert dashed.get_linestyle() == "--"
        assert dashed.get_markerfacecolor() == "none"
        np.testing.assert_allclose(dashed.get_xdata(), [2.0, 3.0])
        np.testing.assert_allclose(dashed.get_ydata(), [scale, 0.3 * scale])
        assert dashed.get_markevery() == [1]
    for band in ax.collections:  # bands stop at the last whole month
        assert band.get_paths()[0].vertices[:, 0].max() == pytest.approx(2.0)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "2020-06\n(partial)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [*(text.setting("en", s) for s in SETTINGS[:2]), "Partial month"]


def test_monthly_sales_by_setting_without_partial_months_draws_only_solid_lines() -> None:
    table = monthly_comparison_table().assign(partial=False)
    ax = plots.monthly_sales_by_setting(table)
    assert [line.get_linestyle() for line in ax.lines] == ["-", "-"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text.setting("en", s) for s in SETTINGS[:2]]


def test_the_caption_says_how_partial_months_are_drawn() -> None:
    assert "dashed and hollow" in text.say("en", "caption.by_setting", varied="x", reps="y")
    assert "虚线和空心点" in text.say("zh", "caption.by_setting", varied="x", reps="y")


# --- an axis that does not start at zero ----------------------------------------------------


def test_an_axis_far_above_zero_says_where_it_starts() -> None:
    ax = plots.kpi_by_setting(comparison_table(), "monthly_sales_yuan_mean", x=list(SHARES))
    (note,) = origin_notes(ax)
    low = ax.get_ylim()[0]
    assert 290_000 < low < 296_000
    assert note == f"axis starts at {low:,.0f}"


def test_an_axis_from_zero_has_no_note() -> None:
    ax = plots.kpi_by_setting(comparison_table(), "cost_premium_yuan", x=list(SHARES))
    assert ax.get_ylim()[0] <= 0
    assert origin_notes(ax) == []


def test_a_percentage_axis_says_where_it_starts_as_a_percentage() -> None:
    ax = plots.kpi_by_setting(comparison_table(), "fill_rate")  # settings down the y axis
    (note,) = origin_notes(ax)
    low = ax.get_xlim()[0]
    assert 0.7 < low < 0.8
    assert note == f"axis starts at {low * 100:.0f}%"


def test_the_origin_note_is_chinese_in_a_chinese_report() -> None:
    ax = plots.kpi_by_setting(
        comparison_table(), "monthly_sales_yuan_mean", x=list(SHARES), lang="zh"
    )
    (note,) = origin_notes(ax)
    assert note == f"坐标轴起点 {text.wan(ax.get_ylim()[0])}"  # in 万元, as the title
    assert ax.get_title() == "月均销售额（万元）"


def test_trade_off_notes_each_axis_that_starts_above_zero() -> None:
    table = comparison_table()
    table.loc[table["kpi"] == "cost_premium_yuan", ["mean", "ci_low", "ci_high"]] += 50_000.0
    ax = plots.trade_off(table)
    assert ax.get_xlim()[0] > 0 and ax.get_ylim()[0] > 0
    assert [note.split(" ")[-1] for note in origin_notes(ax)] == [
        f"{ax.get_xlim()[0]:,.0f}",
        f"{ax.get_ylim()[0]:,.0f}",
    ]


def test_paired_differences_stay_centred_on_zero_without_a_note() -> None:
    ax = plots.paired_differences(comparison_table(), "monthly_sales_yuan_mean")
    assert origin_notes(ax) == []


def test_the_marks_draw_without_warnings() -> None:
    table = comparison_table()
    ax = plots.kpi_by_setting(
        table, "monthly_sales_yuan_mean", x=list(SHARES), saturated=saturated(table)
    )
    figure = ax.get_figure()
    assert figure is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a bad hatch or note would warn here
        figure.draw_without_rendering()
