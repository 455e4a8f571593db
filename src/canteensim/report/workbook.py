"""A results folder's tables as an Excel workbook a provincial office can keep as it is.

The workbook opens on a summary sheet: the key indicators as numbers with their units, and the
summary tables of the report page, whose figures ("310,000", "59.3%", "+1.2 pp") are numbers
formatted as the page writes them. A README sheet follows, saying what each sheet holds and where
every table is; then one sheet per table, each with its header frozen, a filter over it and its
columns fitted to what they hold.

Cells are what Excel can count with: amounts with thousands separators, shares as percentages,
counts as integers, float noise (``-2.84e-14``) as 0, missing values as empty cells; days as
dates (``yyyy-mm-dd``) and a ``month`` column of ``YYYY-MM`` labels as the first day of each
month shown ``yyyy-mm`` (an audit period such as ``2020-Q1`` stays text). A comparison's sheets
have one numeric column per varied key beside the setting's label. In Chinese (``lang="zh"``) the
sheets, the columns and the names of categories, canteen kinds, causes, KPIs and assumptions are
in Chinese; English keeps the columns' own names, which scripts rely on.

A table longer than `WORKBOOK_MAX_ROWS` (a province's ``canteen_months``) is left out: the README
names its CSV or Parquet file in the results folder, which holds it whole. The workbook is written
by XlsxWriter in its constant-memory mode, row by row.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canteensim import text
from canteensim.report.content import provenance, report_document
from canteensim.report.document import Document, Paragraph, Table
from canteensim.report.read import ResultsFolder
from canteensim.results import RUN_TABLE_COLUMNS, WORKBOOK_MAX_ROWS
from canteensim.results import kpi as kpi_spec
from canteensim.text import NOT_APPLICABLE, say

Format = Any
Workbook = Any
Worksheet = Any
"""XlsxWriter's classes (it has no ``py.typed`` marker, so it is imported untyped)."""

EXCEL_MAX_ROWS = 1_048_576
"""Rows of an Excel sheet, the header included; a longer table would be cut, and the cut noted."""


FIXED_DATE = dt.datetime(1980, 1, 1)
"""The workbook's creation date, fixed as its zip entries' are, so that rendering a folder
again writes the same bytes (like the figures)."""
MAX_WIDTH = 48
"""The widest a column is fitted, in Excel's character units (a CJK character counts two)."""

NOISE = 1e-9
"""Smaller magnitudes are float noise of sums and differences (``-2.84e-14``), written as 0."""

INDEX_COLUMNS = frozenset(
    {"replication", "week", "setting", "setting_index", "point", "seed", "rank", "index"}
)
"""Integer columns that number things rather than count them: written without separators."""

_KPI_VALUE_COLUMNS = frozenset(
    {
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
        "mu",
        "mu_star",
        "mu_star_conf",
        "sigma",
    }
)
"""Columns of a table with a ``kpi`` column whose values are in that row's KPI's unit."""

_SHARE_COLUMNS = frozenset({"share", "rate", "fulfilment"})
"""Columns of ratios, shown as percentages, as are those named ``*_share`` or ``*_rate``."""

_STATISTICS = ("_mean", "_sd", "_ci_low", "_ci_high")
"""Suffixes of a KPI's statistics as columns (``total_sales_yuan_mean``)."""

_UNIT_FORMATS = {"yuan": "#,##0", "kg": "#,##0", "share": "0.0%", "count": "#,##0"}
"""A KPI's value on the summary sheet, by its unit."""

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MONTH = "yyyy-mm"
PERCENT = "0.0%"

