"""Where replications run: serially, in local processes, or on a Dask cluster.

Every engine is a `concurrent.futures.Executor`, so the code that sends work is the same for all
three; Dask's comes from `Client.get_executor()`. Results do not depend on the engine: each
replication derives its streams from the seed and its own number.
"""

from __future__ import annotations

import itertools
import math
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, ParamSpec, TypeVar, get_args

from canteensim.cores import usable_cores
from canteensim.errors import CanteensimError
from canteensim.memory import keep_freed_memory

EngineName = Literal["serial", "processes", "dask"]
DEFAULT_ENGINE: EngineName = "processes"
CHUNK_SECONDS = 0.2
"""Work sent to a worker at once: long enough that sending it costs little."""
_P = ParamSpec("_P")
_T = TypeVar("_T")


class SerialExecutor(Executor):
    """Runs each task at once, in this process: for debugging and for one core."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future, as executors do
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class RunOptions:
    """Where runs go and how they are grouped: the engine options of `run -r` and `compare`.

    None of them changes a number: each replication derives its streams from the scenario seed
    and its own number, whichever worker runs it and whatever runs share its chunk.

    Attributes
    ----------
    engine:
        "serial" (this process), "processes" (local processes) or "dask".
    workers:
        Local processes, or the workers of a Dask cluster started here; default: one per core.
    address:
        For "dask": ``"local"`` (the default) starts a LocalCluster on this machine, anything
        else is the scheduler address of a running cluster (``tcp://host:8786``).
    chunk_seconds:
        About how long a chunk of runs sent to a worker should take, in seconds; default
        `CHUNK_SECONDS`.
    """

    engine: EngineName = DEFAULT_ENGINE
    workers: int | None = None
    address: str | None = None
    chunk_seconds: float | None = None

    def __post_init__(self) -> None:
        if self.engine not in get_args(EngineName):
            raise CanteensimError(f"engine={self.engine!r} is not one of serial, processes, dask")
        if self.workers is not None and self.workers < 1:
            raise CanteensimError(f"workers={self.workers} must be at least 1 (or None: per core)")
        if self.address is not None and self.engine != "dask":
            raise CanteensimError(f"address={self.address!r} is for engine='dask' only")
        if self.chunk_seconds is not None and not self.chunk_seconds > 0:
            raise CanteensimError(f"chunk_seconds={self.chunk_seconds} must be above 0")

    @classmethod
    def given(
        cls,
        options: RunOptions | None,
        engine: EngineName | None = None,
        workers: int | None = None,
        address: str | None = None,
    ) -> RunOptions:
        """`options`, or the options the keywords ``engine=``, ``workers=``, ``address=`` give."""
        if options is None:
            return cls(engine or DEFAULT_ENGINE, workers, address)
        if (engine, workers, address) != (None, None, None):
            raise CanteensimError(
                f"options={options} and engine={engine!r}, workers={workers!r}, "
                f"address={address!r}: give the engine options one way, not both"
            )
        return options


def chunk_size(seconds_per_run: float, chunk_seconds: float | None = None) -> int:
    """Runs per chunk, so that a chunk takes about `chunk_seconds` (default `CHUNK_SECONDS`)."""
    target = CHUNK_SECONDS if chunk_seconds is None else chunk_seconds
    return max(1, math.ceil(target / max(seconds_per_run, 1e-6)))


@dataclass(frozen=True)
class Engine:
    """An executor, and how many chunks it can usefully hold at once."""

    executor: Executor
    slots: int
    """Chunks kept in flight: a couple per worker keeps every worker busy, and no more, so
    finished runs are stored as they come and an interruption cancels little."""


def run_chunks(
    engine: Engine,
    task: Callable[..., _T],
    chunks: Sequence[tuple[Any, ...]],
    done: Callable[[_T], None],
) -> None:
    """Run ``task(*chunk)`` for every chunk and hand each result to `done` as it finishes.

    When anything goes wrong here (Ctrl-C included), chunks not yet started are cancelled.
    """
    waiting = iter(chunks)
    running: set[Future[_T]] = set()
    try:
        while True:
            for chunk in itertools.islice(waiting, engine.slots - len(running)):
                running.add(engine.executor.submit(task, *chunk))
            if not running:
                return
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done(future.result())
    finally:
        for future in running:
            future.cancel()


def _start_worker() -> None:
    """A worker process leaves Ctrl-C to the main process, which stops the pool in order, and
    keeps the memory its runs free for the next (`keep_freed_memory`), as the program does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keep_freed_memory()


@contextmanager
def open_engine(options: RunOptions) -> Iterator[Engine]:
    """An executor for `options.engine`; it is shut down when the block ends."""
    count = options.workers or usable_cores()  # the cores of its CPU set (SLURM, taskset)
    if options.engine == "serial":
        yield Engine(SerialExecutor(), slots=1)
    elif options.engine == "processes":
        pool = ProcessPoolExecutor(max_workers=count, initializer=_start_worker)
        try:
            yield Engine(pool, slots=2 * count)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        with _dask_client(options.address or "local", count) as client:
            threads = sum(client.nthreads().values()) or count
            yield Engine(client.get_executor(), slots=2 * threads)


@contextmanager
def _dask_client(address: str, workers: int) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CanteensimError(
            "--dask needs Dask's distributed scheduler: pip install 'canteensim[dask]'"
        ) from None
    if address == "local":
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never clash with a running cluster
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(keep_freed_memory)  # its workers are ours, as a process pool's are
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise CanteensimError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    with client:
        yield client
