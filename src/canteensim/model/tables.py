"""From the ledger to tidy tables (one row per observation); `kpis` computes the KPIs from them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canteensim.model import quota
from canteensim.model.calendar import Calendar
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
) -> pd.DataFrame:
    """Month × category × kind of buyer: delivered sales and where each yuan went.

    Canteens always have their rows; consumers (`BUYER_KINDS`) only when the scenario has some.
    """
    months = ledger.months
    kinds = BUYER_KINDS[: 2 if len(population.consumers) else 1]
    parts = []
    for kind, rows in zip(kinds, _buyer_rows(population), strict=False):
        parts.append(
            _sales(
                {name: sum_over_canteens(getattr(months, name), rows) for name in _SALES_ARRAYS},
                kind,
                population,
                scenario,
                calendar,
                months.months,
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["month", "category", "buyer"], kind="stable").reset_index(drop=True)
    # the same dtypes as canteen_months' month and category and deliveries' buyer, for joins
    # in a notebook
    buyers = pd.CategoricalDtype(list(BUYER_KINDS))
    return frame.astype({"month": "category", "category": "category", "buyer": buyers})


_SALES_ARRAYS = ("aid_yuan", "aid_kg", "shipped_kg", "market_yuan")


def _buyer_rows(population: Population) -> tuple[slice, slice]:
    """The rows of the canteens, then of the pickup points, in the buyers' arrays."""
    n = population.canteen_count
    return slice(0, n), slice(n, len(population.canteens))


def _sales(
    totals: dict[str, np.ndarray],
    buyer: str,
    population: Population,
    scenario: Scenario,
    calendar: Calendar,
    n_months: int,
) -> pd.DataFrame:
    """One kind of buyer's ``(categories, months)`` totals as `monthly_sales` rows."""
    categories = population.categories.name
    sales, received = totals["aid_yuan"], totals["aid_kg"]
    shipped, market = totals["shipped_kg"], totals["market_yuan"]
    accounts = farmer_accounts(sales.ravel(), shipped.ravel(), scenario.platform)
    frame = pd.DataFrame(
        {
            "month": np.tile([calendar.month_label(m) for m in range(n_months)], len(categories)),
            "category": np.repeat(categories, n_months),
            "buyer": buyer,
            "sales_yuan": sales.ravel(),
            "quantity_kg": received.ravel(),
            "shipped_kg": shipped.ravel(),
            "lost_kg": (shipped - received).ravel(),
            "commission_yuan": accounts["commission_yuan"],
            "logistics_yuan": accounts["logistics_yuan"],
            "market_value_yuan": market.ravel(),
            "partial": np.tile([calendar.is_partial(m) for m in range(n_months)], len(categories)),
            "farmer_income_yuan": accounts["farmer_income_yuan"],
        }
    )
    frame["cost_premium_yuan"] = frame["sales_yuan"] - frame["market_value_yuan"]
    return frame


