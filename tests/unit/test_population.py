"""Drawing populations: distributions, generated cooperatives, products and canteens."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple

import numpy as np
import pytest

from canteensim.model.calendar import Calendar
from canteensim.model.population import (
    draw,
    generate_canteens,
    generate_cooperatives,
    generate_products,
    lognormal_mean_cv,
)
from canteensim.policies import BEHAVIOURS, default_behaviour
from canteensim.scenario.schema import (
    CanteenGenerate,
    Constant,
    CooperativeGenerate,
    LogNormal,
    ProductGenerate,
    Uniform,
)

CALENDAR = Calendar(
    start=dt.date(2020, 3, 2),
    end=dt.date(2020, 3, 29),
    open_weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
    holidays=frozenset(),
    workdays=frozenset(),
    listing_days=8 / 24,
    cutoff_days=3.0,
    delivery_weekdays=("Thu", "Fri"),
)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_lognormal_has_the_given_mean_and_coefficient_of_variation() -> None:
    values = lognormal_mean_cv(400.0, 0.5, 200_000, rng())
    assert values.mean() == pytest.approx(400.0, rel=0.01)
    assert values.std() / values.mean() == pytest.approx(0.5, rel=0.03)
    assert (values > 0).all()


def test_lognormal_without_variation_is_exactly_the_mean() -> None:
    assert lognormal_mean_cv(1.0, 0.0, 5, rng()).tolist() == [1.0] * 5
    cv = np.array([0.0, 0.3])
    values = lognormal_mean_cv(1.0, cv, 2, rng())
    assert values[0] == 1.0


def test_draw_each_distribution() -> None:
    assert draw(Constant(dist="constant", value=3.5), 4, rng()).tolist() == [3.5] * 4
    uniform = draw(Uniform(dist="uniform", low=2.0, high=5.0), 10_000, rng())
    assert uniform.min() >= 2.0
    assert uniform.max() <= 5.0
    assert uniform.mean() == pytest.approx(3.5, rel=0.02)
    lognormal = draw(LogNormal(dist="lognormal", mean=10.0, cv=0.2), 50_000, rng())
    assert lognormal.mean() == pytest.approx(10.0, rel=0.01)


def test_generated_cooperatives_spread_over_counties() -> None:
    rows = generate_cooperatives(CooperativeGenerate(count=5, counties=2))
    assert [r.cooperative_id for r in rows] == ["C1", "C2", "C3", "C4", "C5"]
    assert [r.county for r in rows] == ["County 1", "County 2"] * 2 + ["County 1"]
    wide = generate_cooperatives(CooperativeGenerate(count=12))
    assert wide[0].cooperative_id == "C01"
    assert wide[-1].cooperative_id == "C12"


def test_generated_products_follow_their_class() -> None:
    spec = ProductGenerate.model_validate(
        {
            "count": 40,
            "categories": {
                "veg": {
                    "weight": 3.0,
                    "market_price_yuan_per_kg": {"dist": "uniform", "low": 2, "high": 4},
                    "platform_markup": 0.25,
                    "farm_gate_ratio": 0.5,
                    "shelf_life_days": {"dist": "constant", "value": 3},
                    "weekly_capacity_kg": {"dist": "constant", "value": 100},
                },
                "grain": {
                    "weight": 1.0,
                    "market_price_yuan_per_kg": {"dist": "constant", "value": 7},
                    "shelf_life_days": {"dist": "constant", "value": 180},
                    "weekly_capacity_kg": {"dist": "lognormal", "mean": 300, "cv": 0.3},
                },
            },
        }
    )
    rows = generate_products(spec, np.array(["C1", "C2", "C3"]), rng())
    assert [p.product_id for p in rows] == [f"P{i:02d}" for i in range(1, 41)]
    assert {p.cooperative_id for p in rows} == {"C1", "C2", "C3"}
    veg = [p for p in rows if p.category == "veg"]
    grain = [p for p in rows if p.category == "grain"]
    assert len(veg) + len(grain) == 40
    assert len(veg) > len(grain)  # weights 3 : 1
    for p in veg:
        assert 2 <= p.market_price_yuan_per_kg <= 4
        assert p.platform_price_yuan_per_kg == pytest.approx(1.25 * p.market_price_yuan_per_kg)
        assert p.farm_gate_price_yuan_per_kg == pytest.approx(0.5 * p.platform_price_yuan_per_kg)
        assert (p.shelf_life_days, p.weekly_capacity_kg) == (3.0, 100.0)
    for p in grain:
        assert p.platform_price_yuan_per_kg == 7.0  # no markup by default
        assert p.shelf_life_days == 180.0


def test_generated_canteens_kinds_bound_and_delivery_days() -> None:
    spec = CanteenGenerate.model_validate(
        {
            "count": 200,
            "kinds": {"government": 1.0, "institution": 1.0, "enterprise": 2.0},
            "diners": {"dist": "lognormal", "mean": 300, "cv": 0.5},
            "behaviours": {"even": 1.0, "non_compliant": 1.0},
            "compliance": {"dist": "uniform", "low": 0.5, "high": 1.5},
        }
    )
    canteens = generate_canteens(spec, ("Thu", "Fri"), CALENDAR, rng())
    assert len(canteens) == 200
    assert canteens.canteen_id[0] == "K001" and canteens.canteen_id[-1] == "K200"
    assert (canteens.bound == np.isin(canteens.kind, ["government", "institution"])).all()
    assert set(canteens.delivery_slot) == {0, 1}
    named = {BEHAVIOURS.index("even"), BEHAVIOURS.index("non_compliant")}
    assert set(canteens.behaviour) == named
    assert ((canteens.compliance >= 0.5) & (canteens.compliance <= 1.0)).all()  # clipped
    assert (canteens.diners == np.round(canteens.diners)).all() and (canteens.diners >= 0).all()
    assert not np.signbit(canteens.diners).any()
    assert (canteens.kind == "enterprise").sum() > (canteens.kind == "government").sum()
    assert canteens.diners.mean() == pytest.approx(300, rel=0.15)
    assert canteens.open_weekdays.shape == (200, 7)
    assert (canteens.open_weekdays == CALENDAR.weekday_mask(None)).all()


def test_generated_canteens_behave_by_default_as_their_binding_says() -> None:
    spec = CanteenGenerate.model_validate(
        {
            "count": 50,
            "kinds": {"government": 1.0, "enterprise": 1.0},
            "diners": {"dist": "constant", "value": 100},
        }
    )
    canteens = generate_canteens(spec, ("Thu",), CALENDAR, rng())
    expected = [BEHAVIOURS.index(default_behaviour(bool(b))) for b in canteens.bound]
    assert canteens.bound.any() and not canteens.bound.all()
    assert canteens.behaviour.tolist() == expected


def test_generation_is_a_function_of_the_generator() -> None:
    spec = CanteenGenerate.model_validate(
        {"count": 20, "diners": {"dist": "lognormal", "mean": 100, "cv": 0.5}}
    )

    def drawn(seed: int) -> list[np.ndarray]:
        return list(astuple(generate_canteens(spec, ("Thu",), CALENDAR, rng(seed))))

    assert all(np.array_equal(a, b) for a, b in zip(drawn(3), drawn(3), strict=True))
    assert not np.array_equal(drawn(3)[4], drawn(4)[4])  # diners
