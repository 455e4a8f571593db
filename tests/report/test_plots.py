"""Each plot function draws exactly its data: small tables built by hand, checked by hand.

Tables have two replications wherever a plot averages over them, so that every number drawn is
half of a sum that can be read off the table.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from canteensim import text
from canteensim.report import plots

# --- tables -------------------------------------------------------------------------------


def monthly_sales_table() -> pd.DataFrame:
    """Two replications, Feb (partial) and Mar, vegetables and fruit; fruit sells more."""
    rows = []
    for replication, scale in ((0, 1.0), (1, 3.0)):
        for month, partial in (("2020-02", True), ("2020-03", False)):
            for category, sales in (("vegetables", 1_000.0), ("fruit", 4_000.0)):
                factor = 0.5 if partial else 1.0
                rows.append(
                    {
                        "replication": replication,
                        "month": month,
                        "category": category,
                        "sales_yuan": sales * scale * factor,
                        "partial": partial,
                    }
                )
    return pd.DataFrame(rows)


def canteen_months_table() -> pd.DataFrame:
    """Bound canteens A and B, unbound C; two months; per-category audits and a total row.

    Aid ÷ required (kg), replication 0 / 1:
      A 2020-03: veg 1.2 / 1.2, fruit 0.5 / 0.7  → worst 0.5 / 0.7 → mean 0.6
      A 2020-04: veg 1.0 / 1.0, fruit 2.0 / 2.0  → worst 1.0
      B 2020-03: veg 0.8 / 0.8, fruit 0.9 / 0.9  → worst 0.8
      B 2020-04: veg 3.0 / 3.0, fruit 1.5 / 1.5  → worst 1.5
    """
    ratios = {
        ("A", "2020-03"): {"vegetables": (1.2, 1.2), "fruit": (0.5, 0.7)},
        ("A", "2020-04"): {"vegetables": (1.0, 1.0), "fruit": (2.0, 2.0)},
        ("B", "2020-03"): {"vegetables": (0.8, 0.8), "fruit": (0.9, 0.9)},
        ("B", "2020-04"): {"vegetables": (3.0, 3.0), "fruit": (1.5, 1.5)},
        ("C", "2020-03"): {"vegetables": (0.0, 0.0), "fruit": (0.0, 0.0)},
        ("C", "2020-04"): {"vegetables": (0.0, 0.0), "fruit": (0.0, 0.0)},
    }
    rows = []
    for (canteen, month), by_category in ratios.items():
        bound = canteen != "C"
        for replication in (0, 1):
            total_aid = total_required = 0.0
            for category, ratio in by_category.items():
                required = 10.0
                aid = ratio[replication] * required
                total_aid += aid
                total_required += required
                rows.append(
                    _audit_row(replication, month, canteen, bound, category, aid, required, True)
                )
            rows.append(
                _audit_row(
                    replication, month, canteen, bound, "total", total_aid, total_required, False
                )
            )
    return pd.DataFrame(rows)


def _audit_row(
    replication: int,
    month: str,
    canteen: str,
    bound: bool,
    category: str,
    aid_kg: float,
    required_kg: float,
    per_category: bool,
) -> dict[str, object]:
    consumption = required_kg / 0.2
    return {
        "replication": replication,
        "month": month,
        "canteen_id": canteen,
        "bound": bound,
        "category": category,
        "consumption_kg": consumption,
        "aid_kg": aid_kg,
        # by value the canteen is twice as far from its quota as by quantity
        "aid_yuan": aid_kg * 2.0,
        "required_yuan": required_kg * 4.0,
        "required_kg": required_kg,
        "aid_share": aid_kg / consumption,
        "partial": month == "2020-03",
        # as the model writes them for a quota by quantity
        "fulfilment": aid_kg / required_kg if required_kg > 0 else math.nan,
        "compliant": aid_kg >= required_kg,
        "audited": bound and per_category,
    }


def weekly_products_table() -> pd.DataFrame:
    """Three weeks, two products (vegetables from 屯昌县, fruit from 琼中县), two replications.

    The fruit product is not on the list in week 2: it has no row that week. Farmer income is
    as the model writes it with a 5 % commission and logistics at 0.4 yuan a shipped kg.
    """
    rows = []
    for replication in (0, 1):
        for week, start in enumerate(("2020-03-02", "2020-03-09", "2020-03-16")):
            products = [("V1", "屯昌香芋", "vegetables", "C1", "屯昌县", 100.0)]
            if week != 2:
                products.append(("F1", "琼中绿橙", "fruit", "C2", "琼中县", 50.0))
            for product_id, name, category, cooperative, county, listed in products:
                scale = 1.0 + replication  # replication 1 doubles every flow
                rows.append(
                    {
                        "replication": replication,
                        "week": week,
                        "week_start": start,
                        "product_id": product_id,
                        "product_name": name,
                        "category": category,
                        "cooperative_id": cooperative,
                        "county": county,
                        "listed_kg": listed * scale,
                        "ordered_kg": (listed + 10.0 * week) * scale,
                        "sold_kg": (listed - 5.0) * scale,
                        "shipped_kg": (listed - 5.0) * scale,
                        "lost_kg": (1.0 + week) * scale,
                        "sales_yuan": (listed - 6.0 - week) * 5.0 * scale,
                    }
                )
    table = pd.DataFrame(rows)
    table["commission_yuan"] = 0.05 * table["sales_yuan"]
    table["logistics_yuan"] = 0.4 * table["shipped_kg"]
    table["farmer_income_yuan"] = (
        table["sales_yuan"] - table["commission_yuan"] - table["logistics_yuan"]
    )
    return table


def deliveries_table() -> pd.DataFrame:
    """Weeks 0 and 1, two replications; one late load of 40 kg in week 1 of replication 0."""
    rows = []
    for replication in (0, 1):
        for week, thursday in ((0, "2020-03-05"), (1, "2020-03-12")):
            late = replication == 0 and week == 1
            delivered = "2020-03-13" if late else thursday
            rows.append(
                {
                    "replication": replication,
                    "week": week,
                    "canteen_id": "A",
                    "scheduled_day": thursday,
                    "delivered_day": delivered,
                    "kg": 40.0,
                    "late": late,
                }
            )
            rows.append(
                {
                    "replication": replication,
                    "week": week,
                    "canteen_id": "B",
                    "scheduled_day": thursday,
                    "delivered_day": thursday,
                    "kg": 25.0,
                    "late": False,
                }
            )
    return pd.DataFrame(rows)


def comparison_table() -> pd.DataFrame:
    """Three settings of quota.share; quota_fulfilment has no value at a 0 % quota.

    Intervals are the mean ± 5 % of the KPI's scale, differences ± 1 %.
    """
    means = {
        "monthly_sales_yuan_mean": [100_000.0, 300_000.0, 500_000.0],
        "compliance_rate": [1.0, 0.7, 0.4],
        "quota_fulfilment": [math.nan, 0.9, 0.8],
    }
    rows = []
    for kpi, values in means.items():
        scale = 100_000.0 if kpi == "monthly_sales_yuan_mean" else 1.0
        for index, (share, mean) in enumerate(zip((0.0, 0.2, 0.4), values, strict=True)):
            diff = mean - values[0]
            rows.append(
                {
                    "setting": f"quota.share={share:g}",
                    "setting_index": index,
                    "kpi": kpi,
                    "mean": mean,
                    "ci_low": mean - 0.05 * scale,
                    "ci_high": mean + 0.05 * scale,
                    "diff_mean": diff,
                    "diff_ci_low": diff - 0.01 * scale,
                    "diff_ci_high": diff + 0.01 * scale,
                    "n": 10,
                }
            )
    return pd.DataFrame(rows)


def monthly_comparison_table() -> pd.DataFrame:
    """Two settings over Feb (partial) to Apr; the first has no row for April."""
    rows = []
    for index, setting in enumerate(("quota.share=0", "quota.share=0.2")):
        for month, partial in (("2020-02", True), ("2020-03", False), ("2020-04", False)):
            if index == 0 and month == "2020-04":
                continue
            mean = 1_000.0 * (index + 1) * (2 if partial else 10)
            rows.append(
                {
                    "setting": setting,
                    "setting_index": index,
                    "month": month,
                    "partial": partial,
                    "sales_yuan_mean": mean,
                    "sales_yuan_ci_low": mean * 0.9,
                    "sales_yuan_ci_high": mean * 1.1,
                    "n": 10,
                }
            )
    return pd.DataFrame(rows)


def as_csv(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it comes back from a results folder's CSV (UTF-8 with a byte-order mark)."""
    buffer = io.BytesIO()
    table.to_csv(buffer, index=False, encoding="utf-8-sig")
    buffer.seek(0)
    return pd.read_csv(buffer, encoding="utf-8")


