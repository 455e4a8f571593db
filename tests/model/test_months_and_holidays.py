"""Calendar months, partial months, holidays and make-up working days in a run."""

from __future__ import annotations

import datetime as dt

import pytest

D = dt.date
APRIL_30 = D(2021, 4, 30)


def mid_march(tiny, end: dt.date = APRIL_30):
    """From Monday 15 March 2021: a 20 kg order delivered every Thursday."""
    return tiny.run(scenario__start=D(2021, 3, 15), scenario__end=end)


def test_a_start_mid_month_gives_a_partial_first_month(tiny) -> None:
    res = mid_march(tiny)
    sales = res.monthly_sales.set_index("month")
    assert sales["partial"].to_dict() == {"2021-03": True, "2021-04": False}
    audits = res.canteen_months
    assert audits.groupby("month", observed=True)["partial"].all().to_dict() == {
        "2021-03": True,
        "2021-04": False,
    }


def test_deliveries_count_in_the_month_they_arrive(tiny) -> None:
    res = mid_march(tiny)
    days = res.deliveries["delivered_day"].dt.date.tolist()
    assert days == [D(2021, 3, 18), D(2021, 3, 25)] + [D(2021, 4, d) for d in (1, 8, 15, 22, 29)]
    # the week of Monday 29 March orders in March and is delivered, and sold, in April
    assert res.deliveries.loc[res.deliveries["week"] == 2, "delivered_day"].dt.month.item() == 4
    sales = res.monthly_sales.set_index("month")
    assert sales.loc["2021-03", "quantity_kg"] == pytest.approx(2 * 20.0)
    assert sales.loc["2021-04", "quantity_kg"] == pytest.approx(5 * 20.0)
    assert sales.loc["2021-04", "sales_yuan"] == pytest.approx(5 * 20.0 * 5.0)


def test_consumption_counts_the_open_days_of_each_month_in_the_horizon(tiny) -> None:
    audits = mid_march(tiny).canteen_months
    veg = audits[audits["category"] == "veg"].set_index("month")
    # 15–31 March: 13 weekdays; April 2021: 22 weekdays
    assert veg["consumption_kg"].to_dict() == pytest.approx(
        {"2021-03": 13 * 20.0, "2021-04": 22 * 20.0}
    )
    assert veg["aid_kg"].to_dict() == pytest.approx({"2021-03": 40.0, "2021-04": 100.0})


def test_monthly_sales_mean_counts_whole_months_only(tiny) -> None:
    res = mid_march(tiny)
    assert res.kpis["monthly_sales_yuan_mean"].item() == pytest.approx(500.0)
    assert res.kpis["total_sales_yuan"].item() == pytest.approx(700.0)


def test_an_end_mid_month_gives_a_partial_last_month(tiny) -> None:
    res = tiny.run(scenario__start=D(2021, 3, 1), scenario__end=D(2021, 4, 15))
    sales = res.monthly_sales.set_index("month")
    assert sales["partial"].to_dict() == {"2021-03": False, "2021-04": True}
    assert sales.loc["2021-04", "quantity_kg"] == pytest.approx(3 * 20.0)  # 1, 8, 15 April
    assert res.kpis["monthly_sales_yuan_mean"].item() == pytest.approx(4 * 20.0 * 5.0)


def test_a_run_of_only_partial_months_averages_the_months_with_sales(tiny) -> None:
    res = tiny.run(scenario__start=D(2021, 3, 15), scenario__end=D(2021, 4, 15))
    # March: 18, 25; April: 1, 8, 15; neither month is whole
    assert res.kpis["monthly_sales_yuan_mean"].item() == pytest.approx((200.0 + 300.0) / 2)


# --- holidays and make-up working days ------------------------------------------------------------

HOLIDAY = D(2021, 2, 11)  # a Thursday: delivery day
MAKE_UP = D(2021, 2, 20)  # a Saturday


def consumption(res) -> float:
    audits = res.canteen_months
    return float(audits.loc[audits["category"] == "veg", "consumption_kg"].item())


def test_no_consumption_on_a_holiday(tiny) -> None:
    res = tiny.run(calendar__holidays=[HOLIDAY])
    assert consumption(res) == pytest.approx(19 * 20.0)


def test_make_up_working_day_opens_canteens(tiny) -> None:
    res = tiny.run(calendar__workdays=[MAKE_UP])
    assert consumption(res) == pytest.approx(21 * 20.0)
    # the week ordering on Wed 17th eats six open days before its next delivery
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0, 20.0, 24.0, 20.0])


def test_delivery_on_a_holiday_moves_to_the_next_non_holiday_day(tiny) -> None:
    res = tiny.run(calendar__holidays=[HOLIDAY])
    shipments = res.deliveries
    assert shipments["scheduled_day"].dt.date.tolist() == [
        D(2021, 2, 4),
        D(2021, 2, 12),
        D(2021, 2, 18),
        D(2021, 2, 25),
    ]
    assert shipments["delivered_day"].tolist() == shipments["scheduled_day"].tolist()
    assert not shipments["late"].any()  # moved by the calendar, not by the fleet


def test_an_even_order_covers_the_days_to_the_next_delivery_as_holidays_moved_it(tiny) -> None:
    # Thursday 11th is a holiday, so that week delivers on Friday 12th: the delivery of the 4th
    # covers Thu 4 – Wed 10 (five open days, the holiday closed), the one of the 12th only
    # Fri 12 – Wed 17 (four), up to the next delivery on the 18th, not a week on
    res = tiny.run(calendar__holidays=[HOLIDAY])
    assert res.weekly_products["ordered_kg"].tolist() == pytest.approx([20.0, 16.0, 20.0, 20.0])


