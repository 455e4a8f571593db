"""The scenario schema: every key a scenario file may hold, its type, unit and default.

This module is the only place where defaults live. A validated `Scenario` is immutable; the
model reads it and never writes back. `docs/scenario.md` documents every key defined here.

Every scenario that validates can be run: numbers are finite and within the bounds of
`limits` (so that nothing overflows), and the memory one replication needs is estimated before
anything is allocated.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from canteensim.policies import ALLOCATION_RULES, BEHAVIOURS
from canteensim.scenario import limits

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CanteenKind = Literal["government", "institution", "enterprise"]
if TYPE_CHECKING:  # the names are data, so a type checker sees text; pydantic checks them
    Behaviour = str
    AllocationRule = str
else:
    Behaviour = Literal[BEHAVIOURS.names]
    AllocationRule = Literal[ALLOCATION_RULES.names]

RESERVED_CATEGORY = "total"
"""The category name of the all-categories rows of ``canteen_months`` (`model.tables.TOTAL`)."""

# --- numbers and dates --------------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_WHOLE = re.compile(r"[+-]?\d+")


def _number(value: Any) -> Any:
    """A number as written. TOML gives numbers; CSV cells come as text, which may use full-width
    digits (``１２``) or thousands separators (``1,200``), as a spreadsheet shows them.

    A boolean is not a number, though Python counts it as one: ``vehicles = true`` must not
    become one vehicle.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("bool_not_number", "input should be a number, not true or false")
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        float(text)
    except ValueError:
        return value  # not a number: the type's own error shows it as written
    return text


def _whole_number(value: Any) -> Any:
    """`_number`; text such as ``1.2E+03`` or ``12.0`` (spreadsheets write them) as an integer."""
    value = _number(value)
    if isinstance(value, str) and not _WHOLE.fullmatch(value):
        try:
            number = float(value)
        except ValueError:
            return value
        if math.isfinite(number) and number.is_integer():
            return int(number)
    return value


Real = BeforeValidator(_number)
Whole = BeforeValidator(_whole_number)
Share = Annotated[float, Real, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Real, Field(ge=0.0)]
Positive = Annotated[float, Real, Field(gt=0.0)]
Cv = Annotated[float, Real, Field(ge=0.0, le=limits.MAX_CV)]
"""A coefficient of variation (standard deviation ÷ mean)."""
Weight = Annotated[float, Real, Field(gt=0.0, le=limits.MAX_WEIGHT)]
"""A relative weight: the chance of a kind, behaviour or category is weight ÷ sum of weights."""
Count = Annotated[int, Whole, Field(ge=1, le=limits.MAX_ROWS)]
"""How many members a generated population has."""
DistributionValue = Annotated[
    float, Real, Field(ge=-limits.MAX_DISTRIBUTION_VALUE, le=limits.MAX_DISTRIBUTION_VALUE)
]


def _in_calendar(day: dt.date) -> dt.date:
    if not limits.EARLIEST_DATE <= day <= limits.LATEST_DATE:
        raise PydanticCustomError(
            "date_range",
            "is outside the dates canteensim accepts; give a date from {earliest} to {latest}",
            {"earliest": str(limits.EARLIEST_DATE), "latest": str(limits.LATEST_DATE)},
        )
    return day


Day = Annotated[dt.date, AfterValidator(_in_calendar)]

_WEEK_TIME = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([0-2]\d):([0-5]\d)$")