_MONTH_LABEL = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def write_workbook(
    results: ResultsFolder, path: Path, lang: str = "en", document: Document | None = None
) -> None:
    """The workbook of `results` at `path`: a summary sheet, a README sheet, then every table.

    Parameters
    ----------
    document:
        The report page whose summary tables the summary sheet shows; made from `results`
        (without figures) when not given.
    """
    xlsxwriter = importlib.import_module("xlsxwriter")  # here, not at import: only this needs it

    text.check_lang(lang)
    if document is None:
        document = _document(results, lang)
    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        book.set_properties(  # no date of its own: the same folder gives the same bytes
            {
                "title": document.title,
                "comments": f"canteensim {results.provenance.version}",
                "created": FIXED_DATE,
            }
        )
        styles = _Styles(book)
        summary_title, readme_title = say(lang, "sheet.summary"), say(lang, "sheet.readme")
        sheets = _sheets(results, lang, {summary_title, readme_title})
        _write_summary(book.add_worksheet(summary_title), results, document, lang, styles)
        _write_readme(
            book.add_worksheet(readme_title), results, sheets, summary_title, lang, styles
        )
        for sheet in sheets:
            if not sheet.omitted:
                frame = sheet.frame.iloc[: EXCEL_MAX_ROWS - 1]
                columns = _columns(frame, sheet.table, results, lang)
                _write_table(book.add_worksheet(sheet.title), columns, len(frame), styles)
    finally:
        book.close()


def _document(results: ResultsFolder, lang: str) -> Document:
    """The report page of `results`, without its figures."""
    if results.kind in ("search", "sensitivity"):
        from canteensim.report.sweeps import sweep_document  # it draws; most workbooks need not

        return sweep_document(results, [], lang)
    return report_document(results, [], lang)


# --- sheets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A table of the workbook: its sheet, its name, its file in the results folder."""

    title: str
    table: str
    file: str
    frame: pd.DataFrame

    @property
    def omitted(self) -> bool:
        """Too long for the workbook: the README names its file instead."""
        return len(self.frame) > WORKBOOK_MAX_ROWS


def _sheets(results: ResultsFolder, lang: str, used: Iterable[str]) -> list[Sheet]:
    """Every table of the workbook, in order: a run's KPIs first, then the folder's tables."""
    tables: list[tuple[str, str, pd.DataFrame]] = []
    if results.kind == "run" and not results.replication_kpis.empty:
        tables.append(("kpis", "summary.json", results.replication_kpis))
    tables += [(name, file, results.tables[name]) for name, file in results.files.items()]
    taken = set(used)
    sheets = []
    for name, file, frame in tables:
        title = sheet_title(_phrase(lang, f"sheet.{name}", name), taken)
        if len(frame) <= WORKBOOK_MAX_ROWS:
            taken.add(title)
        sheets.append(Sheet(title, name, file, frame))
    return sheets


def _phrase(lang: str, key: str, default: str) -> str:
    try:
        return say(lang, key)
    except KeyError:  # a table this canteensim does not name
        return default


def sheet_title(name: str, used: Iterable[str] = ()) -> str:
    """A valid sheet name not in `used` (Excel ignores case): at most 31 characters, none of
    ``[]:*?/\\``."""
    taken = {title.casefold() for title in used}
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31].strip("'") or "sheet"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f"_{number}"
        title = base[: 31 - len(suffix)] + suffix
    return title


# --- styles -------------------------------------------------------------------------------------


