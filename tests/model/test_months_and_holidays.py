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