class Frozen(BaseModel):
    """Base of every scenario section: immutable, unknown keys are errors, numbers are finite."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )


def fail(loc: tuple[str | int, ...], value: object, problem: str) -> NoReturn:
    """Reject `value` at key path `loc` (relative to the model validating it)."""
    error = PydanticCustomError("scenario", "{problem}", {"problem": problem})
    raise ValidationError.from_exception_data(
        "Scenario", [InitErrorDetails(type=error, loc=loc, input=value)]
    )


class Shown(str):
    """A value shown as it reads, not quoted: ``8391 canteens × 8 categories``."""

    def __repr__(self) -> str:
        return str(self)


def week_time_days(text: str) -> float:
    """Return a weekly time such as ``"Wed 24:00"`` as days after Monday 00:00."""
    match = _WEEK_TIME.match(text)
    if match is None or int(match[2]) * 60 + int(match[3]) > 24 * 60:
        raise ValueError(f"{text!r} is not a weekly time like 'Mon 08:00' or 'Wed 24:00'")
    return WEEKDAYS.index(match[1]) + (int(match[2]) + int(match[3]) / 60) / 24


def _check_week_time(text: str) -> str:
    week_time_days(text)
    return text


WeekTime = Annotated[str, AfterValidator(_check_week_time)]


# --- distributions, for generated populations --------------------------------------------------


class Constant(Frozen):
    """Every member gets the same value."""

    dist: Literal["constant"]
    value: DistributionValue


class LogNormal(Frozen):
    """A log-normal draw with the given mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean: Annotated[Positive, Field(le=limits.MAX_DISTRIBUTION_VALUE)]
    cv: Cv


class Uniform(Frozen):
    """A uniform draw in [low, high]."""

    dist: Literal["uniform"]
    low: DistributionValue
    high: DistributionValue

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            fail(("high",), self.high, f"must not be below low={self.low}")
        return self


Distribution = Annotated[Constant | LogNormal | Uniform, Field(discriminator="dist")]


# --- scenario sections --------------------------------------------------------------------------


class ScenarioInfo(Frozen):
    """``[scenario]``: name, horizon and seed."""

    name: str
    start: Day
    end: Day
    seed: Annotated[int, Whole, Field(ge=0, le=limits.MAX_SEED)] = 0
    description: str = ""
    observed_monthly_sales_yuan: (
        Annotated[Positive, Field(le=limits.MAX_OBSERVED_SALES_YUAN)] | None
    ) = None
    """A figure the scenario is calibrated against, drawn beside the simulated sales."""

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end < self.start:
            fail(("end",), self.end, f"is before start={self.start}; end must be on or after it")
        too_late = limits.years_later(self.start, limits.MAX_HORIZON_YEARS)
        if self.end >= too_late:
            fail(
                ("end",),
                self.end,
                f"is {limits.MAX_HORIZON_YEARS} years or more after start={self.start}; the "
                f"horizon may be at most {limits.MAX_HORIZON_YEARS} years: end by "
                f"{too_late - dt.timedelta(days=1)}",
            )
        return self


class CalendarSpec(Frozen):
    """``[calendar]``: which days canteens are open."""

    open_weekdays: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    holidays: tuple[Day, ...] = ()
    """Public holidays: canteens closed, no deliveries."""
    workdays: tuple[Day, ...] = ()
    """Make-up working days that fall on a weekend: canteens open."""


class Quota(Frozen):
    """``[quota]``: the purchase quota bound canteens are audited against each period."""

    share: Share = 0.20
    basis: Literal["quantity", "value"] = "quantity"
    per: Literal["category", "total"] = "category"
    period: Literal["month", "quarter", "year"] = "month"
    """The calendar period each audit covers."""


class Cycle(Frozen):
    """``[cycle]``: the weekly calendar of listing, ordering and delivery."""

    listing: WeekTime = "Mon 08:00"
    order_cutoff: WeekTime = "Wed 24:00"
    delivery_days: tuple[Weekday, ...] = ("Thu", "Fri")
    lead_days: Annotated[int, Whole, Field(ge=1, le=6)] = 1
    """Days from collection at the farm to arrival at the canteen (1 = next-day)."""
    allocation: AllocationRule = "fcfs"
    substitution: bool = True

    @model_validator(mode="after")
    def _ordered_week(self) -> Self:
        listing, cutoff = week_time_days(self.listing), week_time_days(self.order_cutoff)
        if cutoff <= listing:
            fail(("order_cutoff",), self.order_cutoff, f"must come after listing={self.listing!r}")
        days = list(self.delivery_days)
        if not days:
            fail(("delivery_days",), days, "is empty; give at least one weekday, e.g. ['Thu']")
        early = [d for d in days if WEEKDAYS.index(d) < cutoff]
        if early:
            fail(
                ("delivery_days",),
                days,
                f"has {early} before order_cutoff={self.order_cutoff!r}; "
                "deliveries must fall after the cutoff in the same week",
            )
        if len(set(days)) != len(days):
            fail(("delivery_days",), days, "repeats a day; list each weekday once")
        return self

    @property
    def listing_days(self) -> float:
        return week_time_days(self.listing)

    @property
    def cutoff_days(self) -> float:
        return week_time_days(self.order_cutoff)


