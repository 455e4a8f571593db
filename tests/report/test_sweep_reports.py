"""The reports of a search and of a sensitivity analysis: the answer in the lead, in both
languages, with their figures and workbook, from the folder alone.

The tiny scenario's sales are quota.share × 2,000 yuan (tests/experiment/test_search.py); its
listing limit changes nothing (one product), so a sensitivity analysis must call it idle.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from canteensim.errors import ReportError
from canteensim.experiment.search import search
from canteensim.experiment.sensitivity import sensitivity
from canteensim.report import render_report
from canteensim.results import ReportFiles

pytestmark = pytest.mark.filterwarnings("ignore:Chinese names in figures")
RANGES = {"quota.share": (0.1, 0.4), "platform.listing_limit": (1, 50)}


def lead(folder: Path, lang: str = "en") -> str:
    path = folder / ReportFiles.of(lang).markdown
    return path.read_text(encoding="utf-8").splitlines()[2].replace("\\", "")


def test_a_search_report_opens_with_the_answer(tiny: SimpleNamespace, tmp_path: Path) -> None:
    folder = tmp_path / "search"
    result = search(
        tiny.scenario(),
        "quota.share",
        0.0,
        0.5,
        ["total_sales_yuan >= 500"],
        resolution=0.005,
        engine="serial",
        folder=folder,
    )
    assert result.answer is not None
    render_report(folder)
    text = lead(folder)
    assert text.startswith(
        "The smallest quota share at which every target holds (Total sales (yuan) ≥ 500) with "
        "95% confidence lies between 24.6% and 25%."
    )
    assert "At 25%: Total sales (yuan) 500" in text
    assert (folder / "figures" / "search.png").stat().st_size > 0
    sheets = load_workbook(folder / "report.xlsx", read_only=True).sheetnames
    assert sheets == ["summary", "README", "probes", "runs"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<tr>") >= len(result.probes)  # the probes table, one row per probe


def test_a_search_report_in_chinese(tiny: SimpleNamespace, tmp_path: Path) -> None:
    result = search(
        tiny.scenario(), "quota.share", 0.0, 0.5, ["total_sales_yuan >= 500"], engine="serial"
    )
    result.write(tmp_path / "api")  # a search made in Python renders alike
    render_report(tmp_path / "api", "zh")
    text = (tmp_path / "api" / "report.zh.html").read_text(encoding="utf-8")
    assert "以 95% 置信度满足全部目标" in text and "配额比例最小值介于" in text


def test_a_search_without_an_answer_says_so(tiny: SimpleNamespace, tmp_path: Path) -> None:
    folder = tmp_path / "none"
    search(
        tiny.scenario(),
        "quota.share",
        0.0,
        0.5,
        ["total_sales_yuan >= 5000"],
        engine="serial",
        folder=folder,
    )
    render_report(folder)
    assert lead(folder).startswith(
        "No quota share between 0% and 50% meets every target (Total sales (yuan) ≥ 5,000)"
    )


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_a_sensitivity_report_names_what_matters(
    tiny: SimpleNamespace, tmp_path: Path, method: str
) -> None:
    folder = tmp_path / method
    n = 4 if method == "sobol" else 3
    scenario = tiny.scenario()
    sensitivity(scenario, method, RANGES, n=n, engine="serial", folder=folder)  # type: ignore[arg-type]
    render_report(folder)
    text = lead(folder)
    assert "Mean monthly sales (yuan) depends most on Quota share (" in text
    assert text.endswith(
        "Products listed per week: little effect on any headline KPI "
        + ("(ST below 0.05)." if method == "sobol" else "(μ* below a tenth of the largest).")
    )
    figures = {p.name for p in (folder / "figures").glob("*.png")}
    expected = (
        {"sobol.png"}
        if method == "sobol"
        else {
            "morris_tornado.png",
            "morris_mu_star_sigma.png",
        }
    )
    assert figures == expected
    sheets = load_workbook(folder / "report.xlsx", read_only=True).sheetnames
    assert sheets == ["summary", "README", "indices", "interactions", "samples", "runs"]


def test_a_sensitivity_report_in_chinese(tiny: SimpleNamespace, tmp_path: Path) -> None:
    folder = tmp_path / "zh"
    sensitivity(tiny.scenario(), "sobol", RANGES, n=4, engine="serial", folder=folder)
    render_report(folder, "zh")
    html = (folder / "report.zh.html").read_text(encoding="utf-8")
    assert "对 2 项不确定假设做 Sobol 分析" in html
    assert "月均销售额（元）主要取决于配额比例" in html


def test_a_damaged_sweep_summary_is_a_report_error(tiny: SimpleNamespace, tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    search(
        tiny.scenario(),
        "quota.share",
        0.0,
        0.5,
        ["total_sales_yuan >= 500"],
        engine="serial",
        folder=folder,
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    del summary["targets"]
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    with pytest.raises(ReportError, match="not a search's summary"):
        render_report(folder)


def test_second_order_pairs_are_a_table_of_the_report(
    tiny: SimpleNamespace, tmp_path: Path
) -> None:
    folder = tmp_path / "pairs"
    scenario = tiny.scenario()
    sensitivity(scenario, "sobol", RANGES, n=16, engine="serial", folder=folder, second_order=True)
    render_report(folder)
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "Pairs acting together: the 3 largest second-order indices of each KPI" in report
    assert "Quota share × Products listed per week" in report
