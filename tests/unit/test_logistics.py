"""Consolidated delivery: loading the fleet, transit losses."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from canteensim.model.logistics import load_fleet, transit_loss_share


def test_load_fleet_ships_in_order_and_splits_the_load_that_crosses_capacity() -> None:
    assert_array_equal(load_fleet(np.array([5.0, 10.0, 3.0]), 12.0), [5, 7, 0])


def test_load_fleet_with_room_ships_everything() -> None:
    kg = np.array([5.0, 10.0, 3.0])
    assert_array_equal(load_fleet(kg, 18.0), kg)
    assert_array_equal(load_fleet(kg, 1e6), kg)


def test_load_fleet_without_capacity_ships_nothing() -> None:
    assert_array_equal(load_fleet(np.array([5.0, 1.0]), 0.0), [0, 0])
    assert load_fleet(np.empty(0), 10.0).shape == (0,)


def test_transit_loss_grows_linearly_with_age_over_shelf_life() -> None:
    age = np.array([1.0, 2.0, 8.0, 1.0])
    shelf = np.array([4.0, 4.0, 4.0, 2.0])
    at_shelf = np.array([0.2, 0.2, 0.2, 0.1])
    perishable = np.array([True, True, True, True])
    # 0.2 × 1/4, 0.2 × 2/4, 0.2 × 8/4, 0.1 × 1/2
    assert_allclose(transit_loss_share(age, shelf, at_shelf, perishable), [0.05, 0.1, 0.4, 0.05])


def test_transit_loss_is_capped_at_the_whole_shipment() -> None:
    share = transit_loss_share(np.array([30.0]), np.array([2.0]), np.array([0.5]), np.array([True]))
    assert share.tolist() == [1.0]


def test_shelf_stable_goods_lose_nothing() -> None:
    share = transit_loss_share(
        np.array([1.0, 50.0]), np.array([2.0, 2.0]), np.array([0.5, 0.5]), np.array([False, False])
    )
    assert share.tolist() == [0.0, 0.0]
