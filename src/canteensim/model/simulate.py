"""One replication of a scenario: scenario → SimPy processes on arrays → tables and KPIs."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np

from canteensim.errors import CanteensimWarning
from canteensim.model import tables
from canteensim.model.calendar import Calendar
from canteensim.model.columns import Tables, with_replication
from canteensim.model.failures import audit_failures
from canteensim.model.kpis import kpis as run_kpis
from canteensim.model.population import build_population
from canteensim.model.processes import DRAIN_DAYS, run
from canteensim.model.scheme import Scheme
from canteensim.model.streams import population_rng, replication_streams
from canteensim.results import KPIS, RUN_TABLES, Kpi
from canteensim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

TABLES = RUN_TABLES
KpiRow = Mapping[str, float | int]
"""One replication's KPIs by name, its ``replication`` first."""


@dataclass(frozen=True)
class Results:
    """What one or more replications of a scenario produced.

    Attributes
    ----------
    tables:
        Tidy tables by name (`TABLES`), each with a ``replication`` column: read as pandas
        DataFrames, each made the first time it is read (`Tables`).
    kpi_rows:
        One mapping per replication: ``replication``, then the KPIs of SPEC §4 and
        ``order_lines``. `kpis` is the same as a DataFrame.
    scenario:
        The resolved scenario that produced them.
    seed:
        The scenario seed the replications derived their streams from (``scenario.seed``).
    """

    tables: Tables
    kpi_rows: tuple[KpiRow, ...]
    scenario: Scenario
    seed: int

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """One row per replication: ``replication``, the KPIs of SPEC §4 and ``order_lines``."""
        import pandas as pd

        return pd.DataFrame([dict(row) for row in self.kpi_rows])

    @property
    def monthly_sales(self) -> pd.DataFrame:
        return self.tables["monthly_sales"]

    @property
    def canteen_months(self) -> pd.DataFrame:
        return self.tables["canteen_months"]

    @property
    def weekly_products(self) -> pd.DataFrame:
        return self.tables["weekly_products"]

    @property
    def deliveries(self) -> pd.DataFrame:
        return self.tables["deliveries"]

    def kpi_means(self) -> dict[str, float]:
        """Each KPI's mean over the replications, a replication where it is NaN left out (NaN
        when it is NaN in every one), as `pandas.DataFrame.mean` gives it."""
        return {
            name: mean_of([row[name] for row in self.kpi_rows])
            for name in self.kpi_rows[0]
            if name != "replication"
        }

    def __repr__(self) -> str:
        """A few lines: the scenario, the replications, each table's size and the headline KPIs
        (their mean over replications), rather than every row of every table."""
        kpis = self.kpi_means()
        shown = ", ".join(
            f"{kpi.name}={_shown(kpi, kpis[kpi.name])}"
            for kpi in KPIS
            if kpi.headline and kpi.name in kpis
        )
        sizes = ", ".join(f"{name} ({self.tables.rows(name):,} rows)" for name in self.tables)
        return (
            f"<Results of {self.scenario.scenario.name!r}, {len(self.kpi_rows)} replication(s), "
            f"seed {self.seed}\n  tables: {sizes}\n  KPIs (mean): {shown}>"
        )

    @classmethod
    def concat(cls, parts: list[Results]) -> Results:
        """Stack the results of several replications of one scenario."""
        first = parts[0]
        return cls(
            tables=Tables.concat([p.tables for p in parts]),
            kpi_rows=tuple(row for p in parts for row in p.kpi_rows),
            scenario=first.scenario,
            seed=first.seed,
        )


def mean_of(values: Iterable[float | int]) -> float:
    """The mean of `values` leaving NaN out, NaN when nothing is left: summed as pandas sums a
    column, so that the mean is the number `pandas.Series.mean` gives."""
    numbers = np.asarray(list(values), dtype=float)
    kept = ~np.isnan(numbers)
    return float(np.where(kept, numbers, 0.0).sum() / kept.sum()) if kept.any() else math.nan


Detail = Literal["tables", "kpis"]
"""What `simulate` builds: every table of `TABLES`, or (``kpis``, for sweeps that keep only the
KPIs and monthly sales) the tables the KPIs read, without ``audit_failures``."""


def _shown(kpi: Kpi, value: float) -> str:
    return "n/a" if math.isnan(value) else kpi.format(value)


def simulate(scenario: Scenario, *, replication: int = 0, detail: Detail = "tables") -> Results:
    """Run one replication of `scenario`.

    Parameters
    ----------
    replication:
        Which replication: its random streams are derived from ``scenario.seed`` and this
        number, so the same (scenario, replication) gives the same numbers anywhere. Another
        seed is another scenario: ``load_scenario(path, overrides=["scenario.seed=N"])``.
    detail:
        ``"tables"``: every table; ``"kpis"``: only those the KPIs read (a sweep's replication,
        which keeps the KPIs and monthly sales). The KPIs are the same, bit for bit.
    """
    seed = scenario.scenario.seed
    calendar = Calendar.from_scenario(scenario)
    population = build_population(scenario, calendar, population_rng(seed))
    scheme = Scheme(scenario, calendar, population, replication_streams(seed, replication))
    run(scheme)
    ledger = scheme.ledger
    built = {
        "monthly_sales": tables.monthly_sales(ledger, population, scenario, calendar),
        "canteen_months": tables.canteen_months(ledger, population, scenario, calendar),
        "weekly_products": tables.weekly_products(ledger, population, scenario, calendar),
        "deliveries": tables.deliveries(ledger, population, calendar),
    }
    if detail == "tables":
        built["audit_failures"] = audit_failures(
            ledger, population, scenario, built["canteen_months"]
        )
    built = {name: built[name] for name in TABLES if name in built}
    kpis = run_kpis(ledger, built, scenario)
    results = Results(
        tables=Tables(with_replication(built, replication)),
        kpi_rows=({"replication": replication, **kpis},),
        scenario=scenario,
        seed=seed,
    )
    warn_undelivered([kpis["undelivered_kg"]])
    return results


def warn_undelivered(undelivered_kg: Iterable[float], of: str = "") -> None:
    """Warn when runs left sold goods undelivered at the end of the drain period.

    Parameters
    ----------
    undelivered_kg:
        Each run's ``undelivered_kg`` KPI (none for runs of versions without it).
    of:
        What the runs are, for the message (``" of setting vehicles=1"``).
    """
    undelivered = [float(kg) for kg in undelivered_kg]
    waiting = f"still waiting for a truck {DRAIN_DAYS} days after the scenario's end"
    short = sum(kg > 0 for kg in undelivered)
    if not short:
        return
    if len(undelivered) == 1:
        what = f"{undelivered[0]:,.0f} kg sold were {waiting}"
    else:
        what = (
            f"in {short} of {len(undelivered)} runs{of}, goods sold were "
            f"{waiting} ({mean_of(undelivered):,.0f} kg a run on average)"
        )
    warnings.warn(
        CanteensimWarning(
            f"{what}; they are reported as undelivered_kg, not as sales: the fleet "
            "(platform.vehicles × platform.vehicle_capacity_kg) cannot carry what canteens order"
        ),
        stacklevel=3,  # the caller of simulate, replicate or compare
    )
