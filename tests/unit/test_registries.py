"""The registries of ordering behaviours and allocation rules: one table each, and all agree.

`canteensim.policies` lists each family's rules. The scenario schema's allowed values, the
model's functions, the tables of ``docs/scenario.md`` and the report's wording must name the
same rules (the schema, the documentation and the stacking in the same order), and a rule added
to the table and registered in the model is used by a run with nothing else to change.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from canteensim import policies, simulate
from canteensim.cli import main
from canteensim.errors import ReportError
from canteensim.model import allocation, ordering
from canteensim.policies import ALLOCATION_RULES, BEHAVIOURS, Rule, Rules
from canteensim.report import content
from canteensim.report.read import read_results
from canteensim.scenario import schema
from canteensim.scenario.schema import Cycle
from canteensim.text import _PHRASES, LANGUAGES, say

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario.md"

FAMILIES = {
    "behaviour": (BEHAVIOURS, ordering.BEHAVIOUR_FUNCTIONS, "`[ordering]`"),
    "allocation": (ALLOCATION_RULES, allocation.ALLOCATION_FUNCTIONS, "`[cycle]`"),
}
"""Each family: its registry, the model's functions, and the heading of its table in the docs."""


def documented(heading: str, key: str) -> tuple[str, ...]:
    """The names in the first column of the table headed `key` under `heading`, in order."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and heading in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    body = lines[start + 1 : end]
    for i, line in enumerate(body[:-1]):
        if _first_cell(line) == f"`{key}`" and body[i + 1].startswith("|---"):
            rows = [_first_cell(row) for row in body[i + 2 :]]
            cells = rows[: rows.index(None)] if None in rows else rows
            return tuple(cell.strip('`"') for cell in cells if cell is not None)
    return ()


def _first_cell(line: str) -> str | None:
    """The first cell of a Markdown table row; None for a line outside a table."""
    return line.strip().strip("|").split("|")[0].strip() if line.startswith("|") else None


# --- one table, every home agrees -----------------------------------------------------------------


def test_the_schema_allows_exactly_the_registered_names_in_order() -> None:
    assert typing.get_args(schema.Behaviour) == BEHAVIOURS.names
    # a canteen's behaviour may be left out (None: by whether it is bound), never misnamed
    row_field = schema.CanteenRow.model_fields["behaviour"].annotation
    weights_field = schema.CanteenGenerate.model_fields["behaviours"].annotation
    assert typing.get_args(row_field) == (schema.Behaviour, type(None))
    weights, no_weights = typing.get_args(weights_field)
    assert no_weights is type(None)
    assert typing.get_args(weights)[0] is schema.Behaviour
    allocation_field = schema.Cycle.model_fields["allocation"].annotation
    assert typing.get_args(allocation_field) == ALLOCATION_RULES.names


@pytest.mark.parametrize("family", FAMILIES)
def test_every_rule_has_one_model_function_and_no_function_lacks_a_rule(family: str) -> None:
    rules, functions, _ = FAMILIES[family]
    assert sorted(functions) == sorted(rules.names)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_documentation_tables_list_the_rules_in_order(family: str) -> None:
    rules, _, heading = FAMILIES[family]
    assert documented(heading, rules.key) == rules.names, (
        f"the `{rules.key}` table under {heading} in {DOC.name} must have one row per rule of "
        f"canteensim.policies, in its order: {rules.names}"
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_the_report_words_each_rule_in_every_language(family: str) -> None:
    rules, _, _ = FAMILIES[family]
    for rule in rules:
        assert set(rule.wording) == set(LANGUAGES), rule
    for lang in LANGUAGES:
        keys = {k for k in _PHRASES[lang] if k.startswith(f"{rules.key}.")}
        assert keys == {f"{rules.key}.{name}" for name in rules.names}
        for rule in rules:
            assert say(lang, f"{rules.key}.{rule.name}") == rule.wording[lang]


@pytest.mark.parametrize(
    ("name", "lang"), [(n, lang) for n in ALLOCATION_RULES.names for lang in LANGUAGES]
)
def test_the_report_names_the_scenario_allocation_rule(name: str, lang: str) -> None:
    text = content._cycle_words(Cycle(allocation=name), lang)
    assert ALLOCATION_RULES[name].wording[lang] in text


def test_a_folder_whose_scenario_names_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    """The report words only rules it knows: a folder naming another is not read at all."""
    folder = tmp_path / "run"
    haikou = Path(__file__).resolve().parents[2] / "scenarios" / "hainan_2020.toml"
    options = ["--set", "scenario.end=2020-03-31", "-q", "--no-report"]
    assert main(["run", str(haikou), "-o", str(folder), *options]) == 0
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["scenario"]["cycle"]["allocation"] = "lottery"
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    with pytest.raises(ReportError, match=r"cycle\.allocation"):
        read_results(folder)


def test_a_function_cannot_register_under_a_name_without_a_row() -> None:
    with pytest.raises(ValueError, match=r"'hoarding' has no row in .*\.BEHAVIOURS"):
        ordering._behaviour("hoarding")
    with pytest.raises(ValueError, match=r"'lottery' has no row in .*ALLOCATION_RULES"):
        allocation._rule("lottery")


# --- a rule added to the table is used --------------------------------------------------------


def with_rule(monkeypatch: pytest.MonkeyPatch, name: str, family: str) -> None:
    """Add a row for `name` to the registry `family` of `canteensim.policies`, for one test."""
    rules: Rules = getattr(policies, family)
    extended = Rules(rules.key, (*rules.rules, Rule(name, {"en": name, "zh": name})))
    monkeypatch.setattr(policies, family, extended)


def test_a_canteens_behaviour_is_its_index_in_the_table(monkeypatch) -> None:
    reordered = Rules(BEHAVIOURS.key, BEHAVIOURS.rules[::-1])
    monkeypatch.setattr(policies, "BEHAVIOURS", reordered)
    need = ordering.Need(
        until_next_delivery_kg=np.array([[100.0]]),
        period_kg=np.array([[400.0]]),
        period_confirmed_kg=np.array([[0.0]]),
        period_to_date_kg=np.array([[400.0]]),
        period_aid_kg=np.array([[0.0]]),
        deliveries_left=np.array([4.0]),
        month_kg=np.array([[400.0]]),
        month_confirmed_kg=np.array([[0.0]]),
        total_weights=None,
    )
    kg = ordering.target_kg(
        need,
        np.array([reordered.index("front_load")]),
        np.array([[0.2]]),
        np.array([False]),
        schema.Ordering(),
    )
    assert_allclose(kg, [[80.0]])  # the month's 20 % of 400 kg at once


def test_a_registered_behaviour_orders_in_a_run(tiny, monkeypatch) -> None:
    with_rule(monkeypatch, "double", "BEHAVIOURS")

    def double(need, target_share, perishable, settings):
        return 2 * target_share * need.until_next_delivery_kg

    monkeypatch.setitem(ordering.BEHAVIOUR_FUNCTIONS, "double", double)
    scenario = tiny.scenario()
    row = scenario.canteens.rows[0].model_copy(update={"behaviour": "double"})
    canteens = scenario.canteens.model_copy(update={"rows": (row,)})
    res = simulate(scenario.model_copy(update={"canteens": canteens}))
    audit = res.canteen_months.iloc[0]
    assert audit["aid_kg"] == pytest.approx(2 * 80.0)  # twice the even 20 kg, four weeks


def test_a_registered_allocation_rule_fills_the_lines_in_a_run(tiny, monkeypatch) -> None:
    with_rule(monkeypatch, "half", "ALLOCATION_RULES")

    def half(product, kg, available_kg):
        return np.minimum(kg / 2, available_kg[product])

    monkeypatch.setitem(allocation.ALLOCATION_FUNCTIONS, "half", half)
    scenario = tiny.scenario(cycle__substitution=False)
    cycle = scenario.cycle.model_copy(update={"allocation": "half"})
    res = simulate(scenario.model_copy(update={"cycle": cycle}))
    assert res.canteen_months.iloc[0]["aid_kg"] == pytest.approx(80.0 / 2)
    assert res.kpis["fill_rate"].iloc[0] == pytest.approx(0.5)
