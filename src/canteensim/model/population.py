"""Canteens, products and cooperatives as arrays: listed in the scenario or drawn from it.

The model works on these arrays, one entry per canteen or product, so that an event costs the
same number of Python steps for thirty canteens as for thousands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from canteensim import policies
from canteensim.model.calendar import Calendar
from canteensim.scenario.schema import (
    WEEKDAYS,
    CanteenGenerate,
    CanteenRow,
    Constant,
    Consumers,
    CooperativeGenerate,
    CooperativeRow,
    Distribution,
    LogNormal,
    ProductGenerate,
    ProductRow,
    Scenario,
)

_T = TypeVar("_T")
Floats = NDArray[np.float64]
Ints = NDArray[np.intp]
Bools = NDArray[np.bool_]
Strings = NDArray[np.str_]


@dataclass(frozen=True)
class Categories:
    name: Strings
    consumption_kg_per_diner_day: Floats
    perishable: Bools
    transit_loss_at_shelf_life: Floats
    reference_price_yuan_per_kg: Floats
    """Market price valuing consumption for a value quota: the category's own, or else the mean
    market price of its products."""
    platform_price_yuan_per_kg: Floats
    """Mean platform price of the category's products: what a kg of aid costs a canteen."""


@dataclass(frozen=True)
class Cooperatives:
    cooperative_id: Strings
    name: Strings
    county: Strings


@dataclass(frozen=True)
class Products:
    product_id: Strings
    name: Strings
    cooperative: Ints
    category: Ints
    platform_price_yuan_per_kg: Floats
    farm_gate_price_yuan_per_kg: Floats
    market_price_yuan_per_kg: Floats
    shelf_life_days: Floats
    weekly_capacity_kg: Floats
    capacity_cv: Floats
    season: Floats
    """``(products, 12)``: offer factor for each calendar month."""

    def __len__(self) -> int:
        return len(self.product_id)


@dataclass(frozen=True)
class Canteens:
    canteen_id: Strings
    name: Strings
    kind: Strings
    bound: Bools
    diners: Floats
    delivery_slot: Ints
    """Index into ``cycle.delivery_days``."""
    behaviour: Ints
    """Index into `canteensim.policies.BEHAVIOURS`."""
    compliance: Floats
    open_weekdays: Bools
    """``(canteens, 7)``, Monday first."""

    def __len__(self) -> int:
        return len(self.canteen_id)


@dataclass(frozen=True)
class ConsumerGroups:
    """Households ordering from the weekly list, one group per pickup point."""

    households: Floats
    """``(pickup points,)``."""
    participation: float
    """Chance that a household orders in a given week."""
    basket_kg: Floats
    """``(categories,)`` kg a household that orders buys, at the platform's prices."""

    def __len__(self) -> int:
        return len(self.households)


BUYER_KINDS = ("canteens", "consumers")
"""The kinds of buyer the tables tell apart (``monthly_sales.buyer``, ``deliveries.buyer``)."""


@dataclass(frozen=True)
class Population:
    categories: Categories
    cooperatives: Cooperatives
    products: Products
    canteens: Canteens
    """Every buyer: the canteens, then one row per consumers' pickup point (no diners, not
    bound), so that orders, allocation and the fleet treat both alike."""
    consumers: ConsumerGroups

    @property
    def canteen_count(self) -> int:
        """Rows of `canteens` that are canteens: the others are pickup points."""
        return len(self.canteens) - len(self.consumers)

    @property
    def buyer_kind(self) -> Ints:
        """``(buyers,)`` index into `BUYER_KINDS`."""
        return np.repeat(np.arange(2, dtype=np.intp), [self.canteen_count, len(self.consumers)])


def build_population(
    scenario: Scenario, calendar: Calendar, rng: np.random.Generator
) -> Population:
    """Arrays of every actor; generated populations are drawn from `rng`."""
    cooperative_rows = scenario.cooperatives.rows or generate_cooperatives(
        _given(scenario.cooperatives.generate)
    )
    cooperatives = Cooperatives(
        cooperative_id=np.array([c.cooperative_id for c in cooperative_rows]),
        name=np.array([c.name for c in cooperative_rows]),
        county=np.array([c.county for c in cooperative_rows]),
    )
    category_names = list(scenario.categories)
    product_rows = scenario.products.rows or generate_products(
        _given(scenario.products.generate), cooperatives.cooperative_id, rng
    )
    products = _products(product_rows, category_names, list(cooperatives.cooperative_id))
    days = scenario.cycle.delivery_days
    canteens = (
        _canteens(scenario.canteens.rows, days, calendar)
        if scenario.canteens.rows
        else generate_canteens(_given(scenario.canteens.generate), days, calendar, rng)
    )
    categories = _categories(scenario, products)
    consumers = _consumer_groups(scenario.consumers, categories)
    canteens = _with_pickup_points(canteens, len(consumers), len(scenario.cycle.delivery_days))
    return Population(categories, cooperatives, products, canteens, consumers)


