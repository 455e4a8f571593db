"""A results folder's tables as an Excel workbook: one sheet per table, a README sheet first.

The README sheet lists each sheet with its table, the file it came from, its rows, and whether it
was cut at Excel's 1,048,576 rows a sheet (the Anhui scenario's canteen_months comes close with
one replication and goes over with two); then the provenance of the results. Sheets are written in
openpyxl's write-only mode, row by row, so that a million rows need little memory — but about a
minute.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canteensim.report.content import provenance
from canteensim.report.read import ResultsFolder
from canteensim.text import say

EXCEL_MAX_ROWS = 1_048_576
"""Rows of an Excel sheet, the header included; longer tables are cut and the cut is noted."""


def write_workbook(results: ResultsFolder, path: Path, lang: str = "en") -> None:
    """Every table of `results` as a sheet of an Excel workbook at `path`, a README sheet first.

    A table longer than a sheet holds is cut at Excel's limit, and the README says so.
    """
    from openpyxl import Workbook  # here, not at import: only the workbook needs it

    workbook = Workbook(write_only=True)
    sheets = _sheets(results)
    _write_readme(workbook.create_sheet("README"), results, sheets, lang)
    for title, _, _, frame in sheets:
        _write_table(workbook.create_sheet(title), frame.iloc[: EXCEL_MAX_ROWS - 1])
    workbook.save(path)


Sheet = tuple[str, str, str, pd.DataFrame]
"""(sheet title, table name, file in the results folder, table)."""


def _sheets(results: ResultsFolder) -> list[Sheet]:
    """Every table of the workbook, in order: a run's KPIs first, then the folder's tables."""
    tables: list[tuple[str, str, pd.DataFrame]] = []
    if results.kind == "run" and not results.replication_kpis.empty:
        tables.append(("kpis", "summary.json", results.replication_kpis))
    tables += [(name, file, results.tables[name]) for name, file in results.files.items()]
    used = {"README"}
    sheets = []
    for name, file, frame in tables:
        title = sheet_title(name, used)
        used.add(title)
        sheets.append((title, name, file, frame))
    return sheets


def sheet_title(name: str, used: Iterable[str] = ()) -> str:
    """A valid sheet name not in `used`: at most 31 characters, none of ``[]:*?/\\``."""
    taken = set(used)
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    title, number = base, 1
    while title in taken:
        number += 1
        suffix = f"_{number}"
        title = base[: 31 - len(suffix)] + suffix
    return title


def _bold(sheet: Any, values: Sequence[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _write_readme(sheet: Any, results: ResultsFolder, sheets: list[Sheet], lang: str) -> None:
    for letter, width in zip("ABCDEF", (26, 22, 28, 12, 20, 64), strict=True):
        sheet.column_dimensions[letter].width = width
    name = results.scenario.scenario.name
    sheet.append(_bold(sheet, [say(lang, "readme.title", name=name)]))
    sheet.append([say(lang, f"readme.kind.{results.kind}")])
    sheet.append([])
    columns = ("col.sheet", "col.table", "col.file", "col.rows", "col.rows_written", "col.note")
    sheet.append(_bold(sheet, [say(lang, key) for key in columns]))
    limit = EXCEL_MAX_ROWS - 1
    for title, table, file, frame in sheets:
        if len(frame) > limit:
            note = say(lang, "readme.truncated", limit=limit, file=file)
        else:
            note = say(lang, "readme.kpis" if table == "kpis" else "readme.whole")
        sheet.append([title, table, file, len(frame), min(len(frame), limit), note])
    sheet.append([])
    for label, value in provenance(results, lang).rows:
        sheet.append([label, value])


def _write_table(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    columns = [_excel_column(frame[c]) for c in frame.columns]
    for index, (name, values) in enumerate(zip(frame.columns, columns, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(str(name), values)
    sheet.append(_bold(sheet, [str(c) for c in frame.columns]))
    for row in zip(*columns, strict=True):
        sheet.append(row)


def _excel_column(values: pd.Series) -> list[Any]:
    """A column's cells: numbers, booleans and text as they are, missing values empty."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return [bool(v) for v in values.tolist()]
    if pd.api.types.is_integer_dtype(values.dtype) and not values.isna().any():
        return [int(v) for v in values.tolist()]
    if pd.api.types.is_float_dtype(values.dtype):
        array = values.to_numpy(dtype=float, na_value=np.nan)
        return [v if math.isfinite(v) else None for v in array.tolist()]
    return [_excel_cell(v) for v in values.astype(object).tolist()]


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    text = _ILLEGAL.sub("", str(value))
    # a leading "=" would make openpyxl write a formula; a space keeps it text
    return " " + text if text.startswith("=") else text


def _width(header: str, values: Iterable[Any]) -> float:
    """A column width fitting its header and first values; CJK characters count double."""

    def shown(value: Any) -> int:
        text = f"{value:.6g}" if isinstance(value, float) else str(value)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    sample = [shown(v) for _, v in zip(range(200), values, strict=False) if v is not None]
    return float(min(48, max([shown(header), *sample]) + 2))
