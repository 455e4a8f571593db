"""What canteensim writes never costs the user what canteensim did not write.

--force replaces only a results folder canteensim wrote, never the scenario's inputs, the current
folder or a file; the output location is checked before any run; what a killed run left beside
its folder is cleared by the next; CSV cells a spreadsheet would evaluate are written as text;
and a run ends by saying where its report is and what to try next.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import canteensim.cli
from canteensim.output import from_spreadsheet_text, spreadsheet_text
from canteensim.report.read import read_results


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


# --- --force never replaces what canteensim did not write ----------------------------------------


@pytest.mark.parametrize("where", ["scenario folder", "table folder", "ancestor"])
def test_force_refuses_a_folder_holding_the_scenarios_inputs(cli, scenario, tmp_path, where):
    tables = scenario.folder / "tables"
    tables.mkdir()
    (scenario.folder / "canteens.csv").rename(tables / "canteens.csv")
    scenario.replace(scenario.toml, 'file = "canteens.csv"', 'file = "tables/canteens.csv"')
    target = {"scenario folder": scenario.folder, "table folder": tables, "ancestor": tmp_path}
    before = snapshot(tmp_path)
    line = cli("run", scenario.toml, "-o", target[where], "-q", "--force").bad_input(
        f"{target[where]}: holds ", "which the scenario reads", "--force never replaces"
    )
    assert "choose another -o folder" in line
    assert snapshot(tmp_path) == before
    assert hidden(tmp_path) == hidden(scenario.folder) == hidden(tables) == []


def test_force_refuses_a_plain_file_and_leaves_no_copy(cli, scenario, out_dir):
    out_dir.write_text("我的笔记", encoding="utf-8")
    cli("run", scenario.toml, "-o", out_dir, "-q", "--force").bad_input(
        f"{out_dir}: is a file", "never replaces a file", "choose another -o folder"
    )
    assert out_dir.read_text(encoding="utf-8") == "我的笔记"
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]  # no hidden copy


def test_force_refuses_a_folder_canteensim_did_not_write(cli, scenario, out_dir):
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine", encoding="utf-8")
    (out_dir / "summary.json").write_text('{"my": "summary"}', encoding="utf-8")
    cli("run", scenario.toml, "-o", out_dir, "-q", "--force").bad_input(
        f"{out_dir}: is not a results folder written by canteensim",
        "summary.json",
        "--force replaces only those",
    )
    assert sorted(p.name for p in out_dir.iterdir()) == ["notes.txt", "summary.json"]


def test_force_replaces_a_previous_results_folder(cli, scenario, out_dir, summary_of):
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").ok()
    (out_dir / "notes.txt").write_text("old", encoding="utf-8")
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--force", "--seed", "3").ok()
    assert summary_of(out_dir)["seed"] == 3
    assert not (out_dir / "notes.txt").exists()
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]


def test_force_refuses_the_current_folder(cli, scenario, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "thesis.docx").write_text("three years", encoding="utf-8")
    monkeypatch.chdir(work)
    for target, what in ((work, "the current folder"), (tmp_path, "holding the current one")):
        cli("run", scenario.toml, "-o", target, "-q", "--force").bad_input(
            f"{target}: is ", what, "--force never replaces the folder you work in"
        )
    assert (work / "thesis.docx").read_text(encoding="utf-8") == "three years"
    assert sorted(p.name for p in work.iterdir()) == ["thesis.docx"]


# --- the output location is checked before simulating -------------------------------------------


@pytest.fixture
def no_simulation(monkeypatch):
    """Make any run fail the test: a bad output location must be found before the first."""

    def replicate(*args, **kwargs):
        raise AssertionError("simulated before checking the output folder")

    monkeypatch.setattr(canteensim.cli, "replicate", replicate)


@pytest.mark.parametrize("case", ["exists", "file", "parent is a file", "input folder"])
def test_output_is_checked_before_simulating(cli, scenario, out_dir, no_simulation, case):
    target, force, said = {
        "exists": (out_dir, [], "already exists"),
        "file": (out_dir, ["--force"], "is a file"),
        "parent is a file": (out_dir / "run", [], f"cannot be written, {out_dir} is a file"),
        "input folder": (scenario.folder, ["--force"], "which the scenario reads"),
    }[case]
    if case == "exists":
        out_dir.mkdir()
    elif case != "input folder":
        out_dir.write_text("mine", encoding="utf-8")
    cli("run", scenario.toml, "-o", target, "-q", "-r", "20", *force).bad_input(str(target), said)


# --- what a killed run left behind is cleared by the next ---------------------------------------


def test_stale_staging_of_a_dead_process_is_cleared_and_a_live_ones_kept(cli, scenario, out_dir):
    area, dead, live = out_dir.parent, dead_pid(), os.getppid()
    for name in (f".out.canteensim.partial-{dead}", f".out.partial-{dead}", f".out.partial-{live}"):
        (area / name).mkdir()
        (area / name / "monthly_sales.csv").write_text("half", encoding="utf-8")
    (area / f".other.canteensim.partial-{dead}").mkdir()  # a killed run into a sibling folder
    (area / f".out.canteensim.partial-{live}").mkdir()
    (area / f".out.replaced-{dead}").mkdir()  # an old-style name, but not ours: a user's folder
    (area / f".out.replaced-{dead}" / "mine.txt").write_text("keep", encoding="utf-8")
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").ok()
    assert sorted(p.name for p in area.iterdir()) == [
        f".out.canteensim.partial-{live}",
        f".out.partial-{live}",
        f".out.replaced-{dead}",
        "out",
    ]


def test_results_a_killed_replacement_had_set_aside_are_put_back(cli, scenario, out_dir):
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--seed", "3").ok()
    earlier = snapshot(out_dir)
    out_dir.rename(out_dir.with_name(f".out.canteensim.replaced-{dead_pid()}"))
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").bad_input("already exists")
    assert snapshot(out_dir) == earlier
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]


# --- compare: the same rules --------------------------------------------------------------------


@pytest.fixture
def compare_into(cli, scenario):
    def run(folder: Path, *options: str):
        return cli(
            "compare", scenario.toml, "-o", folder, "-q", "-r", "2", "--serial", "--no-report",
            "--vary", "quota.share=0.1,0.2", *options,
        )  # fmt: skip

    return run


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_compare_into_a_file_is_one_error_line(compare_into, out_dir, force):
    out_dir.write_text("mine", encoding="utf-8")
    compare_into(out_dir, *force).bad_input(f"{out_dir}: is a file", "choose another -o folder")
    assert out_dir.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]


def test_compare_force_refuses_inputs_and_foreign_folders(compare_into, scenario, out_dir):
    before = snapshot(scenario.folder)
    compare_into(scenario.folder, "--force").bad_input("which the scenario reads")
    assert snapshot(scenario.folder) == before
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine", encoding="utf-8")
    compare_into(out_dir, "--force").bad_input("not a results folder written by canteensim")
    assert (out_dir / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_compare_force_replaces_a_comparison(compare_into, out_dir):
    compare_into(out_dir).ok()
    (out_dir / "stray.txt").write_text("old", encoding="utf-8")
    compare_into(out_dir, "--force").ok()
    assert not (out_dir / "stray.txt").exists()
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["out"]
    assert hidden(out_dir) == []


# --- CSV cells a spreadsheet would evaluate -----------------------------------------------------

HYPERLINK = '=HYPERLINK("http://example.com/x","点击")'


def test_csv_text_a_spreadsheet_would_evaluate_is_escaped(cli, scenario, tmp_path):
    scenario.replace(scenario.canteens, "G1,", f'"{HYPERLINK.replace(chr(34), chr(34) * 2)}",')
    scenario.replace(scenario.canteens, "I1,", "+1,")
    scenario.replace(scenario.canteens, "E1,", "@SUM(A1),")
    scenario.replace(scenario.products, "V1,五指山小白菜", "V1,-五指山小白菜")
    scenario.replace(scenario.products, "4.0,2.5,3.5", "4.0,2.5,5.5")  # market above platform
    csv, parquet = tmp_path / "csv", tmp_path / "parquet"
    for folder, shape in ((csv, "csv"), (parquet, "parquet")):
        cli("run", scenario.toml, "-o", folder, "-q", "--no-report", "--format", shape).ok()

    def read(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        return (
            pd.read_csv(csv / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False),
            pd.read_parquet(parquet / f"{name}.parquet"),
        )

    months, raw = read("canteen_months")
    assert set(months["canteen_id"]) == {f"'{HYPERLINK}", "'+1", "'@SUM(A1)"}
    assert set(raw["canteen_id"]) == {HYPERLINK, "+1", "@SUM(A1)"}  # Parquet keeps the raw text
    deliveries, _ = read("deliveries")
    assert set(deliveries["canteen_id"]) <= {f"'{HYPERLINK}", "'+1", "'@SUM(A1)"}
    products, _ = read("weekly_products")
    assert "'-五指山小白菜" in set(products["product_name"])
    for name in ("monthly_sales", "canteen_months", "weekly_products", "deliveries"):
        from_csv, from_parquet = read(name)
        for column in from_parquet.select_dtypes("number").columns:
            assert pd.api.types.is_numeric_dtype(from_csv[column]), (name, column)
            assert from_csv[column].tolist() == pytest.approx(from_parquet[column].tolist())
    sales, _ = read("monthly_sales")
    assert (sales["cost_premium_yuan"] < 0).any()  # negative numbers stay numbers
    assert not re.search(r"'-[0-9]", (csv / "monthly_sales.csv").read_text(encoding="utf-8-sig"))


def test_the_report_reads_escaped_csv_text_back_as_it_was(cli, scenario, tmp_path):
    scenario.replace(scenario.canteens, "I1,", "+1,")
    scenario.replace(scenario.products, "V1,五指山小白菜", "V1,-五指山小白菜")
    cli("run", scenario.toml, "-o", tmp_path / "out", "-q", "--no-report").ok()
    results = read_results(tmp_path / "out")
    assert "+1" in set(results.tables["canteen_months"]["canteen_id"])
    assert "-五指山小白菜" in set(results.tables["weekly_products"]["product_name"])


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 898", "'+86 898"),
        ("-", "'-"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),  # so that the escape undoes exactly
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("琼中 -1", "琼中 -1"),
        ("", ""),
    ],
)
def test_spreadsheet_text_escapes_reversibly(text, written):
    assert spreadsheet_text(text) == written
    assert from_spreadsheet_text(written) == text


# --- what next ----------------------------------------------------------------------------------


@pytest.mark.filterwarnings(  # no CJK font here is not what this test is about
    "ignore:Chinese names in figures:canteensim.errors.CanteensimWarning"
)
@pytest.mark.parametrize("report", [True, False], ids=["report", "no report"])
def test_run_ends_with_where_the_report_is_and_what_to_try_next(cli, scenario, out_dir, report):
    options = [] if report else ["--no-report"]
    lines = cli("run", scenario.toml, "-o", out_dir, "--serial", *options).ok().out.splitlines()
    look = (
        f"open {out_dir / 'report.html'} in a browser"
        if report
        else f"make its report with `canteensim report {out_dir}`"
    )
    assert lines[-2:] == [
        f"next: {look}, or compare quota shares with",
        f"  canteensim compare {scenario.toml} --vary quota.share=0.1,0.2,0.3 -r 10",
    ]
    assert lines[-3] == (
        f"report written to {out_dir / 'report.html'}"
        if report
        else f"results written to {out_dir}/"
    )
