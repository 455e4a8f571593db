"""Writing a results folder: tidy tables and summary.json, whole or not at all.

The folder is written under a hidden staging name beside its destination and renamed into place
only once every file is complete, so an interrupted run never leaves half a results folder. What
a killed process leaves behind (its staging, or earlier results it had set aside) is named after
canteensim and the process, and the next write into the same place clears it away.

An existing folder is replaced only when the user asks for it, and only if canteensim wrote it:
never a folder holding the scenario's inputs, nor the folder the user works in, nor a file.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

from canteensim.cores import usable_cores
from canteensim.errors import ResultsError
from canteensim.model.columns import Column, Labels, Table, arrow_array
from canteensim.results import FORMAT_VERSION, MANIFEST, RUN_TABLES, SUMMARY

if TYPE_CHECKING:
    import pandas as pd

    from canteensim.model.simulate import Results
    from canteensim.scenario.schema import Scenario

TableFormat = Literal["auto", "csv", "parquet"]
WRITER_THREADS = 2
"""Tables written at once: pyarrow's CSV and Parquet writers release the GIL. Never more than
the cores the process may use: on one core a second writer only takes turns with the first."""
CSV_MAX_ROWS = 200_000
"""With format "auto", larger tables go to Parquet: a spreadsheet cannot open them anyway."""

SUMMARY_KEYS = ("version", "scenario_sha256")
"""Keys every summary.json canteensim writes holds: how a folder is known as canteensim's."""

Staging = Literal["partial", "replaced"]
_STAGING = re.compile(r"\.(?P<name>.+)\.canteensim\.(?P<state>partial|replaced)-(?P<pid>[0-9]+)")
_OLD_STAGING = re.compile(r"\.(?P<name>.+)\.(?P<state>partial|replaced)-(?P<pid>[0-9]+)")
"""Staging names of earlier canteensim versions, cleared only when what they hold is ours."""

FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
"""A cell a spreadsheet evaluates as a formula begins with one of these (OWASP, CSV injection);
leading quotes are matched too, so that escaping stays reversible (see `spreadsheet_text`)."""


def scenario_sha256(scenario: Scenario) -> str:
    """Fingerprint of the resolved scenario (tables included), independent of key order."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_inputs(scenario: Scenario, path: Path) -> list[Path]:
    """The files a run of `scenario` reads: the scenario file at `path` and the CSV tables its
    ``file`` keys name, which the loader reads relative to the scenario file's folder."""
    tables = (scenario.cooperatives, scenario.products, scenario.canteens)
    return [path, *(path.parent / table.file for table in tables if table.file)]


def summary(
    results: Results, *, version: str, run_seconds: float, command: Sequence[str] = ()
) -> dict[str, Any]:
    """The run's KPIs and provenance, as written to summary.json."""
    return {
        "kind": "run",
        "format_version": FORMAT_VERSION,
        "scenario_name": results.scenario.scenario.name,
        "kpis": _finite(results.kpi_means()),
        "replications": _finite_rows(results.kpi_rows),
        "seed": results.seed,
        "version": version,
        "run_seconds": round(run_seconds, 3),
        "command": list(command),
        "scenario_sha256": scenario_sha256(results.scenario),
        "scenario": results.scenario.model_dump(mode="json"),
    }


def check_destination(folder: Path, *, replace: bool = False, inputs: Iterable[Path] = ()) -> None:
    """Check, before any work is done, that a results folder can be written at `folder`.

    First clears away what killed canteensim processes left beside `folder`
    (`clear_stale_staging`), then checks `check_location` and, when `folder` exists, that
    `replace` allows replacing it and `check_replaceable` that it may be replaced.

    Parameters
    ----------
    replace:
        Whether an existing results folder may be replaced (``--force``).
    inputs:
        The files the run reads (`scenario_inputs`): a folder holding one is never replaced.

    Raises
    ------
    ResultsError
        Naming `folder`, what is wrong with it and what to do instead.
    """
    clear_stale_staging(folder.parent)
    check_location(folder)
    if not _exists(folder):
        return
    if not replace:
        raise ResultsError(
            f"{folder}: already exists; choose another -o folder or pass --force to replace it"
        )
    check_replaceable(folder, inputs)


