"""Loading a scenario: TOML file, CSV tables beside it, dotted-key overrides, one validation.

A scenario file is data: it is parsed with `tomllib` and `csv`, never executed. Every problem
becomes a `ScenarioError` naming the file (and CSV row), the key path, the value and what is valid.
A file is read only if it is a regular file of bounded size, and an error about a file never
shows its content beyond the one value at fault: a ``file`` key may name any file.
"""

from __future__ import annotations

import csv
import difflib
import io
import stat
import tomllib
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from canteensim.errors import ScenarioError
from canteensim.scenario import limits
from canteensim.scenario.schema import (
    CanteenRow,
    CooperativeRow,
    ProductRow,
    Scenario,
)

TABLE_ROWS: dict[str, type[BaseModel]] = {
    "cooperatives": CooperativeRow,
    "products": ProductRow,
    "canteens": CanteenRow,
}
SEASON_COLUMNS = tuple(f"season_{m:02d}" for m in range(1, 13))
"""CSV columns that together give `ProductRow.season`."""

Loc = tuple[str | int, ...]
DISTRIBUTION_TAGS = ("constant", "lognormal", "uniform")
"""Pydantic names the member of a distribution union in its error paths; users never write it."""


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, override and validate a scenario file.

    Parameters
    ----------
    path:
        The TOML scenario file. CSV tables it names are read relative to its folder.
    overrides:
        ``"dotted.key=value"`` strings, applied before validation; the value is read as TOML
        (``0.3``, ``true``, ``"Thu"``, ``["Thu"]``) and, failing that, as a plain string.

    Raises
    ------
    ScenarioError
        For anything that keeps the scenario from being valid.
    """
    path = Path(path)
    raw = _read_toml(path)
    overridden = [apply_override(raw, text) for text in overrides]
    sources: dict[str, CsvTable] = {}
    for table in TABLE_ROWS:
        section = raw.get(table)
        if isinstance(section, dict) and isinstance(section.get("file"), str):
            if "rows" in section:
                raise ScenarioError(
                    str(path), f"{table}.rows", f"is given beside {table}.file; give one of them"
                )
            sources[table] = read_table(path.parent / section["file"], table)
            section["rows"] = sources[table].rows
    return validate(raw, path, sources, overridden)


def validate(
    raw: Mapping[str, Any],
    path: Path,
    sources: Mapping[str, CsvTable] | None = None,
    overridden: Sequence[Loc] = (),
    option: str = "--set",
) -> Scenario:
    """Validate a scenario mapping, translating the first problem into a `ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise _scenario_error(exc, path, sources or {}, overridden, option) from None


# --- TOML and overrides -------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    data = read_bytes(path, "", limits.MAX_SCENARIO_BYTES, "no such file; check the path")
    # Notepad's "UTF-8 with BOM" is UTF-8 too: `decode` drops the byte-order mark.
    remedy = "save it as UTF-8 in your editor (Notepad: Save As, Encoding: UTF-8)"
    text = decode(data, path, "", remedy, f"{path.stem}-utf8.toml")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), "", f"TOML syntax error: {exc}") from None


def apply_override(raw: dict[str, Any], text: str, option: str = "--set") -> Loc:
    """Set ``dotted.key=value`` in `raw`, the value read as TOML; return the key path."""
    key, sep, value_text = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            option, text, f"is not KEY=VALUE with a dotted key, e.g. {option} quota.share=0.3"
        )
    return set_key(raw, key.strip(), parse_value(value_text.strip()), option)


def set_key(raw: dict[str, Any], key: str, value: Any, option: str = "--set") -> Loc:
    """Set the dotted `key` of a scenario mapping to `value`; return the key path."""
    parts = key.split(".")
    if not all(parts):
        raise ScenarioError(option, key, "is not a dotted key like quota.share")
    table = raw
    for depth, part in enumerate(parts[:-1]):
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            where = ".".join(parts[: depth + 1])
            raise ScenarioError(option, key, f"{where} is a value, not a table of keys")
    table[parts[-1]] = value
    return tuple(parts)


def with_values(
    scenario: Scenario, values: Mapping[str, Any], path: Path, option: str = "--vary"
) -> Scenario:
    """`scenario` with dotted keys set to new values, validated again (tables are kept)."""
    raw = scenario.model_dump(mode="python", exclude_unset=False)
    keys = [set_key(raw, key, value, option) for key, value in values.items()]
    return validate(raw, path, overridden=keys, option=option)


def parse_value(text: str) -> Any:
    """Read a command-line value as TOML (number, boolean, date, array), else as a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


# --- CSV tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    """A population table read from a CSV file, with the spreadsheet row of each row for errors."""

    path: Path
    rows: list[dict[str, Any]]
    lines: list[int]
    """The spreadsheet row number of each row: the header is row 1, and a record is one row
    even when a quoted cell holds a line break (a blank line is a row too, as Excel shows it)."""


def read_table(path: Path, table: str) -> CsvTable:
    """Read one population table (UTF-8, with or without BOM) into row mappings.

    Rows whose cells are all empty are skipped (Excel leaves ``,,,`` rows below a table); so
    are columns with an empty header and no values (Excel leaves a trailing empty column).
    """
    model = TABLE_ROWS[table]
    key = f"{table}.file"
    data = read_bytes(
        path, key, limits.MAX_TABLE_BYTES, "no such file; the path is relative to the scenario file"
    )
    text = decode(data, path, key, _SAVE_AS_CSV_UTF8, f"{path.stem}-utf8.csv")
    records = csv.reader(io.StringIO(text, newline=""))
    number = 0  # the spreadsheet row last read
    try:
        names = _columns(path, table, model, next(records, []))
        number = 1
        rows: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == limits.MAX_ROWS:
                raise ScenarioError(
                    str(path), key, f"has more than {limits.MAX_ROWS:,} rows; at most that many"
                )
            rows.append(_row(f"{path} row {number}", record, names, model))
            numbers.append(number)
    except csv.Error as exc:
        raise ScenarioError(
            f"{path} row {number + 1}", "", f"cannot be read as CSV ({exc}); {_SAVE_AS_CSV_UTF8}"
        ) from None
    if not rows:
        singular = table.removesuffix("s")
        raise ScenarioError(
            str(path),
            key,
            f"has no rows; list at least one {singular} below the header row, "
            f"or generate them with [{table}.generate]",
        )
    return CsvTable(path, rows, numbers)


def _columns(path: Path, table: str, model: type[BaseModel], header: list[str]) -> list[str | None]:
    """The name of each column of the header row; None for a column with an empty header."""
    names = [cell.strip() for cell in header]
    valid = [*model.model_fields]
    if model is ProductRow:  # the twelve season factors are columns of their own
        valid = [c for c in valid if c != "season"] + list(SEASON_COLUMNS)
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    if len(names) == 1 and set(names[0].split(";")) & set(valid):
        # Excel in locales with a decimal comma separates cells with semicolons
        raise ScenarioError(
            str(path),
            "",
            "separates its columns with semicolons; canteensim reads commas: save it as "
            "'CSV UTF-8 (逗号分隔)(*.csv)' in Excel, or replace each ';' with ','",
        )
    if any(names) and not set(names) & set(valid):
        # Likely not the file meant: say so without showing its first line.
        raise ScenarioError(
            str(path),
            "",
            f"has none of the columns of a {table} table in its first row, which must be the "
            f"header ({', '.join(required)}, ...); is it the right file?",
        )
    for j, name in enumerate(names):
        first = names.index(name)
        if name and first != j:
            raise ScenarioError(
                str(path),
                "",
                f"column {_shown_name(name)!r} appears twice (columns {_column(first)} and "
                f"{_column(j)}); keep one",
            )
    for name in names:
        if name and name not in valid:
            raise ScenarioError(
                str(path), _shown_name(name), f"unknown column{_nearest(name, valid)}"
            )
    missing = [name for name in required if name not in names]
    if missing:
        raise ScenarioError(
            str(path), "", f"missing column {missing[0]!r}; {table} needs columns {required}"
        )
    season = [c for c in SEASON_COLUMNS if c in names]
    if season and len(season) != 12:
        raise ScenarioError(
            str(path), "", f"has {len(season)} season columns; give all of season_01 … season_12"
        )
    return [name or None for name in names]


def _row(
    source: str, record: list[str], names: list[str | None], model: type[BaseModel]
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for j, cell in enumerate(record):
        value = cell.strip()
        if not value:
            continue  # an empty cell takes the schema's default
        if j >= len(names):
            raise ScenarioError(
                source,
                "",
                f"has a value in column {_column(j)}, past the {len(names)} columns of the header; "
                "a cell that holds a comma must be in double quotes",
            )
        name = names[j]
        if name is None:
            raise ScenarioError(
                source,
                "",
                f"column {_column(j)} has an empty header but this row has a value in it; "
                "give the column a name or delete it",
            )
        row[name] = value
    if model is ProductRow and any(c in row for c in SEASON_COLUMNS):
        row["season"] = tuple(row.pop(c, 1.0) for c in SEASON_COLUMNS)  # an empty cell: 1
    if model is CanteenRow and "open_weekdays" in row:
        weekdays = unicodedata.normalize("NFKC", row["open_weekdays"])
        row["open_weekdays"] = tuple(weekdays.replace(",", " ").split())
    return row


def _column(index: int) -> str:
    """Column `index` (from 0) as a spreadsheet shows it: ``7 (G)``."""
    letters, rest = "", index + 1
    while rest:
        rest, digit = divmod(rest - 1, 26)
        letters = chr(ord("A") + digit) + letters
    return f"{index + 1} ({letters})"


def _shown_name(name: str) -> str:
    """A column name as an error may show it: control characters escaped, and cut short."""
    printable = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
    if len(printable) <= limits.MAX_SHOWN_NAME:
        return printable
    return printable[: limits.MAX_SHOWN_NAME - 1] + "…"


# --- files: regular, bounded, UTF-8 ---------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_SAVE_AS_CSV_UTF8 = "save it as 'CSV UTF-8 (逗号分隔)(*.csv)' in Excel"


def read_bytes(path: Path, key: str, limit: int, missing: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a `ScenarioError` saying why not.

    A folder, a device (``/dev/zero``) or a pipe is refused before it is opened, so that a
    mistyped path can never hang the loader or read forever.
    """
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ScenarioError(str(path), key, missing) from None
    except OSError as exc:
        raise ScenarioError(str(path), key, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(status.st_mode):
        raise ScenarioError(str(path), key, "is a folder, not a file; name the file in it")
    if not stat.S_ISREG(status.st_mode):
        raise ScenarioError(
            str(path), key, "is not a regular file (a device, pipe or socket); name a file"
        )
    if status.st_size > limit:
        raise ScenarioError(
            str(path),
            key,
            f"is {limits.shown_bytes(status.st_size)}; canteensim reads files of at most "
            f"{limits.shown_bytes(limit)}",
        )
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)  # the file may have grown since
    except OSError as exc:
        raise ScenarioError(str(path), key, f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise ScenarioError(
            str(path), key, f"is over {limits.shown_bytes(limit)}; canteensim reads no more"
        )
    return data


def decode(data: bytes, path: Path, key: str, remedy: str, convert_to: str) -> str:
    """UTF-8 text (a byte-order mark dropped); other encodings get an error that says the fix.

    The error never shows the file's bytes: the file may not be the one the user meant to name.

    Parameters
    ----------
    remedy:
        How to save the file as UTF-8 in the program that wrote it.
    convert_to:
        The file name `iconv` should write, in the command line the error suggests.
    """

    def refuse(problem: str) -> NoReturn:
        raise ScenarioError(str(path), key, problem)

    def iconv(encoding: str) -> str:
        return f"`iconv -f {encoding} -t UTF-8 {path.name} > {convert_to}`"

    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        refuse(f"is an Excel workbook, not a text file; {remedy}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data[:1000]):
        refuse(
            "is UTF-16 text (what Excel saves as 'Unicode text'), not UTF-8; "
            f"{remedy}, or convert it with {iconv('UTF-16')}"
        )
    if b"\x00" in data:
        refuse(f"is not a text file (it holds NUL bytes); {remedy}")
    try:
        return data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        for encoding in ("GBK", "GB18030"):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            refuse(
                f"is encoded in {encoding} (what Chinese Windows saves by default), not UTF-8; "
                f"{remedy}, or convert it with {iconv(encoding)}"
            )
        refuse(f"is not UTF-8 text (line {line} is the first that is not); {remedy}")


def _utf16_without_bom(head: bytes) -> bool:
    """Mostly-ASCII UTF-16 text: every other byte is zero."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and max(even.count(0), odd.count(0)) > 0.8 * len(odd)


# --- turning a validation error into one clear line ---------------------------------------------


def _scenario_error(
    exc: ValidationError,
    path: Path,
    sources: Mapping[str, CsvTable],
    overridden: Sequence[Loc],
    option: str,
) -> ScenarioError:
    # An unknown key explains the "missing" error of the key it misspells: report it first.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    error = errors[0]
    loc: Loc = tuple(error["loc"])
    value = error.get("input")
    # With overrides, the scenario that failed is the file as overridden, whichever key broke.
    source = f"{path} (with {option})" if overridden else str(path)
    plain = tuple(part for part in loc if part not in DISTRIBUTION_TAGS and part != "[key]")
    if len(loc) >= 3 and loc[1] == "rows" and isinstance(loc[2], int) and loc[0] in sources:
        # a CSV row: name the file and its line, as a spreadsheet numbers it
        table = sources[str(loc[0])]
        source = f"{table.path} row {table.lines[loc[2]]}"
        column = loc[3:]
        if column[:1] == ("season",) and len(column) == 2 and isinstance(column[1], int):
            column = (SEASON_COLUMNS[column[1]],)  # the CSV column of that month's factor
        key = ".".join(str(p) for p in column) or str(loc[0])
    else:
        key = dotted(plain)
    if error["type"] == "extra_forbidden":
        valid = _fields_at(loc[:-1])
        return ScenarioError(source, key, f"unknown key{_nearest(str(loc[-1]), valid)}")
    if error["type"] == "missing":
        return ScenarioError(source, key, "required key is missing")
    return ScenarioError(source, key, _message(error), value)


def _message(error: Mapping[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def dotted(loc: Iterable[str | int]) -> str:
    """``("canteens", "rows", 3, "diners")`` → ``canteens.rows[3].diners``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _nearest(name: str, valid: Sequence[str]) -> str:
    if not valid:
        return ""
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{hint} (valid: {', '.join(valid)})"


def _fields_at(loc: Loc) -> list[str]:
    """The keys the schema allows at a key path (for suggesting the nearest one)."""
    candidates: list[type[BaseModel]] = [Scenario]
    for part in loc:
        if isinstance(part, int):
            continue
        following: list[type[BaseModel]] = []
        for model in candidates:
            field = model.model_fields.get(part)
            if field is not None:
                following += _models_in(field.annotation)
            elif model.__name__.lower() == part or _tag(model) == part:
                following.append(model)  # a discriminated union names the chosen member
        if not following:  # a free key, like a category name: keep the models of the values
            following = [m for m in candidates if m is not Scenario]
        candidates = following
    names = [name for model in candidates for name in model.model_fields]
    return list(dict.fromkeys(names))


def _tag(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("dist")
    args = typing.get_args(field.annotation) if field else ()
    return str(args[0]) if args else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is dict:
        args = args[1:]  # the values' type; keys are free names
    if origin in (typing.Union, types.UnionType, tuple, dict, typing.Annotated) or args:
        return [m for arg in args for m in _models_in(arg)]
    return []
