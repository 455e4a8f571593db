"""Means, 95 % t-intervals and paired differences, against numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from canteensim.experiment.statistics import (
    comparison_table,
    interval,
    marginal_costs,
    monthly_table,
    relative_half_widths,
    saturated,
)

VALUES = np.array([10.0, 12.0, 9.0, 14.0, 11.0])


def test_interval_is_the_student_t_interval():
    # mean 11.2; deviations -1.2, 0.8, -2.2, 2.8, -0.2; squares sum to 14.8; s² = 3.7
    mean, sd, low, high = interval(VALUES)
    assert mean == pytest.approx(11.2)
    assert sd == pytest.approx(math.sqrt(3.7))
    half = stats.t.ppf(0.975, df=4) * math.sqrt(3.7) / math.sqrt(5)
    assert half == pytest.approx(2.388, abs=1e-3)  # t(0.975, 4) = 2.776
    assert low == pytest.approx(11.2 - half, rel=1e-12)
    assert high == pytest.approx(11.2 + half, rel=1e-12)


def test_interval_agrees_with_scipy_interval():
    rng = np.random.default_rng(3)
    values = rng.normal(100, 15, size=23)
    _, _, low, high = interval(values)
    expected = stats.t.interval(0.95, df=22, loc=values.mean(), scale=stats.sem(values))
    assert (low, high) == pytest.approx(expected, rel=1e-12)


def test_nan_values_are_left_out():
    with_nan = np.array([10.0, math.nan, 12.0, 9.0, 14.0, math.nan, 11.0])
    assert interval(with_nan) == pytest.approx(interval(VALUES))


def test_one_value_has_a_mean_but_no_interval():
    mean, sd, low, high = interval(np.array([math.nan, 7.5]))
    assert mean == 7.5
    assert all(math.isnan(x) for x in (sd, low, high))


@pytest.mark.parametrize("values", [np.array([]), np.array([math.nan, math.nan])])
def test_no_values_no_mean(values):
    assert all(math.isnan(x) for x in interval(values))


def test_identical_values_have_a_zero_width_interval():
    assert interval(np.array([4.0, 4.0, 4.0])) == (4.0, 0.0, 4.0, 4.0)


# --- comparison_table on a hand-made runs table ---------------------------------------------------


@pytest.fixture
def runs() -> pd.DataFrame:
    """Three settings × four replications of KPIs x and y, rows shuffled.

    Setting 1 is setting 0 plus 1, 2, 3, 4 in replications 0–3 (x); setting 2 lacks replication 3
    and has a NaN y in replication 0.
    """
    rows = [
        (0, 0, 10.0, 1.0),
        (0, 1, 20.0, 2.0),
        (0, 2, 30.0, 3.0),
        (0, 3, 40.0, 4.0),
        (1, 0, 11.0, 1.0),
        (1, 1, 22.0, 2.0),
        (1, 2, 33.0, 3.0),
        (1, 3, 44.0, 4.0),
        (2, 0, 10.0, math.nan),
        (2, 1, 19.0, 2.5),
        (2, 2, 28.0, 3.5),
    ]
    frame = pd.DataFrame(rows, columns=["setting", "replication", "x", "y"])
    return frame.sample(frac=1, random_state=1).reset_index(drop=True)


LABELS = {0: "base", 1: "plus", 2: "short"}


def row(table: pd.DataFrame, setting: str, kpi: str) -> pd.Series:
    (index,) = table.index[(table["setting"] == setting) & (table["kpi"] == kpi)]
    return table.loc[index]


def test_table_has_one_row_per_setting_and_kpi_in_order(runs):
    table = comparison_table(runs, ["x", "y"], LABELS)
    assert list(zip(table["setting"], table["kpi"], strict=True)) == [
        ("base", "x"),
        ("base", "y"),
        ("plus", "x"),
        ("plus", "y"),
        ("short", "x"),
        ("short", "y"),
    ]
    assert list(table["setting_index"]) == [0, 0, 1, 1, 2, 2]
    for column in (
        "mean",
        "ci_low",
        "ci_high",
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
        "n",
    ):
        assert column in table.columns


def test_means_and_intervals_per_setting(runs):
    table = comparison_table(runs, ["x", "y"], LABELS)
    plus = row(table, "plus", "x")
    _, _, low, high = interval(np.array([11.0, 22.0, 33.0, 44.0]))
    assert (plus["mean"], plus["ci_low"], plus["ci_high"]) == pytest.approx((27.5, low, high))
    assert plus["n"] == 4


def test_paired_differences_are_by_replication(runs):
    table = comparison_table(runs, ["x", "y"], LABELS)
    plus = row(table, "plus", "x")
    # differences 1, 2, 3, 4: mean 2.5, s = sqrt(5/3)
    half = stats.t.ppf(0.975, 3) * math.sqrt(5 / 3) / 2
    assert plus["diff_mean"] == pytest.approx(2.5)
    assert plus["diff_ci_low"] == pytest.approx(2.5 - half)
    assert plus["diff_ci_high"] == pytest.approx(2.5 + half)
    # the paired interval is far narrower than the interval of either mean
    assert plus["diff_ci_high"] - plus["diff_ci_low"] < (plus["ci_high"] - plus["ci_low"]) / 5
    same = row(table, "plus", "y")
    assert (same["diff_mean"], same["diff_ci_low"], same["diff_ci_high"]) == (0.0, 0.0, 0.0)


def test_baseline_has_no_difference_with_itself(runs):
    table = comparison_table(runs, ["x", "y"], LABELS)
    base = table[table["setting"] == "base"]
    assert base[["diff_mean", "diff_ci_low", "diff_ci_high"]].isna().all().all()  # not 0, [0, 0]
    assert (base["baseline"] == "base").all()  # still named: the row others are against


def test_missing_replications_and_nan_are_left_out_of_the_pairs(runs):
    table = comparison_table(runs, ["x", "y"], LABELS)
    x = row(table, "short", "x")
    # replications 0–2 only: differences 0, -1, -2
    assert x["n"] == 3
    assert x["mean"] == pytest.approx(19.0)
    assert x["diff_mean"] == pytest.approx(-1.0)
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert x["diff_ci_low"] == pytest.approx(-1.0 - half)
    y = row(table, "short", "y")
    # y is NaN in replication 0: mean of 2.5 and 3.5; differences 0.5, 0.5
    assert y["n"] == 2
    assert y["mean"] == pytest.approx(3.0)
    assert y["diff_mean"] == pytest.approx(0.5)
    assert y["diff_ci_low"] == pytest.approx(0.5) and y["diff_ci_high"] == pytest.approx(0.5)


def test_each_setting_against_its_own_baseline(runs):
    # previous: plus against base, short against plus; base has no difference
    table = comparison_table(runs, ["x", "y"], LABELS, {0: None, 1: 0, 2: 1})
    base = row(table, "base", "x")
    assert base["baseline"] == ""
    assert math.isnan(base["diff_mean"]) and math.isnan(base["diff_ci_low"])
    assert row(table, "plus", "x")["baseline"] == "base"
    short = row(table, "short", "x")
    assert short["baseline"] == "plus"
    # replications 0–2: 10 - 11, 19 - 22, 28 - 33
    assert short["diff_mean"] == pytest.approx(-3.0)


def test_the_default_baseline_is_the_first_setting_named_in_the_table(runs):
    table = comparison_table(runs, ["x"], LABELS)
    assert list(table["baseline"]) == ["base"] * 3


def test_no_difference_where_either_side_is_nan():
    # a KPI that does not apply (compliance at quota 0) has no difference, not 0 with [0, 0]
    runs = pd.DataFrame(
        {
            "setting": [0, 0, 1, 1, 2, 2],
            "replication": [0, 1] * 3,
            "rate": [math.nan, math.nan, 0.5, 0.7, 0.6, 0.6],
        }
    )
    labels = {0: "q0", 1: "q1", 2: "q2"}
    table = comparison_table(runs, ["rate"], labels, {0: 0, 1: 0, 2: 0})
    for name in ("q0", "q1", "q2"):
        r = row(table, name, "rate")
        assert math.isnan(r["diff_mean"])
        assert math.isnan(r["diff_ci_low"]) and math.isnan(r["diff_ci_high"])
    neighbours = comparison_table(runs, ["rate"], labels, {0: None, 1: 0, 2: 1})
    assert row(neighbours, "q2", "rate")["diff_mean"] == pytest.approx(0.0)


def test_relative_half_widths_leave_out_zero_means():
    table = pd.DataFrame(
        {"mean": [10.0, -4.0, 0.0], "ci_low": [9.0, -5.0, -1.0], "ci_high": [11.0, -3.0, 1.0]}
    )
    widths = relative_half_widths(table)
    assert widths.iloc[0] == pytest.approx(0.1)
    assert widths.iloc[1] == pytest.approx(0.25)
    assert math.isnan(widths.iloc[2])


def test_monthly_table_sums_categories_per_run():
    monthly = pd.DataFrame(
        {
            "setting": [0, 0, 0, 0, 1, 1, 1, 1],
            "replication": [0, 0, 1, 1, 0, 0, 1, 1],
            "month": ["2020-03"] * 8,
            "category": ["veg", "pork"] * 4,
            "sales_yuan": [1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0],
            "quantity_kg": [1.0] * 8,
            "partial": [False] * 8,
        }
    )
    table = monthly_table(monthly, {0: "a", 1: "b"})
    assert list(table["setting"]) == ["a", "b"]
    # per run, categories add up: (3 + 7) / 2 and (30 + 70) / 2
    assert list(table["sales_yuan_mean"]) == pytest.approx([5.0, 50.0])
    assert list(table["quantity_kg_mean"]) == pytest.approx([2.0, 2.0])
    assert list(table["n"]) == [2, 2]


def kpi_means(income: list[float], cost: list[float]) -> pd.DataFrame:
    rows = []
    for index, (y, x) in enumerate(zip(income, cost, strict=True)):
        for kpi, mean in (("farmer_income_yuan", y), ("cost_premium_yuan", x)):
            rows.append({"setting": f"s{index}", "setting_index": index, "kpi": kpi, "mean": mean})
    return pd.DataFrame(rows).sample(frac=1, random_state=2)  # order comes from setting_index


def test_marginal_cost_is_the_cost_change_over_the_income_change_between_neighbours():
    steps = marginal_costs(kpi_means([100.0, 300.0, 300.0, 400.0], [10.0, 50.0, 70.0, math.nan]))
    assert list(zip(steps["from"], steps["to"], strict=True)) == [
        ("s0", "s1"),
        ("s1", "s2"),
        ("s2", "s3"),
    ]
    assert steps["benefit_change"].tolist()[:2] == [200.0, 0.0]
    assert steps["cost_change"].tolist()[:2] == [40.0, 20.0]
    assert steps["cost_per_benefit"].iloc[0] == pytest.approx(0.2)  # 40 yuan for 200 yuan
    assert math.isnan(steps["cost_per_benefit"].iloc[1])  # income does not change
    assert math.isnan(steps["cost_per_benefit"].iloc[2])  # cost undefined


def test_one_setting_has_no_marginal_cost():
    assert marginal_costs(kpi_means([100.0], [10.0])).empty


def test_saturated_settings_have_a_mean_fill_rate_below_95_percent():
    table = pd.DataFrame(
        {
            "setting": ["c", "a", "b", "d", "a"],
            "setting_index": [2, 0, 1, 3, 0],
            "kpi": ["fill_rate", "fill_rate", "fill_rate", "fill_rate", "lost_kg"],
            "mean": [0.80, 0.95, 0.9499, math.nan, 0.0],
        }
    )
    assert saturated(table) == ["b", "c"]  # grid order; 95 % itself and n/a are not saturated
