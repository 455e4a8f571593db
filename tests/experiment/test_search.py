"""search: the smallest (largest) value of one setting at which every target holds.

The tiny scenario's even canteen orders share × 100 diners × 0.2 kg × 5 days × 4 weeks = share ×
400 kg at 5 yuan, so its sales are share × 2,000 yuan: 500 yuan at exactly share 0.25, and the
canteens' cost premium (1 yuan a kg over market) is share × 400 yuan.
"""

from __future__ import annotations

import importlib
import json
import math
from dataclasses import replace

import pytest

from canteensim.errors import CanteensimWarning, ScenarioError
from canteensim.experiment.runs import RunOutcome
from canteensim.experiment.search import SearchResult, parse_target, search

search_module = importlib.import_module("canteensim.experiment.search")


def find(tiny, targets, **kwargs) -> SearchResult:
    scenario = kwargs.pop("scenario", None) or tiny.scenario()
    kwargs.setdefault("engine", "serial")
    return search(scenario, "quota.share", 0.0, 0.5, targets, **kwargs)


def test_sales_threshold_known_by_hand(tiny):
    assert tiny.run(quota__share=0.25).kpis["total_sales_yuan"].iloc[0] == pytest.approx(500)
    result = find(tiny, ["total_sales_yuan >= 500"], resolution=0.005)
    assert result.answer is not None
    below, above = result.answer
    assert below < 0.25 <= above
    assert above - below <= 0.005
    assert result.monotone
    assert result.reason.startswith("between 0.246 and 0.25")


def test_noise_free_probes_stop_at_the_first_replications(tiny):
    result = find(tiny, ["total_sales_yuan >= 500"], initial_replications=3)
    assert set(result.probes["replications"]) == {3}
    assert len(result.runs) == 3 * len(result.probes)
    assert set(result.probes["decision"]) == {"holds", "fails"}


def test_noisy_probes_near_the_threshold_get_more_replications(tiny):
    # a product of 30 kg a week on average (cv 0.2): orders above it are cut short at random
    scenario = tiny.scenario(products=[tiny.product(weekly_capacity_kg=30, capacity_cv=0.2)])
    result = find(
        tiny, ["total_sales_yuan >= 500"], scenario=scenario, max_replications=20, resolution=0.02
    )
    probes = result.probes.set_index("value")
    assert (probes.loc[[0.0, 0.5], "replications"] == 5).all()  # clear by far: decided at once
    assert probes["replications"].max() > 5  # near the threshold the interval needed more
    assert result.answer is not None
    below, above = result.answer
    assert 0.25 <= below < above <= 0.5


def test_maximise_finds_the_largest_value(tiny):
    result = find(tiny, ["cost_premium_yuan <= 50"], maximise=True, resolution=0.005)
    assert result.answer is not None
    below, above = result.answer
    assert below <= 0.125 < above
    assert above - below <= 0.005


def test_targets_already_met_at_the_end_of_the_range(tiny):
    result = find(tiny, ["total_sales_yuan >= 0"])
    assert result.answer == (0.0, 0.0)
    assert "hold already at quota.share = 0" in result.reason


def test_unreachable_target_has_no_answer_and_says_why(tiny):
    result = find(tiny, ["total_sales_yuan >= 5000", "fill_rate >= 0.5"])
    assert result.answer is None
    assert result.reason == (
        "no value of quota.share in [0, 0.5] meets total_sales_yuan >= 5000: its mean is "
        "0 at 0 (fails after 5 replications), 1000 at 0.5 (fails after 5 replications)"
    )
    assert "no value of quota.share" in repr(result)


def test_conflicting_targets_have_no_answer_and_say_which(tiny):
    # sales need share >= 0.25, the cost premium (share × 400 yuan) allows share <= 0.2 (shown
    # rounded down to the resolution, 0.005: the last probe found holding lies below 0.2)
    result = find(tiny, ["total_sales_yuan >= 500", "cost_premium_yuan <= 80"])
    assert result.answer is None
    assert result.reason == (
        "no value of quota.share in [0, 0.5] meets every target: total_sales_yuan >= 500 holds "
        "only from 0.25, cost_premium_yuan <= 80 only up to 0.199"
    )
    assert result.monotone


