"""Comparing settings over replications with common random numbers.

Replication r of every setting derives its random streams from the scenario seed and r alone,
so all settings see the same supply, attendance, order times and choices; the difference
between two settings is then the effect of the setting, not of luck, and its paired interval is
much narrower than the intervals of the two means.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from canteensim.experiment.engines import EngineName, RunOptions
from canteensim.experiment.grid import Setting, baselines, grid
from canteensim.experiment.precision import precise_enough, until_precise
from canteensim.experiment.runner import Progress, Runner
from canteensim.experiment.runs import (
    MONTHLY_COLUMNS,
    RunKey,
    RunOutcome,
    counts_as_integers,
    outcome,
)
from canteensim.experiment.statistics import comparison_table, monthly_table
from canteensim.experiment.store import RunStore
from canteensim.model.simulate import warn_undelivered
from canteensim.output import scenario_inputs, scenario_sha256
from canteensim.results import FORMAT_VERSION, KPI_NAMES, KPIS, MONTHLY, RUNS
from canteensim.scenario.load import with_values
from canteensim.scenario.schema import Scenario
from canteensim.version import __version__

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Comparison:
    """The outcome of a comparison: every run, and the statistics over them."""

    settings: list[Setting]
    runs: pd.DataFrame
    """One row per setting × replication: the KPIs, the setting and the seed key."""
    monthly: pd.DataFrame
    """One row per setting × replication × month × category: sales."""
    table: pd.DataFrame
    """One row per setting × KPI: mean, interval, paired difference to its ``baseline``."""
    monthly_table: pd.DataFrame
    """One row per setting × month: mean monthly sales and interval."""
    summary: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line per setting with its headline KPIs' means, not every run's row."""
        import pandas as pd

        replications = (
            self.runs.groupby("setting", sort=False).size().max() if len(self.runs) else 0
        )
        lines = [f"<Comparison of {len(self.settings)} settings, {replications} replications each"]
        means = self.table.pivot_table(index="setting", columns="kpi", values="mean", sort=False)
        for setting, row in means.iterrows():
            shown = ", ".join(
                f"{kpi.name}={'n/a' if pd.isna(row[kpi.name]) else kpi.format(row[kpi.name])}"
                for kpi in KPIS
                if kpi.headline and kpi.name in row
            )
            lines.append(f"  {setting}: {shown}")
        return "\n".join(lines) + ">"


def compare(
    scenario: Scenario,
    vary: Mapping[str, Sequence[Any]],
    replications: int = 10,
    *,
    baseline: Any = "first",
    seed: int | None = None,
    options: RunOptions | None = None,
    engine: EngineName | None = None,
    workers: int | None = None,
    address: str | None = None,
    folder: Path | None = None,
    resume: bool = False,
    force: bool = False,
    precision: float | None = None,
    max_replications: int = 200,
    progress: Progress | None = None,
    source: Path = Path("scenario"),
    command: Sequence[str] = (),
) -> Comparison:
    """Run every setting of the `vary` grid `replications` times and compare them.

    Parameters
    ----------
    vary:
        Dotted scenario keys and the values each takes; the grid is their full factorial and its
        first setting (every key at its first value) is the baseline of the paired differences.
    baseline:
        What each setting's paired difference is against: ``"first"`` (the first setting),
        ``"previous"`` (the setting before it in grid order; the first has no difference), or a
        value of the one varied key (that setting). The table's ``baseline`` column says which.
    seed:
        Replaces ``scenario.seed`` (a new `Scenario`, made before anything else).
    options:
        Where runs go and in what chunks (`RunOptions`); ``engine=``, ``workers=`` and
        ``address=`` are a shorthand for ``options=RunOptions(engine, workers, address)``.
    folder:
        Where runs are stored as they finish and the final tables written; `resume` continues a
        comparison stored there, recomputing only the missing runs; `force` starts it again,
        replacing the folder only if canteensim wrote it and it holds none of the scenario's
        files (`canteensim.output.check_replaceable`).
    precision:
        When given, replications are added in batches until every KPI's 95 % half-width is at
        most this share of its mean in every setting, and stays so for one more batch, or
        `max_replications` is reached (Hoad, Robinson and Davies' replications method).
    source:
        The scenario's file, named in error messages.
    command:
        The command line that asked for the comparison, recorded in its summary.
    """
    started = time.perf_counter()
    options = RunOptions.given(options, engine, workers, address)
    if seed is not None:
        scenario = with_values(scenario, {"scenario.seed": seed}, source, option="--seed")
    settings = grid(vary)
    against = baselines(settings, baseline)  # a bad baseline is said before any run
    scenarios = [with_values(scenario, s.values, source) for s in settings]  # all valid first
    store = RunStore.open(
        folder,
        _fingerprint(scenario, settings),
        resume=resume,
        force=force,
        inputs=scenario_inputs(scenario, source),
    )
    with Runner(options, scenarios, outcome) as runner:
        batches = _Batches(runner, store, len(settings), progress)
        if precision is None:
            planned = replications
            batches.run_up_to(planned)
        else:

            def precise(count: int) -> bool:
                table = _comparison(store.outcomes, settings, scenarios, count, against).table
                return precise_enough(table, precision)

            planned = until_precise(batches.run_up_to, precise, replications, max_replications)
    comparison = _comparison(store.outcomes, settings, scenarios, planned, against)
    for setting in settings:
        runs = comparison.runs[comparison.runs["setting"] == setting.index]
        warn_undelivered(runs.get("undelivered_kg", []), of=f" of {setting.label}")
    summary = {
        "kind": "comparison",
        "format_version": FORMAT_VERSION,
        "scenario_name": scenario.scenario.name,
        "version": __version__,
        "command": list(command),
        "vary": {key: list(values) for key, values in vary.items()},
        "settings": [s.label for s in settings],
        "baseline": baseline if isinstance(baseline, str) else json.dumps(baseline, default=str),
        "replications": planned,
        "precision": precision,
        "seed": scenario.scenario.seed,
        "scenario_sha256": scenario_sha256(scenario),
        "engine": options.engine,
        "run_seconds": round(time.perf_counter() - started, 3),
        "scenario": scenario.model_dump(mode="json"),
    }
    store.finish(
        {
            RUNS: comparison.runs,
            MONTHLY: comparison.monthly,
            "comparison.csv": comparison.table,
            "monthly_comparison.csv": comparison.monthly_table,
        },
        summary,
    )
    return Comparison(**{**vars(comparison), "summary": summary})


