"""Relations between runs of related scenarios: the past does not depend on the future, the
model is linear in kilograms, and more supply does not cost a canteen that tracks its quota an
audit."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from canteensim.model.calendar import Calendar
from canteensim.model.quota import audit_periods

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


def first_cycle_planning_a_cut_period(raw: dict[str, Any], longer: dict[str, Any]) -> pd.Timestamp:
    """The Monday of the first weekly cycle that orders for the audit period the short run's end
    cuts short (the end of time if it cuts none).

    Canteens plan for their audit period as the horizon holds it: its consumption and their
    delivery dates up to the horizon's end. A longer horizon holds more of that last period, so
    orders for it differ, as they should.
    """
    period = raw["quota"]["period"]
    short, long = (Calendar.from_scenario(build(r)) for r in (raw, longer))
    last = audit_periods(short, period)[-1]
    same = next(p for p in audit_periods(long, period) if p.label == last.label)
    if same.end_day == last.end_day:
        return pd.Timestamp.max
    for week in short.weeks:
        if max(week.delivery_day_by_slot) >= last.start_day:
            return pd.Timestamp(short.date(week.monday))
    return pd.Timestamp.max


def period_end(label: str) -> pd.Timestamp:
    """The last day of the audit period ``2020-03``, ``2020-Q2`` or ``2020``."""
    freq = "Q" if "Q" in label else ("M" if "-" in label else "Y")
    return pd.Period(label, freq=freq).end_time.normalize()


def plans_by_period(raw: dict[str, Any]) -> bool:
    """Whether some canteen may plan its orders over its audit period (catch-up, tracking)."""
    by_period = {"catch_up", "tracking"}
    canteens = raw["canteens"]
    if "rows" in canteens:
        return any(
            row["behaviour"] in by_period or (row["behaviour"] is None and row["bound"])
            for row in canteens["rows"]
        )
    behaviours = canteens["generate"]["behaviours"]
    return behaviours is None or bool(by_period & set(behaviours))


@given(scenarios(), st.integers(1, 40))
def test_extending_the_horizon_does_not_change_the_past(raw: dict[str, Any], days: int) -> None:
    longer = copy.deepcopy(raw)
    longer["scenario"]["end"] = raw["scenario"]["end"] + dt.timedelta(days=days)
    short, long = run(raw), run(longer)
    calendar = Calendar.from_scenario(build(raw))

    def weeks_before(day: pd.Timestamp) -> int:
        return sum(w.monday < (day.date() - calendar.start).days for w in calendar.weeks)

    # the offer of every week the short run runs whole, before the end and any cycle left out
    listed_before = min(
        pd.Timestamp(raw["scenario"]["end"]) + pd.Timedelta(days=1), first_cycle_not_run(raw)
    )
    offer = ["week", "product_id", "offered_kg", "listed_kg"]
    whole = weeks_before(listed_before)

    def offered(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["week"] < whole, offer].reset_index(drop=True)

    pd.testing.assert_frame_equal(
        offered(short.weekly_products),
        offered(long.weekly_products),
        check_exact=True,
        check_dtype=whole > 0,  # a run without a week has an empty float "week" column
    )

    # what canteens order, buy and receive until then, and before any order for the audit
    # period the short run's end cuts short, if a canteen plans by its period
    before = listed_before
    if plans_by_period(raw):
        before = min(before, first_cycle_planning_a_cut_period(raw, longer))
    weeks = weeks_before(before)
    columns = ["week", "product_id", "offered_kg", "listed_kg", "ordered_kg", "sold_kg"]

    def whole_weeks(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["week"] < weeks, columns].reset_index(drop=True)

    pd.testing.assert_frame_equal(
        whole_weeks(short.weekly_products),
        whole_weeks(long.weekly_products),
        check_exact=True,
        check_dtype=weeks > 0,
    )

    # every delivery until then
    def until(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["delivered_day"] < before].reset_index(drop=True)

    pd.testing.assert_frame_equal(until(short.deliveries), until(long.deliveries), check_exact=True)

    # every audit of a period that closed by then
    def closed(frame: pd.DataFrame) -> pd.DataFrame:
        ends = np.array([period_end(label) < before for label in frame["month"].astype(str)])
        kept = frame[ends.astype(bool)].copy()
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


@given(scenarios(generated_canteens=False), st.sampled_from([2.0, 1000.0]))
def test_more_supply_never_lowers_the_compliance_of_tracking_canteens_that_always_order(
    raw: dict[str, Any], factor: float
) -> None:
    # At least one bound canteen that tracks its quota and orders every week; the others, of
    # any behaviour, compete with it for the listing.
    raw["canteens"]["rows"][0].update(bound=True, behaviour="tracking", compliance=1.0)
    # A fleet that carries any week's loads: each load arrives on its delivery day, or on the
    # first day trucks run after a transport stop, whatever the kg. Then more supply cannot
    # delay anyone's goods past the end of a period.
    raw["platform"].update(vehicles=1, vehicle_capacity_kg=1_000_000.0)
    ample = copy.deepcopy(raw)
    for product in ample["products"]["rows"]:
        product["weekly_capacity_kg"] *= factor  # the same products listed, in the same shares
    base, more = run(raw), run(ample)

    subjects = [
        row["canteen_id"]
        for row in raw["canteens"]["rows"]
        if row["bound"] and row["behaviour"] == "tracking" and row["compliance"] == 1.0
    ]
    key = ["month", "canteen_id", "category"]

    def audits(res) -> pd.DataFrame:
        table = res.canteen_months
        kept = table[table["audited"] & table["canteen_id"].isin(subjects)]
        return kept.assign(month=kept["month"].astype(str)).set_index(key)

    before, after = audits(base), audits(more)
    assert before.index.equals(after.index)  # who is audited does not depend on supply
    lost = before["compliant"] & ~after["compliant"]
    assert not lost.any(), after.loc[lost, ["required_kg", "aid_kg", "required_yuan", "aid_yuan"]]