class Platform(Frozen):
    """``[platform]``: the e-commerce platform that lists, consolidates and delivers."""

    commission: Share = 0.05
    """Share of canteen spend the platform keeps."""
    logistics_yuan_per_kg: Annotated[NonNegative, Field(le=limits.MAX_LOGISTICS_YUAN_PER_KG)] = 0.4
    vehicles: Annotated[int, Whole, Field(ge=1, le=limits.MAX_VEHICLES)] = 3
    vehicle_capacity_kg: Annotated[Positive, Field(le=limits.MAX_VEHICLE_CAPACITY_KG)] = 2500.0
    """Kilograms one vehicle delivers in one delivery day."""
    listing_limit: Annotated[int, Whole, Field(ge=1, le=limits.MAX_LISTING_LIMIT)] = 200
    """Products per weekly listing: staff collect the list by hand."""


class Category(Frozen):
    """``[categories.NAME]``: a kind of food canteens consume and the quota counts."""

    consumption_kg_per_diner_day: Annotated[
        Positive, Field(le=limits.MAX_CONSUMPTION_KG_PER_DINER_DAY)
    ]
    perishable: bool
    transit_loss_at_shelf_life: Share = 0.0
    """Share lost in transit when goods arrive as old as their shelf life; grows linearly."""
    reference_price_yuan_per_kg: (
        Annotated[Positive, Field(le=limits.MAX_PRICE_YUAN_PER_KG)] | None
    ) = None
    """Market price that values the category's consumption for a quota by value; by default the
    mean market price of its products."""


class Ordering(Frozen):
    """``[ordering]``: how canteens turn their target into order lines."""

    lines_per_category: Annotated[int, Whole, Field(ge=1, le=limits.MAX_LINES_PER_CATEGORY)] = 2
    """Listed products a canteen spreads one category's order over."""
    min_line_kg: Annotated[NonNegative, Field(le=limits.MAX_MIN_LINE_KG)] = 0.5
    """Smallest order line a canteen places, in kg: a smaller need goes into fewer lines, and
    one below a single line is rounded up to it."""
    round_up_small_lines: bool = True
    """Round a need below one line up to it; off, such a need is not ordered."""
    margin: Annotated[NonNegative, Field(le=limits.MAX_MARGIN)] = 0.1
    """Bound canteens aim this share above the quota, against attendance noise and losses."""
    voluntary_share: Share = 0.10
    """Target aid share of canteens not bound by the quota."""
    non_compliant_factor: Share = 0.3
    """Share of the even order that a non-compliant canteen places."""


class Consumers(Frozen):
    """``[consumers]``: employees and households who order from the same weekly list,
    voluntarily, and collect their orders at pickup points (canteens, stations)."""

    households: Annotated[int, Whole, Field(ge=0, le=limits.MAX_HOUSEHOLDS)] = 0
    """Households that may order; none by default."""
    pickup_points: Annotated[int, Whole, Field(ge=1, le=limits.MAX_PICKUP_POINTS)] = 1
    """Where households collect orders: each is one load on its delivery day, households shared
    evenly among them and delivery days in turn."""
    participation: Share = 0.1
    """Chance that a household orders in a given week."""
    basket_kg: dict[str, Annotated[NonNegative, Field(le=limits.MAX_BASKET_KG)]] = Field(
        default_factory=dict
    )
    """Kg of each category a household that orders buys in a week, were platform prices equal to
    market prices."""
    price_elasticity: Annotated[float, Real, Field(ge=-10.0, le=0.0)] = -1.0
    """How the basket follows price: kg × (platform price ÷ market price) ^ elasticity."""


