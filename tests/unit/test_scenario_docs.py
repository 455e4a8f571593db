"""docs/scenario.md documents every scenario key, in the right section, with the schema's default.

The schema is walked from `Scenario` through every nested model (`model_fields`), so a key added
to `schema.py` fails these tests until it has a row in the documentation. Each model is
documented under one heading (`SECTIONS`), in a Markdown table whose first column is the key in
backticks and which has a ``default`` column:

- a required key says ``required``;
- a key whose default is ``None`` says ``not set``;
- a key whose default is a whole section (``calendar = CalendarSpec()``) may say anything else;
- any other default is written in backticks as a TOML value (``0.2``, ``"fcfs"``, ``["Thu"]``,
  ``{ dist = "constant", value = 1.0 }``) and must equal the schema's default.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from canteensim.scenario import schema
from canteensim.scenario.load import SEASON_COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario.md"

SECTIONS: dict[str, str] = {
    "Scenario": "Sections of a scenario file",
    "ScenarioInfo": "`[scenario]`",
    "CalendarSpec": "`[calendar]`",
    "Quota": "`[quota]`",
    "Cycle": "`[cycle]`",
    "Platform": "`[platform]`",
    "Ordering": "`[ordering]`",
    "Category": "`[categories.NAME]`",
    "Cooperatives": "`[cooperatives]`",
    "CooperativeGenerate": "`[cooperatives.generate]`",
    "CooperativeRow": "Cooperatives table",
    "Products": "`[products]`",
    "ProductGenerate": "`[products.generate]`",
    "ProductClass": "`[products.generate.categories.NAME]`",
    "ProductRow": "Products table",
    "Canteens": "`[canteens]`",
    "CanteenGenerate": "`[canteens.generate]`",
    "CanteenRow": "Canteens table",
    "Consumers": "`[consumers]`",
    "Disruption": "`[[disruptions]]`",
    "Constant": '`dist = "constant"`',
    "LogNormal": '`dist = "lognormal"`',
    "Uniform": '`dist = "uniform"`',
}
"""Each schema model and the text of the one heading its keys are documented under."""

EXTRA_ROWS: dict[str, set[str]] = {"ProductRow": set(SEASON_COLUMNS)}
"""Documented rows that are not model fields: the CSV columns that together give `season`."""

_BACKTICKED = re.compile(r"`([^`]+)`")


# --- the schema ---------------------------------------------------------------------------------


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation mentions (in unions, tuples, dict values, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict:
        args = args[1:]  # keys are free names
    elif origin is typing.Annotated:
        args = args[:1]  # the rest is metadata
    elif origin not in (typing.Union, types.UnionType, tuple):
        return []
    return [model for arg in args for model in _models_in(arg)]


def schema_models() -> list[type[BaseModel]]:
    """`Scenario` and every model nested in it, each once, in walking order."""
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [schema.Scenario]
    while pending:
        model = pending.pop(0)
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending += _models_in(field.annotation)
    return found


MODELS = schema_models()


# --- the documentation --------------------------------------------------------------------------


def doc_text() -> str:
    assert DOC.is_file(), f"{DOC} is missing"
    return DOC.read_text(encoding="utf-8")


def section(text: str, marker: str) -> str:
    """The text under the one heading containing `marker`, up to the next heading."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("#") and marker in line]
    assert len(starts) == 1, f"expected one heading containing {marker!r}, found {len(starts)}"
    body: list[str] = []
    for line in lines[starts[0] + 1 :]:
        if line.startswith("#"):
            break
        body.append(line)
    return "\n".join(body)