def _consumer_groups(spec: Consumers, categories: Categories) -> ConsumerGroups:
    """Households shared evenly among the pickup points; baskets moved by the price ratio."""
    points = spec.pickup_points if spec.households else 0
    households = np.full(points, spec.households // max(points, 1), dtype=np.float64)
    households[: spec.households - int(households.sum())] += 1
    wanted = np.array([spec.basket_kg.get(str(name), 0.0) for name in categories.name])
    price_ratio = categories.platform_price_yuan_per_kg / categories.reference_price_yuan_per_kg
    return ConsumerGroups(
        households=households,
        participation=spec.participation,
        basket_kg=wanted * price_ratio**spec.price_elasticity,
    )


def _with_pickup_points(canteens: Canteens, points: int, slots: int) -> Canteens:
    """The canteens' arrays with one row per pickup point appended, on delivery days in turn."""
    width = len(str(points))
    return Canteens(
        canteen_id=np.concatenate(
            [canteens.canteen_id, [f"pickup-{i + 1:0{width}d}" for i in range(points)]]
        ),
        name=np.concatenate([canteens.name, [f"Pickup point {i + 1}" for i in range(points)]]),
        kind=np.concatenate([canteens.kind, np.full(points, "consumers")]),
        bound=np.concatenate([canteens.bound, np.zeros(points, dtype=bool)]),
        diners=np.concatenate([canteens.diners, np.zeros(points)]),
        delivery_slot=np.concatenate(
            [canteens.delivery_slot, np.arange(points, dtype=np.intp) % slots]
        ),
        behaviour=np.concatenate(
            [canteens.behaviour, np.full(points, policies.BEHAVIOURS.index("even"), np.intp)]
        ),
        compliance=np.concatenate([canteens.compliance, np.ones(points)]),
        open_weekdays=np.concatenate([canteens.open_weekdays, np.zeros((points, 7), dtype=bool)]),
    )


def _given(value: _T | None) -> _T:
    assert value is not None, "the schema guarantees a population source"
    return value


def _categories(scenario: Scenario, products: Products) -> Categories:
    specs = list(scenario.categories.values())
    count = len(specs)
    per_category = np.bincount(products.category, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        reference = (
            np.bincount(products.category, products.market_price_yuan_per_kg, minlength=count)
            / per_category
        )
        platform = (
            np.bincount(products.category, products.platform_price_yuan_per_kg, minlength=count)
            / per_category
        )
    return Categories(
        name=np.array(list(scenario.categories)),
        consumption_kg_per_diner_day=np.array([c.consumption_kg_per_diner_day for c in specs]),
        perishable=np.array([c.perishable for c in specs]),
        transit_loss_at_shelf_life=np.array([c.transit_loss_at_shelf_life for c in specs]),
        reference_price_yuan_per_kg=np.array(
            [
                mean if c.reference_price_yuan_per_kg is None else c.reference_price_yuan_per_kg
                for c, mean in zip(specs, np.nan_to_num(reference, nan=1.0), strict=True)
            ]
        ),
        platform_price_yuan_per_kg=np.nan_to_num(platform, nan=1.0),
    )


def _products(
    rows: tuple[ProductRow, ...], categories: list[str], cooperative_ids: list[str]
) -> Products:
    cooperative_index = {c: i for i, c in enumerate(cooperative_ids)}
    category_index = {c: i for i, c in enumerate(categories)}
    return Products(
        product_id=np.array([p.product_id for p in rows]),
        name=np.array([p.name for p in rows]),
        cooperative=np.array([cooperative_index[p.cooperative_id] for p in rows], dtype=np.intp),
        category=np.array([category_index[p.category] for p in rows], dtype=np.intp),
        platform_price_yuan_per_kg=np.array([p.platform_price_yuan_per_kg for p in rows]),
        farm_gate_price_yuan_per_kg=np.array([p.farm_gate_price_yuan_per_kg for p in rows]),
        market_price_yuan_per_kg=np.array([p.market_price_yuan_per_kg for p in rows]),
        shelf_life_days=np.array([p.shelf_life_days for p in rows]),
        weekly_capacity_kg=np.array([p.weekly_capacity_kg for p in rows]),
        capacity_cv=np.array([p.capacity_cv for p in rows]),
        season=np.array([p.season for p in rows], dtype=np.float64).reshape(len(rows), 12),
    )


def _canteens(
    rows: tuple[CanteenRow, ...], delivery_days: tuple[str, ...], calendar: Calendar
) -> Canteens:
    behaviours = {name: i for i, name in enumerate(policies.BEHAVIOURS.names)}
    return Canteens(
        canteen_id=np.array([c.canteen_id for c in rows]),
        name=np.array([c.name for c in rows]),
        kind=np.array([c.kind for c in rows]),
        bound=np.array([c.bound for c in rows], dtype=bool),
        diners=np.array([c.diners for c in rows], dtype=np.float64),
        delivery_slot=np.array([delivery_days.index(c.delivery_day) for c in rows], dtype=np.intp),
        behaviour=np.array(
            [behaviours[c.behaviour or policies.default_behaviour(c.bound)] for c in rows],
            dtype=np.intp,
        ),
        compliance=np.array([c.compliance for c in rows]),
        open_weekdays=np.array([calendar.weekday_mask(c.open_weekdays) for c in rows]).reshape(
            len(rows), 7
        ),
    )


# --- generating populations from distributions ---------------------------------------------------


def draw(dist: Distribution, size: int, rng: np.random.Generator) -> Floats:
    """`size` draws from a scenario distribution."""
    if isinstance(dist, Constant):
        return np.full(size, dist.value)
    if isinstance(dist, LogNormal):
        return lognormal_mean_cv(dist.mean, dist.cv, size, rng)
    return rng.uniform(dist.low, dist.high, size)


def lognormal_mean_cv(
    mean: float | Floats, cv: float | Floats, size: int, rng: np.random.Generator
) -> Floats:
    """Log-normal draws parameterised by their mean and coefficient of variation."""
    sigma2 = np.log1p(np.square(cv))
    return np.asarray(mean * rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), size), dtype=np.float64)


