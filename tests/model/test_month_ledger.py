"""The month ledger's month-major layout sums as a C-ordered ``(..., months)`` array did."""

from __future__ import annotations

import numpy as np
import pytest

from canteensim.model.ledger import (
    MonthTotals,
    month_major_zeros,
    sum_over_canteens,
    sum_over_months,
)


def _filled(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Month-major values of `shape` whose sums round differently in another order."""
    rng = np.random.default_rng(seed)
    values = month_major_zeros(shape)
    values[...] = rng.lognormal(0.0, 3.0, shape) * (rng.random(shape) < 0.7)
    return values


def test_month_blocks_are_contiguous() -> None:
    totals = MonthTotals.zeros(5, 3, 4)
    assert totals.aid_kg[:, :, 2].flags.c_contiguous
    assert totals.diner_days[:, 2].flags.c_contiguous


def test_reach_keeps_the_layout_and_the_values() -> None:
    totals = MonthTotals.zeros(5, 3, 2)
    totals.aid_kg[1, 2, 1] = 7.0
    totals.reach(4)
    assert totals.aid_kg.shape == (5, 3, 5)
    assert totals.aid_kg[1, 2, 1] == 7.0
    assert totals.aid_kg.sum() == 7.0
    assert totals.aid_kg[:, :, 4].flags.c_contiguous


@pytest.mark.parametrize("months", range(1, 14))
def test_sum_over_months_is_numpys_contiguous_sum(months: int) -> None:
    by_month = _filled((300, 4, months + 2), seed=months)
    span = range(1, months + 1)
    rows = np.arange(300) % 3 == 0
    for chosen in (slice(None), slice(0, 120), rows):
        before = np.ascontiguousarray(by_month)[chosen, ..., span.start : span.stop].sum(axis=-1)
        assert np.array_equal(sum_over_months(by_month, chosen, span), before)


@pytest.mark.parametrize("categories", [1, 2, 7])
def test_sum_over_canteens_is_numpys_c_ordered_sum(categories: int) -> None:
    by_month = _filled((500, categories, 13), seed=categories)
    rows = slice(0, 450)
    before = np.ascontiguousarray(by_month)[rows].sum(axis=0)
    assert np.array_equal(sum_over_canteens(by_month, rows), before)