class _Styles:
    """The workbook's cell formats, each made once."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._numbers: dict[str, Format] = {}
        self.header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#EEF1F4"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.note = book.add_format({"italic": True, "font_color": "#55606B"})
        self.right = book.add_format({"align": "right"})

    def number(self, num_format: str) -> Format:
        style = self._numbers.get(num_format)
        if style is None:
            style = self._numbers[num_format] = self._book.add_format({"num_format": num_format})
        return style


# --- the table sheets ---------------------------------------------------------------------------

Write = Callable[[int, int, Any, Any], Any]


@dataclass
class _Column:
    """A column as written: its header, its cells (None: empty) and how each is written."""

    header: str
    values: list[Any]
    kind: str
    """``number``, ``string``, ``bool`` or ``mixed`` (numbers and text)."""
    format: str | None = None
    """The number format of every cell, or None."""
    row_formats: list[str | None] | None = None
    """The number format of each cell, when they differ (a table of KPIs in their units)."""
    shown: list[str] = field(default_factory=list)
    """The widest of the cells as Excel shows them, to fit the column."""

    def width(self) -> float:
        texts = [self.header, *self.shown]
        longest = max(text.display_width(t) for t in texts)
        filter_button = 2 if text.display_width(self.header) == longest else 0
        return float(min(MAX_WIDTH, max(longest + 2 + filter_button, 6)))


def _write_table(sheet: Worksheet, columns: Sequence[_Column], rows: int, styles: _Styles) -> None:
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width())
        sheet.write_string(0, index, column.header, styles.header)
    if columns:
        sheet.autofilter(0, 0, rows, len(columns) - 1)
    writers: list[Write] = []
    formats: list[Any] = []
    for column in columns:
        write, style = _writer(sheet, column, styles)
        writers.append(write)
        formats.append(style)
    cells = [column.values for column in columns]
    for row, values in enumerate(zip(*cells, strict=True), start=1):
        for index, value in enumerate(values):
            if value is not None:
                writers[index](row, index, value, formats[index])


def _writer(sheet: Worksheet, column: _Column, styles: _Styles) -> tuple[Write, Any]:
    """How the cells of `column` are written, and the format (or formats) passed along."""
    style = styles.number(column.format) if column.format else None
    if column.row_formats is not None:
        by_row = [styles.number(f) if f else None for f in column.row_formats]
        number = sheet.write_number

        def write_by_row(row: int, index: int, value: Any, _: Any) -> Any:
            return number(row, index, value, by_row[row - 1])

        return write_by_row, None
    if column.kind == "number":
        return sheet.write_number, style
    if column.kind == "bool":
        return sheet.write_boolean, None
    if column.kind == "mixed":
        number, string = sheet.write_number, sheet.write_string

        def write_mixed(row: int, index: int, value: Any, cell_format: Any) -> Any:
            if isinstance(value, str):
                return string(row, index, value)
            return number(row, index, value, cell_format)

        return write_mixed, style
    return sheet.write_string, None


def _columns(frame: pd.DataFrame, table: str, results: ResultsFolder, lang: str) -> list[_Column]:
    """The columns of `frame` as the sheet of `table` writes them, a comparison's varied keys
    beside its setting."""
    dtypes = RUN_TABLE_COLUMNS.get(table, {})
    kpis = _row_kpis(frame)
    columns: list[_Column] = []
    varied = _varied_columns(frame, results, lang) if results.kind == "comparison" else []
    for name in frame.columns:
        label = str(name)
        column = _column(frame[name], label, dtypes.get(label), kpis, results, lang)
        columns.append(column)
        if label == "setting":
            columns += varied
            varied = []
    return columns + varied


def _row_kpis(frame: pd.DataFrame) -> list[str] | None:
    """Each row's KPI, for a table of KPIs one a row (a comparison's, a sensitivity's)."""
    if "kpi" not in frame.columns:
        return None
    return [str(k) for k in frame["kpi"].astype(object).tolist()]


def _column(
    values: pd.Series,
    name: str,
    dtype: str | None,
    kpis: list[str] | None,
    results: ResultsFolder,
    lang: str,
) -> _Column:
    header = text.column(lang, name)
    if pd.api.types.is_bool_dtype(values.dtype):
        cells = [None if v is None or v is pd.NA else bool(v) for v in values.astype(object)]
        return _Column(header, cells, "bool", shown=["FALSE"])
    if dtype in ("date", "datetime") or _is_dates(values):
        return _date_column(header, values)
    if name == "month" and not pd.api.types.is_numeric_dtype(values.dtype):
        return _month_column(header, values)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _number_column(header, values, name, kpis, results)
    if values.dtype == object:
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            numbers = pd.to_numeric(values, errors="coerce")
            return _number_column(header, numbers, name, kpis, results)
        if inferred == "boolean":
            cells = [None if _missing(v) else bool(v) for v in values.tolist()]
            return _Column(header, cells, "bool", shown=["FALSE"])
    return _string_column(header, values, _translation(name, lang))


def _is_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return True
    if values.dtype != object:
        return False
    return pd.api.types.infer_dtype(values, skipna=True) in ("date", "datetime", "datetime64")


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (value != value)


