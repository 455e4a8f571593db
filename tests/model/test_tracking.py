"""The *tracking* behaviour, worked out by hand.

A tracking canteen follows, at each order, the aid it has received in the audit period so far
(plus loads still on their way) against the period's consumption so far plus what it expects to
eat in the rest of it, and orders what is missing, spread over its delivery dates left in the
period (counted on the calendar, up to the horizon's end):

    order = (target share × period-to-date consumption − aid so far) ÷ deliveries left

where the target share is the quota × (1 + margin). So a missed week is made up later, the last
delivery of the period tops up to the target, and a delivery that a holiday moves out of the
period is replaced by more at the ones before it.

Base scenario (``tests/conftest.py``): February 2021 (Mon 1st – Sun 28th, 20 open weekdays, four
Thursday deliveries: 4, 11, 18, 25), one bound canteen of 100 diners eating 0.2 kg of ``veg`` a
day (20 kg a day, 400 kg in the month), quota 20 % (80 kg), margin 0, no noise, ample supply and
fleet. The order cutoff is Wednesday 24:00, so at each cutoff the canteen has eaten Monday to
Wednesday of the week and expects Thursday onwards.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from canteensim.errors import ScenarioError

D = dt.date


def tracking(tiny, canteen_id: str = "K1", **fields):
    """A canteen row that tracks its quota (the conftest default row orders *even*)."""
    return tiny.canteen(canteen_id, behaviour="tracking", **fields)


def delivered(res, canteen_id: str = "K1") -> list[tuple[dt.date, float]]:
    """``(delivery date, kg)`` of one canteen's loads, in order of arrival."""
    d = res.deliveries[res.deliveries["canteen_id"] == canteen_id].sort_values("delivered_day")
    return list(zip(d["delivered_day"].dt.date, d["kg"].round(9), strict=True))


def audit(res, canteen_id: str = "K1", category: str = "veg", month: str | None = None) -> dict:
    """One row of ``canteen_months`` as a dict."""
    rows = res.canteen_months
    rows = rows[(rows["canteen_id"] == canteen_id) & (rows["category"] == category)]
    if month is not None:
        rows = rows[rows["month"] == month]
    [row] = rows.to_dict("records")
    return row


def failures(res):
    return res.tables["audit_failures"]


# --- 1. a missed week is made up ------------------------------------------------------------------

WEEK_1_WITHOUT_SUPPLY = {"start": D(2021, 2, 8), "end": D(2021, 2, 14), "supply": 0.0}
"""Nothing reaches the platform in the week of Monday 8 February: its listing is empty."""


def test_a_week_without_supply_is_made_up_at_the_later_deliveries_of_the_month(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny), tiny.canteen("EVEN")],
        disruptions=[WEEK_1_WITHOUT_SUPPLY],
    )
    # Week 0: 0.2 × 400 kg = 80 kg missing, 4 Thursdays left → 20 kg.
    # Week 1: 80 − 20 = 60 missing, 3 Thursdays left → 20 kg ordered, but nothing is listed.
    # Week 2: still 60 missing, 2 left → 30 kg.   Week 3: 30 missing, 1 left → 30 kg.
    assert delivered(res) == [
        (D(2021, 2, 4), 20.0),
        (D(2021, 2, 18), 30.0),
        (D(2021, 2, 25), 30.0),
    ]
    assert audit(res)["aid_kg"] == pytest.approx(80.0)
    assert audit(res)["compliant"]
    # an even canteen buys 20 % of each week's 100 kg and never makes the week up: 60 of 80 kg
    assert [kg for _, kg in delivered(res, "EVEN")] == [20.0, 20.0, 20.0]
    assert not audit(res, "EVEN")["compliant"]
    assert failures(res)["canteen_id"].astype(str).tolist() == ["EVEN"]


