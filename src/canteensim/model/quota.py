"""The purchase quota: what bound canteens must buy, of what, over which periods, and who complies.

Every rule of the quota lives here, and the rest of the model asks it:

- the share each canteen aims at when it orders (`target_share`), by quantity or by value;
- the periods the quota is audited over (`audit_periods`): calendar months;
- what an audit records of a period (`audit`);
- what is required, how much of it was bought, which rows are audited and which comply
  (`audit_columns`), to within the one `COMPLIANCE_TOLERANCE`.

`Scheme` orders with the target share and audits; the audit process runs at the end of each
period; the ``canteen_months`` table gets its quota columns from `audit_columns`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from canteensim.model.calendar import Calendar
from canteensim.model.ledger import Audit, MonthTotals
from canteensim.model.population import Bools, Categories, Floats
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
    """A stretch of the calendar the quota is audited over: one calendar month."""

    month: int
    """Index of the calendar month (0 = the start's month): the ledger's month column."""
    start_day: int
    """First day of the period within the horizon."""
    end_day: int
    """The day after the period's last day within the horizon: the audit runs at its 00:00."""


def audit_periods(calendar: Calendar) -> tuple[AuditPeriod, ...]:
    """The audit periods of the horizon, in order; the first and last may be partial months."""
    periods = []
    for month in range(calendar.horizon_months):
        first, after = calendar.month_bounds(month)
        periods.append(AuditPeriod(month, max(first, 0), min(after, calendar.horizon_days)))
    return tuple(periods)


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


def audit(months: MonthTotals, categories: Categories, period: AuditPeriod) -> Audit:
    """Aid received against consumption, for every canteen and category, over `period`.

    Consumption is valued at the category's reference price, for a quota by value.
    """
    month = period.month
    consumption_kg = (
        months.diner_days[:, month, None] * categories.consumption_kg_per_diner_day[None, :]
    )
    return Audit(
        month=month,
        consumption_kg=consumption_kg,
        aid_kg=months.aid_kg[:, :, month].copy(),
        aid_yuan=months.aid_yuan[:, :, month].copy(),
        consumption_yuan=consumption_kg * categories.reference_price_yuan_per_kg[None, :],
    )


def complies(aid: pd.Series, required: pd.Series) -> pd.Series:
    """Aid meets the requirement, to within `COMPLIANCE_TOLERANCE` of it."""
    return aid >= required * (1 - COMPLIANCE_TOLERANCE)


def audit_columns(
    frame: pd.DataFrame, quota: Quota, is_total: pd.Series, on_offer: pd.Series
) -> pd.DataFrame:
    """Add required aid, aid share, fulfilment, compliance and which rows the quota audits.

    `frame` has one row per canteen, audit period and category (or the canteen's total, where
    `is_total`) with the columns ``bound``, ``consumption_kg``, ``aid_kg``, ``consumption_yuan``
    and ``aid_yuan``. A row is audited when the canteen is bound, the row is of the scope the
    quota is set on (each category, or the total), something of the category is on offer
    (`on_offer`: otherwise there is nothing to buy) and the row requires something (with no
    consumption or a quota of 0 % every canteen would comply, and a compliance rate of 100 % would
    read as a result).

    ``fulfilment`` is aid ÷ required aid on the quota's basis, NaN where nothing is required;
    ``compliant`` says whether that meets the quota, to within `COMPLIANCE_TOLERANCE`, so a row
    can comply with a fulfilment a rounding short of 1. Readers of the table take both as they
    are rather than compare the two with a tolerance of their own.
    """
    frame["required_kg"] = quota.share * frame["consumption_kg"]
    frame["required_yuan"] = quota.share * frame["consumption_yuan"]
    columns = BASIS_COLUMNS[quota.basis]
    aid, base, required = frame[columns.aid], frame[columns.consumption], frame[columns.required]
    frame["aid_share"] = (aid / base).where(base > 0)
    frame["fulfilment"] = (aid / required).where(required > 0)
    frame["compliant"] = complies(aid, required)
    in_scope = is_total if quota.per == "total" else ~is_total
    frame["audited"] = frame["bound"] & (required > 0) & in_scope & on_offer
    return frame
