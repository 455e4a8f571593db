"""How many cores this process may use: those it is pinned to (taskset, a SLURM or container
CPU set), not all the machine has."""

from __future__ import annotations

import os


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux: every core the machine has
        return os.cpu_count() or 1