def generate_cooperatives(spec: CooperativeGenerate) -> tuple[CooperativeRow, ...]:
    width = len(str(spec.count))
    return tuple(
        CooperativeRow(
            cooperative_id=f"C{i + 1:0{width}d}",
            name=f"Cooperative {i + 1}",
            county=f"County {i % spec.counties + 1}",
        )
        for i in range(spec.count)
    )


def generate_products(
    spec: ProductGenerate, cooperative_ids: Strings, rng: np.random.Generator
) -> tuple[ProductRow, ...]:
    names = list(spec.categories)
    weights = np.array([c.weight for c in spec.categories.values()])
    category = rng.choice(len(names), size=spec.count, p=weights / weights.sum())
    cooperative = np.arange(spec.count) % len(cooperative_ids)  # every cooperative offers some
    rows: list[ProductRow] = []
    width = len(str(spec.count))
    for c, name in enumerate(names):
        which = np.flatnonzero(category == c)
        klass = spec.categories[name]
        market = draw(klass.market_price_yuan_per_kg, len(which), rng)
        platform = market * (1 + klass.platform_markup)
        shelf = draw(klass.shelf_life_days, len(which), rng)
        capacity = draw(klass.weekly_capacity_kg, len(which), rng)
        rows += [
            ProductRow(
                product_id=f"P{i + 1:0{width}d}",
                name=f"{name} {i + 1}",
                cooperative_id=str(cooperative_ids[cooperative[i]]),
                category=name,
                platform_price_yuan_per_kg=float(platform[k]),
                farm_gate_price_yuan_per_kg=float(platform[k] * klass.farm_gate_ratio),
                market_price_yuan_per_kg=float(market[k]),
                shelf_life_days=float(max(shelf[k], 0.5)),
                weekly_capacity_kg=float(max(capacity[k], 0.0)),
                capacity_cv=klass.capacity_cv,
            )
            for k, i in enumerate(which)
        ]
    return tuple(sorted(rows, key=lambda p: p.product_id))


def generate_canteens(
    spec: CanteenGenerate,
    delivery_days: tuple[str, ...],
    calendar: Calendar,
    rng: np.random.Generator,
) -> Canteens:
    """A population drawn from `spec`, as the arrays `_canteens` makes of listed rows.

    Drawn as arrays, not as a row each: every value is valid by construction (kinds,
    behaviours and days from the validated scenario, diners rounded to whole numbers of at least
    0, compliance clipped to a probability), and a province's 8,391 rows would take a tenth of
    a second to validate one by one.
    """
    kinds = list(spec.kinds)
    kind_weights = np.array(list(spec.kinds.values()))
    kind = rng.choice(len(kinds), size=spec.count, p=kind_weights / kind_weights.sum())
    bound = np.isin(np.array(kinds), spec.bound_kinds)[kind]
    by_default = [policies.BEHAVIOURS.index(policies.default_behaviour(b)) for b in (False, True)]
    behaviour = np.array(by_default, dtype=np.intp)[bound.astype(np.intp)]
    if spec.behaviours is not None:
        named = np.array([policies.BEHAVIOURS.index(b) for b in spec.behaviours], dtype=np.intp)
        weights = np.array(list(spec.behaviours.values()))
        behaviour = named[rng.choice(len(named), size=spec.count, p=weights / weights.sum())]
    diners = np.maximum(np.rint(draw(spec.diners, spec.count, rng)), 0)
    compliance = np.clip(draw(spec.compliance, spec.count, rng), 0.0, 1.0)
    slot = rng.integers(len(delivery_days), size=spec.count)
    numbers = range(1, spec.count + 1)
    width = len(str(spec.count))
    return Canteens(
        canteen_id=np.array([f"K{i:0{width}d}" for i in numbers]),
        name=np.array([f"Canteen {i}" for i in numbers]),
        kind=np.array(kinds)[kind],
        bound=bound,
        diners=diners.astype(np.int64).astype(np.float64),  # whole diners, never -0.0
        delivery_slot=slot.astype(np.intp),
        behaviour=behaviour.astype(np.intp),
        compliance=compliance,
        open_weekdays=np.tile(calendar.weekday_mask(None), (spec.count, 1)),
    )


__all__ = ["WEEKDAYS", "Population", "build_population", "draw"]