def bar_heights(container: BarContainer) -> np.ndarray:
    return np.array([patch.get_height() for patch in container.patches])


def tick_texts(ax: Axes, axis: str = "x") -> list[str]:
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [tick.get_text() for tick in ticks]


# --- monthly sales ------------------------------------------------------------------------


def test_monthly_sales_stacks_a_bar_per_category_and_month_at_the_mean_of_replications() -> None:
    table = monthly_sales_table()
    ax = plots.monthly_sales(table)
    assert isinstance(ax.get_figure(), Figure)
    assert len(ax.patches) == 2 * 2  # months × categories
    assert len(ax.containers) == 2
    fruit, vegetables = ax.containers  # the biggest seller at the bottom
    assert isinstance(fruit, BarContainer) and isinstance(vegetables, BarContainer)
    assert (fruit.get_label(), vegetables.get_label()) == ("Fruit", "Vegetables")
    # replications 1× and 3× → mean 2×; February is half a month
    np.testing.assert_allclose(bar_heights(fruit), [4_000.0, 8_000.0])
    np.testing.assert_allclose(bar_heights(vegetables), [1_000.0, 2_000.0])
    np.testing.assert_allclose([p.get_y() for p in vegetables.patches], [4_000.0, 8_000.0])
    stacked = bar_heights(fruit) + bar_heights(vegetables)
    totals = table.groupby("month")["sales_yuan"].sum() / table["replication"].nunique()
    np.testing.assert_allclose(stacked, totals.to_numpy())


