"""Scarce stock in a run: first come first served, pro rata, and substitution."""

from __future__ import annotations

import numpy as np
import pytest

from canteensim.model.streams import replication_streams

SEED = 7


def received_by_week(res) -> dict[str, list[float]]:
    table = res.deliveries.pivot_table(
        index="week", columns="canteen_id", values="kg", aggfunc="sum", observed=False
    ).fillna(0.0)
    return {str(c): table[c].tolist() for c in table.columns}


def two_canteens(tiny, allocation: str):
    """Two canteens of 20 kg a week each; the product lists 30 kg a week."""
    return tiny.run(
        scenario__seed=SEED,
        cycle__allocation=allocation,
        products=[tiny.product(weekly_capacity_kg=30.0)],
        canteens=[tiny.canteen("K1"), tiny.canteen("K2")],
    )


def test_fcfs_fills_the_earlier_order_first(tiny) -> None:
    res = two_canteens(tiny, "fcfs")
    # Each week the order window draws one order time per canteen, from its own stream.
    order_times = replication_streams(SEED, 0).order_times
    first = [int(np.argmin(order_times.random(2))) for _ in range(4)]
    assert set(first) == {0, 1}, "the seed should let each canteen be first at least once"
    expected = {"K1": [], "K2": []}
    for k in first:
        expected["K1"].append(20.0 if k == 0 else 10.0)
        expected["K2"].append(20.0 if k == 1 else 10.0)
    assert received_by_week(res) == expected


def test_fcfs_sells_out_the_scarce_product(tiny) -> None:
    weekly = two_canteens(tiny, "fcfs").weekly_products
    assert weekly["ordered_kg"].tolist() == [40.0] * 4
    assert weekly["sold_kg"].tolist() == [30.0] * 4
    assert weekly["unsold_kg"].tolist() == [0.0] * 4


def test_pro_rata_fills_every_order_by_the_same_share(tiny) -> None:
    res = two_canteens(tiny, "pro_rata")
    assert received_by_week(res) == {"K1": [15.0] * 4, "K2": [15.0] * 4}
    assert res.kpis["fill_rate"].item() == pytest.approx(0.75)


def test_pro_rata_in_proportion_to_the_orders(tiny) -> None:
    res = tiny.run(
        cycle__allocation="pro_rata",
        products=[tiny.product(weekly_capacity_kg=30.0)],
        canteens=[tiny.canteen("K1", diners=100), tiny.canteen("K2", diners=300)],
    )
    # asked 20 and 60 of 30 listed: both get 3/8 of their order
    got = received_by_week(res)
    assert got["K1"] == pytest.approx([7.5] * 4)
    assert got["K2"] == pytest.approx([22.5] * 4)


# --- substitution -------------------------------------------------------------------------------


def one_line_orders(tiny, substitution: bool):
    """A 100 kg weekly order on one line; two products of the category list 60 kg each."""
    return tiny.run(
        cycle__substitution=substitution,
        ordering__lines_per_category=1,
        canteens=[tiny.canteen(diners=500)],
        products=[
            tiny.product("A", weekly_capacity_kg=60.0),
            tiny.product("B", weekly_capacity_kg=60.0),
        ],
    )


def test_unfilled_kg_moves_to_another_product_of_the_category(tiny) -> None:
    res = one_line_orders(tiny, substitution=True)
    assert res.deliveries["kg"].tolist() == pytest.approx([100.0] * 4)
    for _, week in res.weekly_products.groupby("week"):
        # whichever product the canteen picked: 100 asked of it, 60 sold, 40 taken from the other
        assert sorted(week["ordered_kg"]) == [0.0, 100.0]
        asked = week[week["ordered_kg"] > 0].iloc[0]
        other = week[week["ordered_kg"] == 0].iloc[0]
        assert asked["sold_kg"] == pytest.approx(60.0)
        assert other["sold_kg"] == pytest.approx(40.0)
        assert week["unsold_kg"].tolist() == pytest.approx(
            [0.0, 20.0] if asked["product_id"] == "A" else [20.0, 0.0]
        )
    assert res.kpis["fill_rate"].item() == pytest.approx(1.0)


def test_without_substitution_unfilled_kg_stays_unfilled(tiny) -> None:
    res = one_line_orders(tiny, substitution=False)
    assert res.deliveries["kg"].tolist() == pytest.approx([60.0] * 4)
    for _, week in res.weekly_products.groupby("week"):
        assert sorted(week["sold_kg"]) == [0.0, 60.0]
    assert res.kpis["fill_rate"].item() == pytest.approx(0.6)


def test_substitution_stays_within_the_category(tiny) -> None:
    res = tiny.run(
        canteens=[tiny.canteen(diners=500)],
        categories={"veg": tiny.category(), "fruit": tiny.category()},
        products=[
            tiny.product("V", weekly_capacity_kg=60.0),
            tiny.product("F", category="fruit", weekly_capacity_kg=1000.0),
        ],
    )
    weekly = res.weekly_products.set_index(["week", "product_id"])["sold_kg"]
    for week in range(4):
        assert weekly[(week, "V")] == pytest.approx(60.0)
        assert weekly[(week, "F")] == pytest.approx(100.0)  # its own order, nothing more
