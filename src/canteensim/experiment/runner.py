"""The one way replications are run, for `canteensim run -r` and `compare` alike.

The first run is done here and timed, to size the chunks; the rest go to the engine in chunks of
consecutive runs (of one setting or several), each about `RunOptions.chunk_seconds` of work, and
come back chunk by chunk as they finish. Neither the timing nor the chunks change a number (see
`canteensim.experiment.engines`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import Any, Generic, TypeVar

from canteensim.experiment.engines import Engine, RunOptions, chunk_size, open_engine, run_chunks
from canteensim.experiment.runs import RunKey, run_chunk
from canteensim.model.simulate import Results
from canteensim.scenario.schema import Scenario

Progress = Callable[[int, int], None]
"""Called with (runs done, runs planned) as runs finish."""
_T = TypeVar("_T")


class Runner(Generic[_T]):
    """Runs replications of the scenario of each setting on the engine `options` ask for.

    Parameters
    ----------
    scenarios:
        The scenario of each setting, by setting index (one, for `run -r`).
    keep:
        What of each run comes back: `canteensim.experiment.runs.outcome` or ``whole``.

    Use it as a context manager: the engine is opened when there is more than one run to do (so
    a single run starts no cluster) and shut down when the block ends.
    """

    def __init__(
        self,
        options: RunOptions,
        scenarios: Sequence[Scenario],
        keep: Callable[[int, Results], _T],
    ) -> None:
        self.options = options
        self.scenarios = scenarios
        self.keep = keep
        self.seconds_per_run: float | None = None
        """Seconds of the first run, timed here; it sizes every chunk of this runner."""
        self._engine: Engine | None = None
        self._resources = ExitStack()

    def __enter__(self) -> Runner[_T]:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._resources.close()

    def run(self, runs: Iterable[RunKey], done: Callable[[list[_T]], None]) -> None:
        """Do `runs`, handing `done` what is kept of each chunk as it finishes.

        When anything goes wrong here (Ctrl-C included), chunks not yet started are cancelled;
        the chunks handed to `done` before are all that was run.
        """
        waiting = list(runs)
        if not waiting:
            return
        if self.seconds_per_run is None:
            if len(waiting) > 1:
                self._open()  # before the first run, so that a wrong --dask address fails at once
            first = waiting.pop(0)
            clock = time.perf_counter()
            kept = run_chunk(self._scenarios_of([first]), [first], self.keep)
            self.seconds_per_run = time.perf_counter() - clock
            done(kept)
        size = chunk_size(self.seconds_per_run, self.options.chunk_seconds)
        chunks = [
            (self._scenarios_of(chunk), chunk, self.keep) for chunk in chunks_of(waiting, size)
        ]
        if chunks:
            run_chunks(self._open(), run_chunk, chunks, done)

    def _scenarios_of(self, runs: list[RunKey]) -> dict[int, Scenario]:
        """The scenarios a chunk's runs need, each sent once."""
        return {setting: self.scenarios[setting] for setting, _ in runs}

    def _open(self) -> Engine:
        if self._engine is None:
            self._engine = self._resources.enter_context(open_engine(self.options))
        return self._engine


def chunks_of(runs: Iterable[RunKey], size: int) -> list[list[RunKey]]:
    """Consecutive runs, at most `size` to a chunk."""
    chunks: list[list[RunKey]] = []
    for run in runs:
        if chunks and len(chunks[-1]) < size:
            chunks[-1].append(run)
        else:
            chunks.append([run])
    return chunks
