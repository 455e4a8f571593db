"""The scenario schema: every key a scenario file may hold, its type, unit and default.

This module is the only place where defaults live. A validated `Scenario` is immutable; the
model reads it and never writes back. `docs/scenario.md` documents every key defined here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, NoReturn, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
CanteenKind = Literal["government", "institution", "enterprise"]
Behaviour = Literal["even", "catch_up", "front_load", "non_compliant"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]

_WEEK_TIME = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([0-2]\d):([0-5]\d)$")


class Frozen(BaseModel):
    """Base of every scenario section: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def fail(loc: tuple[str | int, ...], value: object, problem: str) -> NoReturn:
    """Reject `value` at key path `loc` (relative to the model validating it)."""
    error = PydanticCustomError("scenario", "{problem}", {"problem": problem})
    raise ValidationError.from_exception_data(
        "Scenario", [InitErrorDetails(type=error, loc=loc, input=value)]
    )


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
    value: float


class LogNormal(Frozen):
    """A log-normal draw with the given mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean: Positive
    cv: NonNegative


class Uniform(Frozen):
    """A uniform draw in [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float

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
    start: dt.date
    end: dt.date
    seed: Annotated[int, Field(ge=0)] = 0
    description: str = ""
    observed_monthly_sales_yuan: Positive | None = None
    """A figure the scenario is calibrated against, drawn beside the simulated sales."""

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end < self.start:
            fail(("end",), self.end, f"is before start={self.start}; end must be on or after it")
        return self


class CalendarSpec(Frozen):
    """``[calendar]``: which days canteens are open."""

    open_weekdays: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    holidays: tuple[dt.date, ...] = ()
    """Public holidays: canteens closed, no deliveries."""
    workdays: tuple[dt.date, ...] = ()
    """Make-up working days that fall on a weekend: canteens open."""


class Quota(Frozen):
    """``[quota]``: the purchase quota bound canteens are audited against each month."""

    share: Share = 0.20
    basis: Literal["quantity", "value"] = "quantity"
    per: Literal["category", "total"] = "category"


class Cycle(Frozen):
    """``[cycle]``: the weekly calendar of listing, ordering and delivery."""

    listing: WeekTime = "Mon 08:00"
    order_cutoff: WeekTime = "Wed 24:00"
    delivery_days: tuple[Weekday, ...] = ("Thu", "Fri")
    lead_days: Annotated[int, Field(ge=1, le=6)] = 1
    """Days from collection at the farm to arrival at the canteen (1 = next-day)."""
    allocation: Literal["fcfs", "pro_rata"] = "fcfs"
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
    logistics_yuan_per_kg: NonNegative = 0.4
    vehicles: Annotated[int, Field(ge=1)] = 3
    vehicle_capacity_kg: Positive = 2500.0
    """Kilograms one vehicle delivers in one delivery day."""
    listing_limit: Annotated[int, Field(ge=1)] = 200
    """Products per weekly listing: staff collect the list by hand."""


class Category(Frozen):
    """``[categories.NAME]``: a kind of food canteens consume and the quota counts."""

    consumption_kg_per_diner_day: Positive
    perishable: bool
    transit_loss_at_shelf_life: Share = 0.0
    """Share lost in transit when goods arrive as old as their shelf life; grows linearly."""


class Ordering(Frozen):
    """``[ordering]``: how canteens turn their target into order lines."""

    lines_per_category: Annotated[int, Field(ge=1)] = 2
    """Listed products a canteen spreads one category's order over."""
    min_line_kg: NonNegative = 0.5
    """Smallest order line a canteen places, in kg; smaller lines are not ordered."""
    margin: NonNegative = 0.1
    """Bound canteens aim this share above the quota, against attendance noise and losses."""
    voluntary_share: Share = 0.10
    """Target aid share of canteens not bound by the quota."""
    non_compliant_factor: Share = 0.3
    """Share of the even order that a non-compliant canteen places."""


class Disruption(Frozen):
    """``[[disruptions]]``: a date range that scales attendance, transport and supply."""

    start: dt.date
    end: dt.date
    attendance: NonNegative = 1.0
    transport: NonNegative = 1.0
    supply: NonNegative = 1.0

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end < self.start:
            fail(("end",), self.end, f"is before start={self.start}; end must be on or after it")
        return self


# --- populations --------------------------------------------------------------------------------


class CooperativeRow(Frozen):
    """One cooperative (supplier): a row of the cooperatives table."""

    cooperative_id: str
    name: str
    county: str


class CooperativeGenerate(Frozen):
    """``[cooperatives.generate]``: cooperatives spread evenly over counties."""

    count: Annotated[int, Field(ge=1)]
    counties: Annotated[int, Field(ge=1)] = 1


class Cooperatives(Frozen):
    """``[cooperatives]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[CooperativeRow, ...] = ()
    generate: CooperativeGenerate | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate)
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
    capacity_cv: NonNegative = 0.2
    """Week-to-week variation of the offer (coefficient of variation)."""
    season: tuple[NonNegative, ...] = (1.0,) * 12
    """Offer factor for January … December."""

    @model_validator(mode="after")
    def _twelve_months(self) -> Self:
        if len(self.season) != 12:
            fail(("season",), list(self.season), "needs 12 factors, January to December")
        return self


class ProductClass(Frozen):
    """``[products.generate.categories.NAME]``: how products of one category are generated."""

    weight: Positive = 1.0
    """Relative number of products in this category."""
    market_price_yuan_per_kg: Distribution
    platform_markup: NonNegative = 0.0
    """Platform price = market price × (1 + markup)."""
    farm_gate_ratio: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    """Farm-gate price = platform price × ratio."""
    shelf_life_days: Distribution
    weekly_capacity_kg: Distribution
    capacity_cv: NonNegative = 0.2

    @model_validator(mode="after")
    def _positive_draws(self) -> Self:
        _require_above(self.market_price_yuan_per_kg, "market_price_yuan_per_kg", 0.0)
        _require_above(self.shelf_life_days, "shelf_life_days", 0.0)
        _require_above(self.weekly_capacity_kg, "weekly_capacity_kg", 0.0, strict=False)
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


class ProductGenerate(Frozen):
    """``[products.generate]``: products spread over the cooperatives."""

    count: Annotated[int, Field(ge=1)]
    categories: dict[str, ProductClass]


class Products(Frozen):
    """``[products]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[ProductRow, ...] = ()
    generate: ProductGenerate | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate)
        return self


