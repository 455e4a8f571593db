"""Relations between runs of related scenarios: the past does not depend on the future, and the
model is linear in kilograms."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from canteensim.model.calendar import Calendar

from .strategies import build, run, scenarios

KG_AND_YUAN = ("_kg", "_yuan")


def first_cycle_not_run(raw: dict[str, Any]) -> pd.Timestamp:
    """The Monday of the first weekly cycle the run does not run whole.

    A cycle runs if one of its delivery days falls within the horizon, and then only canteens
    delivered within the horizon order in it; a longer horizon lets the others order too, and
    adds cycles whose first deliveries may fall before the shorter run's end.
    """
    calendar = Calendar.from_scenario(build(raw))
    weeks = calendar.weeks
    partial = [w for w in weeks if max(w.delivery_day_by_slot) >= calendar.horizon_days]
    if partial:
        monday = partial[0].monday
    elif weeks:
        monday = weeks[-1].monday + 7
    else:
        monday = -calendar.start.weekday()
        while monday + calendar.listing_days < 0:
            monday += 7
    return pd.Timestamp(calendar.date(monday))


@given(scenarios(), st.integers(1, 40))
def test_extending_the_horizon_does_not_change_the_past(raw: dict[str, Any], days: int) -> None:
    longer = copy.deepcopy(raw)
    longer["scenario"]["end"] = raw["scenario"]["end"] + dt.timedelta(days=days)
    short, long = run(raw), run(longer)
    # what happens before the end of the short run and before any cycle it leaves out
    before = min(
        pd.Timestamp(raw["scenario"]["end"]) + pd.Timedelta(days=1), first_cycle_not_run(raw)
    )

    # every week the short run runs whole: the same offer, orders and sales
    calendar = Calendar.from_scenario(build(raw))
    weeks = sum(w.monday < (before.date() - calendar.start).days for w in calendar.weeks)
    columns = ["week", "product_id", "offered_kg", "listed_kg", "ordered_kg", "sold_kg"]

    def whole_weeks(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["week"] < weeks, columns].reset_index(drop=True)

    pd.testing.assert_frame_equal(
        whole_weeks(short.weekly_products),
        whole_weeks(long.weekly_products),
        check_exact=True,
        check_dtype=weeks > 0,  # a run without a week has an empty float "week" column
    )

    # every delivery until then
    def until(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["delivered_day"] < before].reset_index(drop=True)

    pd.testing.assert_frame_equal(until(short.deliveries), until(long.deliveries), check_exact=True)

    # every audit of a month that closed by then
    def closed(frame: pd.DataFrame) -> pd.DataFrame:
        month_end = pd.PeriodIndex(frame["month"].astype(str), freq="M").end_time.normalize()
        kept = frame[np.asarray(month_end < before)].copy()
        kept["month"] = kept["month"].astype(str)
        return kept.reset_index(drop=True)

    pd.testing.assert_frame_equal(
        closed(short.canteen_months),
        closed(long.canteen_months),
        check_exact=True,
        check_categorical=False,
    )


@given(scenarios(generated_canteens=False))
def test_doubling_diners_stock_and_trucks_doubles_every_kg_and_yuan(raw: dict[str, Any]) -> None:
    double = copy.deepcopy(raw)
    for canteen in double["canteens"]["rows"]:
        canteen["diners"] *= 2
    for product in double["products"]["rows"]:
        product["weekly_capacity_kg"] *= 2
    double["platform"]["vehicle_capacity_kg"] *= 2
    double["ordering"]["min_line_kg"] *= 2
    base, doubled = run(raw), run(double)

    for name in ("monthly_sales", "canteen_months", "weekly_products"):
        a, b = base.tables[name], doubled.tables[name]
        assert len(a) == len(b), name
        for column in a.columns:
            if column.endswith(KG_AND_YUAN):
                np.testing.assert_allclose(
                    b[column], 2 * a[column], rtol=1e-9, atol=1e-6, err_msg=f"{name}.{column}"
                )
    for column in ("kg", "lost_kg"):
        total = base.deliveries[column].sum()
        assert abs(doubled.deliveries[column].sum() - 2 * total) <= 1e-9 * (1 + total), column
    for kpi in ("fill_rate", "on_time_rate", "compliance_rate", "unsold_share", "quota_fulfilment"):
        np.testing.assert_allclose(
            doubled.kpis[kpi], base.kpis[kpi], rtol=1e-9, atol=1e-9, err_msg=kpi
        )


@given(scenarios())
def test_no_share_no_orders(raw: dict[str, Any]) -> None:
    raw["quota"]["share"] = 0.0
    raw["ordering"]["voluntary_share"] = 0.0
    res = run(raw)
    assert res.weekly_products["ordered_kg"].sum() == 0.0
    assert len(res.deliveries) == 0
    assert res.kpis["total_sales_yuan"].item() == 0.0
