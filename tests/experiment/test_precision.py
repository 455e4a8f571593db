"""--precision: replications added in batches until every relative half-width is small enough.

The rule (compare's docstring): start with -r replications, add batches of max(2, r // 2), stop
once the target is met and stays met for one more batch, or at --max-replications.
"""

from __future__ import annotations

import pandas as pd
import pytest

from canteensim.experiment import compare
from canteensim.experiment.statistics import comparison_table, relative_half_widths
from canteensim.results import KPI_NAMES

from .conftest import HAIKOU, SHORT, read_summary

VARY = ["--vary", "quota.share=0.2,0.3"]
LABELS = {0: "quota.share=0.2", 1: "quota.share=0.3"}


def widest(runs: pd.DataFrame, replications: int) -> float:
    """The largest relative half-width over settings and KPIs with the first `replications`."""
    kept = runs[runs["replication"] < replications]
    table = comparison_table(kept[["setting", "replication", *KPI_NAMES]], list(KPI_NAMES), LABELS)
    return float(relative_half_widths(table).max())


def test_stops_once_precise_for_two_batches_in_a_row(cli, tmp_path):
    folder = tmp_path / "out"
    cli(
        "compare", HAIKOU, "--set", SHORT[0], *VARY, "-r", "4", "--precision", "0.1",
        "--max-replications", "40", "-o", folder, "--serial", "-q", "--no-report",
    ).ok()  # fmt: skip
    runs = pd.read_parquet(folder / "runs.parquet")
    planned = read_summary(folder)["replications"]
    batch = 2
    assert planned > 4  # four replications are not precise enough
    assert planned < 40  # and the cap was not what stopped it
    assert sorted(runs["replication"].unique()) == list(range(planned))
    assert len(runs) == 2 * planned
    # the final table meets the target, as did the one a batch before …
    table = pd.read_csv(folder / "comparison.csv", encoding="utf-8-sig")
    widths = relative_half_widths(table).dropna()
    assert len(widths) > 0
    assert (widths <= 0.1).all(), table.loc[widths.idxmax(), ["setting", "kpi"]]
    assert (table["n"] == planned).all()
    assert widest(runs, planned) <= 0.1
    assert widest(runs, planned - batch) <= 0.1
    # … and it stopped at the first such pair of batches
    if planned - 2 * batch >= 4:
        assert widest(runs, planned - 2 * batch) > 0.1
    assert widest(runs, 4) > 0.1


@pytest.mark.parametrize(("cap", "batches"), [(7, [3, 5, 7]), (6, [3, 5, 6])])
def test_unreachable_precision_stops_exactly_at_the_cap(short, cap, batches):
    seen: list[int] = []
    comparison = compare(
        short,
        {"quota.share": [0.2, 0.3]},
        3,
        engine="serial",
        precision=1e-6,
        max_replications=cap,
        progress=lambda done, total: seen.append(total),
    )
    assert sorted({total // 2 for total in seen}) == batches
    assert comparison.summary["replications"] == cap
    assert sorted(comparison.runs["replication"].unique()) == list(range(cap))
    assert (comparison.table["n"] == cap).all()


def test_unreachable_precision_through_the_cli(cli, tmp_path):
    folder = tmp_path / "out"
    cli(
        "compare", HAIKOU, "--set", SHORT[0], *VARY, "-r", "2", "--precision", "0.000001",
        "--max-replications", "5", "-o", folder, "--serial", "-q", "--no-report",
    ).ok()  # fmt: skip
    summary = read_summary(folder)
    assert summary["replications"] == 5
    assert summary["precision"] == 1e-6
    runs = pd.read_parquet(folder / "runs.parquet")
    assert len(runs) == 2 * 5


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.1", "tight"])
def test_precision_must_be_a_share(cli, tmp_path, value):
    with pytest.raises(SystemExit) as caught:
        cli("compare", HAIKOU, *VARY, "--precision", value, "-o", tmp_path / "o")
    assert caught.value.code == 2
    assert not (tmp_path / "o").exists()