def test_a_week_the_canteen_skips_is_made_up_at_its_next_delivery(tiny) -> None:
    # With seed 8 both canteens, of compliance 0.75, draw "no order" in week 2 and order in the
    # other three (checked first, so that a change in the streams shows as such).
    res = tiny.run(
        scenario__seed=8,
        canteens=[tracking(tiny, compliance=0.75), tiny.canteen("EVEN", compliance=0.75)],
    )
    weeks = res.deliveries.groupby("canteen_id", observed=True)["week"].apply(list).to_dict()
    assert weeks == {"K1": [0, 1, 3], "EVEN": [0, 1, 3]}, "premise: seed 8 skips week 2"
    # Weeks 0 and 1: 80 / 4 and 60 / 3 → 20 kg each. Week 2 skipped (it would have been 40 / 2).
    # Week 3: 80 − 40 = 40 kg missing, 1 delivery left → 40 kg.
    assert [kg for _, kg in delivered(res)] == [20.0, 20.0, 40.0]
    assert audit(res)["compliant"]
    assert not audit(res, "EVEN")["compliant"]  # 3 × 20 = 60 kg


# --- 2. the top-up at the month's end -------------------------------------------------------------


def test_the_last_delivery_tops_up_to_quota_plus_margin_less_its_own_transit_loss(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny)],
        ordering__margin=0.1,
        categories={"veg": tiny.category(perishable=True, loss=0.4)},
    )
    # Target 0.2 × 1.1 = 22 % of 400 kg = 88 kg. Next-day delivery, 10-day shelf life: 0.4 × 1/10
    # = 4 % of each load is lost, and the canteen counts what it received.
    #   week 0: 88 / 4                      = 22        → 21.12 received
    #   week 1: (88 − 21.12) / 3            = 22.293333 → 21.4016
    #   week 2: (88 − 42.5216) / 2          = 22.7392   → 21.829632
    #   week 3: (88 − 64.351232) / 1        = 23.648768 → 22.70281728
    orders = [22.0, 22.293333333, 22.7392, 23.648768]
    assert [kg for _, kg in delivered(res)] == pytest.approx(orders, abs=1e-8)
    # after the top-up the month's aid is the target less what the last load lost on the way
    last_lost = 0.04 * 23.648768
    assert audit(res)["aid_kg"] == pytest.approx(88.0 - last_lost)
    lost = res.deliveries["lost_kg"].tolist()
    assert audit(res)["aid_kg"] + lost[-1] == pytest.approx(0.22 * 400.0)
    assert audit(res)["compliant"]


def test_more_diners_than_planned_are_made_up_by_the_month_s_end(tiny) -> None:
    # Attendance × 1.5 from Monday 8 to Friday 12 February, learnt on Monday 8th (its start).
    res = tiny.run(
        canteens=[tracking(tiny), tiny.canteen("EVEN")],
        disruptions=[{"start": D(2021, 2, 8), "end": D(2021, 2, 12), "attendance": 1.5}],
    )
    # Week 0 (before it is known): 80 / 4 = 20 kg.
    # Week 1: eaten 1–10 Feb: 5 × 20 + 3 × 30 = 190 kg; expected 11–12 Feb at 30 and ten more
    # days at 20: 60 + 200 → 450 kg, so 90 kg are due: (90 − 20) / 3 = 23.33 kg, twice more after.
    assert [kg for _, kg in delivered(res)] == pytest.approx([20.0] + [70 / 3] * 3)
    assert audit(res)["consumption_kg"] == pytest.approx(450.0)
    assert audit(res)["aid_kg"] == pytest.approx(90.0)
    assert audit(res)["compliant"]
    # even buys 20 % of what it expects to eat until its next delivery: 20, 24 (11–17 Feb:
    # 2 × 30 + 3 × 20 = 120 kg), 20, 20 = 84 kg of the 90 required
    assert [kg for _, kg in delivered(res, "EVEN")] == pytest.approx([20.0, 24.0, 20.0, 20.0])
    assert not audit(res, "EVEN")["compliant"]


def test_a_disruption_announced_in_advance_is_planned_for_from_the_first_order(tiny) -> None:
    # Twice the diners on Friday 26 February, announced on 1 February: known at every cutoff.
    res = tiny.run(
        canteens=[tracking(tiny)],
        disruptions=[
            {
                "start": D(2021, 2, 26),
                "end": D(2021, 2, 26),
                "attendance": 2.0,
                "announced": D(2021, 2, 1),
            }
        ],
    )
    # 400 + 20 extra kg on the 26th = 420 kg expected, 84 kg due over 4 deliveries = 21 kg each
    assert [kg for _, kg in delivered(res)] == pytest.approx([21.0] * 4)
    assert audit(res)["consumption_kg"] == pytest.approx(420.0)
    assert audit(res)["compliant"]