def test_monthly_sales_marks_partial_months_and_draws_the_observed_line() -> None:
    ax = plots.monthly_sales(monthly_sales_table(), observed_yuan=310_000.0)
    hatches = [patch.get_hatch() for patch in ax.containers[0].patches]
    assert hatches == ["///", None]
    assert tick_texts(ax) == ["2020-02\n(partial)", "2020-03"]
    (observed,) = ax.lines
    assert list(observed.get_ydata()) == [310_000.0, 310_000.0]
    legend = [entry.get_text() for entry in ax.get_legend().get_texts()]
    assert legend == ["Observed: 310,000 yuan a month", "Vegetables", "Fruit", "Partial month"]
    assert ax.yaxis.get_major_formatter()(1_234_567.0, 0) == "1,234,567"


def test_monthly_sales_without_observed_figure_draws_no_line() -> None:
    ax = plots.monthly_sales(monthly_sales_table())
    assert len(ax.lines) == 0


def test_monthly_sales_reads_tables_back_from_csv_and_speaks_chinese() -> None:
    ax = plots.monthly_sales(as_csv(monthly_sales_table()), lang="zh")
    assert len(ax.patches) == 4
    assert tick_texts(ax) == ["2020-02\n(不足月)", "2020-03"]
    legend = [entry.get_text() for entry in ax.get_legend().get_texts()]
    assert legend == ["蔬菜", "水果", "不足整月"]
    assert ax.get_title() == "各品类月度销售额"


def test_a_plot_draws_on_the_axes_it_is_given() -> None:
    figure = Figure()
    ax = figure.add_subplot()
    assert plots.monthly_sales(monthly_sales_table(), ax=ax) is ax
    assert figure.axes == [ax]


def test_plots_reject_an_unknown_language() -> None:
    with pytest.raises(ValueError, match=r"lang='fr' .* valid: 'en', 'zh'"):
        plots.monthly_sales(monthly_sales_table(), lang="fr")


def test_plots_import_no_pyplot() -> None:
    """Figures come from matplotlib.figure.Figure: no pyplot state, no display needed."""
    folder = Path(plots.__file__).parent
    for path in [
        *(folder / n for n in ("plots.py", "figures.py", "fonts.py")),
        Path(text.__file__),
    ]:
        source = path.read_text(encoding="utf-8")
        assert "import pyplot" not in source and "matplotlib.pyplot" not in source


