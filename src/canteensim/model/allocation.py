"""Allocating listed stock to order lines: first come first served, pro rata, substitution.

Pure functions of arrays. Order lines arrive already sorted by order time, so "first come"
is array order; a stable sort by product keeps that order within each product.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from canteensim.model.population import Floats, Ints
from canteensim.policies import ALLOCATION_RULES

TOLERANCE_KG = 1e-9
"""Quantities below this are rounding residue, not stock or demand."""

Allocate = Callable[[Ints, Floats, Floats], Floats]
"""``(product, kg, available_kg) -> filled kg``: one entry per order line, in order-time order;
`available_kg` is the stock of each product."""

ALLOCATION_FUNCTIONS: dict[str, Allocate] = {}
"""Name of each rule of `canteensim.policies.ALLOCATION_RULES` → the function that applies it."""


def _by_product(product: Ints, products: int) -> Ints:
    """The stable order of lines by product: order time within each product.

    Product indices below 2**8 or 2**16 are sorted as ``uint8`` or ``uint16``, which numpy
    sorts stably by radix (linear time); the permutation is the same as sorting the indices as
    they are.
    """
    for small in (np.uint8, np.uint16):
        if products <= np.iinfo(small).max + 1:
            return np.argsort(product.astype(small), kind="stable")
    return np.argsort(product, kind="stable")


_rule = ALLOCATION_RULES.registrar(ALLOCATION_FUNCTIONS, "ALLOCATION_RULES")
"""``@_rule("name")`` registers an allocation rule."""


@_rule("fcfs")
def first_come_first_served(product: Ints, kg: Floats, available_kg: Floats) -> Floats:
    """Fill lines in array order until each product's stock runs out.

    Parameters
    ----------
    product, kg:
        One entry per order line, in order-time order: the product asked for and its kg.
    available_kg:
        Stock of each product.

    Returns
    -------
    The kg filled for each line.
    """
    if not len(product):
        return np.empty_like(kg)
    order = _by_product(product, len(available_kg))
    q = kg[order]
    before = np.cumsum(q)
    before -= q  # kg asked by all earlier lines, any product
    # in product order, each product's lines are one run: its first line and how many
    counts = np.bincount(product, minlength=len(available_kg))
    used = np.flatnonzero(counts)
    runs = counts[used]
    first = np.cumsum(counts)[used] - runs
    before -= np.repeat(before[first], runs)  # kg asked by earlier lines of the same product
    np.subtract(np.repeat(available_kg[used], runs), before, out=before)
    filled = np.empty_like(kg)
    filled[order] = np.clip(before, 0.0, q, out=before)
    return filled


@_rule("pro_rata")
def pro_rata(product: Ints, kg: Floats, available_kg: Floats) -> Floats:
    """Fill every line of a short product by the same share: stock ÷ demand."""
    demand = np.bincount(product, kg, minlength=len(available_kg))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > available_kg, available_kg / demand, 1.0)
    return kg * share[product]


def substitute(
    line_order: Ints,
    unfilled_kg: Floats,
    remaining_kg: Floats,
) -> tuple[Ints, Ints, Floats]:
    """Fill unfilled lines of one category from the stock left on its other products.

    Lines are served first come first served (in `line_order` order) from the category's left
    stock, taken product by product. A line may be split over several products.

    Parameters
    ----------
    line_order:
        Indices of the category's lines with unfilled kg, in order-time order.
    unfilled_kg:
        Unfilled kg of every line (indexed by `line_order`).
    remaining_kg:
        Stock left on each of the category's products.

    Returns
    -------
    line, product, kg:
        One entry per substitute line: the line it substitutes for (an index into `unfilled_kg`),
        the index into `remaining_kg` it takes from, and the kg.
    """
    demand_end = np.cumsum(unfilled_kg[line_order])
    supply_end = np.cumsum(remaining_kg)
    if not len(demand_end) or not len(supply_end):
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)
    total = min(demand_end[-1], supply_end[-1])
    # Lay demand and supply on one kg axis; between two consecutive breakpoints one line draws
    # from one product.
    points = np.union1d(demand_end, supply_end)
    points = np.concatenate(([0.0], points[points < total], [total]))
    length = np.diff(points)
    keep = length > TOLERANCE_KG
    middle = (points[:-1] + points[1:])[keep] / 2
    line = line_order[np.searchsorted(demand_end, middle, side="right")]
    product = np.searchsorted(supply_end, middle, side="right")
    return line, product, length[keep]
