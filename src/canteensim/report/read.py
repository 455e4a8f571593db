"""Reading a results folder back: its summary, its kind (a run or a comparison) and its tables.

A run's ``summary.json`` names its tables (``"tables": {"monthly_sales": "monthly_sales.csv",
…}``); a comparison's names what was varied (``"vary"``, ``"settings"``) and its tables have fixed
names. Tables are read as a user would read them: CSV with its byte-order mark, or Parquet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from canteensim.errors import ReportError
from canteensim.output import read_csv

Kind = Literal["run", "comparison"]

RUN_TABLES = ("monthly_sales", "canteen_months", "weekly_products", "deliveries")
COMPARISON_FILES = {
    "comparison": "comparison.csv",
    "monthly_comparison": "monthly_comparison.csv",
    "runs": "runs.parquet",
    "monthly": "monthly.parquet",
}
"""A comparison's tables and their files, the most read first."""


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
    document = folder / "summary.json"
    if not document.is_file():
        if (folder / "journal.jsonl").exists() or (folder / "manifest.json").exists():
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
            f"{document}: not the summary of a canteensim run or comparison "
            "(it has neither 'tables' and 'kpis' nor 'vary' and 'settings')"
        )
    files = (
        {name: str(summary["tables"][name]) for name in RUN_TABLES}
        if kind == "run"
        else dict(COMPARISON_FILES)
    )
    tables = {name: _read_table(folder, name, file) for name, file in files.items()}
    return ResultsFolder(folder, kind, summary, tables, files)


def results_kind(summary: Any) -> Kind | None:
    """ "run" or "comparison" for the parsed summary.json of either; None for anything else."""
    if not isinstance(summary, Mapping):
        return None
    if isinstance(summary.get("vary"), Mapping) and isinstance(summary.get("settings"), list):
        return "comparison"
    tables = summary.get("tables")
    if (
        isinstance(tables, Mapping)
        and isinstance(summary.get("kpis"), Mapping)
        and all(isinstance(tables.get(name), str) for name in RUN_TABLES)
    ):
        return "run"
    return None


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
