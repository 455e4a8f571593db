"""`canteensim run`: the results folder, its tables and summary.json (SPEC §4–5)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from canteensim import Scenario, __version__, simulate
from canteensim.output import scenario_sha256
from canteensim.scenario import load_scenario

KPI_NAMES = (
    "monthly_sales_yuan_mean",
    "total_sales_yuan",
    "farmer_income_yuan",
    "compliance_rate",
    "quota_fulfilment",
    "fill_rate",
    "unsold_share",
    "lost_kg",
    "on_time_rate",
    "cost_premium_yuan",
)
"""The KPI names SPEC §4 fixes."""

TABLE_NAMES = (
    "monthly_sales",
    "canteen_months",
    "audit_failures",
    "weekly_products",
    "deliveries",
)

TABLE_COLUMNS = {
    "monthly_sales": {"month", "category", "sales_yuan", "quantity_kg", "partial"},
    "canteen_months": {
        "canteen_id",
        "bound",
        "consumption_kg",
        "aid_kg",
        "aid_share",
        "required_kg",
        "compliant",
    },
    "weekly_products": {"listed_kg", "ordered_kg", "sold_kg", "unsold_kg", "lost_kg"},
    "deliveries": {"scheduled_day", "delivered_day", "kg", "late"},
    "audit_failures": {"month", "canteen_id", "category", "partial", "shortfall_kg", "cause"},
}


def read_csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig")


@pytest.fixture
def ran(cli, scenario, out_dir):
    """One run of the tiny scenario into `out_dir`, without the report; returns the Outcome."""
    return cli("run", scenario.toml, "-o", out_dir, "--no-report").ok()


def test_run_writes_every_table_and_summary(cli, scenario, out_dir):
    cli("run", scenario.toml, "-o", out_dir).ok()
    names = sorted(p.name for p in out_dir.iterdir())
    report = ["figures", "report.html", "report.md", "report.xlsx"]  # by default
    assert names == sorted([*(f"{t}.csv" for t in TABLE_NAMES), "summary.json", *report])
    for name, columns in TABLE_COLUMNS.items():
        frame = read_csv(out_dir, name)
        assert len(frame) > 0, name
        assert {"replication", *columns} <= set(frame.columns), name
        assert set(frame["replication"]) == {0}


def test_run_leaves_no_staging_folder(ran, out_dir):
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]


def test_run_prints_kpis_and_where_results_went(ran, out_dir):
    assert "小食堂 tiny" in ran.out
    for name in KPI_NAMES:
        assert name in ran.out
    assert f"results written to {out_dir}" in ran.out


def test_summary_json(ran, out_dir, scenario, summary_of):
    document = summary_of(out_dir)
    assert set(KPI_NAMES) <= set(document["kpis"])
    assert "order_lines" in document["kpis"]
    for name in KPI_NAMES:
        value = document["kpis"][name]
        assert value is None or isinstance(value, int | float), name
    assert document["kpis"]["total_sales_yuan"] > 0
    assert re.fullmatch(r"[0-9a-f]{64}", document["scenario_sha256"])
    assert document["seed"] == 7
    assert document["version"] == __version__
    assert isinstance(document["run_seconds"], int | float)
    assert document["scenario"]["scenario"]["name"] == "小食堂 tiny"
    assert document["scenario"]["quota"]["share"] == 0.2
    assert [row["canteen_id"] for row in document["scenario"]["canteens"]["rows"]] == [
        "G1",
        "I1",
        "E1",
    ]
    assert document["scenario_sha256"] == scenario_sha256(load_scenario(scenario.toml))
    assert document["tables"] == {name: f"{name}.csv" for name in TABLE_NAMES}


def test_summary_json_is_utf8_with_chinese_unescaped(ran, out_dir):
    text = (out_dir / "summary.json").read_text(encoding="utf-8")
    assert "小食堂 tiny" in text
    assert "五指山小白菜" in text


def test_summary_records_the_command_given_to_main(cli, scenario, out_dir, summary_of):
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--seed", "3").ok()
    assert summary_of(out_dir)["command"] == [
        "canteensim",
        "run",
        str(scenario.toml),
        "-o",
        str(out_dir),
        "-q",
        "--no-report",
        "--seed",
        "3",
    ]


def test_the_stored_scenario_holds_the_seed_option_and_reproduces_the_run(
    cli, scenario, tmp_path, summary_of
):
    seeded = tmp_path / "seeded"
    cli("run", scenario.toml, "-o", seeded, "-q", "--no-report", "--seed", "12345").ok()
    document = summary_of(seeded)
    stored = Scenario.model_validate(document["scenario"])
    assert stored.scenario.seed == 12345
    [kpis] = simulate(stored).kpis.drop(columns="replication").to_dict("records")
    recorded = {name: math.nan if v is None else v for name, v in document["kpis"].items()}
    assert kpis == pytest.approx(recorded, nan_ok=True)  # null in JSON is NaN


def test_a_seed_beyond_what_the_scenario_allows_is_refused_like_one_in_the_file(cli, scenario):
    cli("run", scenario.toml, "--seed", str(2**64), "-q").bad_input(
        "--seed", "scenario.seed = 18446744073709551616", "less than or equal to"
    )


def test_csv_has_bom_and_chinese_names_round_trip(ran, out_dir):
    for name in TABLE_NAMES:
        assert (out_dir / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), name
    products = read_csv(out_dir, "weekly_products")
    assert products.columns[0] == "replication"  # the BOM is not part of the name
    assert {"五指山小白菜", "山兰稻米"} <= set(products["product_name"])
    assert set(read_csv(out_dir, "canteen_months")["canteen_id"]) == {"G1", "I1", "E1"}


def test_same_seed_reproduces_kpis_exactly(cli, scenario, tmp_path, summary_of):
    first, second = tmp_path / "first", tmp_path / "second"
    cli("run", scenario.toml, "-o", first, "-q", "--no-report").ok()
    cli("run", scenario.toml, "-o", second, "-q", "--no-report").ok()
    assert summary_of(first)["kpis"] == summary_of(second)["kpis"]
    assert summary_of(first)["scenario_sha256"] == summary_of(second)["scenario_sha256"]
    for name in TABLE_NAMES:
        assert (first / f"{name}.csv").read_bytes() == (second / f"{name}.csv").read_bytes()


def test_seed_option_changes_numbers(cli, scenario, tmp_path, summary_of):
    default, seeded, again = tmp_path / "default", tmp_path / "seeded", tmp_path / "again"
    cli("run", scenario.toml, "-o", default, "-q", "--no-report").ok()
    cli("run", scenario.toml, "-o", seeded, "-q", "--no-report", "--seed", "12345").ok()
    cli("run", scenario.toml, "-o", again, "-q", "--no-report", "--seed", "12345").ok()
    assert summary_of(seeded)["seed"] == 12345
    assert summary_of(default)["seed"] == 7
    assert summary_of(seeded)["kpis"] != summary_of(default)["kpis"]
    assert summary_of(seeded)["kpis"] == summary_of(again)["kpis"]


def test_replications_in_every_table(cli, scenario, out_dir, summary_of):
    cli("run", scenario.toml, "-o", out_dir, "-r", "3", "-q", "--no-report").ok()
    for name in TABLE_NAMES:
        frame = read_csv(out_dir, name)
        assert sorted(frame["replication"].unique()) == [0, 1, 2], name
        counts = frame["replication"].value_counts()
        if name not in ("deliveries", "audit_failures"):  # the others' rows are the same
            assert counts.nunique() == 1, name
    document = summary_of(out_dir)
    assert [row["replication"] for row in document["replications"]] == [0, 1, 2]
    # the KPIs in summary.json are the mean over the replications
    sales = [row["total_sales_yuan"] for row in document["replications"]]
    assert document["kpis"]["total_sales_yuan"] == pytest.approx(sum(sales) / 3)


def test_replications_print_spread(cli, scenario, out_dir):
    outcome = cli("run", scenario.toml, "-o", out_dir, "-r", "2", "--no-report").ok()
    assert "mean over 2 replications" in outcome.out
    assert "±" in outcome.out


def test_set_changes_the_resolved_scenario(cli, scenario, tmp_path, summary_of):
    plain, changed = tmp_path / "plain", tmp_path / "changed"
    cli("run", scenario.toml, "-o", plain, "-q", "--no-report").ok()
    cli(
        "run",
        scenario.toml,
        "-o",
        changed,
        "-q",
        "--no-report",
        "--set",
        "quota.share=0.35",
        "--set",
        'cycle.delivery_days=["Thu", "Fri"]',
        "--set",
        "platform.vehicles=5",
    ).ok()
    before, after = summary_of(plain), summary_of(changed)
    assert after["scenario"]["quota"]["share"] == 0.35
    assert after["scenario"]["platform"]["vehicles"] == 5
    assert before["scenario"]["quota"]["share"] == 0.2
    assert after["scenario_sha256"] != before["scenario_sha256"]
    assert after["kpis"] != before["kpis"]


def test_set_string_value_without_quotes(cli, scenario, out_dir, summary_of):
    name = "scenario.name=另一个 name"
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--set", name).ok()
    assert summary_of(out_dir)["scenario"]["scenario"]["name"] == "另一个 name"


def test_existing_output_folder_is_not_overwritten(cli, scenario, out_dir, no_leftovers):
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("mine", encoding="utf-8")
    line = cli("run", scenario.toml, "-o", out_dir, "-q").bad_input(
        str(out_dir), "already exists", "--force"
    )
    assert "-o" in line
    assert sorted(p.name for p in out_dir.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]


def test_force_replaces_existing_folder(cli, scenario, out_dir, summary_of):
    # --force replaces only a results folder canteensim wrote (tests/cli/test_output_safety.py)
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--seed", "3").ok()
    (out_dir / "keep.txt").write_text("old", encoding="utf-8")
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--force").ok()
    assert not (out_dir / "keep.txt").exists()
    assert (out_dir / "summary.json").exists()
    assert summary_of(out_dir)["seed"] == 7
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]  # nothing retired left


def test_force_without_existing_folder(cli, scenario, out_dir):
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--force").ok()
    assert (out_dir / "summary.json").exists()


def test_output_folder_parents_are_created(cli, scenario, tmp_path):
    target = tmp_path / "a" / "b" / "c"
    cli("run", scenario.toml, "-o", target, "-q", "--no-report").ok()
    assert (target / "summary.json").exists()


def test_default_output_folder_never_overwrites(cli, scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = cli("run", scenario.toml, "-q", "--no-report").ok()
    assert first.out == ""
    assert (tmp_path / "results" / "tiny" / "summary.json").exists()
    second = cli("run", scenario.toml, "--no-report").ok()
    assert "results written to results/tiny-2" in second.out
    assert (tmp_path / "results" / "tiny-2" / "summary.json").exists()
    cli("run", scenario.toml, "-q", "--no-report").ok()
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == [
        "tiny",
        "tiny-2",
        "tiny-3",
    ]


def test_parquet_format(cli, scenario, out_dir, summary_of):
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--format", "parquet").ok()
    for name in TABLE_NAMES:
        frame = pd.read_parquet(out_dir / f"{name}.parquet")
        assert "replication" in frame.columns
        assert not (out_dir / f"{name}.csv").exists()
    assert "五指山小白菜" in set(
        pd.read_parquet(out_dir / "weekly_products.parquet")["product_name"]
    )
    assert summary_of(out_dir)["tables"] == {name: f"{name}.parquet" for name in TABLE_NAMES}


def test_parquet_and_csv_hold_the_same_numbers(cli, scenario, tmp_path):
    csv_dir, parquet_dir = tmp_path / "csv", tmp_path / "parquet"
    cli("run", scenario.toml, "-o", csv_dir, "-q", "--no-report", "--format", "csv").ok()
    cli("run", scenario.toml, "-o", parquet_dir, "-q", "--no-report", "--format", "parquet").ok()
    sales_csv = read_csv(csv_dir, "monthly_sales")
    sales_parquet = pd.read_parquet(parquet_dir / "monthly_sales.parquet")
    assert sales_csv["sales_yuan"].sum() == pytest.approx(sales_parquet["sales_yuan"].sum())


def test_quiet_prints_nothing_on_stdout(cli, scenario, out_dir):
    outcome = cli("run", scenario.toml, "-o", out_dir, "-q", "-r", "2").ok()
    assert outcome.out == ""
    assert "replications" not in outcome.err  # no progress bar either
    assert (out_dir / "summary.json").exists()


def test_long_quiet_option(cli, scenario, out_dir):
    assert cli("run", scenario.toml, "-o", out_dir, "--quiet", "--no-report").ok().out == ""


def test_summary_json_parses_as_strict_json(ran, out_dir):
    # JSON has no NaN: an undefined KPI is null
    text = (out_dir / "summary.json").read_text(encoding="utf-8")

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-JSON constant {constant} in summary.json")

    json.loads(text, parse_constant=refuse)


def test_no_bound_canteen_gives_null_kpis(cli, scenario, out_dir, summary_of):
    for old in ("government,true", "institution,true"):
        scenario.replace(scenario.canteens, old, old.replace("true", "false"))
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").ok()
    text = (out_dir / "summary.json").read_text(encoding="utf-8")
    assert "NaN" not in text
    assert summary_of(out_dir)["kpis"]["compliance_rate"] is None


@pytest.mark.filterwarnings("default::canteensim.errors.CanteensimWarning")  # shown, not raised
def test_a_fleet_too_small_ends_the_run_with_a_warning_line(cli, scenario, tmp_path) -> None:
    """Once a 1e-6 kg fleet shipped for ever; now the run ends, and one line says why."""
    out = tmp_path / "out"
    outcome = cli(
        "run", scenario.toml, "--set", "platform.vehicle_capacity_kg=1e-6", "-o", out,
        "--no-report", "-q",
    )  # fmt: skip
    outcome.ok()
    [line] = [w for w in outcome.err.splitlines() if "undelivered" in w]
    assert line.startswith("canteensim: warning: ")
    assert "28 days after the scenario's end" in line
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["kpis"]["undelivered_kg"] > 0
    weekly = pd.read_csv(out / "weekly_products.csv", encoding="utf-8-sig")
    assert weekly["undelivered_kg"].sum() == pytest.approx(summary["kpis"]["undelivered_kg"])
