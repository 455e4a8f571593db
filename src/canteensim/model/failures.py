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

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from canteensim.model import quota
from canteensim.model.ledger import Audit, Ledger
from canteensim.model.population import Population
from canteensim.results import FAILURE_CAUSES
from canteensim.scenario.schema import Scenario


def audit_failures(
    ledger: Ledger, population: Population, scenario: Scenario, canteen_months: pd.DataFrame
) -> pd.DataFrame:
    """One row per failed audit: the buyer, the period, the category (or the total), the
    shortfall in kg and yuan, and its primary `cause` (one of `FAILURE_CAUSES`)."""
    failed = (canteen_months["audited"] & ~canteen_months["compliant"]).to_numpy()
    rows = canteen_months.loc[failed, _KEPT].reset_index(drop=True)
    rows["shortfall_kg"] = rows["required_kg"] - rows["aid_kg"]
    rows["shortfall_yuan"] = rows["required_yuan"] - rows["aid_yuan"]
    weeks = np.stack([a.skipped_orders for a in ledger.audits]) if ledger.audits else None
    names = len(population.categories.name) + 1
    rows["skipped_orders"] = (
        np.repeat(weeks, names, axis=1).ravel()[failed].astype(np.int64)
        if weeks is not None
        else np.empty(0, np.int64)
    )
    rows["cause"] = pd.Categorical.from_codes(
        _causes(ledger, population, scenario, np.flatnonzero(failed)),
        categories=pd.Index(FAILURE_CAUSES),
    )
    return rows


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
    """`Audit` figures at some rows of ``canteen_months`` (audit × canteen × category or total)."""

    def __init__(self, audits: list[Audit], rows: np.ndarray) -> None:
        self.audits = audits
        categories = audits[0].aid_kg.shape[1]
        shape = (len(audits), audits[0].aid_kg.shape[0], categories + 1)
        self.audit, self.canteen, self.category = np.unravel_index(rows, shape)
        self.total = self.category == categories

    def figures(self, name: str) -> np.ndarray:
        """``(rows, categories)``: the field for every category of each row's canteen and audit."""
        values = np.stack([getattr(a, name) for a in self.audits])
        return np.asarray(values[self.audit, self.canteen], dtype=np.float64)

    def value(self, name: str, weights: np.ndarray | None) -> np.ndarray:
        """The field at each row, each category's figure times its weight (one per category or
        ``(rows, categories)``) when given; the sum over categories on a total row."""
        figures = self.figures(name)
        if weights is not None:
            figures = figures * weights
        own = np.minimum(self.category, figures.shape[1] - 1)
        one = np.take_along_axis(figures, own[:, None], axis=1)[:, 0]
        return np.where(self.total, figures.sum(axis=1), one)

    def price_paid(self, mean_price: np.ndarray) -> np.ndarray:
        """``(rows, categories)`` yuan per kg the canteen paid for each category in the period;
        the category's mean platform price where it received nothing."""
        kg, yuan = self.figures("aid_kg"), self.figures("aid_yuan")
        fallback = np.broadcast_to(mean_price, kg.shape).copy()
        return np.asarray(np.divide(yuan, kg, out=fallback, where=kg > 0))


__all__ = ["audit_failures"]
