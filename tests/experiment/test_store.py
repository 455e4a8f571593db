"""A comparison's folder: what it holds at the end, and resuming it (SPEC §4, §5).

Interruptions by real signals are in test_interrupted.py; here comparisons run in this process.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from canteensim import __version__
from canteensim.errors import ResultsError
from canteensim.experiment import compare
from canteensim.output import scenario_sha256
from canteensim.results import KPI_NAMES

from .conftest import HAIKOU, SHORT, assert_same_final, read_summary, snapshot

VARY = {"quota.share": [0.2, 0.3], "quota.basis": ["quantity", "value"]}
REPLICATIONS = 3
COMPARISON_COLUMNS = [
    "setting",
    "kpi",
    "mean",
    "ci_low",
    "ci_high",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "n",
]


@pytest.fixture(scope="module")
def finished(short, tmp_path_factory):
    """A finished 4-setting × 3-replication comparison and its folder."""
    folder = tmp_path_factory.mktemp("store") / "out"
    comparison = compare(short, VARY, REPLICATIONS, engine="serial", folder=folder)
    return comparison, folder


def test_folder_holds_the_final_files_and_no_journal(finished):
    _, folder = finished
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "comparison.csv",
        "manifest.json",
        "monthly.parquet",
        "monthly_comparison.csv",
        "runs.parquet",
        "summary.json",
    ]


def test_runs_table(finished):
    comparison, folder = finished
    runs = pd.read_parquet(folder / "runs.parquet")
    pd.testing.assert_frame_equal(runs, comparison.runs, check_exact=True)
    assert len(runs) == 4 * REPLICATIONS
    for column in ("setting", "label", "quota.share", "quota.basis", "replication", "seed"):
        assert column in runs.columns
    for kpi in KPI_NAMES:
        assert kpi in runs.columns
        assert runs[kpi].notna().all(), kpi
    assert not runs.duplicated(["setting", "replication"]).any()
    assert sorted(runs["replication"].unique()) == list(range(REPLICATIONS))
    first = runs[runs["setting"] == 3].iloc[0]
    assert first["label"] == "quota.share=0.3, quota.basis=value"
    assert (first["quota.share"], first["quota.basis"]) == (0.3, "value")
    assert (runs["seed"] == 20200224).all()


def test_monthly_table(finished, short):
    comparison, folder = finished
    monthly = pd.read_parquet(folder / "monthly.parquet")
    pd.testing.assert_frame_equal(monthly, comparison.monthly, check_exact=True)
    assert list(monthly.columns) == [
        "setting",
        "replication",
        "month",
        "category",
        "sales_yuan",
        "quantity_kg",
        "partial",
    ]
    per_run = monthly.groupby(["setting", "replication"]).size()
    assert len(per_run) == 4 * REPLICATIONS
    assert set(monthly["month"]) == {"2020-02", "2020-03"}
    # a run's monthly sales add up to its total sales
    totals = monthly.groupby(["setting", "replication"])["sales_yuan"].sum()
    runs = comparison.runs.set_index(["setting", "replication"])["total_sales_yuan"]
    assert totals.to_numpy() == pytest.approx(runs.loc[totals.index].to_numpy(), rel=1e-9)


def test_comparison_csv(finished):
    comparison, folder = finished
    raw = (folder / "comparison.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    table = pd.read_csv(folder / "comparison.csv", encoding="utf-8-sig")
    for column in COMPARISON_COLUMNS:
        assert column in table.columns
    assert len(table) == 4 * len(KPI_NAMES)
    assert (table["n"] == REPLICATIONS).all()
    # the means and paired differences are those of the runs table
    runs = comparison.runs
    for setting in range(4):
        row = table[(table["setting_index"] == setting) & (table["kpi"] == "total_sales_yuan")]
        own = runs[runs["setting"] == setting].sort_values("replication")["total_sales_yuan"]
        base = runs[runs["setting"] == 0].sort_values("replication")["total_sales_yuan"]
        assert row["mean"].item() == pytest.approx(own.mean(), rel=1e-12)
        if setting == 0:  # the baseline has no difference with itself
            assert np.isnan(row["diff_mean"].item())
            continue
        assert row["diff_mean"].item() == pytest.approx(
            (own.to_numpy() - base.to_numpy()).mean(), rel=1e-9, abs=1e-6
        )
        assert row["ci_low"].item() < row["mean"].item() < row["ci_high"].item()


def test_summary_provenance(finished, short):
    _, folder = finished
    summary = read_summary(folder)
    assert summary["scenario_name"] == "Haikou canteens, 2020"
    assert summary["scenario_sha256"] == scenario_sha256(short)
    assert summary["seed"] == 20200224
    assert summary["replications"] == REPLICATIONS
    assert summary["vary"] == {"quota.share": [0.2, 0.3], "quota.basis": ["quantity", "value"]}
    assert summary["settings"][0] == "quota.share=0.2, quota.basis=quantity"
    assert summary["engine"] == "serial"
    assert summary["scenario"]["scenario"]["end"] == "2020-03-31"
    assert summary["run_seconds"] > 0


def test_summary_records_the_version(finished):
    _, folder = finished
    assert read_summary(folder).get("version") == __version__


# --- refusals ------------------------------------------------------------------------------------


@pytest.fixture
def cli_finished(cli, tmp_path):
    """A finished comparison made by the CLI: its folder and its arguments (no report)."""
    folder = tmp_path / "cmp"
    args = ["compare", HAIKOU, "--set", SHORT[0], "--no-report"]
    args += ["--vary", "quota.share=0.2,0.3", "-r", "2"]
    cli(*args, "-o", folder, "--serial", "-q").ok()
    return folder, args


def test_existing_folder_needs_resume_or_force(cli, cli_finished):
    folder, args = cli_finished
    before = snapshot(folder)
    line = cli(*args, "-o", folder, "--serial", "-q").error_line()
    assert line.startswith(f"{folder}: already exists")
    assert "--resume" in line and "--force" in line
    assert snapshot(folder) == before


def test_existing_non_empty_folder_of_anything_else_is_refused(cli, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    args = ["compare", HAIKOU, "--set", SHORT[0], "--vary", "quota.share=0.2", "-r", "2"]
    assert "already exists" in cli(*args, "-o", folder, "--serial", "-q").error_line()
    line = cli(*args, "-o", folder, "--serial", "-q", "--resume").error_line()
    assert "no comparison to resume" in line
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(["--seed", "5"], id="seed"),
        pytest.param(["--vary", "quota.share=0.2,0.35"], id="grid values"),
        pytest.param(["--vary", "quota.share=0.2,0.3", "--vary", "platform.vehicles=4"], id="keys"),
        pytest.param(["--set", "ordering.margin=0.2"], id="scenario"),
    ],
)
def test_resume_of_another_comparison_is_refused(cli, cli_finished, change):
    folder, args = cli_finished
    before = snapshot(folder)
    if change[0] == "--vary":
        args = args[: args.index("--vary")] + change + args[args.index("-r") :]
    else:
        args = [*args, *change]
    line = cli(*args, "-o", folder, "--serial", "-q", "--resume").error_line()
    assert line == (
        f"{folder}: was made from another scenario, seed or --vary grid; "
        "resume it with the same ones, or choose another -o folder"
    )
    assert snapshot(folder) == before


def test_resume_refusal_from_the_library(short, tmp_path):
    folder = tmp_path / "out"
    vary = {"quota.share": [0.2]}
    compare(short, vary, 2, engine="serial", folder=folder)
    with pytest.raises(ResultsError, match="another scenario, seed or --vary grid"):
        compare(short, vary, 2, engine="serial", folder=folder, resume=True, seed=1)


def test_force_starts_again(cli, cli_finished, count_runs):
    folder, args = cli_finished
    (folder / "stray.txt").write_text("old", encoding="utf-8")
    cli(*args, "-o", folder, "--serial", "-q", "--force").ok()
    assert count_runs.count == 4  # everything again
    assert not (folder / "stray.txt").exists()


# --- resume --------------------------------------------------------------------------------------


def test_resume_of_a_finished_comparison_runs_nothing(cli, cli_finished, count_runs):
    folder, args = cli_finished
    before = {name: (folder / name).read_bytes() for name in ("runs.parquet", "comparison.csv")}
    cli(*args, "-o", folder, "--serial", "-q", "--resume").ok()
    assert count_runs.count == 0
    assert {name: (folder / name).read_bytes() for name in before} == before


def test_resume_with_more_replications_runs_only_the_new_ones(cli, cli_finished, count_runs):
    folder, args = cli_finished
    more = [*args[: args.index("-r")], "-r", "5"]
    cli(*more, "-o", folder, "--serial", "-q", "--resume").ok()
    assert sorted(count_runs.keys) == [(s, r) for s in (0, 1) for r in (2, 3, 4)]
    assert read_summary(folder)["replications"] == 5
    # the same as five replications from the start
    reference = folder.parent / "reference"
    cli(*more, "-o", reference, "--serial", "-q").ok()
    assert_same_final(folder, reference)


def test_resume_with_more_replications_on_processes(short, tmp_path):
    folder = tmp_path / "out"
    vary = {"quota.share": [0.2, 0.3]}
    compare(short, vary, 2, engine="serial", folder=folder)
    progress: list[tuple[int, int]] = []
    resumed = compare(
        short,
        vary,
        4,
        engine="processes",
        workers=2,
        folder=folder,
        resume=True,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert progress[0] == (4, 8)  # the four stored runs count as done from the start
    assert progress[-1] == (8, 8)
    reference = compare(short, vary, 4, engine="serial")
    pd.testing.assert_frame_equal(resumed.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.monthly, reference.monthly, check_exact=True)
    pd.testing.assert_frame_equal(resumed.table, reference.table, check_exact=True)


def test_journal_line_cut_short_is_ignored(short, tmp_path, count_runs):
    """A journal as a kill leaves it: some runs, then half a line."""
    folder = tmp_path / "out"
    vary = {"quota.share": [0.2, 0.3]}
    reference = compare(short, vary, 3, engine="serial", folder=tmp_path / "reference")
    records = [
        json.dumps(
            {
                "setting": int(row.setting),
                "replication": int(row.replication),
                "kpis": {k: float(getattr(row, k)) for k in KPI_NAMES},
                "monthly": [
                    {k: v for k, v in m.items() if k not in ("setting", "replication")}
                    for m in reference.monthly[
                        (reference.monthly["setting"] == row.setting)
                        & (reference.monthly["replication"] == row.replication)
                    ].to_dict(orient="records")
                ],
            },
            ensure_ascii=False,
        )
        for row in reference.runs.itertuples()
    ]
    compare(short, vary, 1, engine="serial", folder=folder)  # a manifest for this comparison
    for name in ("runs.parquet", "monthly.parquet", "comparison.csv", "monthly_comparison.csv"):
        (folder / name).unlink()
    journal = "\n".join(records[:2]) + "\n" + records[2][: len(records[2]) // 2]
    (folder / "journal.jsonl").write_text(journal, encoding="utf-8")
    count_runs.keys.clear()
    compare(short, vary, 3, engine="serial", folder=folder, resume=True)
    assert sorted(count_runs.keys) == [(0, 2), (1, 0), (1, 1), (1, 2)]
    assert_same_final(folder, tmp_path / "reference")
    assert not (folder / "journal.jsonl").exists()
