"""Loading a scenario: TOML file, CSV tables beside it, dotted-key overrides, one validation.

A scenario file is data: it is parsed with `tomllib` and `csv`, never executed. Every problem
becomes a `ScenarioError` naming the file (and CSV row), the key path, the value and what is valid.
"""

from __future__ import annotations

import csv
import difflib
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from canteensim.errors import ScenarioError
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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), "", "no such file; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), "", f"cannot be read as UTF-8 text ({exc})") from None
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
    """A population table read from a CSV file, with the file line of each row for errors."""

    path: Path
    rows: list[dict[str, Any]]
    lines: list[int]


def read_table(path: Path, table: str) -> CsvTable:
    """Read one population table (UTF-8, with or without BOM) into row mappings."""
    model = TABLE_ROWS[table]
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            columns = [c.strip() for c in reader.fieldnames or []]
            _check_columns(path, table, model, columns)
            rows, lines = [], []
            for record in reader:  # blank lines are skipped, so count lines, not records
                rows.append(_row(record, model))
                lines.append(reader.line_num)
            return CsvTable(path, rows, lines)
    except FileNotFoundError:
        raise ScenarioError(
            str(path), f"{table}.file", "no such file; the path is relative to the scenario file"
        ) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(str(path), "", f"cannot be read as a UTF-8 CSV table ({exc})") from None


def _check_columns(path: Path, table: str, model: type[BaseModel], columns: list[str]) -> None:
    valid = [*model.model_fields]
    if model is ProductRow:  # the twelve season factors are columns of their own
        valid = [c for c in valid if c != "season"] + list(SEASON_COLUMNS)
    for column in columns:
        if column not in valid:
            raise ScenarioError(str(path), column, f"unknown column{_nearest(column, valid)}")
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    missing = [name for name in required if name not in columns]
    if missing:
        raise ScenarioError(
            str(path), "", f"missing column {missing[0]!r}; {table} needs columns {required}"
        )
    season = [c for c in SEASON_COLUMNS if c in columns]
    if season and len(season) != 12:
        raise ScenarioError(
            str(path), "", f"has {len(season)} season columns; give all of season_01 … season_12"
        )


def _row(record: Mapping[str | None, str | None], model: type[BaseModel]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key is None or value is None or not value.strip():
            continue  # an empty cell takes the schema's default
        row[key.strip()] = value.strip()
    if model is ProductRow and SEASON_COLUMNS[0] in row:
        row["season"] = tuple(row.pop(c) for c in SEASON_COLUMNS)
    if model is CanteenRow and "open_weekdays" in row:
        row["open_weekdays"] = tuple(row["open_weekdays"].replace(",", " ").split())
    return row


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
        key = ".".join(str(p) for p in loc[3:]) or str(loc[0])
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