def _date_column(header: str, values: pd.Series) -> _Column:
    """Days as Excel dates: serial numbers of days since 1899-12-30, with a date format."""
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    days = ((stamps - _EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    finite = days[np.isfinite(days)]
    num_format = DATETIME if finite.size and np.any(finite % 1 != 0) else DATE
    return _Column(header, _cells(days), "number", num_format, shown=[num_format])


def _month_column(header: str, values: pd.Series) -> _Column:
    """``YYYY-MM`` labels as the first day of their month; other labels (an audit period such as
    ``2020-Q1``) as text."""
    codes, labels = pd.factorize(values.astype(object))
    mapped: list[Any] = []
    for label in labels.tolist():
        match = _MONTH_LABEL.fullmatch(str(label))
        if match:
            first = dt.date(int(match[1]), int(match[2]), 1)
            mapped.append(float((first - _EXCEL_EPOCH.date()).days))
        else:
            mapped.append(_clean(str(label)))
    cells = [mapped[c] if c >= 0 else None for c in codes.tolist()]
    texts = [m for m in mapped if isinstance(m, str)]
    if not texts:
        return _Column(header, cells, "number", MONTH, shown=[MONTH])
    kind = "string" if len(texts) == len(mapped) else "mixed"
    return _Column(header, cells, kind, MONTH if kind == "mixed" else None, shown=[MONTH, *texts])


def _number_column(
    header: str,
    values: pd.Series,
    name: str,
    kpis: list[str] | None,
    results: ResultsFolder,
) -> _Column:
    array = values.to_numpy(dtype=float, na_value=np.nan)
    array = np.where(np.abs(array) < NOISE, 0.0, array)
    integral = pd.api.types.is_integer_dtype(values.dtype)
    cells = (
        [None if _missing(v) else int(v) for v in values.astype(object).tolist()]
        if integral
        else _cells(array)
    )
    if kpis is not None and name in _KPI_VALUE_COLUMNS:
        row_formats = _kpi_row_formats(array, kpis)
        shown = [_shown(v, f) for v, f in zip(array.tolist(), row_formats, strict=True) if f]
        return _Column(header, cells, "number", row_formats=row_formats, shown=_widest(shown))
    num_format = _number_format(array, name, integral, results)
    return _Column(header, cells, "number", num_format, shown=_extremes_shown(array, num_format))


def _cells(array: np.ndarray) -> list[Any]:
    """Finite numbers as they are, NaN and infinities as None (an empty cell)."""
    if np.isfinite(array).all():
        cells: list[Any] = array.tolist()
        return cells
    objects = array.astype(object)
    objects[~np.isfinite(array)] = None
    cells = objects.tolist()
    return cells


def _number_format(array: np.ndarray, name: str, integral: bool, results: ResultsFolder) -> str:
    """A number column's format, by what its name says it holds, else by its values."""
    unit = _unit(name)
    if unit == "share":
        return PERCENT
    if name in text.PERCENT_KEYS or (
        name == "value" and _search_param(results) in text.PERCENT_KEYS
    ):
        return _percent_needed(array)
    if unit is not None:
        return _amount_format(array, unit)
    if name.endswith(("_share", "_rate", "_fulfilment")) or name in _SHARE_COLUMNS:
        return PERCENT
    amount = re.search(r"(?:^|_)(yuan|kg)(?:_|$)", name)
    if amount:
        return _amount_format(array, amount[1])
    finite = array[np.isfinite(array)]
    if integral or bool(np.all(finite % 1 == 0)):
        return "0" if name in INDEX_COLUMNS else "#,##0"
    magnitude = _magnitude(finite)
    return "#,##0.0" if magnitude >= 100 else "0.000"


def _unit(name: str) -> str | None:
    """The unit of a KPI's column (``fill_rate``) or of one of its statistics
    (``total_sales_yuan_ci_low``); None for any other."""
    spec = kpi_spec(name)
    if spec is None:
        for suffix in _STATISTICS:
            stem = name.removesuffix(suffix)
            if stem != name and (spec := kpi_spec(stem)) is not None:
                break
    if spec is None:
        return None
    return spec.unit


def _search_param(results: ResultsFolder) -> str | None:
    param = results.summary.get("param") if results.kind == "search" else None
    return str(param) if param is not None else None


def _kpi_row_formats(array: np.ndarray, kpis: list[str]) -> list[str | None]:
    """Each row's format by its KPI's unit; amounts with the decimals their KPI's values need."""
    by_kpi: dict[str, str | None] = {}
    kpi_array = np.asarray(kpis, dtype=object)
    for name in dict.fromkeys(kpis):
        spec = kpi_spec(name)
        by_kpi[name] = _amount_format(array[kpi_array == name], spec.unit) if spec else None
    return [by_kpi[name] for name in kpis]


def _magnitude(finite: np.ndarray) -> float:
    nonzero = np.abs(finite[finite != 0])
    return float(np.median(nonzero)) if nonzero.size else 0.0


def _amount_format(array: np.ndarray, unit: str | None) -> str:
    """Thousands separators; kilograms with a decimal (a few kilograms lost count), yuan and
    counts whole."""
    finite = array[np.isfinite(array)]
    if unit == "share":
        return PERCENT
    if unit != "kg" or not finite.size or np.all(finite % 1 == 0):
        return "#,##0"
    return "#,##0.0"


def _percent_needed(array: np.ndarray) -> str:
    """A percentage with the decimals its values need (20%, 12.5%), at most one more."""
    finite = array[np.isfinite(array)] * 100
    for decimals in (0, 1, 2):
        if np.all(np.abs(finite - np.round(finite, decimals)) < 1e-9):
            return "0%" if decimals == 0 else f"0.{'0' * decimals}%"
    return PERCENT


def _string_column(header: str, values: pd.Series, translate: Callable[[str], str]) -> _Column:
    codes, labels = pd.factorize(values.astype(object))
    mapped = [_clean(translate(str(label))) for label in labels.tolist()]
    cells = [mapped[c] if c >= 0 else None for c in codes.tolist()]
    return _Column(header, cells, "string", shown=_widest(mapped))


def _clean(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _translation(name: str, lang: str) -> Callable[[str], str]:
    """How a column's names read in `lang`: categories, kinds, causes, KPIs, assumptions."""
    if lang == "en":
        return _same
    words: dict[str, Callable[[str], str]] = {
        "category": lambda v: text.category(lang, v),
        "kind": lambda v: text.canteen_kind(lang, v),
        "cause": lambda v: text.failure_cause(lang, v, detail=False),
        "kpi": lambda v: text.kpi(lang, v),
        "parameter": lambda v: text.setting_key(lang, v),
        "other": lambda v: text.setting_key(lang, v),
    }
    return words.get(name, _same)


def _same(value: str) -> str:
    return value


def _varied_columns(frame: pd.DataFrame, results: ResultsFolder, lang: str) -> list[_Column]:
    """A comparison's varied keys, one column each, by the setting of each row; none for a
    table without settings or that has them already (``runs``)."""
    if "setting" not in frame.columns or not results.vary:
        return []
    values = _setting_values(results)
    if values is None:
        return []
    index = _setting_indices(frame, results.settings)
    if index is None:
        return []
    columns = []
    for key in results.vary:
        if key in frame.columns:
            continue
        cells = [values[i].get(key) if 0 <= i < len(values) else None for i in index]
        numbers = [v for v in cells if v is not None]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
            array = np.array([math.nan if v is None else float(v) for v in cells], dtype=float)
            num_format = _percent_needed(array) if key in text.PERCENT_KEYS else _decimals(array)
            shown = _extremes_shown(array, num_format)
            columns.append(
                _Column(text.column(lang, key), _cells(array), "number", num_format, shown=shown)
            )
        else:
            strings = [None if v is None else _clean(str(v)) for v in cells]
            shown = _widest([s for s in dict.fromkeys(strings) if s is not None])
            columns.append(_Column(text.column(lang, key), strings, "string", shown=shown))
    return columns


def _setting_values(results: ResultsFolder) -> list[dict[str, Any]] | None:
    """Each setting's values of the varied keys, in the order of the grid."""
    from canteensim.errors import CanteensimError
    from canteensim.experiment.grid import grid

    try:
        settings = grid(results.vary)
    except CanteensimError:
        return None
    if results.settings and [s.label for s in settings] != results.settings:
        return None
    return [s.values for s in settings]


def _setting_indices(frame: pd.DataFrame, labels: Sequence[str]) -> list[int] | None:
    """Each row's setting as its place in the grid: ``setting_index``, an integer ``setting``,
    or the setting's label."""
    if "setting_index" in frame.columns:
        column = frame["setting_index"]
    elif pd.api.types.is_integer_dtype(frame["setting"].dtype):
        column = frame["setting"]
    else:
        place = {label: i for i, label in enumerate(labels)}
        return [place.get(str(s), -1) for s in frame["setting"].astype(object).tolist()]
    numbers = pd.to_numeric(column, errors="coerce")
    return [-1 if _missing(v) else int(v) for v in numbers.tolist()]


def _decimals(array: np.ndarray) -> str:
    """A number with the decimals its values need, at most four."""
    finite = array[np.isfinite(array)]
    for decimals in range(5):
        if np.all(np.abs(finite - np.round(finite, decimals)) < 1e-9):
            return "#,##0" if decimals == 0 else f"#,##0.{'0' * decimals}"
    return "#,##0.0000"


# --- widths -------------------------------------------------------------------------------------


def _widest(texts: Iterable[str]) -> list[str]:
    best = max(texts, key=text.display_width, default="")
    return [best]


def _extremes_shown(array: np.ndarray, num_format: str) -> list[str]:
    """The smallest and the largest value as `num_format` shows them."""
    finite = array[np.isfinite(array)]
    if not finite.size:
        return []
    return [_shown(float(finite.min()), num_format), _shown(float(finite.max()), num_format)]


def _shown(value: float, num_format: str | None) -> str:
    """`value` about as Excel shows it in `num_format`."""
    if num_format is None or not math.isfinite(value):
        return f"{value:.6g}"
    if num_format.startswith("yyyy"):
        return num_format
    decimals = len(num_format.split(".")[1].rstrip("%")) if "." in num_format else 0
    if num_format.endswith("%"):
        return f"{value:.{decimals}%}"
    separator = "," if "," in num_format else ""
    return f"{value:{separator}.{decimals}f}"


# --- the summary sheet --------------------------------------------------------------------------


@dataclass
class _Cell:
    value: Any
    style: Any = None
    fitted: bool = True
    """Counts for its column's width (a title or a note runs on over the next cells)."""
    shown: str = ""


def _write_summary(
    sheet: Worksheet, results: ResultsFolder, document: Document, lang: str, styles: _Styles
) -> None:
    """The key indicators as numbers, then the report page's summary tables."""
    rows: list[list[_Cell]] = [
        [_Cell(document.title, styles.title, fitted=False)],
        [_Cell(document.lead, fitted=False)],
        [],
    ]
    skip: set[int] = set()
    if results.kind == "run" and results.kpis:
        kpi_notes: list[str] = []
        for section in document.sections:
            if section.id == "kpis":
                for block in section.blocks:
                    if isinstance(block, Table):
                        skip.add(id(block))
                        kpi_notes += block.notes
        rows += _kpi_rows(results, lang, styles, kpi_notes)
    for section in document.sections:
        if section.id in ("scenario", "figures", "provenance"):
            continue
        for block in section.blocks:
            if isinstance(block, Table) and id(block) not in skip:
                rows += _table_rows(block, block.title or section.title, lang, styles)
            elif isinstance(block, Paragraph):
                rows += [[_Cell(block.text, styles.note, fitted=False)], []]
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row):
            if cell.fitted:
                shown = cell.shown or ("" if cell.value is None else str(cell.value))
                widths[index] = max(widths.get(index, 0), text.display_width(shown))
    for index, width in widths.items():
        sheet.set_column(index, index, float(min(MAX_WIDTH, max(width + 2, 8))))
    for number, row in enumerate(rows):
        for index, cell in enumerate(row):
            _write_cell(sheet, number, index, cell)


def _write_cell(sheet: Worksheet, row: int, column: int, cell: _Cell) -> None:
    value = cell.value
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell.style)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell.style)
    else:
        sheet.write_string(row, column, _clean(str(value)), cell.style)


