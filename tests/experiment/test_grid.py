"""The settings grid: --vary syntax, full factorial order, bad --vary values on the command line.

A bad value in --vary must read like the same mistake made in the scenario file (SPEC §3): one line,
exit status 2, no traceback, and no results folder.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pytest

from canteensim.errors import CanteensimWarning, ScenarioError
from canteensim.experiment import compare, grid, parse_vary
from canteensim.experiment.grid import baselines

from .conftest import HAIKOU, SHORT

# --- parse_vary ----------------------------------------------------------------------------------


def test_numbers_keep_their_toml_types():
    vary = parse_vary(["quota.share=0,0.1, 0.25"])
    assert vary == {"quota.share": [0, 0.1, 0.25]}
    assert [type(v) for v in vary["quota.share"]] == [int, float, float]


def test_bare_and_quoted_strings():
    assert parse_vary(['quota.basis=quantity,"value"']) == {"quota.basis": ["quantity", "value"]}


def test_quoted_string_may_hold_a_comma():
    assert parse_vary(['scenario.name="a,b",c']) == {"scenario.name": ["a,b", "c"]}


def test_arrays_are_single_values():
    vary = parse_vary(['cycle.delivery_days=["Thu"],["Thu", "Fri"],[["x", 1], 2]'])
    assert vary == {"cycle.delivery_days": [["Thu"], ["Thu", "Fri"], [["x", 1], 2]]}


def test_booleans_and_dates():
    vary = parse_vary(["cycle.substitution=true,false", "scenario.end=2020-03-31,2020-04-30"])
    assert vary == {
        "cycle.substitution": [True, False],
        "scenario.end": [dt.date(2020, 3, 31), dt.date(2020, 4, 30)],
    }


def test_keys_keep_their_order_and_whitespace_is_trimmed():
    vary = parse_vary([" platform.vehicles = 2,3", "quota.share=0.1"])
    assert list(vary) == ["platform.vehicles", "quota.share"]
    assert vary["platform.vehicles"] == [2, 3]


@pytest.mark.parametrize("text", ["quota.share", "quota.share=", "quota.share=  ", "=0.1,0.2"])
def test_not_key_equals_values(text):
    with pytest.raises(ScenarioError) as caught:
        parse_vary([text])
    message = str(caught.value)
    assert message.startswith("--vary: ")
    assert "KEY=V1,V2" in message
    assert "\n" not in message


def test_a_key_varied_twice_is_refused():
    with pytest.raises(ScenarioError, match=r"quota\.share: is varied twice"):
        parse_vary(["quota.share=0.1", " quota.share =0.2,0.3"])


# --- LO:HI:STEP ranges ---------------------------------------------------------------------------


def test_a_range_gives_every_step_up_to_hi_as_written_decimals():
    vary = parse_vary(["quota.share=0:0.4:0.05"])
    # exactly the decimals: not 0.15000000000000002 or 0.30000000000000004
    assert vary["quota.share"] == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]
    assert [repr(v) for v in vary["quota.share"]][3] == "0.15"


def test_a_range_of_whole_numbers_gives_whole_numbers():
    assert parse_vary(["platform.vehicles=1:7:3"]) == {"platform.vehicles": [1, 4, 7]}
    assert [type(v) for v in parse_vary(["a=1:3:1"])["a"]] == [int, int, int]


def test_a_range_stops_at_or_below_hi():
    assert parse_vary(["a=0:1:0.3"])["a"] == [0.0, 0.3, 0.6, 0.9]
    assert parse_vary(["a=0.1:0.1:0.1"])["a"] == [0.1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "quota.share=0:0.4:0",
            "--vary: quota.share: range 0:0.4:0 has step 0; give a step above 0",
        ),
        ("quota.share=0:0.4:-0.1", "has step -0.1; give a step above 0"),
        ("quota.share=0.4:0:0.1", "range 0.4:0:0.1 starts at 0.4, above its end 0; give LO <= HI"),
        ("quota.share=0:1:0.0001", "gives 10,001 values, more than 1,000"),
    ],
)
def test_a_bad_range_is_one_line(text, problem):
    with pytest.raises(ScenarioError) as caught:
        parse_vary([text])
    message = str(caught.value)
    assert problem in message and message.startswith("--vary: quota.share: ")
    assert "\n" not in message


def test_a_range_of_exactly_1000_values_is_allowed():
    assert len(parse_vary(["a=1:1000:1"])["a"]) == 1000


def test_commas_and_arrays_are_not_ranges():
    assert parse_vary(["a=0,1:2"]) == {"a": [0, "1:2"]}


# --- baselines -----------------------------------------------------------------------------------


SHARES = grid({"quota.share": [0.1, 0.2, 0.3]})


def test_baseline_first_pairs_every_setting_with_the_first():
    assert baselines(SHARES, "first") == {0: 0, 1: 0, 2: 0}


def test_baseline_previous_pairs_neighbours_and_the_first_with_none():
    assert baselines(SHARES, "previous") == {0: None, 1: 0, 2: 1}


@pytest.mark.parametrize("value", ["0.2", 0.2, "0.20"])
def test_baseline_value_pairs_every_setting_with_that_setting(value):
    assert baselines(SHARES, value) == {0: 1, 1: 1, 2: 1}


def test_baseline_value_must_be_a_compared_value():
    with pytest.raises(ScenarioError) as caught:
        baselines(SHARES, "0.25")
    assert str(caught.value) == (
        "--baseline: quota.share = 0.25: is not one of the compared values (0.1, 0.2, 0.3); "
        "give one of them, first or previous"
    )


def test_baseline_value_needs_one_varied_key():
    settings = grid({"quota.share": [0.1, 0.2], "platform.vehicles": [1, 2]})
    with pytest.raises(ScenarioError, match="needs exactly one varied key, not 2"):
        baselines(settings, "0.2")


# --- grid ----------------------------------------------------------------------------------------


def test_full_factorial_in_order_first_values_are_the_baseline():
    settings = grid({"a": [1, 2], "b": ["x", "y", "z"]})
    assert [s.index for s in settings] == list(range(6))
    assert [tuple(s.values.values()) for s in settings] == [
        (1, "x"),
        (1, "y"),
        (1, "z"),
        (2, "x"),
        (2, "y"),
        (2, "z"),
    ]
    assert settings[0].values == {"a": 1, "b": "x"}
    assert settings[4].label == "a=2, b=y"


def test_one_key_one_value_is_one_setting():
    (setting,) = grid({"quota.share": [0.3]})
    assert setting.label == "quota.share=0.3"


def test_a_key_without_values_is_refused():
    with pytest.raises(ScenarioError, match="has no values"):
        grid({"quota.share": [0.1], "platform.vehicles": []})


def test_compare_follows_the_grid_and_pairs_against_the_first_setting(short):
    # one truck cannot carry a 30 % quota's orders: what is left after the drain period is said
    with pytest.warns(CanteensimWarning, match="vehicles=1.*undelivered_kg"):
        comparison = compare(
            short,
            {"quota.share": [0.3, 0.1], "platform.vehicles": [4, 1]},
            2,
            engine="serial",
        )
    labels = [
        "quota.share=0.3, platform.vehicles=4",
        "quota.share=0.3, platform.vehicles=1",
        "quota.share=0.1, platform.vehicles=4",
        "quota.share=0.1, platform.vehicles=1",
    ]
    assert [s.label for s in comparison.settings] == labels
    runs = comparison.runs
    assert list(runs.drop_duplicates("setting")["label"]) == labels
    assert list(runs["quota.share"]) == [0.3] * 4 + [0.1] * 4
    assert list(runs["platform.vehicles"]) == [4, 4, 1, 1] * 2
    table = comparison.table
    assert list(table.drop_duplicates("setting")["setting"]) == labels
    baseline = table[table["setting"] == labels[0]]
    assert baseline["diff_mean"].isna().all()  # no difference with itself
    # the settings differ, so some differences against the baseline are not zero
    others = table[(table["setting"] != labels[0]) & (table["kpi"] == "total_sales_yuan")]
    assert (others["diff_mean"] != 0).all()
    assert set(table["baseline"]) == {labels[0]}


def test_compare_against_the_previous_setting(short):
    comparison = compare(
        short, {"quota.share": [0.1, 0.2, 0.3]}, 2, engine="serial", baseline="previous"
    )
    table = comparison.table
    sales = table[table["kpi"] == "total_sales_yuan"].set_index("setting_index")
    assert list(sales["baseline"]) == ["", "quota.share=0.1", "quota.share=0.2"]
    assert math.isnan(sales.at[0, "diff_mean"])  # the first has nothing before it
    runs = comparison.runs.pivot(index="replication", columns="setting", values="total_sales_yuan")
    assert sales.at[2, "diff_mean"] == pytest.approx((runs[2] - runs[1]).mean())
    assert comparison.summary["baseline"] == "previous"


def test_compare_refuses_a_bad_baseline_before_any_run(short, monkeypatch):
    with pytest.raises(ScenarioError, match="not one of the compared values"):
        compare(short, {"quota.share": [0.1, 0.2]}, 2, engine="serial", baseline="0.3")


# --- bad --vary values on the command line --------------------------------------------------------


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Path:
    """A copy of the Haikou scenario (TOML and CSV tables) to spoil."""
    folder = tmp_path / "scn"
    folder.mkdir()
    shutil.copy(HAIKOU, folder / HAIKOU.name)
    shutil.copytree(HAIKOU.parent / "haikou", folder / "haikou")
    return folder / HAIKOU.name


def spoil(path: Path, old: str, new: str) -> Path:
    """A copy of the scenario with one line edited; `old` must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    bad = path.with_name("bad.toml")
    bad.write_text(text.replace(old, new), encoding="utf-8")
    return bad