def check_location(folder: Path) -> None:
    """Check that `folder` is a folder or can be made one: neither it nor a parent is a file.

    Raises
    ------
    ResultsError
        When `folder` is a file, or a parent it would be made in is.
    """
    if _exists(folder):
        if not folder.is_dir():
            what = "a file" if folder.is_file() else "not a folder"
            raise ResultsError(
                f"{folder}: is {what}; -o names a results folder, and even --force never "
                "replaces a file; choose another -o folder"
            )
        return
    for parent in folder.parents:
        if _exists(parent):
            if not parent.is_dir():
                raise ResultsError(
                    f"{folder}: cannot be written, {parent} is a file, not a folder; "
                    "choose another -o folder"
                )
            return


def check_replaceable(folder: Path, inputs: Iterable[Path] = ()) -> None:
    """Check that the existing `folder` is one ``--force`` may replace.

    It may if it is empty or canteensim wrote it (`written_by_canteensim`), and it is not a
    symbolic link, the current folder or one holding it, nor a folder holding any of `inputs`.

    Raises
    ------
    ResultsError
        Saying which of these `folder` is.
    """
    refused = "; choose another -o folder"
    if folder.is_symlink():
        raise ResultsError(
            f"{folder}: is a symbolic link; --force replaces only a results folder canteensim "
            f"wrote, never a link{refused}"
        )
    here, cwd = folder.resolve(), Path.cwd().resolve()
    if here == cwd or here in cwd.parents:
        what = "the current folder" if here == cwd else f"a folder holding the current one ({cwd})"
        raise ResultsError(
            f"{folder}: is {what}; --force never replaces the folder you work in{refused}"
        )
    for path in inputs:
        if here in Path(path).resolve().parents:
            raise ResultsError(
                f"{folder}: holds {path}, which the scenario reads; --force never replaces a "
                f"folder holding a scenario's inputs{refused}"
            )
    if not any(folder.iterdir()) or written_by_canteensim(folder):
        return
    why = (
        f"its {SUMMARY} is not one canteensim wrote"
        if (folder / SUMMARY).exists()
        else f"no {SUMMARY}"
    )
    raise ResultsError(
        f"{folder}: is not a results folder written by canteensim ({why}); --force replaces "
        f"only those{refused}"
    )


def written_by_canteensim(folder: Path) -> bool:
    """Whether `folder` is a results folder canteensim wrote: a run's or a comparison's, finished
    (its summary.json holds `SUMMARY_KEYS`) or not (its manifest.json holds a fingerprint)."""
    return _json_holds(folder / SUMMARY, SUMMARY_KEYS) or _json_holds(
        folder / MANIFEST, ("fingerprint",)
    )


