"""Replications of one scenario with every table kept: what `canteensim run -r` does."""

from __future__ import annotations

from canteensim.experiment.engines import RunOptions
from canteensim.experiment.runner import Progress, Runner
from canteensim.experiment.runs import whole
from canteensim.model.simulate import Results, warn_undelivered
from canteensim.scenario.schema import Scenario


def replicate(
    scenario: Scenario,
    replications: int,
    *,
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run replications 0 … `replications`-1 and stack their tables in replication order.

    `options` say where the runs go (default: `RunOptions()`, local processes).
    """
    done: dict[int, Results] = {}

    def keep(chunk: list[Results]) -> None:
        for results in chunk:
            done[int(results.kpi_rows[0]["replication"])] = results
        if progress:
            progress(len(done), replications)

    with Runner(options or RunOptions(), [scenario], whole) as runner:
        runner.run([(0, r) for r in range(replications)], keep)
    results = Results.concat([done[r] for r in range(replications)])
    warn_undelivered(row["undelivered_kg"] for row in results.kpi_rows)
    return results
