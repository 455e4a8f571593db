"""`canteensim compare` in the terminal: ranges, baselines and the settings × KPI table."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from canteensim.cli import comparison_text
from canteensim.results import HEADLINE_KPIS

HAIKOU = Path(__file__).resolve().parents[2] / "scenarios" / "hainan_2020.toml"


def table_of(rows: list[tuple[str, str, str, float, float, float]]) -> pd.DataFrame:
    """A comparison table from (setting, baseline, kpi, mean, diff_mean, diff_ci_high) rows."""
    return pd.DataFrame(
        [
            {
                "setting": setting,
                "baseline": baseline,
                "kpi": kpi,
                "mean": mean,
                "diff_mean": diff,
                "diff_ci_low": diff - (high - diff),
                "diff_ci_high": high,
            }
            for setting, baseline, kpi, mean, diff, high in rows
        ]
    )


NAN = math.nan
TABLE = table_of(
    [
        ("q=0", "", "farmer_income_yuan", 1000.0, NAN, NAN),
        ("q=0", "", "compliance_rate", NAN, NAN, NAN),
        ("q=0.1", "q=0", "farmer_income_yuan", 5000.0, 4000.0, 4500.0),
        ("q=0.1", "q=0", "compliance_rate", 0.8, NAN, NAN),
        ("q=0.2", "q=0.1", "farmer_income_yuan", 7000.0, 2000.0, 2250.0),
        ("q=0.2", "q=0.1", "compliance_rate", 0.6, -0.2, -0.15),
    ]
)


def test_the_terminal_table_has_a_row_per_setting_and_a_column_per_kpi():
    lines = comparison_text(TABLE, 3).splitlines()
    assert lines[0].startswith("means over 3 replications")
    header = lines[1].split()
    assert header == ["setting", "farmer_income_yuan", "compliance_rate"]
    assert lines[2].split() == ["q=0", "1,000", "yuan", "n/a"]
    # the first setting has nothing before it: no difference row
    assert lines[3].split()[0] == "q=0.1"
    assert lines[4].split() == ["vs", "q=0", "+4,000", "±", "500", "yuan", "n/a"]
    assert lines[5].split()[0] == "q=0.2"
    # a rate differs in percentage points, as in the report
    assert lines[6].split() == [
        "vs",
        "q=0.1",
        "+2,000",
        "±",
        "250",
        "yuan",
        "-20.0",
        "±",
        "5.0",
        "pp",
    ]
    assert len(lines) == 7


def test_columns_are_aligned():
    lines = comparison_text(TABLE, 3).splitlines()[1:]
    assert len({len(line) for line in lines if line.split()[0] != "q=0"}) == 1


def test_the_baseline_itself_has_no_difference_row():
    table = table_of(
        [
            ("a", "a", "fill_rate", 0.9, 0.0, 0.0),
            ("b", "a", "fill_rate", 0.8, -0.1, -0.05),
        ]
    )
    lines = comparison_text(table).splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["setting", "a", "b", "vs"]
    assert lines[-1].split()[-4:] == ["-10.0", "±", "5.0", "pp"]


def test_compare_with_a_range_and_the_previous_baseline(cli, scenario, out_dir):
    outcome = cli(
        "compare",
        scenario.toml,
        "--vary",
        "quota.share=0:0.2:0.1",
        "--baseline",
        "previous",
        "-r",
        "2",
        "--serial",
        "--no-report",
        "-o",
        out_dir,
        "-q",
    ).ok()
    assert outcome.out == ""
    table = pd.read_csv(out_dir / "comparison.csv", encoding="utf-8-sig", keep_default_na=False)
    settings = list(dict.fromkeys(table["setting"]))
    assert settings == ["quota.share=0.0", "quota.share=0.1", "quota.share=0.2"]
    assert list(dict.fromkeys(table["baseline"])) == ["", "quota.share=0.0", "quota.share=0.1"]


def test_compare_prints_the_settings_table(cli, scenario, out_dir):
    outcome = cli(
        "compare",
        scenario.toml,
        "--vary",
        "quota.share=0.1,0.2",
        "--baseline",
        "0.2",
        "-r",
        "2",
        "--serial",
        "--no-report",
        "-o",
        out_dir,
    ).ok()
    lines = outcome.out.splitlines()
    header = next(line for line in lines if line.startswith("setting "))
    assert header.split() == ["setting", *HEADLINE_KPIS]
    assert any(line.startswith("  vs quota.share=0.2 ") for line in lines)
    assert " pp" in outcome.out


@pytest.mark.parametrize(
    ("args", "parts"),
    [
        (("--vary", "quota.share=0.1,0.2", "--baseline", "0.3"), ("--baseline", "not one of")),
        (
            ("--vary", "quota.share=0.1,0.2", "--vary", "platform.vehicles=1,2", "--baseline", "1"),
            ("--baseline", "exactly one varied key"),
        ),
        (("--vary", "quota.share=0.3:0.1:0.1"), ("--vary: quota.share: range", "LO <= HI")),
    ],
)
def test_bad_baseline_or_range_is_one_line_and_no_folder(cli, scenario, out_dir, args, parts):
    outcome = cli("compare", scenario.toml, "-o", out_dir, "-q", "-r", "2", "--serial", *args)
    outcome.bad_input(*parts)
    assert not out_dir.exists()


def test_saturated_settings_are_a_warning_line(cli, out_dir):
    outcome = cli(
        "compare",
        HAIKOU,
        "--set",
        "scenario.end=2020-03-31",
        "--vary",
        "quota.share=0,0.3",
        "-r",
        "2",
        "--serial",
        "--no-report",
        "-o",
        out_dir,
        "-q",
    ).ok()
    table = pd.read_csv(out_dir / "comparison.csv", encoding="utf-8-sig")
    fill = table[table["kpi"] == "fill_rate"].set_index("setting")["mean"]
    assert fill["quota.share=0"] >= 0.95 > fill["quota.share=0.3"]  # Haikou's supply runs short
    warning = [line for line in outcome.err.splitlines() if "supply saturates" in line]
    assert warning == [
        "canteensim: warning: supply saturates (mean fill rate below 95%) at quota.share=0.3: "
        "orders there outrun what cooperatives list"
    ]


def test_no_saturation_no_warning(cli, scenario, out_dir):
    outcome = cli(
        "compare",
        scenario.toml,
        "--vary",
        "quota.share=0,0.1",
        "-r",
        "2",
        "--serial",
        "--no-report",
        "-o",
        out_dir,
        "-q",
    ).ok()
    assert "saturates" not in outcome.err
