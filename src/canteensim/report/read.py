"""Reading a results folder back: its summary, its kind (a run, a comparison, a search or a
sensitivity analysis) and its tables.

Every ``summary.json`` says its kind (`canteensim.results.Kind`); a run's names its tables
(``"tables": {"monthly_sales": "monthly_sales.csv", …}``), the other kinds' have fixed names.
Tables are read as a user would read them: CSV with its byte-order mark, or Parquet.

The summary is read here once into typed fields (the scenario, the KPIs, the settings, the
provenance), so the report never looks keys up in it.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
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
    KPI_NAMES,
    MANIFEST,
    RUN_TABLE_COLUMNS,
    RUN_TABLES,
    SEARCH_FILES,
    SENSITIVITY_FILES,
    SUMMARY,
    Dtype,
    Kind,
)
from canteensim.scenario.schema import Scenario


@dataclass(frozen=True)
class Provenance:
    """Who made a results folder, from what and how, as its summary.json records it."""

    version: str
    """The canteensim version that wrote the results ("?" when not recorded)."""
    command: tuple[str, ...]
    """The command line that made them; empty when made through the Python API."""
    seed: int | None
    scenario_sha256: str | None
    run_seconds: float | None
    """Wall-clock seconds the run or comparison took; None when not recorded."""
    engine: str | None
    """How a comparison's replications were run (``serial``, ``processes``, ``dask``); None
    for a run."""


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
    """Replications of the run, of each setting of the comparison or each point of the
    sensitivity analysis, or the most any probe of the search had."""
    kpis: dict[str, float]
    """A run's KPIs, the mean over its replications: every KPI of the contract
    (`canteensim.results.KPIS`, in its order), NaN for one with nothing to measure (null in
    summary.json) or not recorded; then any other the summary records. Empty for a
    comparison."""
    replication_kpis: pd.DataFrame
    """A run's KPIs, one row per replication (a ``replication`` column, then the KPIs); empty
    for a comparison."""
    vary: dict[str, list[Any]]
    """A comparison's varied keys and their values (``{"quota.share": [0, 0.1]}``); empty for
    the other kinds."""
    settings: list[str]
    """A comparison's settings by label, the baseline first; empty for the other kinds."""
    precision: float | None
    """The relative precision a comparison ran replications until (``--precision``), if any."""
    provenance: Provenance


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
            f"{document}: not the summary of a canteensim results folder (no 'kind' of "
            f"{' or '.join(map(repr, get_args(Kind)))}); a folder written before canteensim "
            "recorded it is made again by the command in its summary"
        )
    _check_format(document, summary)
    named = summary.get("tables") if kind == "run" else _FILES[kind]
    if not isinstance(named, Mapping) or not all(name in named for name in _tables_of(kind)):
        raise ReportError(f"{document}: does not name all the tables of a {kind}")
    files = {name: str(named[name]) for name in _tables_of(kind)}
    tables = {name: _read_table(folder, name, file) for name, file in files.items()}
    run, comparison = kind == "run", kind == "comparison"
    replication_kpis = _replication_kpis(summary.get("replications") if run else None)
    return ResultsFolder(
        folder=folder,
        kind=kind,
        summary=summary,
        tables=tables,
        files=files,
        scenario=_scenario(document, summary),
        replications=_replications(summary, replication_kpis, tables),
        kpis=_kpis(summary.get("kpis")) if run else {},
        replication_kpis=replication_kpis,
        vary=_vary(summary.get("vary")) if comparison else {},
        settings=[str(label) for label in _list(summary.get("settings"))] if comparison else [],
        precision=_finite_or_none(summary.get("precision")),
        provenance=_provenance(summary, kind),
    )


