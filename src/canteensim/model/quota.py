"""The purchase quota: what bound canteens must buy, of what, over which periods, and who complies.

Every rule of the quota lives here, and the rest of the model asks it:

- the share each canteen aims at when it orders (`target_share`), by quantity or by value;
- the periods the quota is audited over (`audit_periods`): calendar months, quarters or years;
- what an audit records of a period (`audit`);
- what is required, how much of it was bought, which rows are audited and which comply
  (`audit_columns`), to within the one `COMPLIANCE_TOLERANCE`.

`Scheme` orders with the target share and audits; the audit process runs at the end of each
period; the ``canteen_months`` table gets its quota columns from `audit_columns`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np

from canteensim.model.calendar import Calendar
from canteensim.model.ledger import Audit, Ledger, sum_over_months
from canteensim.model.population import Bools, Categories, Floats, Ints
from canteensim.scenario.schema import Ordering, Quota

COMPLIANCE_TOLERANCE = 1e-9
"""Relative: aid short of the requirement by at most this share of it still complies, so that a
canteen that bought exactly its quota is not failed by rounding."""


class BasisColumns(NamedTuple):
    """The ``canteen_months`` columns the quota compares on its basis."""

    aid: str
    consumption: str
    required: str


BASIS_COLUMNS: dict[str, BasisColumns] = {
    "quantity": BasisColumns("aid_kg", "consumption_kg", "required_kg"),
    "value": BasisColumns("aid_yuan", "consumption_yuan", "required_yuan"),
}
"""``quota.basis`` → the columns of aid, consumption and required aid it audits."""


@dataclass(frozen=True)
class AuditPeriod:
    """A stretch of the calendar the quota is audited over: a calendar month, quarter or year."""

    index: int
    label: str
    """``2020-03``, ``2020-Q2`` or ``2020``."""
    months: range
    """Indices of the calendar months it spans (0 = the start's month): ledger month columns."""
    start_day: int
    """First day of the period within the horizon."""
    end_day: int
    """The day after the period's last day within the horizon: the audit runs at its 00:00."""
    partial: bool
    """The horizon does not cover the whole period; audited and flagged, kept out of the KPIs."""


def audit_periods(calendar: Calendar, period: str) -> tuple[AuditPeriod, ...]:
    """The audit periods of the horizon, in order; the first and last may be partial.

    `period` is ``quota.period``: ``month``, ``quarter`` or ``year`` of the calendar.
    """
    groups: dict[str, list[int]] = {}
    for month in range(calendar.horizon_months):
        groups.setdefault(_period_label(calendar.month_label(month), period), []).append(month)
    periods = []
    for index, (label, months) in enumerate(groups.items()):
        first, after = calendar.month_bounds(months[0])[0], calendar.month_bounds(months[-1])[1]
        whole_period = _months_in[period]
        periods.append(
            AuditPeriod(
                index=index,
                label=label,
                months=range(months[0], months[-1] + 1),
                start_day=max(first, 0),
                end_day=min(after, calendar.horizon_days),
                partial=first < 0 or after > calendar.horizon_days or len(months) < whole_period,
            )
        )
    return tuple(periods)


_months_in = {"month": 1, "quarter": 3, "year": 12}


def _period_label(month_label: str, period: str) -> str:
    """The label of the period holding the month ``YYYY-MM``."""
    year, month = month_label.split("-")
    if period == "month":
        return month_label
    if period == "quarter":
        return f"{year}-Q{(int(month) - 1) // 3 + 1}"
    return year


def period_of_month(periods: tuple[AuditPeriod, ...]) -> Ints:
    """``(horizon months,)`` index of the audit period holding each month."""
    return np.array([p.index for p in periods for _ in p.months], dtype=np.intp)


def target_share(quota: Quota, ordering: Ordering, bound: Bools, categories: Categories) -> Floats:
    """``(canteens, categories)`` share of consumption kg each canteen aims to buy as aid.

    Bound canteens aim at the quota plus the ordering margin, the others at the voluntary share.
    A value quota counts aid at platform price against consumption at market price, so it is
    reached with the kilograms of share × reference price ÷ platform price.
    """
    share = np.where(bound, quota.share * (1 + ordering.margin), ordering.voluntary_share)
    if quota.basis == "quantity":
        return np.repeat(share[:, None], len(categories.name), axis=1)
    kg_per_value = categories.reference_price_yuan_per_kg / categories.platform_price_yuan_per_kg
    return share[:, None] * kg_per_value[None, :]


def audit(
    ledger: Ledger,
    categories: Categories,
    period: AuditPeriod,
    canteens: slice,
) -> Audit:
    """Aid received against consumption, for the `canteens` rows of the ledger and every
    category, over `period`, and the stages the aid went through (`Audit`).

    Consumption is valued at the category's reference price, for a quota by value.
    """
    months = ledger.months

    def summed(array: Floats) -> Floats:
        return sum_over_months(array, canteens, period.months)

    per_diner_day = categories.consumption_kg_per_diner_day[None, :]
    consumption_kg = summed(months.diner_days)[:, None] * per_diner_day
    return Audit(
        period=period.index,
        consumption_kg=consumption_kg,
        consumption_yuan=consumption_kg * categories.reference_price_yuan_per_kg[None, :],
        aid_kg=summed(months.aid_kg),
        aid_yuan=summed(months.aid_yuan),
        expected_consumption_kg=ledger.expected_period_kg[canteens, :, period.index].copy(),
        target_kg=summed(months.target_kg),
        dropped_kg=summed(months.dropped_kg),
        filled_kg=summed(months.confirmed_kg),
        shipped_kg=summed(months.shipped_kg),
        skipped_orders=summed(months.skipped_orders),
        moved_kg=summed(months.moved_kg),
    )


def complies(aid: Any, required: Any) -> Any:
    """Aid meets the requirement, to within `COMPLIANCE_TOLERANCE` of it (arrays or Series)."""
    return aid >= required * (1 - COMPLIANCE_TOLERANCE)


Columns = TypeVar("Columns", bound=MutableMapping[str, Any])


def audit_columns(columns: Columns, quota: Quota, is_total: Any, on_offer: Any) -> Columns:
    """Add required aid, aid share, fulfilment, compliance and which rows the quota audits.

    `columns` (numpy arrays by name, or a DataFrame) has one row per canteen, audit period and
    category (or the canteen's total, where `is_total`) with the columns ``bound``,
    ``consumption_kg``, ``aid_kg``, ``consumption_yuan`` and ``aid_yuan``. A row is audited when
    the canteen is bound, the row is of the scope the quota is set on (each category, or the
    total), something of the category is on offer (`on_offer`: otherwise there is nothing to
    buy) and the row requires something (with no consumption or a quota of 0 % every canteen
    would comply, and a compliance rate of 100 % would read as a result).

    ``fulfilment`` is aid ÷ required aid on the quota's basis, NaN where nothing is required;
    ``compliant`` says whether that meets the quota, to within `COMPLIANCE_TOLERANCE`, so a row
    can comply with a fulfilment a rounding short of 1. Readers of the table take both as they
    are rather than compare the two with a tolerance of their own.
    """
    columns["required_kg"] = quota.share * np.asarray(columns["consumption_kg"])
    columns["required_yuan"] = quota.share * np.asarray(columns["consumption_yuan"])
    names = BASIS_COLUMNS[quota.basis]
    aid, base, required = (
        np.asarray(columns[name]) for name in (names.aid, names.consumption, names.required)
    )
    with np.errstate(divide="ignore", invalid="ignore"):  # rows where nothing is due: NaN
        columns["aid_share"] = np.where(base > 0, aid / base, np.nan)
        columns["fulfilment"] = np.where(required > 0, aid / required, np.nan)
    columns["compliant"] = complies(aid, required)
    in_scope = np.asarray(is_total if quota.per == "total" else ~np.asarray(is_total))
    bound = np.asarray(columns["bound"], dtype=bool)
    columns["audited"] = bound & (required > 0) & in_scope & np.asarray(on_offer)
    return columns