def test_holiday_week_of_several_days(tiny) -> None:
    festival = [D(2021, 2, d) for d in range(11, 18)]  # spring festival 2021: Thu 11 to Wed 17
    res = tiny.run(calendar__holidays=festival, calendar__workdays=[D(2021, 2, 7), MAKE_UP])
    shipments = res.deliveries
    # both the festival week's Thursday and the next week's deliver on Thursday 18th
    assert shipments["delivered_day"].dt.date.tolist() == [
        D(2021, 2, 4),
        D(2021, 2, 18),
        D(2021, 2, 18),
        D(2021, 2, 25),
    ]
    # 20 weekdays − 5 festival weekdays + 2 make-up days
    assert consumption(res) == pytest.approx(17 * 20.0)


# --- the end of the horizon ---------------------------------------------------------------------


def test_a_delivery_inside_the_horizon_does_not_depend_on_other_delivery_slots(tiny) -> None:
    september = {"scenario__start": D(2021, 9, 1), "scenario__end": D(2021, 9, 30)}
    thursdays = [D(2021, 9, d) for d in (9, 16, 23, 30)]
    only_thursday = tiny.run(cycle__delivery_days=["Thu"], **september)
    assert only_thursday.deliveries["delivered_day"].dt.date.tolist() == thursdays
    both = tiny.run(cycle__delivery_days=["Thu", "Fri"], **september)
    assert both.deliveries["delivered_day"].dt.date.tolist() == thursdays


# --- delivery dates left in the month, counted on the calendar --------------------------------

WEDNESDAYS = {
    "cycle__listing": "Mon 08:00",
    "cycle__order_cutoff": "Mon 20:00",
    "cycle__delivery_days": ["Wed"],
}
"""A weekly cycle delivering on Wednesdays. December 2025 runs from Monday 1st to Wednesday
31st: 23 weekdays and five Wednesdays (3, 10, 17, 24, 31)."""
NEW_YEAR = [D(2025, 12, 31), D(2026, 1, 1)]
"""Closed on New Year's Eve and Day: the delivery of Wednesday 31st moves to Friday 2 January."""


def catch_up_on_wednesdays(tiny, **overrides):
    return tiny.run(
        canteens=[tiny.canteen(behaviour="catch_up", delivery_day="Wed")],
        **WEDNESDAYS,
        **overrides,
    )


def delivered(res) -> list[tuple[dt.date, float]]:
    return list(
        zip(res.deliveries["delivered_day"].dt.date, res.deliveries["kg"].round(9), strict=True)
    )


def test_catch_up_spreads_the_month_over_the_deliveries_a_holiday_leaves_in_it(tiny) -> None:
    res = catch_up_on_wednesdays(
        tiny,
        scenario__start=D(2025, 12, 1),
        scenario__end=D(2026, 1, 31),
        calendar__holidays=NEW_YEAR,
    )
    # December: 22 open days (the 31st closed), 440 kg, 88 kg due over the four Wednesdays
    # left in it: 22 kg each (counting the 31st as a December delivery would spread 88 kg over
    # five, 17.6 kg each, and December would get 70.4 kg). January: 21 open days, 420 kg, 84 kg
    # due over the moved delivery of the 2nd and the Wednesdays 7 to 28: 16.8 kg each.
    assert delivered(res) == [(D(2025, 12, d), 22.0) for d in (3, 10, 17, 24)] + [
        (D(2026, 1, d), 16.8) for d in (2, 7, 14, 21, 28)
    ]
    audits = res.canteen_months.query("category == 'veg'").set_index("month")
    assert audits.loc["2025-12", "consumption_kg"] == pytest.approx(440.0)
    assert audits.loc["2025-12", "aid_kg"] == pytest.approx(88.0)
    assert audits["compliant"].all()
    assert len(res.tables["audit_failures"]) == 0


def test_an_even_canteen_loses_the_delivery_a_holiday_moves_out_of_the_month(tiny) -> None:
    res = tiny.run(
        canteens=[tiny.canteen(delivery_day="Wed")],
        scenario__start=D(2025, 12, 1),
        scenario__end=D(2026, 1, 31),
        calendar__holidays=NEW_YEAR,
        **WEDNESDAYS,
    )
    # the same calendar and a canteen ordering 20 kg a week whatever the month holds: December
    # gets 4 × 20 kg of the 88 kg due, and its fifth order arrives in January
    audits = res.canteen_months.query("category == 'veg'").set_index("month")
    assert audits.loc["2025-12", "aid_kg"] == pytest.approx(80.0)
    assert not audits.loc["2025-12", "compliant"]
    [failure] = res.tables["audit_failures"].to_dict("records")
    assert (failure["month"], failure["cause"]) == ("2025-12", "moved_out")


def test_catch_up_counts_the_deliveries_before_the_horizon_ends(tiny) -> None:
    res = catch_up_on_wednesdays(
        tiny, scenario__start=D(2025, 12, 1), scenario__end=D(2025, 12, 16)
    )
    # The horizon ends on Tuesday 16th: 12 open days, 240 kg, 48 kg due, and two Wednesdays
    # (3 and 10) before the end; the 17th is past it. 24 kg each.
    assert delivered(res) == [(D(2025, 12, 3), 24.0), (D(2025, 12, 10), 24.0)]
    [december] = res.canteen_months.query("category == 'veg'").to_dict("records")
    assert december["partial"]
    assert december["aid_kg"] == pytest.approx(48.0)
    assert december["compliant"]
