"""`compare --precision`: adding replications until every interval is narrow enough.

Hoad, Robinson and Davies' replications method: start with the replications asked for, add
batches of half as many (at least two), and stop once the target is met and stays met for one
more batch, or at the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from canteensim.experiment.statistics import relative_half_widths

if TYPE_CHECKING:
    import pandas as pd

SETTLED = 2
"""Checks in a row that must meet the target: the one that meets it and one batch more."""


def until_precise(
    run_up_to: Callable[[int], None],
    precise: Callable[[int], bool],
    replications: int,
    max_replications: int,
) -> int:
    """Run replications in batches until `precise` holds twice in a row; returns how many.

    Parameters
    ----------
    run_up_to:
        Runs replications 0 … n-1 of every setting (those not run yet).
    precise:
        Whether the first n replications of every setting meet the target.
    replications:
        The first batch, and twice the size of the batches after it (at least two).
    max_replications:
        The cap: no more replications than this, however wide the intervals still are.
    """
    planned = replications
    run_up_to(planned)
    batch = max(2, replications // 2)
    settled = 0
    while planned < max_replications and settled < SETTLED:
        settled = settled + 1 if precise(planned) else 0
        if settled < SETTLED:
            planned = min(max_replications, planned + batch)
            run_up_to(planned)
    return planned


def precise_enough(table: pd.DataFrame, precision: float) -> bool:
    """Whether every interval of a comparison table is at most `precision` of its mean wide.

    Width is the half-width over the absolute mean. KPIs whose mean is 0 or whose interval is
    undefined are left out; a table with nothing left is not precise.
    """
    widths = relative_half_widths(table).dropna()
    return bool(len(widths)) and bool((widths <= precision).all())
