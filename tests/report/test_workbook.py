"""report.xlsx as an Excel user keeps it: a summary sheet of numbers first, a README, then every
table with formats, real dates, a frozen header, a filter and fitted columns; in Chinese with
``lang="zh"``; a comparison's varied keys as numbers; a province's longest tables left out.

The folders are the tiny scenario's (tests/conftest.py), run and compared in Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from canteensim.experiment.compare import compare
from canteensim.experiment.search import search
from canteensim.model.simulate import Results
from canteensim.output import summary, write_results
from canteensim.report import workbook
from canteensim.report.read import ResultsFolder, read_results
from canteensim.report.workbook import parse_number, write_workbook
from canteensim.results import KPIS
from canteensim.text import NOT_APPLICABLE

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def run(tiny: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory) -> ResultsFolder:
    """Two replications of the tiny scenario, with a second canteen of another kind."""
    scenario = tiny.scenario(canteens=[tiny.canteen("K1"), tiny.canteen("K2", kind="enterprise")])
    from canteensim import simulate

    results = Results.concat([simulate(scenario, replication=r) for r in (0, 1)])
    folder = tmp_path_factory.mktemp("workbook") / "run"
    write_results(results, folder, summary(results, version="test", run_seconds=0.0))
    return read_results(folder)


@pytest.fixture(scope="module")
def comparison(tiny: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory) -> ResultsFolder:
    folder = tmp_path_factory.mktemp("workbook") / "comparison"
    vary = {"quota.share": [0.1, 0.25], "platform.vehicles": [1, 2]}
    compare(tiny.scenario(), vary, replications=2, engine="serial", folder=folder)
    return read_results(folder)


def book_of(results: ResultsFolder, path: Path, lang: str = "en") -> Any:
    write_workbook(results, path, lang)
    return openpyxl.load_workbook(path)


def header(sheet: Any) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def column_cells(sheet: Any, name: str) -> list[Any]:
    index = header(sheet).index(name) + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


# --- the summary sheet ----------------------------------------------------------------------


def test_the_summary_sheet_comes_first_with_kpis_as_numbers(
    run: ResultsFolder, tmp_path: Path
) -> None:
    kpis = {**run.kpis, "compliance_rate": math.nan}  # a KPI with nothing to measure
    book = book_of(dataclasses.replace(run, kpis=kpis), tmp_path / "r.xlsx")
    assert book.sheetnames[:2] == ["summary", "README"]
    sheet = book["summary"]
    rows = {
        row[4].value: row[:5]
        for row in sheet.iter_rows(max_col=5)
        if isinstance(row[4].value, str) and row[4].value in run.kpis
    }
    assert set(rows) == {k.name for k in KPIS}
    for spec in KPIS:
        label, value, sd, _, _ = rows[spec.name]
        assert label.value == spec.label["en"]
        if spec.name == "compliance_rate":
            assert value.value == NOT_APPLICABLE["en"]
            continue
        assert isinstance(value.value, (int, float)), spec.name
        assert value.value == pytest.approx(run.kpis[spec.name])
        assert value.number_format == ("0.0%" if spec.unit == "share" else "#,##0")
        assert isinstance(sd.value, (int, float))  # two replications: their spread
    assert rows["fill_rate"][3].value == "%" and rows["total_sales_yuan"][3].value == "yuan"


def test_the_summary_tables_hold_numbers_where_the_page_has_figures(
    run: ResultsFolder, tmp_path: Path
) -> None:
    sheet = book_of(run, tmp_path / "r.xlsx")["summary"]
    rows = [[cell for cell in row if cell.value is not None] for row in sheet.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row and row[0].value == "Month")
    month = rows[at + 1]  # the report page's monthly sales by category
    assert str(month[0].value).startswith("2021-02")
    assert all(isinstance(cell.value, (int, float)) for cell in month[1:])
    assert {cell.number_format for cell in month[1:]} == {"#,##0"}
    shares = [cell for row in rows for cell in row if cell.number_format == "0.0%"]
    assert shares and all(0 <= cell.value <= 2 for cell in shares)


@pytest.mark.parametrize(
    ("shown", "lang", "expected"),
    [
        ("310,000", "en", (310000.0, "#,##0")),
        ("1,234.5", "en", (1234.5, "#,##0.0")),
        ("59.3%", "en", (0.593, "0.0%")),
        ("100%", "en", (1.0, "0%")),
        ("+1,200", "en", (1200.0, "+#,##0;-#,##0;#,##0")),
        ("-3.25", "en", (-3.25, "#,##0.00")),
        ("+1.2 pp", "en", (1.2, '+0.0" pp";-0.0" pp";0.0" pp"')),
        ("-39.6 个百分点", "zh", (-39.6, '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"')),
        ("n/a", "en", None),
        ("[1,000, 2,000]", "en", None),
        ("2020-03", "en", None),
        ("baseline", "en", None),
        ("1,23", "en", None),
    ],
)
def test_numbers_in_text_are_read_only_where_unambiguous(
    shown: str, lang: str, expected: tuple[float, str] | None
) -> None:
    parsed = parse_number(shown, lang)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed[0] == pytest.approx(expected[0]) and parsed[1] == expected[1]


# --- the table sheets -----------------------------------------------------------------------


def test_every_table_sheet_has_formats_a_frozen_header_a_filter_and_fitted_columns(
    run: ResultsFolder, tmp_path: Path
) -> None:
    sales = run.tables["monthly_sales"].assign(
        quantity_kg=lambda frame: frame["quantity_kg"] * 1.01 + 0.5
    )  # kilograms with decimals
    run = dataclasses.replace(run, tables={**run.tables, "monthly_sales": sales})
    book = book_of(run, tmp_path / "r.xlsx")
    for name, frame in [("kpis", run.replication_kpis), *run.tables.items()]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        last = get_column_letter(len(frame.columns))
        assert sheet.auto_filter.ref == f"A1:{last}{len(frame) + 1}", name
        assert header(sheet) == list(frame.columns), name
        widths = [
            sheet.column_dimensions[get_column_letter(i + 1)].width
            for i in range(len(frame.columns))
        ]
        assert all(6 <= w <= workbook.MAX_WIDTH for w in widths), name
    formats = {
        ("monthly_sales", "sales_yuan"): "#,##0",
        ("monthly_sales", "quantity_kg"): "#,##0.0",
        ("monthly_sales", "replication"): "0",
        ("canteen_months", "aid_share"): "0.0%",
        ("canteen_months", "fulfilment"): "0.0%",
        ("kpis", "fill_rate"): "0.0%",
        ("kpis", "total_sales_yuan"): "#,##0",
        ("kpis", "order_lines"): "#,##0",
    }
    for (table, column), expected in formats.items():
        cells = [c for c in column_cells(book[table], column) if c.value is not None]
        assert cells and {c.number_format for c in cells} == {expected}, (table, column)
        assert all(isinstance(c.value, (int, float)) for c in cells), (table, column)
    products = book["weekly_products"]
    name_width = products.column_dimensions[
        get_column_letter(header(products).index("product_name") + 1)
    ].width
    id_width = products.column_dimensions[
        get_column_letter(header(products).index("product_id") + 1)
    ].width
    assert name_width > id_width  # Chinese names count double


def test_days_are_dates_and_months_are_first_days(run: ResultsFolder, tmp_path: Path) -> None:
    book = book_of(run, tmp_path / "r.xlsx")
    for table, column in [
        ("weekly_products", "week_start"),
        ("deliveries", "scheduled_day"),
        ("deliveries", "delivered_day"),
    ]:
        cells = column_cells(book[table], column)
        assert cells and all(isinstance(c.value, dt.datetime) for c in cells), (table, column)
        assert {c.number_format for c in cells} == {"yyyy-mm-dd"}
    expected = run.tables["weekly_products"]["week_start"].iloc[0]
    assert column_cells(book["weekly_products"], "week_start")[0].value == expected
    for table in ("monthly_sales", "canteen_months"):
        months = column_cells(book[table], "month")
        assert all(isinstance(c.value, dt.datetime) and c.value.day == 1 for c in months)
        assert {c.number_format for c in months} == {"yyyy-mm"}
        assert {c.value.strftime("%Y-%m") for c in months} == set(
            run.tables[table]["month"].astype(str)
        )


def test_periods_stay_text_noise_is_zero_and_missing_values_are_empty(
    run: ResultsFolder, tmp_path: Path
) -> None:
    months = run.tables["canteen_months"].copy()
    months["month"] = "2021-Q1"
    sales = run.tables["monthly_sales"].copy()
    sales["month"] = sales["month"].astype(object)
    sales.loc[0, "month"] = "2021"  # a yearly period among months
    sales["lost_kg"] = -2.842170943040401e-14
    sales.loc[1, "sales_yuan"] = math.nan
    changed = dataclasses.replace(
        run, tables={**run.tables, "canteen_months": months, "monthly_sales": sales}
    )
    book = book_of(changed, tmp_path / "r.xlsx")
    assert {c.value for c in column_cells(book["canteen_months"], "month")} == {"2021-Q1"}
    mixed = column_cells(book["monthly_sales"], "month")
    assert mixed[0].value == "2021" and isinstance(mixed[1].value, dt.datetime)
    assert {c.value for c in column_cells(book["monthly_sales"], "lost_kg")} == {0}
    assert column_cells(book["monthly_sales"], "sales_yuan")[1].value is None


def test_a_chinese_workbook_has_chinese_sheets_headers_and_names(
    run: ResultsFolder, tmp_path: Path
) -> None:
    book = book_of(run, tmp_path / "zh.xlsx", "zh")
    assert book.sheetnames[:2] == ["摘要", "说明"]
    assert all(CJK.search(name) for name in book.sheetnames)
    sheet = book.worksheets[book.sheetnames.index("食堂月度采购")]
    assert all(CJK.search(str(h)) for h in header(sheet))
    assert {c.value for c in column_cells(sheet, "食堂类型")} == {"机关", "企业"}
    assert CJK.search(str(book["说明"]["A1"].value))
    kpi_labels = [row[0].value for row in book["摘要"].iter_rows() if row[0].value == "订单满足率"]
    assert kpi_labels, "the KPI table in Chinese"
    assert NOT_APPLICABLE["zh"] == "不适用"


# --- comparisons, searches, the row limit ----------------------------------------------------


def test_a_comparison_has_a_numeric_column_per_varied_key(
    comparison: ResultsFolder, tmp_path: Path
) -> None:
    book = book_of(comparison, tmp_path / "c.xlsx")
    values = {
        s: dict(zip(comparison.vary, v, strict=True)) for s, v in _grid_values(comparison).items()
    }
    for table in ("comparison", "monthly_comparison", "monthly"):
        sheet = book[table]
        names = header(sheet)
        at = names.index("setting")
        assert names[at + 1 : at + 3] == ["quota.share", "platform.vehicles"], table
        settings = [c.value for c in column_cells(sheet, "setting")]
        shares = column_cells(sheet, "quota.share")
        vehicles = column_cells(sheet, "platform.vehicles")
        assert all(isinstance(c.value, (int, float)) for c in shares + vehicles)
        assert {c.number_format for c in shares} <= {"0%", "0.0%"}
        assert {c.number_format for c in vehicles} == {"#,##0"}
        for setting, share, vehicle in zip(settings, shares, vehicles, strict=True):
            label = comparison.settings[setting] if isinstance(setting, int) else setting
            assert share.value == pytest.approx(values[label]["quota.share"])
            assert vehicle.value == values[label]["platform.vehicles"]
    runs = header(book["runs"])
    assert runs.count("quota.share") == 1  # the runs table has them already
    kpis = book["comparison"]
    for row in kpis.iter_rows(min_row=2):
        kpi = row[header(kpis).index("kpi")].value
        mean = row[header(kpis).index("mean")]
        if mean.value is not None:
            expected = "0.0%" if kpi in ("fill_rate", "compliance_rate", "unsold_share") else None
            if expected:
                assert mean.number_format == expected, kpi
            elif kpi == "total_sales_yuan":
                assert mean.number_format == "#,##0"


def _grid_values(results: ResultsFolder) -> dict[str, tuple[Any, ...]]:
    import itertools

    combos = itertools.product(*results.vary.values())
    return dict(zip(results.settings, combos, strict=True))


def test_a_table_over_the_row_limit_is_left_out_and_named_in_the_readme(
    run: ResultsFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    longest = max(run.tables, key=lambda name: len(run.tables[name]))
    rows = len(run.tables[longest])
    monkeypatch.setattr(workbook, "WORKBOOK_MAX_ROWS", rows - 1)
    book = book_of(run, tmp_path / "r.xlsx")
    assert longest not in book.sheetnames
    readme = [[c.value for c in row] for row in book["README"].iter_rows()]
    (entry,) = [row for row in readme if row[1] == longest]
    file = run.files[longest]
    assert entry[2] == file and entry[3] == rows and entry[4] == 0
    assert file in entry[5] and f"{rows:,}" in entry[5]
    kept = [name for name in run.tables if len(run.tables[name]) < rows]
    assert set(kept) <= set(book.sheetnames)


def test_a_search_makes_a_workbook(tiny: SimpleNamespace, tmp_path: Path) -> None:
    folder = tmp_path / "search"
    search(
        tiny.scenario(),
        "quota.share",
        0.0,
        0.5,
        ["total_sales_yuan >= 500"],
        engine="serial",
        folder=folder,
    )
    book = book_of(read_results(folder), tmp_path / "s.xlsx", "zh")
    assert book.sheetnames == ["摘要", "说明", "搜索取值", "各次运行"]
    probes = book["搜索取值"]
    assert probes.freeze_panes == "A2" and probes.auto_filter.ref
    values = column_cells(probes, "取值")
    assert values and all(c.number_format.endswith("%") for c in values)


def test_writing_needs_no_document_and_frames_of_any_dtype(
    run: ResultsFolder, tmp_path: Path
) -> None:
    odd = pd.DataFrame(
        {
            "count": pd.array([1, None, 3], dtype="Int64"),
            "flag": pd.array([True, None, False], dtype="boolean"),
            "objects": [1.5, None, 2.5],
            "text": ["=SUM(A1)", None, "a\x01b"],
        }
    )
    changed = dataclasses.replace(
        run, tables={**run.tables, "odd": odd}, files={**run.files, "odd": "odd.csv"}
    )
    book = book_of(changed, tmp_path / "odd.xlsx")
    sheet = book["odd"]
    assert [c.value for c in column_cells(sheet, "count")] == [1, None, 3]
    assert [c.value for c in column_cells(sheet, "flag")] == [True, None, False]
    assert [c.value for c in column_cells(sheet, "objects")] == [1.5, None, 2.5]
    assert [c.value for c in column_cells(sheet, "text")] == ["=SUM(A1)", None, "ab"]
    assert column_cells(sheet, "text")[0].data_type == "s"  # text, not a formula