def test_a_small_need_is_rounded_up_to_one_line_once(tiny) -> None:
    # 10 diners eat 2 kg a day, 40 kg in February: 8 kg due. Lines are at least 10 kg.
    res = tiny.run(canteens=[tracking(tiny, diners=10)], ordering__min_line_kg=10.0)
    # Week 0: 8 / 4 = 2 kg, rounded up to one 10 kg line. Then 10 kg ≥ 8 kg: nothing missing.
    assert delivered(res) == [(D(2021, 2, 4), 10.0)]
    assert audit(res)["aid_kg"] == pytest.approx(10.0)
    assert audit(res)["compliant"]


def test_a_cutoff_before_lunch_still_counts_that_day_in_the_period_to_date(tiny) -> None:
    # Orders close on Wednesday at 10:00, before Wednesday's meals (served at noon). At the first
    # cutoff the canteen has eaten Mon–Tue (40 kg) and still eats Wed–Fri and three more weeks
    # (360 kg): 400 kg, 80 kg due, 20 kg per delivery, as with the default cutoff.
    res = tiny.run(canteens=[tracking(tiny)], cycle__order_cutoff="Wed 10:00")
    assert [kg for _, kg in delivered(res)] == pytest.approx([20.0] * 4)
    assert audit(res)["compliant"]


# --- 3. a holiday moves the month's last delivery into the next month ----------------------------

TUESDAYS = {
    "cycle__listing": "Mon 08:00",
    "cycle__order_cutoff": "Mon 20:00",
    "cycle__delivery_days": ["Tue"],
}
"""A weekly cycle delivering on Tuesdays. November 2021 runs from Monday 1st to Tuesday 30th:
22 open weekdays and five Tuesday deliveries (2, 9, 16, 23, 30), the last on the month's last
day. At each Monday-evening cutoff the canteen has eaten that Monday."""
NOVEMBER_30 = D(2021, 11, 30)


def test_without_the_holiday_november_is_tracked_over_five_tuesdays(tiny) -> None:
    res = tiny.run(
        scenario__start=D(2021, 11, 1),
        scenario__end=NOVEMBER_30,
        canteens=[tracking(tiny, delivery_day="Tue")],
        **TUESDAYS,
    )
    # 22 days × 20 kg = 440 kg, 88 kg due over five Tuesdays: 17.6 kg each
    assert [kg for _, kg in delivered(res)] == pytest.approx([17.6] * 5)
    assert audit(res)["compliant"]


def test_a_holiday_moving_the_last_delivery_out_of_the_month_is_made_up_before(tiny) -> None:
    res = tiny.run(
        scenario__start=D(2021, 11, 1),
        scenario__end=D(2021, 12, 31),
        calendar__holidays=[NOVEMBER_30],
        canteens=[tracking(tiny, delivery_day="Tue")],
        **TUESDAYS,
    )
    # The holiday closes the canteen on the 30th (21 open days, 420 kg, 84 kg due) and moves that
    # Tuesday's delivery to Wednesday 1 December. At the first cutoff the canteen has eaten 20 kg
    # and expects 20 more open days (400 kg): 84 kg over the four Tuesdays left in November, 21 kg
    # each, so it tops up at its delivery of the 23rd.
    # December (23 weekdays, 460 kg, 92 kg) is delivered on 1, 7, 14, 21 and 28: 18.4 kg each.
    dates = [D(2021, 11, d) for d in (2, 9, 16, 23)] + [D(2021, 12, d) for d in (1, 7, 14, 21, 28)]
    assert delivered(res) == list(zip(dates, [21.0] * 4 + [18.4] * 5, strict=True))
    november = audit(res, month="2021-11")
    assert november["consumption_kg"] == pytest.approx(420.0)
    assert november["aid_kg"] == pytest.approx(84.0)
    assert november["compliant"]
    assert audit(res, month="2021-12")["compliant"]
    assert len(failures(res)) == 0


# --- 4. a horizon ending mid-month ----------------------------------------------------------------

TO_MARCH_17 = {"scenario__end": D(2021, 3, 17)}
"""February and March 2021 up to Wednesday 17 March: March has 13 open weekdays in the horizon
(260 kg, 52 kg due) and two Thursday deliveries in it (4 and 11; the 18th is past the end)."""