def _kpi_rows(
    results: ResultsFolder, lang: str, styles: _Styles, notes: Sequence[str]
) -> list[list[_Cell]]:
    """Each KPI: its name in `lang`, its value (the mean of the replications) as a number, the
    standard deviation between replications when there are several, its unit and its key."""
    frame = results.replication_kpis
    many = len(frame) > 1
    header = [
        say(lang, "col.indicator"),
        say(lang, "col.mean") if many else say(lang, "col.value"),
        *([say(lang, "col.sd")] if many else []),
        say(lang, "col.unit"),
        say(lang, "col.key"),
    ]
    rows = [[_Cell(say(lang, "section.kpis"), styles.bold, fitted=False)]]
    rows.append([_Cell(h, styles.header) for h in header])
    for name, mean in results.kpis.items():
        spec = kpi_spec(name)
        unit = spec.unit if spec else None
        num_format = _UNIT_FORMATS.get(unit or "", "#,##0.00")
        row = [_Cell(text.kpi(lang, name)), _kpi_value(mean, num_format, lang, styles)]
        if many:
            sd = frame[name].std(ddof=1) if name in frame else math.nan
            row.append(_kpi_value(sd, num_format, lang, styles))
        row += [_Cell(say(lang, f"unit.{unit}") if unit else ""), _Cell(name)]
        rows.append(row)
    observed = results.scenario.scenario.observed_monthly_sales_yuan
    if observed is not None:
        value = _kpi_value(observed, "#,##0", lang, styles)
        rows.append([_Cell(say(lang, "observed_row")), value, *([_Cell("")] if many else [])])
        rows[-1].append(_Cell(say(lang, "unit.yuan")))
    rows += [[_Cell(note, styles.note, fitted=False)] for note in notes]
    rows.append([])
    return rows


