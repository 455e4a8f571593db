"""The whole `canteensim run` as a user waits for it, this tree against another commit.

Each repetition runs ``python -m canteensim.cli run SCENARIO --no-report -q`` in a fresh process
(imports, the engine, tables and files included), pinned to one core, alternating between this
tree and a checkout of ``--against`` (a git worktree made in a temporary folder), so that drift on
a shared machine touches both alike. Prints each time, the medians and their ratio.

    python benchmarks/whole_run.py --against 514eeea
    python benchmarks/whole_run.py scenarios/hainan_2020.toml -r 9 --against HEAD~3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(source: Path, scenario: Path, out: Path, cpu: int) -> float:
    """Wall seconds of one whole run with the package in `source`/src."""
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "canteensim.cli", "run", str(scenario), "-o", str(out)]
    command += ["--no-report", "-q", "--force"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=ROOT / "scenarios" / "anhui_2020.toml")
    parser.add_argument("--against", required=True, help="a git revision to compare with")
    parser.add_argument("-r", "--repetitions", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "against"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other), args.against],
            check=True,
        )
        try:
            trees = {"this tree": ROOT, args.against: other}
            times: dict[str, list[float]] = {name: [] for name in trees}
            for repetition in range(args.repetitions):
                for name, source in trees.items():
                    seconds = run_once(source, Path(args.scenario), Path(tmp) / "out", args.cpu)
                    times[name].append(seconds)
                    print(f"{repetition + 1}  {name:<12} {seconds:6.2f} s", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)])
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"median  {name:<12} {median:6.2f} s")
    this, that = medians["this tree"], medians[args.against]
    print(f"this tree ÷ {args.against}: {this / that:.2f}")


if __name__ == "__main__":
    main()