def write_results(
    results: Results,
    folder: Path,
    summary_json: Mapping[str, Any],
    *,
    table_format: TableFormat = "auto",
    replace: bool = False,
    inputs: Iterable[Path] = (),
) -> dict[str, str]:
    """Write every table and summary.json into `folder`, atomically.

    `folder` is checked again as `check_destination` does, since time has passed since the run
    was asked for; `replace` and `inputs` mean what they mean there.

    Returns
    -------
    The file name of each table.

    Raises
    ------
    ResultsError
        When `folder` may not be written (see `check_destination`), or it cannot be written.
    """
    check_destination(folder, replace=replace, inputs=inputs)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with staged(folder) as staging:
            staging.mkdir()
            # pyarrow writes without the GIL: the tables go to disk side by side
            writers = min(WRITER_THREADS, usable_cores())
            with ThreadPoolExecutor(max_workers=writers) as pool:
                written = pool.map(
                    lambda name: _write_table(
                        results.tables.table(name), staging, name, table_format
                    ),
                    RUN_TABLES,
                )
                files = dict(zip(RUN_TABLES, written, strict=True))
            write_json(staging / SUMMARY, {**summary_json, "tables": files})
    except OSError as exc:
        raise ResultsError(f"{folder}: cannot be written ({exc.strerror or exc})") from None
    return files


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Write the file or folder `path` whole or not at all: every writer of canteensim's does.

    Yields the hidden name beside `path` (`staging_path`) to write it under. When the block ends
    without an error, that replaces `path`: a file in one atomic rename, a folder by setting the
    earlier one aside, moving the new one in and only then removing the old, so that a kill at
    any moment leaves the old or the new one, and debris `clear_stale_staging` recognises. When
    the block fails, what it wrote is removed and `path` is as it was.
    """
    staging = staging_path(path)
    _remove(staging)
    try:
        yield staging
        _move_into_place(staging, path)
    finally:
        _remove(staging)


def write_json(path: Path, document: Mapping[str, Any]) -> None:
    """Write `document` as canteensim writes every JSON file: UTF-8, indented, names as they are
    (Chinese too); values JSON has no type for (dates) as text."""
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    path.write_text(text, encoding="utf-8")


def write_parquet(frame: pd.DataFrame | Table, path: Path) -> None:
    """Write `frame` (a DataFrame or a run's `Table`) as Parquet, dictionary-encoding only its
    categories and text: a column of measured floats has few repeats, and encoding it as a
    dictionary takes longer than it saves (40 % of the time of a province's ``canteen_months``,
    for a larger file). Statistics (each row group's least and greatest value, which let a
    reader skip row groups as it filters) are kept for numbers, days and flags but not for
    categories and text: there they took a quarter of the writing time of a province's tables,
    and a file of these sizes reads whole in a fraction of a second."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    if isinstance(frame, Table):
        table = frame.to_arrow()
    else:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    labelled = [field.name for field in table.schema if _is_label(field.type)]
    counted = [field.name for field in table.schema if field.name not in labelled]
    pq.write_table(table, path, use_dictionary=labelled, write_statistics=counted)


def _is_label(kind: Any) -> bool:
    """A category or text column, as Arrow holds it."""
    return bool(
        pa.types.is_dictionary(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
    )


def write_csv(frame: pd.DataFrame | Table, path: Path) -> None:
    """Write `frame` (a DataFrame or a run's `Table`) as a CSV file a spreadsheet opens safely
    (see `spreadsheet_safe`).

    UTF-8 with a byte-order mark, so that Excel shows Chinese names; a header row and no index.
    Written by Arrow's CSV writer, several times faster than pandas' on a province's tables
    (`csv_table` says how each column is written): text in double quotes, so that commas,
    quotes and line breaks in it are safe; integers as they are; floats in the shortest form
    that reads back as the same float (``0.1``, ``1e-7``), a float column holding whole numbers
    only with ``.0`` so that it reads back as floats; booleans ``true`` and ``false``; calendar
    days ``YYYY-MM-DD``; a missing value empty. `read_csv` reads back the values written.
    """
    table = run_csv_table(frame) if isinstance(frame, Table) else csv_table(spreadsheet_safe(frame))
    header = "none" if all(_plain_name(name) for name in table.column_names) else "needed"
    options = pa_csv.WriteOptions(quoting_style="needed", quoting_header=header)
    with pa.OSFile(str(path), "wb") as sink:
        sink.write(codecs.BOM_UTF8)
        pa_csv.write_csv(table, sink, options)


def csv_table(frame: pd.DataFrame) -> Any:
    """`frame` as the Arrow table `write_csv` writes: each column in a type Arrow's CSV writer
    writes as pandas' `to_csv` would, as far as reading it back tells (`_csv_column`)."""
    names = [str(name) for name in frame.columns]
    columns = [_csv_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return pa.Table.from_arrays(columns, names=names)


def run_csv_table(table: Table) -> Any:
    """A run's `Table` as the Arrow table `write_csv` writes: each column as `csv_table` writes a
    frame's, label text made safe for a spreadsheet as `spreadsheet_safe` makes it, built
    without pandas (`canteensim.model.columns`)."""
    columns = [_run_csv_column(values) for values in table.columns.values()]
    return pa.Table.from_arrays(columns, names=table.column_names)


def _run_csv_column(values: Column) -> Any:
    if isinstance(values, Labels):
        return arrow_array(Labels(values.codes, np.array([_text_cell(v) for v in values.values])))
    if values.dtype.kind == "f":
        return _float_csv(values)
    if values.dtype.kind == "M":
        return _days_csv(values)
    return arrow_array(values)


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV file `write_csv` wrote, its text as it was before `spreadsheet_safe`."""
    import pandas as pd

    frame = pd.read_csv(path, encoding="utf-8-sig")
    for name in frame.columns:
        if pd.api.types.is_object_dtype(frame[name].dtype) or pd.api.types.is_string_dtype(
            frame[name].dtype
        ):
            frame[name] = frame[name].map(_plain_cell, na_action="ignore")
    return frame


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell a spreadsheet would evaluate made text (`spreadsheet_text`).

    Only text, object and categorical columns change, and only their string cells: numbers
    (a negative one too), booleans and dates stay as they are. `frame` itself is not changed.
    """
    import pandas as pd

    safe = frame.copy(deep=False)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            escaped = [_text_cell(c) for c in categories]
            if escaped != list(categories):
                safe[name] = column.cat.rename_categories(escaped)
        elif pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(
            column.dtype
        ):
            safe[name] = column.map(_text_cell, na_action="ignore")
    return safe


def spreadsheet_text(text: str) -> str:
    """`text` as a CSV cell that Excel or LibreOffice shows as text and never evaluates.

    A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
    formula (``=HYPERLINK(...)`` in a canteen's name would become a live link), so such text is
    written with a single quote before it, as OWASP's "CSV Injection" advises: the spreadsheet
    then shows ``'=HYPERLINK(...)`` as text. Text that already begins with quotes followed by one
    of those characters gets one more quote, so the escape can be undone exactly by
    `from_spreadsheet_text`. Parquet files keep the raw text.
    """
    return "'" + text if FORMULA_START.match(text) else text


def from_spreadsheet_text(text: str) -> str:
    """The text `spreadsheet_text` escaped: one leading quote fewer where it put one."""
    return text[1:] if text.startswith("'") and FORMULA_START.match(text[1:]) else text


def _csv_column(column: pd.Series) -> Any:
    """One column as the Arrow array `write_csv` writes.

    Categories are written as their values; a timestamp column of midnights as calendar days,
    as pandas writes it; a float column whose every value is whole as decimals with one place
    (Arrow would write ``3`` for 3.0, which reads back as an integer); text, whole numbers,
    booleans and calendar days as Arrow holds them. A column Arrow cannot hold (mixed Python
    objects) or write (durations, time zones) is written as the text of each value.
    """
    try:
        array = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return _text_column(column)
    written = _csv_array(array)
    return _text_column(column) if written is None else written


def _csv_array(array: Any) -> Any:
    """An Arrow array as `write_csv` writes it (see `_csv_column`); None for a type Arrow's CSV
    writer does not write as pandas would, written as text by the caller."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.dictionary_decode()
        kind = array.type
    if pa.types.is_floating(kind):
        return _float_column(array)
    if pa.types.is_timestamp(kind) and kind.tz is None:
        return _timestamp_column(array)
    if _written_as_is(kind):
        return array
    return None


def _timestamp_column(array: Any) -> Any:
    """Midnights as calendar days (``2020-01-09``), other instants to the second
    (``2020-01-09 12:30:00``) unless they hold fractions of one, as pandas writes them."""
    days = pc.floor_temporal(array, unit="day")
    if pc.all(pc.equal(days, array)).as_py():
        return pc.cast(days, pa.date32())
    try:
        return pc.cast(array, pa.timestamp("s"))  # safe: refused if a fraction would be lost
    except pa.ArrowInvalid:
        return array


def _days_csv(values: np.ndarray) -> Any:
    """`_timestamp_column` for a run's days to the second (``datetime64[s]``)."""
    days = values.astype("datetime64[D]")
    if (days == values).all():
        return pa.Array.from_buffers(
            pa.date32(), len(days), [None, pa.py_buffer(days.view(np.int64).astype(np.int32))]
        )
    return arrow_array(values)


def _written_as_is(kind: Any) -> bool:
    """Arrow types whose CSV text reads back as the value pandas' text did."""
    types = pa.types
    return bool(
        types.is_boolean(kind)
        or types.is_integer(kind)
        or types.is_string(kind)
        or types.is_large_string(kind)
        or types.is_date32(kind)
        or types.is_null(kind)
    )


_WHOLE = r"^-?[0-9]+$"
_EXACT_WHOLE = 2.0**53
"""Whole floats below this in size are exactly integers, and fit a decimal of 17 digits."""


def _float_column(array: Any) -> Any:
    """A float column as written: as is, unless every value is whole (see `_csv_column`)."""
    return _float_csv(array.to_numpy(zero_copy_only=False))  # a missing value is NaN here


def _float_csv(numbers: np.ndarray) -> Any:
    """Floats as the Arrow array `_float_column` writes, NaN written empty."""
    array = arrow_array(numbers)
    numbers = numbers[~np.isnan(numbers)]
    if len(numbers) == 0 or not np.isfinite(numbers).all() or (numbers != np.floor(numbers)).any():
        return array  # a fraction or an infinity is written: the column reads back as floats
    negative_zero = np.signbit(numbers) & (numbers == 0)
    if np.abs(numbers).max() < _EXACT_WHOLE and not negative_zero.any():
        return pc.cast(array, pa.decimal128(18, 1))  # written 3.0, unquoted
    return _with_point(array)  # written "3.0" (text, so quoted): huge whole floats and -0.0


def _with_point(array: Any) -> Any:
    """Each float's shortest text, with ``.0`` after a whole one, as pandas writes ``-0.0``."""
    text = pc.cast(array, pa.string())
    whole = pc.match_substring_regex(text, _WHOLE)
    return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)


def _text_column(column: pd.Series) -> Any:
    """Each value's text as pandas writes it (`astype(str)` formats a column as `to_csv` does:
    ``2 days`` when every duration is whole days); missing values empty."""
    missing = column.isna().to_numpy()
    text = column.astype(str)
    return pa.array(
        [None if gone else value for value, gone in zip(text, missing, strict=True)],
        type=pa.string(),
    )


def _plain_name(name: str) -> bool:
    """Whether a column name needs no quotes in a CSV header."""
    return not any(c in name for c in ',"\r\n')


def _text_cell(value: Any) -> Any:
    return spreadsheet_text(value) if isinstance(value, str) else value


def _plain_cell(value: Any) -> Any:
    return from_spreadsheet_text(value) if isinstance(value, str) else value


def staging_path(path: Path, state: Staging = "partial") -> Path:
    """The hidden name beside `path` under which this process writes it (``partial``) or sets
    the earlier one aside (``replaced``): ``.NAME.canteensim.partial-PID``.

    The name says canteensim, so no folder of the user's is ever taken for one, and the process
    id, so that another canteensim process can tell whether its writer is still alive.
    """
    return path.with_name(f".{path.name}.canteensim.{state}-{os.getpid()}")


def clear_stale_staging(parent: Path) -> None:
    """Clear away what killed canteensim processes left in `parent` while writing into it.

    A staging entry (`staging_path`) whose process is no longer alive is removed, except earlier
    results a killed process had set aside and not replaced yet: those go back to their name.
    Entries of live processes, this one included, are left alone; so is a staging folder of an
    older canteensim (``.NAME.partial-PID``) unless it holds only files canteensim writes.
    """
    try:
        entries = sorted(parent.iterdir())
    except OSError:  # no such folder yet, or not one: nothing to clear
        return
    for entry in entries:
        match = _STAGING.fullmatch(entry.name)
        old = match is None
        match = match or _OLD_STAGING.fullmatch(entry.name)
        if match is None or _alive(int(match["pid"])):
            continue
        if old and not _old_staging_is_ours(entry, match["state"]):
            continue
        destination = parent / match["name"]
        if match["state"] == "replaced" and not _exists(destination) and _is_results(entry):
            # killed between setting the earlier results aside and moving the new ones in
            with contextlib.suppress(OSError):
                entry.rename(destination)
            continue
        _remove(entry)


def _alive(pid: int) -> bool:
    """Whether process `pid` may still be writing: when in doubt, it is."""
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OverflowError, ValueError):  # no process can have that id
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def _is_results(entry: Path) -> bool:
    return entry.is_dir() and not entry.is_symlink() and written_by_canteensim(entry)


def _old_staging_is_ours(entry: Path, state: str) -> bool:
    if state == "replaced":
        return _is_results(entry)
    if not entry.is_dir() or entry.is_symlink():
        return False
    ours = {SUMMARY, *(f"{name}.{suffix}" for name in RUN_TABLES for suffix in ("csv", "parquet"))}
    return all(p.name in ours and p.is_file() for p in entry.iterdir())


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink()


def _exists(path: Path) -> bool:
    """Whether anything is at `path`, a dangling symbolic link included."""
    return path.exists() or path.is_symlink()


def _json_holds(path: Path, keys: Iterable[str]) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(document, dict) and all(key in document for key in keys)


def _write_table(table: Table, folder: Path, name: str, table_format: TableFormat) -> str:
    """Write a run's table as `table_format` says; the file's name."""
    parquet = table_format == "parquet" or (table_format == "auto" and len(table) > CSV_MAX_ROWS)
    if parquet:
        write_parquet(table, folder / f"{name}.parquet")
        return f"{name}.parquet"
    write_csv(table, folder / f"{name}.csv")
    return f"{name}.csv"


def _move_into_place(staging: Path, folder: Path) -> None:
    if not _exists(folder):
        staging.rename(folder)
        return
    if not folder.is_dir():  # a file, replaced in one atomic rename
        staging.replace(folder)
        return
    retired = staging_path(folder, "replaced")
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
