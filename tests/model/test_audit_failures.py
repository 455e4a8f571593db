"""``audit_failures``: every failed audit and its primary cause, each cause built on purpose.

Aid passes through stages, each of which can only lose some of it: what the canteen meant to
order for the period, the lines it placed, what the listing filled, what arrived within the
period, what survived transit. The cause is the first stage short of the requirement as the
canteen expected it at its last order; when every stage clears it, more diners ate than it
expected (``attendance``); a holiday moving a delivery out of the period is ``moved_out``.

Base scenario (``tests/conftest.py``): February 2021, 20 open weekdays, four Thursday deliveries
(4, 11, 18, 25), one bound canteen of 100 diners eating 0.2 kg of ``veg`` a day (400 kg in the
month), quota 20 % (80 kg), margin 0, no noise, ample supply and fleet. Canteens here *track*
their quota (the default for bound canteens) unless the test says otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from canteensim.errors import CanteensimWarning
from canteensim.results import FAILURE_CAUSES, RUN_TABLE_COLUMNS

D = dt.date


def tracking(tiny, canteen_id: str = "K1", **fields):
    return tiny.canteen(canteen_id, behaviour="tracking", **fields)


def failures(res, quantity: bool = True) -> dict[str, dict]:
    """The failures by canteen, after checking what holds for every run:

    - one row per audited, non-compliant row of ``canteen_months`` (same period, canteen and
      category), none for compliant or unaudited rows;
    - the shortfall is the requirement less the aid, positive on a quota by quantity;
    - the cause is one of `FAILURE_CAUSES`; the columns are the results contract's.
    """
    table = res.tables["audit_failures"]
    audits = res.canteen_months
    failed = audits[audits["audited"] & ~audits["compliant"]]

    def keys(frame) -> list[tuple[str, str, str]]:
        columns = [frame[c].astype(str) for c in ("month", "canteen_id", "category")]
        return sorted(zip(*columns, strict=True))

    assert keys(table) == keys(failed)
    assert list(table.columns) == list(RUN_TABLE_COLUMNS["audit_failures"])
    assert set(table["cause"].astype(str)) <= set(FAILURE_CAUSES)
    assert table["shortfall_kg"].tolist() == pytest.approx(
        (table["required_kg"] - table["aid_kg"]).tolist()
    )
    if quantity:
        assert (table["shortfall_kg"] > 0).all()
    assert table["canteen_id"].is_unique, "these tests audit one period, one category"
    return {str(row["canteen_id"]): row for row in table.to_dict("records")}


def causes(res, quantity: bool = True) -> dict[str, str]:
    return {canteen: str(row["cause"]) for canteen, row in failures(res, quantity).items()}


# --- did_not_order --------------------------------------------------------------------------------


def test_canteens_that_buy_too_little_or_nothing_did_not_order(tiny) -> None:
    res = tiny.run(
        canteens=[
            tracking(tiny, "K1"),
            tiny.canteen("LOW", behaviour="non_compliant"),
            tiny.canteen("NEVER", behaviour="tracking", compliance=0.0),
        ]
    )
    # K1 buys its 80 kg and passes. LOW orders 0.3 × the even 20 kg = 6 kg a week, 24 kg;
    # NEVER never orders: it skips all four weeks.
    got = failures(res)
    assert causes(res) == {"LOW": "did_not_order", "NEVER": "did_not_order"}
    assert got["LOW"]["shortfall_kg"] == pytest.approx(80.0 - 24.0)
    assert got["LOW"]["skipped_orders"] == 0
    assert got["NEVER"]["shortfall_kg"] == pytest.approx(80.0)
    assert got["NEVER"]["skipped_orders"] == 4
    assert got["NEVER"]["kind"] == "government"
    assert not got["NEVER"]["partial"]


def test_a_skipped_last_week_cannot_be_made_up_and_did_not_order(tiny) -> None:
    # With seed 13 both canteens, of compliance 0.75, order in weeks 0–2 and
    # skip week 3, the last of the month (checked first, so a change in the streams shows).
    res = tiny.run(
        scenario__seed=13,
        canteens=[
            tiny.canteen("EVEN", compliance=0.75),
            tracking(tiny, "TRACK", compliance=0.75),
        ],
    )
    weeks = res.deliveries.groupby("canteen_id", observed=True)["week"].apply(list).to_dict()
    assert weeks == {"EVEN": [0, 1, 2], "TRACK": [0, 1, 2]}, "premise: seed 13 skips week 3"
    # Both got 3 × 20 = 60 kg, and no delivery was left in February to make up the last week.
    got = failures(res)
    assert causes(res) == {"EVEN": "did_not_order", "TRACK": "did_not_order"}
    for row in got.values():
        assert row["shortfall_kg"] == pytest.approx(20.0)
        assert row["skipped_orders"] == 1


def test_a_partial_first_month_without_a_delivery_did_not_order(tiny) -> None:
    # From Thursday 28 January: the canteen eats 28–29 January (40 kg, 8 kg due), but the first
    # listing is on Monday 1 February, so no delivery ever falls in January.
    res = tiny.run(canteens=[tracking(tiny)], scenario__start=D(2021, 1, 28))
    [row] = failures(res).values()
    assert (row["month"], row["partial"], str(row["cause"])) == ("2021-01", True, "did_not_order")
    assert row["shortfall_kg"] == pytest.approx(8.0)
    assert res.kpis["compliance_rate"].item() == 1.0  # February, the only whole month, passes


def test_a_failure_on_a_total_quota_is_one_row_for_the_total(tiny) -> None:
    res = tiny.run(
        canteens=[tracking(tiny, compliance=0.0)],
        quota__per="total",
        categories={"veg": tiny.category(0.2), "fruit": tiny.category(0.1)},
        products=[tiny.product("V"), tiny.product("F", category="fruit")],
    )
    [row] = failures(res).values()
    assert (row["category"], str(row["cause"])) == ("total", "did_not_order")
    assert row["shortfall_kg"] == pytest.approx(0.2 * (400.0 + 200.0))


# --- rounding -------------------------------------------------------------------------------------


def test_needs_below_one_line_not_rounded_up_fail_for_rounding(tiny) -> None:
    # 10 diners eat 2 kg a day, 40 kg in February: 8 kg due. Lines are at least 10 kg and a need
    # below that is not ordered: 8/4 = 2, 8/3 = 2.67, 8/2 = 4, then 8/1 = 8 kg — never 10.
    res = tiny.run(
        canteens=[tracking(tiny, diners=10)],
        ordering__min_line_kg=10.0,
        ordering__round_up_small_lines=False,
    )
    assert res.weekly_products["ordered_kg"].sum() == 0.0
    assert causes(res) == {"K1": "rounding"}
    assert failures(res)["K1"]["shortfall_kg"] == pytest.approx(8.0)
    assert failures(res)["K1"]["skipped_orders"] == 0


# --- supply_short ---------------------------------------------------------------------------------


def test_a_listing_too_small_fails_for_supply_short(tiny) -> None:
    # 5 kg listed a week. The canteen asks for more each week (20, then 75/3 = 25, 70/2 = 35,
    # 65 kg) but gets 5 kg each time: 20 kg of 80.
    res = tiny.run(canteens=[tracking(tiny)], products=[tiny.product(weekly_capacity_kg=5.0)])
    assert res.weekly_products["ordered_kg"].tolist() == pytest.approx([20.0, 25.0, 35.0, 65.0])
    assert causes(res) == {"K1": "supply_short"}
    assert failures(res)["K1"]["shortfall_kg"] == pytest.approx(60.0)


# --- moved_out ------------------------------------------------------------------------------------


def test_loads_waiting_for_a_truck_past_the_month_end_fail_for_moved_out(tiny) -> None:
    # One 15 kg truck a Thursday for a 20 kg weekly order: 15, 15, 15, 15 kg arrive in
    # February and the last 20 kg on 4 and 11 March. The canteen counts loads on their way as
    # aid, so it orders its 20 kg a week and all of it is filled.
    res = tiny.run(canteens=[tracking(tiny)], platform__vehicle_capacity_kg=15.0)
    assert res.weekly_products["sold_kg"].sum() == pytest.approx(80.0)
    late = res.deliveries[res.deliveries["delivered_day"].dt.month == 3]
    assert late["kg"].sum() == pytest.approx(20.0)
    assert causes(res) == {"K1": "moved_out"}
    assert failures(res)["K1"]["shortfall_kg"] == pytest.approx(20.0)


def test_a_fleet_that_never_catches_up_leaves_goods_undelivered_and_fails_for_moved_out(
    tiny,
) -> None:
    # One 5 kg truck a Thursday: 4 × 5 = 20 kg arrive in February, 20 more in the four weeks of
    # draining after the end, and 40 kg never arrive.
    with pytest.warns(CanteensimWarning, match="40 kg sold were still waiting"):
        res = tiny.run(canteens=[tracking(tiny)], platform__vehicle_capacity_kg=5.0)
    assert res.kpis["undelivered_kg"].item() == pytest.approx(40.0)
    assert causes(res) == {"K1": "moved_out"}
    assert failures(res)["K1"]["shortfall_kg"] == pytest.approx(60.0)


TUESDAYS_IN_NOVEMBER = {
    "scenario__start": D(2021, 11, 1),
    "scenario__end": D(2021, 11, 30),
    "cycle__listing": "Mon 08:00",
    "cycle__order_cutoff": "Mon 20:00",
    "cycle__delivery_days": ["Tue"],
    "calendar__holidays": [D(2021, 11, 30)],
}
"""November 2021 (Monday 1st – Tuesday 30th) with Tuesday deliveries (2, 9, 16, 23, 30) and a
holiday on the 30th: the canteens close (21 open days, 420 kg, 84 kg due) and that Tuesday's
delivery moves to Wednesday 1 December, out of the month."""


def test_a_holiday_moving_the_last_delivery_out_of_the_month_fails_an_even_canteen(tiny) -> None:
    res = tiny.run(
        canteens=[
            tiny.canteen("EVEN", delivery_day="Tue"),
            tracking(tiny, "TRACK", delivery_day="Tue"),
        ],
        **TUESDAYS_IN_NOVEMBER,
    )
    # EVEN buys 20 % of the five days to each next Tuesday, 20 kg, on the 2nd, 9th, 16th and
    # 23rd: 80 kg of 84 (without the holiday it would have had 100 of 88). TRACK spreads 84 kg
    # over the four Tuesdays left and passes (tests/model/test_tracking.py).
    got = failures(res)
    assert causes(res) == {"EVEN": "moved_out"}
    assert got["EVEN"]["shortfall_kg"] == pytest.approx(4.0)
    assert got["EVEN"]["skipped_orders"] == 0


def test_a_canteen_that_never_orders_did_not_order_though_a_holiday_moved_a_delivery(
    tiny,
) -> None:
    res = tiny.run(
        canteens=[
            tracking(tiny, "NEVER", delivery_day="Tue", compliance=0.0),
            tiny.canteen("LOW", behaviour="non_compliant", delivery_day="Tue"),
        ],
        **TUESDAYS_IN_NOVEMBER,
    )
    # NEVER skipped all four orders for November; LOW bought 4 × 6 = 24 kg and would have had
    # 30 kg with the moved delivery: far short of 84 kg either way. Neither is the holiday's doing.
    assert failures(res)["NEVER"]["skipped_orders"] == 4
    assert causes(res) == {"NEVER": "did_not_order", "LOW": "did_not_order"}


# --- transit_loss ---------------------------------------------------------------------------------


def test_perishables_lost_in_transit_fail_for_transit_loss(tiny) -> None:
    # Perishable veg with a 2-day shelf life losing 90 % at it: a next-day load loses 45 %.
    # Tracking makes up the losses of earlier loads at later deliveries (20, 23, 28.175,
    # 40.85375 kg) but not the loss of its last one, so the month falls short by exactly that.
    res = tiny.run(
        canteens=[tracking(tiny)],
        categories={"veg": tiny.category(perishable=True, loss=0.9)},
        products=[tiny.product(shelf_life_days=2.0)],
    )
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0, 23.0, 28.175, 40.85375])
    last_lost = res.deliveries["lost_kg"].iloc[-1]
    assert last_lost == pytest.approx(0.45 * 40.85375)
    assert causes(res) == {"K1": "transit_loss"}
    assert failures(res)["K1"]["shortfall_kg"] == pytest.approx(last_lost)


def test_a_quota_by_value_names_the_same_cause(tiny) -> None:
    # The same losses (4 % a load) under a quota by value: 20 % of 400 kg at the market price
    # (4 yuan) = 320 yuan, bought as 64 kg at 5 yuan. The canteen orders just enough kg for the
    # value and loses 4 % of its last load: still a transit loss, not a failure to order.
    res = tiny.run(
        canteens=[tracking(tiny)],
        quota__basis="value",
        categories={"veg": tiny.category(perishable=True, loss=0.4)},
    )
    assert causes(res, quantity=False) == {"K1": "transit_loss"}
    row = failures(res, quantity=False)["K1"]
    lost_yuan = 5.0 * res.deliveries["lost_kg"].iloc[-1]
    assert row["shortfall_yuan"] == pytest.approx(lost_yuan)


# --- attendance -----------------------------------------------------------------------------------


def test_more_diners_after_the_last_order_fail_for_attendance(tiny) -> None:
    # Twice the diners on Friday 26 February, announced on that day: after the last cutoff
    # (Wednesday 24th, 24:00). The canteen ordered 80 kg for the 400 kg it expected and got them;
    # it ate 420 kg, so 84 kg were due.
    res = tiny.run(
        canteens=[tracking(tiny)],
        disruptions=[{"start": D(2021, 2, 26), "end": D(2021, 2, 26), "attendance": 2.0}],
    )
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0] * 4)
    assert causes(res) == {"K1": "attendance"}
    row = failures(res)["K1"]
    assert (row["required_kg"], row["aid_kg"]) == pytest.approx((84.0, 80.0))
    assert row["shortfall_kg"] == pytest.approx(4.0)


# --- every cause at once --------------------------------------------------------------------------


def test_every_cause_is_a_word_of_the_results_contract() -> None:
    assert FAILURE_CAUSES == (
        "did_not_order",
        "rounding",
        "supply_short",
        "moved_out",
        "transit_loss",
        "attendance",
    )


def test_compliant_canteens_have_no_failure_rows(tiny) -> None:
    res = tiny.run(canteens=[tracking(tiny, "K1"), tiny.canteen("EVEN")])
    assert res.canteen_months.query("audited")["compliant"].all()
    assert failures(res) == {}
    assert len(res.tables["audit_failures"]) == 0
