"""The ledger: every kilogram and yuan the scheme moves, accumulated as arrays.

Processes write into it as events happen; `tables` turns it into tidy tables at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from canteensim.model.population import Bools, Floats, Ints


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
    """Growable ``(..., months)`` arrays: deliveries may spill past the horizon's last month.

    Each is a view of month-major memory (`month_major_zeros`): a delivery day adds a whole
    ``[:, :, month]`` block, which is then contiguous rather than one cache line per cell. Sums
    over months or canteens go through `sum_over_months` and `sum_over_canteens`, which add
    the numbers in the order numpy added them when the months were the contiguous axis."""

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
            aid_kg=month_major_zeros(shape),
            aid_yuan=month_major_zeros(shape),
            market_yuan=month_major_zeros(shape),
            shipped_kg=month_major_zeros(shape),
            confirmed_kg=month_major_zeros(shape),
            target_kg=month_major_zeros(shape),
            dropped_kg=month_major_zeros(shape),
            skipped_orders=month_major_zeros((canteens, months)),
            moved_kg=month_major_zeros(shape),
            diner_days=month_major_zeros((canteens, months)),
        )

    @property
    def months(self) -> int:
        return int(self.diner_days.shape[-1])

    def reach(self, month: int) -> None:
        """Make room for `month`."""
        if month < self.months:
            return
        for name, array in vars(self).items():
            grown = month_major_zeros((*array.shape[:-1], month + 1))
            grown[..., : array.shape[-1]] = array
            setattr(self, name, grown)


PAIRWISE_FROM = 8
"""numpy sums fewer numbers than this along a contiguous axis one after another, and more in
8 interleaved partial sums (its pairwise summation): a different rounding."""


def month_major_zeros(shape: tuple[int, ...]) -> Floats:
    """Zeros of logical `shape` ``(..., months)`` laid out with the month axis slowest."""
    months_first = np.zeros((shape[-1], *shape[:-1]))
    return np.moveaxis(months_first, 0, -1)


def sum_over_months(by_month: Floats, rows: slice | Bools, months: range) -> Floats:
    """``by_month[rows, ..., months]`` summed over its `months`, bit for bit as numpy sums
    them when the month axis is contiguous: in order below `PAIRWISE_FROM` months (block by
    block, each contiguous here), pairwise on a contiguous copy from there on."""
    if len(months) >= PAIRWISE_FROM:
        span = by_month[rows, ..., months.start : months.stop]
        return np.asarray(np.ascontiguousarray(span).sum(axis=-1), dtype=np.float64)
    first = by_month[rows, ..., months.start]
    summed = np.zeros(first.shape)
    summed += first
    for month in months[1:]:
        summed += by_month[rows, ..., month]
    return summed


def sum_over_canteens(by_month: Floats, rows: slice) -> Floats:
    """``by_month[rows]`` ``(canteens, categories, months)`` summed over its canteens, one
    after another, as numpy sums the outer axis of a C-ordered array.

    In month-major memory the categories are the contiguous axis, so numpy adds canteen by
    canteen too; with a single category the canteens would become the contiguous axis and be
    summed pairwise, hence a C-ordered copy then."""
    if by_month.shape[1] == 1:
        return np.asarray(np.ascontiguousarray(by_month[rows]).sum(axis=0), dtype=np.float64)
    months_first = np.moveaxis(by_month, -1, 0)  # the memory's own order: a plain view
    return np.ascontiguousarray(months_first[:, rows].sum(axis=1).T, dtype=np.float64)


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
