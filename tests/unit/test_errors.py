"""The error hierarchy and the one-line messages it builds (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from canteensim.errors import CanteensimError, CanteensimWarning, ResultsError, ScenarioError
from canteensim.scenario import load_scenario

# --- ScenarioError formatting -------------------------------------------------------------------


def test_message_names_source_key_value_and_problem():
    error = ScenarioError("haikou.toml", "quota.share", "must be between 0 and 1", 1.5)
    assert str(error) == "haikou.toml: quota.share = 1.5: must be between 0 and 1"
    assert (error.source, error.key, error.problem, error.value) == (
        "haikou.toml",
        "quota.share",
        "must be between 0 and 1",
        1.5,
    )


def test_message_without_value():
    error = ScenarioError("haikou.toml", "quota.shar", "unknown key; did you mean 'share'?")
    assert str(error) == "haikou.toml: quota.shar: unknown key; did you mean 'share'?"
    assert error.value is ...


def test_message_without_key():
    error = ScenarioError("missing.toml", "", "no such file; check the path")
    assert str(error) == "missing.toml: no such file; check the path"


def test_none_is_a_value_shown():
    assert str(ScenarioError("s.toml", "canteens", "gives no population", None)) == (
        "s.toml: canteens = None: gives no population"
    )


def test_strings_are_quoted_and_chinese_kept():
    error = ScenarioError("products.csv row 3", "category", "has no consumption", "肉类")
    assert str(error) == "products.csv row 3: category = '肉类': has no consumption"


def test_dates_are_shown_as_written_in_toml():
    error = ScenarioError("s.toml", "scenario.end", "is before start", dt.date(2020, 3, 1))
    assert str(error) == "s.toml: scenario.end = 2020-03-01: is before start"


def test_lists_are_shown():
    error = ScenarioError("s.toml", "cycle.delivery_days", "repeats a day", ["Thu", "Thu"])
    assert str(error) == "s.toml: cycle.delivery_days = ['Thu', 'Thu']: repeats a day"


def test_long_values_are_cut_to_80_characters():
    error = ScenarioError("s.toml", "cycle", "bad", {"key": "x" * 200})
    shown = str(error).removeprefix("s.toml: cycle = ").removesuffix(": bad")
    assert len(shown) == 80
    assert shown.endswith("...")
    assert shown.startswith("{'key': 'xxx")


def test_a_value_of_exactly_80_characters_is_kept_whole():
    value = "y" * 78  # repr adds two quotes
    assert str(ScenarioError("s", "k", "bad", value)) == f"s: k = '{value}': bad"


def test_a_value_with_a_newline_stays_on_one_line():
    error = ScenarioError("canteens.csv row 2", "name", "is too long", "第一行\n第二行")
    assert "\n" not in str(error)
    assert "\\n" in str(error)


def test_args_hold_the_message():
    error = ScenarioError("s.toml", "k", "bad", 1)
    assert error.args == ("s.toml: k = 1: bad",)


def test_hierarchy():
    assert issubclass(ScenarioError, CanteensimError)
    assert issubclass(ResultsError, CanteensimError)
    assert issubclass(CanteensimError, Exception)
    assert not issubclass(CanteensimError, (KeyboardInterrupt, SystemExit))
    assert issubclass(CanteensimWarning, UserWarning)
    assert not issubclass(CanteensimWarning, CanteensimError)
    with pytest.raises(CanteensimError, match="already exists"):
        raise ResultsError("out: already exists")


# --- the errors the loader raises carry their parts ---------------------------------------------

SCENARIO = """\
[scenario]
name = "errors"
start = 2020-03-02
end = 2020-03-31

[categories.vegetables]
consumption_kg_per_diner_day = 0.2
perishable = true

[cooperatives]
rows = [{ cooperative_id = "C1", name = "合作社", county = "琼中" }]

[products]
file = "products.csv"

[canteens]
[[canteens.rows]]
canteen_id = "G1"
name = "食堂"
kind = "government"
bound = true
diners = 100
delivery_day = "Thu"
"""

PRODUCTS = """\
product_id,name,cooperative_id,category,platform_price_yuan_per_kg,farm_gate_price_yuan_per_kg,market_price_yuan_per_kg,shelf_life_days,weekly_capacity_kg
V1,小白菜,C1,vegetables,4,2.5,3.5,3,400
M1,黑猪肉,C1,meat,60,40,55,4,100
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A scenario whose only fault is the 'meat' product in row 3 of products.csv."""
    (tmp_path / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    scenario = tmp_path / "errors.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    return scenario


def fault(path: Path, overrides: list[str] | None = None) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides or [])
    error = caught.value
    assert "\n" not in str(error)
    assert isinstance(error, CanteensimError)
    return error


def test_csv_error_carries_file_row_key_and_value(path):
    error = fault(path)
    assert error.source == f"{path.parent / 'products.csv'} row 3"
    assert error.key == "category"
    assert error.value == "meat"
    assert "[categories.meat]" in error.problem
    assert "['vegetables']" in error.problem


def test_override_error_carries_its_parts(path):
    fix = ["products.file=ok.csv"]
    header, vegetables, _meat = PRODUCTS.splitlines()
    (path.parent / "ok.csv").write_text(f"{header}\n{vegetables}\n", encoding="utf-8")
    assert load_scenario(path, fix).quota.share == 0.2
    error = fault(path, [*fix, "quota.share=1.5"])
    assert error.source == f"{path} (with --set)"
    assert error.key == "quota.share"
    assert error.value == 1.5


def test_unknown_key_carries_nearest(path):
    error = fault(path, ["quota.shares=0.3"])
    assert error.key == "quota.shares"
    assert error.value is ...
    assert "did you mean 'share'?" in error.problem


def test_syntax_error_has_no_key(path):
    path.write_text("[scenario\n", encoding="utf-8")
    error = fault(path)
    assert (error.source, error.key, error.value) == (str(path), "", ...)
    assert "line 1" in error.problem


def test_missing_file_has_no_key(tmp_path):
    error = fault(tmp_path / "nowhere.toml")
    assert (error.source, error.key) == (str(tmp_path / "nowhere.toml"), "")
    assert "no such file" in error.problem


def test_missing_csv_names_the_key_that_points_to_it(path):
    error = fault(path, ["products.file=gone.csv"])
    assert error.source == str(path.parent / "gone.csv")
    assert error.key == "products.file"


def test_bad_override_syntax(path):
    error = fault(path, ["quota.share 0.3"])
    assert error.source == "--set"
    assert error.key == "quota.share 0.3"
    assert "KEY=VALUE" in error.problem
