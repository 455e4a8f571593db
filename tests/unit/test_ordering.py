"""What canteens order: target kg by behaviour, and spreading it over listed products."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from canteensim.model.ordering import Need, choose_lines, target_kg
from canteensim.policies import BEHAVIOURS
from canteensim.scenario.schema import Ordering


def need(
    until_next: float = 100.0,
    month: float = 400.0,
    confirmed: float = 0.0,
    left: float = 4.0,
    canteens: int = 1,
    categories: int = 1,
) -> Need:
    shape = (canteens, categories)
    return Need(
        until_next_delivery_kg=np.full(shape, until_next),
        month_kg=np.full(shape, month),
        month_confirmed_kg=np.full(shape, confirmed),
        deliveries_left=np.full(canteens, left),
    )


def target(
    behaviour: str,
    *,
    share: float = 0.2,
    perishable: bool = False,
    factor: float = 0.3,
    **need_args: float,
) -> float:
    result = target_kg(
        need(**need_args),
        np.array([BEHAVIOURS.index(behaviour)]),
        np.array([[share]]),
        np.array([perishable]),
        Ordering(non_compliant_factor=factor),
    )
    assert result.shape == (1, 1)
    return float(result[0, 0])


# --- target kg ------------------------------------------------------------------------------------


def test_even_orders_its_share_of_consumption_until_the_next_delivery() -> None:
    assert target("even") == pytest.approx(20.0)
    assert target("even", perishable=True) == pytest.approx(20.0)
    assert target("even", confirmed=1000.0) == pytest.approx(20.0)  # even ignores the month


def test_catch_up_spreads_what_is_missing_over_the_deliveries_left() -> None:
    assert target("catch_up") == pytest.approx(80.0 / 4)
    # 30 of the month's 80 kg already confirmed; 3 deliveries left
    assert target("catch_up", confirmed=30.0, left=3.0) == pytest.approx(50.0 / 3)
    # more than enough confirmed: nothing, never a negative order
    assert target("catch_up", confirmed=95.0, left=2.0) == 0.0


def test_front_load_buys_the_month_of_shelf_stable_goods_at_once() -> None:
    assert target("front_load") == pytest.approx(80.0)
    assert target("front_load", confirmed=80.0, left=3.0) == 0.0
    assert target("front_load", confirmed=50.0, left=3.0) == pytest.approx(30.0)


def test_front_load_orders_perishables_evenly() -> None:
    assert target("front_load", perishable=True) == pytest.approx(20.0)


def test_non_compliant_orders_a_fraction_of_even() -> None:
    assert target("non_compliant") == pytest.approx(0.3 * 20.0)
    assert target("non_compliant", factor=0.0) == 0.0


def test_perishables_are_never_ordered_beyond_consumption_until_next_delivery() -> None:
    # catch-up with a large shortfall: 0.5 × 400 / 1 = 200 kg, capped at the 100 kg eaten
    assert target("catch_up", share=0.5, left=1.0, perishable=True) == pytest.approx(100.0)
    assert target("catch_up", share=0.5, left=1.0, perishable=False) == pytest.approx(200.0)
    # a share above 1 (quota plus margin) on an even order is capped too
    assert target("even", share=1.5, perishable=True) == pytest.approx(100.0)


def test_target_per_canteen_and_category() -> None:
    n = Need(
        until_next_delivery_kg=np.array([[100.0, 50.0], [10.0, 20.0]]),
        month_kg=np.array([[400.0, 200.0], [40.0, 80.0]]),
        month_confirmed_kg=np.zeros((2, 2)),
        deliveries_left=np.array([4.0, 2.0]),
    )
    result = target_kg(
        n,
        np.array([BEHAVIOURS.index("even"), BEHAVIOURS.index("front_load")]),
        np.array([[0.2, 0.2], [0.5, 0.5]]),
        np.array([True, False]),
        Ordering(non_compliant_factor=0.3),
    )
    # canteen 1 front-loads: perishable category even (0.5 × 10), shelf-stable the month (0.5 × 80)
    assert_allclose(result, [[20.0, 10.0], [5.0, 40.0]])


# --- choosing lines -----------------------------------------------------------------------------


def choose(
    target: list[list[float]],
    listed_kg: list[float],
    listed_category: list[int] | None = None,
    *,
    by_time: list[int] | None = None,
    lines: int = 2,
    min_kg: float = 0.0,
    pick: list[list[float]] | None = None,
):
    t = np.array(target, dtype=np.float64)
    return choose_lines(
        np.array(by_time if by_time is not None else range(t.shape[0]), dtype=np.intp),
        t,
        np.arange(len(listed_kg), dtype=np.intp),
        np.array(listed_category or [0] * len(listed_kg), dtype=np.intp),
        np.array(listed_kg, dtype=np.float64),
        lines,
        min_kg,
        np.array(pick if pick is not None else np.full(t.shape, 0.25)),
    )


def test_one_listed_product_gets_one_merged_line() -> None:
    result = choose([[20.0]], [100.0])
    assert result.canteen.tolist() == [0]
    assert result.product.tolist() == [0]
    assert_allclose(result.kg, [20.0])


def test_two_equal_products_and_two_lines_split_the_target() -> None:
    result = choose([[20.0]], [50.0, 50.0])
    assert result.product.tolist() == [0, 1]
    assert_allclose(result.kg, [10.0, 10.0])


def test_products_are_picked_by_systematic_sampling_on_listed_kg() -> None:
    # shares end at 0.2 and 1.0; positions (pick + j) / 2
    assert choose([[20.0]], [20.0, 80.0], pick=[[0.3]]).product.tolist() == [0, 1]  # 0.15, 0.65
    merged = choose([[20.0]], [20.0, 80.0], pick=[[0.5]])  # 0.25, 0.75: both product 1
    assert merged.product.tolist() == [1]
    assert_allclose(merged.kg, [20.0])
    single = choose([[20.0]], [20.0, 80.0], lines=1, pick=[[0.1]])
    assert single.product.tolist() == [0]
    assert_allclose(single.kg, [20.0])


def test_lines_follow_order_time_within_a_category() -> None:
    result = choose([[4.0], [6.0], [8.0]], [100.0], by_time=[2, 0, 1])
    assert result.canteen.tolist() == [2, 0, 1]
    assert_allclose(result.kg, [8.0, 4.0, 6.0])


def test_lines_are_grouped_by_category_then_time() -> None:
    result = choose(
        [[2.0, 3.0], [4.0, 5.0]], [10.0, 10.0], listed_category=[1, 0], by_time=[1, 0], lines=1
    )
    # category 0 is product 1, category 1 is product 0
    assert list(zip(result.canteen, result.product, result.kg, strict=True)) == [
        (1, 1, 4.0),
        (0, 1, 2.0),
        (1, 0, 5.0),
        (0, 0, 3.0),
    ]


def test_no_target_or_no_listed_product_in_the_category_makes_no_line() -> None:
    assert len(choose([[0.0]], [100.0])) == 0
    assert len(choose([[0.0, 5.0]], [100.0], listed_category=[0])) == 0
    empty = choose([[3.0]], [])
    assert len(empty) == 0
    assert empty.kg.dtype == np.float64


def test_lines_below_the_minimum_are_not_placed() -> None:
    result = choose([[0.8], [3.0]], [50.0, 50.0], min_kg=0.5)
    # canteen 0 would split 0.8 into two 0.4 kg lines: both dropped
    assert result.canteen.tolist() == [1, 1]
    assert_allclose(result.kg, [1.5, 1.5])
    merged = choose([[0.8]], [100.0], min_kg=0.5)  # merged into one 0.8 kg line: kept
    assert_allclose(merged.kg, [0.8])


def test_canteen_target_is_conserved_over_its_lines() -> None:
    rng = np.random.default_rng(1)
    target = rng.uniform(1, 10, size=(6, 2))
    listed_kg = rng.uniform(1, 100, size=5)
    result = choose(
        target.tolist(),
        listed_kg.tolist(),
        [0, 1, 0, 1, 1],
        lines=3,
        pick=rng.random((6, 2)).tolist(),
    )
    ordered = np.zeros((6, 2))
    np.add.at(ordered, (result.canteen, np.array([0, 1, 0, 1, 1])[result.product]), result.kg)
    assert_allclose(ordered, target)
    assert (np.bincount(result.canteen, minlength=6) <= 3 * 2).all()  # lines × categories
