"""The scheme's state during one replication, and what each event of the calendar does to it.

Each method acts on all canteens and products at once; `processes` says when each one runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

import numpy as np

from canteensim.model import quota
from canteensim.model.allocation import ALLOCATION_FUNCTIONS, TOLERANCE_KG, substitute
from canteensim.model.calendar import Calendar, Week
from canteensim.model.ledger import Ledger, MonthTotals, ProductWeeks, sum_over_months
from canteensim.model.logistics import load_fleet, transit_loss_share
from canteensim.model.ordering import Lines, Need, choose_lines, target_kg
from canteensim.model.population import Bools, Floats, Ints, Population, lognormal_mean_cv
from canteensim.model.streams import Streams
from canteensim.scenario.schema import Disruption, Scenario

LOOKAHEAD_DAYS = 14
"""Days past the last month of the horizon for which canteens still plan their consumption."""


@dataclass
class Conditions:
    """Factors that disruptions put on attendance, transport and supply (1 = normal)."""

    active: list[Disruption] = field(default_factory=list)

    def factor(self, name: str) -> float:
        return float(np.prod([getattr(d, name) for d in self.active]))


@dataclass
class WeekOrders:
    """One week's filled order lines, kept until every load of the week has shipped."""

    week: int
    lines: Lines
    """Filled kg per line (substitutes included), in `lines.kg`."""
    total_kg: Floats
    """``(canteens,)`` kg filled for each canteen this week."""
    cell: Ints
    """Each line's flat index into a ``(canteens, categories)`` array: where its kg are booked."""


@dataclass
class Queue:
    """Loads waiting for a truck: one per canteen and week, until it has shipped whole."""

    week: Ints = field(default_factory=lambda: np.empty(0, np.intp))
    canteen: Ints = field(default_factory=lambda: np.empty(0, np.intp))
    scheduled_day: Ints = field(default_factory=lambda: np.empty(0, np.intp))
    order_time: Floats = field(default_factory=lambda: np.empty(0))
    kg: Floats = field(default_factory=lambda: np.empty(0))

    def push(self, **columns: Ints | Floats) -> None:
        for name, values in columns.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    def keep(self, mask: np.ndarray) -> None:
        for column in fields(self):
            setattr(self, column.name, getattr(self, column.name)[mask])

    def __len__(self) -> int:
        return len(self.kg)


