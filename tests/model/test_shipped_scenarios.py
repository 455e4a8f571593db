"""The scenarios shipped in ``scenarios/``: every one validates, and the national 832 scenario
runs with the annual, by-value, all-categories audit its rule asks for.

The national run simulates 7,095 canteens for a year in-process (about 3 s), so it is not marked
heavy; the module runs it once.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from canteensim import load_scenario, simulate
from canteensim.cli import main
from canteensim.model.simulate import Results
from canteensim.scenario.schema import RESERVED_CATEGORY

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.toml"))
NATIONAL = SCENARIOS / "national_832_2021.toml"


def test_the_shipped_scenarios_are_found() -> None:
    names = {path.name for path in SHIPPED}
    assert {"hainan_2020.toml", "anhui_2020.toml", "national_832_2021.toml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_shipped_scenario_validates(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[-1] == f"{path}: valid"
    assert err == ""


def test_national_scenario_states_the_2021_rule() -> None:
    scenario = load_scenario(NATIONAL)
    assert scenario.quota.share == pytest.approx(0.10)
    assert (scenario.quota.basis, scenario.quota.per, scenario.quota.period) == (
        "value",
        "total",
        "year",
    )
    assert (scenario.scenario.start, scenario.scenario.end) == (
        dt.date(2021, 1, 1),
        dt.date(2021, 12, 31),
    )
    assert not scenario.disruptions


def test_national_calendar_has_250_working_days() -> None:
    """The 2021 holidays and make-up days of the State Council notice leave 250 working days,
    SPEC §7's figure: a slip in either list shows here."""
    calendar = load_scenario(NATIONAL).calendar
    holidays, workdays = set(calendar.holidays), set(calendar.workdays)
    assert all(day.year == 2021 for day in holidays | workdays)
    assert all(day.weekday() >= 5 for day in workdays)
    assert len(holidays) == 31 and len(workdays) == 7
    days = [dt.date(2021, 1, 1) + dt.timedelta(n) for n in range(365)]
    working = [d for d in days if d in workdays or (d.weekday() < 5 and d not in holidays)]
    assert len(working) == 250


@pytest.fixture(scope="module")
def national() -> Results:
    return simulate(load_scenario(NATIONAL))


def test_national_audits_the_year_on_the_total(national: Results) -> None:
    audits = national.canteen_months
    assert set(audits["month"].astype(str)) == {"2021"}
    total = audits[audits["category"] == RESERVED_CATEGORY]
    generated = national.scenario.canteens.generate
    assert generated is not None
    assert len(total) == total["canteen_id"].nunique() == generated.count  # one audit a canteen
    assert total["bound"].all()
    assert total["audited"].all()
    assert not total["partial"].any()  # the horizon is the whole year
    assert not audits.loc[audits["category"] != RESERVED_CATEGORY, "audited"].any()
    # by value: the requirement is 10 % of food spending valued at reference prices
    assert total["required_yuan"].sum() == pytest.approx(0.10 * total["consumption_yuan"].sum())


def test_national_run_gives_the_quota_kpis(national: Results) -> None:
    kpis = national.kpis.iloc[0]
    assert not math.isnan(kpis["compliance_rate"])
    assert 0.0 <= kpis["compliance_rate"] <= 1.0
    assert kpis["quota_fulfilment"] > 1.0  # canteens aim 10 % above the quota
    assert kpis["monthly_sales_yuan_mean"] > 0
    months = national.monthly_sales["month"].astype(str)
    assert set(months) == {f"2021-{m:02d}" for m in range(1, 13)}
    failures = national.tables["audit_failures"]
    assert set(failures["month"].astype(str)) <= {"2021"}
    assert set(failures["category"].astype(str)) <= {RESERVED_CATEGORY}