def _check_format(document: Path, summary: Mapping[str, Any]) -> None:
    """Refuse a folder of another results format (`FORMAT_VERSION`): its tables and KPIs could be
    misread, not merely lack something (an older run's compliance counts partial periods)."""
    version = summary.get("format_version", 0)  # first recorded in format 1
    if isinstance(version, bool) or not isinstance(version, int):
        version = 0
    if version == FORMAT_VERSION:
        return
    if version > FORMAT_VERSION:
        raise ReportError(
            f"{document}: written by a newer canteensim (results format {version}; this one "
            f"reads {FORMAT_VERSION}); upgrade canteensim"
        )
    command = [str(part) for part in _list(summary.get("command"))]
    again = f"`{shlex.join(command)}`" if command else "the command that made it"
    raise ReportError(
        f"{document}: written by an older canteensim (results format {version}; this one reads "
        f"{FORMAT_VERSION}), whose tables and KPIs it would misread; run {again} again, with "
        "--force to replace this folder"
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


def _replications(
    summary: Mapping[str, Any], replication_kpis: pd.DataFrame, tables: Mapping[str, pd.DataFrame]
) -> int:
    """What the summary says (a run lists each replication's KPIs, a comparison counts them),
    else what the tables hold (a run's ``replication`` column, a comparison's ``n``), else 1."""
    if summary.get("kind") == "search":  # probes have as many as they needed
        probes = tables["probes"]
        return int(probes["replications"].max()) if len(probes) else 1
    if summary.get("kind") in ("comparison", "sensitivity"):
        counted = summary.get("replications")
        if isinstance(counted, int) and not isinstance(counted, bool) and counted > 0:
            return counted
        comparison = tables.get("comparison", pd.DataFrame())
        if "n" in comparison.columns and not comparison.empty:
            return int(comparison["n"].max())
        return 1
    if not replication_kpis.empty:
        return len(replication_kpis)
    monthly_sales = tables["monthly_sales"]
    if not monthly_sales.empty:
        return max(int(monthly_sales["replication"].nunique()), 1)
    return 1


def _kpis(recorded: Any) -> dict[str, float]:
    """Every KPI of the contract, NaN unless recorded, then any other the summary records."""
    kpis = dict.fromkeys(KPI_NAMES, math.nan)
    if isinstance(recorded, Mapping):
        kpis.update({str(name): _number(value) for name, value in recorded.items()})
    return kpis


def _vary(recorded: Any) -> dict[str, list[Any]]:
    if not isinstance(recorded, Mapping):
        return {}
    return {str(key): list(values) for key, values in recorded.items() if isinstance(values, list)}


def _replication_kpis(records: Any) -> pd.DataFrame:
    """A run's per-replication KPIs as a frame of numbers (null in summary.json is NaN)."""
    rows = [record for record in _list(records) if isinstance(record, Mapping)]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _provenance(summary: Mapping[str, Any], kind: Kind) -> Provenance:
    seed, sha256 = summary.get("seed"), summary.get("scenario_sha256")
    engine = summary.get("engine")
    return Provenance(
        version=str(summary.get("version", "?")),
        command=tuple(str(part) for part in _list(summary.get("command"))),
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        scenario_sha256=str(sha256) if sha256 is not None else None,
        run_seconds=_finite_or_none(summary.get("run_seconds")),
        engine=str(engine) if kind != "run" and engine else None,
    )


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _finite_or_none(value: Any) -> float | None:
    """A number from summary.json; None when absent, null, or not a finite number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _number(value: Any) -> float:
    """A KPI from summary.json; NaN for null (nothing to measure) or anything not a number."""
    number = _finite_or_none(value)
    return math.nan if number is None else number


_FILES: dict[Kind, Mapping[str, str]] = {
    "comparison": COMPARISON_FILES,
    "search": SEARCH_FILES,
    "sensitivity": SENSITIVITY_FILES,
}
"""The tables of each kind but a run's (whose summary names them), and their files."""


def _tables_of(kind: Kind) -> tuple[str, ...]:
    return RUN_TABLES if kind == "run" else tuple(_FILES[kind])


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
