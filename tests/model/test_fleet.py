"""Fleet overflow: what the trucks cannot carry ships on the next delivery day, late, older."""

from __future__ import annotations

import datetime as dt

import pytest

from canteensim import ScenarioError
from canteensim.errors import CanteensimWarning
from canteensim.model.processes import DRAIN_DAYS

D = dt.date


def overflow(tiny):
    """A 20 kg weekly order, one 15 kg truck; perishable, 10-day shelf life, 50 % loss at it."""
    return tiny.run(
        platform__vehicles=1,
        platform__vehicle_capacity_kg=15.0,
        categories={"veg": tiny.category(perishable=True, loss=0.5)},
    )


def test_overflow_ships_late_on_the_next_delivery_days(tiny) -> None:
    shipments = overflow(tiny).deliveries
    rows = list(
        zip(
            shipments["week"],
            shipments["scheduled_day"].dt.date,
            shipments["delivered_day"].dt.date,
            shipments["kg"],
            shipments["late"],
            strict=True,
        )
    )
    # late loads go first, then the day's loads, until the 15 kg are used
    assert rows == [
        (0, D(2021, 2, 4), D(2021, 2, 4), pytest.approx(15.0), False),
        (0, D(2021, 2, 4), D(2021, 2, 11), pytest.approx(5.0), True),
        (1, D(2021, 2, 11), D(2021, 2, 11), pytest.approx(10.0), False),
        (1, D(2021, 2, 11), D(2021, 2, 18), pytest.approx(10.0), True),
        (2, D(2021, 2, 18), D(2021, 2, 18), pytest.approx(5.0), False),
        (2, D(2021, 2, 18), D(2021, 2, 25), pytest.approx(15.0), True),
        # past the horizon the queue keeps shipping on the following weeks' delivery days
        (3, D(2021, 2, 25), D(2021, 3, 4), pytest.approx(15.0), True),
        (3, D(2021, 2, 25), D(2021, 3, 11), pytest.approx(5.0), True),
    ]


def test_older_goods_lose_more(tiny) -> None:
    shipments = overflow(tiny).deliveries
    age = (shipments["delivered_day"] - shipments["scheduled_day"]).dt.days + 1
    expected_share = (0.5 * age / 10).clip(upper=1.0)
    assert (shipments["lost_kg"] / shipments["kg"]).tolist() == pytest.approx(
        expected_share.tolist()
    )
    assert expected_share.tolist() == pytest.approx([0.05, 0.4, 0.05, 0.4, 0.05, 0.4, 0.4, 0.75])
    late = shipments[shipments["late"]]
    on_time = shipments[~shipments["late"]]
    assert (late["lost_kg"] / late["kg"]).min() > (on_time["lost_kg"] / on_time["kg"]).max()


def test_on_time_rate_and_months_of_late_goods(tiny) -> None:
    res = overflow(tiny)
    assert res.kpis["on_time_rate"].item() == pytest.approx((15 + 10 + 5) / 80)
    sales = res.monthly_sales.set_index("month")
    assert sales.loc["2021-02", "shipped_kg"] == pytest.approx(60.0)
    assert sales.loc["2021-02", "lost_kg"] == pytest.approx(0.75 + 2.0 + 0.5 + 4.0 + 0.25 + 6.0)
    # goods delivered after the horizon count in the month they arrive, flagged partial
    assert sales.loc["2021-03", "shipped_kg"] == pytest.approx(20.0)
    assert sales.loc["2021-03", "lost_kg"] == pytest.approx(6.0 + 3.75)
    assert bool(sales.loc["2021-03", "partial"])
    assert not bool(sales.loc["2021-02", "partial"])
    # only the horizon's month is audited
    assert res.canteen_months["month"].unique().tolist() == ["2021-02"]
    assert res.kpis["lost_kg"].item() == pytest.approx(13.5 + 9.75)


def test_fleet_capacity_is_vehicles_times_capacity(tiny) -> None:
    res = tiny.run(platform__vehicles=4, platform__vehicle_capacity_kg=5.0)
    assert not res.deliveries["late"].any()
    res = tiny.run(platform__vehicles=3, platform__vehicle_capacity_kg=5.0)
    assert res.deliveries["late"].any()
    assert res.kpis["on_time_rate"].item() < 1


def test_fleet_serves_earlier_orders_first(tiny) -> None:
    res = tiny.run(
        platform__vehicle_capacity_kg=30.0,
        canteens=[tiny.canteen("K1"), tiny.canteen("K2")],
    )
    shipments = res.deliveries
    week0 = shipments[shipments["week"] == 0]
    # one canteen's 20 kg ships whole, the other's in part; the rest is late
    on_time = week0[~week0["late"]].sort_values("kg")["kg"].tolist()
    assert on_time == pytest.approx([10.0, 20.0])
    assert week0[week0["late"]]["kg"].tolist() == pytest.approx([10.0])


def test_a_fleet_of_no_vehicles_is_rejected(tiny) -> None:
    # With no vehicle nothing ever ships, and the delivery process would wait for ever.
    with pytest.raises(ScenarioError, match="vehicles"):
        tiny.scenario(platform__vehicles=0)


