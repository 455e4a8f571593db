"""The CSV writer (`canteensim.output.write_csv`, Arrow's CSV writer underneath): every table of
a run reads back with the values it was written with, and the file is one a spreadsheet opens
as it should (byte-order mark, quoted text, calendar days, integers without ``.0``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from canteensim import load_scenario, simulate
from canteensim.output import read_csv, spreadsheet_safe, write_csv
from canteensim.report.read import typed
from canteensim.results import RUN_TABLE_COLUMNS, RUN_TABLES

SMALL = Path(__file__).parents[1] / "golden" / "small.toml"
AWKWARD_NAME = '=1+2, "白菜"\n二号'
"""A product name with a formula start, a comma, quotes, a line break and Chinese."""


@pytest.fixture(scope="module")
def runs(tiny):
    """Tables of real runs: the golden small scenario (every table has rows, fractions
    everywhere) and tiny ones whose float columns are mostly whole numbers, one with a product
    name a spreadsheet would trip on and an audit failure, one with no failed audit at all."""
    awkward = tiny.run(
        quota__share=0.3,
        products=[tiny.product("P1", name=AWKWARD_NAME), tiny.product("P2", name="-3 kg")],
        canteens=[tiny.canteen("K1"), tiny.canteen("K2", compliance=0.3)],
    )
    return {
        "small": simulate(load_scenario(SMALL)),
        "tiny, awkward names": awkward,
        "tiny, no failed audit": tiny.run(),
    }


def round_trip(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    write_csv(frame, path)
    return read_csv(path)


@pytest.mark.parametrize("run", ["small", "tiny, awkward names", "tiny, no failed audit"])
@pytest.mark.parametrize("name", RUN_TABLES)
def test_every_table_of_a_run_reads_back_equal(runs, run, name, tmp_path):
    frame = runs[run].tables[name]
    columns = RUN_TABLE_COLUMNS[name]
    back = round_trip(frame, tmp_path / f"{name}.csv")
    if frame.empty:  # no row to tell a column's type by: the header is all there is
        assert list(back.columns) == list(frame.columns) and back.empty
        return
    expected = typed(frame.copy(), columns)
    pd.testing.assert_frame_equal(values(typed(back, columns)), values(expected), check_exact=True)


def values(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as values a CSV file can hold: a categorical column as its values (not the list
    of categories nor its order), a timestamp in one unit (`typed` reads microseconds). Files
    of pandas' own writer held no more."""
    for name in frame.columns:
        dtype = frame[name].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(dtype.categories.dtype)
        elif pd.api.types.is_datetime64_dtype(dtype):
            frame[name] = frame[name].astype("datetime64[ns]")
    return frame


def test_the_run_tests_cover_awkward_cases(runs):
    """The cases above are the ones that matter: empty tables, whole floats, missing values."""
    assert runs["tiny, no failed audit"].tables["audit_failures"].empty
    weekly = runs["tiny, awkward names"].tables["weekly_products"]
    assert AWKWARD_NAME in set(weekly["product_name"])
    assert (weekly["undelivered_kg"] == 0).all()  # a float column of whole numbers only