def test_a_window_between_two_targets_is_found(tiny):
    result = find(tiny, ["total_sales_yuan >= 500", "cost_premium_yuan <= 120"], resolution=0.005)
    assert result.answer is not None
    assert result.answer[0] < 0.25 <= result.answer[1]
    assert result.reason.endswith("; cost_premium_yuan <= 120 holds up to 0.296")
    maximised = find(
        tiny,
        ["total_sales_yuan >= 500", "cost_premium_yuan <= 120"],
        resolution=0.005,
        maximise=True,
    )
    assert maximised.answer is not None
    assert maximised.answer[0] <= 0.3 < maximised.answer[1]
    assert maximised.reason.endswith("; total_sales_yuan >= 500 holds from 0.25")


def test_a_non_monotone_response_is_refused_with_a_clear_message(tiny, monkeypatch):
    real = search_module.outcome

    def hump(setting, results) -> RunOutcome:
        """Sales rising to share 0.3, then falling: 1,000 × min(share, 0.6 − share)."""
        kept = real(setting, results)
        share = results.scenario.quota.share
        kpis = {**kept.kpis, "total_sales_yuan": 1000 * min(share, 0.6 - share)}
        return replace(kept, kpis=kpis)

    monkeypatch.setattr(search_module, "outcome", hump)
    with pytest.warns(CanteensimWarning, match="total_sales_yuan >= 200 is not monotone") as caught:
        result = find(tiny, ["total_sales_yuan >= 200"], resolution=0.005)
    assert "fails from 0, holds from 0.203125, fails from 0.40" in str(caught[0].message)
    assert not result.monotone
    changes = result.violations["total_sales_yuan >= 200"]
    assert [decision for _, decision in changes] == ["fails", "holds", "fails"]
    assert "NOT MONOTONE" in repr(result)
    assert result.summary["monotone"] is False
    # the search refuses to answer: a threshold means nothing where the response turns back
    assert result.answer is None
    assert result.reason.startswith("no answer: total_sales_yuan >= 200 is not monotone")
    assert "--vary quota.share=0:0.5:STEP" in result.reason


def test_probes_table_is_tidy(tiny):
    result = find(tiny, ["total_sales_yuan >= 500", "fill_rate >= 0.9"])
    assert list(result.probes.columns[:3]) == ["value", "replications", "decision"]
    for column in ("total_sales_yuan_mean", "total_sales_yuan_ci_low", "fill_rate_ci_high"):
        assert column in result.probes.columns
    assert result.probes["value"].is_monotonic_increasing
    # fill rate has no value at share 0 (nothing ordered): the target cannot hold there
    first = result.probes.iloc[0]
    assert math.isnan(first["fill_rate_mean"])
    assert first["fill_rate >= 0.9 decision"] == "fails"
    assert {"setting", "value", "replication", "total_sales_yuan"} <= set(result.runs.columns)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sales >= 3", "--target: sales = 'sales >= 3': is not a KPI; valid: monthly_sales_yuan"),
        ("fill_rate > 0.9", "--target = 'fill_rate > 0.9': must read \"KPI >= VALUE\""),
        ("fill_rate >= high", "--target: fill_rate = 'fill_rate >= high': the value must be a"),
    ],
)
def test_bad_targets_are_refused_clearly(text, message):
    with pytest.raises(ScenarioError) as error:
        parse_target(text)
    assert str(error.value).startswith(message)


def test_parse_target():
    target = parse_target(" monthly_sales_yuan_mean>=310000 ")
    assert (target.kpi, target.op, target.value) == ("monthly_sales_yuan_mean", ">=", 310000.0)
    assert str(target) == "monthly_sales_yuan_mean >= 310000"