# --- quota compliance ---------------------------------------------------------------------


def test_compliance_matrix_takes_the_worst_audited_category_and_the_mean_of_replications() -> None:
    matrix = plots.compliance_matrix(canteen_months_table())
    assert matrix.index.tolist() == ["A", "B"]  # C is not bound
    assert matrix.columns.tolist() == ["2020-03", "2020-04"]
    np.testing.assert_allclose(matrix.to_numpy(), [[0.6, 1.0], [0.8, 1.5]])


def test_compliance_matrix_lays_out_the_model_s_fulfilment_whatever_its_basis() -> None:
    table = canteen_months_table()
    # a quota by value: the model writes aid ÷ required in yuan
    table["fulfilment"] = table["aid_yuan"] / table["required_yuan"]
    table["compliant"] = table["fulfilment"] >= 1.0
    matrix = plots.compliance_matrix(table)
    np.testing.assert_allclose(matrix.to_numpy(), [[0.3, 0.5], [0.4, 0.75]])


def test_compliance_matrix_puts_each_audit_on_the_side_of_the_quota_the_model_says() -> None:
    """Whatever the model's tolerance: a row it finds compliant counts as 1 at least, a row it
    does not stays below 1; rows already on their side keep their value."""
    table = canteen_months_table()
    b_march = (table["canteen_id"] == "B") & (table["month"] == "2020-03")
    table.loc[b_march, "compliant"] = True  # 0.8 and 0.9 met, as a model with 20 % slack says
    a_april_veg = (table["canteen_id"] == "A") & (table["month"] == "2020-04")
    a_april_veg &= table["category"] == "vegetables"
    table.loc[a_april_veg, "compliant"] = False  # exactly 1.0, yet short, as a stricter one says
    matrix = plots.compliance_matrix(table)
    assert matrix.loc["B", "2020-03"] == 1.0
    assert matrix.loc["A", "2020-04"] == np.nextafter(1.0, 0.0)
    np.testing.assert_allclose(matrix.loc[["A", "B"], "2020-03"], [0.6, 1.0])
    assert matrix.loc["B", "2020-04"] == 1.5


def test_compliance_matrix_per_total_audits_the_total_rows() -> None:
    table = canteen_months_table()
    table["audited"] = table["bound"] & (table["category"] == "total")
    matrix = plots.compliance_matrix(table)
    # A 2020-03: (12 + 5) / 20 and (12 + 7) / 20 → mean 0.9
    np.testing.assert_allclose(matrix.to_numpy(), [[0.9, 1.5], [0.85, 2.25]])


def test_compliance_matrix_has_no_value_where_nothing_is_required() -> None:
    table = canteen_months_table()
    nothing_required = table["canteen_id"] == "B"
    table.loc[nothing_required, "required_kg"] = 0.0
    table.loc[nothing_required, "fulfilment"] = math.nan  # as the model writes it
    table.loc[nothing_required, "compliant"] = True
    matrix = plots.compliance_matrix(table)
    assert matrix.loc["B"].isna().all()
    assert matrix.loc["A"].notna().all()


def test_quota_compliance_draws_a_canteen_by_month_heat_map_with_the_quota_on_its_scale() -> None:
    table = as_csv(canteen_months_table())  # bools come back as bools, ids as strings
    ax = plots.quota_compliance(table, per="category")
    (image,) = ax.images
    array = image.get_array()
    assert array is not None and array.shape == (2, 2)  # bound canteens × months
    np.testing.assert_allclose(np.ma.getdata(array), [[0.6, 1.0], [0.8, 1.5]])
    assert tick_texts(ax, "y") == ["A", "B"]
    assert tick_texts(ax) == ["2020-03\n(partial)", "2020-04"]
    # the colour changes at the quota: below 1 is one colour, 1 itself the next (which side of 1
    # an audit is on, the model's `compliant` says: see `compliance_matrix`)
    norm = image.norm
    assert norm(0.999) != norm(1.0)
    assert norm(np.nextafter(1.0, 0.0)) != norm(1.0)
    colorbar_ax = ax.get_figure().axes[1]
    assert "100%" in [t.get_text() for t in colorbar_ax.get_yticklabels()]
    assert colorbar_ax.get_ylabel() == "Aid bought ÷ quota, worst audited category"