# (line in the scenario file, its spoilt version, the same mistake in --vary): the bad value is
# the second setting's where there are two, since every setting is checked before any run
MISTAKES = {
    "unknown key": ("share = 0.20 ", "shar = 0.20 ", "quota.shar=0.2,0.3"),
    "out of range": ("share = 0.20 ", "share = 1.5 ", "quota.share=0.2,1.5"),
    "not an option": ('basis = "quantity"', 'basis = "volume"', "quota.basis=quantity,volume"),
    "wrong type": ("vehicles = 4 ", 'vehicles = "x" ', "platform.vehicles=4,x"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_vary_error_reads_like_the_same_mistake_in_the_file(
    cli, scenario_copy, tmp_path, mistake, monkeypatch
):
    old, new, vary = MISTAKES[mistake]
    monkeypatch.chdir(tmp_path)  # a default results folder would land here
    bad = spoil(scenario_copy, old, new)
    in_file = cli("validate", bad).error_line()
    out = tmp_path / "out"
    in_vary = cli(
        "compare", scenario_copy, "--vary", vary, "-r", "2", "--serial", "-q", "-o", out
    ).error_line()
    assert in_vary.startswith(f"{scenario_copy} (with --vary): ")
    assert in_file.startswith(f"{bad}: ")
    assert in_vary.removeprefix(f"{scenario_copy} (with --vary): ") == in_file.removeprefix(
        f"{bad}: "
    )
    assert not out.exists()
    assert not (tmp_path / "results").exists()


def test_vary_error_without_out_leaves_no_default_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = cli(
        "compare", HAIKOU, "--vary", "quota.share=0.2,0.3", "--vary", "nosuch.key=1", "-q"
    ).error_line()
    assert "nosuch" in line and "unknown key" in line
    assert list(tmp_path.iterdir()) == []


def test_vary_not_key_equals_values_through_the_cli(cli, tmp_path):
    line = cli("compare", HAIKOU, "--vary", "quota.share", "-q", "-o", tmp_path / "o").error_line()
    assert line == "--vary: quota.share: is not KEY=V1,V2,... e.g. --vary quota.share=0,0.1,0.2"
    assert not (tmp_path / "o").exists()


def test_vary_key_below_a_value_is_refused(cli, tmp_path):
    line = cli(
        "compare", HAIKOU, "--vary", "quota.share.low=1", "-q", "-o", tmp_path / "o"
    ).error_line()
    assert "quota.share.low" in line and "is a value, not a table" in line
    assert not (tmp_path / "o").exists()


def test_vary_error_is_one_line_even_without_quiet(cli, tmp_path):
    outcome = cli(
        "compare", HAIKOU, "--set", SHORT[0], "--vary", "quota.share=0.2,1.5", "-o", tmp_path / "o"
    )
    assert outcome.error_line().endswith("input should be less than or equal to 1")
