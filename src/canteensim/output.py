"""Writing a results folder: tidy tables and summary.json, whole or not at all.

The folder is written under a temporary name beside its destination and renamed into place only
once every file is complete, so an interrupted run never leaves half a results folder, and an
existing folder is replaced only when the user asks for it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from canteensim.errors import ResultsError
from canteensim.model.simulate import TABLES, Results
from canteensim.scenario.schema import Scenario

TableFormat = Literal["auto", "csv", "parquet"]
CSV_MAX_ROWS = 200_000
"""With format "auto", larger tables go to Parquet: a spreadsheet cannot open them anyway."""


def scenario_sha256(scenario: Scenario) -> str:
    """Fingerprint of the resolved scenario (tables included), independent of key order."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summary(
    results: Results, *, version: str, run_seconds: float, command: Sequence[str] = ()
) -> dict[str, Any]:
    """The run's KPIs and provenance, as written to summary.json."""
    kpis = results.kpis.drop(columns="replication")
    return {
        "scenario_name": results.scenario.scenario.name,
        "kpis": _finite(kpis.mean().to_dict()),
        "replications": _finite_rows(results.kpis.to_dict(orient="records")),
        "seed": results.seed,
        "version": version,
        "run_seconds": round(run_seconds, 3),
        "command": list(command),
        "scenario_sha256": scenario_sha256(results.scenario),
        "scenario": results.scenario.model_dump(mode="json"),
    }


def write_results(
    results: Results,
    folder: Path,
    summary_json: Mapping[str, Any],
    *,
    table_format: TableFormat = "auto",
    replace: bool = False,
) -> dict[str, str]:
    """Write every table and summary.json into `folder`, atomically.

    Returns
    -------
    The file name of each table.

    Raises
    ------
    ResultsError
        When `folder` exists and `replace` is false, or it cannot be written.
    """
    if folder.exists() and not replace:
        raise ResultsError(
            f"{folder}: already exists; choose another -o folder or pass --force to replace it"
        )
    staging = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        files = {
            name: _write_table(results.tables[name], staging, name, table_format) for name in TABLES
        }
        document = {**summary_json, "tables": files}
        (staging / "summary.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        _move_into_place(staging, folder)
    except OSError as exc:
        raise ResultsError(f"{folder}: cannot be written ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files


def _write_table(frame: pd.DataFrame, folder: Path, name: str, table_format: TableFormat) -> str:
    parquet = table_format == "parquet" or (table_format == "auto" and len(frame) > CSV_MAX_ROWS)
    if parquet:
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        return f"{name}.parquet"
    # UTF-8 with a byte-order mark, so that Excel shows Chinese names
    frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    return f"{name}.csv"


def _move_into_place(staging: Path, folder: Path) -> None:
    if not folder.exists():
        staging.rename(folder)
        return
    retired = folder.parent / f".{folder.name}.replaced-{os.getpid()}"
    folder.rename(retired)
    try:
        staging.rename(folder)
    except BaseException:
        retired.rename(folder)  # put the user's earlier results back where they were
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _finite(values: Mapping[Any, Any]) -> dict[str, Any]:
    """JSON has no NaN: an undefined KPI (no bound canteen to audit, say) is written as null."""
    return {
        str(key): None if isinstance(v, float) and not math.isfinite(v) else v
        for key, v in values.items()
    }


def _finite_rows(rows: Sequence[Mapping[Any, Any]]) -> list[dict[str, Any]]:
    return [_finite(row) for row in rows]
