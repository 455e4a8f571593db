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
    """One month-end audit: the month and its per-canteen figures."""

    month: int
    consumption_kg: Floats
    """``(canteens, categories)``."""
    aid_kg: Floats
    aid_yuan: Floats
    consumption_yuan: Floats


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
