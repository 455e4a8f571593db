"""One year of `simulate` in a new process, with and without `keep_freed_memory`, alternating.

What the program's processes gain from keeping the memory a run frees (`canteensim.memory`):
each repetition runs two fresh processes pinned to one core, one that calls
`keep_freed_memory()` before importing canteensim's model and one that leaves glibc's defaults,
in turn (each goes first in every other repetition). Each times its one `simulate` of the
scenario: wall seconds, user and system CPU seconds, and the minor page faults the kernel served.

    python benchmarks/allocator.py                                   # Anhui, 8 repetitions
    python benchmarks/allocator.py -r 5 --set canteens.generate.count=3000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURES = ("wall", "user", "system", "faults")

CHILD = r"""
import json, resource, sys, time

if sys.argv[1] == "kept":
    from canteensim.memory import keep_freed_memory

    assert keep_freed_memory()
from pathlib import Path

from canteensim.model.simulate import simulate
from canteensim.scenario import load_scenario

scenario = load_scenario(Path(sys.argv[2]), overrides=sys.argv[3:])
before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
simulate(scenario)
wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "wall": wall,
    "user": after.ru_utime - before.ru_utime,
    "system": after.ru_stime - before.ru_stime,
    "faults": after.ru_minflt - before.ru_minflt,
}))
"""


def run(mode: str, scenario: Path, overrides: list[str], cpu: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(scenario), *overrides],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=ROOT / "scenarios" / "anhui_2020.toml")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="K=V")
    parser.add_argument("-r", "--repetitions", type=int, default=8)
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"kept": [], "defaults": []}
    run("kept", Path(args.scenario), args.overrides, args.cpu)  # compiled modules cached
    for repetition in range(1, args.repetitions + 1):
        modes = list(runs) if repetition % 2 else list(runs)[::-1]
        for mode in modes:
            figures = run(mode, Path(args.scenario), args.overrides, args.cpu)
            runs[mode].append(figures)
            shown = "  ".join(f"{m} {figures[m]:.3f}" for m in MEASURES[:3])
            print(f"{repetition}  {mode:<8}  {shown}  faults {figures['faults']:,.0f}", flush=True)
    print(f"\n{Path(args.scenario).name} {' '.join(args.overrides)}: medians of {args.repetitions}")
    for mode, measured in runs.items():
        medians = {m: statistics.median(f[m] for f in measured) for m in MEASURES}
        shown = "  ".join(f"{m} {medians[m]:.3f} s" for m in MEASURES[:3])
        print(f"  {mode:<8}  {shown}  faults {medians['faults']:,.0f}")
    kept, defaults = (statistics.median(f["wall"] for f in runs[m]) for m in runs)
    print(f"kept ÷ defaults, wall: {kept / defaults:.2f}")


if __name__ == "__main__":
    main()
