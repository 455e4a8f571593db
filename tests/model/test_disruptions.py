"""Disruptions scale attendance, transport and supply within their date range only."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from canteensim import ScenarioError

D = dt.date
SECOND_WEEK = {"start": D(2021, 2, 8), "end": D(2021, 2, 14)}
THIRD_WEEK = {"start": D(2021, 2, 15), "end": D(2021, 2, 21)}


def test_attendance_scales_meals_and_orders_within_the_range(tiny) -> None:
    res = tiny.run(disruptions=[{**SECOND_WEEK, "attendance": 0.5}])
    audits = res.canteen_months
    veg = audits[audits["category"] == "veg"].iloc[0]
    # 15 normal weekdays and 5 at half attendance
    assert veg["consumption_kg"] == pytest.approx(20.0 * (15 + 5 * 0.5))
    # Orders plan for the days the food is eaten, at the attendance announced by the cutoff
    # (by default on the disruption's first day, Monday 8th). The order closed on Wed 3rd, for
    # Thu 4th to Wed 10th, knows nothing of it: 20 kg. The one closed on Wed 10th is eaten on
    # Thu 11th and Fri 12th at half attendance and on Mon 15th to Wed 17th in full:
    # 0.2 × 20 kg × (2 × 0.5 + 3) = 16 kg. The others are eaten after the disruption.
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0, 16.0, 20.0, 20.0])


def test_a_disruption_announced_early_is_planned_for_by_earlier_orders(tiny) -> None:
    announced = {**SECOND_WEEK, "attendance": 0.5, "announced": D(2021, 2, 1)}
    res = tiny.run(disruptions=[announced])
    # Known at the first cutoff, the order for Thu 4th to Wed 10th plans for Mon 8th to Wed
    # 10th at half attendance: 0.2 × 20 kg × (2 + 3 × 0.5) = 14 kg
    assert res.deliveries["kg"].tolist() == pytest.approx([14.0, 16.0, 20.0, 20.0])
    # what diners eat does not depend on when they were told
    veg = res.canteen_months.query("category == 'veg'").iloc[0]
    assert veg["consumption_kg"] == pytest.approx(20.0 * (15 + 5 * 0.5))


def test_a_disruption_announced_after_its_start_is_refused(tiny) -> None:
    with pytest.raises(ScenarioError, match="announced"):
        tiny.scenario(disruptions=[{**SECOND_WEEK, "attendance": 0.5, "announced": D(2021, 2, 9)}])


def test_attendance_on_single_days(tiny) -> None:
    # Friday 5th to Monday 8th at 0: two open days lost; no order falls in the range
    res = tiny.run(disruptions=[{"start": D(2021, 2, 5), "end": D(2021, 2, 8), "attendance": 0}])
    audits = res.canteen_months
    assert audits.loc[audits["category"] == "veg", "consumption_kg"].item() == pytest.approx(
        18 * 20.0
    )
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0] * 4)


def test_transport_scales_fleet_capacity_within_the_range(tiny) -> None:
    res = tiny.run(
        platform__vehicle_capacity_kg=100.0,
        disruptions=[{**THIRD_WEEK, "transport": 0.1}],
    )
    shipments = res.deliveries
    rows = list(
        zip(shipments["delivered_day"].dt.date, shipments["kg"], shipments["late"], strict=True)
    )
    assert rows == [
        (D(2021, 2, 4), pytest.approx(20.0), False),
        (D(2021, 2, 11), pytest.approx(20.0), False),
        (D(2021, 2, 18), pytest.approx(10.0), False),  # 10 % of a 100 kg truck
        (D(2021, 2, 25), pytest.approx(10.0), True),
        (D(2021, 2, 25), pytest.approx(20.0), False),
    ]
    assert res.kpis["on_time_rate"].item() == pytest.approx(70.0 / 80.0)


def test_supply_scales_the_offer_within_the_range(tiny) -> None:
    res = tiny.run(
        products=[tiny.product(weekly_capacity_kg=100.0)],
        disruptions=[{**SECOND_WEEK, "supply": 0.5}],
    )
    weekly = res.weekly_products
    assert weekly["offered_kg"].tolist() == pytest.approx([100.0, 50.0, 100.0, 100.0])
    assert weekly["listed_kg"].tolist() == pytest.approx([100.0, 50.0, 100.0, 100.0])


def test_overlapping_disruptions_multiply(tiny) -> None:
    res = tiny.run(
        products=[tiny.product(weekly_capacity_kg=100.0)],
        disruptions=[
            {"start": D(2021, 2, 1), "end": D(2021, 2, 14), "supply": 0.5},
            {**SECOND_WEEK, "supply": 0.4},
        ],
    )
    assert res.weekly_products["offered_kg"].tolist() == pytest.approx([50.0, 20.0, 100.0, 100.0])


def test_supply_cut_to_nothing_lists_nothing(tiny) -> None:
    res = tiny.run(disruptions=[{**SECOND_WEEK, "supply": 0.0}])
    weekly = res.weekly_products
    assert weekly["listed"].tolist() == [True, False, True, True]
    assert res.deliveries["week"].tolist() == [0, 2, 3]


def test_a_disruption_outside_the_horizon_changes_nothing(tiny) -> None:
    base = tiny.run()
    outside = tiny.run(
        disruptions=[
            {"start": D(2021, 3, 1), "end": D(2021, 3, 31), "attendance": 0.1, "supply": 0.1},
            {"start": D(2020, 1, 1), "end": D(2021, 1, 31), "transport": 0.0},
        ]
    )
    for name, table in base.tables.items():
        pd.testing.assert_frame_equal(outside.tables[name], table, obj=name)


def test_a_disruption_that_began_before_the_start_holds_from_the_start(tiny) -> None:
    res = tiny.run(
        products=[tiny.product(weekly_capacity_kg=100.0)],
        disruptions=[{"start": D(2021, 1, 1), "end": D(2021, 2, 7), "supply": 0.5}],
    )
    assert res.weekly_products["offered_kg"].tolist() == pytest.approx([50.0, 100.0, 100.0, 100.0])
