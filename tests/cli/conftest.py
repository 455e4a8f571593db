"""Fixtures for the command-line tests: a tiny valid scenario on disk and a way to run the CLI.

The scenario is one month, two categories, two products and three canteens (CSV tables with
Chinese names beside the TOML file), so that a run takes a few tens of milliseconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from canteensim.cli import main

SCENARIO_TOML = """\
[scenario]
name = "小食堂 tiny"
start = 2020-03-02
end = 2020-03-31
seed = 7

[quota]
share = 0.2
basis = "quantity"
per = "category"

[cycle]
listing = "Mon 08:00"
order_cutoff = "Wed 24:00"
delivery_days = ["Thu", "Fri"]

[platform]
commission = 0.05
vehicles = 1
vehicle_capacity_kg = 2500

[categories.vegetables]
consumption_kg_per_diner_day = 0.2
perishable = true
transit_loss_at_shelf_life = 0.2

[categories.grain]
consumption_kg_per_diner_day = 0.15
perishable = false

[cooperatives]
rows = [{ cooperative_id = "C1", name = "琼中合作社", county = "琼中" }]

[products]
file = "products.csv"

[canteens]
file = "canteens.csv"
"""

PRODUCTS_CSV = """\
product_id,name,cooperative_id,category,platform_price_yuan_per_kg,farm_gate_price_yuan_per_kg,market_price_yuan_per_kg,shelf_life_days,weekly_capacity_kg,capacity_cv
V1,五指山小白菜,C1,vegetables,4.0,2.5,3.5,3,400,0.2
R1,山兰稻米,C1,grain,8.0,5.0,7.0,180,300,0.2
"""

CANTEENS_CSV = """\
canteen_id,name,kind,bound,diners,delivery_day,behaviour,compliance
G1,省某厅机关食堂,government,true,200,Thu,even,1.0
I1,某医院食堂,institution,true,150,Fri,catch_up,0.5
E1,某企业食堂,enterprise,false,100,Thu,even,1.0
"""


@dataclass
class Scenario:
    """A tiny scenario written to disk: the TOML file and its two CSV tables."""

    folder: Path

    @property
    def toml(self) -> Path:
        return self.folder / "tiny.toml"

    @property
    def products(self) -> Path:
        return self.folder / "products.csv"

    @property
    def canteens(self) -> Path:
        return self.folder / "canteens.csv"

    def replace(self, file: Path, old: str, new: str) -> None:
        """Edit one file; `old` must occur exactly once, so that a test never edits nothing."""
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file.name}"
        file.write_text(text.replace(old, new), encoding="utf-8")

    def append(self, file: Path, text: str) -> None:
        file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


@dataclass
class Outcome:
    """What one call of the command line did."""

    code: int
    out: str
    err: str

    def error_line(self) -> str:
        """The one error line, after checking exit status 2, one line and no traceback."""
        assert self.code == 2, f"exit status {self.code}, stderr: {self.err!r}"
        assert "Traceback" not in self.err, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, f"expected one error line, got {lines!r}"
        line = lines[0]
        assert line.startswith("canteensim: error: "), line
        return line.removeprefix("canteensim: error: ")

    def bad_input(self, *parts: str, pattern: str | None = None) -> str:
        """Check a bad-input failure whose message holds every part (and matches `pattern`)."""
        line = self.error_line()
        for part in parts:
            assert part in line, f"{part!r} not in {line!r}"
        if pattern is not None:
            assert re.search(pattern, line), f"{pattern!r} does not match {line!r}"
        return line

    def ok(self) -> Outcome:
        assert self.code == 0, f"exit status {self.code}, stderr: {self.err!r}"
        assert "Traceback" not in self.err, self.err
        return self


def write_scenario(parent: Path) -> Scenario:
    """Write the valid tiny scenario into ``parent/scn``."""
    folder = parent / "scn"
    folder.mkdir()
    (folder / "tiny.toml").write_text(SCENARIO_TOML, encoding="utf-8")
    (folder / "products.csv").write_text(PRODUCTS_CSV, encoding="utf-8")
    (folder / "canteens.csv").write_text(CANTEENS_CSV, encoding="utf-8")
    return Scenario(folder)


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    """A valid tiny scenario in ``tmp_path/scn``."""
    return write_scenario(tmp_path)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``canteensim ARGS`` in this process; returns an `Outcome`."""

    def run(*args: str | Path) -> Outcome:
        capsys.readouterr()  # drop anything printed before
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A results folder that does not exist yet, in a parent holding nothing else."""
    parent = tmp_path / "results-area"
    parent.mkdir()
    return parent / "out"


def leftovers(folder: Path) -> list[str]:
    """Names left in `folder`'s parent by a results write: the folder or its hidden staging."""
    parent = folder.parent
    if not parent.exists():
        return []
    return sorted(
        p.name
        for p in parent.iterdir()
        if p.name == folder.name or p.name.startswith(f".{folder.name}.")
    )


@pytest.fixture
def no_leftovers():
    """Assert that no results folder, nor any hidden staging folder, was left for `folder`."""

    def check(folder: Path) -> None:
        assert leftovers(folder) == [], f"left behind: {leftovers(folder)}"
        hidden = sorted(p.name for p in folder.parent.glob(".*")) if folder.parent.exists() else []
        assert hidden == [], f"hidden staging left behind: {hidden}"

    return check


def read_summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture
def summary_of():
    """Read a results folder's summary.json."""
    return read_summary