def canteen_months(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> pd.DataFrame:
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
    frame = pd.DataFrame(
        {
            "month": _period_labels([a.period for a in audits], periods, per_period),
            "canteen_id": pd.Categorical.from_codes(
                canteen_codes, categories=pd.Index(canteens.canteen_id[:n])
            ),
            "kind": _categorical(canteen_codes, canteens.kind[:n]),
            "bound": canteens.bound[canteen_codes],
            "category": pd.Categorical.from_codes(
                np.tile(np.arange(len(names)), n * len(audits)),
                categories=pd.Index(names),
            ),
            **{name: stacked(audits, name) for name in _AUDITED_AMOUNTS},
            "partial": np.repeat([periods[a.period].partial for a in audits], per_period),
        },
        copy=False,  # fresh arrays, each its own column: not copied into one block (0.1 s)
    )
    offered = np.bincount(population.products.category, minlength=len(categories.name)) > 0
    on_offer = frame["category"].isin([*categories.name[offered].tolist(), TOTAL])
    return quota.audit_columns(frame, scenario.quota, frame["category"] == TOTAL, on_offer)


_AUDITED_AMOUNTS = ("consumption_kg", "aid_kg", "consumption_yuan", "aid_yuan")


def stacked(audits: list[Audit], name: str) -> np.ndarray:
    """An `Audit` field as ``(audits, canteens, categories + total)``, flattened in the row order
    of `canteen_months`."""
    if not audits:
        return np.empty(0)
    values = np.stack([getattr(a, name) for a in audits])
    return np.concatenate([values, values.sum(axis=2, keepdims=True)], axis=2).ravel()


def _period_labels(
    period: list[int], periods: tuple[quota.AuditPeriod, ...], repeat: int
) -> pd.Categorical[str]:
    """Audit period labels, each repeated `repeat` times, as a categorical."""
    codes = np.repeat(np.asarray(period, dtype=np.intp), repeat)
    return pd.Categorical.from_codes(codes, categories=pd.Index([p.label for p in periods]))


def weekly_products(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> pd.DataFrame:
    """Week × product: offered, listed, ordered, sold, unsold, shipped, lost and undelivered kg;
    sales (yuan) and where each yuan went, as in `monthly_sales`."""
    products, record = population.products, ledger.product_weeks
    weeks = calendar.weeks
    n_products = len(products)
    perishable = population.categories.perishable[products.category]
    unsold = record.listed_kg - record.sold_kg
    sales = ((record.shipped_kg - record.lost_kg) * products.platform_price_yuan_per_kg).ravel()
    accounts = farmer_accounts(sales, record.shipped_kg.ravel(), scenario.platform)
    return pd.DataFrame(
        {
            "week": np.repeat([w.index for w in weeks], n_products),
            "week_start": pd.to_datetime(  # datetime64, as deliveries' days
                np.repeat([calendar.date(w.monday) for w in weeks], n_products)
            ),
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


def _product_labels(population: Population, weeks: int) -> dict[str, pd.Categorical[str]]:
    """Each product's id, name, category, cooperative and county, for `weeks` weeks of rows
    (week-major), as categoricals, as the other tables' labels are: built from codes, not by
    turning 30,000 rows into text one cell at a time."""
    products, cooperatives = population.products, population.cooperatives
    labels = {
        "product_id": (np.arange(len(products)), products.product_id),
        "product_name": (np.arange(len(products)), products.name),
        "category": (products.category, population.categories.name),
        "cooperative_id": (products.cooperative, cooperatives.cooperative_id),
        "county": (products.cooperative, cooperatives.county),
    }
    return {
        column: _categorical(np.tile(codes, weeks), values)
        for column, (codes, values) in labels.items()
    }


def _categorical(codes: np.ndarray, values: np.ndarray) -> pd.Categorical[str]:
    """`values[codes]` as a categorical of the distinct values, sorted: grouped, its rows come
    in the order text would."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return pd.Categorical.from_codes(inverse[codes], categories=pd.Index(distinct))


def deliveries(ledger: Ledger, population: Population, calendar: Calendar) -> pd.DataFrame:
    """Week × canteen × shipment: when each load was due and when it arrived."""
    record = ledger.deliveries
    week = record.column("week").astype(np.intp)
    scheduled = record.column("scheduled_day").astype(np.intp)
    delivered = record.column("delivered_day").astype(np.intp)
    kg, lost = record.column("kg"), record.column("lost_kg")
    start = np.datetime64(calendar.start, "D")
    buyer = record.column("canteen").astype(np.intp)
    frame = pd.DataFrame(
        {
            "week": week,
            "canteen_id": pd.Categorical.from_codes(
                buyer, categories=pd.Index(population.canteens.canteen_id)
            ),
            "buyer": pd.Categorical.from_codes(
                population.buyer_kind[buyer], categories=pd.Index(BUYER_KINDS)
            ),
            "scheduled_day": start + scheduled,
            "delivered_day": start + delivered,
            "kg": kg,
            "lost_kg": lost,
            "received_kg": kg - lost,
            "late": delivered > scheduled,
        },
        copy=False,  # fresh arrays, sorted (copied) next
    )
    return frame.sort_values(["week", "scheduled_day", "delivered_day", "canteen_id"]).reset_index(
        drop=True
    )
