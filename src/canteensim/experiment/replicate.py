"""Replications of one scenario with every table kept: what `canteensim run -r` does."""

from __future__ import annotations

import time
from collections.abc import Callable

from canteensim.experiment.engines import EngineName, chunk_size, open_engine, run_chunks
from canteensim.experiment.runs import quiet_simulate, simulate_chunk
from canteensim.model.simulate import Results, warn_undelivered
from canteensim.scenario.schema import Scenario


def replicate(
    scenario: Scenario,
    replications: int,
    *,
    seed: int | None = None,
    engine: EngineName = "processes",
    workers: int | None = None,
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Results:
    """Run replications 0 … `replications`-1 and stack their tables in replication order."""
    seed = scenario.scenario.seed if seed is None else seed
    clock = time.perf_counter()
    done = {0: quiet_simulate(scenario, seed, 0)}  # here, timed to size the chunks
    size = chunk_size(time.perf_counter() - clock)

    def keep(chunk: list[Results]) -> None:
        for results in chunk:
            done[int(results.kpis["replication"].iloc[0])] = results
        if progress:
            progress(len(done), replications)

    rest = list(range(1, replications))
    if rest:
        chunks = [(scenario, rest[i : i + size], seed) for i in range(0, len(rest), size)]
        with open_engine(engine, workers, address) as runner_engine:
            run_chunks(runner_engine, simulate_chunk, chunks, keep)
    results = Results.concat([done[r] for r in range(replications)])
    warn_undelivered(results.kpis)
    return results
