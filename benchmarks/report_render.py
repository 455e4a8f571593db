"""How long `canteensim report` takes, this tree against another commit, on the same folders.

Each repetition renders the report of each results folder in a fresh process (the command a user
runs, `python -m canteensim.cli report OUT -q`, imports included), alternating between this tree
and a checkout of ``--against`` (a git worktree in a temporary folder), so that drift on a shared
machine touches both alike. The results folders are made once by this tree (`run --no-report`);
the report only reads them. Prints each time, the medians and their ratio per folder.

    python benchmarks/report_render.py --against 354a0f3
    python benchmarks/report_render.py -r 5 --against HEAD~3 --scenario scenarios/anhui_2020.toml
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
SCENARIOS = ("scenarios/hainan_2020.toml", "scenarios/anhui_2020.toml")


def render_once(source: Path, folder: Path, lang: str) -> float:
    """Wall seconds of one `canteensim report` with the package in `source`/src."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = [sys.executable, "-m", "canteensim.cli", "report", str(folder), "-q"]
    started = time.perf_counter()
    subprocess.run([*command, "--lang", lang], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def make_folder(scenario: Path, out: Path) -> Path:
    command = [sys.executable, "-m", "canteensim.cli", "run", str(scenario), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([*command, "--no-report", "-q", "--force"], env=env, check=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="a commit to compare with (default: this tree alone)")
    parser.add_argument("--scenario", action="append", help="default: Haikou and Anhui")
    parser.add_argument("-r", "--repetitions", type=int, default=3)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    scenarios = [ROOT / s for s in (args.scenario or SCENARIOS)]
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"this tree": ROOT}
        if args.against:
            other = Path(scratch) / "against"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), args.against],
                check=True,
                capture_output=True,
            )
            trees[args.against] = other
        try:
            folders = {s.stem: make_folder(s, Path(scratch) / s.stem) for s in scenarios}
            times: dict[tuple[str, str], list[float]] = {}
            for repetition in range(1, args.repetitions + 1):
                for name, folder in folders.items():
                    for tree, source in trees.items():
                        seconds = render_once(source, folder, args.lang)
                        times.setdefault((name, tree), []).append(seconds)
                        print(f"{repetition}  {name:<12} {tree:<12} {seconds:7.2f} s", flush=True)
            print("median seconds")
            for name in folders:
                medians = {tree: statistics.median(times[(name, tree)]) for tree in trees}
                line = "  ".join(f"{tree} {m:.2f}" for tree, m in medians.items())
                if args.against:
                    ratio = medians[args.against] / medians["this tree"]
                    line += f"  ({ratio:.1f}× faster)"
                print(f"  {name:<12} {line}")
        finally:
            if args.against:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()
