"""The program's processes keep the memory a run frees for its next week: on glibc, an array
allocated again after being freed finds its pages already there, instead of faulting them in
from the kernel once more."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from canteensim import memory

ON_GLIBC = memory._glibc()

REUSE = r"""
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from canteensim.memory import keep_freed_memory
    assert keep_freed_memory()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
np.ones(1 << 20).sum()  # 8 MB, the size of a province's largest column
before = faults()
for _ in range(4):
    np.ones(1 << 20).sum()
print(faults() - before)
"""


def _faults_reallocating(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", REUSE, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(not ON_GLIBC, reason="the thresholds are glibc's")
def test_a_freed_array_is_reused_without_page_faults():
    huge_pages = 4 * (8 << 20) // (2 << 20)  # the fewest faults of 4 fresh 8 MB arrays
    assert _faults_reallocating("default") >= huge_pages  # glibc alone faults them in again
    assert _faults_reallocating("keep") < huge_pages


@pytest.mark.parametrize("libc", ["musl 1.2.4", ""])
def test_another_c_library_keeps_its_defaults(monkeypatch, libc):
    monkeypatch.setattr(os, "confstr", lambda name: libc or None)
    assert memory.keep_freed_memory() is False


def test_a_system_without_the_name_keeps_its_defaults(monkeypatch):
    def unknown(name):
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(os, "confstr", unknown)
    assert memory.keep_freed_memory() is False


def _faults_reallocating_here() -> int:
    """`REUSE`'s count, in the process that calls it: a worker's."""
    import resource

    import numpy as np

    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    np.ones(1 << 20).sum()
    before = faults()
    for _ in range(4):
        np.ones(1 << 20).sum()
    return faults() - before


@pytest.mark.skipif(not ON_GLIBC, reason="the thresholds are glibc's")
@pytest.mark.parametrize("engine", ["processes", pytest.param("dask", marks=pytest.mark.heavy)])
def test_workers_keep_the_memory_their_runs_free(engine):
    from canteensim.experiment.engines import RunOptions, open_engine

    options = RunOptions(engine, workers=1, address="local" if engine == "dask" else None)
    with open_engine(options) as started:
        faults = started.executor.submit(_faults_reallocating_here).result()
    assert faults < 4 * (8 << 20) // (2 << 20)
