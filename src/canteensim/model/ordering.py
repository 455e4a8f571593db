"""What canteens order: the target kg of each behaviour, and baskets of order lines.

Pure functions of arrays and a `Generator`; the weekly process decides when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from canteensim import policies
from canteensim.model.population import Bools, Floats, Ints
from canteensim.scenario.schema import Ordering


@dataclass(frozen=True)
class Need:
    """What each canteen expects to consume, per category, as it orders."""

    until_next_delivery_kg: Floats
    """``(canteens, categories)``: from this delivery to the next one."""
    month_kg: Floats
    """``(canteens, categories)``: in the calendar month of this delivery."""
    month_confirmed_kg: Floats
    """``(canteens, categories)``: aid already confirmed for delivery in that month."""
    deliveries_left: Floats
    """``(canteens,)``: deliveries left in that month, this one included."""


Behave = Callable[[Need, Floats, Bools, Ordering], Floats]
"""``(need, target_share, perishable, ordering) -> kg``: what every canteen would order this week,
``(canteens, categories)``, if it followed the behaviour; `target_kg` keeps each canteen's own."""

BEHAVIOUR_FUNCTIONS: dict[str, Behave] = {}
"""Name of each behaviour of `canteensim.policies.BEHAVIOURS` → the function that orders by it."""


_behaviour = policies.BEHAVIOURS.registrar(BEHAVIOUR_FUNCTIONS, "BEHAVIOURS")
"""``@_behaviour("name")`` registers an ordering behaviour."""


def target_kg(
    need: Need,
    behaviour: Ints,
    target_share: Floats,
    perishable: Bools,
    ordering: Ordering,
) -> Floats:
    """Kg of aid products each canteen orders this week, per category.

    Every behaviour is evaluated for all canteens at once, stacked in the order of
    `canteensim.policies.BEHAVIOURS`, and each canteen keeps the one its `behaviour` indexes.

    Parameters
    ----------
    behaviour:
        ``(canteens,)`` index into `canteensim.policies.BEHAVIOURS`.
    target_share:
        ``(canteens, categories)``: the share of consumption (in kg) each canteen aims to buy as
        aid: the quota for bound canteens, the voluntary share for the others.
    perishable:
        ``(categories,)``.
    ordering:
        The scenario's ``[ordering]`` settings, for behaviours that have one.

    Returns
    -------
    ``(canteens, categories)`` kg. Perishables are never ordered beyond what the canteen eats
    before its next delivery, whatever its behaviour.
    """
    by_behaviour = np.stack(
        [
            BEHAVIOUR_FUNCTIONS[name](need, target_share, perishable, ordering)
            for name in policies.BEHAVIOURS.names
        ]
    )
    target = np.take_along_axis(by_behaviour, behaviour[None, :, None], axis=0)[0]
    capped = np.where(perishable, np.minimum(target, need.until_next_delivery_kg), target)
    return np.asarray(capped, dtype=np.float64)


@_behaviour("even")
def even(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """Its target share of what it eats until its next delivery."""
    return target_share * need.until_next_delivery_kg


@_behaviour("catch_up")
def catch_up(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """What is still missing for the month, spread over the deliveries left."""
    return _missing_in_month(need, target_share) / need.deliveries_left[:, None]


@_behaviour("front_load")
def front_load(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """Perishables as *even*; of shelf-stable categories, all that is missing for the month, so
    the whole month at its first delivery."""
    return np.where(
        perishable,
        even(need, target_share, perishable, ordering),
        _missing_in_month(need, target_share),
    )


@_behaviour("non_compliant")
def non_compliant(
    need: Need, target_share: Floats, perishable: Bools, ordering: Ordering
) -> Floats:
    """``ordering.non_compliant_factor`` × the *even* order."""
    return ordering.non_compliant_factor * even(need, target_share, perishable, ordering)


def _missing_in_month(need: Need, target_share: Floats) -> Floats:
    """Target share of the month's consumption not yet confirmed for delivery; never negative."""
    return np.maximum(target_share * need.month_kg - need.month_confirmed_kg, 0.0)


@dataclass(frozen=True)
class Lines:
    """Order lines: who asks for how many kg of which product.

    Within each category the lines are in order-time order, which is all that first come first
    served needs, since a product belongs to one category.
    """

    canteen: Ints
    product: Ints
    kg: Floats

    def __len__(self) -> int:
        return len(self.canteen)


def choose_lines(
    canteens_by_time: Ints,
    target: Floats,
    listed: Ints,
    listed_category: Ints,
    listed_kg: Floats,
    lines_per_category: int,
    min_line_kg: float,
    pick: Floats,
) -> Lines:
    """Spread each canteen's target over listed products of the category.

    Each canteen picks `lines_per_category` positions by systematic sampling on the category's
    listed kg, so a product is picked in proportion to what the platform lists of it and a
    canteen's picks are distinct unless one product dominates the list (then its positions
    merge into one line carrying their kg).

    Parameters
    ----------
    canteens_by_time:
        Canteen indices sorted by order time: the order of the returned lines.
    target:
        ``(canteens, categories)`` kg to order.
    listed, listed_category, listed_kg:
        The listing: product indices, their category and kg.
    min_line_kg:
        Lines below this are not placed.
    pick:
        ``(canteens, categories)`` uniform draws in [0, 1), one per canteen and category, drawn
        whether or not the canteen orders (so that streams stay aligned across settings).
    """
    parts: list[tuple[Ints, Ints, Floats]] = []
    for category in range(target.shape[1]):
        in_category = listed_category == category
        ordering = canteens_by_time[target[canteens_by_time, category] > 0]
        if not in_category.any() or not len(ordering):
            continue
        products, kg = listed[in_category], listed_kg[in_category]
        share_end = np.cumsum(kg) / kg.sum()
        positions = (pick[ordering, category, None] + np.arange(lines_per_category)) / (
            lines_per_category
        )
        chosen = np.minimum(np.searchsorted(share_end, positions, side="right"), len(kg) - 1)
        line_kg = np.repeat(
            target[ordering, category, None] / lines_per_category, lines_per_category, axis=1
        )
        for j in range(lines_per_category - 1, 0, -1):  # merge repeated picks into one line
            repeat = chosen[:, j] == chosen[:, j - 1]
            line_kg[repeat, j - 1] += line_kg[repeat, j]
            line_kg[repeat, j] = 0.0
        keep = (line_kg >= min_line_kg) & (line_kg > 0)
        parts.append(
            (
                np.broadcast_to(ordering[:, None], chosen.shape)[keep],
                products[chosen[keep]],
                line_kg[keep],
            )
        )
    if not parts:
        return Lines(np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0))
    canteen, product, kg = (np.concatenate(column) for column in zip(*parts, strict=True))
    return Lines(canteen, product, kg)
