"""The engine's hot paths give, bit for bit, what their plain versions give.

`first_come_first_served` sorts lines by product with a radix sort and finds each product's
run from counts; `choose_lines` picks every category's lines at once. Both must give exactly
the numbers of the straightforward versions below (one sort, one loop per category), which
the model's results were produced with.
"""

from __future__ import annotations

import numpy as np
import pytest

from canteensim.model.allocation import TOLERANCE_KG, first_come_first_served
from canteensim.model.ordering import Lines, choose_lines
from canteensim.scenario.schema import Ordering


def plain_fcfs(product: np.ndarray, kg: np.ndarray, available_kg: np.ndarray) -> np.ndarray:
    order = np.argsort(product, kind="stable")
    p, q = product[order], kg[order]
    before = np.cumsum(q) - q
    first = np.ones(len(p), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(p)), 0))
    filled = np.empty_like(kg)
    filled[order] = np.clip(available_kg[p] - (before - before[group_start]), 0.0, q)
    return filled


def plain_choose_lines(
    canteens_by_time, target, listed, listed_category, listed_kg, ordering, pick, by_value=None
) -> tuple[Lines, np.ndarray]:
    min_kg, most = ordering.min_line_kg, ordering.lines_per_category
    dropped = np.zeros_like(target)
    parts = []
    for category in range(target.shape[1]):
        in_category = listed_category == category
        wanted = target[canteens_by_time, category]
        if not ordering.round_up_small_lines:
            small = wanted < min_kg
            dropped[canteens_by_time[small], category] = wanted[small]
            wanted = np.where(small, 0.0, wanted)
        buyers = canteens_by_time[wanted > TOLERANCE_KG]
        if not in_category.any() or not len(buyers):
            continue
        kg_wanted = np.maximum(target[buyers, category], min_kg)
        lines = (
            np.clip(np.floor(kg_wanted / min_kg), 1, most)
            if min_kg > 0
            else np.full(len(kg_wanted), float(most))
        )
        category_kg = listed_kg[in_category]
        share_end = np.cumsum(category_kg) / category_kg.sum()
        slot = np.arange(most)
        positions = (pick[buyers, category][:, None] + slot) / lines[:, None]
        chosen = np.minimum(
            np.searchsorted(share_end, positions, side="right"), len(category_kg) - 1
        )
        line_kg = np.where(slot < lines[:, None], (kg_wanted / lines)[:, None], 0.0)
        for j in range(most - 1, 0, -1):
            repeat = chosen[:, j] == chosen[:, j - 1]
            line_kg[repeat, j - 1] += line_kg[repeat, j]
            line_kg[repeat, j] = 0.0
        if by_value is not None:
            valued, kg_per_kg = by_value
            line_kg *= np.where(valued[buyers, None], kg_per_kg[in_category][chosen], 1.0)
        keep = line_kg > 0
        parts.append(
            (
                np.broadcast_to(buyers[:, None], chosen.shape)[keep],
                listed[in_category][chosen[keep]],
                line_kg[keep],
            )
        )
    if not parts:
        return Lines(np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)), dropped
    canteen, product, kg = (np.concatenate(c) for c in zip(*parts, strict=True))
    return Lines(canteen, product, kg), dropped


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("products", [1, 3, 53, 256, 257, 571, 70_000])
@pytest.mark.parametrize("seed", range(3))
def test_fcfs_gives_the_plain_sort_bit_for_bit(products: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    lines = 5_000
    product = rng.integers(0, products, lines)
    kg = rng.lognormal(1.0, 1.5, lines)
    available = rng.lognormal(3.0, 2.0, products) * rng.integers(0, 2, products)
    assert same_bits(
        first_come_first_served(product, kg, available), plain_fcfs(product, kg, available)
    )


def test_fcfs_of_no_lines() -> None:
    assert first_come_first_served(np.empty(0, np.intp), np.empty(0), np.ones(3)).shape == (0,)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    "settings",
    [
        {"lines_per_category": 3},
        {"lines_per_category": 1},
        {"lines_per_category": 5, "min_line_kg": 2.0},
        {"lines_per_category": 4, "min_line_kg": 3.0, "round_up_small_lines": False},
        {"lines_per_category": 3, "min_line_kg": 0.0},
    ],
)
@pytest.mark.parametrize("valued", [False, True])
def test_choose_lines_gives_the_loop_over_categories_bit_for_bit(
    seed: int, settings: dict, valued: bool
) -> None:
    rng = np.random.default_rng(seed)
    canteens, categories, products = 400, 6, 90
    product_category = rng.integers(0, categories - 1, products)  # the last one: none listed
    listed = np.sort(rng.choice(products, 70, replace=False))
    listed_kg = rng.lognormal(5.0, 1.5, len(listed))
    listed_kg[:3] *= 1e3  # a few dominant products: repeated picks merge
    target = rng.lognormal(1.0, 1.5, (canteens, categories)) * rng.integers(0, 2, (canteens, 1))
    target[rng.random((canteens, categories)) < 0.1] = 0.0
    pick = rng.random((canteens, categories))
    by_time = rng.permutation(canteens)
    by_value = (
        (rng.random(canteens) < 0.7, rng.lognormal(0.0, 0.3, len(listed))) if valued else None
    )
    arguments = (
        by_time,
        target,
        listed,
        product_category[listed],
        listed_kg,
        Ordering(**settings),
        pick,
        by_value,
    )
    (lines, dropped), (plain, plain_dropped) = (
        choose_lines(*arguments),
        plain_choose_lines(*arguments),
    )
    assert len(lines) > 0
    for name in ("canteen", "product", "kg"):
        assert same_bits(getattr(lines, name), getattr(plain, name)), name
    assert same_bits(dropped, plain_dropped)


@pytest.mark.parametrize("seed", range(20))
def test_bucketed_search_is_searchsorted(seed: int) -> None:
    from canteensim.model.ordering import _BUCKETS, _search_right

    rng = np.random.default_rng(seed)
    kg = rng.lognormal(0.0, 3.0, int(rng.integers(1, 150)))
    ends = np.cumsum(kg) / kg.sum()
    edges = np.arange(3 * _BUCKETS + 1) / _BUCKETS
    positions = np.concatenate(
        [
            ends,
            np.nextafter(ends, 0),
            np.nextafter(ends, 9),
            edges,
            np.nextafter(edges, 0),
            rng.random(2_000) * 3,
            [-1.0, 3.5, 100.0],  # out of range: searched as usual
        ]
    ).reshape(-1, 1)
    assert same_bits(
        _search_right(ends, positions, 3), np.searchsorted(ends, positions, side="right")
    )
