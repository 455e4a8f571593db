"""The program's processes keep the memory a run frees for its next week: on glibc, an array
allocated again after being freed finds its pages already there, instead of faulting them in
from the kernel once more."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from canteensim import memory

ON_GLIBC = memory._glibc()
FEWEST_FRESH = 4 * (8 << 20) // (2 << 20)
"""The fewest page faults of 4 fresh 8 MB arrays, were the kernel to give them 2 MB pages."""


def _faults_reallocating() -> int:
    """Page faults of allocating an 8 MB array (a province's largest column) 4 times over,
    after one was allocated and freed, in the process that calls it."""

    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    np.ones(1 << 20).sum()
    before = faults()
    for _ in range(4):
        np.ones(1 << 20).sum()
    return faults() - before


def _in_a_new_process(start: Callable[[], object] | None = None) -> int:
    """`_faults_reallocating` in a newly started interpreter, after `start`: not a fork of this
    one, whose allocator glibc has long since tuned by itself."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=start) as pool:
        return pool.submit(_faults_reallocating).result()


@pytest.mark.skipif(not ON_GLIBC, reason="the thresholds are glibc's")
def test_a_freed_array_is_reused_without_page_faults():
    assert _in_a_new_process() >= FEWEST_FRESH  # glibc alone faults them in again
    assert _in_a_new_process(memory.keep_freed_memory) < FEWEST_FRESH


class _MallInfo(ctypes.Structure):
    """glibc's `struct mallinfo` (malloc.h)."""

    _fields_ = [
        (name, ctypes.c_int)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _kept_in_the_heap(size_bytes: int = 12 << 20) -> bool:
    """Whether an array of `size_bytes` (less than `KEPT_BYTES`) comes from the heap, where its
    memory stays when freed, rather than from a mapping of its own that `free` gives back.

    A witness of the thresholds that does not hang on what else the process does: a Dask worker's
    other threads allocate and free beside the task, so its page faults vary from run to run."""
    mallinfo = ctypes.CDLL(None).mallinfo
    mallinfo.restype = _MallInfo
    mappings = mallinfo().hblks
    array = np.empty(size_bytes, np.uint8)
    kept = mallinfo().hblks == mappings
    del array
    return kept


def _a_worker_keeps_it(engine: str) -> bool:
    """`_kept_in_the_heap` in a worker of `engine`, opened from the process that calls it."""
    from canteensim.experiment.engines import RunOptions, open_engine

    options = RunOptions(engine, workers=1, address="local" if engine == "dask" else None)
    with open_engine(options) as started:
        return started.executor.submit(_kept_in_the_heap).result()


@pytest.mark.skipif(not ON_GLIBC, reason="the thresholds are glibc's")
@pytest.mark.parametrize("engine", ["processes", pytest.param("dask", marks=pytest.mark.heavy)])
def test_workers_keep_the_memory_their_runs_free(engine):
    # the engine opened from a new interpreter: a worker forked from this one would inherit
    # thresholds glibc has long since raised by itself (a Dask cluster's workers are new ones,
    # whose thresholds Dask fixes at its own small values)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        assert pool.submit(_a_worker_keeps_it, engine).result()


@pytest.mark.parametrize("libc", ["musl 1.2.4", ""])
def test_another_c_library_keeps_its_defaults(monkeypatch, libc):
    monkeypatch.setattr(os, "confstr", lambda name: libc or None)
    assert memory.keep_freed_memory() is False


def test_a_system_without_the_name_keeps_its_defaults(monkeypatch):
    def unknown(name):
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(os, "confstr", unknown)
    assert memory.keep_freed_memory() is False
