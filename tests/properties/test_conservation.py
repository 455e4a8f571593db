"""Invariants of the model on generated scenarios (SPEC §6 conservation).

Small random populations, capacities, fleets, quotas, calendars and disruptions; every run must
conserve kilograms and yuan, keep rates in [0, 1] and never produce a negative quantity.
Examples per test: see ``conftest.py`` here (40 by default; a ``thorough`` profile for bug hunts).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from .strategies import run, scenarios

TOL = 1e-6
"""Absolute kg / yuan tolerance: sums of a few hundred floats of at most some thousands."""


def horizon_months(raw: dict[str, Any]) -> set[str]:
    start, end = raw["scenario"]["start"], raw["scenario"]["end"]
    return {
        f"{d.year:04d}-{d.month:02d}"
        for d in pd.date_range(start, end, freq="D").date  # type: ignore[union-attr]
    }


@given(scenarios())
def test_kilograms_are_conserved(raw: dict[str, Any]) -> None:
    res = run(raw)
    weekly, sales, shipments = res.weekly_products, res.monthly_sales, res.deliveries

    # listed = sold + unsold, per product-week; nothing sold that was not listed
    np.testing.assert_allclose(
        weekly["sold_kg"] + weekly["unsold_kg"], weekly["listed_kg"], atol=TOL
    )
    assert (weekly["sold_kg"] <= weekly["listed_kg"] + TOL).all()
    assert (weekly["listed_kg"] <= weekly["offered_kg"] + TOL).all()
    assert (weekly.loc[~weekly["listed"], "sold_kg"] == 0).all()
    # substitution moves kg between products of a category, never beyond what was ordered
    by_week = weekly.groupby(["week", "category"])[["ordered_kg", "sold_kg"]].sum()
    assert (by_week["sold_kg"] <= by_week["ordered_kg"] + TOL).all()

    # shipped = received + lost, in every table, and the tables agree
    np.testing.assert_allclose(
        shipments["received_kg"] + shipments["lost_kg"], shipments["kg"], atol=TOL
    )
    np.testing.assert_allclose(
        sales["quantity_kg"] + sales["lost_kg"], sales["shipped_kg"], atol=TOL
    )
    shipped = shipments["kg"].sum()
    assert sales["shipped_kg"].sum() == pytest.approx(shipped, abs=TOL)
    assert weekly["shipped_kg"].sum() == pytest.approx(shipped, abs=TOL)
    lost = shipments["lost_kg"].sum()
    assert sales["lost_kg"].sum() == pytest.approx(lost, abs=TOL)
    assert weekly["lost_kg"].sum() == pytest.approx(lost, abs=TOL)
    assert res.kpis["lost_kg"].item() == pytest.approx(lost, abs=TOL)

    # everything sold is shipped or, left when deliveries stop, undelivered
    np.testing.assert_allclose(
        weekly["shipped_kg"] + weekly["undelivered_kg"], weekly["sold_kg"], atol=TOL
    )
    assert shipped + res.kpis["undelivered_kg"].item() == pytest.approx(
        weekly["sold_kg"].sum(), abs=TOL
    )
    assert (weekly["lost_kg"] <= weekly["shipped_kg"] + TOL).all()


@given(scenarios())
def test_every_yuan_is_accounted_for(raw: dict[str, Any]) -> None:
    res = run(raw)
    sales, kpis = res.monthly_sales, res.kpis.iloc[0]
    np.testing.assert_allclose(
        sales["farmer_income_yuan"] + sales["commission_yuan"] + sales["logistics_yuan"],
        sales["sales_yuan"],
        atol=TOL,
    )
    np.testing.assert_allclose(
        sales["sales_yuan"] - sales["market_value_yuan"], sales["cost_premium_yuan"], atol=TOL
    )
    platform = raw["platform"]
    np.testing.assert_allclose(
        sales["commission_yuan"], platform["commission"] * sales["sales_yuan"], atol=TOL
    )
    np.testing.assert_allclose(
        sales["logistics_yuan"], platform["logistics_yuan_per_kg"] * sales["shipped_kg"], atol=TOL
    )
    assert kpis["total_sales_yuan"] == pytest.approx(sales["sales_yuan"].sum(), abs=TOL)
    assert kpis["farmer_income_yuan"] == pytest.approx(sales["farmer_income_yuan"].sum(), abs=TOL)
    assert kpis["cost_premium_yuan"] == pytest.approx(sales["cost_premium_yuan"].sum(), abs=TOL)
    # monthly sales are delivered sales: the product-weeks' sales add up to the same, and so
    # does where their yuan went
    weekly = res.weekly_products
    for column in ("sales_yuan", "commission_yuan", "logistics_yuan", "farmer_income_yuan"):
        assert weekly[column].sum() == pytest.approx(sales[column].sum(), abs=TOL), column
    np.testing.assert_allclose(
        weekly["farmer_income_yuan"] + weekly["commission_yuan"] + weekly["logistics_yuan"],
        weekly["sales_yuan"],
        atol=TOL,
    )


@given(scenarios())
def test_rates_and_quantities_stay_in_range(raw: dict[str, Any]) -> None:
    res = run(raw)
    kpis = res.kpis.iloc[0]
    for name in ("fill_rate", "on_time_rate", "compliance_rate", "unsold_share"):
        value = kpis[name]
        assert np.isnan(value) or -1e-12 <= value <= 1.0 + 1e-12, (name, value)
    assert kpis["quota_fulfilment"] >= 0 or np.isnan(kpis["quota_fulfilment"])
    shortfalls = ("shortfall_kg", "shortfall_yuan")
    for name, table in res.tables.items():
        for column in table.columns:
            if column.endswith(("_kg", "_yuan")) and column not in ("cost_premium_yuan",):
                if column == "farmer_income_yuan":
                    continue  # logistics may cost more than a cheap product earns
                if name == "audit_failures" and column in shortfalls:
                    continue  # one of them is off the quota's basis: checked below
                assert (table[column] >= -TOL).all(), (name, column, table[column].min())
    # A failed audit is short on the quota's basis. On the other it may have bought more than
    # its share: cheap kg against a quota by value, dear ones against one by quantity.
    failures, audits = res.tables["audit_failures"], res.canteen_months
    by_value = raw["quota"]["basis"] == "value"
    assert (failures["shortfall_yuan" if by_value else "shortfall_kg"] > 0).all()
    assert len(failures) == (audits["audited"] & ~audits["compliant"]).sum()
    shipments = res.deliveries
    assert (shipments["delivered_day"] >= shipments["scheduled_day"]).all()
    assert (shipments["late"] == (shipments["delivered_day"] > shipments["scheduled_day"])).all()
    assert (shipments["kg"] > 0).all()


def period_of(month: str, period: str) -> str:
    """The label of the audit period (``quota.period``) holding the month ``YYYY-MM``."""
    year, number = month.split("-")
    return {"month": month, "quarter": f"{year}-Q{(int(number) - 1) // 3 + 1}", "year": year}[
        period
    ]


@given(scenarios())
def test_audited_aid_is_the_delivered_quantity(raw: dict[str, Any]) -> None:
    res = run(raw)
    period = raw["quota"]["period"]
    audits = res.canteen_months
    per_category = audits[audits["category"] != "total"]
    aid = per_category.groupby(["month", "category"], observed=True)["aid_kg"].sum()
    sales = res.monthly_sales.assign(
        period=[period_of(m, period) for m in res.monthly_sales["month"].astype(str)]
    )
    sold = sales.groupby(["period", "category"], observed=True)["quantity_kg"].sum()
    in_horizon = {period_of(m, period) for m in horizon_months(raw)}
    assert set(audits["month"].astype(str)) == in_horizon
    end = raw["scenario"]["end"]
    last_period = period_of(f"{end.year:04d}-{end.month:02d}", period)
    for (label, category), kg_audited in aid.items():
        assert label in in_horizon
        assert kg_audited <= sold[(label, category)] + TOL
        if label != last_period:
            # The horizon's last period is audited at the end of the horizon; late loads may
            # still arrive in it after the audit. Every other period is audited after its last
            # delivery.
            assert kg_audited == pytest.approx(sold[(label, category)], abs=TOL)
    # the total row adds up the categories
    totals = audits[audits["category"] == "total"].set_index(["month", "canteen_id"])
    summed = per_category.groupby(["month", "canteen_id"], observed=True)[
        ["aid_kg", "consumption_kg"]
    ].sum()
    np.testing.assert_allclose(totals.loc[summed.index, "aid_kg"], summed["aid_kg"], atol=TOL)
    np.testing.assert_allclose(
        totals.loc[summed.index, "consumption_kg"], summed["consumption_kg"], atol=TOL
    )
    # the audit follows the quota's rule
    quota = raw["quota"]
    audited = audits[audits["audited"]]
    assert (audited["bound"]).all()
    expected_rows = "total" if quota["per"] == "total" else None
    if expected_rows:
        assert (audited["category"] == "total").all()
    else:
        assert (audited["category"] != "total").all()
    by_value = quota["basis"] == "value"
    aid_col = "aid_yuan" if by_value else "aid_kg"
    required = quota["share"] * audited["consumption_yuan" if by_value else "consumption_kg"]
    assert (audited["compliant"] == (audited[aid_col] >= required * (1 - 1e-9))).all()
    # fulfilment is aid ÷ required on the same basis, for every row that requires something
    need = audits["required_yuan" if by_value else "required_kg"]
    np.testing.assert_allclose(
        audits["fulfilment"].where(need > 0), (audits[aid_col] / need).where(need > 0), rtol=1e-12
    )
    assert audits.loc[need == 0, "fulfilment"].isna().all()
