"""Common random numbers (SPEC §2): replication r of every setting draws the same streams.

So the paired difference between two close settings varies far less than the difference between
independent runs of them, which is what makes `diff_ci_*` narrow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from canteensim import simulate
from canteensim.experiment import compare
from canteensim.scenario.load import with_values

REPLICATIONS = 20
KPIS = ("monthly_sales_yuan_mean", "total_sales_yuan")


@pytest.fixture(scope="module")
def close_settings(haikou):
    """quota.share 0.2 and 0.25 on the whole Haikou scenario, 20 replications each."""
    return compare(haikou, {"quota.share": [0.2, 0.25]}, REPLICATIONS, engine="serial")


@pytest.fixture(scope="module")
def unpaired(haikou):
    """quota.share 0.25 with the pairing broken: replication r + 1000 stands for replication r."""
    other = with_values(haikou, {"quota.share": 0.25}, Path("test"))
    return pd.concat(
        [simulate(other, replication=r + 1000).kpis for r in range(REPLICATIONS)],
        ignore_index=True,
    )


def by_replication(comparison, setting: int, kpi: str) -> np.ndarray:
    runs = comparison.runs[comparison.runs["setting"] == setting].sort_values("replication")
    assert list(runs["replication"]) == list(range(REPLICATIONS))
    return runs[kpi].to_numpy()


@pytest.mark.parametrize("kpi", KPIS)
def test_paired_difference_varies_far_less_than_independent_one(close_settings, unpaired, kpi):
    base = by_replication(close_settings, 0, kpi)
    paired = by_replication(close_settings, 1, kpi)
    independent = unpaired[kpi].to_numpy()
    assert list(unpaired["replication"]) == [r + 1000 for r in range(REPLICATIONS)]
    assert np.var(paired, ddof=1) > 0 and np.var(independent, ddof=1) > 0
    paired_var = np.var(paired - base, ddof=1)
    independent_var = np.var(independent - base, ddof=1)
    assert paired_var < independent_var / 4, (paired_var, independent_var)


def test_same_replication_same_setting_is_the_same_run(haikou, close_settings):
    again = simulate(with_values(haikou, {"quota.share": 0.25}, Path("test")), replication=7)
    assert (
        by_replication(close_settings, 1, "total_sales_yuan")[7]
        == (again.kpis["total_sales_yuan"].iloc[0])
    )


def test_paired_interval_is_narrower_than_the_means(close_settings):
    table = close_settings.table
    row = table[(table["setting_index"] == 1) & (table["kpi"] == "total_sales_yuan")].iloc[0]
    diff_width = row["diff_ci_high"] - row["diff_ci_low"]
    mean_width = row["ci_high"] - row["ci_low"]
    assert 0 < diff_width < mean_width / 2
    # a higher quota sells more, and the paired interval says so
    assert row["diff_ci_low"] > 0


def test_replication_r_of_a_setting_is_simulate_with_seed_and_r(short):
    """What every engine and resume relies on: a run is (setting scenario, replication), the
    seed being the scenario's."""
    comparison = compare(short, {"quota.share": [0.2, 0.3]}, 2, engine="serial", seed=5)
    assert (comparison.runs["seed"] == 5).all()
    for row in comparison.runs.to_dict(orient="records"):
        values = {"scenario.seed": 5, "quota.share": row["quota.share"]}
        scenario = with_values(short, values, Path("test"))
        kpis = simulate(scenario, replication=row["replication"]).kpis.iloc[0]
        assert row["total_sales_yuan"] == kpis["total_sales_yuan"]
        assert row["fill_rate"] == kpis["fill_rate"]
    default = compare(short, {"quota.share": [0.2]}, 1, engine="serial")
    assert default.runs["seed"].item() == short.scenario.seed
    assert default.runs["total_sales_yuan"].item() != comparison.runs["total_sales_yuan"].iloc[0]


def test_varying_the_seed_is_honoured_or_refused(short):
    from canteensim.errors import CanteensimError

    try:
        comparison = compare(short, {"scenario.seed": [1, 2]}, 2, engine="serial")
    except CanteensimError:
        return  # refusing to vary the seed is a fine answer too
    runs = comparison.runs
    assert list(runs["seed"]) == [1, 1, 2, 2]
    first, second = (runs[runs["setting"] == s]["total_sales_yuan"].to_numpy() for s in (0, 1))
    assert (first != second).all()
