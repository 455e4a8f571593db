"""Noise is centred: attendance and offers vary around their means, with the scenario's cv."""

from __future__ import annotations

import numpy as np
import pytest


def test_attendance_varies_around_the_diners(tiny) -> None:
    canteens = [tiny.canteen(f"K{i:02d}") for i in range(60)]
    res = tiny.run(canteens=canteens, canteens__attendance_cv=0.3)
    audits = res.canteen_months.query("category == 'veg'")
    consumption = audits["consumption_kg"].to_numpy()
    # 60 canteens × 20 open days of noise with mean 1: total within 1 % of 60 × 400 kg
    assert consumption.sum() == pytest.approx(60 * 400.0, rel=0.01)
    assert consumption.std() > 0
    # the noise of one canteen-month is the mean of 20 daily draws: cv 0.3 / √20
    assert consumption.std() / consumption.mean() == pytest.approx(0.3 / np.sqrt(20), rel=0.35)


def test_offers_vary_around_the_weekly_capacity(tiny) -> None:
    products = [
        tiny.product(f"P{i:02d}", weekly_capacity_kg=100.0, capacity_cv=0.4) for i in range(80)
    ]
    res = tiny.run(products=products)
    offered = res.weekly_products["offered_kg"].to_numpy()
    assert offered.mean() == pytest.approx(100.0, rel=0.05)
    assert offered.std() / offered.mean() == pytest.approx(0.4, rel=0.15)
    assert (offered > 0).all()