UncertainRange = tuple[Annotated[float, Real], Annotated[float, Real]]
"""``[low, high]`` of an uncertain number (``[uncertainty]``)."""

Factor = Annotated[NonNegative, Field(le=limits.MAX_DISRUPTION_FACTOR)]
FACTORS = ("attendance", "transport", "supply")
"""What a disruption scales."""


class Disruption(Frozen):
    """``[[disruptions]]``: a date range that scales attendance, transport and supply."""

    start: Day
    end: Day
    attendance: Factor = 1.0
    transport: Factor = 1.0
    supply: Factor = 1.0
    announced: Day | None = None
    """The day canteens learn of it and plan their orders by it; by default its start."""

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end < self.start:
            fail(("end",), self.end, f"is before start={self.start}; end must be on or after it")
        if self.announced is not None and self.announced > self.start:
            fail(
                ("announced",),
                self.announced,
                f"is after start={self.start}; a disruption is known by the day it starts",
            )
        return self

    @property
    def announced_on(self) -> dt.date:
        return self.start if self.announced is None else self.announced


# --- populations --------------------------------------------------------------------------------


class CooperativeRow(Frozen):
    """One cooperative (supplier): a row of the cooperatives table."""

    cooperative_id: str
    name: str
    county: str


class CooperativeGenerate(Frozen):
    """``[cooperatives.generate]``: cooperatives spread evenly over counties."""

    count: Count
    counties: Annotated[int, Whole, Field(ge=1, le=limits.MAX_COUNTIES)] = 1


class Cooperatives(Frozen):
    """``[cooperatives]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[CooperativeRow, ...] = ()
    generate: CooperativeGenerate | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate, "cooperatives")
        return self


class ProductRow(Frozen):
    """One product a cooperative offers: a row of the products table."""

    product_id: str
    name: str
    cooperative_id: str
    category: str
    platform_price_yuan_per_kg: Positive
    farm_gate_price_yuan_per_kg: Positive
    market_price_yuan_per_kg: Positive
    shelf_life_days: Positive
    weekly_capacity_kg: NonNegative
    capacity_cv: Cv = 0.2
    """Week-to-week variation of the offer (coefficient of variation)."""
    season: tuple[Annotated[NonNegative, Field(le=limits.MAX_SEASON_FACTOR)], ...] = (1.0,) * 12
    """Offer factor for January … December."""

    @model_validator(mode="after")
    def _twelve_months(self) -> Self:
        if len(self.season) != 12:
            fail(("season",), list(self.season), "needs 12 factors, January to December")
        return self


class ProductClass(Frozen):
    """``[products.generate.categories.NAME]``: how products of one category are generated."""

    weight: Weight = 1.0
    """Relative number of products in this category."""
    market_price_yuan_per_kg: Distribution
    platform_markup: Annotated[NonNegative, Field(le=limits.MAX_MARKUP)] = 0.0
    """Platform price = market price × (1 + markup)."""
    farm_gate_ratio: Annotated[float, Real, Field(ge=limits.MIN_FARM_GATE_RATIO, le=1.0)] = 0.5
    """Farm-gate price = platform price × ratio."""
    shelf_life_days: Distribution
    weekly_capacity_kg: Distribution
    capacity_cv: Cv = 0.2

    @model_validator(mode="after")
    def _positive_draws(self) -> Self:
        _require_above(self.market_price_yuan_per_kg, "market_price_yuan_per_kg", 0.0)
        _require_above(self.shelf_life_days, "shelf_life_days", 0.0)
        _require_above(self.weekly_capacity_kg, "weekly_capacity_kg", 0.0, strict=False)
        for key in ("market_price_yuan_per_kg", "shelf_life_days", "weekly_capacity_kg"):
            _require_at_most(getattr(self, key), key, PRODUCT_RANGES[key])
        return self


def _require_above(
    dist: Constant | LogNormal | Uniform, key: str, bound: float, strict: bool = True
) -> None:
    """Reject a distribution that can draw a value at or below `bound` (below, if not strict)."""
    lowest = (
        dist.value
        if isinstance(dist, Constant)
        else dist.low
        if isinstance(dist, Uniform)
        else None
    )
    if lowest is not None and (lowest <= bound if strict else lowest < bound):
        relation = "above" if strict else "at least"
        fail((key,), lowest, f"can be drawn; every draw must be {relation} {bound:g}")


def _require_at_most(dist: Constant | LogNormal | Uniform, key: str, bound: Range) -> None:
    """Reject a distribution whose values (its mean, for a log-normal) exceed `bound`.

    A log-normal may still draw past it, rarely: generated rows are not held to the bounds of
    listed rows, only kept finite, which bounded parameters ensure.
    """
    if isinstance(dist, Constant):
        where, highest = "value", dist.value
    elif isinstance(dist, Uniform):
        where, highest = "high", dist.high
    else:
        where, highest = "mean", dist.mean
    if highest > bound.high:
        fail((key, where), highest, bound.above())


class ProductGenerate(Frozen):
    """``[products.generate]``: products spread over the cooperatives."""

    count: Count
    categories: dict[str, ProductClass]

    @model_validator(mode="after")
    def _some_category(self) -> Self:
        if not self.categories:
            fail(
                ("categories",),
                {},
                "is empty; describe at least one, as [products.generate.categories.NAME]",
            )
        return self


class Products(Frozen):
    """``[products]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[ProductRow, ...] = ()
    generate: ProductGenerate | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate, "products")
        _require_within(self.rows, PRODUCT_RANGES)
        return self


