"""The weekly listing (limit, season) and per-canteen settings (open weekdays, delivery day)."""

from __future__ import annotations

import datetime as dt

import pytest

from canteensim import simulate

D = dt.date


def test_listing_limit_keeps_the_largest_offers(tiny) -> None:
    res = tiny.run(
        platform__listing_limit=2,
        products=[
            tiny.product("A", weekly_capacity_kg=30.0),
            tiny.product("B", weekly_capacity_kg=50.0),
            tiny.product("C", weekly_capacity_kg=40.0),
        ],
    )
    week0 = res.weekly_products[res.weekly_products["week"] == 0].set_index("product_id")
    assert week0["listed"].to_dict() == {"A": False, "B": True, "C": True}
    assert week0["offered_kg"].to_dict() == {"A": 30.0, "B": 50.0, "C": 40.0}
    assert week0["listed_kg"].to_dict() == {"A": 0.0, "B": 50.0, "C": 40.0}
    assert week0.loc["A", "ordered_kg"] == 0.0


def test_season_scales_the_offer_by_the_month_of_the_listing(tiny) -> None:
    season = [1.0] * 12
    season[1] = 0.25  # February
    res = tiny.run(products=[tiny.product(weekly_capacity_kg=80.0, season=season)])
    assert res.weekly_products["offered_kg"].tolist() == [20.0] * 4


def test_a_product_with_no_capacity_is_never_listed(tiny) -> None:
    res = tiny.run(products=[tiny.product("A", weekly_capacity_kg=0.0), tiny.product("B")])
    weekly = res.weekly_products
    assert not weekly.loc[weekly["product_id"] == "A", "listed"].any()
    assert weekly.loc[weekly["product_id"] == "B", "sold_kg"].tolist() == [20.0] * 4


def test_canteen_open_every_day(tiny) -> None:
    res = tiny.run(
        canteens=[tiny.canteen(open_weekdays=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])]
    )
    assert res.deliveries["kg"].tolist() == pytest.approx([0.2 * 100 * 0.2 * 7] * 4)
    audits = res.canteen_months
    assert audits.loc[audits["category"] == "veg", "consumption_kg"].item() == pytest.approx(
        28 * 20.0
    )


def test_canteens_open_on_their_own_weekdays(tiny) -> None:
    res = tiny.run(
        canteens=[
            tiny.canteen("K1"),
            tiny.canteen("K3", open_weekdays=["Mon", "Wed", "Fri"]),
        ]
    )
    audits = res.canteen_months.query("category == 'veg'").set_index("canteen_id")
    assert audits.loc["K1", "consumption_kg"] == pytest.approx(20 * 20.0)
    assert audits.loc["K3", "consumption_kg"] == pytest.approx(12 * 20.0)
    kg = res.deliveries.groupby("canteen_id", observed=True)["kg"].sum()
    assert kg["K3"] == pytest.approx(4 * 0.2 * 100 * 0.2 * 3)  # Fri, Mon, Wed before Thursday


def test_each_canteen_is_delivered_on_its_own_delivery_day(tiny) -> None:
    res = tiny.run(
        cycle__delivery_days=["Thu", "Fri"],
        canteens=[tiny.canteen("K1"), tiny.canteen("K2", delivery_day="Fri")],
    )
    days = res.deliveries.groupby("canteen_id", observed=True)["delivered_day"].apply(
        lambda s: [d.strftime("%a %d") for d in s]
    )
    assert days["K1"] == ["Thu 04", "Thu 11", "Thu 18", "Thu 25"]
    assert days["K2"] == ["Fri 05", "Fri 12", "Fri 19", "Fri 26"]
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0] * 8)


def test_generated_canteens_follow_their_distributions(tiny) -> None:
    raw = tiny.raw()
    raw["canteens"] = {
        "generate": {
            "count": 5,
            "kinds": {"government": 1.0},
            "diners": {"dist": "constant", "value": 100},
            "behaviours": {"even": 1.0},
        },
        "attendance_cv": 0.0,
    }
    res = simulate(tiny.build(raw))
    ids = res.canteen_months["canteen_id"].astype(str).unique().tolist()
    assert ids == ["K1", "K2", "K3", "K4", "K5"]
    assert res.canteen_months["bound"].all()
    assert res.deliveries["kg"].sum() == pytest.approx(5 * 80.0)
