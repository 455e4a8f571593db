"""The KPIs of a run: one function each, named after the KPI of `canteensim.results.KPIS`.

A KPI reads the run's tidy tables (and the ledger's order totals), never the simulation state,
so that what a table shows and what its KPI says cannot disagree. A KPI with nothing to measure
is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from canteensim.model.ledger import Ledger
from canteensim.model.quota import BASIS_COLUMNS, BasisColumns
from canteensim.results import KPIS
from canteensim.scenario.schema import Scenario


@dataclass(frozen=True)
class RunTables:
    """What the KPIs of one replication are computed from."""

    ledger: Ledger
    tables: Mapping[str, pd.DataFrame]
    scenario: Scenario

    @property
    def sales(self) -> pd.DataFrame:
        return self.tables["monthly_sales"]

    @property
    def products(self) -> pd.DataFrame:
        return self.tables["weekly_products"]

    @property
    def shipments(self) -> pd.DataFrame:
        return self.tables["deliveries"]

    @cached_property
    def audited(self) -> pd.DataFrame:
        """The audits of whole periods: a partial first or last period is audited and shown in
        ``canteen_months`` but is not a period the quota's KPIs judge."""
        audits = self.tables["canteen_months"]
        judged = ["compliant", self.basis.aid, self.basis.required]  # what the KPIs read of them
        whole = audits["audited"] & ~audits["partial"]
        return audits.loc[whole, judged] if len(audits) else audits[judged]

    @property
    def basis(self) -> BasisColumns:
        """The columns of aid and required aid on the quota's basis (kg or yuan)."""
        return BASIS_COLUMNS[self.scenario.quota.basis]


KpiFunction = Callable[[RunTables], float | int]
KPI_FUNCTIONS: dict[str, KpiFunction] = {}
"""KPI name → the function that computes it."""


def _kpi(function: KpiFunction) -> KpiFunction:
    KPI_FUNCTIONS[function.__name__] = function
    return function


def kpis(
    ledger: Ledger, tables: Mapping[str, pd.DataFrame], scenario: Scenario
) -> dict[str, float | int]:
    """Every KPI of one replication, in the order of `KPIS`."""
    run = RunTables(ledger, tables, scenario)
    return {kpi.name: KPI_FUNCTIONS[kpi.name](run) for kpi in KPIS}


@_kpi
def monthly_sales_yuan_mean(run: RunTables) -> float:
    """Mean sales of the full calendar months (of the months with sales, when none is full)."""
    by_month = run.sales.groupby("month", sort=True).agg(
        sales_yuan=("sales_yuan", "sum"), partial=("partial", "first")
    )
    full = by_month[~by_month["partial"]]
    monthly = full if len(full) else by_month[by_month["sales_yuan"] > 0]
    return _mean(monthly["sales_yuan"])


@_kpi
def total_sales_yuan(run: RunTables) -> float:
    return float(run.sales["sales_yuan"].sum())


@_kpi
def farmer_income_yuan(run: RunTables) -> float:
    return float(run.sales["farmer_income_yuan"].sum())


@_kpi
def compliance_rate(run: RunTables) -> float:
    """Share of the bound canteens' audits of whole periods that met the quota."""
    return _mean(run.audited["compliant"]) if len(run.audited) else math.nan


@_kpi
def quota_fulfilment(run: RunTables) -> float:
    """Aid received ÷ aid required, over the bound canteens' audits of whole periods."""
    aid, required = run.basis.aid, run.basis.required
    return _ratio(run.audited[aid].sum(), run.audited[required].sum())


@_kpi
def fill_rate(run: RunTables) -> float:
    """Kilograms filled ÷ kilograms ordered."""
    return _ratio(run.ledger.filled_kg, run.ledger.ordered_kg)


@_kpi
def unsold_share(run: RunTables) -> float:
    """Unsold ÷ listed kilograms."""
    return _ratio(run.products["unsold_kg"].sum(), run.products["listed_kg"].sum())


@_kpi
def lost_kg(run: RunTables) -> float:
    return float(run.products["lost_kg"].sum())


@_kpi
def undelivered_kg(run: RunTables) -> float:
    """Sold, but still waiting for a truck when deliveries stopped after the horizon."""
    return float(run.products["undelivered_kg"].sum())


@_kpi
def on_time_rate(run: RunTables) -> float:
    """Kilograms delivered on their scheduled day ÷ kilograms shipped."""
    shipments = run.shipments
    shipped_kg = float(shipments["kg"].sum())
    on_time_kg = float(shipments.loc[~shipments["late"], "kg"].sum())
    return _ratio(on_time_kg, shipped_kg)


@_kpi
def cost_premium_yuan(run: RunTables) -> float:
    """Spend − the same goods at market price."""
    return float(run.sales["cost_premium_yuan"].sum())


@_kpi
def order_lines(run: RunTables) -> int:
    return run.ledger.order_lines


def _mean(values: pd.Series) -> float:
    return float(values.astype(float).mean()) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else math.nan
