"""Where replications run: serially, in local processes, or on a Dask cluster.

Every engine is a `concurrent.futures.Executor`, so the code that sends work is the same for all
three; Dask's comes from `Client.get_executor()`. Results do not depend on the engine: each
replication derives its streams from the seed and its own number.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal, ParamSpec, TypeVar

from canteensim.errors import CanteensimError

EngineName = Literal["serial", "processes", "dask"]
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


@contextmanager
def open_engine(
    engine: EngineName = "processes", workers: int | None = None, address: str | None = None
) -> Iterator[Executor]:
    """An executor for `engine`; it is shut down when the block ends.

    Parameters
    ----------
    workers:
        Processes (local) or workers (a Dask cluster started here); default: one per core.
    address:
        For "dask": ``"local"`` starts a LocalCluster on this machine, anything else is the
        scheduler address of a running cluster (``tcp://host:8786``).
    """
    count = workers or os.cpu_count() or 1
    if engine == "serial":
        yield SerialExecutor()
    elif engine == "processes":
        with ProcessPoolExecutor(max_workers=count) as pool:
            yield pool
    elif engine == "dask":
        with _dask_client(address or "local", count) as client:
            yield client.get_executor()
    else:
        raise CanteensimError(f"engine={engine!r} is not one of serial, processes, dask")


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
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise CanteensimError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    with client:
        yield client
