"""The results contract: what canteensim writes, under which names, and what each KPI means.

Everything that writes or reads results imports this module: the model computes the KPIs listed
here (`canteensim.model.tables`), the writers name their files with it (`canteensim.output`,
`canteensim.experiment.store`), and the command line and the report label, format and choose
KPIs from it. A KPI is one row of `KPIS` plus the function that computes it
(`canteensim.model.tables.KPI_FUNCTIONS`); a test fails if the two drift apart.

Every ``summary.json`` says its `Kind` and the `FORMAT_VERSION` it was written in, so a reader
never has to guess what a folder holds from the keys it happens to have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["run", "comparison", "search", "sensitivity"]
"""What a results folder holds: one scenario's replications, a comparison of settings, the search
for a setting that meets targets, or a sensitivity analysis of uncertain assumptions."""
FORMAT_VERSION = 2
"""The layout of results folders; raised when a reader of an older folder could misread it.

2: a run's ``audit_failures`` table; ``canteen_months`` rows per audit period (``quota.period``);
``compliance_rate`` and ``quota_fulfilment`` over whole audit periods only."""

Unit = Literal["yuan", "kg", "share", "count"]
Better = Literal["higher", "lower"]
Lang = Literal["en", "zh"]


@dataclass(frozen=True)
class Kpi:
    """One headline figure of a run, under a name scripts rely on (SPEC §4).

    Attributes
    ----------
    unit:
        ``"share"`` KPIs are ratios in [0, 1], shown as percentages; the others are amounts.
    label:
        The KPI's name with its unit, in English and in Chinese.
    headline:
        Drawn in a comparison's figures (KPI by setting, paired differences).
    better:
        Which direction is an improvement for the scheme's aims, where one is.
    undefined:
        When the KPI has nothing to measure (it is then NaN, shown as n/a), in both languages;
        empty for a KPI that always has a value.
    """

    name: str
    unit: Unit
    label: dict[Lang, str]
    headline: bool = False
    better: Better | None = None
    undefined: dict[Lang, str] | None = None

    @property
    def percent(self) -> bool:
        return self.unit == "share"

    def format(self, value: float) -> str:
        """The value as the terminal shows it: ``311,912 yuan``, ``59.3%``, ``3,031 kg``."""
        if self.percent:
            return f"{value:.1%}"
        suffix = "" if self.unit == "count" else f" {self.unit}"
        return f"{value:,.0f}{suffix}"


_NO_AUDIT: dict[Lang, str] = {
    "en": "no whole audit period of a bound canteen",
    "zh": "没有受约束食堂的完整审核期",
}
"""Partial first and last periods are audited but not counted (`canteensim.model.kpis`)."""

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "monthly_sales_yuan_mean",
        "yuan",
        {"en": "Mean monthly sales (yuan)", "zh": "月均销售额（元）"},
        headline=True,
        better="higher",
        undefined={
            "en": "no full calendar month, and no month with sales",
            "zh": "没有完整的自然月，也没有有销售的月份",
        },
    ),
    Kpi(
        "total_sales_yuan",
        "yuan",
        {"en": "Total sales (yuan)", "zh": "总销售额（元）"},
        better="higher",
    ),
    Kpi(
        "farmer_income_yuan",
        "yuan",
        {"en": "Farmer income (yuan)", "zh": "农户收入（元）"},
        headline=True,
        better="higher",
    ),
    Kpi(
        "compliance_rate",
        "share",
        {"en": "Compliance rate", "zh": "配额达标率"},
        headline=True,
        better="higher",
        undefined=_NO_AUDIT,
    ),
    Kpi(
        "quota_fulfilment",
        "share",
        {"en": "Quota fulfilment", "zh": "配额完成度"},
        headline=True,
        better="higher",
        undefined=_NO_AUDIT,
    ),
    Kpi(
        "fill_rate",
        "share",
        {"en": "Fill rate", "zh": "订单满足率"},
        headline=True,
        better="higher",
        undefined={"en": "nothing was ordered", "zh": "没有订单"},
    ),
    Kpi(
        "unsold_share",
        "share",
        {"en": "Unsold share", "zh": "滞销比例"},
        better="lower",
        undefined={"en": "nothing was listed", "zh": "没有产品上架"},
    ),
    Kpi(
        "lost_kg",
        "kg",
        {"en": "Lost in transit (kg)", "zh": "运输损耗（千克）"},
        better="lower",
    ),
    Kpi(
        "undelivered_kg",
        "kg",
        {"en": "Undelivered (kg)", "zh": "未送达（千克）"},
        better="lower",
    ),
    Kpi(
        "on_time_rate",
        "share",
        {"en": "On-time rate", "zh": "准时送达率"},
        better="higher",
        undefined={"en": "nothing was shipped", "zh": "没有发运"},
    ),
    Kpi(
        "cost_premium_yuan",
        "yuan",
        {"en": "Cost premium to canteens (yuan)", "zh": "食堂额外成本（元）"},
        headline=True,
        better="lower",
    ),
    Kpi("order_lines", "count", {"en": "Order lines", "zh": "订单行数"}),
)
"""The KPIs of a run, in the order tables, summaries and reports show them."""

KPI_NAMES: tuple[str, ...] = tuple(k.name for k in KPIS)
HEADLINE_KPIS: tuple[str, ...] = tuple(k.name for k in KPIS if k.headline)
"""The KPIs a comparison's figures show, in this order."""
PERCENT_KPIS = frozenset(k.name for k in KPIS if k.percent)
"""KPIs that are ratios, shown as percentages."""
_BY_NAME = {k.name: k for k in KPIS}


