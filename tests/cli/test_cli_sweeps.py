"""`canteensim search` and `canteensim sensitivity` from the terminal: answer, files, errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from canteensim.cli import main


@pytest.mark.filterwarnings("ignore:Chinese names in figures")
def test_search_prints_its_answer_and_writes_probes_and_figure(cli, scenario, out_dir) -> None:
    outcome = cli(
        "search",
        scenario.toml,
        "--param",
        "quota.share",
        "--range",
        "0:0.5",
        "--target",
        "total_sales_yuan >= 2809",
        "--serial",
        "-q",
        "-o",
        out_dir,
    ).ok()
    assert outcome.out == ""  # -q: nothing on stdout
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "search"
    low, high = summary["answer"]
    # replication 0 sells 1,599 yuan at share 0.1 and 4,019 at 0.3: the answer lies between
    assert 0.1 < low < high < 0.3
    probes = pd.read_csv(out_dir / "probes.csv")
    assert probes["value"].min() == 0.0 and probes["value"].max() == 0.5
    lead = (out_dir / "report.md").read_text(encoding="utf-8").splitlines()[2]
    assert lead.startswith("The smallest quota share at which every target holds (Total sales")
    assert " lies between " in lead
    assert (out_dir / "figures" / "search.png").stat().st_size > 0
    assert (out_dir / "report.html").is_file() and (out_dir / "report.xlsx").is_file()


@pytest.mark.filterwarnings("ignore:Chinese names in figures")
def test_sensitivity_prints_its_ranking_and_writes_indices(cli, scenario, out_dir) -> None:
    outcome = cli(
        "sensitivity",
        scenario.toml,
        "--method",
        "morris",
        "--range",
        "quota.share=0.1:0.3",
        "--range",
        "platform.commission=0:0.1",
        "-n",
        "3",
        "--serial",
        "-o",
        out_dir,
    ).ok()
    assert outcome.out.startswith("<Sensitivity morris: 2 parameters")
    indices = pd.read_csv(out_dir / "indices.csv")
    sales = indices[indices["kpi"] == "monthly_sales_yuan_mean"].set_index("parameter")
    # the commission moves no kilogram and no yuan a canteen pays: the quota ranks first
    assert sales.loc["quota.share", "rank"] == 1
    assert sales.loc["platform.commission", "mu_star"] == pytest.approx(0.0, abs=1e-9)
    assert (out_dir / "figures" / "morris_tornado.png").stat().st_size > 0
    assert (out_dir / "figures" / "morris_mu_star_sigma.png").stat().st_size > 0
    lead = (out_dir / "report.md").read_text(encoding="utf-8").splitlines()[2].replace("\\", "")
    assert lead.startswith("Morris screening of 2 uncertain assumptions")
    # the commission moves farmer income only: named for sales, the quota alone
    assert "Mean monthly sales (yuan) depends most on Quota share (μ* " in lead
    assert "Platform commission" not in lead.split("Mean monthly sales")[1].split(".")[0]


def test_a_search_range_that_is_not_lo_hi_is_one_error_line(scenario, capsys) -> None:
    args = ["search", str(scenario.toml), "--param", "quota.share", "--target", "x"]
    with pytest.raises(SystemExit) as stop:  # argparse's own error, in canteensim's form
        main([*args, "--range", "0.5:0"])
    assert stop.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "'0.5:0': LO must be below HI, e.g. 0:0.5" in line


def test_a_target_that_is_not_a_kpi_is_a_clear_error(cli, scenario, out_dir) -> None:
    line = cli(
        "search",
        scenario.toml,
        "--param",
        "quota.share",
        "--range",
        "0:0.5",
        "--target",
        "sales >= 3",
        "-o",
        out_dir,
    ).bad_input("sales")
    assert "not a KPI" in line
    assert not out_dir.exists()
