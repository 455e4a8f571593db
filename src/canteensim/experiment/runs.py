"""One unit of work sent to an engine: some replications of one setting, and what they give."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from canteensim.errors import CanteensimWarning
from canteensim.model.simulate import Detail, Results, simulate
from canteensim.results import KPIS
from canteensim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

MONTHLY_COLUMNS = ("month", "category", "sales_yuan", "quantity_kg", "partial")
RunKey = tuple[int, int]
"""A run: (setting, replication)."""
_T = TypeVar("_T")


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


def quiet_simulate(scenario: Scenario, replication: int, detail: Detail = "tables") -> Results:
    """`simulate` without its warnings: a worker process cannot show them, so the caller
    warns once from the KPIs of all runs (`warn_undelivered`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CanteensimWarning)
        return simulate(scenario, replication=replication, detail=detail)


def run_chunk(
    scenarios: Mapping[int, Scenario],
    runs: list[RunKey],
    keep: Callable[[int, Results], _T],
) -> list[_T]:
    """Run some (setting, replication) runs; sent whole to a worker so that it is worth the trip.

    `scenarios` holds the scenario of each setting the runs name (a chunk may span settings: a
    sensitivity analysis runs one replication of each of thousands). `keep` says what of each
    run travels back (`outcome` or `whole`); it is a module-level function, so that it pickles
    by name. A run builds only what `keep` needs (`DETAIL`).
    """
    detail = DETAIL.get(keep, "tables")
    return [
        keep(setting, quiet_simulate(scenarios[setting], replication, detail))
        for setting, replication in runs
    ]


def outcome(setting: int, results: Results) -> RunOutcome:
    """The KPIs and monthly sales of one run: what a comparison keeps of it."""
    (kpis,) = results.kpi_rows
    monthly = results.tables.table("monthly_sales").select(MONTHLY_COLUMNS)
    return RunOutcome(
        setting=setting,
        replication=int(kpis["replication"]),
        kpis={name: float(value) for name, value in kpis.items() if name != "replication"},
        monthly=monthly.records(),  # month and category as text, as `records` gives them
    )


def counts_as_integers(runs: pd.DataFrame) -> pd.DataFrame:
    """`runs` with its count KPIs (``order_lines``) as integers, as a run's own KPIs are: an
    outcome carries every KPI as a float, so that one can be NaN (a count never is)."""
    counts = [k.name for k in KPIS if k.unit == "count" and k.name in runs.columns]
    return runs.astype({name: "int64" for name in counts if runs[name].notna().all()})


def whole(setting: int, results: Results) -> Results:
    """Every table of one run: what `canteensim run -r` keeps of it."""
    return results


DETAIL: dict[Callable[[int, Results], Any], Detail] = {outcome: "kpis", whole: "tables"}
"""What `simulate` builds for each way of keeping a run: a comparison's outcome needs only the
KPIs and monthly sales, so its replications skip the tables nothing reads."""
