"""Why a figure or a sentence of a run's report has nothing to show, in the report's words.

A valid run may sell nothing: no diners, attendance 0, holidays throughout, no supply, an order
line minimum above every need, a horizon holding no whole weekly cycle. Its figures are then
drawn empty, with a `Nothing` saying what is missing and the first step of the weekly story
(listing, meals, orders, shipping) that its tables show did not happen. `RunFlows` is what the
run's tables add up to: sums of their columns, nothing the model would have to say again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from canteensim import text
from canteensim.report.read import ResultsFolder, as_bool
from canteensim.scenario.schema import RESERVED_CATEGORY


@dataclass(frozen=True)
class Nothing:
    """What a figure (or a panel) lacks and why, worded in the report's language.

    Attributes
    ----------
    reason:
        What is missing, as a clause: ``"no sales in this run"``.
    cause:
        Why, when the tables tell: ``"canteens served no meals (…)"``; empty when they do not.
    """

    reason: str
    cause: str = ""

    def sentence(self, lang: str) -> str:
        """``"no sales in this run, as canteens served no meals (…)"``: a caption's words."""
        if not self.cause:
            return self.reason
        return f"{self.reason}{text.say(lang, 'why.because')}{self.cause}"


@dataclass(frozen=True)
class RunFlows:
    """A run's tables added up over all replications (kg, yuan, counts).

    Only whether each is zero matters: it says which step of the weekly story never happened.
    """

    start: str
    end: str
    weeks: int
    """Weekly cycles in the horizon (rows of ``weekly_products`` exist for each)."""
    meals_kg: float
    """Food consumed by all canteens (``canteen_months``' total rows)."""
    bound_canteens: int
    bound_meals_kg: float
    audits: int
    """Rows of ``canteen_months`` the model marks ``audited``."""
    whole_audits: int
    """Of those, the audits of whole periods: the ones the quota's KPIs count."""
    failures: int
    """Rows of ``audit_failures``: failed audits, of partial periods too."""
    quota_share: float
    """The scenario's ``quota.share``: words for why nothing was audited, not a rule of it."""
    period: str
    """The scenario's ``quota.period`` (``month``, ``quarter``, ``year``), for words only."""
    offered_kg: float
    listed_kg: float
    ordered_kg: float
    shipped_kg: float
    sales_yuan: float

    @classmethod
    def of(cls, results: ResultsFolder) -> RunFlows:
        """Add up a run's tables (``monthly_sales``, ``canteen_months``, ``audit_failures``,
        ``weekly_products``)."""
        tables, scenario = results.tables, results.scenario
        months, weekly = tables["canteen_months"], tables["weekly_products"]
        is_total = months["category"].astype(str) == RESERVED_CATEGORY if len(months) else None
        totals = months[is_total] if is_total is not None and is_total.any() else months
        bound = as_bool(totals["bound"]) if len(totals) else pd.Series(dtype=bool)
        canteens = totals.loc[bound, "canteen_id"].nunique() if len(totals) else 0
        audited = as_bool(months["audited"]) if "audited" in months else pd.Series(dtype=bool)
        whole = (
            ~as_bool(months["partial"]) if "partial" in months else pd.Series(True, months.index)
        )
        return cls(
            start=str(scenario.scenario.start),
            end=str(scenario.scenario.end),
            weeks=int(weekly["week"].nunique()) if len(weekly) else 0,
            meals_kg=_sum(totals, "consumption_kg"),
            bound_canteens=int(canteens),
            bound_meals_kg=_sum(totals[bound] if len(totals) else totals, "consumption_kg"),
            audits=int(audited.sum()),
            whole_audits=int((audited & whole).sum()),
            failures=len(tables["audit_failures"]),
            quota_share=scenario.quota.share,
            period=scenario.quota.period,
            offered_kg=_sum(weekly, "offered_kg"),
            listed_kg=_sum(weekly, "listed_kg"),
            ordered_kg=_sum(weekly, "ordered_kg"),
            shipped_kg=_sum(weekly, "shipped_kg"),
            sales_yuan=_sum(tables["monthly_sales"], "sales_yuan"),
        )

    def no_sales(self, lang: str) -> Nothing | None:
        """Why nothing was sold; None when something was."""
        if self.sales_yuan > 0:
            return None
        return Nothing(text.say(lang, "why.no_sales"), self._story(lang, shipped=True))

    def no_shipments(self, lang: str) -> Nothing | None:
        """Why nothing was shipped; None when something was."""
        if self.shipped_kg > 0:
            return None
        return Nothing(text.say(lang, "why.no_shipments"), self._story(lang, shipped=False))

    def no_listing(self, lang: str) -> Nothing | None:
        """Why no week has anything listed, ordered or sold; None when one has."""
        if self.weeks and self.listed_kg > 0:
            return None
        if not self.weeks:
            cause = self._cycle_cause(lang)
        else:  # "nothing was listed" is the reason itself; no supply would be its cause
            cause = text.say(lang, "cause.no_supply") if self.offered_kg <= 0 else ""
        return Nothing(text.say(lang, "why.no_listing"), cause)

    def no_audits(self, lang: str) -> Nothing | None:
        """Why no bound canteen was audited; None when one was.

        Whether any was is the ``audited`` column's to say; the scenario only words the cause.
        """
        if self.audits:
            return None
        if not self.bound_canteens:
            cause = text.say(lang, "cause.no_bound")
        elif self.quota_share == 0:
            cause = text.say(lang, "cause.zero_quota")
        elif self.bound_meals_kg <= 0:
            cause = text.say(lang, "cause.no_bound_meals")
        else:
            cause = ""
        return Nothing(text.say(lang, "why.no_audits"), cause)

    def no_whole_audits(self, lang: str) -> Nothing | None:
        """Why no audit counts towards the quota's KPIs; None when one does.

        They count only whole periods: a run may audit its partial periods and no other.
        """
        if self.whole_audits:
            return None
        if not self.audits:
            return self.no_audits(lang)
        cause = text.say(
            lang,
            "cause.partial_periods",
            start=self.start,
            end=self.end,
            period=text.say(lang, f"period.{self.period}"),
        )
        return Nothing(text.say(lang, "why.no_whole_audits"), cause)

    def no_failures(self, lang: str) -> Nothing | None:
        """Why no audit failed (none was made, or every one met the quota); None when one did."""
        if self.failures:
            return None
        return self.no_audits(lang) or Nothing(text.say(lang, "why.no_failures"))

    def _story(self, lang: str, *, shipped: bool) -> str:
        """The steps of the weekly story that never happened, up to shipping (and delivery)."""
        if not self.weeks:
            return self._cycle_cause(lang)
        causes = []
        if self.meals_kg <= 0:
            causes.append(text.say(lang, "cause.no_meals"))
        if self.listed_kg <= 0:
            causes.append(self._listing_cause(lang))
        if not causes and self.ordered_kg <= 0:
            causes.append(text.say(lang, "cause.no_orders"))
        if not causes and shipped:
            no_shipments = self.shipped_kg <= 0
            causes.append(text.say(lang, "cause.none_shipped" if no_shipments else "cause.lost"))
        return text.say(lang, "list.separator").join(causes)

    def _cycle_cause(self, lang: str) -> str:
        return text.say(lang, "cause.no_cycle", start=self.start, end=self.end)

    def _listing_cause(self, lang: str) -> str:
        return text.say(lang, "cause.no_supply" if self.offered_kg <= 0 else "cause.no_listing")


def _sum(table: pd.DataFrame, column: str) -> float:
    if column not in table or table.empty:
        return 0.0
    total = float(pd.to_numeric(table[column], errors="coerce").sum())
    return total if math.isfinite(total) else 0.0


__all__ = ["Nothing", "RunFlows"]
