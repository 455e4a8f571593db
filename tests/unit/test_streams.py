"""Named random streams: derived from the seed, the replication and the stream name only."""

from __future__ import annotations

import numpy as np

from canteensim.model.streams import STREAM_NAMES, population_rng, replication_streams


def draws(seed: int, replication: int) -> dict[str, np.ndarray]:
    streams = replication_streams(seed, replication)
    return {name: getattr(streams, name).random(8) for name in STREAM_NAMES}


def test_stream_names() -> None:
    # consumers come last, so that the canteens' streams keep the spawn keys they had before
    assert STREAM_NAMES == ("supply", "attendance", "order_times", "choice", "consumers")


def test_same_seed_and_replication_same_draws() -> None:
    first, second = draws(11, 3), draws(11, 3)
    for name in STREAM_NAMES:
        np.testing.assert_array_equal(first[name], second[name])


def test_replications_seeds_and_streams_all_differ() -> None:
    seen = [draws(11, 0), draws(11, 1), draws(12, 0)]
    vectors = [d[name] for d in seen for name in STREAM_NAMES]
    for i, a in enumerate(vectors):
        for b in vectors[i + 1 :]:
            assert not np.array_equal(a, b)


def test_drawing_from_one_stream_does_not_move_another() -> None:
    streams = replication_streams(5, 0)
    streams.choice.random(1000)  # a setting that makes more choices
    np.testing.assert_array_equal(streams.supply.random(8), draws(5, 0)["supply"])


def test_population_stream_does_not_depend_on_the_replication_and_is_its_own() -> None:
    a, b = population_rng(9).random(4), population_rng(9).random(4)
    np.testing.assert_array_equal(a, b)
    for name, values in draws(9, 0).items():
        assert not np.array_equal(values[:4], a), name


def test_streams_ignore_global_numpy_state() -> None:
    np.random.seed(0)
    before = draws(3, 2)
    np.random.seed(1)
    np.random.random(100)
    after = draws(3, 2)
    for name in STREAM_NAMES:
        np.testing.assert_array_equal(before[name], after[name])