def test_a_transport_stop_at_the_end_of_the_horizon_still_ends(tiny) -> None:
    # Trucks stand still over the last week; what is left ships once the disruption is over.
    res = tiny.run(disruptions=[{"start": D(2021, 2, 22), "end": D(2021, 3, 31), "transport": 0}])
    shipments = res.deliveries
    assert shipments["kg"].sum() == pytest.approx(80.0)
    assert shipments["delivered_day"].dt.date.tolist()[-1] == D(2021, 3, 4)
    assert shipments["late"].tolist() == [False, False, False, True]


def test_loads_left_after_the_drain_period_are_undelivered(tiny) -> None:
    """A 2 kg truck for 20 kg a week: it ships on the four Thursdays of February and on the
    four after the end that fall within `DRAIN_DAYS` (4, 11, 18, 25 March; 1 April is day 59 of
    a 28-day horizon, past 28 + 28); the rest, sold but never carried, is undelivered."""
    with pytest.warns(CanteensimWarning, match=r"64 kg sold were still waiting .* 28 days"):
        res = tiny.run(platform__vehicles=1, platform__vehicle_capacity_kg=2.0)
    assert DRAIN_DAYS == 28
    shipments = res.deliveries
    assert shipments["delivered_day"].dt.date.tolist() == [
        D(2021, 2, 4), D(2021, 2, 11), D(2021, 2, 18), D(2021, 2, 25),
        D(2021, 3, 4), D(2021, 3, 11), D(2021, 3, 18), D(2021, 3, 25),
    ]  # fmt: skip
    assert shipments["kg"].tolist() == pytest.approx([2.0] * 8)
    weekly = res.weekly_products
    assert weekly["sold_kg"].tolist() == pytest.approx([20.0] * 4)
    assert weekly["shipped_kg"].tolist() == pytest.approx([16.0, 0.0, 0.0, 0.0])  # oldest first
    assert weekly["undelivered_kg"].tolist() == pytest.approx([4.0, 20.0, 20.0, 20.0])
    assert res.kpis["undelivered_kg"].iloc[0] == pytest.approx(64.0)
    assert res.monthly_sales["month"].tolist() == ["2021-02", "2021-03"]


@pytest.mark.parametrize("capacity_kg", [1e-6, 1.0])
def test_a_tiny_fleet_ends_within_the_drain_period(tiny, capacity_kg: float) -> None:
    """Once the fleet could carry a week's orders only over centuries, and the run never ended."""
    with pytest.warns(CanteensimWarning, match="undelivered"):
        res = tiny.run(platform__vehicles=1, platform__vehicle_capacity_kg=capacity_kg)
    last = res.deliveries["delivered_day"].max().date()
    assert last < D(2021, 2, 28) + dt.timedelta(days=DRAIN_DAYS)
    weekly = res.weekly_products
    # every kilogram sold was either shipped or written off as undelivered
    assert (weekly["shipped_kg"] + weekly["undelivered_kg"]).tolist() == pytest.approx(
        weekly["sold_kg"].tolist()
    )


TWO_SLOTS = {
    "scenario__end": D(2021, 2, 7),
    "cycle__delivery_days": ["Thu", "Fri"],
    "cycle__substitution": False,
}
"""One week, canteen A delivered on Thursday 4th and B on Friday 5th, 20 kg each."""


def two_slots(tiny, seed: int, **overrides):
    return tiny.run(
        scenario__seed=seed,
        canteens=[tiny.canteen("A", delivery_day="Thu"), tiny.canteen("B", delivery_day="Fri")],
        **TWO_SLOTS,
        **overrides,
    )


def first_to_order(tiny, seed: int) -> str:
    """Who orders first in `seed`'s week: a listing of 20 kg fills the first order alone, first
    come first served (order times come from their own stream, whatever the listing)."""
    res = two_slots(tiny, seed, products=[tiny.product(weekly_capacity_kg=20.0)])
    [(canteen, kg)] = res.deliveries.groupby("canteen_id", observed=True)["kg"].sum().items()
    assert kg == pytest.approx(20.0)
    return str(canteen)


@pytest.mark.parametrize(("seed", "first"), [(1, "B"), (2, "A")])
def test_late_loads_ship_before_the_day_s_own_loads_whoever_ordered_first(
    tiny, seed: int, first: str
) -> None:
    assert first_to_order(tiny, seed) == first
    res = two_slots(tiny, seed, platform__vehicle_capacity_kg=15.0)
    rows = list(
        zip(
            res.deliveries["canteen_id"],
            res.deliveries["delivered_day"].dt.date,
            res.deliveries["kg"],
            res.deliveries["late"],
            strict=True,
        )
    )
    # Thursday: A's 20 kg compete with nothing, 15 ship. Friday: A's 5 kg left, scheduled a
    # day earlier, ship before B's own load, even when B ordered first (seed 1); B gets the
    # 10 kg left and the rest of its load waits for the next Thursday.
    assert rows == [
        ("A", D(2021, 2, 4), pytest.approx(15.0), False),
        ("A", D(2021, 2, 5), pytest.approx(5.0), True),
        ("B", D(2021, 2, 5), pytest.approx(10.0), False),
        ("B", D(2021, 2, 11), pytest.approx(10.0), True),
    ]