def test_a_horizon_ending_mid_month_counts_the_deliveries_before_its_end(tiny) -> None:
    res = tiny.run(canteens=[tracking(tiny)], **TO_MARCH_17)
    # Week of 1 March: eaten 1–3 March (60 kg), expected 4–17 March (10 days, 200 kg): 52 kg due
    # over 2 deliveries, 26 kg. Week of 8 March: 52 − 26 = 26 kg over the 1 delivery left.
    assert [kg for _, kg in delivered(res)] == [20.0] * 4 + [26.0, 26.0]
    march = audit(res, month="2021-03")
    assert march["partial"]
    assert march["audited"]
    assert march["consumption_kg"] == pytest.approx(260.0)
    assert march["aid_kg"] == pytest.approx(52.0)
    assert march["compliant"]
    assert not audit(res, month="2021-02")["partial"]


def test_a_partial_last_month_is_audited_but_kept_out_of_the_quota_kpis(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny)],
        disruptions=[{"start": D(2021, 3, 8), "end": D(2021, 3, 14), "supply": 0.0}],
        **TO_MARCH_17,
    )
    # The week of 8 March lists nothing, and no delivery is left in the horizon to make it up:
    # March gets 26 of its 52 kg and fails; February (80 of 80 kg) is the only whole month.
    march = audit(res, month="2021-03")
    assert march["aid_kg"] == pytest.approx(26.0)
    assert march["partial"] and march["audited"] and not march["compliant"]
    kpis = res.kpis.iloc[0]
    assert kpis["compliance_rate"] == 1.0  # not 1/2
    assert kpis["quota_fulfilment"] == pytest.approx(1.0)  # not (80 + 26) / (80 + 52)
    # ... while the failed partial audit is listed, flagged partial
    [failure] = failures(res).to_dict("records")
    assert (failure["month"], failure["partial"], failure["cause"]) == (
        "2021-03",
        True,
        "supply_short",
    )


# --- 5. quotas by value and on the total ----------------------------------------------------------


def two_categories(tiny, fruit_prices: dict | None = None) -> dict:
    """``veg`` (0.2 kg a diner-day, 400 kg in February; product V at 5 yuan, market 4) and
    ``fruit`` (0.1 kg, 200 kg; product F)."""
    return {
        "categories": {"veg": tiny.category(0.2), "fruit": tiny.category(0.1)},
        "products": [
            tiny.product("V"),
            tiny.product("F", category="fruit", **(fruit_prices or {})),
        ],
    }


@pytest.mark.parametrize("per", ["category", "total"])
def test_a_quota_by_value_buys_the_kg_whose_platform_value_meets_it(tiny, per: str) -> None:
    fruit_prices = {"platform_price_yuan_per_kg": 8.0, "market_price_yuan_per_kg": 10.0}
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__basis="value",
        quota__per=per,
        **two_categories(tiny, fruit_prices),
    )
    # Required: 20 % of consumption at market price; aid counts at platform price.
    #   veg:   0.2 × 400 kg × 4 yuan  = 320 yuan = 64 kg at 5 yuan → 16 kg a week
    #   fruit: 0.2 × 200 kg × 10 yuan = 400 yuan = 50 kg at 8 yuan → 12.5 kg a week
    # On the total the missing 720 yuan is bought in both categories, each short by its share.
    kg = res.weekly_products.pivot_table(
        index="week", columns="product_id", values="sold_kg", observed=True
    )
    assert kg["V"].tolist() == pytest.approx([16.0] * 4)
    assert kg["F"].tolist() == pytest.approx([12.5] * 4)
    audits = res.canteen_months.set_index("category")
    assert audits["aid_yuan"].to_dict() == pytest.approx(
        {"veg": 320.0, "fruit": 400.0, "total": 720.0}
    )
    assert audits["required_yuan"].to_dict() == pytest.approx(
        {"veg": 320.0, "fruit": 400.0, "total": 720.0}
    )
    audited = audits[audits["audited"]]
    assert sorted(audited.index) == (["fruit", "veg"] if per == "category" else ["total"])
    assert audited["compliant"].all()
    assert res.kpis["compliance_rate"].item() == 1.0
    assert len(failures(res)) == 0


