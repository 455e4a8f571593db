"""The calendar: simulation days ↔ dates, open days, calendar months and the weekly cycle.

The clock counts days as floats; day 0 is the scenario's start date at 00:00. Everything here is
a pure function of the scenario, computed once before the simulation starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from canteensim.scenario.schema import WEEKDAYS, Scenario

DISPATCH_HOUR_DAYS = 6 / 24
"""Trucks are loaded at 06:00 on a delivery day, after the order cutoff has closed the week."""


@dataclass(frozen=True)
class Week:
    """One weekly cycle: listing, order window and the delivery day of each delivery slot."""

    index: int
    monday: int
    listing_day: float
    cutoff_day: float
    delivery_day_by_slot: tuple[int, ...]
    """Day each delivery slot (``cycle.delivery_days``) delivers on, moved past holidays."""
    weekday_by_slot: tuple[int, ...]
    """Each delivery slot's own weekday this week, before any holiday moved it."""


@dataclass(frozen=True)
class Calendar:
    """Dates, open days, months and weeks of one scenario."""

    start: dt.date
    end: dt.date
    open_weekdays: tuple[str, ...]
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    listing_days: float
    cutoff_days: float
    delivery_weekdays: tuple[str, ...]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Calendar:
        cycle = scenario.cycle
        return cls(
            start=scenario.scenario.start,
            end=scenario.scenario.end,
            open_weekdays=scenario.calendar.open_weekdays,
            holidays=frozenset(scenario.calendar.holidays),
            workdays=frozenset(scenario.calendar.workdays),
            listing_days=cycle.listing_days,
            cutoff_days=cycle.cutoff_days,
            delivery_weekdays=cycle.delivery_days,
        )

    # --- days and dates ---

    @property
    def horizon_days(self) -> int:
        """Days from start to end, both included."""
        return (self.end - self.start).days + 1

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def is_holiday(self, day: int) -> bool:
        return self.date(day) in self.holidays

    def open_mask(self, weekday_mask: NDArray[np.bool_], days: int) -> NDArray[np.bool_]:
        """Which of days ``0 … days-1`` each canteen is open on.

        Parameters
        ----------
        weekday_mask:
            ``(canteens, 7)``: the weekdays (Monday first) each canteen opens on.
        """
        dates = [self.date(d) for d in range(days)]
        weekday = np.array([d.weekday() for d in dates], dtype=np.intp)
        mask = weekday_mask[:, weekday]
        holiday = np.array([d in self.holidays for d in dates])
        workday = np.array([d in self.workdays for d in dates])
        return np.asarray((mask & ~holiday) | workday, dtype=np.bool_)

    def weekday_mask(self, weekdays: tuple[str, ...] | None) -> NDArray[np.bool_]:
        chosen = self.open_weekdays if weekdays is None else weekdays
        return np.array([w in chosen for w in WEEKDAYS])

    # --- months ---

    def month_index(self, day: int) -> int:
        """Calendar months since the start's month (0 = the start's month)."""
        date = self.date(day)
        return (date.year - self.start.year) * 12 + date.month - self.start.month

    def months_of(self, days: NDArray[np.intp]) -> NDArray[np.intp]:
        """`month_index` of many days at once (they repeat: a few delivery days a week)."""
        unique, inverse = np.unique(days, return_inverse=True)
        return np.array([self.month_index(d) for d in unique], dtype=np.intp)[inverse]

    def month_label(self, month: int) -> str:
        year, month0 = divmod(self.start.month - 1 + month, 12)
        return f"{self.start.year + year:04d}-{month0 + 1:02d}"

    def month_bounds(self, month: int) -> tuple[int, int]:
        """First day and the day after the last day of a calendar month, as clock days."""
        year, month0 = divmod(self.start.month - 1 + month, 12)
        first = dt.date(self.start.year + year, month0 + 1, 1)
        after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return (first - self.start).days, (after - self.start).days

    @property
    def horizon_months(self) -> int:
        return self.month_index(self.horizon_days - 1) + 1

    def is_partial(self, month: int) -> bool:
        """A month the horizon does not cover from its first to its last day."""
        first, after = self.month_bounds(month)
        return first < 0 or after > self.horizon_days

    @cached_property
    def day_month(self) -> NDArray[np.intp]:
        """Month index of every day in the horizon."""
        return np.array([self.month_index(d) for d in range(self.horizon_days)], dtype=np.intp)

    # --- the weekly cycle ---

    @cached_property
    def weeks(self) -> tuple[Week, ...]:
        """Cycles whose listing is on or after the start and with a delivery day by the end.

        Canteens whose own delivery day of the last cycle falls after the end do not order in it
        (`Scheme.close_orders`).
        """
        monday = -self.start.weekday()
        while monday + self.listing_days < 0:
            monday += 7
        weeks: list[Week] = []
        while True:
            week = self.week_at(len(weeks), monday)
            if min(monday + WEEKDAYS.index(w) for w in self.delivery_weekdays) >= self.horizon_days:
                return tuple(weeks)
            weeks.append(week)
            monday += 7

    def week_at(self, index: int, monday: int) -> Week:
        return Week(
            index=index,
            monday=monday,
            listing_day=monday + self.listing_days,
            cutoff_day=monday + self.cutoff_days,
            delivery_day_by_slot=tuple(
                self.next_working_day(monday + WEEKDAYS.index(w)) for w in self.delivery_weekdays
            ),
            weekday_by_slot=tuple(monday + WEEKDAYS.index(w) for w in self.delivery_weekdays),
        )

    def next_working_day(self, day: int) -> int:
        """The day itself or, when it is a holiday, the first later day that is not."""
        while self.is_holiday(day):
            day += 1
        return day

    def delivery_days_after(self, day: int) -> list[int]:
        """The delivery days of the week after the one holding `day`, for overflow past the end."""
        monday = day - self.date(day).weekday() + 7
        return sorted(set(self.week_at(-1, monday).delivery_day_by_slot))
