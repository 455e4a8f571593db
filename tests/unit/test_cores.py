"""The cores a process may use are those of its CPU set, not all the machine has: a SLURM job,
a container or ``taskset`` pinned to one core writes with one thread and runs one worker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from canteensim.cores import usable_cores


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU sets are Linux's")
def test_a_process_pinned_to_one_core_may_use_one():
    one = min(os.sched_getaffinity(0))
    printed = subprocess.run(
        [sys.executable, "-c", "from canteensim.cores import usable_cores; print(usable_cores())"],
        preexec_fn=lambda: os.sched_setaffinity(0, {one}),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed.strip() == "1"
    assert usable_cores() == len(os.sched_getaffinity(0))
