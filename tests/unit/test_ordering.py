"""What canteens order: target kg by behaviour, and spreading it over listed products."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from canteensim.model.ordering import Lines, Need, choose_lines, target_kg
from canteensim.policies import BEHAVIOURS
from canteensim.scenario.schema import Ordering


def need(
    until_next: float = 100.0,
    period: float = 400.0,
    confirmed: float = 0.0,
    left: float = 4.0,
    *,
    to_date: float | None = None,
    aid: float = 0.0,
    month: float | None = None,
    month_confirmed: float | None = None,
    canteens: int = 1,
    categories: int = 1,
) -> Need:
    """One need for every canteen and category. The period is a month unless `month` says
    otherwise, and nothing has been eaten or bought yet unless `to_date` and `aid` say so."""
    shape = (canteens, categories)
    return Need(
        until_next_delivery_kg=np.full(shape, until_next),
        period_kg=np.full(shape, period),
        period_confirmed_kg=np.full(shape, confirmed),
        period_to_date_kg=np.full(shape, period if to_date is None else to_date),
        period_aid_kg=np.full(shape, aid),
        deliveries_left=np.full(canteens, left),
        month_kg=np.full(shape, period if month is None else month),
        month_confirmed_kg=np.full(
            shape, confirmed if month_confirmed is None else month_confirmed
        ),
        total_weights=None,
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
    assert target("even", aid=1000.0) == pytest.approx(20.0)  # ... and what it has received


def test_catch_up_spreads_what_is_missing_over_the_deliveries_left() -> None:
    assert target("catch_up") == pytest.approx(80.0 / 4)
    # 30 of the period's 80 kg already confirmed; 3 deliveries left
    assert target("catch_up", confirmed=30.0, left=3.0) == pytest.approx(50.0 / 3)
    # more than enough confirmed: nothing, never a negative order
    assert target("catch_up", confirmed=95.0, left=2.0) == 0.0


def test_catch_up_plans_over_the_audit_period_not_the_calendar_month() -> None:
    # a quarter of 1200 kg whose current month eats 400: 240 kg due over 12 deliveries
    assert target("catch_up", period=1200.0, month=400.0, left=12.0) == pytest.approx(20.0)
    # what was confirmed for the month alone does not count; the period's confirmations do
    assert target("catch_up", period=1200.0, month=400.0, month_confirmed=80.0, left=12.0) == (
        pytest.approx(20.0)
    )
    # it counts confirmations, not goods received: aid on the way or in changes nothing
    assert target("catch_up", aid=60.0) == pytest.approx(20.0)


def test_front_load_buys_the_month_of_shelf_stable_goods_at_once() -> None:
    assert target("front_load") == pytest.approx(80.0)
    assert target("front_load", confirmed=80.0, left=3.0) == 0.0
    assert target("front_load", confirmed=50.0, left=3.0) == pytest.approx(30.0)
    # the calendar month, whatever the audit period
    assert target("front_load", period=1200.0, month=400.0, confirmed=500.0) == 0.0
    assert target("front_load", period=1200.0, month=400.0, month_confirmed=0.0) == (
        pytest.approx(80.0)
    )


def test_front_load_orders_perishables_evenly() -> None:
    assert target("front_load", perishable=True) == pytest.approx(20.0)


def test_non_compliant_orders_a_fraction_of_even() -> None:
    assert target("non_compliant") == pytest.approx(0.3 * 20.0)
    assert target("non_compliant", factor=0.0) == 0.0


def test_tracking_orders_what_is_missing_for_the_period_to_date_over_the_deliveries_left() -> None:
    assert target("tracking") == pytest.approx(80.0 / 4)
    # 500 kg eaten or expected in the period, 40 kg received or on its way: 60 kg over 3
    assert target("tracking", to_date=500.0, aid=40.0, left=3.0) == pytest.approx(20.0)
    # at the last delivery it tops up the whole gap
    assert target("tracking", to_date=500.0, aid=95.0, left=1.0) == pytest.approx(5.0)
    # it follows goods, not confirmations (a confirmed load lost on the way is bought again) ...
    assert target("tracking", confirmed=80.0, aid=0.0) == pytest.approx(20.0)
    # ... and never sells back what it bought beyond the target
    assert target("tracking", aid=120.0) == 0.0


def test_perishables_are_never_ordered_beyond_consumption_until_next_delivery() -> None:
    # catch-up with a large shortfall: 0.5 × 400 / 1 = 200 kg, capped at the 100 kg eaten
    assert target("catch_up", share=0.5, left=1.0, perishable=True) == pytest.approx(100.0)
    assert target("catch_up", share=0.5, left=1.0, perishable=False) == pytest.approx(200.0)
    # tracking alike
    assert target("tracking", share=0.5, left=1.0, perishable=True) == pytest.approx(100.0)
    assert target("tracking", share=0.5, left=1.0, perishable=False) == pytest.approx(200.0)
    # a share above 1 (quota plus margin) on an even order is capped too
    assert target("even", share=1.5, perishable=True) == pytest.approx(100.0)


def test_target_per_canteen_and_category() -> None:
    zeros = np.zeros((2, 2))
    n = Need(
        until_next_delivery_kg=np.array([[100.0, 50.0], [10.0, 20.0]]),
        period_kg=np.array([[400.0, 200.0], [40.0, 80.0]]),
        period_confirmed_kg=zeros,
        period_to_date_kg=np.array([[400.0, 200.0], [40.0, 80.0]]),
        period_aid_kg=zeros,
        deliveries_left=np.array([4.0, 2.0]),
        month_kg=np.array([[400.0, 200.0], [40.0, 80.0]]),
        month_confirmed_kg=zeros,
        total_weights=None,
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


def test_tracking_a_total_quota_buys_the_missing_total_in_the_categories_still_short() -> None:
    # The first canteen is 30 kg short of its 80 kg of veg and 10 kg over its 20 kg of rice: the
    # total is 20 kg short, bought as veg over its 2 deliveries left. The second is short in
    # both (10 and 20 kg) and buys both at its last delivery.
    n = Need(
        until_next_delivery_kg=np.full((2, 2), 1000.0),
        period_kg=np.zeros((2, 2)),
        period_confirmed_kg=np.zeros((2, 2)),
        period_to_date_kg=np.array([[400.0, 100.0], [400.0, 100.0]]),
        period_aid_kg=np.array([[50.0, 30.0], [70.0, 0.0]]),
        deliveries_left=np.array([2.0, 1.0]),
        month_kg=np.zeros((2, 2)),
        month_confirmed_kg=np.zeros((2, 2)),
        total_weights=np.ones(2),
    )
    result = target_kg(
        n,
        np.full(2, BEHAVIOURS.index("tracking")),
        np.full((2, 2), 0.2),
        np.array([False, False]),
        Ordering(),
    )
    assert_allclose(result, [[20.0 / 2, 0.0], [10.0, 20.0]])
    # on a value basis a kg of rice (weight 3) counts three times a kg of veg (weight 1): the
    # first canteen is 30 − 3 × 10 = 0 short in total and buys nothing; the second is short in
    # both categories and buys both shortfalls as they are
    by_value = target_kg(
        dataclasses.replace(n, total_weights=np.array([1.0, 3.0])),
        np.full(2, BEHAVIOURS.index("tracking")),
        np.full((2, 2), 0.2),
        np.array([False, False]),
        Ordering(),
    )
    assert_allclose(by_value, [[0.0, 0.0], [10.0, 20.0]], atol=1e-12)


# --- choosing lines -----------------------------------------------------------------------------


def choose_and_drop(
    target: list[list[float]],
    listed_kg: list[float],
    listed_category: list[int] | None = None,
    *,
    by_time: list[int] | None = None,
    lines: int = 2,
    min_kg: float = 0.0,
    round_up: bool = True,
    pick: list[list[float]] | None = None,
) -> tuple[Lines, np.ndarray]:
    t = np.array(target, dtype=np.float64)
    return choose_lines(
        np.array(by_time if by_time is not None else range(t.shape[0]), dtype=np.intp),
        t,
        np.arange(len(listed_kg), dtype=np.intp),
        np.array(listed_category or [0] * len(listed_kg), dtype=np.intp),
        np.array(listed_kg, dtype=np.float64),
        Ordering(lines_per_category=lines, min_line_kg=min_kg, round_up_small_lines=round_up),
        np.array(pick if pick is not None else np.full(t.shape, 0.25)),
    )


def choose(target: list[list[float]], listed_kg: list[float], *args, **kwargs) -> Lines:
    """The lines alone, for settings under which nothing is dropped."""
    result, dropped = choose_and_drop(target, listed_kg, *args, **kwargs)
    assert dropped.shape == np.shape(target)
    assert not dropped.any()
    return result


def ordered(result: Lines, listed_category: list[int], shape: tuple[int, int]) -> np.ndarray:
    """``(canteens, categories)`` kg the lines carry."""
    kg = np.zeros(shape)
    np.add.at(kg, (result.canteen, np.array(listed_category)[result.product]), result.kg)
    return kg


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
    assert len(choose([[0.0]], [100.0], min_kg=0.5)) == 0  # nothing is not rounded up to a line
    assert len(choose([[0.0, 5.0]], [100.0], listed_category=[0])) == 0
    empty = choose([[3.0]], [])
    assert len(empty) == 0
    assert empty.kg.dtype == np.float64


def test_a_need_too_small_for_every_line_goes_into_fewer_lines() -> None:
    result = choose([[0.8], [3.0]], [50.0, 50.0], min_kg=0.5)
    # 0.8 kg would make two 0.4 kg lines, below the 0.5 kg minimum: it goes into one line, at
    # position 0.25 / 1 (product 0); 3 kg makes two 1.5 kg lines at 0.125 and 0.625
    assert result.canteen.tolist() == [0, 1, 1]
    assert result.product.tolist() == [0, 0, 1]
    assert_allclose(result.kg, [0.8, 1.5, 1.5])
    merged = choose([[0.8]], [100.0], min_kg=0.5)  # one product: one 0.8 kg line either way
    assert_allclose(merged.kg, [0.8])


def test_as_many_lines_as_reach_the_minimum_each_up_to_the_setting() -> None:
    # listed shares end at 0.4, 0.7 and 1.0; up to three lines of at least 0.5 kg
    result = choose([[1.2], [1.0], [0.7], [5.0]], [40.0, 30.0, 30.0], lines=3, min_kg=0.5)
    rows = list(zip(result.canteen.tolist(), result.product.tolist(), result.kg, strict=True))
    assert rows == [
        (0, 0, pytest.approx(0.6)),  # 1.2 / 0.5 = 2.4: two lines, at 0.125 and 0.625
        (0, 1, pytest.approx(0.6)),
        (1, 0, pytest.approx(0.5)),  # exactly two minimum lines
        (1, 1, pytest.approx(0.5)),
        (2, 0, pytest.approx(0.7)),  # one line
        (3, 0, pytest.approx(5.0 / 3)),  # ten minimum lines' worth: the three allowed
        (3, 1, pytest.approx(5.0 / 3)),
        (3, 2, pytest.approx(5.0 / 3)),
    ]


def test_a_need_below_one_line_is_rounded_up_to_it() -> None:
    lines, dropped = choose_and_drop(
        [[0.3, 0.0], [2.0, 0.2]], [50.0, 50.0, 10.0], [0, 0, 1], min_kg=0.5
    )
    assert not dropped.any()
    # canteen 0: 0.3 kg of category 0 becomes one 0.5 kg line; canteen 1: 2 kg in two lines, and
    # 0.2 kg of category 1 becomes one 0.5 kg line
    rows = list(zip(lines.canteen.tolist(), lines.product.tolist(), lines.kg, strict=True))
    assert rows == [
        (0, 0, pytest.approx(0.5)),
        (1, 0, pytest.approx(1.0)),
        (1, 1, pytest.approx(1.0)),
        (1, 2, pytest.approx(0.5)),
    ]


def test_a_need_below_one_line_is_dropped_when_not_rounded_up() -> None:
    lines, dropped = choose_and_drop(
        [[0.3, 0.0], [2.0, 0.2], [0.5, 0.49]],
        [50.0, 50.0, 10.0],
        [0, 0, 1],
        min_kg=0.5,
        round_up=False,
    )
    # 0.3 and 0.2 kg (and 0.49 kg) are below a line: not ordered, reported as dropped; 0.5 kg
    # is exactly one line and is ordered
    assert_allclose(dropped, [[0.3, 0.0], [0.0, 0.2], [0.0, 0.49]])
    rows = list(zip(lines.canteen.tolist(), lines.product.tolist(), lines.kg, strict=True))
    assert rows == [
        (1, 0, pytest.approx(1.0)),
        (1, 1, pytest.approx(1.0)),
        (2, 0, pytest.approx(0.5)),
    ]


def test_a_dropped_need_is_reported_even_with_nothing_listed_in_its_category() -> None:
    lines, dropped = choose_and_drop([[0.3]], [], min_kg=0.5, round_up=False)
    assert len(lines) == 0
    assert_allclose(dropped, [[0.3]])


def test_canteen_target_is_conserved_over_its_lines() -> None:
    rng = np.random.default_rng(1)
    target = rng.uniform(1, 10, size=(6, 2))
    listed_kg = rng.uniform(1, 100, size=5)
    category = [0, 1, 0, 1, 1]
    result = choose(
        target.tolist(),
        listed_kg.tolist(),
        category,
        lines=3,
        pick=rng.random((6, 2)).tolist(),
    )
    assert_allclose(ordered(result, category, (6, 2)), target)
    assert (np.bincount(result.canteen, minlength=6) <= 3 * 2).all()  # lines × categories


@pytest.mark.parametrize("round_up", [True, False])
def test_with_a_minimum_line_every_target_is_conserved_rounded_up_or_dropped(
    round_up: bool,
) -> None:
    rng = np.random.default_rng(2)
    # targets from nothing to twenty minimum lines, some below one line
    target = rng.choice([0.0, 1.0], size=(40, 2)) * rng.uniform(0, 10, size=(40, 2))
    assert ((target > 0) & (target < 0.5)).any()
    listed_kg = rng.uniform(1, 100, size=5)
    category = [0, 1, 0, 1, 1]
    result, dropped = choose_and_drop(
        target.tolist(),
        listed_kg.tolist(),
        category,
        lines=3,
        min_kg=0.5,
        round_up=round_up,
        pick=rng.random((40, 2)).tolist(),
    )
    small = (target > 0) & (target < 0.5)
    kg = ordered(result, category, target.shape)
    if round_up:
        assert_allclose(kg, np.where(small, 0.5, target))
        assert not dropped.any()
    else:
        assert_allclose(kg, np.where(small, 0.0, target))
        assert_allclose(dropped, np.where(small, target, 0.0))
    assert (result.kg >= 0.5 - 1e-12).all()  # no line below the minimum
    lines_per_need = np.zeros(target.shape)
    np.add.at(lines_per_need, (result.canteen, np.array(category)[result.product]), 1)
    assert (lines_per_need <= np.clip(np.floor(np.maximum(target, 0.5) / 0.5), 1, 3)).all()