def test_folder_resumes_without_running_again(tiny, tmp_path, monkeypatch):
    folder = tmp_path / "search"
    first = find(tiny, ["total_sales_yuan >= 500"], folder=folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "search"
    assert summary["answer"] == list(first.answer or ())
    assert (folder / "probes.csv").exists()

    def no_run(*args, **kwargs):
        raise AssertionError("a resumed search ran again")

    monkeypatch.setattr(
        search_module.Runner, "run", lambda self, runs, done: list(runs) and no_run()
    )
    again = find(tiny, ["total_sales_yuan >= 500"], folder=folder, resume=True)
    assert again.answer == first.answer
    assert again.probes.equals(first.probes)


@pytest.mark.filterwarnings("ignore:Chinese names in figures")
def test_write_and_plot(tiny, tmp_path):
    result = find(tiny, ["total_sales_yuan >= 500", "fill_rate >= 0.9"])
    result.write(tmp_path / "out")
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "probes.csv",
        "runs.parquet",
        "summary.json",
    }
    figure = result.plot()
    assert len(figure.axes) == 2
    assert figure.axes[0].get_title() == "Total sales (yuan) ≥ 500"
    assert figure.axes[1].get_title() == "Fill rate ≥ 90.0%"
    chinese = result.plot("zh")
    assert chinese.axes[-1].get_xlabel() == "配额比例"


def test_progress_counts_every_run(tiny):
    calls: list[tuple[int, int]] = []
    result = find(tiny, ["total_sales_yuan >= 500"], progress=lambda *c: calls.append(c))
    assert calls[-1] == (len(result.runs), len(result.runs))
    assert all(done <= planned for done, planned in calls)


def test_a_whole_number_setting_is_probed_on_whole_numbers(tiny, monkeypatch):
    real = search_module.outcome

    def by_vehicles(setting, results) -> RunOutcome:
        """Sales of 100 yuan a vehicle: 500 needs 5 vehicles."""
        kept = real(setting, results)
        kpis = {**kept.kpis, "total_sales_yuan": 100.0 * results.scenario.platform.vehicles}
        return replace(kept, kpis=kpis)

    monkeypatch.setattr(search_module, "outcome", by_vehicles)
    scenario = tiny.scenario()
    result = search(
        scenario, "platform.vehicles", 1, 8, ["total_sales_yuan >= 500"], engine="serial"
    )
    assert result.answer == (4.0, 5.0)  # neighbours: no vehicle and a half
    assert all(float(v).is_integer() for v in result.probes["value"])
    assert result.reason.startswith("between 4 and 5")
    with pytest.raises(ScenarioError, match=r"takes whole numbers: give whole ends, e\.g\. 1:7"):
        search(scenario, "platform.vehicles", 1, 7.5, ["total_sales_yuan >= 500"])


def test_a_chinese_target_of_many_yuan_counts_in_wan():
    """Chinese counts large amounts in 万元 in prose and figures: the target's label, its
    figure's ticks and the sentence on the KPIs at the answer all do; a table's heading keeps
    whole yuan, as its cells do."""
    from canteensim.experiment.search import _axis_formatter
    from canteensim.report.sweeps import _target_text

    target = parse_target("monthly_sales_yuan_mean >= 300000")
    assert target.label("zh") == "月均销售额（万元） ≥ 30"
    assert target.label("en") == "Mean monthly sales (yuan) ≥ 300,000"
    assert target.label("zh", whole_yuan=True) == "月均销售额（元） ≥ 300,000"
    assert _axis_formatter(target, "zh")(312_345.6, 0) == "31.2"
    assert _axis_formatter(target, "en")(312_345.6, 0) == "312,346"
    assert _target_text(target, 312_345.6, "zh") == "31.2"
    assert _target_text(target, 312_345.6, "en") == "312,346"
    assert _target_text(target, math.nan, "zh") == "不适用"
    small = parse_target("monthly_sales_yuan_mean >= 50000")  # below 100,000 yuan: in yuan
    assert small.label("zh") == "月均销售额（元） ≥ 50,000"
    assert _axis_formatter(small, "zh")(52_000.0, 0) == "52,000"
    share = parse_target("fill_rate >= 0.95")
    assert share.label("zh") == "订单满足率 ≥ 95.0%" and not share.in_wan("zh")
