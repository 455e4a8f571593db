"""From the ledger to tidy tables (one row per observation); `kpis` computes the KPIs from them.

Each table is a `canteensim.model.columns.Table` of the ledger's numpy arrays: a run builds,
measures and writes its tables without pandas, and a notebook reads them as DataFrames."""

from __future__ import annotations

from typing import Any

import numpy as np

from canteensim.model import quota
from canteensim.model.calendar import Calendar
from canteensim.model.columns import Labels, Table, days, labels, sorted_labels
from canteensim.model.ledger import Audit, Ledger, sum_over_canteens
from canteensim.model.population import BUYER_KINDS, Population
from canteensim.scenario.schema import RESERVED_CATEGORY, Platform, Scenario

TOTAL = RESERVED_CATEGORY
"""The category name of a canteen-month row that sums all categories."""


def farmer_accounts(
    sales_yuan: np.ndarray, shipped_kg: np.ndarray, platform: Platform
) -> dict[str, np.ndarray]:
    """Where the yuan of `sales_yuan` went: ``commission_yuan``, ``logistics_yuan`` and
    ``farmer_income_yuan`` (yuan, same shape as the arguments).

    The platform keeps its commission, a share of sales; logistics cost a rate for every kg
    shipped, lost in transit or not (`shipped_kg`); the farmers get the rest, which a cheap
    product shipped far can make negative. Both `monthly_sales` and `weekly_products` say where
    the yuan went with this one rule.
    """
    commission = platform.commission * sales_yuan
    logistics = platform.logistics_yuan_per_kg * shipped_kg
    return {
        "commission_yuan": commission,
        "logistics_yuan": logistics,
        "farmer_income_yuan": sales_yuan - commission - logistics,
    }


