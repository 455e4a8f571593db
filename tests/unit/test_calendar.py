"""The calendar: weeks of the cycle, holidays moving delivery days, months, open days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from canteensim.model.calendar import Calendar, Week
from canteensim.scenario.schema import WEEKDAYS

D = dt.date
FEB_1, FEB_28 = D(2021, 2, 1), D(2021, 2, 28)


def calendar(
    start: dt.date = FEB_1,
    end: dt.date = FEB_28,
    *,
    holidays: tuple[dt.date, ...] = (),
    workdays: tuple[dt.date, ...] = (),
    delivery: tuple[str, ...] = ("Thu", "Fri"),
    listing: float = 8 / 24,
    cutoff: float = 3.0,
    open_weekdays: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri"),
) -> Calendar:
    return Calendar(
        start=start,
        end=end,
        open_weekdays=open_weekdays,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        listing_days=listing,
        cutoff_days=cutoff,
        delivery_weekdays=delivery,
    )


def mon_fri() -> np.ndarray:
    return np.array([[True] * 5 + [False] * 2])


# --- weeks ---------------------------------------------------------------------------------------


def test_weeks_of_a_month_starting_on_monday() -> None:
    weeks = calendar().weeks
    assert weeks == tuple(
        Week(
            index=i,
            monday=7 * i,
            listing_day=7 * i + 8 / 24,
            cutoff_day=7 * i + 3.0,
            delivery_day_by_slot=(7 * i + 3, 7 * i + 4),
            weekday_by_slot=(7 * i + 3, 7 * i + 4),
        )
        for i in range(4)
    )


def test_start_after_monday_listing_waits_for_the_next_monday() -> None:
    # Tuesday 2021-02-02: this week's listing (Mon 08:00) is before the start.
    weeks = calendar(start=D(2021, 2, 2)).weeks
    assert [w.monday for w in weeks] == [6, 13, 20]
    assert calendar(start=D(2021, 2, 2)).date(weeks[0].monday) == D(2021, 2, 8)


def test_weeks_end_with_the_last_cycle_delivered_in_the_horizon() -> None:
    # Ends Wednesday 24th: week 3 (Monday 22nd) would deliver on Thursday 25th, past the end.
    assert len(calendar(end=D(2021, 2, 24)).weeks) == 3
    assert len(calendar(end=D(2021, 2, 26)).weeks) == 4
    assert len(calendar(end=D(2021, 2, 25), delivery=("Thu",)).weeks) == 4
    # (a cycle with one delivery day in the horizon and one past it: see
    # tests/model/test_months_and_holidays.py, test_a_delivery_inside_the_horizon_...)


def test_a_horizon_shorter_than_a_cycle_has_no_weeks() -> None:
    assert calendar(end=D(2021, 2, 3)).weeks == ()


def test_holiday_moves_delivery_day_to_the_next_non_holiday() -> None:
    # Thursday 2021-02-11 is a holiday: that week's Thursday slot delivers on Friday the 12th.
    weeks = calendar(holidays=(D(2021, 2, 11),)).weeks
    assert weeks[1].delivery_day_by_slot == (11, 11)
    assert weeks[0].delivery_day_by_slot == (3, 4)
    assert weeks[2].delivery_day_by_slot == (17, 18)


def test_consecutive_holidays_move_delivery_past_all_of_them() -> None:
    # Spring festival 2021: 11th to 17th. Thu 11 and Fri 12 both move to Thursday 18th.
    festival = tuple(D(2021, 2, d) for d in range(11, 18))
    cal = calendar(holidays=festival)
    assert cal.weeks[1].delivery_day_by_slot == (17, 17)
    assert cal.next_working_day(10) == 17
    assert cal.next_working_day(9) == 9


def test_holidays_do_not_move_listing_or_cutoff() -> None:
    week = calendar(holidays=(D(2021, 2, 8), D(2021, 2, 10))).weeks[1]
    assert (week.listing_day, week.cutoff_day) == (7 + 8 / 24, 10.0)


def test_delivery_days_after_is_next_weeks_delivery_days() -> None:
    cal = calendar(holidays=(D(2021, 3, 4),))
    # Day 24 is Thursday 25 February; next week's Thursday (4 March) is a holiday → Friday 5.
    assert cal.delivery_days_after(24) == [32]
    assert calendar().delivery_days_after(26) == [31, 32]


# --- days and months -----------------------------------------------------------------------------


def test_dates_and_horizon() -> None:
    cal = calendar()
    assert cal.horizon_days == 28
    assert cal.date(0) == D(2021, 2, 1)
    assert cal.date(27) == D(2021, 2, 28)
    assert cal.is_holiday(10) is False
    assert calendar(holidays=(D(2021, 2, 11),)).is_holiday(10) is True


def test_month_index_label_and_bounds_across_a_year_end() -> None:
    cal = calendar(start=D(2020, 11, 16), end=D(2021, 1, 10))
    assert cal.horizon_days == 56
    assert [cal.month_index(d) for d in (0, 14, 15, 45, 46, 55)] == [0, 0, 1, 1, 2, 2]
    assert [cal.month_label(m) for m in range(3)] == ["2020-11", "2020-12", "2021-01"]
    assert cal.month_bounds(0) == (-15, 15)  # 1 November is 15 days before the start
    assert cal.month_bounds(1) == (15, 46)
    assert cal.month_bounds(2) == (46, 77)
    assert cal.horizon_months == 3
    assert cal.day_month.tolist() == [0] * 15 + [1] * 31 + [2] * 10
    assert cal.months_of(np.array([46, 0, 20, 46])).tolist() == [2, 0, 1, 2]


def test_partial_months_are_the_ones_the_horizon_cuts() -> None:
    cal = calendar(start=D(2021, 3, 15), end=D(2021, 5, 31))
    assert [cal.is_partial(m) for m in range(3)] == [True, False, False]
    cal = calendar(start=D(2021, 3, 1), end=D(2021, 4, 29))
    assert [cal.is_partial(m) for m in range(2)] == [False, True]
    assert calendar().is_partial(0) is False
    # A month after the horizon (late deliveries spill into it) is partial too.
    assert calendar().is_partial(1) is True


def test_february_of_a_leap_year() -> None:
    cal = calendar(start=D(2020, 2, 1), end=D(2020, 2, 29))
    assert cal.month_bounds(0) == (0, 29)
    assert cal.is_partial(0) is False
    assert cal.horizon_months == 1


# --- open days -----------------------------------------------------------------------------------


def test_weekday_mask_defaults_to_the_calendar_and_accepts_overrides() -> None:
    cal = calendar()
    assert cal.weekday_mask(None).tolist() == [True] * 5 + [False] * 2
    assert cal.weekday_mask(("Mon", "Sat")).tolist() == [
        True,
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    assert len(WEEKDAYS) == 7


def test_open_mask_weekdays() -> None:
    mask = calendar().open_mask(mon_fri(), 14)
    assert mask.tolist() == [[True] * 5 + [False] * 2 + [True] * 5 + [False] * 2]


def test_open_mask_closes_holidays_and_opens_make_up_workdays() -> None:
    cal = calendar(holidays=(D(2021, 2, 11), D(2021, 2, 12)), workdays=(D(2021, 2, 7),))
    mask = cal.open_mask(mon_fri(), 14)[0]
    # Sunday 7th is a make-up working day; Thursday 11th and Friday 12th are holidays.
    assert np.flatnonzero(mask).tolist() == [0, 1, 2, 3, 4, 6, 7, 8, 9]


def test_open_mask_per_canteen_weekdays() -> None:
    weekdays = np.array([[True] * 5 + [False] * 2, [True] * 7, [False] * 7])
    mask = calendar(holidays=(D(2021, 2, 6),)).open_mask(weekdays, 7)
    assert mask.sum(axis=1).tolist() == [5, 6, 0]
    assert mask[1].tolist() == [True] * 5 + [False, True]


def test_open_mask_extends_past_the_horizon() -> None:
    # The scheme plans consumption beyond the end; the mask is defined for any number of days.
    mask = calendar().open_mask(mon_fri(), 35)
    assert mask.shape == (1, 35)
    assert mask[0, 28:].tolist() == [True] * 5 + [False] * 2


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2021, 1, 31), D(2021, 2, 1), 2),
        (D(2021, 2, 1), D(2021, 2, 1), 1),
        (D(2021, 12, 1), D(2022, 1, 31), 2),
        (D(2021, 1, 15), D(2021, 12, 15), 12),
    ],
)
def test_horizon_months(start: dt.date, end: dt.date, months: int) -> None:
    assert calendar(start=start, end=end).horizon_months == months


def test_a_holiday_moves_the_delivery_day_but_not_the_slot_weekday() -> None:
    # Thursday 2021-02-11 is a holiday: the Thursday slot delivers on Friday 12th (day 11)
    week = calendar(holidays=(D(2021, 2, 11),)).weeks[1]
    assert week.delivery_day_by_slot == (11, 11)
    assert week.weekday_by_slot == (10, 11)