def test_quota_compliance_with_many_canteens_sorts_them_and_drops_their_names() -> None:
    rows = []
    n = plots.MAX_LABELLED_CANTEENS + 5
    for i in range(n):
        ratio = (n - i) / n  # the last canteen is the furthest from its quota
        rows.append(_audit_row(0, "2020-03", f"K{i:03d}", True, "veg", 10.0 * ratio, 10.0, True))
    ax = plots.quota_compliance(pd.DataFrame(rows), per="category")
    array = ax.images[0].get_array()
    assert array is not None and array.shape == (n, 1)
    assert np.all(np.diff(np.ma.getdata(array)[:, 0]) >= 0)  # lowest at the top
    assert tick_texts(ax, "y") == []
    assert str(n) in ax.get_ylabel()


def test_quota_compliance_without_audits_says_so() -> None:
    table = canteen_months_table()
    table["audited"] = False
    ax = plots.quota_compliance(table, per="category")
    assert len(ax.images) == 0
    assert [t.get_text() for t in ax.texts] == ["Nothing to show: no bound canteen was audited"]


# --- weekly supply, losses, late deliveries ------------------------------------------------


def test_weekly_supply_draws_listed_ordered_and_sold_of_one_category() -> None:
    table = weekly_products_table()
    ax = plots.weekly_supply(table, "fruit")
    assert [line.get_label() for line in ax.lines] == ["Listed", "Ordered", "Sold"]
    listed, ordered, sold = (np.asarray(line.get_ydata(), dtype=float) for line in ax.lines)
    # mean of 1× and 2× is 1.5×; no fruit on the list in week 2
    np.testing.assert_allclose(listed, [75.0, 75.0, 0.0])
    np.testing.assert_allclose(ordered, [75.0, 90.0, 0.0])
    np.testing.assert_allclose(sold, [67.5, 67.5, 0.0])
    dates = pd.to_datetime(ax.lines[0].get_xdata())
    assert dates.strftime("%Y-%m-%d").tolist() == ["2020-03-02", "2020-03-09", "2020-03-16"]
    assert ax.get_title() == "Fruit"
    assert ax.get_legend() is not None


def test_weekly_supply_in_chinese_without_a_legend() -> None:
    ax = plots.weekly_supply(as_csv(weekly_products_table()), "vegetables", lang="zh", legend=False)
    assert [line.get_label() for line in ax.lines] == ["上架", "订购", "售出"]
    assert ax.get_legend() is None
    assert ax.get_title() == "蔬菜"


def test_lost_in_transit_draws_a_bar_per_week() -> None:
    table = weekly_products_table()
    ax = plots.lost_in_transit(table)
    (bars,) = ax.containers
    assert isinstance(bars, BarContainer)
    # weeks 0 and 1: two products each lose (1 + week) kg × 1.5; week 2 only vegetables
    np.testing.assert_allclose(bar_heights(bars), [3.0, 6.0, 4.5])
    expected = table.groupby("week")["lost_kg"].sum() / 2
    np.testing.assert_allclose(bar_heights(bars).sum(), expected.sum())


def test_late_deliveries_draws_late_kg_per_week() -> None:
    table = as_csv(deliveries_table())
    ax = plots.late_deliveries(table)
    (bars,) = ax.containers
    np.testing.assert_allclose(bar_heights(bars), [0.0, 20.0])  # 40 kg late in one of two
    starts = [mdates.num2date(p.get_x()).strftime("%Y-%m-%d") for p in bars.patches]
    assert starts == ["2020-03-02", "2020-03-09"]  # the Mondays of the scheduled days


def test_late_deliveries_are_a_mean_over_the_run_s_replications_not_the_table_s() -> None:
    """A replication that delivered nothing has no rows: the run's count divides, not the
    table's."""
    table = deliveries_table()
    only_first = table[table["replication"] == 0]
    (bars,) = plots.late_deliveries(only_first, replications=2).containers
    np.testing.assert_allclose(bar_heights(bars), [0.0, 20.0])
    (bars,) = plots.late_deliveries(only_first).containers
    np.testing.assert_allclose(bar_heights(bars), [0.0, 40.0])
    with pytest.raises(ValueError, match=r"replications=0: must be at least 1"):
        plots.late_deliveries(only_first, replications=0)


