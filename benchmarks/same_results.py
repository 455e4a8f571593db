"""Check that this tree gives the shipped scenarios' tables and KPIs of another commit, bit for bit.

Runs the same commands with both trees (a git worktree of ``--against`` in a temporary folder):
Haikou with 3 replications (CSV), the Anhui province year (Parquet) and a three-setting quota
comparison, then compares every table of the other commit column by column with
``pandas.testing.assert_frame_equal(check_exact=True)`` and the KPIs of every summary.json.
Columns this tree adds are listed, not counted as differences; so are columns whose dtype changed
while every value stayed the same (text become categorical). Exit status 1 on any difference.

    python benchmarks/same_results.py --against 4fbb55c
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
HAIKOU, ANHUI = ROOT / "scenarios" / "hainan_2020.toml", ROOT / "scenarios" / "anhui_2020.toml"
COMMANDS = {
    "haikou": ["run", HAIKOU, "-r", "3", "--serial", "--format", "csv"],
    "anhui": ["run", ANHUI, "--format", "parquet"],
    "compare": ["compare", HAIKOU, "--vary", "quota.share=0,0.2,0.3", "-r", "4", "--serial"],
}


def make(source: Path, out: Path) -> None:
    """The results of every command, with the package in `source`/src."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    for name, args in COMMANDS.items():
        command = [sys.executable, "-m", "canteensim.cli", *map(str, args)]
        command += ["-o", str(out / name), "--no-report", "-q"]
        subprocess.run(command, env=env, check=True)


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)


def differences(before: Path, after: Path) -> int:
    found = 0
    for old in sorted(p for p in before.rglob("*") if p.is_file() and p.suffix != ".jsonl"):
        new = after / old.relative_to(before)
        where = old.relative_to(before)
        if old.suffix == ".json":
            a, b = json.loads(old.read_text("utf-8")), json.loads(new.read_text("utf-8"))
            for key in ("kpis", "replications", "settings", "seed"):
                if a.get(key) != b.get(key):
                    print(f"DIFFERENT  {where}: {key}")
                    found += 1
            continue
        x, y = read(old), read(new)
        added = [c for c in y.columns if c not in x.columns]
        note = f"; added {added}" if added else ""
        try:
            pd.testing.assert_frame_equal(x, y[list(x.columns)], check_exact=True)
            print(f"identical  {where} ({len(x):,} rows × {len(x.columns)} columns{note})")
        except (AssertionError, KeyError) as error:
            retyped = dtype_changes(x, y)
            if retyped and same_values(x, y[list(x.columns)]):
                print(f"identical  {where} (values; dtypes changed: {retyped}{note})")
                continue
            print(f"DIFFERENT  {where}: {str(error).splitlines()[0]}{apart(x, y)}")
            found += 1
    return found


def apart(x: pd.DataFrame, y: pd.DataFrame) -> str:
    """How far apart the float columns of both are, at most, in units in the last place of the
    earlier value; "" when a column is not in both or the rows differ in number."""
    if len(x) != len(y):
        return ""
    widest = {}
    for column in x.select_dtypes("float").columns:
        if column not in y.columns or not pd.api.types.is_float_dtype(y[column]):
            continue
        before, after = x[column].to_numpy(), y[column].to_numpy()
        both = ~(np.isnan(before) | np.isnan(after))
        ulps = np.abs(after[both] - before[both]) / np.spacing(np.abs(before[both]))
        if len(ulps) and ulps.max() > 0:
            widest[column] = f"{ulps.max():g}"
    return f" (at most, in ulps: {widest})" if widest else ""


def dtype_changes(x: pd.DataFrame, y: pd.DataFrame) -> dict[str, str]:
    """The columns of both whose dtype changed, as ``before → after``."""
    return {
        column: f"{x[column].dtype} → {y[column].dtype}"
        for column in x.columns
        if column in y.columns and str(x[column].dtype) != str(y[column].dtype)
    }


def same_values(x: pd.DataFrame, y: pd.DataFrame) -> bool:
    """Every value the same, bit for bit, labels compared as their text (a column of text that
    became a categorical holds the same values)."""

    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        labels = frame.select_dtypes(["category", "string", "object"]).columns
        return frame.astype({column: object for column in labels})

    try:
        pd.testing.assert_frame_equal(plain(x), plain(y), check_exact=True, check_dtype=False)
    except AssertionError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "against"
        worktree = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*worktree, "add", "-q", "--detach", str(other), args.against], check=True)
        try:
            make(other, Path(tmp) / "before")
            make(ROOT, Path(tmp) / "after")
        finally:
            subprocess.run([*worktree, "remove", "--force", str(other)], check=True)
        found = differences(Path(tmp) / "before", Path(tmp) / "after")
    print("same results" if not found else f"{found} differences")
    raise SystemExit(1 if found else 0)


if __name__ == "__main__":
    main()