def cells(path: Path) -> list[list[str]]:
    """The file as a spreadsheet's CSV import sees it: text cells, quotes resolved."""
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_what_a_spreadsheet_sees(runs, tmp_path):
    results = runs["tiny, awkward names"]
    write_csv(results.tables["weekly_products"], tmp_path / "weekly.csv")
    write_csv(results.tables["deliveries"], tmp_path / "deliveries.csv")
    header, *rows = cells(tmp_path / "weekly.csv")
    row = dict(zip(header, rows[0], strict=True))
    assert row["product_name"] == "'" + AWKWARD_NAME  # escaped, one cell despite , " and \n
    assert row["county"] == "琼中"
    assert row["week_start"] == "2021-02-01"
    assert row["replication"] == "0" and row["week"] == "0"  # integers without .0
    assert row["listed"] == "true"
    assert row["undelivered_kg"] == "0.0" and row["ordered_kg"] == "30.0"  # whole floats
    header, *rows = cells(tmp_path / "deliveries.csv")
    row = dict(zip(header, rows[0], strict=True))
    assert row["scheduled_day"] == "2021-02-04"  # a day, not 2021-02-04 00:00:00
    text = (tmp_path / "weekly.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("replication,week,week_start,product_id,")  # a plain header row
    assert '"\'=1+2, ""白菜""\n二号"' in text  # quoted, its quotes doubled


AWKWARD = pd.DataFrame(
    {
        "fractions": [0.5, np.nan, 1 / 3, -2.25],
        "whole": [0.0, 3.0, np.nan, -2.0],
        "negative_zero": [-0.0, 1.0, 2.0, 3.0],
        "huge_whole": [2.0**60, 1e300, 0.0, 5.0],
        "infinite": [np.inf, -np.inf, 1.0, np.nan],
        "exponents": [1e-7, 1e16, 1.2345e17, 5e-324],
        "float32": np.array([0.1, 0.5, 3.0, np.nan], dtype="float32"),
        "integers": [1, -2, 3, 2**62],
        "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "booleans": [True, False, True, False],
        "booleans_missing": [True, None, False, True],
        "mixed": [1, "a", 2.5, None],
        "text": ["a,b", 'say "hi"', "two\nlines", ""],
        "formulas": ["=1+2", "-3", "'=x", "@home"],
        "chinese": ["五指山", "琼中, 合作社", None, "x"],
        "category_numbers": pd.Categorical([1, 2, 1, None]),
        "category_text": pd.Categorical(["b", "a", None, "=c"]),
        "dates": [dt.date(2020, 1, 6), None, dt.date(2020, 12, 31), dt.date(2021, 2, 28)],
        "midnights": pd.to_datetime(["2020-01-09", None, "2020-02-29", "2021-01-01"]),
        "instants": pd.to_datetime(
            ["2020-01-09 12:30:00", None, "2020-02-29 00:00:01", "2021-01-01 00:00:00"]
        ),
        "fractional_instants": pd.to_datetime(
            ["2020-01-09 12:30:00.25", None, "2020-02-29 00:00:01", "2021-01-01 00:00:00"],
            format="ISO8601",
        ),
        "time_zone": pd.to_datetime(
            ["2020-01-09 12:30:00", None, "2020-02-29 00:00:00", "2021-01-01 00:00:00"]
        ).tz_localize("Asia/Shanghai"),
        "durations": pd.to_timedelta(["1h", None, "2D", "0s"]),
    }
)


def pandas_csv(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """What the writer before Arrow's gave: pandas' `to_csv`, read back by `read_csv`."""
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return read_csv(path)


@pytest.mark.parametrize("rows", [slice(None), slice(0, 0), slice(2, 3)], ids=["all", "no", "one"])
def test_reads_back_what_pandas_writer_gave(rows, tmp_path):
    """Column types a table may hold, odd values included: the values read back are those
    pandas' own CSV writer gave, but for instants with fractions of a second, which Arrow
    writes to its unit (…00.250000) and which read back as the same instants."""
    frame = AWKWARD.iloc[rows].reset_index(drop=True)
    ours = round_trip(frame, tmp_path / "arrow.csv")
    theirs = pandas_csv(frame, tmp_path / "pandas.csv")
    instants = ["fractional_instants"]
    pd.testing.assert_frame_equal(ours.drop(columns=instants), theirs.drop(columns=instants))
    pd.testing.assert_frame_equal(
        typed(ours, {"fractional_instants": "datetime"})[instants],
        typed(theirs, {"fractional_instants": "datetime"})[instants],
    )


def test_float_values_read_back_exactly(tmp_path):
    values = np.random.default_rng(0).lognormal(3, 4, 10_000)
    values[::7] = np.round(values[::7])
    frame = pd.DataFrame({"x": values, "y": -values / 3, "z": np.round(values)})
    back = round_trip(frame, tmp_path / "floats.csv")
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
