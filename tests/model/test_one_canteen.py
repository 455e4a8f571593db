"""One canteen, one product, no noise: every kilogram and yuan worked out by hand.

Base scenario (see ``tests/conftest.py``): February 2021, 100 diners eating 0.2 kg of ``veg`` a
day, quota 20 %, margin 0, Thursday deliveries, 5 yuan on the platform, 4 at market, 2 at the
farm gate, commission 5 %, logistics 0.4 yuan per kg.
"""

from __future__ import annotations

import pytest

WEEKS = 4
OPEN_DAYS_IN_FEBRUARY = 20


def test_weekly_order_is_share_times_diners_times_open_days_times_kg(tiny) -> None:
    res = tiny.run(
        quota__share=0.25,
        canteens=[tiny.canteen(diners=150)],
        categories={"veg": tiny.category(consumption=0.3)},
    )
    order_kg = 0.25 * 150 * 5 * 0.3  # five open days from one Thursday to the next
    weekly = res.weekly_products
    assert weekly["ordered_kg"].tolist() == pytest.approx([order_kg] * WEEKS, rel=1e-12)
    assert weekly["sold_kg"].tolist() == pytest.approx([order_kg] * WEEKS, rel=1e-12)
    assert res.deliveries["kg"].tolist() == pytest.approx([order_kg] * WEEKS, rel=1e-12)
    assert res.deliveries["delivered_day"].dt.strftime("%m-%d").tolist() == [
        "02-04",
        "02-11",
        "02-18",
        "02-25",
    ]
    assert not res.deliveries["late"].any()


def test_shelf_stable_money_to_the_yuan(tiny) -> None:
    res = tiny.run()
    kg = 20.0 * WEEKS
    [month] = res.monthly_sales.to_dict("records")
    assert month["month"] == "2021-02"
    assert month["category"] == "veg"
    assert not month["partial"]
    expected = {
        "quantity_kg": kg,
        "shipped_kg": kg,
        "lost_kg": 0.0,
        "sales_yuan": kg * 5.0,
        "commission_yuan": 0.05 * kg * 5.0,
        "logistics_yuan": 0.4 * kg,
        "farmer_income_yuan": kg * 5.0 * 0.95 - 0.4 * kg,
        "market_value_yuan": kg * 4.0,
        "cost_premium_yuan": kg * (5.0 - 4.0),
    }
    for column, value in expected.items():
        assert month[column] == pytest.approx(value, rel=1e-12), column


def test_perishable_transit_loss_is_loss_at_shelf_life_times_lead_over_shelf_life(tiny) -> None:
    res = tiny.run(categories={"veg": tiny.category(perishable=True, loss=0.4)})
    share = 0.4 * 1 / 10  # next-day delivery, 10-day shelf life
    shipped = 20.0 * WEEKS
    lost = shipped * share
    received = shipped - lost
    [month] = res.monthly_sales.to_dict("records")
    assert month["shipped_kg"] == pytest.approx(shipped, rel=1e-12)
    assert month["lost_kg"] == pytest.approx(lost, rel=1e-12)
    assert month["quantity_kg"] == pytest.approx(received, rel=1e-12)
    # spend counts what the canteen receives; logistics what the trucks carry
    assert month["sales_yuan"] == pytest.approx(received * 5.0, rel=1e-12)
    assert month["commission_yuan"] == pytest.approx(0.05 * received * 5.0, rel=1e-12)
    assert month["logistics_yuan"] == pytest.approx(0.4 * shipped, rel=1e-12)
    assert month["farmer_income_yuan"] == pytest.approx(
        received * 5.0 * 0.95 - 0.4 * shipped, rel=1e-12
    )
    assert month["cost_premium_yuan"] == pytest.approx(received * 1.0, rel=1e-12)
    assert res.deliveries["lost_kg"].tolist() == pytest.approx([20.0 * share] * WEEKS)
    assert res.deliveries["received_kg"].tolist() == pytest.approx([20.0 * (1 - share)] * WEEKS)
    assert res.weekly_products["lost_kg"].tolist() == pytest.approx([20.0 * share] * WEEKS)