def _kpi_value(value: Any, num_format: str, lang: str, styles: _Styles) -> _Cell:
    if text.missing(value):
        return _Cell(NOT_APPLICABLE[lang], styles.right)
    number = float(value)
    number = 0.0 if abs(number) < NOISE else number
    return _Cell(number, styles.number(num_format), shown=_shown(number, num_format))


def _table_rows(table: Table, title: str, lang: str, styles: _Styles) -> list[list[_Cell]]:
    """A summary table of the report page: its numbers in text as numbers where they plainly
    are (a column of numbers; ``310,000``, ``59.3%``, ``+1.2 pp``), the rest as text."""
    rows: list[list[_Cell]] = []
    if title:
        rows.append([_Cell(title, styles.bold, fitted=False)])
    rows.append([_Cell(c, styles.header) for c in table.columns])
    numeric = list(table.numeric) + [False] * (len(table.columns) - len(table.numeric))
    for cells in table.rows:
        row = []
        for cell, is_numeric in zip(cells, numeric, strict=False):
            shown = cell[0] if isinstance(cell, tuple) else cell
            parsed = parse_number(shown, lang) if is_numeric else None
            if parsed is None:
                row.append(_Cell(shown, styles.right if is_numeric else None))
            else:
                value, num_format = parsed
                row.append(_Cell(value, styles.number(num_format), shown=shown))
        rows.append(row)
    rows += [[_Cell(note, styles.note, fitted=False)] for note in table.notes]
    rows.append([])
    return rows


