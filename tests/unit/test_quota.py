"""The quota's rules in `canteensim.model.quota`: target share, audit periods, required aid,
fulfilment, which rows are audited and who complies, to within the one tolerance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from canteensim.model import quota
from canteensim.model.calendar import Calendar
from canteensim.model.population import Categories
from canteensim.model.quota import COMPLIANCE_TOLERANCE, audit_columns, audit_periods, complies
from canteensim.report import plots
from canteensim.scenario.schema import Ordering, Quota

# --- the one tolerance --------------------------------------------------------------------------


def test_aid_within_the_tolerance_of_the_requirement_complies() -> None:
    required = pd.Series([80.0, 80.0, 80.0, 80.0, 0.0])
    short = [0.0, 0.5, 2.0, -1.0, 0.0]  # in tolerances of the requirement
    aid = required * (1 - np.array(short) * COMPLIANCE_TOLERANCE)
    assert complies(aid, required).tolist() == [True, True, False, True, True]


def test_exactly_the_quota_bought_in_pieces_complies_despite_rounding() -> None:
    # 0.1 kg received ten times falls short of 1 kg by rounding alone
    aid = pd.Series([sum([0.1] * 10)])
    assert aid[0] < 1.0
    assert complies(aid, pd.Series([1.0])).tolist() == [True]


def test_an_audit_whose_aid_is_the_quota_but_for_float_rounding_passes() -> None:
    # 20 % of 21 kg is 4.2 kg; aid summed from pieces may come to 4.199999999999999 kg
    assert 0.2 * 21.0 == 4.2
    frame = audited(
        Quota(share=0.2),
        canteen_months(
            consumption_kg=[21.0, 100.0, 121.0] * 2, aid_kg=[4.199999999999999, 20.0, 24.2] * 2
        ),
    )
    veg = frame.iloc[0]
    assert veg["required_kg"] == 4.2
    assert veg["aid_kg"] < veg["required_kg"]
    assert veg["fulfilment"] < 1.0
    assert veg["audited"] and veg["compliant"]
    # a real shortfall, a gram, fails
    assert complies(pd.Series([4.199]), pd.Series([4.2])).tolist() == [False]


def test_a_run_that_buys_the_quota_in_pieces_passes_despite_rounding(tiny) -> None:
    # 21 diners eat 0.21 kg a day: 88.2 kg in February, 17.64 kg due; a tracking canteen buys
    # 4.41 kg at each of four deliveries, which the ledger adds up to a hair below 17.64 kg
    res = tiny.run(
        canteens=[tiny.canteen(diners=21, behaviour="tracking")],
        categories={"veg": tiny.category(0.21)},
    )
    assert res.deliveries["kg"].tolist() == pytest.approx([4.41] * 4, rel=1e-12)
    veg = res.canteen_months.query("category == 'veg'").iloc[0]
    assert veg["required_kg"] == pytest.approx(17.64, rel=1e-12)
    assert veg["aid_kg"] < veg["required_kg"], "no rounding left to test: pick other numbers"
    assert veg["compliant"]
    assert len(res.tables["audit_failures"]) == 0
    assert res.kpis["compliance_rate"].item() == 1.0


def test_the_compliance_map_draws_met_or_short_as_the_model_says() -> None:
    """`report.plots` keeps no tolerance of its own: a canteen short of its quota by exactly the
    tolerance is drawn as met, one short by twice the tolerance as short, as `compliant` says."""
    months = []
    for month, short in (("2020-03", 1.0), ("2020-04", 2.0)):
        veg = 80.0 * (1 - short * COMPLIANCE_TOLERANCE)  # 80 kg required
        frame = canteen_months(
            aid_kg=[veg, 20.0, veg + 20.0] * 2,
            canteen_id=["A"] * 3 + ["V"] * 3,
            month=[month] * 6,
        )
        months.append(audited(Quota(share=0.2), frame))
    table = pd.concat(months, ignore_index=True)
    veg_a = table[(table["canteen_id"] == "A") & (table["category"] == "veg")]
    assert (veg_a["fulfilment"] < 1.0).all()
    assert veg_a["compliant"].tolist() == [True, False]

    ax = plots.quota_compliance(table, per="category")
    (image,) = ax.images
    array = image.get_array()
    assert array is not None
    met, short = np.ma.getdata(array)[0]
    assert image.norm(met) == image.norm(1.0)  # the first blue
    assert image.norm(short) == image.norm(0.95)  # the last red


# --- required aid, aid share, audited rows -------------------------------------------------------


def canteen_months(**columns: list) -> pd.DataFrame:
    """Two categories and the total of one bound canteen and one voluntary canteen."""
    frame = pd.DataFrame(
        {
            "bound": [True, True, True, False, False, False],
            "category": ["veg", "rice", "total"] * 2,
            "consumption_kg": [400.0, 100.0, 500.0] * 2,
            "aid_kg": [80.0, 10.0, 90.0] * 2,
            "consumption_yuan": [1600.0, 400.0, 2000.0] * 2,
            "aid_yuan": [480.0, 50.0, 530.0] * 2,
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


def audited(
    rules: Quota, frame: pd.DataFrame | None = None, offered: tuple[str, ...] = ("veg", "rice")
) -> pd.DataFrame:
    """`frame` (by default `canteen_months()`) with the quota columns of `rules`."""
    frame = canteen_months() if frame is None else frame
    is_total = frame["category"] == "total"
    on_offer = frame["category"].isin([*offered, "total"])
    return audit_columns(frame, rules, is_total, on_offer)


def test_by_quantity_per_category() -> None:
    frame = audited(Quota(share=0.2))
    assert_allclose(frame["required_kg"], [80.0, 20.0, 100.0] * 2)
    assert_allclose(frame["required_yuan"], [320.0, 80.0, 400.0] * 2)
    assert_allclose(frame["aid_share"], [0.2, 0.1, 0.18] * 2)
    assert_allclose(frame["fulfilment"], [1.0, 0.5, 0.9] * 2)
    assert frame["compliant"].tolist() == [True, False, False] * 2
    assert frame["audited"].tolist() == [True, True, False, False, False, False]


def test_by_value_in_total() -> None:
    frame = audited(Quota(share=0.2, basis="value", per="total"))
    assert_allclose(frame["aid_share"], [0.3, 0.125, 0.265] * 2)
    assert_allclose(frame["fulfilment"], [480 / 320, 50 / 80, 530 / 400] * 2)  # yuan ÷ yuan
    assert frame["compliant"].tolist() == [True, False, True] * 2
    assert frame["audited"].tolist() == [False, False, True, False, False, False]


def test_rows_requiring_nothing_or_with_nothing_on_offer_are_not_audited() -> None:
    no_rice = audited(Quota(share=0.2), offered=("veg",))
    assert no_rice["audited"].tolist() == [True, False, False, False, False, False]
    zero = audited(Quota(share=0.0))
    assert not zero["audited"].any()
    assert zero["compliant"].all()
    assert zero["fulfilment"].isna().all()  # nothing required: no share of it bought
    idle = audited(Quota(share=0.2), canteen_months(consumption_kg=[0.0] * 6))
    assert not idle["audited"].any()
    assert idle["aid_share"].isna().all()


# --- target share ---------------------------------------------------------------------------------


def categories() -> Categories:
    return Categories(
        name=np.array(["veg", "rice"]),
        consumption_kg_per_diner_day=np.array([0.2, 0.1]),
        perishable=np.array([True, False]),
        transit_loss_at_shelf_life=np.zeros(2),
        reference_price_yuan_per_kg=np.array([4.0, 3.0]),
        platform_price_yuan_per_kg=np.array([5.0, 6.0]),
    )


def test_target_share_by_quantity_is_the_quota_with_its_margin_or_the_voluntary_share() -> None:
    share = quota.target_share(
        Quota(share=0.2),
        Ordering(margin=0.5, voluntary_share=0.1),
        np.array([True, False]),
        categories(),
    )
    assert_allclose(share, [[0.3, 0.3], [0.1, 0.1]])


def test_target_share_by_value_buys_the_kg_worth_the_share_at_platform_price() -> None:
    share = quota.target_share(
        Quota(share=0.2, basis="value"),
        Ordering(margin=0.0, voluntary_share=0.1),
        np.array([True, False]),
        categories(),
    )
    # veg: 4 yuan of consumption per kg, 5 yuan a kg of aid; rice: 3 and 6
    assert_allclose(share, [[0.2 * 4 / 5, 0.2 * 3 / 6], [0.1 * 4 / 5, 0.1 * 3 / 6]])


# --- audit periods --------------------------------------------------------------------------------


def periods(tiny, start: dt.date, end: dt.date, period: str) -> list[tuple]:
    """``(index, label, months, start_day, end_day, partial)`` of each audit period."""
    calendar = Calendar.from_scenario(tiny.scenario(scenario__start=start, scenario__end=end))
    return [
        (p.index, p.label, p.months, p.start_day, p.end_day, p.partial)
        for p in audit_periods(calendar, period)
    ]


def test_audit_periods_are_the_calendar_months_cut_to_the_horizon(tiny) -> None:
    assert periods(tiny, dt.date(2020, 11, 16), dt.date(2021, 1, 10), "month") == [
        (0, "2020-11", range(0, 1), 0, 15, True),  # 16 to 30 November
        (1, "2020-12", range(1, 2), 15, 46, False),  # December
        (2, "2021-01", range(2, 3), 46, 56, True),  # 1 to 10 January
    ]


def test_quarterly_audit_periods_are_calendar_quarters_cut_to_the_horizon(tiny) -> None:
    # 11 May 2020 to 10 January 2021: months 0 (May) to 8 (January)
    assert periods(tiny, dt.date(2020, 5, 11), dt.date(2021, 1, 10), "quarter") == [
        (0, "2020-Q2", range(0, 2), 0, 51, True),  # 11 May to 30 June
        (1, "2020-Q3", range(2, 5), 51, 143, False),  # July to September
        (2, "2020-Q4", range(5, 8), 143, 235, False),  # October to December
        (3, "2021-Q1", range(8, 9), 235, 245, True),  # 1 to 10 January
    ]


def test_a_quarter_the_horizon_starts_in_on_a_month_s_first_day_is_still_partial(tiny) -> None:
    # from 1 May: May and June whole, but April of the second quarter is not in the horizon
    assert periods(tiny, dt.date(2020, 5, 1), dt.date(2020, 12, 31), "quarter") == [
        (0, "2020-Q2", range(0, 2), 0, 61, True),
        (1, "2020-Q3", range(2, 5), 61, 153, False),
        (2, "2020-Q4", range(5, 8), 153, 245, False),
    ]
    assert periods(tiny, dt.date(2021, 1, 1), dt.date(2021, 6, 30), "quarter") == [
        (0, "2021-Q1", range(0, 3), 0, 90, False),
        (1, "2021-Q2", range(3, 6), 90, 181, False),
    ]


def test_yearly_audit_periods_are_calendar_years_cut_to_the_horizon(tiny) -> None:
    assert periods(tiny, dt.date(2020, 5, 11), dt.date(2021, 1, 10), "year") == [
        (0, "2020", range(0, 8), 0, 235, True),  # 11 May to 31 December
        (1, "2021", range(8, 9), 235, 245, True),  # 1 to 10 January
    ]
    # a leap year, whole; a horizon within one year, partial even from its first day
    assert periods(tiny, dt.date(2020, 1, 1), dt.date(2020, 12, 31), "year") == [
        (0, "2020", range(0, 12), 0, 366, False)
    ]
    assert periods(tiny, dt.date(2021, 1, 1), dt.date(2021, 11, 30), "year") == [
        (0, "2021", range(0, 11), 0, 334, True)
    ]


def test_each_month_belongs_to_its_audit_period(tiny) -> None:
    scenario = tiny.scenario(
        scenario__start=dt.date(2020, 5, 11), scenario__end=dt.date(2021, 1, 10)
    )
    calendar = Calendar.from_scenario(scenario)
    by_quarter = quota.period_of_month(audit_periods(calendar, "quarter"))
    assert by_quarter.tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 3]
    assert quota.period_of_month(audit_periods(calendar, "year")).tolist() == [0] * 8 + [1]
    assert quota.period_of_month(audit_periods(calendar, "month")).tolist() == list(range(9))


def test_one_audit_per_period_in_a_run(tiny) -> None:
    res = tiny.run(scenario__end=dt.date(2021, 3, 10))
    months = res.canteen_months["month"].astype(str).unique().tolist()
    assert months == ["2021-02", "2021-03"]
    march = res.canteen_months[res.canteen_months["month"] == "2021-03"].iloc[0]
    assert march["consumption_kg"] == pytest.approx(100 * 0.2 * 8)  # 1 to 10 March: 8 weekdays
