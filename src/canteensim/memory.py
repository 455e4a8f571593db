"""How canteensim's processes ask the C allocator to keep the memory a run frees, for reuse.

Every simulated week allocates and frees arrays of a few megabytes: the week's order lines, its
targets, the sums of its deliveries. glibc's malloc serves an allocation above its mmap threshold
(128 KiB in a new process) with fresh pages from the kernel and gives them back on `free`, and it
gives back the top of its heap once more than the trim threshold is free there. glibc moves both
thresholds up by itself as big blocks are freed, yet not before a new process's first year, the
one a command runs, has paid: a province's year in a new process faulted 129,000–189,000 pages
in, with 0.30–0.46 s of kernel time, against 57,000–67,000 pages and 0.09–0.15 s with both
thresholds raised from the start (`benchmarks/allocator.py`, in `benchmarks/README.md`).

Only the program's processes call `keep_freed_memory`: the `canteensim` command, the workers of
its process pool and those of a Dask cluster it starts (``--dask local``). A Python program that
imports canteensim, and a Dask cluster the user runs, keep their allocators as they set them.
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameters (malloc.h)."""

KEPT_BYTES = 16 << 20
"""Blocks up to this size come from the heap, and up to this much free memory stays in it: more
than a province's largest array (a 981,747-row column, 7.9 MB) and its week's temporaries."""


def keep_freed_memory(kept_bytes: int = KEPT_BYTES) -> bool:
    """Raise glibc's mmap and trim thresholds to `kept_bytes`; whether it could (not on another
    C library, where the process keeps the allocator's defaults)."""
    if not _glibc():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # setting either fixes the thresholds: glibc no longer moves them as blocks are freed
    return bool(mallopt(M_MMAP_THRESHOLD, kept_bytes)) and bool(
        mallopt(M_TRIM_THRESHOLD, kept_bytes)
    )


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):  # not a POSIX system, or not this name
        return False