def test_late_deliveries_share_the_weeks_of_the_products_table() -> None:
    starts = plots.week_starts(weekly_products_table())
    ax = plots.late_deliveries(deliveries_table(), week_starts=starts)
    (bars,) = ax.containers
    np.testing.assert_allclose(bar_heights(bars), [0.0, 20.0, 0.0])


# --- farmer income ------------------------------------------------------------------------


def test_farmer_income_adds_up_the_model_s_farmer_income_by_county() -> None:
    table = weekly_products_table()
    income = plots.farmer_income_by(table)
    # 屯昌县: sales (94 + 93 + 92) × 5 × (1 + 2), shipped 95 × 3 × 3 weeks; mean of 2
    tunchang = (279 * 5 * 3 * 0.95 - 0.4 * 95 * 3 * 3) / 2
    # 琼中县: sales (44 + 43) × 5 × 3, shipped 45 × 3 × 2 weeks
    qiongzhong = (87 * 5 * 3 * 0.95 - 0.4 * 45 * 3 * 2) / 2
    assert income.index.tolist() == ["屯昌县", "琼中县"]
    np.testing.assert_allclose(income.to_numpy(), [tunchang, qiongzhong])


def test_farmer_income_takes_the_model_s_column_as_it_is() -> None:
    """The report computes no income of its own: a column the model wrote otherwise is drawn."""
    table = weekly_products_table()
    table["farmer_income_yuan"] = np.where(table["county"] == "琼中县", 100.0, 1.0)
    income = plots.farmer_income_by(table)
    # 琼中县: 4 product-weeks of 100 yuan; 屯昌县: 6 of 1 yuan; over 2 replications
    assert income.to_dict() == {"琼中县": 200.0, "屯昌县": 3.0}


def test_farmer_income_draws_a_labelled_bar_per_county_largest_at_the_top() -> None:
    table = weekly_products_table()
    ax = plots.farmer_income(table)
    (bars,) = ax.containers
    widths = [patch.get_width() for patch in bars.patches]
    expected = plots.farmer_income_by(table)
    np.testing.assert_allclose(widths, expected.to_numpy()[::-1])
    assert tick_texts(ax, "y") == ["琼中县", "屯昌县"]
    assert [t.get_text() for t in ax.texts] == [text.number(v) for v in expected[::-1]]
    assert "," in ax.texts[-1].get_text()  # thousands separators


def test_farmer_income_by_cooperative() -> None:
    ax = plots.farmer_income(weekly_products_table(), by="cooperative_id", lang="zh")
    assert sorted(tick_texts(ax, "y")) == ["C1", "C2"]
    assert ax.get_title() == "各合作社农户收入"


# --- a comparison -------------------------------------------------------------------------


def test_kpi_by_setting_draws_the_mean_over_the_varied_value_with_its_band() -> None:
    table = comparison_table()
    ax = plots.kpi_by_setting(
        table, "monthly_sales_yuan_mean", x=[0.0, 0.2, 0.4], key="quota.share"
    )
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_xdata(), [0.0, 0.2, 0.4])
    np.testing.assert_allclose(line.get_ydata(), [100_000.0, 300_000.0, 500_000.0])
    (band,) = ax.collections
    assert isinstance(band, PolyCollection)
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() == pytest.approx(95_000.0)
    assert vertices[:, 1].max() == pytest.approx(505_000.0)
    assert ax.get_xlabel() == "Quota share"
    assert ax.xaxis.get_major_formatter()(0.2, 0) == "20%"
    assert ax.yaxis.get_major_formatter()(300_000.0, 0) == "300,000"


def test_kpi_by_setting_leaves_a_gap_where_a_kpi_has_no_value() -> None:
    ax = plots.kpi_by_setting(comparison_table(), "quota_fulfilment", x=[0.0, 0.2, 0.4])
    ydata = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    assert math.isnan(ydata[0])
    np.testing.assert_allclose(ydata[1:], [0.9, 0.8])
    assert ax.yaxis.get_major_formatter()(0.9, 0) == "90%"


