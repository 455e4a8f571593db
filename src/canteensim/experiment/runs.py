"""One unit of work sent to an engine: some replications of one setting, and what they give."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from canteensim.errors import CanteensimWarning
from canteensim.model.simulate import Results, simulate
from canteensim.scenario.schema import Scenario

MONTHLY_COLUMNS = ("month", "category", "sales_yuan", "quantity_kg", "partial")


@dataclass(frozen=True)
class RunOutcome:
    """The KPIs and monthly sales of one replication of one setting."""

    setting: int
    replication: int
    kpis: dict[str, float]
    monthly: list[dict[str, Any]]
    """One mapping per month × category, with `MONTHLY_COLUMNS`."""


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as plain mappings (how a run's monthly sales travel and are stored)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def quiet_simulate(scenario: Scenario, seed: int | None, replication: int) -> Results:
    """`simulate` without its warnings: a worker process cannot show them, so the caller
    warns once from the KPIs of all runs (`warn_undelivered`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CanteensimWarning)
        return simulate(scenario, seed=seed, replication=replication)


def run_chunk(scenario: Scenario, setting: int, replications: list[int]) -> list[RunOutcome]:
    """Run replications of one setting; sent whole to a worker so that it is worth the trip."""
    outcomes = []
    for replication in replications:
        results = quiet_simulate(scenario, None, replication)
        kpis = results.kpis.drop(columns="replication").iloc[0]
        monthly = results.monthly_sales.loc[:, list(MONTHLY_COLUMNS)]
        outcomes.append(
            RunOutcome(
                setting=setting,
                replication=replication,
                kpis={str(k): float(v) for k, v in kpis.items()},
                monthly=records(monthly),
            )
        )
    return outcomes


def simulate_chunk(scenario: Scenario, replications: list[int], seed: int) -> list[Results]:
    """Whole results (every table) of some replications, for `canteensim run -r`."""
    return [quiet_simulate(scenario, seed, r) for r in replications]