def monthly_sales(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> Table:
    """Month × category × kind of buyer: delivered sales and where each yuan went, in the order
    of the month's, the category's and the buyer's text.

    Canteens always have their rows; consumers (`BUYER_KINDS`) only when the scenario has some.
    Months and categories are labelled in the order of their text, buyers in the order of
    `BUYER_KINDS` (as ``deliveries`` labels them), for joins in a notebook.
    """
    months = ledger.months
    partial = np.array([calendar.is_partial(m) for m in range(months.months)], dtype=bool)
    kinds = range(2 if len(population.consumers) else 1)
    parts = [
        _sales(
            {name: sum_over_canteens(getattr(months, name), rows) for name in _SALES_ARRAYS},
            kind,
            partial,
            scenario.platform,
        )
        for kind, rows in zip(kinds, _buyer_rows(population), strict=False)
    ]
    rows = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    month_labels = np.array([calendar.month_label(m) for m in range(months.months)])
    names = np.asarray(population.categories.name, dtype=str)
    # codes into each label's sorted text, and the rows in that order
    month = _text_rank(month_labels)[rows.pop("month")]
    category = _text_rank(names)[rows.pop("category")]
    buyer = rows.pop("buyer")
    order = np.lexsort((_text_rank(np.array(BUYER_KINDS))[buyer], category, month))
    return Table(
        {
            "month": labels(month[order], np.sort(month_labels)),
            "category": labels(category[order], np.sort(names)),
            "buyer": labels(buyer[order], BUYER_KINDS),
            **{name: values[order] for name, values in rows.items()},
        }
    )


_SALES_ARRAYS = ("aid_yuan", "aid_kg", "shipped_kg", "market_yuan")


def _text_rank(text: np.ndarray) -> np.ndarray:
    """Each value's place in the sorted order of `text` (distinct values)."""
    rank = np.empty(len(text), dtype=np.intp)
    rank[np.argsort(text, kind="stable")] = np.arange(len(text))
    return rank


def _buyer_rows(population: Population) -> tuple[slice, slice]:
    """The rows of the canteens, then of the pickup points, in the buyers' arrays."""
    n = population.canteen_count
    return slice(0, n), slice(n, len(population.canteens))


def _sales(
    totals: dict[str, np.ndarray], buyer: int, partial: np.ndarray, platform: Platform
) -> dict[str, np.ndarray]:
    """One kind of buyer's ``(categories, months)`` totals as `monthly_sales` rows, category
    by category: each row's ``month``, ``category`` and ``buyer`` (indices), then its columns
    in the table's order."""
    sales, received = totals["aid_yuan"], totals["aid_kg"]
    shipped, market = totals["shipped_kg"], totals["market_yuan"]
    n_categories, n_months = sales.shape
    accounts = farmer_accounts(sales.ravel(), shipped.ravel(), platform)
    return {
        "month": np.tile(np.arange(n_months), n_categories),
        "category": np.repeat(np.arange(n_categories), n_months),
        "buyer": np.full(sales.size, buyer),
        "sales_yuan": sales.ravel(),
        "quantity_kg": received.ravel(),
        "shipped_kg": shipped.ravel(),
        "lost_kg": (shipped - received).ravel(),
        "commission_yuan": accounts["commission_yuan"],
        "logistics_yuan": accounts["logistics_yuan"],
        "market_value_yuan": market.ravel(),
        "partial": np.tile(partial, n_categories),
        "farmer_income_yuan": accounts["farmer_income_yuan"],
        "cost_premium_yuan": sales.ravel() - market.ravel(),
    }


def canteen_months(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> Table:
    """Canteen × audit period × category (and the canteen's total): the quota's audits.

    The ``month`` column holds the audit period's label: the month (``2020-03``) under a monthly
    quota, the quarter (``2020-Q2``) or the year (``2020``) under ``quota.period``.
    """
    canteens, categories = population.canteens, population.categories
    names = [*categories.name.tolist(), TOTAL]
    audits = ledger.audits
    n = population.canteen_count  # the pickup points after them are not audited
    periods = quota.audit_periods(calendar, scenario.quota.period)
    per_period = n * len(names)
    canteen_codes = np.tile(np.repeat(np.arange(n), len(names)), len(audits))
    category_codes = np.tile(np.arange(len(names)), n * len(audits))
    period_codes = np.repeat(np.asarray([a.period for a in audits], dtype=np.intp), per_period)
    columns: dict[str, Any] = {
        "month": labels(period_codes, [p.label for p in periods]),
        "canteen_id": labels(canteen_codes, canteens.canteen_id[:n]),
        "kind": sorted_labels(canteen_codes, canteens.kind[:n]),
        "bound": canteens.bound[canteen_codes],
        "category": labels(category_codes, names),
        **{name: stacked(audits, name) for name in _AUDITED_AMOUNTS},
        "partial": np.repeat([periods[a.period].partial for a in audits], per_period),
    }
    offered = np.bincount(population.products.category, minlength=len(categories.name)) > 0
    is_total = category_codes == len(names) - 1
    on_offer = np.append(offered, True)[category_codes]
    return Table(quota.audit_columns(columns, scenario.quota, is_total, on_offer))


_AUDITED_AMOUNTS = ("consumption_kg", "aid_kg", "consumption_yuan", "aid_yuan")


def stacked(audits: list[Audit], name: str) -> np.ndarray:
    """An `Audit` field as ``(audits, canteens, categories + total)``, flattened in the row order
    of `canteen_months`."""
    if not audits:
        return np.empty(0)
    values = np.stack([getattr(a, name) for a in audits])
    return np.concatenate([values, values.sum(axis=2, keepdims=True)], axis=2).ravel()


def weekly_products(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> Table:
    """Week × product: offered, listed, ordered, sold, unsold, shipped, lost and undelivered kg;
    sales (yuan) and where each yuan went, as in `monthly_sales`."""
    products, record = population.products, ledger.product_weeks
    weeks = calendar.weeks
    n_products = len(products)
    perishable = population.categories.perishable[products.category]
    unsold = record.listed_kg - record.sold_kg
    sales = ((record.shipped_kg - record.lost_kg) * products.platform_price_yuan_per_kg).ravel()
    accounts = farmer_accounts(sales, record.shipped_kg.ravel(), scenario.platform)
    mondays = np.array([calendar.date(w.monday) for w in weeks], dtype="datetime64[D]")
    return Table(
        {
            "week": np.repeat(np.array([w.index for w in weeks], dtype=np.int64), n_products),
            "week_start": days(np.repeat(mondays, n_products)),  # as deliveries' days
            **_product_labels(population, len(weeks)),
            "offered_kg": record.offered_kg.ravel(),
            "listed": (record.listed_kg > 0).ravel(),
            "listed_kg": record.listed_kg.ravel(),
            "ordered_kg": record.ordered_kg.ravel(),
            "sold_kg": record.sold_kg.ravel(),
            "unsold_kg": unsold.ravel(),
            "spoiled_kg": (unsold * perishable).ravel(),
            "unsold_farm_gate_yuan": (
                unsold * ~perishable * products.farm_gate_price_yuan_per_kg
            ).ravel(),
            "shipped_kg": record.shipped_kg.ravel(),
            "lost_kg": record.lost_kg.ravel(),
            "undelivered_kg": record.undelivered_kg.ravel(),
            "sales_yuan": sales,
            **accounts,
        }
    )


def _product_labels(population: Population, weeks: int) -> dict[str, Labels]:
    """Each product's id, name, category, cooperative and county, for `weeks` weeks of rows
    (week-major), labelled as the other tables' labels are: built from codes, not by turning
    30,000 rows into text one cell at a time."""
    products, cooperatives = population.products, population.cooperatives
    codes_and_values = {
        "product_id": (np.arange(len(products)), products.product_id),
        "product_name": (np.arange(len(products)), products.name),
        "category": (products.category, population.categories.name),
        "cooperative_id": (products.cooperative, cooperatives.cooperative_id),
        "county": (products.cooperative, cooperatives.county),
    }
    return {
        column: sorted_labels(np.tile(codes, weeks), values)
        for column, (codes, values) in codes_and_values.items()
    }


def deliveries(ledger: Ledger, population: Population, calendar: Calendar) -> Table:
    """Week × canteen × shipment: when each load was due and when it arrived, in the order of
    the week, the day due, the day delivered and the buyer."""
    record = ledger.deliveries
    week = record.column("week").astype(np.int64)
    scheduled = record.column("scheduled_day").astype(np.intp)
    delivered = record.column("delivered_day").astype(np.intp)
    buyer = record.column("canteen").astype(np.intp)
    order = np.lexsort((buyer, delivered, scheduled, week))
    week, scheduled, delivered = week[order], scheduled[order], delivered[order]
    buyer, kg, lost = buyer[order], record.column("kg")[order], record.column("lost_kg")[order]
    start = np.datetime64(calendar.start, "D")
    return Table(
        {
            "week": week,
            "canteen_id": labels(buyer, population.canteens.canteen_id),
            "buyer": labels(population.buyer_kind[buyer], BUYER_KINDS),
            "scheduled_day": days(start + scheduled),
            "delivered_day": days(start + delivered),
            "kg": kg,
            "lost_kg": lost,
            "received_kg": kg - lost,
            "late": delivered > scheduled,
        }
    )
