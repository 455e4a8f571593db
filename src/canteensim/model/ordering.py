"""What canteens order: the target kg of each behaviour, and baskets of order lines.

Pure functions of arrays and a `Generator`; the weekly process decides when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from canteensim import policies
from canteensim.model.allocation import TOLERANCE_KG
from canteensim.model.population import Bools, Floats, Ints
from canteensim.scenario.schema import Ordering


@dataclass(frozen=True)
class Need:
    """What each canteen knows as it orders: its consumption ahead, at the attendance announced
    for the days it will eat the food, and what it has bought for the quota so far.

    Every array is ``(canteens, categories)`` unless it says otherwise. The *period* is the audit
    period (``quota.period``) of the delivery being ordered; the *month* its calendar month.
    """

    until_next_delivery_kg: Floats
    """Expected consumption from this delivery to the next one."""
    period_kg: Floats
    """Expected consumption over the whole period."""
    period_confirmed_kg: Floats
    """Aid already confirmed (filled at a cutoff) for delivery in the period."""
    period_to_date_kg: Floats
    """Consumption of the period so far plus the expected rest: the base of the audit, as known."""
    period_aid_kg: Floats
    """Aid received in the period so far plus loads still on their way, on the quota's basis
    (kg at the category's mean platform price for a quota by value)."""
    deliveries_left: Floats
    """``(canteens,)``: the canteen's delivery dates left in the period within the horizon, this
    one included (holidays move some into the next period; the horizon may end first)."""
    month_kg: Floats
    """Expected consumption over the calendar month."""
    month_confirmed_kg: Floats
    """Aid already confirmed for delivery in the calendar month."""
    total_weights: Floats | None
    """``(categories,)`` when the quota is audited on the total of all categories: what one kg
    of each counts in that total (1, or its mean platform price for a quota by value)."""
    on_offer: Bools | None = None
    """``(categories,)``: the platform has products of the category; None when all have."""


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

    Every behaviour some canteen follows is evaluated for all canteens at once, and each canteen
    keeps the one its `behaviour` indexes in `canteensim.policies.BEHAVIOURS`.

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
    target = np.zeros_like(need.until_next_delivery_kg)
    for index, name in enumerate(policies.BEHAVIOURS.names):
        follows = behaviour == index
        if follows.any():  # a behaviour no canteen follows costs nothing
            ordered = BEHAVIOUR_FUNCTIONS[name](need, target_share, perishable, ordering)
            np.copyto(target, ordered, where=follows[:, None])
    capped = np.where(perishable, np.minimum(target, need.until_next_delivery_kg), target)
    return np.asarray(capped, dtype=np.float64)


@_behaviour("tracking")
def tracking(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """What is still missing for the period to date, spread over the deliveries left in it.

    The canteen follows its aid against its consumption so far, so a skipped week, a loss in
    transit or more diners than expected are made up, and its last delivery of the period tops
    up to the target (the quota plus the margin). Under a quota on the total, the missing total
    is bought in the categories on offer still short, in proportion to their shortfall.
    """
    target = target_share * need.period_to_date_kg
    gap = target - need.period_aid_kg
    missing = np.maximum(gap, 0.0)
    if need.total_weights is not None:
        missing = _spread_total(gap, target, need)
    return missing / need.deliveries_left[:, None]


def _spread_total(gap: Floats, target: Floats, need: Need) -> Floats:
    """What is missing on the total, bought in the categories on offer that are short, in
    proportion to their shortfall (or, when none is short, to their target)."""
    weights = need.total_weights
    assert weights is not None
    missing_total = np.maximum(gap @ weights, 0.0)
    on_offer = np.ones(len(weights), dtype=bool) if need.on_offer is None else need.on_offer
    short = np.maximum(gap, 0.0) * on_offer
    mix = np.where((short @ weights > 0)[:, None], short, target * on_offer)
    mix_total = mix @ weights
    scale = np.divide(missing_total, mix_total, out=np.zeros_like(mix_total), where=mix_total > 0)
    return np.asarray(mix * scale[:, None], dtype=np.float64)


@_behaviour("even")
def even(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """Its target share of what it eats until its next delivery."""
    return target_share * need.until_next_delivery_kg


@_behaviour("catch_up")
def catch_up(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """What is still missing for the period, as planned from orders confirmed (not goods
    received), spread over the deliveries left in it."""
    missing = np.maximum(target_share * need.period_kg - need.period_confirmed_kg, 0.0)
    return missing / need.deliveries_left[:, None]


@_behaviour("front_load")
def front_load(need: Need, target_share: Floats, perishable: Bools, ordering: Ordering) -> Floats:
    """Perishables as *even*; of shelf-stable categories, all that is missing for the calendar
    month, so the whole month at its first delivery."""
    missing = np.maximum(target_share * need.month_kg - need.month_confirmed_kg, 0.0)
    return np.where(perishable, even(need, target_share, perishable, ordering), missing)


@_behaviour("non_compliant")
def non_compliant(
    need: Need, target_share: Floats, perishable: Bools, ordering: Ordering
) -> Floats:
    """``ordering.non_compliant_factor`` × the *even* order."""
    return ordering.non_compliant_factor * even(need, target_share, perishable, ordering)


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
    ordering: Ordering,
    pick: Floats,
    by_value: tuple[Bools, Floats] | None = None,
) -> tuple[Lines, Floats]:
    """Spread each canteen's target over listed products of the category.

    Each canteen picks up to ``ordering.lines_per_category`` positions by systematic sampling on
    the category's listed kg, so a product is picked in proportion to what the platform lists of
    it and a canteen's picks are distinct unless one product dominates the list (then its
    positions merge into one line carrying their kg). A target too small for that many lines of
    ``ordering.min_line_kg`` goes into fewer; one below a single line is rounded up to it (or,
    with ``ordering.round_up_small_lines`` off, not ordered).

    Parameters
    ----------
    canteens_by_time:
        Canteen indices sorted by order time: the order of the returned lines.
    target:
        ``(canteens, categories)`` kg to order.
    listed, listed_category, listed_kg:
        The listing: product indices, their category and kg.
    pick:
        ``(canteens, categories)`` uniform draws in [0, 1), one per canteen and category, drawn
        whether or not the canteen orders (so that streams stay aligned across settings).
    by_value:
        Under a quota by value, ``(buyers who order by value, kg per kg at the mean price)``:
        which buyers' targets are kg at the category's mean platform price, and for each listed
        product the kg of it worth one such kg. Their lines carry the kg that make each line
        worth its share of the target, whatever the price of the product picked.

    Returns
    -------
    The lines, and the ``(canteens, categories)`` kg of targets not ordered because they were
    below one line.
    """
    categories = target.shape[1]
    dropped = np.zeros_like(target)
    on_offer = np.bincount(listed_category, minlength=categories)[:categories] > 0
    listing = _Listing(listed, listed_category, listed_kg, _by_value_of_products(listed, by_value))
    parts = []
    for c in range(categories):  # a category at a time: no (canteens, categories) temporaries
        wanted = target[canteens_by_time, c]
        if not ordering.round_up_small_lines:
            small = wanted < ordering.min_line_kg
            dropped[canteens_by_time[small], c] = wanted[small]
            wanted[small] = 0.0
        at = np.flatnonzero(wanted > TOLERANCE_KG)
        if on_offer[c] and len(at):
            buyer, kg_wanted = canteens_by_time[at], np.maximum(wanted[at], ordering.min_line_kg)
            parts.append(_category_lines(c, buyer, kg_wanted, pick[buyer, c], listing, ordering))
    if not parts:
        return Lines(np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)), dropped
    canteen, product, kg = (np.concatenate(part) for part in zip(*parts, strict=True))
    return Lines(canteen, product, kg), dropped


@dataclass(frozen=True)
class _Listing:
    """The listing as `choose_lines` reads it, with what it needs of `by_value`."""

    product: Ints
    category: Ints
    kg: Floats
    by_value: tuple[Bools, Floats] | None
    """As `choose_lines`' argument, with the kg per kg indexed by product instead of by listing."""


def _by_value_of_products(
    listed: Ints, by_value: tuple[Bools, Floats] | None
) -> tuple[Bools, Floats] | None:
    """`by_value` with its kg per kg indexed by product, so a picked product reads its own."""
    if by_value is None:
        return None
    valued, kg_per_kg = by_value
    of_product = np.empty(int(listed.max(initial=-1)) + 1)  # none when nothing is listed
    of_product[listed] = kg_per_kg
    return valued, of_product


def _category_lines(
    category: int,
    buyer: Ints,
    kg_wanted: Floats,
    pick: Floats,
    listing: _Listing,
    ordering: Ordering,
) -> tuple[Ints, Ints, Floats]:
    """``(canteen, product, kg)`` of the lines of one `category`'s buyers (in order time), each
    wanting `kg_wanted`, at least one line's, with its `pick` draw."""
    min_kg, most = ordering.min_line_kg, ordering.lines_per_category
    # as many lines as reach the minimum each, at least one
    lines = (
        np.clip(np.floor(kg_wanted / min_kg), 1, most)
        if min_kg > 0
        else np.full(len(buyer), float(most))
    )
    positions = pick[:, None] + np.arange(most)
    positions /= lines[:, None]
    chosen = _chosen(category, positions, listing.product, listing.category, listing.kg)
    line_kg = np.where(np.arange(most) < lines[:, None], (kg_wanted / lines)[:, None], 0.0)
    for j in range(most - 1, 0, -1):  # merge repeated picks into one line
        repeat = chosen[:, j] == chosen[:, j - 1]
        np.add(line_kg[:, j - 1], line_kg[:, j], out=line_kg[:, j - 1], where=repeat)
        line_kg[:, j][repeat] = 0.0
    if listing.by_value is not None:  # kg of the product picked worth the line's share
        valued, of_product = listing.by_value
        line_kg *= np.where(valued[buyer, None], of_product[chosen], 1.0)
    keep = (line_kg > 0).ravel()
    # a constant repeat and a mask: much faster than repeating by each buyer's count of lines
    return np.repeat(buyer, most)[keep], chosen.ravel()[keep], line_kg.ravel()[keep]


def _chosen(
    category: int, positions: Floats, listed: Ints, listed_category: Ints, listed_kg: Floats
) -> Ints:
    """``(buyers, lines_per_category)`` the products each buyer of `category` picks at its
    `positions` in ``[0, 1)`` of the category's listed kg, by systematic sampling."""
    in_category = np.flatnonzero(listed_category == category)
    kg = listed_kg[in_category]
    share_end = np.cumsum(kg) / kg.sum()
    # past the last product's end (rounding): the last product
    product = listed[np.append(in_category, in_category[-1])]
    at = _search_right(share_end, positions, positions.shape[1])
    return np.take(product, at)


_BUCKETS = 1024
"""Buckets per unit of position in `_search_right`'s table: a power of two, so that a position
times it is exact."""


def _search_right(ends: Floats, positions: Floats, bound: int) -> Ints:
    """``np.searchsorted(ends, positions, side="right")`` for positions mostly in ``[0, bound)``,
    the same numbers, faster for many positions.

    A table gives the answer for every bucket of width ``1 / _BUCKETS`` that holds none of
    `ends`: ``floor(position × _BUCKETS)`` is exact, so a position lies in its bucket for sure.
    Positions in the other buckets (those holding an end, the first and the last, which take
    anything out of range) are searched as usual.
    """
    size = _BUCKETS * bound
    below = np.searchsorted(ends, np.arange(size + 1) / _BUCKETS, side="right")
    unsure = below[1:] != below[:-1]  # an end in (b, b + 1] / _BUCKETS
    unsure[0] = unsure[-1] = True
    bucket = (positions * _BUCKETS).astype(np.intp)
    np.clip(bucket, 0, size - 1, out=bucket)
    at = below[bucket]
    search = np.flatnonzero(unsure[bucket])
    if len(search):
        at.ravel()[search] = np.searchsorted(ends, positions.ravel()[search], side="right")
    return at
