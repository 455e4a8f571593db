"""From the ledger to tidy tables (one row per observation) and the KPIs of SPEC §4."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from canteensim.model.calendar import Calendar
from canteensim.model.ledger import Ledger
from canteensim.model.population import Population
from canteensim.scenario.schema import Scenario

KPI_NAMES = (
    "monthly_sales_yuan_mean",
    "total_sales_yuan",
    "farmer_income_yuan",
    "compliance_rate",
    "quota_fulfilment",
    "fill_rate",
    "unsold_share",
    "lost_kg",
    "undelivered_kg",
    "on_time_rate",
    "cost_premium_yuan",
    "order_lines",
)
"""The KPIs of a run, in the order tables and reports show them (SPEC §4, plus order lines)."""

TOTAL = "total"
"""The category name of a canteen-month row that sums all categories."""


def monthly_sales(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> pd.DataFrame:
    """Month × category: delivered sales and where each yuan went."""
    months = ledger.months
    categories = population.categories.name
    n_months = months.months
    sales = months.aid_yuan.sum(axis=0)  # (categories, months)
    received = months.aid_kg.sum(axis=0)
    shipped = months.shipped_kg.sum(axis=0)
    market = months.market_yuan.sum(axis=0)
    platform = scenario.platform
    frame = pd.DataFrame(
        {
            "month": np.tile([calendar.month_label(m) for m in range(n_months)], len(categories)),
            "category": np.repeat(categories, n_months),
            "sales_yuan": sales.ravel(),
            "quantity_kg": received.ravel(),
            "shipped_kg": shipped.ravel(),
            "lost_kg": (shipped - received).ravel(),
            "commission_yuan": platform.commission * sales.ravel(),
            "logistics_yuan": platform.logistics_yuan_per_kg * shipped.ravel(),
            "market_value_yuan": market.ravel(),
            "partial": np.tile([calendar.is_partial(m) for m in range(n_months)], len(categories)),
        }
    )
    frame["farmer_income_yuan"] = (
        frame["sales_yuan"] - frame["commission_yuan"] - frame["logistics_yuan"]
    )
    frame["cost_premium_yuan"] = frame["sales_yuan"] - frame["market_value_yuan"]
    return frame.sort_values(["month", "category"], kind="stable").reset_index(drop=True)


def canteen_months(
    ledger: Ledger, population: Population, scenario: Scenario, calendar: Calendar
) -> pd.DataFrame:
    """Canteen × month × category (and the canteen's total): the month-end audits."""
    canteens, categories = population.canteens, population.categories
    names = [*categories.name.tolist(), TOTAL]
    audits = ledger.audits

    def stacked(name: str) -> np.ndarray:
        """``(audits, canteens, categories + total)`` flattened in row order."""
        values = np.stack([getattr(a, name) for a in audits]) if audits else np.empty((0, 0, 0))
        return np.concatenate([values, values.sum(axis=2, keepdims=True)], axis=2).ravel()

    per_month = len(canteens) * len(names)
    canteen_codes = np.tile(np.repeat(np.arange(len(canteens)), len(names)), len(audits))
    frame = pd.DataFrame(
        {
            "month": _labels(np.repeat([a.month for a in audits], per_month), calendar),
            "canteen_id": pd.Categorical.from_codes(
                canteen_codes, categories=pd.Index(canteens.canteen_id)
            ),
            "kind": pd.Categorical(canteens.kind[canteen_codes]),
            "bound": canteens.bound[canteen_codes],
            "category": pd.Categorical.from_codes(
                np.tile(np.arange(len(names)), len(canteens) * len(audits)),
                categories=pd.Index(names),
            ),
            "consumption_kg": stacked("consumption_kg"),
            "aid_kg": stacked("aid_kg"),
            "consumption_yuan": stacked("consumption_yuan"),
            "aid_yuan": stacked("aid_yuan"),
            "partial": np.repeat([calendar.is_partial(a.month) for a in audits], per_month),
        }
    )
    offered = np.bincount(population.products.category, minlength=len(categories.name)) > 0
    return _audit(frame, scenario, [*categories.name[offered].tolist(), TOTAL])


def _labels(months: np.ndarray, calendar: Calendar) -> pd.Categorical[str]:
    """Month labels (``2020-03``) as a categorical: cheap for tables of a million rows."""
    unique, codes = np.unique(months, return_inverse=True)
    labels = pd.Index([calendar.month_label(m) for m in unique])
    return pd.Categorical.from_codes(codes, categories=labels)


def _audit(frame: pd.DataFrame, scenario: Scenario, offered: list[str]) -> pd.DataFrame:
    """Required aid, aid share and compliance; which rows the quota audits.

    A category no product of the scenario belongs to is not audited: there is nothing to buy.
    Nor is a row that requires nothing (no consumption, or a quota of 0 %): every canteen would
    meet it, and a compliance rate of 100 % would read as a result.
    """
    quota = scenario.quota
    frame["required_kg"] = quota.share * frame["consumption_kg"]
    frame["required_yuan"] = quota.share * frame["consumption_yuan"]
    by_value = quota.basis == "value"
    aid = frame["aid_yuan"] if by_value else frame["aid_kg"]
    base = frame["consumption_yuan"] if by_value else frame["consumption_kg"]
    required = frame["required_yuan"] if by_value else frame["required_kg"]
    frame["aid_share"] = (aid / base).where(base > 0)
    # relative tolerance: a canteen that bought exactly its quota complies despite rounding
    frame["compliant"] = aid >= required * (1 - 1e-9)
    is_total = frame["category"] == TOTAL
    audited_category = is_total if quota.per == "total" else ~is_total
    on_offer = frame["category"].isin(offered)
    frame["audited"] = frame["bound"] & (required > 0) & audited_category & on_offer
    return frame


def weekly_products(ledger: Ledger, population: Population, calendar: Calendar) -> pd.DataFrame:
    """Week × product: offered, listed, ordered, sold, unsold, shipped, lost and undelivered kg."""
    products, record = population.products, ledger.product_weeks
    weeks = calendar.weeks
    n_products = len(products)
    perishable = population.categories.perishable[products.category]
    unsold = record.listed_kg - record.sold_kg
    return pd.DataFrame(
        {
            "week": np.repeat([w.index for w in weeks], n_products),
            "week_start": np.repeat([calendar.date(w.monday) for w in weeks], n_products),
            "product_id": np.tile(products.product_id, len(weeks)),
            "product_name": np.tile(products.name, len(weeks)),
            "category": np.tile(population.categories.name[products.category], len(weeks)),
            "cooperative_id": np.tile(
                population.cooperatives.cooperative_id[products.cooperative], len(weeks)
            ),
            "county": np.tile(population.cooperatives.county[products.cooperative], len(weeks)),
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
            "sales_yuan": (
                (record.shipped_kg - record.lost_kg) * products.platform_price_yuan_per_kg
            ).ravel(),
        }
    )


def deliveries(ledger: Ledger, population: Population, calendar: Calendar) -> pd.DataFrame:
    """Week × canteen × shipment: when each load was due and when it arrived."""
    record = ledger.deliveries
    week = record.column("week").astype(np.intp)
    scheduled = record.column("scheduled_day").astype(np.intp)
    delivered = record.column("delivered_day").astype(np.intp)
    kg, lost = record.column("kg"), record.column("lost_kg")
    start = np.datetime64(calendar.start, "D")
    frame = pd.DataFrame(
        {
            "week": week,
            "canteen_id": pd.Categorical.from_codes(
                record.column("canteen").astype(np.intp),
                categories=pd.Index(population.canteens.canteen_id),
            ),
            "scheduled_day": start + scheduled,
            "delivered_day": start + delivered,
            "kg": kg,
            "lost_kg": lost,
            "received_kg": kg - lost,
            "late": delivered > scheduled,
        }
    )
    return frame.sort_values(["week", "scheduled_day", "delivered_day", "canteen_id"]).reset_index(
        drop=True
    )


def kpis(
    ledger: Ledger, tables: dict[str, pd.DataFrame], scenario: Scenario
) -> dict[str, float | int]:
    """The headline figures of a run, under the names SPEC §4 fixes."""
    sales, audits = tables["monthly_sales"], tables["canteen_months"]
    products, shipments = tables["weekly_products"], tables["deliveries"]
    by_month = sales.groupby("month", sort=True).agg(
        sales_yuan=("sales_yuan", "sum"), partial=("partial", "first")
    )
    full = by_month[~by_month["partial"]]
    monthly = full if len(full) else by_month[by_month["sales_yuan"] > 0]
    audited = audits[audits["audited"]] if len(audits) else audits
    by_value = scenario.quota.basis == "value"
    aid = "aid_yuan" if by_value else "aid_kg"
    required = "required_yuan" if by_value else "required_kg"
    shipped_kg = float(shipments["kg"].sum())
    on_time_kg = float(shipments.loc[~shipments["late"], "kg"].sum())
    return {
        "monthly_sales_yuan_mean": _mean(monthly["sales_yuan"]),
        "total_sales_yuan": float(sales["sales_yuan"].sum()),
        "farmer_income_yuan": float(sales["farmer_income_yuan"].sum()),
        "compliance_rate": _mean(audited["compliant"]) if len(audited) else math.nan,
        "quota_fulfilment": _ratio(audited[aid].sum(), audited[required].sum()),
        "fill_rate": _ratio(ledger.filled_kg, ledger.ordered_kg),
        "unsold_share": _ratio(products["unsold_kg"].sum(), products["listed_kg"].sum()),
        "lost_kg": float(products["lost_kg"].sum()),
        "undelivered_kg": float(products["undelivered_kg"].sum()),
        "on_time_rate": _ratio(on_time_kg, shipped_kg),
        "cost_premium_yuan": float(sales["cost_premium_yuan"].sum()),
        "order_lines": ledger.order_lines,
    }


def _mean(values: pd.Series) -> float:
    return float(values.astype(float).mean()) if len(values) else math.nan


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else math.nan
