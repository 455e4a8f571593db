"""Properties of the pure allocation and logistics functions on random arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from canteensim.model.allocation import first_come_first_served, pro_rata, substitute
from canteensim.model.logistics import load_fleet, transit_loss_share

TOL = 1e-9
amounts = st.just(0.0) | st.floats(0.001, 1000.0)
"""Zero or at least a gram: the functions work on running totals of kg, whose rounding is far
above 1e-300 kg."""


@st.composite
def order_book(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    products = draw(st.integers(1, 4))
    lines = draw(st.integers(0, 12))
    product = np.array(draw(st.lists(st.integers(0, products - 1), min_size=lines, max_size=lines)))
    kg = np.array(draw(st.lists(amounts, min_size=lines, max_size=lines)), dtype=np.float64)
    available = np.array(
        draw(st.lists(amounts, min_size=products, max_size=products)), dtype=np.float64
    )
    return product.astype(np.intp), kg, available


def check_bounds(product: np.ndarray, kg: np.ndarray, available: np.ndarray, filled: np.ndarray):
    assert filled.shape == kg.shape
    assert (filled >= 0).all()
    assert (filled <= kg + TOL).all()
    per_product = np.bincount(product, filled, minlength=len(available))
    asked = np.bincount(product, kg, minlength=len(available))
    np.testing.assert_array_less(per_product, available + 1e-9 * (1 + available))
    # a product runs out or fills every line
    short = asked > available + TOL
    np.testing.assert_allclose(per_product[short], available[short], rtol=1e-9, atol=TOL)
    np.testing.assert_allclose(per_product[~short], asked[~short], rtol=1e-9, atol=TOL)


@given(order_book())
def test_fcfs_bounds_and_order(book) -> None:
    product, kg, available = book
    filled = first_come_first_served(product, kg, available)
    check_bounds(product, kg, available, filled)
    # within a product, no line is filled while an earlier line is left short
    for p in np.unique(product):
        lines = np.flatnonzero(product == p)
        short = kg[lines] - filled[lines] > 1e-6
        if short.any():
            first_short = np.argmax(short)
            assert (filled[lines[first_short + 1 :]] <= 1e-6).all()


@given(order_book())
def test_pro_rata_bounds_and_equal_shares(book) -> None:
    product, kg, available = book
    filled = pro_rata(product, kg, available)
    check_bounds(product, kg, available, filled)
    for p in np.unique(product):
        lines = np.flatnonzero((product == p) & (kg > 1e-6))
        shares = filled[lines] / kg[lines]
        if len(shares):
            np.testing.assert_allclose(shares, shares[0], rtol=1e-9)


@given(
    st.lists(amounts, min_size=0, max_size=8),
    st.lists(amounts, min_size=0, max_size=5),
    st.randoms(use_true_random=False),
)
def test_substitute_conserves_kg(unfilled: list[float], remaining: list[float], rnd) -> None:
    unfilled_kg = np.array(unfilled, dtype=np.float64)
    remaining_kg = np.array(remaining, dtype=np.float64)
    order = list(range(len(unfilled)))
    rnd.shuffle(order)
    line_order = np.array(order, dtype=np.intp)
    line, product, kg = substitute(line_order, unfilled_kg, remaining_kg)
    assert len(line) == len(product) == len(kg)
    assert (kg > 0).all()
    taken_by_line = np.bincount(line, kg, minlength=len(unfilled))
    taken_from_product = np.bincount(product, kg, minlength=len(remaining))
    assert (taken_by_line <= unfilled_kg + 1e-9 * (1 + unfilled_kg)).all()
    assert (taken_from_product <= remaining_kg + 1e-9 * (1 + remaining_kg)).all()
    total = min(unfilled_kg.sum(), remaining_kg.sum()) if len(unfilled) and len(remaining) else 0.0
    assert abs(kg.sum() - total) <= 1e-9 * (1 + total)
    # first come first served: a line gets nothing while an earlier one is left short
    short = unfilled_kg[line_order] - taken_by_line[line_order] > 1e-6
    if short.any():
        first_short = int(np.argmax(short))
        assert (taken_by_line[line_order[first_short + 1 :]] <= 1e-6).all()


@given(st.lists(amounts, max_size=10), amounts)
def test_load_fleet_ships_a_prefix_up_to_capacity(kg: list[float], capacity: float) -> None:
    loads = np.array(kg, dtype=np.float64)
    shipped = load_fleet(loads, capacity)
    assert ((shipped >= 0) & (shipped <= loads)).all()
    assert shipped.sum() <= capacity + 1e-9 * (1 + capacity)
    assert abs(shipped.sum() - min(capacity, loads.sum())) <= 1e-9 * (1 + loads.sum())
    partial = np.flatnonzero(shipped < loads)
    if len(partial):
        assert (shipped[partial[0] + 1 :] == 0).all()


@given(
    st.floats(0.0, 30.0),
    st.floats(0.1, 100.0),
    st.floats(0.0, 1.0),
    st.booleans(),
)
def test_transit_loss_share_is_a_share_growing_with_age(age, shelf, at_shelf, perishable) -> None:
    args = (np.array([shelf]), np.array([at_shelf]), np.array([perishable]))
    share = transit_loss_share(np.array([age]), *args)[0]
    older = transit_loss_share(np.array([age + 1.0]), *args)[0]
    assert 0.0 <= share <= older <= 1.0
    if not perishable:
        assert older == 0.0
