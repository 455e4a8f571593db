"""Shared fixtures of the model tests: tiny scenarios built in Python, stated by their differences.

The base scenario is February 2021 (Monday 1st to Sunday 28th: a whole month of exactly four
weeks and twenty open weekdays), one category ``veg`` eaten at 0.2 kg per diner per day, one
product ``P1`` and one bound canteen ``K1`` of 100 diners delivered on Thursdays, with no noise
(``attendance_cv = capacity_cv = 0``), no safety margin, no transit loss and a fleet far larger
than any order. So an *even* canteen orders 0.2 × 100 diners × 0.2 kg × 5 open days = 20 kg a
week, four weeks, 80 kg in the month, exactly 20 % of its 400 kg consumption.

A test takes the `tiny` fixture and states only what matters to it::

    def test_something(tiny):
        res = tiny.run(quota__share=0.3, cycle__substitution=False,
                       products=[tiny.product("A", weekly_capacity_kg=5), tiny.product("B")])

Keyword arguments with ``__`` set a nested key (``quota__share`` → ``quota.share``); ``products``,
``canteens``, ``categories`` and ``disruptions`` replace the whole list. ``tiny.product``,
``tiny.canteen`` and ``tiny.category`` build one row or table each from the defaults;
``tiny.raw`` returns the mapping, ``tiny.scenario`` the validated `Scenario`, ``tiny.run`` the
`Results` of simulating it (``replication=`` passes through; the seed is ``scenario__seed``).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from canteensim import Scenario, simulate
from canteensim.model.simulate import Results
from canteensim.scenario.load import validate

FEB_2021 = (dt.date(2021, 2, 1), dt.date(2021, 2, 28))
"""A Monday-to-Sunday month: four whole weeks, twenty weekdays."""

Raw = dict[str, Any]


def product(product_id: str = "P1", **fields: Any) -> Raw:
    """One product row: 5 yuan on the platform, 4 at market, 2 at the farm gate, no noise."""
    row: Raw = {
        "product_id": product_id,
        "name": f"五指山小白菜 {product_id}",
        "cooperative_id": "C1",
        "category": "veg",
        "platform_price_yuan_per_kg": 5.0,
        "farm_gate_price_yuan_per_kg": 2.0,
        "market_price_yuan_per_kg": 4.0,
        "shelf_life_days": 10.0,
        "weekly_capacity_kg": 10_000.0,
        "capacity_cv": 0.0,
    }
    row.update(fields)
    return row


def canteen(canteen_id: str = "K1", **fields: Any) -> Raw:
    """One canteen row: bound, 100 diners, Thursday deliveries, even orders, always orders."""
    row: Raw = {
        "canteen_id": canteen_id,
        "name": f"省某厅机关食堂 {canteen_id}",
        "kind": "government",
        "bound": True,
        "diners": 100,
        "delivery_day": "Thu",
        "behaviour": "even",
        "compliance": 1.0,
    }
    row.update(fields)
    return row


def category(consumption: float = 0.2, perishable: bool = False, loss: float = 0.0) -> Raw:
    """One ``[categories.NAME]`` table."""
    return {
        "consumption_kg_per_diner_day": consumption,
        "perishable": perishable,
        "transit_loss_at_shelf_life": loss,
    }


def tiny_raw(
    *,
    products: list[Raw] | None = None,
    canteens: list[Raw] | None = None,
    categories: dict[str, Raw] | None = None,
    disruptions: list[Raw] | None = None,
    **overrides: Any,
) -> Raw:
    """The base scenario as a mapping, with `overrides` (``section__key=value``) applied."""
    start, end = FEB_2021
    raw: Raw = {
        "scenario": {"name": "小食堂 tiny", "start": start, "end": end, "seed": 7},
        "quota": {"share": 0.2, "basis": "quantity", "per": "category"},
        "cycle": {"delivery_days": ["Thu"], "lead_days": 1},
        "platform": {
            "commission": 0.05,
            "logistics_yuan_per_kg": 0.4,
            "vehicles": 1,
            "vehicle_capacity_kg": 100_000.0,
        },
        "ordering": {"margin": 0.0, "min_line_kg": 0.5},
        "categories": categories if categories is not None else {"veg": category()},
        "cooperatives": {
            "rows": [{"cooperative_id": "C1", "name": "琼中合作社", "county": "琼中"}]
        },
        "products": {"rows": products if products is not None else [product()]},
        "canteens": {
            "rows": canteens if canteens is not None else [canteen()],
            "attendance_cv": 0.0,
        },
        "disruptions": disruptions or [],
    }
    raw = copy.deepcopy(raw)
    for dotted, value in overrides.items():
        *path, key = dotted.split("__")
        table = raw
        for part in path:
            table = table.setdefault(part, {})
        table[key] = value
    return raw


def build(raw: Raw) -> Scenario:
    """Validate a scenario mapping as the loader does."""
    return validate(raw, Path("test.toml"))


def run(replication: int = 0, **kwargs: Any) -> Results:
    """Build `tiny_raw(**kwargs)` and simulate it."""
    return simulate(build(tiny_raw(**kwargs)), replication=replication)


@pytest.fixture(scope="session")
def tiny() -> SimpleNamespace:
    """The tiny-scenario toolkit: ``tiny.run(quota__share=0.3)``, ``tiny.raw(...)``,
    ``tiny.scenario(...)``, ``tiny.product("A", weekly_capacity_kg=5)``, ``tiny.canteen(...)``,
    ``tiny.category(...)`` and ``tiny.start`` / ``tiny.end`` (the base horizon).

    Session-scoped, so that Hypothesis tests may use it too.
    """
    return SimpleNamespace(
        raw=tiny_raw,
        scenario=lambda **kwargs: build(tiny_raw(**kwargs)),
        build=build,
        run=run,
        product=product,
        canteen=canteen,
        category=category,
        start=FEB_2021[0],
        end=FEB_2021[1],
    )