def test_where_each_product_week_s_yuan_went(tiny) -> None:
    res = tiny.run(categories={"veg": tiny.category(perishable=True, loss=0.4)})
    weekly = res.weekly_products
    shipped, lost = 20.0, 20.0 * 0.4 * 1 / 10  # each week: 20 kg shipped, 0.8 kg lost
    sales = (shipped - lost) * 5.0  # 96 yuan delivered
    expected = {
        "sales_yuan": sales,
        "commission_yuan": 0.05 * sales,  # 4.8
        "logistics_yuan": 0.4 * shipped,  # 8, lost kg included
        "farmer_income_yuan": 96.0 - 4.8 - 8.0,
    }
    for column, value in expected.items():
        assert weekly[column].tolist() == pytest.approx([value] * WEEKS, rel=1e-12), column
    # the weeks add up to the month, as the model's one rule makes them
    [month] = res.monthly_sales.to_dict("records")
    for column in ("commission_yuan", "logistics_yuan", "farmer_income_yuan"):
        assert weekly[column].sum() == pytest.approx(month[column], rel=1e-12), column


def test_transit_loss_grows_with_lead_days(tiny) -> None:
    res = tiny.run(cycle__lead_days=3, categories={"veg": tiny.category(perishable=True, loss=0.4)})
    assert res.deliveries["lost_kg"].tolist() == pytest.approx([20.0 * 0.4 * 3 / 10] * WEEKS)


def test_shelf_stable_goods_lose_nothing_however_slow(tiny) -> None:
    res = tiny.run(cycle__lead_days=6, categories={"veg": tiny.category(loss=0.9)})
    assert res.deliveries["lost_kg"].sum() == 0.0


def test_unsold_listing_is_spoiled_if_perishable_else_sold_at_farm_gate(tiny) -> None:
    fresh = tiny.run(
        products=[tiny.product(weekly_capacity_kg=50.0)],
        categories={"veg": tiny.category(perishable=True)},
    ).weekly_products
    dry = tiny.run(products=[tiny.product(weekly_capacity_kg=50.0)]).weekly_products
    for weekly in (fresh, dry):
        assert weekly["listed_kg"].tolist() == [50.0] * WEEKS
        assert weekly["unsold_kg"].tolist() == pytest.approx([30.0] * WEEKS)
    assert fresh["spoiled_kg"].tolist() == pytest.approx([30.0] * WEEKS)
    assert fresh["unsold_farm_gate_yuan"].sum() == 0.0
    assert dry["spoiled_kg"].sum() == 0.0
    assert dry["unsold_farm_gate_yuan"].tolist() == pytest.approx([30.0 * 2.0] * WEEKS)


def test_audit_of_the_month(tiny) -> None:
    audits = tiny.run(categories={"veg": tiny.category(perishable=True, loss=0.4)}).canteen_months
    veg = audits[audits["category"] == "veg"].iloc[0]
    consumption = 100 * 0.2 * OPEN_DAYS_IN_FEBRUARY
    received = 80.0 * (1 - 0.04)
    assert veg["consumption_kg"] == pytest.approx(consumption)
    assert veg["aid_kg"] == pytest.approx(received)
    assert veg["required_kg"] == pytest.approx(0.2 * consumption)
    assert veg["aid_share"] == pytest.approx(received / consumption)
    assert veg["consumption_yuan"] == pytest.approx(consumption * 4.0)
    assert veg["aid_yuan"] == pytest.approx(received * 5.0)
    # Transit losses leave the canteen short of its 20 % when it orders no margin: 76.8 of 80 kg.
    assert veg["fulfilment"] == pytest.approx(76.8 / 80.0)
    assert not veg["compliant"]
    assert veg["audited"]
    assert not veg["partial"]


def test_margin_covers_transit_losses(tiny) -> None:
    res = tiny.run(
        ordering__margin=0.1, categories={"veg": tiny.category(perishable=True, loss=0.4)}
    )
    veg = res.canteen_months[res.canteen_months["category"] == "veg"].iloc[0]
    assert veg["aid_kg"] == pytest.approx(80.0 * 1.1 * 0.96)
    assert veg["compliant"]


def test_kpis(tiny) -> None:
    res = tiny.run(categories={"veg": tiny.category(perishable=True, loss=0.4)})
    [kpis] = res.kpis.to_dict("records")
    received, shipped = 76.8, 80.0
    expected = {
        "replication": 0,
        "monthly_sales_yuan_mean": received * 5.0,
        "total_sales_yuan": received * 5.0,
        "farmer_income_yuan": received * 5.0 * 0.95 - 0.4 * shipped,
        "compliance_rate": 0.0,
        "quota_fulfilment": received / 80.0,
        "fill_rate": 1.0,
        "unsold_share": (10_000 - 20) / 10_000,
        "lost_kg": shipped - received,
        "on_time_rate": 1.0,
        "cost_premium_yuan": received * 1.0,
        "order_lines": WEEKS,
    }
    assert kpis.keys() >= expected.keys()
    for name, value in expected.items():
        assert kpis[name] == pytest.approx(value, rel=1e-12), name