def test_a_quota_on_the_total_passes_with_ample_supply(tiny) -> None:
    res = tiny.run(canteens=[tracking(tiny)], quota__per="total", **two_categories(tiny))
    # 20 % of 400 + 200 kg = 120 kg: veg 80 kg (20 a week) and fruit 40 kg (10 a week)
    kg = res.weekly_products.pivot_table(
        index="week", columns="product_id", values="sold_kg", observed=True
    )
    assert kg["V"].tolist() == pytest.approx([20.0] * 4)
    assert kg["F"].tolist() == pytest.approx([10.0] * 4)
    total = audit(res, category="total")
    assert (total["required_kg"], total["aid_kg"]) == pytest.approx((120.0, 120.0))
    assert total["audited"] and total["compliant"]
    assert not audit(res, category="veg")["audited"]
    assert not audit(res, category="fruit")["audited"]


def test_under_a_total_quota_the_order_follows_the_categories_still_short(tiny) -> None:
    # Lines of at least 15 kg round fruit's 10 kg weekly need up, so fruit runs ahead of its share
    # and, once it is ahead, the total's missing kg are bought as veg only, less fruit's surplus.
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__per="total",
        ordering__min_line_kg=15.0,
        **two_categories(tiny),
    )
    # missing (veg, fruit); fruit is rounded up to one 15 kg line whenever it needs less:
    #   week 0: (80, 40) / 4          → veg 20, fruit 10 → 15
    #   week 1: (60, 25) / 3          → veg 20, fruit 8.33 → 15
    #   week 2: (40, 10) / 2          → veg 20, fruit 5 → 15
    #   week 3: veg 20 short, fruit 45 − 40 = 5 ahead: the total misses 15 kg, bought as veg
    #           (veg's 20 × 15/20) and no fruit
    kg = res.weekly_products.pivot_table(
        index="week", columns="product_id", values="ordered_kg", observed=True
    )
    assert kg["V"].tolist() == pytest.approx([20.0, 20.0, 20.0, 15.0])
    assert kg["F"].tolist() == pytest.approx([15.0, 15.0, 15.0, 0.0])
    total = audit(res, category="total")
    assert total["aid_kg"] == pytest.approx(120.0)
    assert total["compliant"]
    assert audit(res, category="veg")["aid_kg"] == pytest.approx(75.0)
    assert audit(res, category="fruit")["aid_kg"] == pytest.approx(45.0)


# --- 6. quarterly and annual audits ---------------------------------------------------------------

Q2_2020 = {"scenario__start": D(2020, 4, 1), "scenario__end": D(2020, 6, 30)}
"""April–June 2020: 22 + 21 + 22 = 65 open weekdays, 1,300 kg, 260 kg due. The horizon starts on
Wednesday 1 April, so the first listing is on Monday 6 April and the twelve Thursday deliveries
run from 9 April to 25 June."""


def test_a_quarterly_audit_is_labelled_by_the_quarter_and_tracked_over_it(tiny) -> None:
    res = tiny.run(canteens=[tracking(tiny)], quota__period="quarter", **Q2_2020)
    # First cutoff: eaten 1–8 April (6 days, 120 kg), 1,180 kg to come: 260 kg over 12 deliveries,
    # and every later order finds the same 260/12 kg missing per delivery left.
    assert [kg for _, kg in delivered(res)] == pytest.approx([260 / 12] * 12)
    audits = res.canteen_months
    assert audits["month"].astype(str).unique().tolist() == ["2020-Q2"]
    quarter = audit(res)
    assert not quarter["partial"]
    assert (quarter["consumption_kg"], quarter["aid_kg"]) == pytest.approx((1300.0, 260.0))
    assert quarter["compliant"]
    assert res.kpis["compliance_rate"].item() == 1.0


def test_a_quarter_makes_up_a_month_without_supply(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__period="quarter",
        disruptions=[{"start": D(2020, 4, 1), "end": D(2020, 4, 30), "supply": 0.0}],
        **Q2_2020,
    )
    # Nothing is listed in April. At the cutoff of 6 May all 260 kg are missing and 8 Thursdays
    # are left in the quarter (7 May – 25 June): 32.5 kg each, and the quarter passes.
    assert delivered(res)[0][0] == D(2020, 5, 7)
    assert [kg for _, kg in delivered(res)] == pytest.approx([32.5] * 8)
    assert audit(res)["aid_kg"] == pytest.approx(260.0)
    assert audit(res)["compliant"]


