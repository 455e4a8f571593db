"""Reading a results folder back: its summary, its kind (a run or a comparison) and its tables.

Every ``summary.json`` says its kind (`canteensim.results.Kind`); a run's names its tables
(``"tables": {"monthly_sales": "monthly_sales.csv", …}``), a comparison's have fixed names.
Tables are read as a user would read them: CSV with its byte-order mark, or Parquet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pandas as pd
from pydantic import ValidationError

from canteensim.errors import ReportError
from canteensim.output import read_csv
from canteensim.results import (
    COMPARISON_FILES,
    FORMAT_VERSION,
    JOURNAL,
    MANIFEST,
    RUN_TABLE_COLUMNS,
    RUN_TABLES,
    SUMMARY,
    Dtype,
    Kind,
)
from canteensim.scenario.schema import Scenario


@dataclass(frozen=True)
class ResultsFolder:
    """A results folder as read back for its report."""

    folder: Path
    kind: Kind
    summary: dict[str, Any]
    """The parsed ``summary.json``."""
    tables: dict[str, pd.DataFrame]
    """Every table by name, in the order a report shows them."""
    files: dict[str, str]
    """The file each table was read from, by table name."""
    scenario: Scenario
    """The resolved scenario the results came from, validated again from summary.json (for a
    comparison, its base scenario, before the varied keys)."""
    replications: int
    """Replications of the run, or of each setting of the comparison."""


def read_results(folder: Path) -> ResultsFolder:
    """Read a run's or a comparison's results folder.

    Raises
    ------
    ReportError
        When `folder` is missing, is not a folder, or holds no finished results of canteensim.
    """
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder; give a folder `canteensim run` wrote")
    if not folder.is_dir():
        raise ReportError(f"{folder}: not a folder; give a results folder, not a file in it")
    document = folder / SUMMARY
    if not document.is_file():
        if (folder / JOURNAL).exists() or (folder / MANIFEST).exists():
            raise ReportError(
                f"{folder}: an unfinished comparison (no summary.json yet); finish it with "
                "`canteensim compare ... --resume`, then make its report"
            )
        raise ReportError(
            f"{folder}: not a canteensim results folder (no summary.json); give a folder "
            "written by `canteensim run` or `canteensim compare`"
        )
    try:
        summary = json.loads(document.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{document}: cannot be read ({_reason(exc)})") from None
    kind = results_kind(summary)
    if kind is None:
        raise ReportError(
            f"{document}: not the summary of a canteensim run or comparison (no 'kind' of "
            f"{' or '.join(map(repr, get_args(Kind)))}); a folder written before canteensim "
            "recorded it is made again by the command in its summary"
        )
    if summary.get("format_version", 0) > FORMAT_VERSION:
        raise ReportError(
            f"{document}: written by a newer canteensim (results format "
            f"{summary['format_version']}; this one reads {FORMAT_VERSION}); upgrade canteensim"
        )
    named = summary.get("tables") if kind == "run" else COMPARISON_FILES
    if not isinstance(named, Mapping) or not all(name in named for name in _tables_of(kind)):
        raise ReportError(f"{document}: does not name all the tables of a {kind}")
    files = {name: str(named[name]) for name in _tables_of(kind)}
    tables = {name: _read_table(folder, name, file) for name, file in files.items()}
    return ResultsFolder(
        folder, kind, summary, tables, files, _scenario(document, summary), _replications(summary)
    )


def _scenario(document: Path, summary: Mapping[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(summary.get("scenario"))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReportError(
            f"{document}: its scenario is not one this canteensim reads ({where}: "
            f"{first['msg']}); run the command in its summary again"
        ) from None


def _replications(summary: Mapping[str, Any]) -> int:
    """What the summary says: a run lists each replication's KPIs, a comparison counts them."""
    if summary.get("kind") == "comparison":
        return int(summary.get("replications") or 1)
    records = summary.get("replications")
    return len(records) if isinstance(records, list) and records else 1


def _tables_of(kind: Kind) -> tuple[str, ...]:
    return RUN_TABLES if kind == "run" else tuple(COMPARISON_FILES)


def results_kind(summary: Any) -> Kind | None:
    """The `Kind` a parsed summary.json declares; None for anything canteensim did not write."""
    if not isinstance(summary, Mapping):
        return None
    kind = summary.get("kind")
    return kind if kind in get_args(Kind) else None


def _read_table(folder: Path, name: str, file: str) -> pd.DataFrame:
    path = folder / file
    if path.name != file or not path.is_file():
        raise ReportError(
            f"{folder}: {file} is missing; the results folder is incomplete, run the "
            "command that made it again"
        )
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot be read as the {name} table ({_reason(exc)})") from None
    columns = RUN_TABLE_COLUMNS.get(name, {})
    missing = [column for column in columns if column not in frame]
    if missing:
        raise ReportError(
            f"{path}: has no column {missing[0]!r} of the {name} table; it was written by "
            "another version of canteensim: run the command in its summary.json again"
        )
    return frame if path.suffix == ".parquet" else typed(frame, columns)


def typed(frame: pd.DataFrame, columns: Mapping[str, Dtype]) -> pd.DataFrame:
    """`frame` read from CSV with its columns as the model wrote them (what Parquet keeps):
    categories, calendar days and timestamps, which CSV holds as text."""
    for name, dtype in columns.items():
        if dtype == "category":
            frame[name] = frame[name].astype("category")
        elif dtype == "date":
            frame[name] = pd.to_datetime(frame[name]).dt.date
        elif dtype == "datetime":
            frame[name] = pd.to_datetime(frame[name])
    return frame


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def as_bool(values: pd.Series) -> pd.Series:
    """A column of truth values, whether it came back as bools or as ``"True"``/``"False"``."""
    if values.dtype == bool:
        return values
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes"])


def run_replications(summary: Mapping[str, Any], monthly_sales: pd.DataFrame) -> int:
    """How many replications a run folder holds: from its summary, else from its table."""
    records = summary.get("replications")
    if isinstance(records, list) and records:
        return len(records)
    if "replication" in monthly_sales.columns and not monthly_sales.empty:
        return int(monthly_sales["replication"].nunique())
    return 1
