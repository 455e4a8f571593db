"""Why audits fail: the primary cause of every failed audit, decided from what happened.

Aid reaches a canteen through a chain of stages, each of which can only lose some of it:

1. what the canteen meant to order for delivery in the period (its behaviour, in the weeks it
   ordered): short of the requirement when it **did not order** (a skipped week not made up, a
   behaviour that buys too little), or **moved out** when what a holiday moved from one of its
   delivery days into the next period would have made up the difference;
2. what it placed as order lines: short by lines below the minimum it did not place
   (**rounding**);
3. what the platform filled: short when the listing ran out (**supply short**);
4. what arrived in the period: short when loads waited for a truck past the period's end
   (**moved out**);
5. what it received: short by what perished in transit (**transit loss**).

The cause of a failure is the first stage that falls below the requirement as the canteen could
expect it at its last order (the quota × the consumption it expected). When every stage clears
that, the canteen failed because more diners ate than it expected after it ordered
(**attendance**). When the requirement fell instead, the stages are held against the lower one.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from canteensim.model import quota
from canteensim.model.columns import Table, labels
from canteensim.model.ledger import Audit, Ledger
from canteensim.model.population import Population
from canteensim.results import FAILURE_CAUSES
from canteensim.scenario.schema import Scenario


def audit_failures(
    ledger: Ledger, population: Population, scenario: Scenario, canteen_months: Table
) -> Table:
    """One row per failed audit of `canteen_months`: the buyer, the period, the category (or
    the total), the shortfall in kg and yuan, and its primary `cause` (one of
    `FAILURE_CAUSES`)."""
    failed = canteen_months.column("audited") & ~canteen_months.column("compliant")
    rows = canteen_months.select(_KEPT).take(np.flatnonzero(failed))  # keeps every label
    weeks = np.stack([a.skipped_orders for a in ledger.audits]) if ledger.audits else None
    names = len(population.categories.name) + 1
    skipped = (
        np.repeat(weeks, names, axis=1).ravel()[failed].astype(np.int64)
        if weeks is not None
        else np.empty(0, np.int64)
    )
    causes = _causes(ledger, population, scenario, np.flatnonzero(failed))
    return Table(
        {
            **rows.columns,
            "shortfall_kg": rows.column("required_kg") - rows.column("aid_kg"),
            "shortfall_yuan": rows.column("required_yuan") - rows.column("aid_yuan"),
            "skipped_orders": skipped,
            "cause": labels(causes, list(FAILURE_CAUSES)),
        }
    )


_KEPT = [
    "month",
    "canteen_id",
    "kind",
    "category",
    "partial",
    "required_kg",
    "aid_kg",
    "required_yuan",
    "aid_yuan",
]


def _causes(
    ledger: Ledger, population: Population, scenario: Scenario, rows: np.ndarray
) -> NDArray[np.intp]:
    """Index into `FAILURE_CAUSES` for the `rows` of ``canteen_months`` (flat row numbers)."""
    if not len(rows):
        return np.empty(0, np.intp)
    categories = population.categories
    value = scenario.quota.basis == "value"
    audits = ledger.audits
    at = _Rows(audits, rows)
    # one yardstick: kg (quantity quota) or yuan (value quota: what canteens meant and placed
    # is kg at the category's mean price; what they got, kg at the price they paid on average,
    # so that only lost kg separate what was shipped from what was received)
    mean = categories.platform_price_yuan_per_kg if value else None
    paid = at.price_paid(categories.platform_price_yuan_per_kg) if value else None
    worth = categories.reference_price_yuan_per_kg if value else None
    share = scenario.quota.share
    required = share * at.value("consumption_kg", worth)
    expected = share * at.value("expected_consumption_kg", worth)
    # fmin: a period the canteen never ordered for has no expectation (NaN) but its requirement
    bar = np.fmin(required, expected) * (1 - quota.COMPLIANCE_TOLERANCE)
    target = at.value("target_kg", mean)
    cause = np.full(len(rows), FAILURE_CAUSES.index("attendance"), dtype=np.intp)
    chain = [
        (at.value("aid_kg", paid), "transit_loss"),
        (at.value("shipped_kg", paid), "moved_out"),
        (at.value("filled_kg", paid), "supply_short"),
        (at.value("placed_kg", mean), "rounding"),
        (target, "did_not_order"),
    ]
    for amount, name in chain:  # last to first, so the earliest stage below the bar wins
        cause[amount < bar] = FAILURE_CAUSES.index(name)
    # a canteen that meant to order enough, counting what a holiday moved out, lost it to the move
    moved_back = target + at.value("moved_kg", mean) >= bar
    cause[(cause == FAILURE_CAUSES.index("did_not_order")) & moved_back] = FAILURE_CAUSES.index(
        "moved_out"
    )
    return cause


class _Rows:
    """`Audit` figures at some rows of ``canteen_months`` (audit × canteen × category or total).

    A figure at the rows is a `Split`: each row's own category's figure, and every category's
    for the total rows only (what their value sums), so that the ``(rows, categories)`` array
    of every figure is never built.
    """

    def __init__(self, audits: list[Audit], rows: np.ndarray) -> None:
        self.audits = audits
        categories = audits[0].aid_kg.shape[1]
        shape = (len(audits), audits[0].aid_kg.shape[0], categories + 1)
        self.audit, self.canteen, self.category = np.unravel_index(rows, shape)
        self.total = self.category == categories
        self.own = np.minimum(self.category, categories - 1)
        """Each row's category (any, on a total row: its value is the sum)."""
        self.by_audit = _by_audit(self.audit, len(audits))
        self.total_by_audit = _by_audit(self.audit[self.total], len(audits))

    def figures(self, name: str) -> Split:
        """The field at each row's category, and at every category of the total rows."""
        one = np.empty(len(self.audit))
        total = np.empty((int(self.total.sum()), self.audits[0].aid_kg.shape[1]))
        canteen, own, total_canteen = self.canteen, self.own, self.canteen[self.total]
        for a, at in self.by_audit:
            one[at] = getattr(self.audits[a], name)[canteen[at], own[at]]
        for a, at in self.total_by_audit:
            total[at] = getattr(self.audits[a], name)[total_canteen[at]]
        return Split(one, total)

    def value(self, name: str, weights: np.ndarray | Split | None) -> np.ndarray:
        """The field at each row, each category's figure times its weight (one per category, or
        a `Split` of them per row) when given; the sum over categories on a total row."""
        one, total = self.figures(name)
        if isinstance(weights, Split):
            one, total = one * weights.one, total * weights.total
        elif weights is not None:
            one, total = one * weights[self.own], total * weights
        one[self.total] = total.sum(axis=1)
        return one

    def price_paid(self, mean_price: np.ndarray) -> Split:
        """Yuan per kg the canteen paid for each category in the period; the category's mean
        platform price where it received nothing."""
        kg, yuan = self.figures("aid_kg"), self.figures("aid_yuan")
        one = np.divide(yuan.one, kg.one, out=mean_price[self.own], where=kg.one > 0)
        fallback = np.broadcast_to(mean_price, kg.total.shape).copy()
        total = np.divide(yuan.total, kg.total, out=fallback, where=kg.total > 0)
        return Split(one, total)


class Split(NamedTuple):
    """Figures at rows of ``canteen_months``: ``(rows,)`` at each row's own category, and
    ``(total rows, categories)`` at every category of the rows of the total."""

    one: np.ndarray
    total: np.ndarray


def _by_audit(audit: np.ndarray, audits: int) -> list[tuple[int, np.ndarray]]:
    """Each audit with rows among `audit` (each row's audit), and those rows."""
    order = np.argsort(audit, kind="stable")  # rows come sorted: already in order
    bounds = np.searchsorted(audit[order], np.arange(audits + 1))
    return [
        (a, order[bounds[a] : bounds[a + 1]]) for a in range(audits) if bounds[a + 1] > bounds[a]
    ]


__all__ = ["audit_failures"]
