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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from canteensim.experiment.engines import (
    Engine,
    EngineName,
    chunk_size,
    open_engine,
    run_chunks,
)
from canteensim.experiment.grid import Setting, grid
from canteensim.experiment.runs import MONTHLY_COLUMNS, RunOutcome, run_chunk
from canteensim.experiment.statistics import (
    comparison_table,
    monthly_table,
    relative_half_widths,
)
from canteensim.experiment.store import MONTHLY, RUNS, RunKey, RunStore
from canteensim.model.simulate import warn_undelivered
from canteensim.model.tables import KPI_NAMES
from canteensim.output import scenario_inputs, scenario_sha256
from canteensim.scenario.load import with_values
from canteensim.scenario.schema import Scenario
from canteensim.version import __version__

Progress = Callable[[int, int], None]
"""Called with (runs done, runs planned) as runs finish."""


@dataclass(frozen=True)
class Comparison:
    """The outcome of a comparison: every run, and the statistics over them."""

    settings: list[Setting]
    runs: pd.DataFrame
    """One row per setting × replication: the KPIs, the setting and the seed key."""
    monthly: pd.DataFrame
    """One row per setting × replication × month × category: sales."""
    table: pd.DataFrame
    """One row per setting × KPI: mean, interval, paired difference to the first setting."""
    monthly_table: pd.DataFrame
    """One row per setting × month: mean monthly sales and interval."""
    summary: dict[str, Any] = field(default_factory=dict)


def compare(
    scenario: Scenario,
    vary: Mapping[str, Sequence[Any]],
    replications: int = 10,
    *,
    seed: int | None = None,
    engine: EngineName = "processes",
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
    engine, workers, address:
        Where runs go: "serial", "processes" (local) or "dask" (`address` ``"local"`` or a
        scheduler address).
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
    if seed is not None:
        scenario = with_values(scenario, {"scenario.seed": seed}, source, option="--seed")
    settings = grid(vary)
    scenarios = [with_values(scenario, s.values, source) for s in settings]  # all valid first
    store = RunStore.open(
        folder,
        _fingerprint(scenario, settings),
        resume=resume,
        force=force,
        inputs=scenario_inputs(scenario, source),
    )
    planned = replications
    with open_engine(engine, workers, address) as runner_engine:
        runner = _Runner(runner_engine, scenarios, store, progress)
        runner.run_up_to(planned)
        if precision is not None:
            batch = max(2, replications // 2)
            settled = 0
            while planned < max_replications and settled < 2:
                precise = _precise_enough(store.outcomes, settings, scenarios, precision, planned)
                settled = settled + 1 if precise else 0
                if settled < 2:
                    planned = min(max_replications, planned + batch)
                    runner.run_up_to(planned)
    comparison = _comparison(store.outcomes, settings, scenarios, planned)
    for setting in settings:
        runs = comparison.runs[comparison.runs["setting"] == setting.index]
        warn_undelivered(runs, of=f" of {setting.label}")
    summary = {
        "scenario_name": scenario.scenario.name,
        "version": __version__,
        "command": list(command),
        "vary": {key: list(values) for key, values in vary.items()},
        "settings": [s.label for s in settings],
        "replications": planned,
        "precision": precision,
        "seed": scenario.scenario.seed,
        "scenario_sha256": scenario_sha256(scenario),
        "engine": engine,
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


class _Runner:
    """Sends the missing runs to the executor in chunks and stores them as they come back."""

    def __init__(
        self,
        engine: Engine,
        scenarios: list[Scenario],
        store: RunStore,
        progress: Progress | None,
    ) -> None:
        self.engine = engine
        self.scenarios = scenarios
        self.store = store
        self.progress = progress
        self.seconds_per_run: float | None = None

    def run_up_to(self, replications: int) -> None:
        missing = [
            (setting, replication)
            for setting in range(len(self.scenarios))
            for replication in range(replications)
            if (setting, replication) not in self.store.outcomes
        ]
        total = len(self.scenarios) * replications
        self._report(total)
        if not missing:
            return
        if self.seconds_per_run is None:  # time one run here to size the chunks
            clock = time.perf_counter()
            setting, replication = missing.pop(0)
            self._store(run_chunk(self.scenarios[setting], setting, [replication]), total)
            self.seconds_per_run = time.perf_counter() - clock
        chunks = [
            (self.scenarios[setting], setting, replications_)
            for setting, replications_ in _chunks(missing, chunk_size(self.seconds_per_run))
        ]
        run_chunks(self.engine, run_chunk, chunks, lambda done: self._store(done, total))

    def _store(self, outcomes: list[RunOutcome], total: int) -> None:
        self.store.add(outcomes)
        self._report(total)

    def _report(self, total: int) -> None:
        if self.progress is not None:
            self.progress(min(len(self.store.outcomes), total), total)


def _chunks(missing: Iterable[RunKey], size: int) -> list[tuple[int, list[int]]]:
    """Consecutive replications of one setting, at most `size` to a chunk."""
    chunks: list[tuple[int, list[int]]] = []
    for setting, replication in missing:
        if chunks and chunks[-1][0] == setting and len(chunks[-1][1]) < size:
            chunks[-1][1].append(replication)
        else:
            chunks.append((setting, [replication]))
    return chunks


def _precise_enough(
    outcomes: Mapping[RunKey, RunOutcome],
    settings: list[Setting],
    scenarios: list[Scenario],
    precision: float,
    planned: int,
) -> bool:
    table = _comparison(outcomes, settings, scenarios, planned).table
    widths = relative_half_widths(table).dropna()
    return bool(len(widths)) and bool((widths <= precision).all())


def _comparison(
    outcomes: Mapping[RunKey, RunOutcome],
    settings: list[Setting],
    scenarios: list[Scenario],
    planned: int,
) -> Comparison:
    kept = sorted(key for key in outcomes if key[1] < planned)
    runs = pd.DataFrame(
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
        table=comparison_table(runs[["setting", "replication", *kpis]], kpis, labels),
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
