"""The ledger: every kilogram and yuan the scheme moves, accumulated as arrays.

Processes write into it as events happen; `tables` turns it into tidy tables at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from canteensim.model.population import Floats, Ints


@dataclass
class ProductWeeks:
    """``(weeks, products)`` kg, indexed by the week of the listing."""

    offered_kg: Floats
    listed_kg: Floats
    ordered_kg: Floats
    sold_kg: Floats
    shipped_kg: Floats
    lost_kg: Floats
    undelivered_kg: Floats
    """Sold but still waiting for a truck when the drain period after the horizon ended."""

    @classmethod
    def zeros(cls, weeks: int, products: int) -> ProductWeeks:
        return cls(*(np.zeros((weeks, products)) for _ in fields(cls)))


@dataclass
class MonthTotals:
    """Growable ``(..., months)`` arrays: deliveries may spill past the horizon's last month."""

    aid_kg: Floats
    """``(canteens, categories, months)`` kg received, by month of delivery."""
    aid_yuan: Floats
    """``(canteens, categories, months)`` canteen spend at platform price."""
    market_yuan: Floats
    """``(canteens, categories, months)`` what the same kg cost at market price."""
    shipped_kg: Floats
    """``(canteens, categories, months)`` kg loaded on trucks (received + lost)."""
    confirmed_kg: Floats
    """``(canteens, categories, months)`` kg filled at cutoff, by month of scheduled delivery."""
    target_kg: Floats
    """``(canteens, categories, months)`` kg canteens meant to order, by month of scheduled
    delivery: what their behaviour asked for, in the weeks they ordered."""
    dropped_kg: Floats
    """``(canteens, categories, months)`` of `target_kg`, kg not ordered for being below a line."""
    skipped_orders: Floats
    """``(canteens, months)`` weeks the canteen did not order, by month of scheduled delivery."""
    moved_kg: Floats
    """``(canteens, categories, months)`` kg canteens meant to order for a delivery a holiday
    moved into a later audit period (or past the horizon), by the month it was moved from."""
    diner_days: Floats
    """``(canteens, months)`` diners served."""

    @classmethod
    def zeros(cls, canteens: int, categories: int, months: int) -> MonthTotals:
        shape = (canteens, categories, months)
        return cls(
            aid_kg=np.zeros(shape),
            aid_yuan=np.zeros(shape),
            market_yuan=np.zeros(shape),
            shipped_kg=np.zeros(shape),
            confirmed_kg=np.zeros(shape),
            target_kg=np.zeros(shape),
            dropped_kg=np.zeros(shape),
            skipped_orders=np.zeros((canteens, months)),
            moved_kg=np.zeros(shape),
            diner_days=np.zeros((canteens, months)),
        )

    @property
    def months(self) -> int:
        return int(self.diner_days.shape[-1])

    def reach(self, month: int) -> None:
        """Make room for `month`."""
        if month < self.months:
            return
        grow = month + 1 - self.months
        for name, array in vars(self).items():
            pad = [(0, 0)] * (array.ndim - 1) + [(0, grow)]
            setattr(self, name, np.pad(array, pad))


@dataclass
class Deliveries:
    """One entry per shipment: part or all of one canteen's weekly order, on one day."""

    week: list[Ints] = field(default_factory=list)
    canteen: list[Ints] = field(default_factory=list)
    scheduled_day: list[Ints] = field(default_factory=list)
    delivered_day: list[Ints] = field(default_factory=list)
    kg: list[Floats] = field(default_factory=list)
    lost_kg: list[Floats] = field(default_factory=list)

    def add(self, **columns: Ints | Floats) -> None:
        for name, values in columns.items():
            getattr(self, name).append(values)

    def column(self, name: str) -> Floats:
        parts: list[Floats | Ints] = getattr(self, name)
        return np.concatenate(parts).astype(np.float64) if parts else np.empty(0)


@dataclass
class Audit:
    """One audit period's figures for every canteen and category (``(canteens, categories)``
    unless said otherwise): what the quota compares, and the stages the aid went through, from
    what canteens meant to order to what they received, that explain a failure."""

    period: int
    """Index of the audit period (`canteensim.model.quota.audit_periods`)."""
    consumption_kg: Floats
    consumption_yuan: Floats
    """Consumption at the category's reference price: the base of a quota by value."""
    aid_kg: Floats
    """Received in the period."""
    aid_yuan: Floats
    expected_consumption_kg: Floats
    """Consumption as canteens expected it at their last order for the period."""
    target_kg: Floats
    """Meant to order for delivery in the period (`MonthTotals.target_kg`)."""
    dropped_kg: Floats
    filled_kg: Floats
    """Filled at cutoff for delivery in the period (`MonthTotals.confirmed_kg`)."""
    shipped_kg: Floats
    """Loaded on trucks that arrived in the period."""
    skipped_orders: Floats
    """``(canteens,)`` weeks not ordered for delivery in the period."""
    moved_kg: Floats
    """Meant to order for delivery days of the period that a holiday moved into a later one."""

    @property
    def placed_kg(self) -> Floats:
        """Placed as order lines: the target less what was too small for a line."""
        return self.target_kg - self.dropped_kg


@dataclass
class Ledger:
    product_weeks: ProductWeeks
    months: MonthTotals
    deliveries: Deliveries = field(default_factory=Deliveries)
    audits: list[Audit] = field(default_factory=list)
    order_lines: int = 0
    ordered_kg: float = 0.0
    filled_kg: float = 0.0
    substitute_lines: int = 0
    expected_period_kg: Floats = field(default_factory=lambda: np.empty((0, 0, 0)))
    """``(canteens, categories, audit periods)``: each period's consumption as canteens expected
    it at their latest order for it; NaN for a period a canteen never ordered for."""
