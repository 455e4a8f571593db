"""A fleet too small for what was sold: one warning per command, from any engine."""

from __future__ import annotations

import warnings
from pathlib import Path

from canteensim.errors import CanteensimWarning
from canteensim.experiment import RunOptions, compare
from canteensim.experiment.replicate import replicate
from canteensim.scenario.load import with_values
from canteensim.scenario.schema import Scenario

TINY_FLEET = {"platform.vehicles": 1, "platform.vehicle_capacity_kg": 50.0}


def caught(call) -> list[str]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in seen if issubclass(w.category, CanteensimWarning)]


def test_replications_warn_once_with_how_many_left_goods_undelivered(short: Scenario) -> None:
    scenario = with_values(short, TINY_FLEET, Path("x"))
    [message] = caught(lambda: replicate(scenario, 3, options=RunOptions("serial")))
    assert "3 of 3 runs" in message
    assert "undelivered_kg" in message


def test_a_fleet_large_enough_says_nothing(short: Scenario) -> None:
    assert caught(lambda: replicate(short, 2, options=RunOptions("serial"))) == []


def test_compare_names_the_settings_that_left_goods_undelivered(short: Scenario) -> None:
    messages = caught(
        lambda: compare(
            short,
            {"platform.vehicle_capacity_kg": [50.0, 2500.0]},
            2,
            engine="processes",
            workers=2,
        )
    )
    assert len(messages) == 1
    assert "2 of 2 runs of platform.vehicle_capacity_kg=50.0" in messages[0]
