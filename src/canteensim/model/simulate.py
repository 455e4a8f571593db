"""One replication of a scenario: scenario → SimPy processes on arrays → tables and KPIs."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from canteensim.errors import CanteensimWarning
from canteensim.model import tables
from canteensim.model.calendar import Calendar
from canteensim.model.failures import audit_failures
from canteensim.model.kpis import kpis as run_kpis
from canteensim.model.population import build_population
from canteensim.model.processes import DRAIN_DAYS, run
from canteensim.model.scheme import Scheme
from canteensim.model.streams import population_rng, replication_streams
from canteensim.results import KPIS, RUN_TABLES, Kpi
from canteensim.scenario.schema import Scenario

TABLES = RUN_TABLES


@dataclass(frozen=True)
class Results:
    """What one or more replications of a scenario produced.

    Attributes
    ----------
    tables:
        Tidy DataFrames by name (`TABLES`), each with a ``replication`` column.
    kpis:
        One row per replication: the KPIs of SPEC §4 plus ``order_lines``.
    scenario:
        The resolved scenario that produced them.
    seed:
        The scenario seed the replications derived their streams from (``scenario.seed``).
    """

    tables: dict[str, pd.DataFrame]
    kpis: pd.DataFrame
    scenario: Scenario
    seed: int

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

    def __repr__(self) -> str:
        """A few lines: the scenario, the replications, each table's size and the headline KPIs
        (their mean over replications), rather than every row of every table."""
        kpis = self.kpis.drop(columns="replication").mean()
        shown = ", ".join(
            f"{kpi.name}={_shown(kpi, float(kpis[kpi.name]))}"
            for kpi in KPIS
            if kpi.headline and kpi.name in kpis
        )
        sizes = ", ".join(f"{name} ({len(frame):,} rows)" for name, frame in self.tables.items())
        return (
            f"<Results of {self.scenario.scenario.name!r}, {len(self.kpis)} replication(s), "
            f"seed {self.seed}\n  tables: {sizes}\n  KPIs (mean): {shown}>"
        )

    @classmethod
    def concat(cls, parts: list[Results]) -> Results:
        """Stack the results of several replications of one scenario."""
        first = parts[0]
        return cls(
            tables={
                name: pd.concat([p.tables[name] for p in parts], ignore_index=True)
                for name in TABLES
            },
            kpis=pd.concat([p.kpis for p in parts], ignore_index=True),
            scenario=first.scenario,
            seed=first.seed,
        )


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
    frames = {
        "monthly_sales": tables.monthly_sales(ledger, population, scenario, calendar),
        "canteen_months": tables.canteen_months(ledger, population, scenario, calendar),
        "weekly_products": tables.weekly_products(ledger, population, scenario, calendar),
        "deliveries": tables.deliveries(ledger, population, calendar),
    }
    if detail == "tables":
        frames["audit_failures"] = audit_failures(
            ledger, population, scenario, frames["canteen_months"]
        )
    frames = {name: frames[name] for name in TABLES if name in frames}
    kpis = run_kpis(ledger, frames, scenario)
    for frame in frames.values():
        frame.insert(0, "replication", replication)
    results = Results(
        tables=frames,
        kpis=pd.DataFrame([{"replication": replication, **kpis}]),
        scenario=scenario,
        seed=seed,
    )
    warn_undelivered(results.kpis)
    return results


def warn_undelivered(kpis: pd.DataFrame, of: str = "") -> None:
    """Warn when runs left sold goods undelivered at the end of the drain period.

    Parameters
    ----------
    kpis:
        One row per run, with an ``undelivered_kg`` column.
    of:
        What the runs are, for the message (``" of setting vehicles=1"``).
    """
    undelivered = kpis.get("undelivered_kg", pd.Series(dtype=float))  # runs of older versions
    if not (undelivered > 0).any():
        return
    waiting = f"still waiting for a truck {DRAIN_DAYS} days after the scenario's end"
    if len(kpis) == 1:
        what = f"{undelivered.iloc[0]:,.0f} kg sold were {waiting}"
    else:
        what = (
            f"in {int((undelivered > 0).sum())} of {len(kpis)} runs{of}, goods sold were "
            f"{waiting} ({undelivered.mean():,.0f} kg a run on average)"
        )
    warnings.warn(
        CanteensimWarning(
            f"{what}; they are reported as undelivered_kg, not as sales: the fleet "
            "(platform.vehicles × platform.vehicle_capacity_kg) cannot carry what canteens order"
        ),
        stacklevel=3,  # the caller of simulate, replicate or compare
    )
