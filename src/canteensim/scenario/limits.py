"""The bounds a scenario must stay within, so that every scenario that validates also runs.

Each bound is far beyond anything a real scheme meets: it is there to catch a typing slip
(``1e20`` diners, a year 9999) before it becomes a numpy overflow or a 7 TiB allocation, not to
second-guess a plausible setting. `docs/scenario.md` states every one of them; the schema and
the loader import them from here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

# --- dates ---------------------------------------------------------------------------------------

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
"""Every date of a scenario (horizon, holidays, disruptions) lies between these, both included."""
MAX_HORIZON_YEARS = 50
"""``scenario.end`` is less than this many years after ``scenario.start``."""

# --- sizes ---------------------------------------------------------------------------------------

MAX_ROWS = 1_000_000
"""Cooperatives, products or canteens, listed or generated."""
MAX_COUNTIES = 100_000
MAX_CATEGORIES = 1_000
MAX_LINES_PER_CATEGORY = 1_000
MAX_LISTING_LIMIT = 1_000_000
MAX_VEHICLES = 100_000
MAX_DISRUPTIONS = 10_000
MAX_SEED = 2**63 - 1
"""Seeds are stored in 64-bit integer columns (``runs.parquet``)."""

# --- quantities ----------------------------------------------------------------------------------

MIN_PRICE_YUAN_PER_KG = 0.01
MAX_PRICE_YUAN_PER_KG = 1_000_000.0
"""Cordyceps, the dearest aid product, sells for a few hundred thousand yuan a kilogram."""
MAX_LOGISTICS_YUAN_PER_KG = 1_000.0
MAX_VEHICLE_CAPACITY_KG = 1_000_000.0
MAX_DINERS = 1_000_000
MAX_HOUSEHOLDS = 100_000_000
MAX_PICKUP_POINTS = 100_000
MAX_BASKET_KG = 1_000.0
MAX_CONSUMPTION_KG_PER_DINER_DAY = 10.0
MIN_SHELF_LIFE_DAYS = 0.01
MAX_SHELF_LIFE_DAYS = 36_500.0
MAX_WEEKLY_CAPACITY_KG = 100_000_000.0
MAX_SEASON_FACTOR = 100.0
MAX_CV = 10.0
"""Coefficients of variation: attendance, capacity noise, log-normal distributions."""
MAX_MARGIN = 10.0
MAX_MARKUP = 10.0
MIN_FARM_GATE_RATIO = 0.01
MAX_MIN_LINE_KG = 100_000.0
MAX_WEIGHT = 1_000_000.0
"""Relative weights (kinds, behaviours, product categories)."""
MAX_DISRUPTION_FACTOR = 100.0
"""A disruption's factor, and the product of the factors of disruptions that overlap."""
MAX_OBSERVED_SALES_YUAN = 1e12
MAX_DISTRIBUTION_VALUE = 1e12
"""Any parameter of any distribution, whatever it draws (its use may bound it further)."""

# --- files ---------------------------------------------------------------------------------------

MAX_TABLE_BYTES = 2**30
"""A CSV table named by a ``file`` key."""
MAX_SCENARIO_BYTES = 64 * 2**20
"""The TOML scenario file."""
MAX_SHOWN_NAME = 40
"""Characters of an unknown CSV column name shown in an error."""

# --- memory --------------------------------------------------------------------------------------

MEMORY_LIMIT_BYTES = 8 * 2**30
"""The most one replication's arrays and tables may be estimated to need (`estimate_memory`)."""

# Bytes per element, measured on the Anhui scenario and variants of it (canteens × 2, horizon
# × 3, products × 10 with 100 lines per category, every canteen bound under a quota of 100 % so
# that every audit fails): the estimate lies 10 to 35 % above the peak above the interpreter's
# own, the least where every audit fails, and errs higher where lines are many (a canteen rarely
# places every line it could). Not counted: loads piling up for a fleet far too small to carry
# them (the run warns of what is still undelivered).
_CANTEEN_MONTH_ROW = 200  # ledger month totals, audits' amounts and canteen_months, per row of it
_FAILURE_ROW = 100  # audit_failures and the working out of its causes, per canteen_months row
_FLOAT = 8  # one float64 of an array whose shape the scenario fixes
_AUDIT_STAGE_ARRAYS = 10
"""Float arrays of ``(canteens, categories, months or audit periods)`` that explain failures:
the ledger's ``target_kg``, ``dropped_kg``, ``moved_kg`` and ``expected_period_kg``, and each
audit's target, dropped, moved, filled and shipped kg and expected consumption
(`model.ledger`)."""
_CANTEEN_MONTH_ARRAYS = 2
"""Float arrays of ``(canteens, months or audit periods)``: skipped orders, in the ledger and in
the audits."""
_DELIVERY_ROW = 200  # ledger and the deliveries table, per canteen-week
_CANTEEN_DAY = 8  # open days and their running count, per canteen-day
_LINE_SLOT = 40  # choose_lines' temporaries, per canteen × lines_per_category
_ORDER_LINE = 64  # one week's order lines, allocation and substitution, per line
_PRODUCT_WEEK_ROW = 500  # ledger and the weekly_products table (with its strings)
_POPULATION_ROW = 2_000  # a canteen, product or cooperative as a validated row


