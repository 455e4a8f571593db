"""`canteensim run -r`: replications on any engine give the same results folder."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from canteensim.experiment import RunOptions
from canteensim.experiment.replicate import replicate

from .conftest import HAIKOU, SHORT, Lazy, engines_module

ENGINES = {
    "serial": ["--serial"],
    "processes": ["--workers", "2"],
    "dask": ["--dask", "local"],
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """`canteensim run -r 3` of short Haikou on each engine, one replication a chunk (each run
    when first asked for: only the heavy test starts a Dask cluster)."""
    from canteensim.cli import main

    base = tmp_path_factory.mktemp("run")

    def make(name: str) -> Path:
        folder = base / name
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(engines_module, "CHUNK_SECONDS", 1e-9)
            args = ["run", str(HAIKOU), "--set", SHORT[0], "-r", "3", "-o", str(folder), "-q"]
            args.append("--no-report")  # the tables are compared; a report names its command
            assert main([*args, *ENGINES[name]]) == 0
        return folder

    return Lazy({name: lambda name=name: make(name) for name in ENGINES})


def tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "summary.json"}


def summary(folder: Path) -> dict:
    document = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    for varying in ("run_seconds", "command"):
        document.pop(varying)
    return document


@pytest.mark.parametrize("engine", ["processes", pytest.param("dask", marks=pytest.mark.heavy)])
def test_run_replications_same_tables_as_serial(folders, engine):
    reference = tables(folders["serial"])
    assert len(reference) >= 4
    assert tables(folders[engine]) == reference
    assert summary(folders[engine]) == summary(folders["serial"])


def test_replications_are_three_different_runs(folders):
    document = json.loads((folders["serial"] / "summary.json").read_text(encoding="utf-8"))
    replications = document["replications"]
    assert [r["replication"] for r in replications] == [0, 1, 2]
    assert len({r["total_sales_yuan"] for r in replications}) == 3
    monthly = pd.read_csv(folders["serial"] / "monthly_sales.csv", encoding="utf-8-sig")
    assert sorted(monthly["replication"].unique()) == [0, 1, 2]


def test_replicate_library_progress_and_order(short):
    seen: list[tuple[int, int]] = []
    options = RunOptions("processes", workers=2)
    results = replicate(short, 4, options=options, progress=lambda d, t: seen.append((d, t)))
    assert list(results.kpis["replication"]) == [0, 1, 2, 3]
    assert seen[-1] == (4, 4)
    serial = replicate(short, 4, options=RunOptions("serial"))
    for name in results.tables:
        pd.testing.assert_frame_equal(results.tables[name], serial.tables[name], check_exact=True)