class CanteenRow(Frozen):
    """One canteen: a row of the canteens table."""

    canteen_id: str
    name: str
    kind: CanteenKind
    bound: bool
    """Bound by the quota (government bodies, public institutions) or a voluntary buyer."""
    diners: Annotated[int, Whole, Field(ge=0)]
    delivery_day: Weekday
    behaviour: Behaviour | None = None
    """How it orders; by default ``tracking`` when bound, ``even`` when not."""
    compliance: Share = 1.0
    """Probability that the canteen places its order in a given week."""
    open_weekdays: tuple[Weekday, ...] | None = None
    """Overrides ``calendar.open_weekdays`` for this canteen."""


class CanteenGenerate(Frozen):
    """``[canteens.generate]``: a population drawn from distributions."""

    count: Count
    kinds: dict[CanteenKind, Weight] = Field(default_factory=lambda: {"government": 1.0})  # type: ignore[arg-type]
    """Relative frequency of each kind."""
    bound_kinds: tuple[CanteenKind, ...] = ("government", "institution")
    diners: Distribution
    behaviours: dict[Behaviour, Weight] | None = None
    """Relative frequency of each behaviour; by default ``tracking`` when bound, else ``even``."""
    compliance: Distribution = Constant(dist="constant", value=1.0)

    @model_validator(mode="after")
    def _drawable(self) -> Self:
        for key, example in (("kinds", "government"), ("behaviours", "even")):
            if getattr(self, key) == {}:
                fail((key,), {}, f"is empty; give at least one with its weight, e.g. {example} = 1")
        _require_at_most(self.diners, "diners", CANTEEN_RANGES["diners"])
        return self


class Canteens(Frozen):
    """``[canteens]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[CanteenRow, ...] = ()
    generate: CanteenGenerate | None = None
    attendance_cv: Cv = 0.1
    """Day-to-day variation of each canteen's attendance (coefficient of variation)."""

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate, "canteens")
        _require_within(self.rows, CANTEEN_RANGES)
        return self


def _require_one_source(
    file: str | None, rows: tuple[object, ...], generate: object, table: str
) -> None:
    given = [name for name, v in (("file", file), ("rows", rows), ("generate", generate)) if v]
    if len(given) > 1 and given != ["file", "rows"]:  # the loader fills rows from file
        fail((), given, "gives more than one population source; give one of file, rows, generate")
    if file and not rows:  # the loader says so first, naming the CSV file
        fail(("file",), file, f"has no rows; list the {table} below its header row")
    if not given:
        fail((), None, "gives no population; set one of file, rows or generate")
    if len(rows) > limits.MAX_ROWS:
        fail(("rows",), Shown(f"{len(rows)} rows"), f"are too many; at most {limits.MAX_ROWS:,}")