@dataclass(frozen=True)
class Sizes:
    """What a scenario's memory grows with, each with the key a user changes to shrink it."""

    canteens: int
    canteens_key: str
    products: int
    products_key: str
    cooperatives: int
    categories: int
    lines_per_category: int
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        return self.days // 7 + 2

    @property
    def months(self) -> int:
        """Calendar months of the horizon, and one more that late deliveries spill into."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 2

    @property
    def planned_days(self) -> int:
        """Days canteens plan for: to the end of the last month and two weeks on (`Scheme`)."""
        return self.days + 31 + 14


@dataclass(frozen=True)
class Term:
    """One of the big arrays of a replication: what it holds, its size, and what drives it."""

    what: str
    bytes: float
    keys: tuple[str, ...]
    sizes: tuple[str, ...]


def estimate_memory(sizes: Sizes) -> list[Term]:
    """The memory the biggest arrays and tables of one replication need, largest first.

    Rough on purpose: shapes from `model.scheme`, `model.ledger`, `model.ordering`,
    `model.tables` and `model.failures`, bytes per element measured (see the constants above).
    """
    s = sizes
    canteens = f"{s.canteens} canteens"
    horizon = "scenario.end"
    lines = min(s.lines_per_category, s.products)
    # an audit period is at least a month (quota.period), so months bound the audits; every
    # audit may fail, so canteen_months bounds audit_failures
    audit_rows = s.canteens * s.months * (s.categories + 1)  # canteen_months: categories + total
    cells = s.canteens * s.months * s.categories
    terms = [
        Term(
            "the canteen-month records (ledger, audits, canteen_months and audit_failures)",
            (_CANTEEN_MONTH_ROW + _FAILURE_ROW) * audit_rows
            + _FLOAT * _AUDIT_STAGE_ARRAYS * cells
            + _FLOAT * _CANTEEN_MONTH_ARRAYS * s.canteens * s.months,
            (s.canteens_key, "categories", horizon),
            (canteens, f"{s.categories} categories", f"{s.months} months"),
        ),
        Term(
            "the deliveries",
            _DELIVERY_ROW * s.canteens * s.weeks,
            (s.canteens_key, horizon),
            (canteens, f"{s.weeks} weeks"),
        ),
        Term(
            "the open-day calendar",
            _CANTEEN_DAY * s.canteens * s.planned_days,
            (s.canteens_key, horizon),
            (canteens, f"{s.planned_days} days"),
        ),
        Term(
            "one week's order lines",
            s.canteens * (_LINE_SLOT * s.lines_per_category + _ORDER_LINE * s.categories * lines),
            (s.canteens_key, "ordering.lines_per_category"),
            (canteens, f"{s.lines_per_category} lines per category"),
        ),
        Term(
            "the product-week records (ledger and weekly_products)",
            _PRODUCT_WEEK_ROW * s.products * s.weeks,
            (s.products_key, horizon),
            (f"{s.products} products", f"{s.weeks} weeks"),
        ),
        Term(
            "the population tables",
            _POPULATION_ROW * (s.canteens + s.products + s.cooperatives),
            (s.canteens_key, s.products_key),
            (canteens, f"{s.products} products"),
        ),
    ]
    return sorted(terms, key=lambda t: -t.bytes)


def shown_bytes(size: float) -> str:
    """``7.3 TiB``, ``456 MiB``: a size as people say it."""
    units = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    exponent = min(int(math.log(max(size, 1), 1024)), len(units) - 1)
    value = size / 1024**exponent
    shown = f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"
    return f"{shown} {units[exponent]}"


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
