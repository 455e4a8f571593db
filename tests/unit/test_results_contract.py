"""The results contract: one row per KPI, one function per KPI, and folders that say their kind."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from canteensim import load_scenario, simulate, text
from canteensim.cli import main
from canteensim.errors import ReportError
from canteensim.model.kpis import KPI_FUNCTIONS
from canteensim.report.read import read_results
from canteensim.results import (
    FORMAT_VERSION,
    HEADLINE_KPIS,
    KPI_NAMES,
    KPIS,
    RUN_TABLE_COLUMNS,
    RUN_TABLES,
    SUMMARY,
)

HAIKOU = Path(__file__).resolve().parents[2] / "scenarios" / "hainan_2020.toml"
SHORT = ["scenario.end=2020-03-31"]


def test_every_kpi_has_one_function_and_every_function_a_kpi() -> None:
    assert list(KPI_FUNCTIONS) == list(KPI_NAMES)


def test_a_run_reports_the_contract_kpis_in_order() -> None:
    kpis = simulate(load_scenario(HAIKOU, SHORT)).kpis
    assert list(kpis.columns) == ["replication", *KPI_NAMES]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kpi_is_labelled_and_every_undefinable_one_says_when(lang: str) -> None:
    for kpi in KPIS:
        assert text.kpi(lang, kpi.name) not in ("", kpi.name)
    # a share or mean can have nothing to measure; its row says when, in both languages
    for name in ("compliance_rate", "fill_rate", "monthly_sales_yuan_mean"):
        assert text.undefined(lang, name)


def test_headline_kpis_are_the_ones_marked_so_and_the_terminal_formats_by_unit() -> None:
    assert tuple(k.name for k in KPIS if k.headline) == HEADLINE_KPIS
    by_name = {k.name: k for k in KPIS}
    assert by_name["compliance_rate"].format(0.5928) == "59.3%"
    assert by_name["monthly_sales_yuan_mean"].format(311911.6) == "311,912 yuan"
    assert by_name["lost_kg"].format(3031.1) == "3,031 kg"
    assert by_name["order_lines"].format(6477) == "6,477"


def test_run_and_comparison_folders_say_their_kind(tmp_path: Path) -> None:
    run, comparison = tmp_path / "run", tmp_path / "comparison"
    common = ["--set", SHORT[0], "--serial", "-q", "--no-report"]
    assert main(["run", str(HAIKOU), "-o", str(run), *common]) == 0
    vary = ["--vary", "quota.share=0.1,0.2", "-r", "2"]
    assert main(["compare", str(HAIKOU), *vary, "-o", str(comparison), *common]) == 0
    for folder, kind in ((run, "run"), (comparison, "comparison")):
        document = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        assert (document["kind"], document["format_version"]) == (kind, FORMAT_VERSION)
        assert read_results(folder).kind == kind


def test_a_summary_that_does_not_say_its_kind_is_not_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert (
        main(["run", str(HAIKOU), "--set", SHORT[0], "-o", str(folder), "-q", "--no-report"]) == 0
    )
    document = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    del document["kind"]
    (folder / SUMMARY).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReportError, match="no 'kind'"):
        read_results(folder)


DTYPE_KINDS = {"int": "i", "float": "f", "bool": "b", "datetime": "M"}


def test_a_run_writes_the_contract_tables_column_for_column() -> None:
    tables = simulate(load_scenario(HAIKOU, SHORT)).tables
    assert tuple(tables) == RUN_TABLES
    for name, columns in RUN_TABLE_COLUMNS.items():
        frame = tables[name]
        assert list(frame.columns) == list(columns), name
        for column, dtype in columns.items():
            values = frame[column]
            if dtype == "category":
                assert isinstance(values.dtype, pd.CategoricalDtype), (name, column)
            elif dtype == "text":
                assert pd.api.types.is_string_dtype(values.dtype), (name, column)
            elif dtype == "date":
                assert all(type(v) is dt.date for v in values), (name, column)
            else:
                assert values.dtype.kind == DTYPE_KINDS[dtype], (name, column, values.dtype)


def test_tables_read_back_from_csv_are_those_read_from_parquet(tmp_path: Path) -> None:
    """The report reads a folder once into typed tables, whichever format it was written in."""
    for shape in ("csv", "parquet"):
        options = ["--set", SHORT[0], "-q", "--no-report", "--format", shape]
        assert main(["run", str(HAIKOU), "-o", str(tmp_path / shape), *options]) == 0
    from_csv, from_parquet = read_results(tmp_path / "csv"), read_results(tmp_path / "parquet")
    for name in RUN_TABLES:
        pd.testing.assert_frame_equal(
            from_csv.tables[name],
            from_parquet.tables[name],
            check_dtype=False,  # CSV gives int64 where Parquet keeps the categories' codes narrow
            check_categorical=False,
            obj=name,
        )
        for column, dtype in RUN_TABLE_COLUMNS[name].items():
            if dtype in ("category", "datetime"):
                kinds = {from_csv.tables[name][column].dtype.kind}
                kinds.add(from_parquet.tables[name][column].dtype.kind)
                assert len(kinds) == 1, (name, column, kinds)


def test_a_table_without_a_contract_column_is_refused_not_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    options = ["--set", SHORT[0], "-q", "--no-report"]
    assert main(["run", str(HAIKOU), "-o", str(folder), *options]) == 0
    table = folder / "canteen_months.csv"
    frame = pd.read_csv(table, encoding="utf-8-sig").drop(columns="fulfilment")
    frame.to_csv(table, index=False, encoding="utf-8-sig")
    with pytest.raises(ReportError, match="no column 'fulfilment' of the canteen_months table"):
        read_results(folder)


def test_a_summary_is_read_once_into_typed_fields(tmp_path: Path) -> None:
    run, comparison = tmp_path / "run", tmp_path / "comparison"
    common = ["--set", SHORT[0], "--serial", "-q", "--no-report"]
    zero_quota = ["--set", "quota.share=0", "-r", "2"]
    assert main(["run", str(HAIKOU), "-o", str(run), *zero_quota, *common]) == 0
    vary = ["--vary", "quota.share=0.1,0.2", "-r", "3"]
    assert main(["compare", str(HAIKOU), *vary, "-o", str(comparison), *common]) == 0

    folder = read_results(run)
    document = json.loads((run / SUMMARY).read_text(encoding="utf-8"))
    assert (folder.replications, folder.scenario.quota.share) == (2, 0.0)
    assert list(folder.kpis) == list(KPI_NAMES)
    assert document["kpis"]["compliance_rate"] is None  # nothing audited: null, read as NaN
    assert math.isnan(folder.kpis["compliance_rate"])
    assert folder.kpis["total_sales_yuan"] == document["kpis"]["total_sales_yuan"]
    assert list(folder.replication_kpis.columns) == ["replication", *KPI_NAMES]
    assert folder.replication_kpis["replication"].tolist() == [0, 1]
    assert (folder.vary, folder.settings, folder.precision) == ({}, [], None)
    made = folder.provenance
    assert made.command[:2] == ("canteensim", "run") and made.engine is None
    assert (made.seed, made.scenario_sha256) == (document["seed"], document["scenario_sha256"])
    assert made.run_seconds == document["run_seconds"]

    folder = read_results(comparison)
    assert folder.replications == 3 and folder.scenario.quota.share == 0.2  # the base scenario
    assert folder.vary == {"quota.share": [0.1, 0.2]}
    assert folder.settings == ["quota.share=0.1", "quota.share=0.2"]
    assert (folder.kpis, folder.replication_kpis.empty) == ({}, True)
    assert folder.provenance.engine == "serial"