@dataclass(frozen=True)
class Range:
    """The values a key of a listed row may take (`_require_within`)."""

    low: float
    high: float
    unit: str

    def below(self) -> str:
        return f"input should be greater than or equal to {self.low:.15g} {self.unit}"

    def above(self) -> str:
        return f"input should be less than or equal to {self.high:.15g} {self.unit}"


_PRICE = Range(limits.MIN_PRICE_YUAN_PER_KG, limits.MAX_PRICE_YUAN_PER_KG, "yuan/kg")
PRODUCT_RANGES = {
    "platform_price_yuan_per_kg": _PRICE,
    "farm_gate_price_yuan_per_kg": _PRICE,
    "market_price_yuan_per_kg": _PRICE,
    "shelf_life_days": Range(limits.MIN_SHELF_LIFE_DAYS, limits.MAX_SHELF_LIFE_DAYS, "days"),
    "weekly_capacity_kg": Range(0, limits.MAX_WEEKLY_CAPACITY_KG, "kg a week"),
}
CANTEEN_RANGES = {"diners": Range(0, limits.MAX_DINERS, "diners")}
"""Bounds of listed rows. They are not field constraints because the model builds generated
rows with the same classes from draws, and a log-normal draw may land past them; a generated
population is bounded through its distributions' parameters instead (`_require_at_most`)."""


def _require_within(rows: tuple[BaseModel, ...], ranges: dict[str, Range]) -> None:
    for i, row in enumerate(rows):
        for key, bound in ranges.items():
            value = getattr(row, key)
            if not bound.low <= value <= bound.high:
                fail(("rows", i, key), value, bound.below() if value < bound.low else bound.above())


# --- the whole scenario -------------------------------------------------------------------------


