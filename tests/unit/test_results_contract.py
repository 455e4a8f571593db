"""The results contract: one row per KPI, one function per KPI, and folders that say their kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canteensim import load_scenario, simulate
from canteensim.cli import main
from canteensim.errors import ReportError
from canteensim.model.kpis import KPI_FUNCTIONS
from canteensim.report import labels
from canteensim.report.read import read_results
from canteensim.results import FORMAT_VERSION, HEADLINE_KPIS, KPI_NAMES, KPIS, SUMMARY

HAIKOU = Path(__file__).resolve().parents[2] / "scenarios" / "hainan_2020.toml"
SHORT = ["scenario.end=2020-03-31"]


def test_every_kpi_has_one_function_and_every_function_a_kpi() -> None:
    assert list(KPI_FUNCTIONS) == list(KPI_NAMES)


def test_a_run_reports_the_contract_kpis_in_order() -> None:
    kpis = simulate(load_scenario(HAIKOU, SHORT)).kpis
    assert list(kpis.columns) == ["replication", *KPI_NAMES]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kpi_is_labelled_and_every_undefinable_one_says_when(lang: str) -> None:
    for kpi in KPIS:
        assert labels.kpi(lang, kpi.name) not in ("", kpi.name)
    # a share or mean can have nothing to measure; its row says when, in both languages
    for name in ("compliance_rate", "fill_rate", "monthly_sales_yuan_mean"):
        assert labels.undefined(lang, name)


def test_headline_kpis_are_the_ones_marked_so_and_the_terminal_formats_by_unit() -> None:
    assert tuple(k.name for k in KPIS if k.headline) == HEADLINE_KPIS
    by_name = {k.name: k for k in KPIS}
    assert by_name["compliance_rate"].format(0.5928) == "59.3%"
    assert by_name["monthly_sales_yuan_mean"].format(311911.6) == "311,912 yuan"
    assert by_name["lost_kg"].format(3031.1) == "3,031 kg"
    assert by_name["order_lines"].format(6477) == "6,477"


def test_run_and_comparison_folders_say_their_kind(tmp_path: Path) -> None:
    run, comparison = tmp_path / "run", tmp_path / "comparison"
    common = ["--set", SHORT[0], "--serial", "-q", "--no-report"]
    assert main(["run", str(HAIKOU), "-o", str(run), *common]) == 0
    vary = ["--vary", "quota.share=0.1,0.2", "-r", "2"]
    assert main(["compare", str(HAIKOU), *vary, "-o", str(comparison), *common]) == 0
    for folder, kind in ((run, "run"), (comparison, "comparison")):
        document = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        assert (document["kind"], document["format_version"]) == (kind, FORMAT_VERSION)
        assert read_results(folder).kind == kind


def test_a_summary_that_does_not_say_its_kind_is_not_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert (
        main(["run", str(HAIKOU), "--set", SHORT[0], "-o", str(folder), "-q", "--no-report"]) == 0
    )
    document = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    del document["kind"]
    (folder / SUMMARY).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReportError, match="no 'kind'"):
        read_results(folder)
