"""Sensitivity analysis on the tiny one-canteen scenario, where what moves what is known.

In the tiny scenario (tests/conftest.py) an even canteen orders quota.share × its consumption, so
monthly sales are proportional to ``quota.share``; with one product, the listing limit (at least
one product) changes nothing; the platform's commission changes what farmers get, not what
canteens pay.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from canteensim.errors import CanteensimError, ScenarioError
from canteensim.experiment.sensitivity import _analyse, parse_ranges, sensitivity

RANGES = {"quota.share": (0.1, 0.4), "platform.listing_limit": (1, 50)}
SALES = "monthly_sales_yuan_mean"


def rows(result: object, kpi: str) -> pd.DataFrame:
    indices: pd.DataFrame = result.indices  # type: ignore[attr-defined]
    return indices[indices["kpi"] == kpi].set_index("parameter")


def test_morris_ranks_the_dominant_first_and_the_inert_last(tiny: SimpleNamespace) -> None:
    ranges = {**RANGES, "platform.commission": (0.0, 0.2)}
    result = sensitivity(tiny.scenario(), "morris", ranges, n=4, engine="serial")
    assert len(result.samples) == 4 * (3 + 1)
    assert result.ranking(SALES)[0] == "quota.share"
    sales = rows(result, SALES)
    assert sales.loc["quota.share", "mu_star"] > 100
    for inert in ("platform.listing_limit", "platform.commission"):
        assert sales.loc[inert, "mu_star"] == pytest.approx(0, abs=1e-9)
        assert sales.loc[inert, "rank"] > 1
    income = rows(result, "farmer_income_yuan")
    assert income.loc["platform.listing_limit", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert result.ranking("farmer_income_yuan")[-1] == "platform.listing_limit"


def test_sobol_gives_the_inert_zero_and_the_dominant_near_one(tiny: SimpleNamespace) -> None:
    result = sensitivity(tiny.scenario(), "sobol", RANGES, n=16, engine="serial")
    assert len(result.samples) == 16 * (2 + 2)
    sales = rows(result, SALES)
    inert, dominant = sales.loc["platform.listing_limit"], sales.loc["quota.share"]
    assert abs(inert["S1"]) <= inert["S1_conf"] + 1e-9
    assert abs(inert["ST"]) <= inert["ST_conf"] + 1e-9
    assert abs(dominant["S1"] - 1) <= dominant["S1_conf"] + 0.05
    assert abs(dominant["ST"] - 1) <= dominant["ST_conf"] + 0.05


def test_same_seed_same_indices(tiny: SimpleNamespace) -> None:
    scenario = tiny.scenario(canteens__attendance_cv=0.1)
    first = sensitivity(scenario, "morris", RANGES, n=3, engine="serial")
    again = sensitivity(scenario, "morris", RANGES, n=3, engine="serial")
    pd.testing.assert_frame_equal(first.indices, again.indices)
    pd.testing.assert_frame_equal(first.samples, again.samples)
    other = sensitivity(scenario, "morris", RANGES, n=3, engine="serial", seed=8)
    assert not first.samples.equals(other.samples)


def test_integer_keys_are_run_rounded(tiny: SimpleNamespace) -> None:
    result = sensitivity(tiny.scenario(), "sobol", RANGES, n=4, engine="serial")
    limits = result.samples["platform.listing_limit"]
    assert (limits == limits.round()).all()
    assert limits.between(1, 50).all()


@pytest.mark.parametrize(
    ("ranges", "key", "problem"),
    [
        ({"quota.share": (0.3, 0.1)}, "quota.share", "low below high"),
        ({"quota.share": (0.1, 1.5)}, "quota.share", "high = 1.5"),
        ({"ordering.margn": (0.0, 0.1)}, "ordering.margn", "does not exist"),
        ({"quota.basis": (0.0, 0.1)}, "quota.basis", "not a number"),
        ({"disruptions.0.attendance": (0.5, 1.0)}, "disruptions.0.attendance", "list"),
        ({"platform.vehicles": (0, 3)}, "platform.vehicles", "low = 0"),
    ],
)
def test_bad_ranges_name_the_key(
    tiny: SimpleNamespace, ranges: dict[str, tuple[float, float]], key: str, problem: str
) -> None:
    with pytest.raises(ScenarioError, match=problem) as caught:
        sensitivity(tiny.scenario(), "morris", ranges, n=2, engine="serial")
    assert key in str(caught.value)


def test_scenario_uncertainty_is_the_default(tiny: SimpleNamespace) -> None:
    scenario = tiny.scenario(uncertainty={"quota.share": [0.1, 0.3]})
    result = sensitivity(scenario, "morris", n=2, engine="serial")
    assert result.ranges == {"quota.share": (0.1, 0.3)}
    with pytest.raises(ScenarioError, match="uncertainty: is empty"):
        sensitivity(tiny.scenario(), "morris", n=2, engine="serial")


def test_bad_arguments(tiny: SimpleNamespace) -> None:
    with pytest.raises(CanteensimError, match="power of two"):
        sensitivity(tiny.scenario(), "sobol", RANGES, n=12, engine="serial")
    with pytest.raises(CanteensimError, match="method='fast'"):
        sensitivity(tiny.scenario(), "fast", RANGES, engine="serial")  # type: ignore[arg-type]
    assert parse_ranges(["quota.share=0:0.5"]) == {"quota.share": (0.0, 0.5)}
    with pytest.raises(ScenarioError, match="KEY=LO:HI"):
        parse_ranges(["quota.share=0.5"])


def test_kpi_nan_where_there_is_no_audit_does_not_crash(tiny: SimpleNamespace) -> None:
    # Morris's levels of [0, 0.3] include quota.share = 0, where compliance has no value.
    result = sensitivity(tiny.scenario(), "morris", {"quota.share": (0.0, 0.3)}, n=4)
    assert result.samples["compliance_rate"].isna().any()
    compliance = rows(result, "compliance_rate")
    assert compliance["note"].iloc[0] != ""
    assert result.ranking(SALES) == ["quota.share"]


def test_nan_units_are_left_out_of_the_analysis() -> None:
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    from SALib.sample import morris

    design = morris.sample(problem, 6, num_levels=4, seed=1)
    values = 3 * design[:, 0]
    values[0] = np.nan  # spoils the first trajectory
    frame = _analyse("morris", problem, design, values, "compliance_rate", 1)[0]
    frame = frame.set_index("parameter")
    assert (frame["points"] == 5 * 3).all()
    assert "5 of 6 trajectories" in frame["note"].iloc[0]
    assert frame.loc["a", "mu_star"] == pytest.approx(3.0)
    assert frame.loc["b", "mu_star"] == pytest.approx(0.0)
    nothing = _analyse("morris", problem, design, np.full(len(design), np.nan), "fill_rate", 1)[0]
    assert (nothing["points"] == 0).all()
    assert "nothing was ordered" in nothing["note"].iloc[0]


@pytest.mark.filterwarnings("ignore:Chinese names in figures")
def test_write_plot_and_repr(tiny: SimpleNamespace, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    morris = sensitivity(tiny.scenario(), "morris", RANGES, n=2, engine="serial")
    assert "quota.share" in repr(morris) and len(repr(morris)) < 2000
    for kind in ("mu_star_sigma", "tornado"):
        ax = morris.plot(kind)
        assert ax.get_title() == "Monthly sales (yuan)" or ax.get_title()
    sobol = sensitivity(tiny.scenario(), "sobol", RANGES, n=4, engine="serial")
    sobol.plot(lang="zh")
    with pytest.raises(CanteensimError, match="kind='tornado'"):
        sobol.plot("tornado")
    sobol.write(tmp_path / "out")
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "samples.csv",
        "indices.csv",
        "interactions.csv",
        "runs.parquet",
        "summary.json",
    }
    assert sobol.summary["kind"] == "sensitivity"


def test_stored_and_resumed(tiny: SimpleNamespace, tmp_path: Path, count_runs: object) -> None:
    folder = tmp_path / "sens"
    first = sensitivity(tiny.scenario(), "morris", RANGES, n=2, engine="serial", folder=folder)
    assert (folder / "indices.csv").exists() and (folder / "summary.json").exists()
    done = count_runs.count  # type: ignore[attr-defined]
    assert done == 2 * (2 + 1)
    again = sensitivity(
        tiny.scenario(), "morris", RANGES, n=2, engine="serial", folder=folder, resume=True
    )
    assert count_runs.count == done  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(first.indices, again.indices)


def test_second_order_sobol_gives_one_row_per_pair(tiny: SimpleNamespace) -> None:
    ranges = {**RANGES, "platform.commission": (0.0, 0.1)}
    result = sensitivity(tiny.scenario(), "sobol", ranges, n=16, engine="serial", second_order=True)
    assert len(result.samples) == 16 * (2 * 3 + 2)  # Saltelli's scheme with pairs
    sales = result.interactions[result.interactions["kpi"] == SALES]
    assert len(sales) == 3  # three keys, three pairs
    assert set(map(frozenset, zip(sales["parameter"], sales["other"], strict=True))) == {
        frozenset(pair)
        for pair in [
            ("quota.share", "platform.listing_limit"),
            ("quota.share", "platform.commission"),
            ("platform.listing_limit", "platform.commission"),
        ]
    }
    # sales are the quota alone: no pair explains anything beyond it, two inert keys nothing
    assert sales["S2"].abs().max() == pytest.approx(0.0, abs=0.05)
    inert = sales[sales["parameter"] != "quota.share"]
    assert inert["S2"].tolist() == [0.0]
    first_order = sensitivity(tiny.scenario(), "sobol", ranges, n=4, engine="serial")
    assert first_order.interactions.empty
    with pytest.raises(CanteensimError, match="second_order=True needs method='sobol'"):
        sensitivity(tiny.scenario(), "morris", ranges, n=2, second_order=True)
