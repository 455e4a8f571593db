"""Fixtures of the comparison tests: Haikou, short and whole, and ways to run and count runs.

Most tests use Haikou cut to its first five weeks (``scenario.end=2020-03-31``, about 10 ms a run),
which keeps the real tables and noise of the shipped scenario; the common-random-numbers and
interruption tests use the whole scenario (about 20 ms a run).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from canteensim import load_scenario
from canteensim.cli import main
from canteensim.scenario.schema import Scenario

REPO = Path(__file__).resolve().parents[2]
HAIKOU = REPO / "scenarios" / "hainan_2020.toml"
SHORT = ("scenario.end=2020-03-31",)
"""Overrides that cut Haikou to 2020-02-24 … 2020-03-31: five weekly cycles, two months."""

compare_module = importlib.import_module("canteensim.experiment.compare")
"""The module (``canteensim.experiment.compare`` the attribute is the function)."""
engines_module = importlib.import_module("canteensim.experiment.engines")
runner_module = importlib.import_module("canteensim.experiment.runner")

TABLES = ("runs", "monthly", "table", "monthly_table")
"""The DataFrames of a `Comparison`."""
FINAL_FILES = ("runs.parquet", "monthly.parquet", "comparison.csv", "monthly_comparison.csv")
"""What a finished comparison folder holds besides summary.json (and its manifest)."""


@pytest.fixture(scope="session")
def haikou_path() -> Path:
    return HAIKOU


@pytest.fixture(scope="session")
def haikou() -> Scenario:
    """The whole shipped Haikou 2020 scenario."""
    return load_scenario(HAIKOU)


@pytest.fixture(scope="session")
def short() -> Scenario:
    """Haikou cut to its first five weeks."""
    return load_scenario(HAIKOU, list(SHORT))


@dataclass
class Outcome:
    """What one call of the command line did."""

    code: int
    out: str
    err: str

    def ok(self) -> Outcome:
        assert self.code == 0, f"exit status {self.code}, stderr: {self.err!r}"
        assert "Traceback" not in self.err, self.err
        return self

    def error_line(self) -> str:
        """The error message after ``canteensim: error: ``, checking exit 2 and one clean line."""
        assert self.code == 2, f"exit status {self.code}, stderr: {self.err!r}"
        assert "Traceback" not in self.err, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, f"expected one error line, got {lines!r}"
        assert lines[0].startswith("canteensim: error: "), lines[0]
        return lines[0].removeprefix("canteensim: error: ")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run ``canteensim ARGS`` in this process through `cli.main`; returns an `Outcome`."""

    def run(*args: str | Path) -> Outcome:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


class Lazy(dict[str, Any]):
    """A dict whose value for `key` is made by ``make[key]()`` when a test first looks it up.

    So that a module fixture of several engines starts a Dask cluster only for the heavy tests
    that ask for its result, not for every test of the module (``pytest -m "not heavy"``).
    """

    def __init__(self, make: dict[str, Callable[[], Any]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.make[key]()
        return value


@dataclass
class RunCounter:
    """Counts the runs a comparison executes (each replication of each setting)."""

    keys: list[tuple[int, int]]

    @property
    def count(self) -> int:
        return len(self.keys)


def counting_runs(monkeypatch: pytest.MonkeyPatch) -> RunCounter:
    """From now on, count the (setting, replication) runs done in this process.

    Only the serial engine runs them here: the counting wrapper cannot travel to other processes.
    """
    counter = RunCounter([])
    original = runner_module.run_chunk

    def counting(scenarios: Any, runs: list[tuple[int, int]], keep: Any) -> Any:
        counter.keys.extend(runs)
        return original(scenarios, runs, keep)

    monkeypatch.setattr(runner_module, "run_chunk", counting)
    return counter


@pytest.fixture
def count_runs(monkeypatch: pytest.MonkeyPatch) -> RunCounter:
    """Count the runs this test does in this process (with the serial engine)."""
    return counting_runs(monkeypatch)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def read_final(folder: Path) -> dict[str, Any]:
    """The final tables of a comparison folder (Parquet as frames, CSV as bytes and frames)."""
    tables: dict[str, Any] = {}
    for name in FINAL_FILES:
        path = folder / name
        if name.endswith(".parquet"):
            tables[name] = pd.read_parquet(path)
        else:
            tables[name] = path.read_bytes()
            tables[f"{name} frame"] = pd.read_csv(path, encoding="utf-8-sig")
    return tables


def assert_same_final(folder: Path, reference: Path) -> None:
    """The final tables of two comparison folders are identical (frames exact, CSV bytes)."""
    mine, theirs = read_final(folder), read_final(reference)
    for name, value in theirs.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(mine[name], value, check_exact=True, obj=name)
        else:
            assert mine[name] == value, f"{name} differs from the uninterrupted comparison's"
    for name in ("runs.parquet", "monthly.parquet"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name


def read_summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def journal_lines(folder: Path) -> list[bytes]:
    path = folder / "journal.jsonl"
    return path.read_bytes().splitlines() if path.exists() else []


def valid_journal_records(folder: Path) -> list[dict[str, Any]]:
    """The journal lines that parse as JSON (a line cut short by a kill does not)."""
    records = []
    for line in journal_lines(folder):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records