_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_PERCENT_TEXT = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?%")
_SCIENTIFIC = re.compile(r"[+-]?\d(?:\.\d+)?e[+-]\d+")


def parse_number(shown: str, lang: str = "en") -> tuple[float, str] | None:
    """A number the report wrote as text, with a format that shows it alike: ``"310,000"`` →
    ``(310000.0, "#,##0")``, ``"59.3%"`` → ``(0.593, "0.0%")``, ``"+1.2 pp"`` → ``(1.2,
    '+0.0" pp";-0.0" pp";0.0" pp"')``; None for anything else ("n/a", an interval)."""
    value = shown.strip()
    prefix, _, suffix = say(lang, "pp", value="\0").partition("\0")
    if suffix and value.endswith(suffix) and value.startswith(prefix):
        inner = value[len(prefix) : len(value) - len(suffix)].strip()
        match = _NUMBER.fullmatch(inner)
        if match is None:
            return None
        unit = suffix.replace('"', "")
        body = _body(match[3], thousands=False)
        signed = f'+{body}"{unit}";-{body}"{unit}";{body}"{unit}"'
        return float(inner.replace(",", "")), signed
    match = _PERCENT_TEXT.fullmatch(value)
    if match is not None:
        body = _body(match[3], thousands=False) + "%"
        number = round(float(value[:-1]) / 100, 12)
        return number, (f"+{body};-{body};{body}" if match[1] == "+" else body)
    match = _NUMBER.fullmatch(value)
    if match is not None:
        body = _body(match[3], thousands=True)
        number = float(value.replace(",", ""))
        return number, (f"+{body};-{body};{body}" if match[1] == "+" else body)
    if _SCIENTIFIC.fullmatch(value):
        return float(value), "0.00E+00"
    return None