def test_kpi_by_setting_without_numeric_values_lists_the_settings_with_error_bars() -> None:
    table = comparison_table()
    ax = plots.kpi_by_setting(table, "compliance_rate", reference=0.5, reference_label="target")
    (errorbars,) = (c for c in ax.containers if isinstance(c, ErrorbarContainer))
    points = errorbars.lines[0]
    assert points is not None
    np.testing.assert_allclose(points.get_xdata(), [1.0, 0.7, 0.4])
    assert tick_texts(ax, "y") == ["Quota share = 0%", "Quota share = 20%", "Quota share = 40%"]
    reference = [line for line in ax.lines if list(line.get_xdata()) == [0.5, 0.5]]
    assert len(reference) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["target"]


def test_monthly_sales_by_setting_draws_a_line_and_band_per_setting() -> None:
    table = as_csv(monthly_comparison_table())
    ax = plots.monthly_sales_by_setting(table, observed_yuan=310_000.0, lang="en")
    first, second, observed = (line for line in ax.lines if not line.get_label().startswith("_"))
    assert first.get_label() == "Quota share = 0%"
    first_y = np.asarray(first.get_ydata(), dtype=float)
    assert math.isnan(first_y[0])  # partial February: dashed, not on the solid line
    assert first_y[1] == 10_000.0
    assert math.isnan(first_y[2])  # no April row: a gap, not a zero
    np.testing.assert_allclose(second.get_ydata(), [np.nan, 20_000.0, 20_000.0])
    dashed = [line for line in ax.lines if line.get_label().startswith("_partial")]
    np.testing.assert_allclose(
        [line.get_ydata() for line in dashed], [[2_000.0, 10_000.0], [4_000.0, 20_000.0]]
    )
    assert all(line.get_linestyle() == "--" for line in dashed)
    assert list(observed.get_ydata()) == [310_000.0, 310_000.0]
    assert len(ax.collections) == 2
    assert tick_texts(ax) == ["2020-02\n(partial)", "2020-03", "2020-04"]


def test_paired_differences_draw_each_setting_after_the_first_with_its_interval() -> None:
    ax = plots.paired_differences(comparison_table(), "monthly_sales_yuan_mean")
    (errorbars,) = (c for c in ax.containers if isinstance(c, ErrorbarContainer))
    points = errorbars.lines[0]
    assert points is not None
    np.testing.assert_allclose(points.get_xdata(), [200_000.0, 400_000.0])
    (bars,) = errorbars.lines[2]
    segments = bars.get_segments()
    np.testing.assert_allclose([s[:, 0].min() for s in segments], [199_000.0, 399_000.0])
    np.testing.assert_allclose([s[:, 0].max() for s in segments], [201_000.0, 401_000.0])
    assert tick_texts(ax, "y") == ["Quota share = 20%", "Quota share = 40%"]
    assert ax.get_xlabel() == "Difference against Quota share = 0%"
    assert ax.xaxis.get_major_formatter()(200_000.0, 0) == "+200,000"
    assert any(list(line.get_xdata()) == [0.0, 0.0] for line in ax.lines)  # the zero line


def test_paired_differences_against_the_previous_setting() -> None:
    table = comparison_table()
    order = sorted(
        table["setting"].unique(),
        key=lambda s: table.loc[table["setting"] == s, "setting_index"].iloc[0],
    )
    table["baseline"] = table["setting"].map(
        {s: ("" if i == 0 else order[i - 1]) for i, s in enumerate(order)}
    )
    ax = plots.paired_differences(table, "monthly_sales_yuan_mean")
    assert tick_texts(ax, "y") == ["Quota share = 20%", "Quota share = 40%"]
    assert ax.get_xlabel() == "Difference against the previous setting"


def test_paired_differences_of_rates_are_signed_percentage_points() -> None:
    # a difference of two rates is in percentage points, as the tables and the terminal say
    ax = plots.paired_differences(comparison_table(), "compliance_rate", setting_labels=False)
    assert ax.xaxis.get_major_formatter()(-0.3, 0) == "-30 pp"
    assert tick_texts(ax, "y") == ["", ""]