class Scheme:
    """State of one replication: the listing, open orders, the truck queue and the ledger."""

    def __init__(
        self, scenario: Scenario, calendar: Calendar, population: Population, streams: Streams
    ) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.population = population
        self.streams = streams
        self.conditions = Conditions()
        canteens, categories = population.canteens, population.categories
        self.periods = quota.audit_periods(calendar, scenario.quota.period)
        self.period_of_month = quota.period_of_month(self.periods)
        self.period_days = np.array([(p.start_day, p.end_day) for p in self.periods], np.intp)
        """``(periods, 2)``: each audit period's first day and the day after its last."""
        planned_days = calendar.month_bounds(calendar.horizon_months - 1)[1] + LOOKAHEAD_DAYS
        patterns, opening = np.unique(canteens.open_weekdays, axis=0, return_inverse=True)
        self.opening = opening.ravel()
        """``(canteens,)``: index of each canteen's opening pattern (few: Mon–Fri, every day…)."""
        self.open_days = calendar.open_mask(patterns, planned_days)
        """``(opening patterns, planned days)``: whether each pattern opens on each day."""
        self.open_by_day = np.ascontiguousarray(
            self.open_days[self.opening, : calendar.horizon_days].T
        )
        """``(horizon days, canteens)``: whether each canteen opens on each day."""
        self.month_days = np.array(
            [calendar.month_bounds(m) for m in range(calendar.horizon_months)], np.intp
        )
        """``(months, 2)``: each month's first day and the day after its last."""
        self._weighted_open_days: dict[tuple[int, ...], Floats] = {}
        self.slot_days = _slot_days(calendar)
        self.on_offer = np.bincount(
            population.products.category, minlength=len(categories.name)
        ).astype(bool)
        """``(categories,)``: the platform has products of the category."""
        self.target_share = quota.target_share(
            scenario.quota, scenario.ordering, population.canteens.bound, population.categories
        )
        self.ledger = Ledger(
            ProductWeeks.zeros(len(calendar.weeks), len(population.products)),
            MonthTotals.zeros(len(canteens), len(categories.name), calendar.horizon_months),
            expected_period_kg=np.full(
                (len(canteens), len(categories.name), len(self.periods)), np.nan
            ),  # NaN until a canteen orders for the period
        )
        self.days_served = 0
        """Days whose meals have been served: the days before it are eaten, the rest expected."""
        self.listed = np.empty(0, np.intp)
        self.open_orders: dict[int, WeekOrders] = {}
        self.queue = Queue()

    # --- disruptions and meals ---

    def disruption_starts(self, disruption: Disruption) -> None:
        self.conditions.active.append(disruption)

    def disruption_ends(self, disruption: Disruption) -> None:
        self.conditions.active.remove(disruption)

    def serve_meals(self, day: int) -> None:
        """Diners eat: attendance of every canteen open today, noisy day to day."""
        canteens = self.population.canteens
        noise = lognormal_mean_cv(
            1.0,
            self.scenario.canteens.attendance_cv,
            self.population.canteen_count,
            self.streams.attendance,
        )
        noise = np.concatenate([noise, np.ones(len(self.population.consumers))])
        served = canteens.diners * self.conditions.factor("attendance") * noise
        month = self.calendar.month_index(day)
        self.ledger.months.diner_days[:, month] += served * self.open_by_day[day]
        self.days_served = day + 1

    # --- the weekly cycle ---

    def publish_listing(self, week: Week) -> None:
        """Draw each product's offer for the week and list the largest, up to the limit."""
        products = self.population.products
        month = self.calendar.date(week.monday).month - 1
        noise = lognormal_mean_cv(1.0, products.capacity_cv, len(products), self.streams.supply)
        offered = (
            products.weekly_capacity_kg
            * products.season[:, month]
            * noise
            * self.conditions.factor("supply")
        )
        by_size = np.argsort(-offered, kind="stable")
        by_size = by_size[offered[by_size] > 0][: self.scenario.platform.listing_limit]
        self.listed = np.sort(by_size)
        record = self.ledger.product_weeks
        record.offered_kg[week.index] = offered
        record.listed_kg[week.index, self.listed] = offered[self.listed]

    def close_orders(self, week: Week) -> None:
        """At the cutoff: every canteen's order, allocation, substitution, and the loads."""
        canteens, categories = self.population.canteens, self.population.categories
        n, households = self.population.canteen_count, self.population.consumers.households
        choice, consumers = self.streams.choice, self.streams.consumers
        ordering = np.concatenate(
            [choice.random(n) < canteens.compliance[:n], np.ones(len(households), dtype=bool)]
        )
        pick = np.concatenate(
            [
                choice.random((n, len(categories.name))),
                consumers.random((len(households), len(categories.name))),
            ]
        )
        window = week.cutoff_day - week.listing_day
        order_time = week.listing_day + window * np.concatenate(
            [self.streams.order_times.random(n), consumers.random(len(households))]
        )
        scheduled = np.asarray(week.delivery_day_by_slot, dtype=np.intp)[canteens.delivery_slot]
        in_horizon = scheduled < self.calendar.horizon_days
        month = self.calendar.months_of(np.minimum(scheduled, self.calendar.horizon_days - 1))
        target = target_kg(
            self._need(week, scheduled, month),
            canteens.behaviour,
            self.target_share,
            categories.perishable,
            self.scenario.ordering,
        )
        target[n:] = self._baskets_kg()
        target[~ordering] = 0.0
        self._book_moved_by_holidays(week, target, scheduled)
        target[~in_horizon] = 0.0
        listed_kg = self.ledger.product_weeks.listed_kg[week.index]
        lines, dropped = choose_lines(
            np.argsort(order_time, kind="stable"),
            target,
            self.listed,
            self.population.products.category[self.listed],
            listed_kg[self.listed],
            self.scenario.ordering,
            pick,
            self._by_value(),
        )
        months = self.ledger.months
        skipped = ~ordering & in_horizon
        for m, rows in _groups(month):  # each canteen books in its delivery's month
            months.target_kg[rows, :, m] += target[rows]
            months.dropped_kg[rows, :, m] += dropped[rows]
            months.skipped_orders[rows, m] += skipped[rows]
        filled = self._allocate(week, lines, listed_kg)
        self._confirm(week, filled, scheduled, month, order_time)

    def _baskets_kg(self) -> Floats:
        """``(pickup points, categories)`` kg the households ordering this week buy."""
        consumers = self.population.consumers
        ordering = self.streams.consumers.binomial(
            consumers.households.astype(np.int64), consumers.participation
        )
        return np.asarray(ordering[:, None] * consumers.basket_kg[None, :], dtype=np.float64)

    def _need(self, week: Week, scheduled: Ints, month: Ints) -> Need:
        """What each canteen knows at the cutoff about the delivery it orders for."""
        months = self.ledger.months
        months.reach(int(month.max(initial=0)))
        expected = self._expectation(week.cutoff_day)
        period = self.period_of_month[month]
        first, after = self.period_days[period].T
        within = self._within(period)
        eaten_kg = self._per_diner_day(within(months.diner_days))
        # meals served so far, then those expected from the first day not yet eaten
        to_date_kg = eaten_kg + expected(np.maximum(first, self.days_served), after)
        month_confirmed_kg = np.empty_like(to_date_kg)
        for p, rows in _groups(period):
            self.ledger.expected_period_kg[rows, :, p] = to_date_kg[rows]
        for m, rows in _groups(month):
            month_confirmed_kg[rows] = months.confirmed_kg[rows, :, m]
        month_first, month_after = self.month_days[month].T
        return Need(
            until_next_delivery_kg=expected(scheduled, self._next_delivery(scheduled)),
            period_kg=expected(first, after),
            period_confirmed_kg=within(months.confirmed_kg),
            period_to_date_kg=to_date_kg,
            period_aid_kg=self._aid_to_date(within),
            deliveries_left=self._deliveries_left(scheduled, after),
            month_kg=expected(np.maximum(month_first, 0), month_after),
            month_confirmed_kg=month_confirmed_kg,
            total_weights=self._total_weights(),
            on_offer=self.on_offer,
        )

    def _expectation(self, now: float) -> Callable[[Ints, Ints], Floats]:
        """``expected(first, after)``: the ``(canteens, categories)`` kg each canteen expects to
        eat from day `first` to the day before `after` (each its own), as known at `now`."""
        open_before = self._open_days_before(now)
        last = open_before.shape[1] - 1

        def expected(first: Ints, after: Ints) -> Floats:
            open_days = (
                open_before[self.opening, np.clip(after, 0, last)]
                - open_before[self.opening, np.clip(first, 0, last)]
            )
            return self._per_diner_day(self.population.canteens.diners * np.maximum(open_days, 0))

        return expected

    def _per_diner_day(self, diner_days: Floats) -> Floats:
        """``(canteens, categories)`` kg eaten over `diner_days` ``(canteens,)``."""
        per_diner_day = self.population.categories.consumption_kg_per_diner_day
        return np.asarray(diner_days[:, None] * per_diner_day[None, :], dtype=np.float64)

    def _open_days_before(self, now: float) -> Floats:
        """``(opening patterns, days + 1)``: open days before each day, each weighed by the
        attendance of the disruptions announced by `now` (cached: they change a few times)."""
        start = self.calendar.start
        known = tuple(
            i
            for i, d in enumerate(self.scenario.disruptions)
            if (d.announced_on - start).days <= now
        )
        if known not in self._weighted_open_days:
            days = self.open_days.shape[1]
            factor = np.ones(days)
            for i in known:
                d = self.scenario.disruptions[i]
                first, end = (d.start - start).days, (d.end - start).days
                factor[max(first, 0) : max(end + 1, 0)] *= d.attendance
            before = np.zeros((len(self.open_days), days + 1))
            np.cumsum(self.open_days * factor[None, :], axis=1, out=before[:, 1:])
            self._weighted_open_days = {known: before}  # only the latest is asked for again
        return self._weighted_open_days[known]

    def _within(self, period: Ints) -> Callable[[Floats], Floats]:
        """``within(by_month)``: the sums of a ``(canteens, …, months)`` array over the months
        of each canteen's audit `period` (canteens share a few: one per delivery day)."""

        groups = _groups(period)

        def within(by_month: Floats) -> Floats:
            summed = np.zeros(by_month.shape[:-1])
            for p, rows in groups:
                span = self.periods[p].months
                if len(span) == 1:  # the sum of one month is that month
                    summed[rows] = by_month[rows, ..., span.start]
                else:
                    summed[rows] = sum_over_months(by_month, rows, span)
            return summed

        return within

    def _aid_to_date(self, within: Callable[[Floats], Floats]) -> Floats:
        """Aid received in each canteen's period so far and still on its way, on the basis."""
        months, categories = self.ledger.months, self.population.categories
        pending_kg, pending_yuan = self._pending()
        if self.scenario.quota.basis == "quantity":
            return within(months.aid_kg) + pending_kg
        received_yuan = within(months.aid_yuan) + pending_yuan
        return np.asarray(received_yuan / categories.platform_price_yuan_per_kg[None, :])

    def _pending(self) -> tuple[Floats, Floats]:
        """``(canteens, categories)`` kg and yuan of loads waiting for a truck."""
        canteens, products = self.population.canteens, self.population.products
        shape = (len(canteens), len(self.population.categories.name))
        kg, yuan = np.zeros(shape), np.zeros(shape)
        for week in np.unique(self.queue.week):
            orders = self.open_orders[int(week)]
            waiting = np.zeros(len(orders.total_kg))
            of_week = self.queue.week == week
            at = self.queue.canteen[of_week]
            waiting[at] = self.queue.kg[of_week] / orders.total_kg[at]
            lines = orders.lines
            line_kg = lines.kg * waiting[lines.canteen]
            kg += _sum_by_cell(orders.cell, line_kg, shape)
            price = products.platform_price_yuan_per_kg[lines.product]
            yuan += _sum_by_cell(orders.cell, line_kg * price, shape)
        return kg, yuan

    def _deliveries_left(self, scheduled: Ints, period_after: Ints) -> Floats:
        """``(canteens,)`` the canteen's delivery dates from `scheduled` to the end of its period
        (or of the horizon), counted on the calendar; at least 1."""
        slot = self.population.canteens.delivery_slot
        end = np.minimum(period_after, self.calendar.horizon_days)
        left = np.ones(len(slot))
        for s, days in enumerate(self.slot_days):
            mine = slot == s
            count = np.searchsorted(days, end[mine]) - np.searchsorted(days, scheduled[mine])
            left[mine] = np.maximum(count, 1)
        return left

    def _next_delivery(self, scheduled: Ints) -> Ints:
        """``(canteens,)`` the canteen's delivery day after `scheduled` (a week on, past the
        horizon's last one)."""
        slot = self.population.canteens.delivery_slot
        following = scheduled + 7
        for s, days in enumerate(self.slot_days):
            mine = np.flatnonzero(slot == s)
            at = np.searchsorted(days, scheduled[mine], side="right")
            known = at < len(days)
            following[mine[known]] = days[at[known]]
        return following

    def _by_value(self) -> tuple[Bools, Floats] | None:
        """Under a quota by value, canteens order by value (`choose_lines`): every canteen, and
        for each listed product the kg of it worth one kg at its category's mean price."""
        if self.scenario.quota.basis != "value":
            return None
        products, categories = self.population.products, self.population.categories
        mean_price = categories.platform_price_yuan_per_kg[products.category[self.listed]]
        kg_per_kg = mean_price / products.platform_price_yuan_per_kg[self.listed]
        return self.population.buyer_kind == 0, np.asarray(kg_per_kg)

    def _total_weights(self) -> Floats | None:
        if self.scenario.quota.per == "category":
            return None
        categories = self.population.categories
        if self.scenario.quota.basis == "value":
            return categories.platform_price_yuan_per_kg
        return np.ones(len(categories.name))

    def _allocate(self, week: Week, lines: Lines, listed_kg: Floats) -> Lines:
        """Fill the lines from the listing; returns the filled lines, substitutes included."""
        allocate = ALLOCATION_FUNCTIONS[self.scenario.cycle.allocation]
        filled = allocate(lines.product, lines.kg, listed_kg)
        products = self.population.products
        record = self.ledger.product_weeks
        record.ordered_kg[week.index] = np.bincount(
            lines.product, lines.kg, minlength=len(products)
        )
        filled_lines = Lines(lines.canteen, lines.product, filled)
        if self.scenario.cycle.substitution:
            sold = np.bincount(lines.product, filled, minlength=len(products))
            filled_lines = self._substitute(lines, filled_lines, listed_kg - sold)
        record.sold_kg[week.index] = np.bincount(
            filled_lines.product, filled_lines.kg, minlength=len(products)
        )
        self.ledger.order_lines += len(lines)
        self.ledger.ordered_kg += float(lines.kg.sum())
        self.ledger.filled_kg += float(filled_lines.kg.sum())
        return filled_lines

    def _substitute(self, asked: Lines, filled: Lines, remaining_kg: Floats) -> Lines:
        """Fill what stock-outs left unfilled from other listed products of the same category."""
        category = self.population.products.category
        unfilled = asked.kg - filled.kg
        short = unfilled > TOLERANCE_KG
        canteen, product, kg = [filled.canteen], [filled.product], [filled.kg]
        line_category = category[asked.product]
        for c in np.unique(line_category[short]):
            in_category = self.listed[(category[self.listed] == c)]
            pool = in_category[remaining_kg[in_category] > TOLERANCE_KG]
            line_order = np.flatnonzero(short & (line_category == c))
            line, taken, taken_kg = substitute(line_order, unfilled, remaining_kg[pool])
            canteen.append(asked.canteen[line])
            product.append(pool[taken])
            kg.append(taken_kg)
            self.ledger.substitute_lines += len(line)
        return Lines(np.concatenate(canteen), np.concatenate(product), np.concatenate(kg))

    def _confirm(
        self, week: Week, filled: Lines, scheduled: Ints, month: Ints, order_time: Floats
    ) -> None:
        """Book the filled kg for the delivery month and put each canteen's load in the queue."""
        canteens = self.population.canteens
        confirmed = self.ledger.months.confirmed_kg
        category = self.population.products.category[filled.product]
        cell = filled.canteen * confirmed.shape[1] + category
        by_canteen = _sum_by_cell(cell, filled.kg, confirmed.shape[:2])
        for m, rows in _groups(month):  # each canteen's lines go to its delivery's month
            confirmed[rows, :, m] += by_canteen[rows]
        total = np.bincount(filled.canteen, filled.kg, minlength=len(canteens)).astype(np.float64)
        self.open_orders[week.index] = WeekOrders(week.index, filled, total, cell)
        loading = np.flatnonzero(total > TOLERANCE_KG)
        self.queue.push(
            week=np.full(len(loading), week.index, np.intp),
            canteen=loading,
            scheduled_day=scheduled[loading],
            order_time=order_time[loading],
            kg=total[loading],
        )

    def _book_moved_by_holidays(self, week: Week, target: Floats, scheduled: Ints) -> None:
        """Book what canteens meant to order for delivery days a holiday moved into a later audit
        period or past the horizon, under the month of the day it was moved from
        (`MonthTotals.moved_kg`)."""
        own_day = np.asarray(week.weekday_by_slot, dtype=np.intp)[
            self.population.canteens.delivery_slot
        ]
        horizon_days = self.calendar.horizon_days
        own_month = self.calendar.months_of(np.clip(own_day, 0, horizon_days - 1))
        month = self.calendar.months_of(np.clip(scheduled, 0, horizon_days - 1))
        moved = (self.period_of_month[own_month] != self.period_of_month[month]) | (
            scheduled >= horizon_days
        )
        moved &= (own_day >= 0) & (own_day < horizon_days)
        if moved.any():
            self.ledger.months.moved_kg[moved, :, own_month[moved]] += target[moved]

    # --- delivery ---

    def dispatch(self, day: int) -> None:
        """Load the trucks: late loads first, then today's, each in order of ordering."""
        queue = self.queue
        due = np.flatnonzero(queue.scheduled_day <= day)
        if not len(due):
            return
        due = due[np.lexsort((queue.order_time[due], queue.scheduled_day[due]))]
        platform = self.scenario.platform
        capacity = (
            platform.vehicles * platform.vehicle_capacity_kg * self.conditions.factor("transport")
        )
        shipped = load_fleet(queue.kg[due], capacity)
        moving = due[shipped > TOLERANCE_KG]
        self._receive(
            day,
            queue.week[moving],
            queue.canteen[moving],
            queue.scheduled_day[moving],
            shipped[shipped > TOLERANCE_KG],
        )
        queue.kg[due] -= shipped
        queue.keep(queue.kg > TOLERANCE_KG)
        done = set(self.open_orders) - set(queue.week.tolist())
        for week in done:
            del self.open_orders[week]

    def write_off_undelivered(self) -> None:
        """Loads still waiting when deliveries stop never arrive: book them as undelivered."""
        queue, record = self.queue, self.ledger.product_weeks
        for week in np.unique(queue.week):
            orders = self.open_orders.pop(int(week))
            of_week = queue.week == week
            left = np.zeros(len(orders.total_kg))
            at = queue.canteen[of_week]
            left[at] = queue.kg[of_week] / orders.total_kg[at]
            lines = orders.lines
            record.undelivered_kg[week] += np.bincount(
                lines.product, lines.kg * left[lines.canteen], minlength=record.sold_kg.shape[1]
            )
        queue.keep(np.zeros(len(queue), dtype=bool))

    def _receive(
        self, day: int, weeks: Ints, canteens: Ints, scheduled: Ints, shipped_kg: Floats
    ) -> None:
        """Goods arrive: transit losses, aid received, spend, by month of delivery."""
        products, categories = self.population.products, self.population.categories
        months = self.ledger.months
        month = self.calendar.month_index(day)
        months.reach(month)
        lost_by_load = np.zeros(len(weeks))
        lead_days = self.scenario.cycle.lead_days
        for week in np.unique(weeks):
            orders = self.open_orders[int(week)]
            of_week = weeks == week
            share = np.zeros(len(orders.total_kg))
            share[canteens[of_week]] = shipped_kg[of_week] / orders.total_kg[canteens[of_week]]
            lines = orders.lines
            line_share = share[lines.canteen]
            moving = np.flatnonzero(line_share > 0)
            canteen, product = lines.canteen[moving], lines.product[moving]
            shipped = lines.kg[moving] * line_share[moving]
            # loads arrive at a few ages (days late): the share lost of each product at each
            ages, age_of_load = np.unique(day - scheduled[of_week] + lead_days, return_inverse=True)
            loss_share = transit_loss_share(
                ages.astype(np.float64)[:, None],
                products.shelf_life_days[None, :],
                categories.transit_loss_at_shelf_life[products.category][None, :],
                categories.perishable[products.category][None, :],
            )
            if len(ages) == 1:
                lost = shipped * loss_share[0][product]
            else:
                age_index = np.zeros(len(orders.total_kg), np.intp)
                age_index[canteens[of_week]] = age_of_load
                lost = shipped * loss_share[age_index[canteen], product]
            received = shipped - lost
            cell, shape = orders.cell[moving], months.aid_kg.shape[:2]
            months.shipped_kg[:, :, month] += _sum_by_cell(cell, shipped, shape)
            months.aid_kg[:, :, month] += _sum_by_cell(cell, received, shape)
            months.aid_yuan[:, :, month] += _sum_by_cell(
                cell, received * products.platform_price_yuan_per_kg[product], shape
            )
            months.market_yuan[:, :, month] += _sum_by_cell(
                cell, received * products.market_price_yuan_per_kg[product], shape
            )
            record = self.ledger.product_weeks
            record.shipped_kg[week] += np.bincount(product, shipped, minlength=len(products))
            record.lost_kg[week] += np.bincount(product, lost, minlength=len(products))
            lost_by_canteen = np.bincount(canteen, lost, minlength=len(orders.total_kg))
            lost_by_load[of_week] = lost_by_canteen[canteens[of_week]]
        self.ledger.deliveries.add(
            week=weeks,
            canteen=canteens,
            scheduled_day=scheduled,
            delivered_day=np.full(len(weeks), day, np.intp),
            kg=shipped_kg,
            lost_kg=lost_by_load,
        )

    # --- the audit ---

    def audit(self, period: quota.AuditPeriod) -> None:
        """Aid received against consumption for every canteen and category over the period."""
        canteens = slice(0, self.population.canteen_count)  # not the pickup points
        self.ledger.audits.append(
            quota.audit(self.ledger, self.population.categories, period, canteens)
        )


def _slot_days(calendar: Calendar) -> list[Ints]:
    """Each delivery slot's delivery days in the horizon, in order."""
    slots = len(calendar.delivery_weekdays)
    return [
        np.array(
            sorted(
                d
                for week in calendar.weeks
                if (d := week.delivery_day_by_slot[s]) < calendar.horizon_days
            ),
            dtype=np.intp,
        )
        for s in range(slots)
    ]


def _groups(column: Ints) -> list[tuple[int, slice | Bools]]:
    """Each distinct value of `column` (one per canteen: a month or audit period, shared by
    many), with the rows that have it: ``slice(None)`` when all have the same."""
    values = np.unique(column)
    if len(values) == 1:
        return [(int(values[0]), slice(None))]
    return [(int(v), column == v) for v in values]


def _sum_by_cell(cell: Ints, values: Floats, shape: tuple[int, int]) -> Floats:
    """Sum `values` into an array of `shape` at the flat indices `cell` (a faster `np.add.at`:
    each cell's values are added in array order)."""
    summed = np.bincount(cell, values, minlength=shape[0] * shape[1])
    return summed.reshape(shape).astype(np.float64, copy=False)
