"""A run's tables as numpy columns (`canteensim.model.columns`): the same DataFrames and the same
files as the pandas tables they replace, and a run that never imports pandas."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from canteensim import load_scenario, simulate
from canteensim.model.columns import Labels, Table, Tables, labels
from canteensim.model.kpis import monthly_sales_yuan_mean
from canteensim.output import write_csv, write_parquet
from canteensim.results import RUN_TABLES

ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = ROOT / "scenarios" / "hainan_2020_consumers.toml"


@pytest.fixture(scope="module")
def two_runs() -> Tables:
    """Two replications of Haikou with consumers: canteens and pickup points, every table."""
    scenario = load_scenario(CONSUMERS, ["scenario.end=2020-06-30"])
    runs = [simulate(scenario, replication=r) for r in (0, 1)]
    return Tables.concat([run.tables for run in runs])


def odd_table() -> Table:
    """Every kind of column, with the values a writer can get wrong: text a spreadsheet would
    evaluate, whole floats (written 3.0), a missing float, -0.0, midnights and an instant."""
    return Table(
        {
            "label": labels(np.array([0, 1, 0, 2]), ["=SUM(A1)", "菜", "-2"]),
            "whole": np.array([1.0, 2.0, 3.0, 4.0]),
            "missing": np.array([0.5, np.nan, 1.5, 2.5]),
            "negative_zero": np.array([-0.0, 1.0, 2.0, 3.0]),
            "day": np.array(["2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09"], "M8[s]"),
            "instant": np.array(
                ["2020-01-06T12:30", "2020-01-07", "2020-01-08", "2020-01-09"]
            ).astype("M8[s]"),
            "flag": np.array([True, False, True, True]),
            "count": np.arange(4, dtype=np.int64),
        }
    )


def test_a_run_builds_and_writes_its_tables_without_pandas(tmp_path: Path) -> None:
    code = (
        "import sys; from canteensim.cli import main; "
        f"status = main(['run', {str(CONSUMERS)!r}, '--set', 'scenario.end=2020-03-31', "
        f"'-o', {str(tmp_path / 'out')!r}, '--no-report', '--serial']); "
        "print('pandas' in sys.modules, status)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "False 0", done.stdout + done.stderr
    assert "compliance_rate" in done.stdout  # the KPI table was printed, without pandas too
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted([*(f"{name}.csv" for name in RUN_TABLES), "summary.json"])


def test_frames_have_the_contract_dtypes_and_rows_of_both_runs(two_runs: Tables) -> None:
    months = two_runs["monthly_sales"]
    assert months["replication"].tolist() == sorted(months["replication"])
    assert set(months["replication"]) == {0, 1}
    assert isinstance(months["month"].dtype, pd.CategoricalDtype)
    assert list(months["buyer"].cat.categories) == ["canteens", "consumers"]
    assert two_runs["deliveries"]["scheduled_day"].dtype == "datetime64[s]"
    assert two_runs["weekly_products"]["week_start"].dtype == "datetime64[s]"
    assert two_runs["canteen_months"]["audited"].dtype == bool
    assert two_runs["audit_failures"]["skipped_orders"].dtype == np.int64
    for name in RUN_TABLES:
        assert len(two_runs[name]) == two_runs.rows(name)


@pytest.mark.parametrize("name", RUN_TABLES)
def test_a_table_is_written_as_its_frame_is(two_runs: Tables, name: str, tmp_path: Path) -> None:
    table = two_runs.table(name)
    write_csv(table, tmp_path / "table.csv")
    write_csv(two_runs[name], tmp_path / "frame.csv")
    assert (tmp_path / "table.csv").read_bytes() == (tmp_path / "frame.csv").read_bytes()


def test_odd_values_are_written_as_pandas_frames_write_them(tmp_path: Path) -> None:
    table = odd_table()
    write_csv(table, tmp_path / "table.csv")
    write_csv(table.to_pandas(), tmp_path / "frame.csv")
    text = (tmp_path / "table.csv").read_text("utf-8-sig")
    assert text == (tmp_path / "frame.csv").read_text("utf-8-sig")
    assert "'=SUM(A1)" in text and "'-2" in text  # text a spreadsheet would evaluate, escaped
    assert "2020-01-06 12:30:00" in text and ",1.0," in text


@pytest.mark.parametrize("name", ["canteen_months", "deliveries", "odd"])
def test_parquet_reads_back_as_the_frames_parquet(
    two_runs: Tables, name: str, tmp_path: Path
) -> None:
    table = odd_table() if name == "odd" else two_runs.table(name)
    write_parquet(table, tmp_path / "table.parquet")
    write_parquet(table.to_pandas(), tmp_path / "frame.parquet")
    back = pd.read_parquet(tmp_path / "table.parquet")
    pd.testing.assert_frame_equal(
        back, pd.read_parquet(tmp_path / "frame.parquet"), check_exact=True
    )
    if name == "odd":  # raw text, and a missing float
        assert back["label"].tolist()[0] == "=SUM(A1)" and math.isnan(back["missing"][1])


def test_stacked_labels_of_other_values_keep_each_rows_text() -> None:
    first = Table({"kind": labels(np.array([0, 1]), ["a", "b"])})
    second = Table({"kind": labels(np.array([1, 0]), ["c", "a"])})
    stacked = Table.concat([first, second])
    assert stacked.column("kind").tolist() == ["a", "b", "a", "c"]
    column = stacked.columns["kind"]
    assert isinstance(column, Labels)
    assert column.values.tolist() == ["a", "b", "c"]


def test_a_frame_read_is_a_copy(two_runs: Tables) -> None:
    frames = Tables({"deliveries": two_runs.table("deliveries")})
    frames["deliveries"].loc[0, "kg"] = -1.0
    assert two_runs.table("deliveries").column("kg")[0] != -1.0


def test_a_months_sales_are_summed_exactly_in_any_order_of_its_rows() -> None:
    # 0.1 + 0.2 + 0.3 in float is 0.6000000000000001; the month's sales are 0.6 as a decimal
    sales = {
        "month": labels(np.array([0, 0, 0]), ["2020-03"]),
        "sales_yuan": np.array([0.1, 0.2, 0.3]),
        "partial": np.array([False] * 3),
    }
    reordered = {**sales, "sales_yuan": np.array([0.3, 0.2, 0.1])}

    class Run:
        def __init__(self, columns: dict) -> None:
            self.table = Table(columns)

        def sales(self, name: str) -> np.ndarray:
            return self.table.column(name)

    means = [monthly_sales_yuan_mean(Run(c)) for c in (sales, reordered)]  # type: ignore[arg-type]
    assert means == [0.6, 0.6]