def kpi(name: str) -> Kpi | None:
    """The KPI called `name`; None for a name that is not one (an older folder's, say)."""
    return _BY_NAME.get(name)


# --- files ---------------------------------------------------------------------------------------

SUMMARY = "summary.json"
"""Written last into every results folder, a run's or a comparison's: its provenance."""
MANIFEST = "manifest.json"
"""Written first into a comparison's folder, so that an unfinished one is known as ours too."""
JOURNAL = "journal.jsonl"
"""A comparison's finished runs, one line each, until its final tables are written."""


WORKBOOK_MAX_ROWS = 100_000
"""The longest table a report's workbook holds; a longer one stays in its file in the results
folder only, as the workbook's README says (a province's tables would make a workbook too large
to open)."""


@dataclass(frozen=True)
class ReportFiles:
    """The files of a folder's report in one language: the English report keeps the plain names
    (``report.html``, ``figures/``), the Chinese one is ``report.zh.html``, ``figures.zh/`` …,
    so both can live in one results folder."""

    html: str
    markdown: str
    workbook: str
    figures: str

    @classmethod
    def of(cls, lang: str) -> ReportFiles:
        suffix = "" if lang == "en" else f".{lang}"
        return cls(
            f"report{suffix}.html", f"report{suffix}.md", f"report{suffix}.xlsx", f"figures{suffix}"
        )


Dtype = Literal["int", "float", "bool", "text", "category", "date", "datetime"]
"""What a column holds: ``category`` is text from a short list (a canteen id, a month),
``date`` a calendar day, ``datetime`` a day as a timestamp."""

RUN_TABLE_COLUMNS: dict[str, dict[str, Dtype]] = {
    "monthly_sales": {
        "replication": "int",
        "month": "category",
        "category": "category",
        "buyer": "category",
        "sales_yuan": "float",
        "quantity_kg": "float",
        "shipped_kg": "float",
        "lost_kg": "float",
        "commission_yuan": "float",
        "logistics_yuan": "float",
        "market_value_yuan": "float",
        "partial": "bool",
        "farmer_income_yuan": "float",
        "cost_premium_yuan": "float",
    },
    "canteen_months": {
        "replication": "int",
        "month": "category",
        "canteen_id": "category",
        "kind": "category",
        "bound": "bool",
        "category": "category",
        "consumption_kg": "float",
        "aid_kg": "float",
        "consumption_yuan": "float",
        "aid_yuan": "float",
        "partial": "bool",
        "required_kg": "float",
        "required_yuan": "float",
        "aid_share": "float",
        "fulfilment": "float",
        "compliant": "bool",
        "audited": "bool",
    },
    "audit_failures": {
        "replication": "int",
        "month": "category",
        "canteen_id": "category",
        "kind": "category",
        "category": "category",
        "partial": "bool",
        "required_kg": "float",
        "aid_kg": "float",
        "required_yuan": "float",
        "aid_yuan": "float",
        "shortfall_kg": "float",
        "shortfall_yuan": "float",
        "skipped_orders": "int",
        "cause": "category",
    },
    "weekly_products": {
        "replication": "int",
        "week": "int",
        "week_start": "datetime",
        "product_id": "category",
        "product_name": "category",
        "category": "category",
        "cooperative_id": "category",
        "county": "category",
        "offered_kg": "float",
        "listed": "bool",
        "listed_kg": "float",
        "ordered_kg": "float",
        "sold_kg": "float",
        "unsold_kg": "float",
        "spoiled_kg": "float",
        "unsold_farm_gate_yuan": "float",
        "shipped_kg": "float",
        "lost_kg": "float",
        "undelivered_kg": "float",
        "sales_yuan": "float",
        "commission_yuan": "float",
        "logistics_yuan": "float",
        "farmer_income_yuan": "float",
    },
    "deliveries": {
        "replication": "int",
        "week": "int",
        "canteen_id": "category",
        "buyer": "category",
        "scheduled_day": "datetime",
        "delivered_day": "datetime",
        "kg": "float",
        "lost_kg": "float",
        "received_kg": "float",
        "late": "bool",
    },
}
"""A run's tables, each column with what it holds, in the order they are written."""
RUN_TABLES = tuple(RUN_TABLE_COLUMNS)
"""A run's tables; each is written as NAME.csv or NAME.parquet, as its summary.json records."""

FAILURE_CAUSES = (
    "did_not_order",
    "rounding",
    "supply_short",
    "moved_out",
    "transit_loss",
    "attendance",
)
"""The primary causes of a failed audit (``audit_failures.cause``), in the order aid flows from
a canteen's intention to its kitchen (`canteensim.model.failures`); their words are in
`canteensim.text`."""

RUNS = "runs.parquet"
MONTHLY = "monthly.parquet"
COMPARISON_FILES = {
    "comparison": "comparison.csv",
    "monthly_comparison": "monthly_comparison.csv",
    "runs": RUNS,
    "monthly": MONTHLY,
}
"""A comparison's tables and their files, the most read first."""
PROBES = "probes.csv"
SEARCH_FILES = {"probes": PROBES, "runs": RUNS}
"""A search's tables: its probes, and every run of them (its ``monthly.parquet`` stays out of the
report: it serves ``--resume``)."""
INDICES = "indices.csv"
INTERACTIONS = "interactions.csv"
SAMPLES = "samples.csv"
SENSITIVITY_FILES = {
    "indices": INDICES,
    "interactions": INTERACTIONS,
    "samples": SAMPLES,
    "runs": RUNS,
}
"""A sensitivity analysis's tables: the indices, the second-order indices (Sobol with
``--second-order``; else only a header), the points with their KPI means, every run."""
