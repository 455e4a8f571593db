"""Hypothesis strategies: small valid scenario mappings, and running one."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from canteensim import Scenario, simulate
from canteensim.errors import CanteensimWarning
from canteensim.model.simulate import Results
from canteensim.policies import BEHAVIOURS
from canteensim.scenario.load import validate

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

WEEKLY_CYCLES = [
    ("Mon 08:00", "Wed 24:00", ["Thu", "Fri", "Sat"]),  # Hainan's
    ("Mon 00:00", "Mon 12:00", ["Tue", "Wed", "Sun"]),
    ("Tue 08:00", "Thu 18:00", ["Fri", "Sat", "Sun"]),
]
"""Listing, order cutoff and the weekdays a delivery may fall on after the cutoff."""

# Quantities are zero or at least a few grams: a stock of 1e-300 kg is below the rounding of
# any running total of kilograms, and no scenario holds one.
kg = st.just(0.0) | st.floats(0.01, 400.0)
share = st.just(0.0) | st.floats(0.001, 1.0)
price = st.floats(0.5, 40.0)
factor = st.sampled_from([0.0, 0.3, 0.5, 1.0, 1.5])


@st.composite
def scenarios(draw: st.DrawFn, generated_canteens: bool = True) -> dict[str, Any]:
    """A small valid scenario mapping; canteens listed or, if allowed, generated."""
    start = draw(st.dates(dt.date(2020, 1, 1), dt.date(2021, 12, 31)))
    horizon = draw(st.integers(1, 80))
    end = start + dt.timedelta(days=horizon - 1)
    in_horizon = st.dates(start, end)

    listing, cutoff, after_cutoff = draw(st.sampled_from(WEEKLY_CYCLES))
    delivery_days = draw(
        st.lists(st.sampled_from(after_cutoff), min_size=1, max_size=2, unique=True)
    )
    categories = {
        name: {
            "consumption_kg_per_diner_day": draw(st.floats(0.01, 0.5)),
            "perishable": draw(st.booleans()),
            "transit_loss_at_shelf_life": draw(share),
        }
        for name in draw(
            st.lists(
                st.sampled_from(["蔬菜", "grain", "fruit"]), min_size=1, max_size=3, unique=True
            )
        )
    }
    products = []
    for i in range(draw(st.integers(1, 4))):
        platform = draw(price)
        products.append(
            {
                "product_id": f"P{i}",
                "name": f"产品 {i}",
                "cooperative_id": "C1",
                "category": draw(st.sampled_from(sorted(categories))),
                "platform_price_yuan_per_kg": platform,
                "farm_gate_price_yuan_per_kg": platform * draw(st.floats(0.1, 1.0)),
                "market_price_yuan_per_kg": draw(price),
                "shelf_life_days": draw(st.floats(0.5, 60.0)),
                "weekly_capacity_kg": draw(kg),
                "capacity_cv": draw(st.sampled_from([0.0, 0.2, 0.8])),
            }
        )
    for name in sorted(set(categories) - {p["category"] for p in products}):
        # valued at a market price of its own, for a quota by value on the total
        categories[name]["reference_price_yuan_per_kg"] = draw(price)
    if not generated_canteens or draw(st.booleans()):
        canteens: dict[str, Any] = {
            "rows": [
                {
                    "canteen_id": f"K{i}",
                    "name": f"食堂 {i}",
                    "kind": draw(st.sampled_from(["government", "institution", "enterprise"])),
                    "bound": draw(st.booleans()),
                    "diners": draw(st.integers(0, 300)),
                    "delivery_day": draw(st.sampled_from(delivery_days)),
                    # None: the default, tracking when bound and even when not
                    "behaviour": draw(st.none() | st.sampled_from(BEHAVIOURS.names)),
                    "compliance": draw(st.sampled_from([0.0, 0.5, 1.0])),
                    "open_weekdays": draw(
                        st.none() | st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=7)
                    ),
                }
                for i in range(draw(st.integers(1, 4)))
            ]
        }
    else:
        canteens = {
            "generate": {
                "count": draw(st.integers(1, 5)),
                "kinds": {"government": 1.0, "enterprise": draw(st.floats(0.1, 2.0))},
                "diners": {"dist": "lognormal", "mean": draw(st.floats(10, 300)), "cv": 0.5},
                "behaviours": draw(
                    st.none()
                    | st.just({"tracking": 1.0, "even": 1.0, "catch_up": 1.0, "front_load": 1.0})
                ),
                "compliance": {"dist": "uniform", "low": 0.3, "high": 1.0},
            }
        }
    canteens["attendance_cv"] = draw(st.sampled_from([0.0, 0.1, 0.5]))
    disruptions = [
        {
            "start": (first := draw(st.dates(start - dt.timedelta(days=10), end))),
            "end": first + dt.timedelta(days=draw(st.integers(0, 20))),
            "attendance": draw(factor),
            "transport": draw(factor),
            "supply": draw(factor),
            # canteens may learn of it up to three weeks ahead
            "announced": first - dt.timedelta(days=draw(st.integers(0, 21))),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "scenario": {
            "name": "generated",
            "start": start,
            "end": end,
            "seed": draw(st.integers(0, 9)),
        },
        "calendar": {
            "holidays": draw(st.lists(in_horizon, max_size=3, unique=True)),
            "workdays": draw(st.lists(in_horizon, max_size=2, unique=True)),
        },
        "quota": {
            "share": draw(share),
            "basis": draw(st.sampled_from(["quantity", "value"])),
            "per": draw(st.sampled_from(["category", "total"])),
            "period": draw(st.sampled_from(["month", "quarter", "year"])),
        },
        "cycle": {
            "listing": listing,
            "order_cutoff": cutoff,
            "delivery_days": delivery_days,
            "lead_days": draw(st.integers(1, 3)),
            "allocation": draw(st.sampled_from(["fcfs", "pro_rata"])),
            "substitution": draw(st.booleans()),
        },
        "platform": {
            "commission": draw(st.just(0.0) | st.floats(0.001, 0.2)),
            "logistics_yuan_per_kg": draw(st.just(0.0) | st.floats(0.01, 2.0)),
            # vehicles = 0 never ends a run (see tests/model/test_fleet.py)
            "vehicles": draw(st.integers(1, 3)),
            "vehicle_capacity_kg": draw(st.floats(0.01, 2000.0)),
            "listing_limit": draw(st.integers(1, 4)),
        },
        "ordering": {
            "lines_per_category": draw(st.integers(1, 3)),
            "min_line_kg": draw(st.sampled_from([0.0, 0.5, 2.0])),
            "round_up_small_lines": draw(st.booleans()),
            "margin": draw(st.sampled_from([0.0, 0.1, 0.5])),
            "voluntary_share": draw(share),
            "non_compliant_factor": draw(share),
        },
        "categories": categories,
        "cooperatives": {"rows": [{"cooperative_id": "C1", "name": "合作社", "county": "琼中"}]},
        "products": {"rows": products},
        "canteens": canteens,
        "disruptions": disruptions,
    }


def build(raw: dict[str, Any]) -> Scenario:
    return validate(raw, Path("generated.toml"))


def run(raw: dict[str, Any]) -> Results:
    """Simulate; a small fleet may leave goods undelivered, which the laws account for."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*undelivered_kg", CanteensimWarning)
        return simulate(build(raw))
