"""The calendar of the scheme as SimPy processes: each says *when*; `Scheme` says *what*.

Every event acts on all canteens and products at once, so a province costs the same number of
events as a city. Times of day keep same-day events in a fixed order: disruptions change at
00:00, trucks leave at 06:00, listings go up at their listed time, diners eat at noon, and the
audit closes a month at 00:00 of the next one, after that month's last meal and delivery.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from canteensim.model.calendar import DISPATCH_HOUR_DAYS
from canteensim.model.scheme import Scheme
from canteensim.scenario.schema import Disruption

MEAL_HOUR_DAYS = 12 / 24
DRAIN_DAYS = 28
"""Days after the horizon during which loads still waiting for a truck keep shipping; what is
left then is written off as undelivered, so that an undersized fleet cannot run for ever."""
Process = Generator[simpy.Event, None, None]


def run_weekly_cycle(env: simpy.Environment, scheme: Scheme) -> Process:
    """Each week: publish the listing, then close the order window."""
    for week in scheme.calendar.weeks:
        yield env.timeout(week.listing_day - env.now)
        scheme.publish_listing(week)
        yield env.timeout(week.cutoff_day - env.now)
        scheme.close_orders(week)


def deliver(env: simpy.Environment, scheme: Scheme) -> Process:
    """On each delivery day, load the trucks; after the last week, on the following delivery
    days until the queue is empty or `DRAIN_DAYS` after the horizon, when the rest is written off.
    """
    calendar = scheme.calendar
    days = sorted({day for week in calendar.weeks for day in week.delivery_day_by_slot})
    drain_end = calendar.horizon_days + DRAIN_DAYS
    while days:
        day = days.pop(0)
        yield env.timeout(day + DISPATCH_HOUR_DAYS - env.now)
        scheme.dispatch(day)
        if not days and len(scheme.queue):  # late loads ship on the following delivery days
            days = [d for d in calendar.delivery_days_after(day) if d < drain_end]
    scheme.write_off_undelivered()


def serve_meals(env: simpy.Environment, scheme: Scheme) -> Process:
    """Every day of the horizon, canteens that are open serve their diners."""
    for day in range(scheme.calendar.horizon_days):
        yield env.timeout(day + MEAL_HOUR_DAYS - env.now)
        scheme.serve_meals(day)


def audit_quota(env: simpy.Environment, scheme: Scheme) -> Process:
    """At the end of each audit period (within the horizon), audit every canteen's purchases."""
    for period in scheme.periods:
        yield env.timeout(period.end_day - env.now)
        scheme.audit(period)


def disrupt(
    env: simpy.Environment, scheme: Scheme, disruption: Disruption, start: int, end: int
) -> Process:
    """A disruption holds from 00:00 of its first day to 24:00 of its last."""
    yield env.timeout(max(start, 0) - env.now)
    scheme.disruption_starts(disruption)
    yield env.timeout(end + 1 - env.now)
    scheme.disruption_ends(disruption)


def run(scheme: Scheme) -> None:
    """Run one replication of the scheme to the end of its deliveries."""
    env = simpy.Environment()
    calendar = scheme.calendar
    for disruption in scheme.scenario.disruptions:
        start = (disruption.start - calendar.start).days
        end = (disruption.end - calendar.start).days
        if end >= 0 and start < calendar.horizon_days:  # a disruption outside the horizon is moot
            env.process(
                disrupt(env, scheme, disruption, start, min(end, calendar.horizon_days - 1))
            )
    env.process(run_weekly_cycle(env, scheme))
    env.process(deliver(env, scheme))
    env.process(serve_meals(env, scheme))
    env.process(audit_quota(env, scheme))
    env.run()