class _Batches:
    """Runs a comparison's missing runs up to a number of replications, reporting progress."""

    def __init__(
        self, runner: Runner[RunOutcome], store: RunStore, settings: int, progress: Progress | None
    ) -> None:
        self.runner = runner
        self.store = store
        self.settings = settings
        self.progress = progress
        self.planned = 0

    def run_up_to(self, replications: int) -> None:
        """Run replications 0 … `replications`-1 of every setting that are not stored yet."""
        self.planned = self.settings * replications
        self._report()
        keys = [(s, r) for s in range(self.settings) for r in range(replications)]
        self.runner.run([key for key in keys if key not in self.store.outcomes], self._store)

    def _store(self, outcomes: list[RunOutcome]) -> None:
        self.store.add(outcomes)
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(min(len(self.store.outcomes), self.planned), self.planned)


def _comparison(
    outcomes: Mapping[RunKey, RunOutcome],
    settings: list[Setting],
    scenarios: list[Scenario],
    planned: int,
    against: Mapping[int, int | None],
) -> Comparison:
    import pandas as pd

    kept = sorted(key for key in outcomes if key[1] < planned)
    runs = counts_as_integers(
        pd.DataFrame(
            [
                {
                    "setting": setting,
                    "label": settings[setting].label,
                    **{k: _column_value(v) for k, v in settings[setting].values.items()},
                    "replication": replication,
                    "seed": scenarios[setting].scenario.seed,
                    **outcomes[(setting, replication)].kpis,
                }
                for setting, replication in kept
            ]
        )
    )
    monthly = pd.DataFrame(
        [
            {"setting": setting, "replication": replication, **row}
            for setting, replication in kept
            for row in outcomes[(setting, replication)].monthly
        ],
        columns=["setting", "replication", *MONTHLY_COLUMNS],
    )
    labels = {s.index: s.label for s in settings}
    kpis = [k for k in KPI_NAMES if k in runs.columns]
    return Comparison(
        settings=settings,
        runs=runs,
        monthly=monthly,
        table=comparison_table(runs[["setting", "replication", *kpis]], kpis, labels, against),
        monthly_table=monthly_table(monthly, labels),
    )


def _column_value(value: Any) -> Any:
    """Varied values as table cells: numbers and text as they are, anything else as JSON."""
    return value if isinstance(value, (int, float, str, bool)) else json.dumps(value, default=str)


def _fingerprint(scenario: Scenario, settings: list[Setting]) -> str:
    """What makes two comparisons the same, so a resume never mixes runs of different ones."""
    text = json.dumps(
        {"scenario": scenario_sha256(scenario), "settings": [s.values for s in settings]},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