def _body(decimals: str | None, *, thousands: bool) -> str:
    whole = "#,##0" if thousands else "0"
    return f"{whole}.{'0' * len(decimals)}" if decimals else whole


# --- the README sheet ---------------------------------------------------------------------------


def _write_readme(
    sheet: Worksheet,
    results: ResultsFolder,
    sheets: Sequence[Sheet],
    summary_title: str,
    lang: str,
    styles: _Styles,
) -> None:
    """What each sheet holds and where every table is, then the provenance of the results."""
    columns = (
        "col.sheet",
        "col.table",
        "col.file",
        "col.rows",
        "col.rows_written",
        "col.note",
        "col.contents",
    )
    count = styles.number("#,##0")
    listing: list[list[_Cell]] = [[_Cell(say(lang, key), styles.header) for key in columns]]
    listing.append([_Cell(summary_title), *[_Cell("")] * 5, _Cell(say(lang, "about.summary"))])
    limit = EXCEL_MAX_ROWS - 1
    for entry in sheets:
        rows = len(entry.frame)
        if entry.omitted:
            note = say(lang, "readme.omitted", rows=rows, limit=WORKBOOK_MAX_ROWS, file=entry.file)
            title, written = "–", 0
        elif rows > limit:
            note = say(lang, "readme.truncated", limit=limit, file=entry.file)
            title, written = entry.title, limit
        else:
            note = say(lang, "readme.whole")
            title, written = entry.title, rows
        listing.append(
            [
                _Cell(title),
                _Cell(entry.table),
                _Cell(entry.file),
                _Cell(rows, count, shown=f"{rows:,}"),
                _Cell(written, count, shown=f"{written:,}"),
                _Cell(note),
                _Cell(_phrase(lang, f"about.{entry.table}", "")),
            ]
        )
    widths = [0] * len(columns)
    for row in listing:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], text.display_width(cell.shown or str(cell.value)))
    for index, width in enumerate(widths):
        cap = MAX_WIDTH if index < 5 else 2 * MAX_WIDTH
        sheet.set_column(index, index, float(min(cap, width + 2)))
    name = results.scenario.scenario.name
    head = [
        [_Cell(say(lang, "readme.title", name=name), styles.title)],
        [_Cell(say(lang, f"readme.kind.{results.kind}"))],
        [],
    ]
    facts = [
        [_Cell(label, styles.bold), _Cell(value)] for label, value in provenance(results, lang).rows
    ]
    for number, row in enumerate([*head, *listing, [], *facts]):
        for index, cell in enumerate(row):
            _write_cell(sheet, number, index, cell)


__all__ = ["EXCEL_MAX_ROWS", "WORKBOOK_MAX_ROWS", "parse_number", "sheet_title", "write_workbook"]
