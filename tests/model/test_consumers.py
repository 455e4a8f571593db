"""Consumers: households ordering from the weekly list beside the canteens.

Base scenario (``tests/conftest.py``): February 2021, one bound *even* canteen ordering 20 kg of
``veg`` every Thursday, one product at 5 yuan on the platform and 4 at market. Households here
order at the same price as the market unless a test says otherwise, through one pickup point.
"""

from __future__ import annotations

import pytest

from canteensim.errors import ScenarioError

WEEKS = 4


def consumers(**fields: object) -> dict[str, object]:
    """Ten households, all ordering 2 kg of veg every week, insensitive to price."""
    spec: dict[str, object] = {
        "households": 10,
        "pickup_points": 1,
        "participation": 1.0,
        "basket_kg": {"veg": 2.0},
        "price_elasticity": 0.0,
    }
    spec.update(fields)
    return spec


def test_every_household_that_orders_buys_its_basket(tiny) -> None:
    res = tiny.run(consumers=consumers())
    by_buyer = res.deliveries.groupby("buyer", observed=True)["kg"].sum()
    assert by_buyer["consumers"] == pytest.approx(10 * 2.0 * WEEKS, rel=1e-12)
    assert by_buyer["canteens"] == pytest.approx(20.0 * WEEKS, rel=1e-12)


def test_monthly_sales_split_canteens_and_consumers(tiny) -> None:
    res = tiny.run(consumers=consumers())
    sales = res.monthly_sales.set_index("buyer")
    assert sales.loc["consumers", "sales_yuan"] == pytest.approx(80.0 * 5.0, rel=1e-12)
    assert sales.loc["canteens", "sales_yuan"] == pytest.approx(80.0 * 5.0, rel=1e-12)
    assert res.kpis["total_sales_yuan"].iloc[0] == pytest.approx(800.0, rel=1e-12)


def test_a_dearer_platform_shrinks_the_basket_by_its_elasticity(tiny) -> None:
    # platform 5 yuan against 4 at market: 2 kg × (5 / 4) ^ -2 = 1.28 kg a household a week
    res = tiny.run(consumers=consumers(price_elasticity=-2.0))
    kg = res.deliveries.groupby("buyer", observed=True)["kg"].sum()["consumers"]
    assert kg == pytest.approx(10 * 2.0 * (5 / 4) ** -2 * WEEKS, rel=1e-12)


def test_participation_draws_how_many_households_order(tiny) -> None:
    res = tiny.run(consumers=consumers(households=1000, participation=0.3))
    weekly = res.deliveries[res.deliveries["buyer"] == "consumers"]["kg"] / 2.0
    assert weekly.nunique() > 1  # a binomial draw each week, not a constant
    assert weekly.between(200, 400).all()  # 300 ± more than five standard deviations (14.5)


def test_consumers_are_not_audited(tiny) -> None:
    res = tiny.run(consumers=consumers(pickup_points=3))
    assert set(res.canteen_months["canteen_id"].astype(str)) == {"K1"}
    assert res.kpis["compliance_rate"].iloc[0] == 1.0


def test_consumers_share_first_come_first_served_with_canteens(tiny) -> None:
    # 30 kg listed a week against 20 kg of the canteen and 20 kg of households: 10 kg unfilled
    res = tiny.run(
        consumers=consumers(),
        products=[tiny.product(weekly_capacity_kg=30.0)],
        cycle__substitution=False,
    )
    weekly = res.weekly_products
    assert weekly["ordered_kg"].tolist() == pytest.approx([40.0] * WEEKS)
    assert weekly["sold_kg"].tolist() == pytest.approx([30.0] * WEEKS)
    assert res.kpis["fill_rate"].iloc[0] == pytest.approx(0.75)


def test_consumers_share_the_fleet(tiny) -> None:
    # one 30 kg truck a delivery day for 40 kg of loads a week: 10 kg more wait each week, and
    # ship on the Thursdays after the horizon
    res = tiny.run(consumers=consumers(), platform__vehicle_capacity_kg=30.0)
    shipped_by_day = res.deliveries.groupby("delivered_day")["kg"].sum()
    assert shipped_by_day.tolist() == pytest.approx([30.0] * 5 + [10.0])
    assert res.deliveries["late"].any()


def test_money_and_kg_are_conserved_with_consumers(tiny) -> None:
    res = tiny.run(
        consumers=consumers(households=500, participation=0.4, price_elasticity=-1.0),
        categories={"veg": tiny.category(perishable=True, loss=0.3)},
        products=[tiny.product(weekly_capacity_kg=300.0)],
    )
    weekly, sales = res.weekly_products, res.monthly_sales
    assert (weekly["listed_kg"]).sum() == pytest.approx(
        (weekly["sold_kg"] + weekly["unsold_kg"]).sum(), rel=1e-12
    )
    assert weekly["sold_kg"].sum() == pytest.approx(
        (weekly["shipped_kg"] + weekly["undelivered_kg"]).sum(), rel=1e-12
    )
    for _, row in sales.iterrows():
        assert row["shipped_kg"] == pytest.approx(row["quantity_kg"] + row["lost_kg"], rel=1e-12)
        assert row["sales_yuan"] == pytest.approx(
            row["farmer_income_yuan"] + row["commission_yuan"] + row["logistics_yuan"], rel=1e-12
        )
    assert sales["sales_yuan"].sum() == pytest.approx(weekly["sales_yuan"].sum(), rel=1e-12)
    assert res.deliveries["kg"].sum() == pytest.approx(weekly["shipped_kg"].sum(), rel=1e-12)


def test_adding_consumers_leaves_the_canteens_draws_as_they_were(tiny) -> None:
    # ample supply and fleet: households change nothing the canteens get, to the bit
    noisy = {"canteens__attendance_cv": 0.2}
    canteens = [tiny.canteen("K1", compliance=0.7), tiny.canteen("K2", behaviour="tracking")]
    alone = tiny.run(canteens=canteens, **noisy)
    shared = tiny.run(canteens=canteens, consumers=consumers(households=50), **noisy)
    assert shared.canteen_months.equals(alone.canteen_months)
    canteen_sales = shared.monthly_sales[shared.monthly_sales["buyer"] == "canteens"]
    assert canteen_sales.reset_index(drop=True).equals(alone.monthly_sales)


def test_a_basket_of_an_unknown_category_is_a_clear_error(tiny) -> None:
    with pytest.raises(ScenarioError, match=r"consumers\.basket_kg\.fish"):
        tiny.scenario(consumers=consumers(basket_kg={"fish": 1.0}))
