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

from canteensim.errors import ReportError
from canteensim.output import read_csv
from canteensim.results import (
    COMPARISON_FILES,
    FORMAT_VERSION,
    JOURNAL,
    MANIFEST,
    RUN_TABLES,
    SUMMARY,
    Kind,
)


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
    return ResultsFolder(folder, kind, summary, tables, files)


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
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot be read as the {name} table ({_reason(exc)})") from None


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