def test_an_annual_audit_is_labelled_by_the_year_and_tracked_over_it(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__period="year",
        scenario__start=D(2020, 1, 1),
        scenario__end=D(2020, 12, 31),
    )
    # 2020 has 262 weekdays: 5,240 kg, 1,048 kg due. The first listing is Monday 6 January, so 52
    # Thursdays deliver, 9 January to 31 December: 1,048 / 52 kg each.
    assert [kg for _, kg in delivered(res)] == pytest.approx([1048 / 52] * 52)
    assert res.canteen_months["month"].astype(str).unique().tolist() == ["2020"]
    year = audit(res)
    assert not year["partial"]
    assert (year["consumption_kg"], year["aid_kg"]) == pytest.approx((5240.0, 1048.0))
    assert year["compliant"]


def test_a_horizon_covering_part_of_a_quarter_gives_one_partial_audit(tiny) -> None:
    res = tiny.run(canteens=[tracking(tiny)], quota__period="quarter")
    quarter = audit(res)
    assert quarter["month"] == "2021-Q1"
    assert quarter["partial"]  # February only
    assert quarter["compliant"]
    # no whole period was audited: the quota's KPIs do not apply
    assert math.isnan(res.kpis["compliance_rate"].item())
    assert math.isnan(res.kpis["quota_fulfilment"].item())


# --- the default ----------------------------------------------------------------------------------


def test_bound_canteens_track_by_default_and_voluntary_ones_order_evenly(tiny) -> None:
    bound, voluntary = tiny.canteen("K1"), tiny.canteen("VOL", kind="enterprise", bound=False)
    del bound["behaviour"], voluntary["behaviour"]
    res = tiny.run(canteens=[bound, voluntary], disruptions=[WEEK_1_WITHOUT_SUPPLY])
    assert [kg for _, kg in delivered(res)] == [20.0, 30.0, 30.0]  # as the first test above
    assert [kg for _, kg in delivered(res, "VOL")] == [10.0, 10.0, 10.0]  # 10 % of 100 kg a week


def test_under_a_total_quota_a_category_with_no_product_is_bought_in_the_others(tiny) -> None:
    # fruit is eaten (200 kg) but no product is fruit: the total's 120 kg are all veg, 30 a week
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__per="total",
        categories={"veg": tiny.category(), "fruit": tiny.category(consumption=0.1)},
    )
    assert [kg for _, kg in delivered(res)] == pytest.approx([30.0] * 4)
    total = audit(res, category="total")
    assert (total["required_kg"], total["aid_kg"]) == pytest.approx((120.0, 120.0))
    assert total["compliant"]


def test_a_value_quota_on_the_total_needs_a_price_for_a_category_with_no_product(tiny) -> None:
    categories = {"veg": tiny.category(), "fruit": tiny.category(consumption=0.1)}
    with pytest.raises(ScenarioError, match=r"categories\.fruit\.reference_price_yuan_per_kg"):
        tiny.scenario(quota__basis="value", quota__per="total", categories=categories)
    # with one, fruit's 200 kg are worth 200 × 6 yuan: 20 % of 400 × 4 + 1,200 yuan = 560 yuan
    categories["fruit"] = {**categories["fruit"], "reference_price_yuan_per_kg": 6.0}
    res = tiny.run(
        canteens=[tracking(tiny)], quota__basis="value", quota__per="total", categories=categories
    )
    total = audit(res, category="total")
    assert total["required_yuan"] == pytest.approx(560.0)
    assert total["aid_yuan"] == pytest.approx(560.0)  # 112 kg of veg at 5 yuan


def test_under_a_value_quota_lines_are_worth_their_share_whatever_the_product(tiny) -> None:
    # 9,000 kg listed at 2 yuan and 1,000 kg at 8 (mean platform price 5): a line of product A
    # carries 2.5 kg for each kg at the mean price, a line of B 0.625 kg, so the 320 yuan due
    # (20 % of 400 kg × 4 yuan) are bought whichever product each line picks
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__basis="value",
        products=[
            tiny.product("A", platform_price_yuan_per_kg=2.0, weekly_capacity_kg=9000.0),
            tiny.product("B", platform_price_yuan_per_kg=8.0, weekly_capacity_kg=1000.0),
        ],
    )
    veg = audit(res)
    assert veg["aid_yuan"] == pytest.approx(320.0)
    assert veg["compliant"]
    assert res.tables["audit_failures"].empty
