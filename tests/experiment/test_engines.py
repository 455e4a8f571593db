"""Same seed, same bits, on every engine (SPEC §2, §6): serial, local processes, a Dask cluster.

Each comparison is 2 settings × 6 replications of the short Haikou scenario. The parallel engines
get one replication a chunk, so that runs are spread over both workers and come back out of order.
"""

from __future__ import annotations

import pandas as pd
import pytest

from canteensim.experiment import RunOptions, compare

from .conftest import TABLES, Lazy, engines_module

VARY = {"quota.share": [0.2, 0.3]}
REPLICATIONS = 6


def run(short, engine, chunk_seconds: float | None = None, **options):
    options = RunOptions(engine, chunk_seconds=chunk_seconds, **options)
    return compare(short, VARY, REPLICATIONS, options=options)


@pytest.fixture(scope="module")
def by_engine(short):
    """The same comparison on every engine, and serially with other chunk sizes (each run when
    first asked for: only the heavy test starts a Dask cluster)."""
    return Lazy(
        {
            "serial": lambda: run(short, "serial"),
            "processes": lambda: run(short, "processes", 1e-9, workers=2),
            "dask": lambda: run(short, "dask", 1e-9, workers=2, address="local"),
            "serial, one run a chunk": lambda: run(short, "serial", 1e-9),
            "serial, one chunk a setting": lambda: run(short, "serial", 1e9),
            "processes, one chunk a setting": lambda: run(short, "processes", 1e9, workers=2),
        }
    )


def assert_same(comparison, reference) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(comparison, name), getattr(reference, name), check_exact=True, obj=name
        )


def test_reference_is_complete(by_engine):
    runs = by_engine["serial"].runs
    assert len(runs) == 2 * REPLICATIONS
    assert list(runs["replication"]) == list(range(REPLICATIONS)) * 2
    assert runs["total_sales_yuan"].nunique() == 2 * REPLICATIONS  # the runs really differ


def test_chunk_size_really_differs(short):
    assert engines_module.chunk_size(0.01) > 1  # Haikou's chunks hold several replications
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines_module, "CHUNK_SECONDS", 1e-9)
        assert engines_module.chunk_size(0.01) == 1


@pytest.mark.parametrize("engine", ["processes", pytest.param("dask", marks=pytest.mark.heavy)])
def test_parallel_engines_give_the_serial_tables_bit_for_bit(by_engine, engine):
    assert_same(by_engine[engine], by_engine["serial"])
    assert by_engine[engine].summary["engine"] == engine


@pytest.mark.parametrize(
    "variant",
    ["serial, one run a chunk", "serial, one chunk a setting", "processes, one chunk a setting"],
)
def test_chunking_does_not_change_results(by_engine, variant):
    assert_same(by_engine[variant], by_engine["serial"])


def test_unknown_engine_is_refused(short):
    from canteensim.errors import CanteensimError

    with pytest.raises(CanteensimError, match="serial, processes, dask"):
        compare(short, VARY, 2, engine="threads")  # type: ignore[arg-type]