def test_paired_differences_say_when_the_baseline_has_no_value() -> None:
    ax = plots.paired_differences(comparison_table(), "quota_fulfilment", lang="zh")
    (message,) = (t.get_text().replace("\n", "") for t in ax.texts)  # one message, wrapped
    assert message == "无可显示内容：基准方案没有此指标值可供比较，因为没有受约束食堂的完整审核期"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("quota.share=0.2", "Quota share = 20%"),
        ("quota.share=0.2, platform.vehicles=2", "Quota share = 20%\nDelivery vehicles = 2"),
        ("quota.share=0.2, ordering.share=0.1", "Quota share = 20%\nordering.share = 0.1"),
        ("baseline", "baseline"),
    ],
)
def test_setting_labels_are_short_one_key_a_line(label: str, expected: str) -> None:
    assert plots.setting_label(label) == expected


def test_category_colours_are_the_same_in_every_plot() -> None:
    assert (
        plots.category_colours(["fruit", "mushrooms"])["fruit"]
        == plots.category_colours(["vegetables", "fruit"])["fruit"]
    )


# --- labels -------------------------------------------------------------------------------


def test_every_label_exists_in_both_languages() -> None:
    assert set(text._PHRASES["en"]) == set(text._PHRASES["zh"])
    assert set(text._CATEGORIES["en"]) == set(text._CATEGORIES["zh"])
    assert set(text._SETTING_KEYS["en"]) == set(text._SETTING_KEYS["zh"])


def test_labels_name_things_in_the_language_asked_for() -> None:
    assert text.kpi("zh", "compliance_rate") == "配额达标率"
    assert text.category("en", "aquatic") == "Aquatic products"
    assert text.category("zh", "mushrooms") == "mushrooms"  # a user's own category
    assert text.setting_key("zh", "quota.share") == "配额比例"
    assert text.setting_key("en", "cycle.order_cutoff") == "cycle.order_cutoff"
    assert text.replications("en", 1) == "one replication"
    assert text.replications("zh", 10) == "10 次重复模拟的均值"
    assert text.number(310_000.4) == "310,000"
    assert text.percent(0.593) == "59.3%"
    assert text.percent(math.nan) == "n/a"
    assert text.number(math.nan, lang="zh") == "不适用"


def test_an_unknown_language_names_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match=r"^lang='EN' is not a report language; valid: 'en', 'zh'$"
    ):
        text.check_lang("EN")


# --- trade-off ------------------------------------------------------------------------------


def trade_off_table() -> pd.DataFrame:
    rows = []
    for index, (income, cost) in enumerate([(1_000.0, 100.0), (5_000.0, 500.0), (7_000.0, 900.0)]):
        for kpi, mean in (("farmer_income_yuan", income), ("cost_premium_yuan", cost)):
            rows.append(
                {
                    "setting": f"quota.share=0.{index}",
                    "setting_index": index,
                    "kpi": kpi,
                    "mean": mean,
                    "ci_low": mean * 0.9,
                    "ci_high": mean * 1.1,
                }
            )
    return pd.DataFrame(rows)


def test_trade_off_puts_farmer_income_over_cost_premium_with_both_intervals() -> None:
    ax = plots.trade_off(trade_off_table())
    (errorbars,) = (c for c in ax.containers if isinstance(c, ErrorbarContainer))
    points = errorbars.lines[0]
    assert points is not None
    np.testing.assert_allclose(points.get_xdata(), [100.0, 500.0, 900.0])
    np.testing.assert_allclose(points.get_ydata(), [1_000.0, 5_000.0, 7_000.0])
    assert errorbars.has_xerr and errorbars.has_yerr
    xbars, ybars = errorbars.lines[2]
    np.testing.assert_allclose([s[:, 0].min() for s in xbars.get_segments()], [90.0, 450.0, 810.0])
    np.testing.assert_allclose(
        [s[:, 1].max() for s in ybars.get_segments()], [1_100.0, 5_500.0, 7_700.0]
    )
    assert [t.get_text() for t in ax.texts] == [
        "Quota share = 0%",
        "Quota share = 10%",
        "Quota share = 20%",
    ]
    assert ax.get_xlabel() == "Cost premium to canteens (yuan)"
    assert ax.get_ylabel() == "Farmer income (yuan)"


def test_trade_off_without_the_kpis_says_so() -> None:
    table = trade_off_table()
    ax = plots.trade_off(table[table["kpi"] != "cost_premium_yuan"])
    assert not ax.containers