class Scenario(Frozen):
    """A validated, immutable scenario: everything one simulation needs, tables included."""

    scenario: ScenarioInfo
    calendar: CalendarSpec = CalendarSpec()
    quota: Quota = Quota()
    cycle: Cycle = Cycle()
    platform: Platform = Platform()
    ordering: Ordering = Ordering()
    categories: dict[str, Category]
    cooperatives: Cooperatives
    products: Products
    canteens: Canteens
    consumers: Consumers = Consumers()
    disruptions: tuple[Disruption, ...] = ()
    uncertainty: dict[str, UncertainRange] = Field(default_factory=dict)
    """Assumptions whose value is uncertain: dotted key → [low, high], what ``sensitivity``
    varies by default (`_require_uncertain_ranges`)."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.categories:
            fail(("categories",), {}, "is empty; define at least one [categories.NAME]")
        if len(self.categories) > limits.MAX_CATEGORIES:
            count = Shown(f"{len(self.categories)} categories")
            fail(("categories",), count, f"are too many; at most {limits.MAX_CATEGORIES:,}")
        if RESERVED_CATEGORY in self.categories:
            fail(
                ("categories", RESERVED_CATEGORY),
                RESERVED_CATEGORY,
                "is reserved: canteen_months names its all-categories rows so; rename the category",
            )
        known = sorted(self.categories)
        generated = self.products.generate.categories if self.products.generate else {}
        for name in generated:
            if name not in self.categories:
                fail(
                    ("products", "generate", "categories", name),
                    name,
                    f"is a category with no consumption; add [categories.{name}] or use one of "
                    f"{known}",
                )
        for i, row in enumerate(self.products.rows):
            if row.category not in self.categories:
                fail(
                    ("products", "rows", i, "category"),
                    row.category,
                    f"has no consumption; add [categories.{row.category}] or use one of {known}",
                )
        for name in self.consumers.basket_kg:
            if name not in self.categories:
                fail(
                    ("consumers", "basket_kg", name),
                    name,
                    f"is not a category; use one of {known}",
                )
        _require_valued(self)
        _require_unique(self.products.rows, "product_id", ("products",))
        _require_unique(self.canteens.rows, "canteen_id", ("canteens",))
        _require_unique(self.cooperatives.rows, "cooperative_id", ("cooperatives",))
        if self.products.rows and not self.cooperatives.rows:
            fail(
                ("cooperatives",),
                "generate",
                "must be listed (file or rows) when products are listed, "
                "so that each product's cooperative_id names one",
            )
        cooperative_ids = {c.cooperative_id for c in self.cooperatives.rows}
        for i, row in enumerate(self.products.rows):
            if row.cooperative_id not in cooperative_ids:
                fail(
                    ("products", "rows", i, "cooperative_id"),
                    row.cooperative_id,
                    "is not in the cooperatives table",
                )
        for i, canteen in enumerate(self.canteens.rows):
            if canteen.delivery_day not in self.cycle.delivery_days:
                fail(
                    ("canteens", "rows", i, "delivery_day"),
                    canteen.delivery_day,
                    f"is not one of cycle.delivery_days={list(self.cycle.delivery_days)}",
                )
        if len(self.disruptions) > limits.MAX_DISRUPTIONS:
            count = Shown(f"{len(self.disruptions)} disruptions")
            fail(("disruptions",), count, f"are too many; at most {limits.MAX_DISRUPTIONS:,}")
        _require_overlaps_bounded(self.disruptions)
        _require_uncertain_ranges(self)
        _require_memory(self)
        return self


def _require_uncertain_ranges(scenario: Scenario) -> None:
    """Each ``[uncertainty]`` key is a number of a section (settable by a dotted key, as
    ``--set`` does), and its range lies within that number's bounds.

    Only the section holding the key is validated at the two ends, not the whole scenario: that
    stays cheap for a scenario copied for every point of a sensitivity analysis. An integer key
    (``platform.vehicles``) is checked at its ends rounded, as the analysis sets it.
    """
    for key, (low, high) in scenario.uncertainty.items():
        loc = ("uncertainty", key)
        if not low < high:
            fail(loc, [low, high], "is not a range; give [low, high] with low below high")
        section, leaf = uncertain_key(scenario, key)
        value = getattr(section, leaf)
        for end, name in ((low, "low"), (high, "high")):
            shown = round(end) if isinstance(value, int) else end
            try:
                type(section).model_validate({**section.model_dump(), leaf: shown})
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                fail(loc, [low, high], f"{name} = {shown:g} is out of {key}'s bounds: {problem}")


def uncertain_key(scenario: Scenario, key: str) -> tuple[BaseModel, str]:
    """The section holding the number at dotted `key` and the key's last part; a `fail` naming
    the key when it is not a number a dotted key can set."""
    loc = ("uncertainty", key)
    parts = key.split(".")
    node: Any = scenario
    parent: Any = None
    for depth, part in enumerate(parts):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            parent, node = node, getattr(node, part)
        elif isinstance(node, dict) and part in node:
            parent, node = node, node[part]
        elif isinstance(node, tuple):
            items = ".".join(parts[:depth])
            fail(loc, key, f"goes into the list {items}; a dotted key cannot set one of its items")
        else:
            fail(loc, key, f"is not a scenario key ({where} does not exist)")
    if not isinstance(parent, BaseModel) or isinstance(node, bool):
        fail(loc, key, "is not a number of a section; give a key like ordering.margin")
    if not isinstance(node, int | float):
        fail(loc, key, f"is {type(node).__name__}, not a number; give a key holding a number")
    return parent, parts[-1]


def _require_valued(scenario: Scenario) -> None:
    """A quota by value on the total counts the consumption of every category in yuan: one no
    product belongs to needs a price to be valued at."""
    if (scenario.quota.basis, scenario.quota.per) != ("value", "total"):
        return
    generated = scenario.products.generate.categories if scenario.products.generate else {}
    with_products = {row.category for row in scenario.products.rows} | set(generated)
    for name, category in scenario.categories.items():
        if name not in with_products and category.reference_price_yuan_per_kg is None:
            fail(
                ("categories", name, "reference_price_yuan_per_kg"),
                None,
                "is needed: no product is of this category, and a quota by value on the total "
                "values its consumption at this market price (yuan/kg)",
            )


def _require_unique(rows: tuple[BaseModel, ...], column: str, loc: tuple[str, ...]) -> None:
    seen: set[object] = set()
    for i, row in enumerate(rows):
        value = getattr(row, column)
        if value in seen:
            fail((*loc, "rows", i, column), value, f"is a duplicate; each {column} must be unique")
        seen.add(value)


def _require_overlaps_bounded(disruptions: tuple[Disruption, ...]) -> None:
    """Overlapping disruptions multiply their factors: keep the product within bounds too.

    A sweep over the days where disruptions start or end, adding logarithms, so that thousands
    of disruptions cost thousands of steps; a factor of 0 makes the product 0 while it holds.
    """
    bound = math.log(limits.MAX_DISRUPTION_FACTOR) + 1e-9
    changes: dict[dt.date, list[tuple[int, int]]] = {}
    for i, disruption in enumerate(disruptions):
        changes.setdefault(disruption.start, []).append((i, 1))
        changes.setdefault(disruption.end + dt.timedelta(days=1), []).append((i, -1))
    for name in FACTORS:
        log_product, zeros, active = 0.0, 0, set[int]()
        for day in sorted(changes):
            for i, sign in changes[day]:
                factor = getattr(disruptions[i], name)
                zeros += sign * (factor == 0)
                log_product += sign * math.log(factor) if factor else 0.0
                active.symmetric_difference_update({i})
            if not zeros and log_product > bound:
                worst = max(sorted(active), key=lambda i: getattr(disruptions[i], name))
                fail(
                    ("disruptions", worst, name),
                    getattr(disruptions[worst], name),
                    f"overlaps other disruptions on {day}, where their {name} factors multiply "
                    f"to {math.exp(log_product):.4g}; at most {limits.MAX_DISRUPTION_FACTOR:g} "
                    "on any day",
                )


def _require_memory(scenario: Scenario) -> None:
    """Reject a scenario whose biggest arrays would not fit (`limits.estimate_memory`)."""
    terms = limits.estimate_memory(sizes_of(scenario))
    total = sum(term.bytes for term in terms)
    if total <= limits.MEMORY_LIMIT_BYTES:
        return
    biggest = terms[0]
    fail(
        (" × ".join(biggest.keys),),
        Shown(" × ".join(biggest.sizes)),
        f"{biggest.what} would need about {limits.shown_bytes(biggest.bytes)} of memory "
        f"({limits.shown_bytes(total)} in all for one replication); canteensim allows at most "
        f"{limits.shown_bytes(limits.MEMORY_LIMIT_BYTES)}: lower one of them",
    )


def sizes_of(scenario: Scenario) -> limits.Sizes:
    """What the memory of one replication of `scenario` grows with (`limits.estimate_memory`)."""
    canteens, products = scenario.canteens, scenario.products
    cooperatives = scenario.cooperatives
    return limits.Sizes(
        canteens=(canteens.generate.count if canteens.generate else len(canteens.rows))
        + (scenario.consumers.pickup_points if scenario.consumers.households else 0),
        # pickup points are buyers' rows like canteens
        canteens_key=_population_key("canteens", canteens.file, canteens.generate),
        products=products.generate.count if products.generate else len(products.rows),
        products_key=_population_key("products", products.file, products.generate),
        cooperatives=(
            cooperatives.generate.count if cooperatives.generate else len(cooperatives.rows)
        ),
        categories=len(scenario.categories),
        lines_per_category=scenario.ordering.lines_per_category,
        start=scenario.scenario.start,
        end=scenario.scenario.end,
    )


def _population_key(table: str, file: str | None, generate: object) -> str:
    return f"{table}.generate.count" if generate else f"{table}.file" if file else f"{table}.rows"
