"""Named random streams: one `Generator` per source of randomness, per replication.

Streams come from `numpy.random.SeedSequence` with a spawn key naming the replication and the
stream, never from global state. Replication r of every setting in a comparison therefore draws
the same supply, attendance, order times and choices (common random numbers), and a replication
gives the same numbers whichever process or machine runs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_POPULATION_KEY = 0
_REPLICATION_KEY = 1


@dataclass(frozen=True)
class Streams:
    """The generators of one replication, one per named source of randomness."""

    supply: np.random.Generator
    """Weekly offer noise of each product."""
    attendance: np.random.Generator
    """Daily attendance of each canteen."""
    order_times: np.random.Generator
    """When in the order window each canteen orders."""
    choice: np.random.Generator
    """Whether a canteen orders this week, and which listed products it picks."""
    consumers: np.random.Generator
    """How many households order at each pickup point, when, and which products they pick: a
    stream of its own, so that adding consumers leaves every canteen's draws as they were."""


STREAM_NAMES = tuple(Streams.__dataclass_fields__)


def replication_streams(seed: int, replication: int) -> Streams:
    """The streams of replication `replication` of a scenario seeded with `seed`."""
    generators = {
        name: np.random.default_rng(
            np.random.SeedSequence(seed, spawn_key=(_REPLICATION_KEY, replication, index))
        )
        for index, name in enumerate(STREAM_NAMES)
    }
    return Streams(**generators)


def population_rng(seed: int) -> np.random.Generator:
    """The stream that draws generated populations: the same for every replication."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_POPULATION_KEY,)))