class CanteenRow(Frozen):
    """One canteen: a row of the canteens table."""

    canteen_id: str
    name: str
    kind: CanteenKind
    bound: bool
    """Bound by the quota (government bodies, public institutions) or a voluntary buyer."""
    diners: Annotated[int, Field(ge=0)]
    delivery_day: Weekday
    behaviour: Behaviour = "even"
    compliance: Share = 1.0
    """Probability that the canteen places its order in a given week."""
    open_weekdays: tuple[Weekday, ...] | None = None
    """Overrides ``calendar.open_weekdays`` for this canteen."""


class CanteenGenerate(Frozen):
    """``[canteens.generate]``: a population drawn from distributions."""

    count: Annotated[int, Field(ge=1)]
    kinds: dict[CanteenKind, Positive] = Field(default_factory=lambda: {"government": 1.0})  # type: ignore[arg-type]
    """Relative frequency of each kind."""
    bound_kinds: tuple[CanteenKind, ...] = ("government", "institution")
    diners: Distribution
    behaviours: dict[Behaviour, Positive] = Field(default_factory=lambda: {"even": 1.0})  # type: ignore[arg-type]
    compliance: Distribution = Constant(dist="constant", value=1.0)


class Canteens(Frozen):
    """``[canteens]``: listed in a CSV file, inline rows, or generated."""

    file: str | None = None
    rows: tuple[CanteenRow, ...] = ()
    generate: CanteenGenerate | None = None
    attendance_cv: NonNegative = 0.1
    """Day-to-day variation of each canteen's attendance (coefficient of variation)."""

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        _require_one_source(self.file, self.rows, self.generate)
        return self


def _require_one_source(file: str | None, rows: tuple[object, ...], generate: object) -> None:
    given = [name for name, v in (("file", file), ("rows", rows), ("generate", generate)) if v]
    if len(given) > 1 and given != ["file", "rows"]:  # the loader fills rows from file
        fail((), given, "gives more than one population source; give one of file, rows, generate")
    if not given:
        fail((), None, "gives no population; set one of file, rows or generate")


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
    disruptions: tuple[Disruption, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.categories:
            fail(("categories",), {}, "is empty; define at least one [categories.NAME]")
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
        return self


def _require_unique(rows: tuple[BaseModel, ...], column: str, loc: tuple[str, ...]) -> None:
    seen: set[object] = set()
    for i, row in enumerate(rows):
        value = getattr(row, column)
        if value in seen:
            fail((*loc, "rows", i, column), value, f"is a duplicate; each {column} must be unique")
        seen.add(value)
