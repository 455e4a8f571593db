"""Allocation of listed stock to order lines: first come first served, pro rata, substitution."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from canteensim.model.allocation import first_come_first_served, pro_rata, substitute


def ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.intp)


def floats(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


# --- first come, first served ---------------------------------------------------------------------


def test_fcfs_fills_lines_in_array_order_until_stock_runs_out() -> None:
    product = ints(0, 1, 0, 0, 1)
    kg = floats(5, 3, 4, 2, 8)
    available = floats(6, 10)
    # product 0: 5 filled, then 1 of 4, then nothing; product 1: 3, then 7 of 8
    assert_array_equal(first_come_first_served(product, kg, available), floats(5, 3, 1, 0, 7))


def test_fcfs_plenty_fills_everything() -> None:
    product, kg = ints(2, 0, 2), floats(1.5, 2.5, 3.5)
    assert_array_equal(first_come_first_served(product, kg, floats(10, 0, 10)), kg)


def test_fcfs_unlisted_product_fills_nothing() -> None:
    assert_array_equal(first_come_first_served(ints(1, 1), floats(1, 2), floats(5, 0)), [0, 0])


def test_fcfs_later_line_gets_the_rest_whichever_is_bigger() -> None:
    # The earlier, small line is served first even though the later one asks more.
    assert_array_equal(first_come_first_served(ints(0, 0), floats(1, 20), floats(15)), [1, 14])
    assert_array_equal(first_come_first_served(ints(0, 0), floats(20, 1), floats(15)), [15, 0])


def test_fcfs_no_lines() -> None:
    assert first_come_first_served(ints(), floats(), floats(3)).shape == (0,)


# --- pro rata -----------------------------------------------------------------------------------


def test_pro_rata_fills_every_line_of_a_short_product_by_the_same_share() -> None:
    product = ints(0, 1, 0, 0)
    kg = floats(5, 3, 4, 2)
    filled = pro_rata(product, kg, floats(5.5, 10))
    # product 0 is asked 11 kg for 5.5 in stock: every line gets half
    assert_allclose(filled, floats(2.5, 3, 2, 1), rtol=1e-15)


def test_pro_rata_sufficient_stock_fills_in_full_and_zero_stock_nothing() -> None:
    assert_array_equal(pro_rata(ints(0, 1), floats(2, 3), floats(2, 0)), [2, 0])


def test_pro_rata_order_does_not_matter() -> None:
    product, kg, stock = ints(0, 0, 0), floats(1, 2, 3), floats(3)
    assert_allclose(pro_rata(product, kg, stock), [0.5, 1, 1.5])
    assert_allclose(pro_rata(product[::-1], kg[::-1], stock), [1.5, 1, 0.5])


# --- substitution -------------------------------------------------------------------------------


def test_substitute_serves_unfilled_lines_in_order_product_by_product() -> None:
    unfilled = floats(3, 0, 4)
    line, product, kg = substitute(ints(0, 2), unfilled, floats(2, 10))
    assert line.tolist() == [0, 0, 2]
    assert product.tolist() == [0, 1, 1]
    assert_allclose(kg, [2, 1, 4])


def test_substitute_stops_when_the_category_runs_out() -> None:
    line, product, kg = substitute(ints(0, 2), floats(3, 0, 4), floats(2, 1.5))
    assert line.tolist() == [0, 0, 2]
    assert product.tolist() == [0, 1, 1]
    assert_allclose(kg, [2, 1, 0.5])
    assert kg.sum() == pytest.approx(3.5)


def test_substitute_follows_line_order_not_index_order() -> None:
    line, product, kg = substitute(ints(2, 0), floats(3, 0, 4), floats(5))
    assert line.tolist() == [2, 0]
    assert product.tolist() == [0, 0]
    assert_allclose(kg, [4, 1])


def test_substitute_nothing_left_or_nothing_short() -> None:
    for args in [(ints(0), floats(3), floats()), (ints(), floats(3), floats(4))]:
        line, product, kg = substitute(*args)
        assert (len(line), len(product), len(kg)) == (0, 0, 0)
    line, _, kg = substitute(ints(0), floats(3), floats(0, 0))
    assert len(line) == 0
    assert kg.sum() == 0
