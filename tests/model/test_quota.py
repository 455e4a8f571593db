"""The month-end audit: quota by quantity or by value, per category or in total.

Each case caps the supply so that the canteen receives the same kg under both rules, and one
rule passes where the other fails.
"""

from __future__ import annotations

import pytest


def audit(res, category: str = "veg"):
    audits = res.canteen_months
    return audits[audits["category"] == category].iloc[0]


def by(tiny, basis: str, platform: float, capacity: float):
    """Quota 20 % with a 50 % margin; market price 4 yuan; the product lists `capacity` kg."""
    return tiny.run(
        quota__basis=basis,
        ordering__margin=0.5,
        products=[tiny.product(platform_price_yuan_per_kg=platform, weekly_capacity_kg=capacity)],
    )


def test_value_passes_where_quantity_fails(tiny) -> None:
    # 15 kg a week at 6 yuan: 60 of 400 kg (15 %), but 360 of 1600 yuan at market (22.5 %)
    quantity = by(tiny, "quantity", platform=6.0, capacity=15.0)
    value = by(tiny, "value", platform=6.0, capacity=15.0)
    q, v = audit(quantity), audit(value)
    assert q["aid_kg"] == pytest.approx(60.0)
    assert v["aid_kg"] == pytest.approx(60.0)
    assert q["aid_share"] == pytest.approx(0.15)
    assert q["required_kg"] == pytest.approx(80.0)
    assert not q["compliant"]
    assert v["aid_yuan"] == pytest.approx(360.0)
    assert v["consumption_yuan"] == pytest.approx(1600.0)
    assert v["required_yuan"] == pytest.approx(320.0)
    assert v["aid_share"] == pytest.approx(0.225)
    assert v["compliant"]
    assert quantity.kpis["compliance_rate"].item() == 0.0
    assert value.kpis["compliance_rate"].item() == 1.0
    assert quantity.kpis["quota_fulfilment"].item() == pytest.approx(60.0 / 80.0)
    assert value.kpis["quota_fulfilment"].item() == pytest.approx(360.0 / 320.0)


def test_quantity_passes_where_value_fails(tiny) -> None:
    # 25 kg a week at 3 yuan: 100 of 400 kg (25 %), but 300 of 1600 yuan (18.75 %)
    q = audit(by(tiny, "quantity", platform=3.0, capacity=25.0))
    v = audit(by(tiny, "value", platform=3.0, capacity=25.0))
    assert q["aid_share"] == pytest.approx(0.25)
    assert q["compliant"]
    assert v["aid_share"] == pytest.approx(0.1875)
    assert not v["compliant"]


def test_a_value_quota_orders_by_value(tiny) -> None:
    # At 5 yuan on the platform against 4 at market, 20 % of the value is 16 % of the kg.
    res = tiny.run(quota__basis="value")
    assert res.deliveries["kg"].tolist() == pytest.approx([20.0 * 4 / 5] * 4)
    assert audit(res)["aid_share"] == pytest.approx(0.2)
    assert audit(res)["compliant"]


def per(tiny, rule: str, grain_capacity: float):
    """Two categories of 400 kg a month each; margin 50 %: 30 kg a week of each is ordered."""
    return tiny.run(
        quota__per=rule,
        ordering__margin=0.5,
        categories={"veg": tiny.category(), "grain": tiny.category()},
        products=[
            tiny.product("V"),
            tiny.product("G", category="grain", weekly_capacity_kg=grain_capacity),
        ],
    )


def test_total_passes_where_per_category_fails(tiny) -> None:
    # veg 120 kg (30 %), grain 48 kg (12 %): in total 168 of 800 kg (21 %)
    by_category, in_total = per(tiny, "category", 12.0), per(tiny, "total", 12.0)
    veg, grain, total = (audit(by_category, c) for c in ("veg", "grain", "total"))
    assert (veg["aid_kg"], grain["aid_kg"], total["aid_kg"]) == pytest.approx((120, 48, 168))
    assert total["consumption_kg"] == pytest.approx(800.0)
    assert total["aid_share"] == pytest.approx(0.21)
    assert veg["compliant"]
    assert not grain["compliant"]
    assert total["compliant"]
    audited = by_category.canteen_months.query("audited")["category"].astype(str).tolist()
    assert sorted(audited) == ["grain", "veg"]
    assert in_total.canteen_months.query("audited")["category"].astype(str).tolist() == ["total"]
    assert by_category.kpis["compliance_rate"].item() == 0.5
    assert in_total.kpis["compliance_rate"].item() == 1.0


def test_total_fails_when_the_surplus_does_not_cover_the_shortfall(tiny) -> None:
    # veg 120 kg, grain 16 kg: 136 of 800 kg (17 %)
    in_total = per(tiny, "total", 4.0)
    assert audit(in_total, "total")["aid_share"] == pytest.approx(0.17)
    assert in_total.kpis["compliance_rate"].item() == 0.0
    assert per(tiny, "category", 4.0).kpis["compliance_rate"].item() == 0.5


def test_voluntary_canteens_are_not_audited(tiny) -> None:
    res = tiny.run(
        canteens=[tiny.canteen("K1"), tiny.canteen("E1", kind="enterprise", bound=False)]
    )
    audited = res.canteen_months.query("audited")
    assert audited["canteen_id"].astype(str).unique().tolist() == ["K1"]
    assert res.kpis["compliance_rate"].item() == 1.0
