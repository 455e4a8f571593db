"""The KPIs of a run: one function each, named after the KPI of `canteensim.results.KPIS`.

A KPI reads the run's tidy tables (and the ledger's order totals), never the simulation state,
so that what a table shows and what its KPI says cannot disagree. A KPI with nothing to measure
is NaN. A KPI reads the tables' columns as numpy arrays (`canteensim.model.columns`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from canteensim.model.columns import Table
from canteensim.model.ledger import Ledger
from canteensim.model.quota import BASIS_COLUMNS, BasisColumns
from canteensim.results import KPIS
from canteensim.scenario.schema import Scenario


@dataclass(frozen=True)
class RunTables:
    """What the KPIs of one replication are computed from: its tables by name."""

    ledger: Ledger
    tables: Mapping[str, Table]
    scenario: Scenario

    def sales(self, name: str) -> np.ndarray:
        """A column of ``monthly_sales``."""
        return self.tables["monthly_sales"].column(name)

    def products(self, name: str) -> np.ndarray:
        """A column of ``weekly_products``."""
        return self.tables["weekly_products"].column(name)

    def shipments(self, name: str) -> np.ndarray:
        """A column of ``deliveries``."""
        return self.tables["deliveries"].column(name)

    @cached_property
    def audited(self) -> dict[str, np.ndarray]:
        """The audits of whole periods: a partial first or last period is audited and shown in
        ``canteen_months`` but is not a period the quota's KPIs judge."""
        audits = self.tables["canteen_months"]
        judged = ["compliant", self.basis.aid, self.basis.required]  # what the KPIs read of them
        if not len(audits):
            return {name: np.empty(0) for name in judged}
        whole = judged_audits(audits)
        return {name: audits.column(name)[whole] for name in judged}

    @property
    def basis(self) -> BasisColumns:
        """The columns of aid and required aid on the quota's basis (kg or yuan)."""
        return BASIS_COLUMNS[self.scenario.quota.basis]


def judged_audits(canteen_months: Table) -> np.ndarray:
    """The rows of ``canteen_months`` the quota's KPIs judge: audited, of whole periods."""
    whole = ~canteen_months.column("partial").astype(bool)
    judged: np.ndarray = canteen_months.column("audited") & whole
    return judged


KpiFunction = Callable[[RunTables], float | int]
KPI_FUNCTIONS: dict[str, KpiFunction] = {}
"""KPI name → the function that computes it."""


def _kpi(function: KpiFunction) -> KpiFunction:
    KPI_FUNCTIONS[function.__name__] = function
    return function


def kpis(ledger: Ledger, tables: Mapping[str, Table], scenario: Scenario) -> dict[str, float | int]:
    """Every KPI of one replication, in the order of `KPIS`."""
    run = RunTables(ledger, tables, scenario)
    return {kpi.name: KPI_FUNCTIONS[kpi.name](run) for kpi in KPIS}


@_kpi
def monthly_sales_yuan_mean(run: RunTables) -> float:
    """Mean sales of the full calendar months (of the months with sales, when none is full),
    each month's sales summed exactly (`math.fsum`): the same in any order of its rows."""
    months = run.sales("month").tolist()  # rows sorted by month
    starts = [row for row, month in enumerate(months) if row == 0 or month != months[row - 1]]
    by_month = np.array(
        [math.fsum(sales) for sales in np.split(run.sales("sales_yuan"), starts[1:])]
        if starts
        else []
    )
    full = by_month[~run.sales("partial")[starts].astype(bool)]
    return _mean(full if len(full) else by_month[by_month > 0])


@_kpi
def total_sales_yuan(run: RunTables) -> float:
    return _sum(run.sales("sales_yuan"))


@_kpi
def farmer_income_yuan(run: RunTables) -> float:
    return _sum(run.sales("farmer_income_yuan"))


@_kpi
def compliance_rate(run: RunTables) -> float:
    """Share of the bound canteens' audits of whole periods that met the quota."""
    return _mean(run.audited["compliant"])


@_kpi
def quota_fulfilment(run: RunTables) -> float:
    """Aid received ÷ aid required, over the bound canteens' audits of whole periods."""
    aid, required = run.basis.aid, run.basis.required
    return _ratio(_sum(run.audited[aid]), _sum(run.audited[required]))


@_kpi
def fill_rate(run: RunTables) -> float:
    """Kilograms filled ÷ kilograms ordered."""
    return _ratio(run.ledger.filled_kg, run.ledger.ordered_kg)


@_kpi
def unsold_share(run: RunTables) -> float:
    """Unsold ÷ listed kilograms."""
    return _ratio(_sum(run.products("unsold_kg")), _sum(run.products("listed_kg")))


@_kpi
def lost_kg(run: RunTables) -> float:
    return _sum(run.products("lost_kg"))


@_kpi
def undelivered_kg(run: RunTables) -> float:
    """Sold, but still waiting for a truck when deliveries stopped after the horizon."""
    return _sum(run.products("undelivered_kg"))


@_kpi
def on_time_rate(run: RunTables) -> float:
    """Kilograms delivered on their scheduled day ÷ kilograms shipped."""
    kg = run.shipments("kg")
    return _ratio(_sum(kg[~run.shipments("late")]), _sum(kg))


@_kpi
def cost_premium_yuan(run: RunTables) -> float:
    """Spend − the same goods at market price."""
    return _sum(run.sales("cost_premium_yuan"))


@_kpi
def order_lines(run: RunTables) -> int:
    return run.ledger.order_lines


def _sum(values: np.ndarray) -> float:
    """The sum, a missing value counting 0."""
    return float(np.nansum(values))


def _mean(values: np.ndarray) -> float:
    return float(np.asarray(values, dtype=float).mean()) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else math.nan