def key_rows(text: str) -> dict[str, dict[str, str]]:
    """Rows of the key tables in `text`: key → {column header: cell}."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not header:
            header = [cell.lower() for cell in cells]
            continue
        key = _BACKTICKED.match(cells[0])
        if key is None or "key" not in header:
            continue  # the separator row, or a table that is not a key table
        rows[key[1]] = dict(zip(header, cells, strict=False))
    return rows


# --- defaults -----------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A schema default as the TOML parser would give it back."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump())
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def default_problem(model: type[BaseModel], name: str, field: FieldInfo, cell: str) -> str | None:
    """Why `cell` does not state the default of `field`, or None when it does."""
    where = f"{model.__name__}.{name}"
    if field.is_required():
        return None if "required" in cell else f"{where}: required, documented as {cell!r}"
    default = field.get_default(call_default_factory=True)
    if "required" in cell:
        return f"{where}: has a default, documented as required"
    if default is None:
        return None if "not set" in cell else f"{where}: default not set, documented as {cell!r}"
    written = _BACKTICKED.search(cell)
    if written is None:
        if isinstance(default, BaseModel) and type(default).__name__ in SECTIONS:
            return None  # a whole section's defaults, described in words
        return f"{where}: default {default!r} not written in backticks: {cell!r}"
    try:
        documented = tomllib.loads(f"v = {written[1]}")["v"]
    except tomllib.TOMLDecodeError:
        return f"{where}: documented default {written[1]!r} is not a TOML value"
    expected = plain(default)
    if isinstance(expected, bool) or isinstance(documented, bool):
        same = type(expected) is type(documented) and expected == documented
    else:
        same = documented == expected
    return None if same else f"{where}: default is {expected!r}, documented as {written[1]}"


# --- the tests ----------------------------------------------------------------------------------


def test_every_model_has_a_section() -> None:
    unmapped = [model.__name__ for model in MODELS if model.__name__ not in SECTIONS]
    assert not unmapped, (
        f"schema models with no section in {DOC.name}: {unmapped}; document their keys under a "
        "heading and add the heading to SECTIONS in this test"
    )
    text = doc_text()
    for model in MODELS:
        section(text, SECTIONS[model.__name__])


def test_every_key_is_named_in_backticks() -> None:
    text = doc_text()
    undocumented = sorted(
        {name for model in MODELS for name in model.model_fields if f"`{name}`" not in text}
    )
    assert not undocumented, f"scenario keys not documented in {DOC.name}: {undocumented}"


def test_every_key_has_a_row_in_its_section() -> None:
    text = doc_text()
    missing = []
    for model in MODELS:
        rows = key_rows(section(text, SECTIONS[model.__name__]))
        missing += [f"{model.__name__}.{name}" for name in model.model_fields if name not in rows]
    assert not missing, f"scenario keys without a row in their section of {DOC.name}: {missing}"


def test_no_row_documents_a_key_that_does_not_exist() -> None:
    text = doc_text()
    stale = []
    for model in MODELS:
        rows = key_rows(section(text, SECTIONS[model.__name__]))
        valid = set(model.model_fields) | EXTRA_ROWS.get(model.__name__, set())
        stale += [f"{model.__name__}: {key}" for key in rows if key not in valid]
    assert not stale, f"rows in {DOC.name} for keys the schema does not have: {stale}"


def test_documented_defaults_match_the_schema() -> None:
    text = doc_text()
    problems = []
    for model in MODELS:
        rows = key_rows(section(text, SECTIONS[model.__name__]))
        for name, field in model.model_fields.items():
            if name not in rows:
                continue  # reported by test_every_key_has_a_row_in_its_section
            assert "default" in rows[name], f"the table of {model.__name__} has no default column"
            problem = default_problem(model, name, field, rows[name]["default"])
            if problem:
                problems.append(problem)
    assert not problems, f"defaults in {DOC.name} that differ from the schema:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize(
    ("cell", "default", "ok"),
    [
        ("`0.2`", 0.2, True),
        ("`0.3`", 0.2, False),
        ("`1`", 1.0, True),
        ("`true`", True, True),
        ("`1`", True, False),
        ('`"fcfs"`', "fcfs", True),
        ('`["Thu", "Fri"]`', ("Thu", "Fri"), True),
        ('`["Thu"]`', ("Thu", "Fri"), False),
        ("`[]`", (), True),
        ("0.2", 0.2, False),
    ],
)
def test_default_check_itself(cell: str, default: Any, ok: bool) -> None:
    field = FieldInfo(default=default)
    assert (default_problem(schema.Quota, "x", field, cell) is None) is ok
