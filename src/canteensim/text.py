"""Every word canteensim shows, in English and Chinese, and how it writes numbers.

The report's figures (titles, axes, legends, captions) and its document (headings, facts, table
columns, notes, the workbook's README) ask `say` for a phrase by key; the names of categories,
KPIs, causes of failed audits and scenario keys come from `category`, `kpi`, `failure_cause` and
`setting_key`; numbers are written by `number` and `percent`, and a value with nothing to
measure reads `NOT_APPLICABLE` everywhere, the terminal included. The names of the scheme's
rules (``allocation.fcfs``) come from `canteensim.policies`' registries. Both languages have every
key. A name this module does not know (a category of a user's own scenario) is shown as it is.

This module imports neither matplotlib nor pandas, so that the command line can use it cheaply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from canteensim import results as contract
from canteensim.policies import ALLOCATION_RULES, BEHAVIOURS

LANGUAGES = ("en", "zh")
"""The languages a report can be written in."""

NOT_APPLICABLE: Mapping[str, str] = {"en": "n/a", "zh": "不适用"}
"""What a value with nothing to measure (NaN, null in summary.json) reads, in each language."""


def _rule_words(lang: str) -> dict[str, str]:
    """``"allocation.fcfs"``, ``"behaviour.even"``, …: each rule's wording, from its registry."""
    return {
        f"{family.key}.{rule.name}": rule.wording[lang]
        for family in (BEHAVIOURS, ALLOCATION_RULES)
        for rule in family
    }


_PHRASES: Mapping[str, Mapping[str, str]] = {
    "en": {
        # --- the figures: titles, axes, legends, captions, and why a figure is empty
        # monthly sales by category
        "monthly_sales.title": "Monthly sales by category",
        "monthly_sales.y": "Sales (yuan per month)",
        "monthly_sales.y.wan": "Sales (10,000 yuan per month)",
        "partial": "partial",
        "partial_audit": "partial",
        "partial_month": "Partial month",
        "partial_period": "Partial audit period",
        "observed": "Observed: {value} a month",
        # quota compliance heat map
        "compliance.title": "Quota compliance of bound canteens",
        "compliance.colorbar": "Aid bought ÷ quota, worst audited category",
        "compliance.colorbar_total": "Aid bought ÷ quota",
        "compliance.threshold": "quota",
        "canteen": "Canteen",
        "canteens_many": "Bound canteens ({n:,}), lowest at the top",
        "compliance.rows.group": "Bound canteens by kind and size",
        "compliance.rows.category": "Category",
        "compliance.title.group": "Audits met, by kind and size of bound canteen",
        "compliance.title.category": "Audits met, by category",
        "compliance.share_met": "Share of audits met",
        "size.small": "small",
        "size.medium": "medium",
        "size.large": "large",
        # nothing to show, and why (plots.nothing_to_show draws it, captions say it)
        "nothing_to_show": "Nothing to show: {reason}",
        "caption.nothing": "{what}: nothing to show — {why}.",
        "why.because": ", as ",
        "why.no_data": "the table is empty",
        "caption.empty_panels": " Nothing to show for {kpis}: {why}.",
        "why.no_sales": "no sales in this run",
        "why.no_sales_any": "no sales in any setting",
        "why.no_listing": "nothing was listed in this run",
        "why.no_shipments": "nothing was shipped in this run",
        "why.no_audits": "no bound canteen was audited",
        "why.no_whole_audits": "no whole audit period of a bound canteen",
        "why.no_failures": "every audit met the quota",
        "why.no_value": "no setting has a value",
        "why.no_difference": "the baseline has no value to compare with",
        "cause.no_cycle": (
            "the horizon, {start} to {end}, holds no whole weekly cycle of listing, orders and "
            "deliveries"
        ),
        "cause.no_meals": "canteens served no meals (no diners, attendance 0, or closed every day)",
        "cause.no_bound_meals": (
            "bound canteens served no meals (no diners, attendance 0, or closed every day)"
        ),
        "cause.no_bound": "no canteen is bound by the quota",
        "cause.zero_quota": "the quota is 0 %, so there is nothing to audit",
        "cause.partial_periods": (
            "the horizon, {start} to {end}, holds no whole {period}: partial ones are audited "
            "but not counted"
        ),
        "cause.no_supply": "the cooperatives offered nothing (supply 0)",
        "cause.no_listing": "nothing was listed",
        "cause.no_orders": "canteens ordered nothing",
        "cause.none_shipped": "nothing ordered was shipped",
        "cause.lost": "everything shipped was lost in transit",
        # failed audits by cause
        "failures.title": "Failed audits by cause",
        "failures.by_period": "By audit period",
        "failures.by_category": "By category, all audit periods",
        "failures.count": "Failed audits",
        "col.period": "Audit period",
        "period.month": "month",
        "period.quarter": "quarter",
        "period.year": "year",
        "periods.month": "months",
        "periods.quarter": "quarters",
        "periods.year": "years",
        # weekly flows
        "weekly.title": "Weekly supply, orders and sales by category",
        "weekly.listed": "Listed",
        "weekly.ordered": "Ordered",
        "weekly.sold": "Sold",
        "weekly.unfilled": "Ordered, not filled",
        "week_start": "Week starting",
        "kg_per_week": "kg per week",
        # losses and late deliveries
        "losses.title": "Losses in transit and late deliveries",
        "lost.title": "Lost in transit",
        "lost.y": "kg lost per week",
        "late.title": "Delivered late",
        "late.y": "kg delivered late per week",
        # farmer income
        "income.title.county": "Farmer income by county",
        "income.title.cooperative_id": "Farmer income by cooperative",
        "income.x": "Income (yuan, sales less commission and logistics)",
        "income.x.wan": "Income (10,000 yuan, sales less commission and logistics)",
        # comparison
        "kpis.title": "Headline KPIs by setting (mean and 95 % interval)",
        "by_setting.title": "Monthly sales by setting (mean and 95 % interval)",
        "differences.title": "Paired difference against {baseline} (mean and 95 % interval)",
        "difference.x": "Difference against {baseline}",
        "trade_off.title": "What farmers gain for what canteens pay",
        "axis_origin": "axis starts at {value}",
        "caption.trade_off": (
            "Farmer income against the canteens' cost premium, one point per setting of {varied} "
            "with the "
            "95 % interval of each mean both ways, joined in the order of the settings: the "
            "steeper the line, the more farmer income each extra yuan of cost buys."
        ),
        "caption.trade_off.saturated": (
            " Hollow points are the settings where supply saturates (fill rate below 95 %)."
        ),
        "marginal.title": "Marginal cost of farmer income between neighbouring settings",
        "col.from_to": "From → to",
        "col.income_change": "Farmer income change (yuan)",
        "col.cost_change": "Cost premium change (yuan)",
        "col.cost_per_yuan": "Cost per extra yuan of farmer income",
        "marginal.note": (
            "Differences of the means of neighbouring settings; the last column is the change "
            "in the canteens' cost premium divided by the change in farmer income (n/a where "
            "farmer income does not change)."
        ),
        # captions
        "caption.monthly_sales": (
            "Sales by category in each month ({reps}); hatched bars are partial "
            "months. The simulated mean over full months is {mean} a month."
        ),
        "caption.monthly_sales.observed": (" The dashed line is the observed {observed} a month."),
        "caption.compliance": (
            "Each bound canteen's aid purchases as a share of its quota in each audit period "
            "(worst audited category when the quota is per category; {reps}): "
            "red cells fall short of the quota, blue cells meet it. "
            "{rate} of the audits of whole periods met the quota."
        ),
        "caption.compliance.groups": (
            "The share of audits met in each audit period by the {n:,} bound canteens, grouped "
            "by kind and by size (thirds of their consumption: small, medium, large; {reps}). "
            "{rate} of the audits of whole periods met the quota."
        ),
        "caption.compliance.categories": (
            " Below, the share of audits met in each category: where the quota fails."
        ),
        "caption.failures": (
            "Failed quota audits of bound canteens by primary cause ({reps}): in each audit "
            "period (top), hatched where the period is partial and so not counted in the "
            "compliance rate, and by category over all periods (bottom)."
        ),
        "caption.weekly": (
            "Kilograms listed by the platform, ordered by canteens and sold each week, one panel "
            "per category ({reps}). The shaded gap between ordered and sold is what canteens "
            "ordered and did not get, because the product they ordered sold out ({unfilled} of "
            "the ordered kg); listed kilograms above the sold line went unsold ({unsold} of the "
            "listed kg)."
        ),
        "caption.losses": (
            "Kilograms lost in transit (top) and delivered after their scheduled day (bottom) "
            "each week ({reps}): {lost} kg lost in all; {on_time} of the "
            "shipped kg arrived on time."
        ),
        "caption.income": (
            "Income of the farmers of each {by}: sales less the platform's {commission} commission "
            "and {logistics} yuan/kg logistics ({reps}): {total} in all."
        ),
        "caption.kpis": (
            "Each headline KPI for every value of {varied}: {reps} with its 95 % "
            "confidence interval."
        ),
        "caption.kpis.saturated": (
            " Shaded settings are where supply saturates (fill rate below 95 %)."
        ),
        "caption.by_setting": (
            "Sales in each month for every value of {varied}: {reps} with 95 % "
            "confidence bands; partial months are dashed and hollow, without a band."
        ),
        "caption.differences": (
            "Each headline KPI's paired difference against {baseline} with its 95 % "
            "interval. Every setting uses the same random streams, so an interval that excludes "
            "zero shows an effect of the setting, not of chance."
        ),
        "by.county": "county",
        "by.cooperative_id": "cooperative",
        # --- the document around the figures: headings, facts, table columns, notes
        "title.run": "{name}: simulation report",
        "title.comparison": "{name}: comparison report",
        "lead.run": "{reps}. {sales} {audits}",
        "lead.sales": "Mean monthly sales were {sales}{observed}.",
        "lead.audits": (
            "{compliance} of the bound canteens' quota audits of whole {periods} met the quota."
        ),
        "lead.failures": (
            "Of {failed} failed audits of whole {periods}, the most common primary cause was "
            "{cause}: {top} ({share})."
        ),
        "lead.no_failures": "No audit of a whole {period} failed.",
        "sentence": "{text}.",
        "sentences": "{first} {second}",
        "lead.observed": " (observed: {value})",
        "lead.comparison": (
            "{settings} settings of {varied}, {reps} each, compared with common random numbers "
            "against {baseline}."
        ),
        "headline.comparison": (
            "From {first} to {last}, mean monthly sales change by {sales} and farmer income by "
            "{income}, at {cost} of cost premium to canteens."
        ),
        "headline.saturated": (
            "From {setting} on, supply saturates: the fill rate is below 95 %, so orders outrun "
            "what cooperatives list."
        ),
        "reps.one": "One replication",
        "reps.many": "Mean of {n} replications",
        "reps.each": "{n} replications",
        "contents": "Contents",
        "section.scenario": "Scenario",
        "section.settings": "Settings compared",
        "section.kpis": "Key indicators",
        "section.figures": "Figures",
        "section.tables": "Tables",
        "section.provenance": "Provenance",
        "fact.name": "Name",
        "fact.description": "Description",
        "fact.period": "Period",
        "fact.quota": "Purchase quota",
        "fact.canteens": "Canteens",
        "fact.products": "Products",
        "fact.categories": "Categories",
        "fact.cycle": "Weekly cycle",
        "fact.platform": "Platform",
        "fact.disruptions": "Disruptions",
        "fact.replications": "Replications",
        "fact.observed": "Observed monthly sales",
        "fact.varied": "Varied",
        "fact.settings": "Settings",
        "fact.baseline": "Baseline",
        "fact.precision": "Precision target",
        "fact.engine": "Engine",
        "fact.version": "Results made by",
        "fact.renderer": "Report made by",
        "fact.seed": "Seed",
        "fact.sha256": "Scenario sha256",
        "fact.command": "Command",
        "fact.run_time": "Run time",
        "fact.again": "Make this report again",
        "fact.folder_files": "Files",
        "period": "{start} to {end}",
        "quota.category": "{share} of each category's consumption in each {period}, by {basis}",
        "quota.total": "{share} of all consumption in each {period}, by {basis}",
        "basis.quantity": "quantity (kg)",
        "terminal.title": "{name} — quota {share} by {basis}",
        "terminal.basis.quantity": "quantity",
        "terminal.basis.value": "value",
        "terminal.replications": "mean over {n} replications (± standard deviation)",
        "terminal.over": " in {n} replications",
        "terminal.failures": (
            "failed audits{over}: {failed} of {audits} whole-period audits; top cause: {cause} "
            "({n}, {share})"
        ),
        "terminal.written": "results written to {out}/",
        "terminal.written_files": "results written to {out}/ ({files})",
        "terminal.report_stage.figures": "report: drawing the figures, writing the workbook…",
        "terminal.report_stage.page": "report: writing the page…",
        "terminal.report_written": "report written to {path}",
        "terminal.next": "next: {look}, or compare quota shares with\n  {command}",
        "terminal.next.open": "open {path} in a browser",
        "terminal.next.report": "make its report with `{command}`",
        "basis.value": "value (yuan)",
        "varied_here": " (varied in this comparison: see {section})",
        "canteens.rows": "{n:,} listed, {bound:,} of them bound by the quota; {diners:,} diners",
        "canteens.generate": "{n:,} generated; {kinds} canteens bound by the quota",
        "products.rows": (
            "{n:,} listed, from {cooperatives:,} cooperatives in {counties:,} counties"
        ),
        "products.generate": "{n:,} generated, from {cooperatives:,} cooperatives",
        "cycle": (
            "listed {listing}, orders until {cutoff}, delivered {days}, {lead} day(s) from farm "
            "to canteen; {allocation}{substitution}"
        ),
        **_rule_words("en"),
        "substitution": ", with substitution",
        "platform": (
            "commission {commission}, logistics {logistics} yuan/kg, {vehicles} vehicles × "
            "{capacity} kg, up to {limit} products listed a week"
        ),
        "disruption": "{start} to {end}: attendance ×{attendance}, transport ×{transport}, "
        "supply ×{supply}",
        "none": "none",
        "yuan_per_month": "{value} a month",
        "precision": "95 % half-width within {value} of the mean",
        "seconds": "{value} s",
        "python_api": "(from Python, no command line)",
        "col.indicator": "Indicator",
        "col.key": "Key",
        "col.value": "Value",
        "col.mean": "Mean",
        "col.sd": "Standard deviation",
        "col.setting": "Setting",
        "col.interval": "95 % interval",
        "col.difference": "Difference vs baseline",
        "col.diff_interval": "95 % interval of the difference",
        "col.month": "Month",
        "col.total": "Total",
        "col.total_whole": "Total of whole {periods}",
        "col.category": "Category",
        "col.listed": "Listed (kg)",
        "col.ordered": "Ordered (kg)",
        "col.sold": "Sold (kg)",
        "col.unsold": "Unsold (kg)",
        "col.lost": "Lost in transit (kg)",
        "col.sales": "Sales (yuan)",
        "col.audits": "Audits",
        "col.met": "Met the quota",
        "col.share_met": "Share met",
        "col.fulfilment": "Aid bought ÷ required",
        "col.product": "Product",
        "col.county": "County",
        "col.table": "Table",
        "col.sheet": "Sheet",
        "col.file": "File in the results folder",
        "col.rows": "Rows",
        "col.rows_written": "Rows in this workbook",
        "col.note": "Note",
        "baseline": "baseline",
        "baseline.previous": "the previous setting",
        "observed_row": "Observed monthly sales (scenario)",
        "kpi.note.run_many": (
            "Mean over {n} replications, with the standard deviation between replications."
        ),
        "kpi.note.comparison": (
            "Each setting's mean over {reps} with its 95 % t-interval, and its paired difference "
            "against {baseline} with the interval of that difference: an interval "
            "that excludes zero shows an effect of the setting. Percentages differ in "
            "percentage points (pp)."
        ),
        "kpi.note.undefined": "n/a: nothing to measure. {reasons}.",
        "kpi.undefined.item": "{kpis}: {reason}",
        "list.separator": "; ",
        "names.separator": ", ",
        "figure": "Figure {n}.",
        "table.monthly_sales": "Sales by month and category (yuan{per})",
        "table.audits": "Quota audits of bound canteens by {period}{per}",
        "table.supply": "Supply and sales by category over the whole period (kg{per})",
        "table.top_products": "The {n} products sold most (over the whole period{per})",
        "table.by_setting": "Mean monthly sales by setting (yuan, mean of {n} replications)",
        "per.mean": ", mean of {n} replications",
        "partial_note": "* partial month: only part of it is simulated.",
        "partial_audit_note": (
            "* partial {period}: only part of it is simulated; its audits are not counted in the "
            "total or the compliance rate."
        ),
        "more_rows": "… {n:,} more rows: see {xlsx}.",
        "full_tables": (
            "Every table in full is a file of this folder: {files}; {xlsx} holds each of up to "
            "{limit:,} rows as a sheet."
        ),
        "pp": "{value} pp",
        "title.search": "{name}: the search for {param}",
        "title.sensitivity": "{name}: sensitivity analysis",
        "section.search": "The search",
        "section.probes": "Probes",
        "section.ranges": "Uncertain assumptions",
        "section.indices": "Indices",
        "caption.search": (
            "Each target's KPI at each probe of {param}: the mean over its replications with its "
            "one-sided {c} confidence bound, coloured by the probe's decision on that target; the "
            "dashed line is the target, the blue band the answer."
        ),
        "search.holds": "holds",
        "search.fails": "fails",
        "search.undecided": "undecided",
        "search.answer": "answer",
        "search.smallest": "smallest",
        "search.largest": "largest",
        "search.lead.answer": (
            "The {goal} {param} at which every target holds ({targets}) with {confidence} "
            "confidence lies between {below} and {above}."
        ),
        "search.lead.there": " At {value}: {means} ({reps}).",
        "search.lead.at_end": (
            "Every target ({targets}) holds with {confidence} confidence already at {param} = "
            "{value}, the end of the range searched."
        ),
        "search.lead.none": (
            "No {param} between {lo} and {hi} meets every target ({targets}) with {confidence} "
            "confidence."
        ),
        "search.lead.not_monotone": (
            " {kpi} is not monotone in {param} (its decision changes at {at}), so no single "
            "threshold exists: compare the range with --vary to see where it holds."
        ),
        "search.log": "The search's own account: {reason}.",
        "fact.param": "Setting searched",
        "fact.range": "Range",
        "fact.targets": "Targets",
        "fact.confidence": "Confidence",
        "one_sided": "{c}, one-sided",
        "fact.resolution": "Resolution",
        "fact.probes": "Probes",
        "fact.runs": "Runs",
        "col.decision": "Decision",
        "col.one_sided": "One-sided interval",
        "col.replications": "Replications",
        "table.probes": "Probes, by value",
        "caption.sensitivity.bar": (
            "Sobol indices of each headline KPI, with 95 % intervals: first order (S1, the share "
            "of the KPI's variance an assumption explains alone) and total (ST, with its "
            "interactions)."
        ),
        "caption.sensitivity.tornado": (
            "Morris screening: μ*, the mean absolute change in each headline KPI when one "
            "assumption moves a step across its range, with its 95 % interval; largest on top."
        ),
        "caption.sensitivity.mu_star_sigma": (
            "Morris screening: μ* (how much an assumption moves the KPI) against σ (how much "
            "that change depends on the other assumptions: interactions or non-linearity)."
        ),
        "sensitivity.lead.sobol": (
            "Sobol analysis of {n} uncertain assumptions at {points:,} points. "
        ),
        "sensitivity.lead.morris": (
            "Morris screening of {n} uncertain assumptions at {points:,} points. "
        ),
        "sensitivity.lead.kpi": "{kpi} depends most on {keys}. ",
        "sensitivity.lead.none_matter": (
            "No assumption stands out for monthly sales or compliance. "
        ),
        "sensitivity.lead.idle.sobol": (
            "{keys}: little effect on any headline KPI (ST below 0.05)."
        ),
        "sensitivity.lead.idle.morris": (
            "{keys}: little effect on any headline KPI (μ* below a tenth of the largest)."
        ),
        "fact.method": "Method",
        "method.sobol": "Sobol indices (SALib, Saltelli sampling)",
        "method.morris": "Morris screening (SALib)",
        "fact.n": "n (Sobol base samples or Morris trajectories)",
        "fact.points": "Points",
        "not_analysed": "{kpi} is not analysed: {why}.",
        "col.kpi": "KPI",
        "col.parameter": "Assumption",
        "col.rank": "Rank",
        "col.pair": "Pair of assumptions",
        "table.pairs": "Pairs acting together: the {n} largest second-order indices of each KPI",
        "table.indices": "Indices by KPI, most influential first",
        "rows": "{n:,} rows",
        "readme.title": "canteensim report: {name}",
        "readme.kind.run": "Tables of a run",
        "readme.kind.comparison": "Tables of a comparison",
        "readme.kind.search": "Tables of a search",
        "readme.kind.sensitivity": "Tables of a sensitivity analysis",
        "readme.kpis": "KPIs of each replication (from summary.json)",
        "readme.truncated": (
            "cut at Excel's limit of {limit:,} rows; the whole table is {file} in the results "
            "folder"
        ),
        "readme.whole": "whole table",
        # --- the workbook: its sheets, what each holds, the summary sheet's units
        "sheet.summary": "summary",
        "sheet.readme": "README",
        "sheet.kpis": "kpis",
        "sheet.monthly_sales": "monthly_sales",
        "sheet.canteen_months": "canteen_months",
        "sheet.audit_failures": "audit_failures",
        "sheet.weekly_products": "weekly_products",
        "sheet.deliveries": "deliveries",
        "sheet.comparison": "comparison",
        "sheet.monthly_comparison": "monthly_comparison",
        "sheet.runs": "runs",
        "sheet.monthly": "monthly",
        "sheet.probes": "probes",
        "sheet.indices": "indices",
        "sheet.interactions": "interactions",
        "sheet.samples": "samples",
        "about.summary": "The key indicators and the summary tables of the report",
        "about.kpis": "KPIs of each replication (from summary.json)",
        "about.monthly_sales": "Sales by month, category and buyer, each replication",
        "about.canteen_months": (
            "Each canteen's consumption, aid bought and quota by category and audit period"
        ),
        "about.audit_failures": "Each failed audit, its shortfall and its primary cause",
        "about.weekly_products": "Each product's supply, listing, orders and sales by week",
        "about.deliveries": "Each delivery: the day it was due, the day it came, what was lost",
        "about.comparison": (
            "Each setting's KPI means with 95 % intervals, and paired differences"
        ),
        "about.monthly_comparison": "Each setting's sales by month, mean over replications",
        "about.runs": "Every run: its setting, replication, seed and KPIs",
        "about.monthly": "Every run's sales by month and category",
        "about.probes": "Each value the search tried, with its KPIs and decision",
        "about.indices": "Sensitivity indices of each KPI to each assumption",
        "about.interactions": "Second-order indices: pairs of assumptions acting together",
        "about.samples": "Each sampled point: its assumptions and its KPI means",
        "readme.omitted": (
            "not in this workbook: {rows:,} rows, more than the {limit:,} it holds of a table; "
            "the whole table is {file} in the results folder"
        ),
        "col.contents": "Contents",
        "col.unit": "Unit",
        "unit.yuan": "yuan",
        "unit.kg": "kg",
        "unit.share": "%",
        "unit.count": "count",
    },
    "zh": {
        # --- the figures: titles, axes, legends, captions, and why a figure is empty
        "monthly_sales.title": "各品类月度销售额",
        "monthly_sales.y": "销售额（元/月）",
        "monthly_sales.y.wan": "销售额（万元/月）",
        "partial": "不足月",
        "partial_audit": "不足整期",
        "partial_month": "不足整月",
        "partial_period": "不足整期的审核期",
        "observed": "实际报道：每月 {value}",
        "compliance.title": "受约束食堂配额完成情况",
        "compliance.colorbar": "扶贫采购 ÷ 配额（最低的审核品类）",
        "compliance.colorbar_total": "扶贫采购 ÷ 配额",
        "compliance.threshold": "配额",
        "canteen": "食堂",
        "canteens_many": "受约束食堂（{n:,} 个），最低者在上",
        "compliance.rows.group": "受约束食堂（按类型与规模）",
        "compliance.rows.category": "品类",
        "compliance.title.group": "按食堂类型与规模的审核达标比例",
        "compliance.title.category": "按品类的审核达标比例",
        "compliance.share_met": "审核达标比例",
        "size.small": "小",
        "size.medium": "中",
        "size.large": "大",
        "nothing_to_show": "无可显示内容：{reason}",
        "caption.nothing": "{what}：无可显示内容——{why}。",
        "why.because": "，因为",
        "why.no_data": "表中没有数据",
        "caption.empty_panels": "{kpis}无可显示内容：{why}。",
        "why.no_sales": "本次模拟没有销售",
        "why.no_sales_any": "各方案均没有销售",
        "why.no_listing": "本次模拟没有产品上架",
        "why.no_shipments": "本次模拟没有发运",
        "why.no_audits": "没有受审核的受约束食堂",
        "why.no_whole_audits": "没有受约束食堂的完整审核期",
        "why.no_failures": "所有审核均达到配额",
        "why.no_value": "各方案均无此指标值",
        "why.no_difference": "基准方案没有此指标值可供比较",
        "cause.no_cycle": "模拟时段（{start} 至 {end}）不含完整的每周上架、订购和配送周期",
        "cause.no_meals": "食堂没有供餐（无就餐人数、就餐率为 0 或每天都不开放）",
        "cause.no_bound_meals": "受约束食堂没有供餐（无就餐人数、就餐率为 0 或每天都不开放）",
        "cause.no_bound": "没有食堂受配额约束",
        "cause.zero_quota": "配额为 0%，无需审核",
        "cause.partial_periods": (
            "模拟时段（{start} 至 {end}）不含完整的{period}：不足整期的审核不计入"
        ),
        "cause.no_supply": "合作社没有供货（供应为 0）",
        "cause.no_listing": "没有产品上架",
        "cause.no_orders": "食堂没有下单",
        "cause.none_shipped": "订单均未发运",
        "cause.lost": "发运的货物全部在运输中损耗",
        "failures.title": "未达标审核的原因",
        "failures.by_period": "按审核期",
        "failures.by_category": "按品类（全部审核期）",
        "failures.count": "未达标审核次数",
        "col.period": "审核期",
        "period.month": "月",
        "period.quarter": "季度",
        "period.year": "年",
        "periods.month": "月",
        "periods.quarter": "季度",
        "periods.year": "年",
        "weekly.title": "各品类每周上架、订购与售出量",
        "weekly.listed": "上架",
        "weekly.ordered": "订购",
        "weekly.sold": "售出",
        "weekly.unfilled": "订购未满足",
        "week_start": "周起始日",
        "kg_per_week": "千克/周",
        "losses.title": "运输损耗与迟到配送",
        "lost.title": "运输损耗",
        "lost.y": "每周损耗（千克）",
        "late.title": "迟到配送",
        "late.y": "每周迟到配送（千克）",
        "income.title.county": "各县农户收入",
        "income.title.cooperative_id": "各合作社农户收入",
        "income.x": "收入（元，销售额减佣金和物流费）",
        "income.x.wan": "收入（万元，销售额减佣金和物流费）",
        "kpis.title": "各方案主要指标（均值及 95% 置信区间）",
        "by_setting.title": "各方案月度销售额（均值及 95% 置信区间）",
        "differences.title": "与 {baseline} 的配对差异（均值及 95% 置信区间）",
        "difference.x": "与 {baseline} 之差",
        "trade_off.title": "食堂多付多少，农户多得多少",
        "axis_origin": "坐标轴起点 {value}",
        "caption.trade_off": (
            "农户收入与食堂额外成本的关系：{varied} 的每个方案一个点，两个方向均标出均值的 "
            "95% 置信区间，"
            "按方案顺序连线；线越陡，每多付一元成本带来的农户收入越多。"
        ),
        "caption.trade_off.saturated": "空心点为供给饱和的方案（满足率低于 95%）。",
        "marginal.title": "相邻方案之间农户收入的边际成本",
        "col.from_to": "从 → 到",
        "col.income_change": "农户收入变化（元）",
        "col.cost_change": "食堂额外成本变化（元）",
        "col.cost_per_yuan": "农户每多得一元的成本（元）",
        "marginal.note": (
            "相邻方案均值之差；最后一列为食堂额外成本的变化除以农户收入的变化"
            "（农户收入不变时为不适用）。"
        ),
        "caption.monthly_sales": (
            "各月各品类销售额（{reps}）；斜线填充的柱为不足整月的月份。"
            "模拟的整月平均销售额为每月 {mean}。"
        ),
        "caption.monthly_sales.observed": "虚线为实际报道的每月 {observed}。",
        "caption.compliance": (
            "各受约束食堂每个审核期的扶贫采购量占配额的比例（按品类设配额时取最低的审核品类；"
            "{reps}）：红色为未达配额，蓝色为达到配额。整期审核中有 {rate} 达到配额。"
        ),
        "caption.compliance.groups": (
            "{n:,} 个受约束食堂按类型与规模（按消费量三等分：小、中、大；{reps}）分组，"
            "各审核期的审核达标比例。整期审核中有 {rate} 达到配额。"
        ),
        "caption.compliance.categories": "下图为各品类的审核达标比例：配额在哪里未能达成。",
        "caption.failures": (
            "受约束食堂未达标的配额审核按主要原因分布（{reps}）：上图为各审核期，斜线填充的审核期"
            "不足整期，不计入达标率；下图为全部审核期按品类的分布。"
        ),
        "caption.weekly": (
            "平台每周上架、食堂订购和实际售出的千克数，每个品类一图（{reps}）。"
            "订购与售出之间的阴影是食堂订购而未得到的部分：所订产品已售罄（占订购量的 "
            "{unfilled}）；上架高于售出的部分滞销（占上架量的 {unsold}）。"
        ),
        "caption.losses": (
            "每周运输损耗（上图）与晚于预定日送达（下图）的千克数（{reps}）："
            "共损耗 {lost} 千克；{on_time} 的发运量按时送达。"
        ),
        "caption.income": (
            "各{by}农户收入：销售额减去平台 {commission} 的佣金和每千克 {logistics} 元的物流费"
            "（{reps}）：合计 {total}。"
        ),
        "caption.kpis": "{varied}各取值下的主要指标：{reps}及其 95% 置信区间。",
        "caption.kpis.saturated": "阴影处为供给饱和的方案（满足率低于 95%）。",
        "caption.by_setting": (
            "{varied}各取值下的月度销售额：{reps}及 95% 置信带；"
            "不足整月的月份以虚线和空心点表示，不画置信带。"
        ),
        "caption.differences": (
            "各主要指标与 {baseline} 的配对差异及其 95% 置信区间。"
            "各方案使用相同的随机数流，区间不含零即说明差异来自方案本身而非偶然。"
        ),
        "by.county": "县",
        "by.cooperative_id": "合作社",
        # --- the document around the figures: headings, facts, table columns, notes
        "title.run": "{name}：模拟报告",
        "title.comparison": "{name}：方案比较报告",
        "lead.run": "{reps}。{sales}{audits}",
        "lead.sales": "月均销售额 {sales}{observed}。",
        "lead.audits": "受约束食堂的整{period}配额审核中有 {compliance} 达到配额。",
        "lead.failures": (
            "在 {failed} 次未达标的整{period}审核中，最常见的主要原因是{cause}："
            "{top} 次（{share}）。"
        ),
        "lead.no_failures": "整{period}审核全部达到配额。",
        "sentence": "{text}。",
        "sentences": "{first}{second}",
        "lead.observed": "（实际报道：{value}）",
        "lead.comparison": (
            "比较 {varied} 的 {settings} 个方案，每个方案{reps}，使用相同随机数流，"
            "以 {baseline} 为基准。"
        ),
        "headline.comparison": (
            "从 {first} 到 {last}，月均销售额变化 {sales}，农户收入变化 {income}，"
            "食堂多付溢价 {cost}。"
        ),
        "headline.saturated": "自 {setting} 起供给饱和：满足率低于 95%，订单超出合作社的挂牌量。",
        "reps.one": "单次模拟",
        "reps.many": "{n} 次重复模拟的均值",
        "reps.each": "重复 {n} 次",
        "contents": "目录",
        "section.scenario": "情景",
        "section.settings": "比较的方案",
        "section.kpis": "主要指标",
        "section.figures": "图",
        "section.tables": "表",
        "section.provenance": "运行信息",
        "fact.name": "名称",
        "fact.description": "说明",
        "fact.period": "时段",
        "fact.quota": "采购配额",
        "fact.canteens": "食堂",
        "fact.products": "产品",
        "fact.categories": "品类",
        "fact.cycle": "每周流程",
        "fact.platform": "平台",
        "fact.disruptions": "扰动",
        "fact.replications": "重复次数",
        "fact.observed": "实际月均销售额",
        "fact.varied": "变化的参数",
        "fact.settings": "方案",
        "fact.baseline": "基准方案",
        "fact.precision": "精度目标",
        "fact.engine": "计算引擎",
        "fact.version": "结果生成程序",
        "fact.renderer": "报告生成程序",
        "fact.seed": "随机种子",
        "fact.sha256": "情景 sha256",
        "fact.command": "命令",
        "fact.run_time": "运行时间",
        "fact.again": "重新生成本报告",
        "fact.folder_files": "文件",
        "period": "{start} 至 {end}",
        "quota.category": "每个品类每{period}消费的 {share}（按{basis}计）",
        "quota.total": "每{period}消费总量的 {share}（按{basis}计）",
        "basis.quantity": "数量（千克）",
        "terminal.title": "{name} — 配额 {share}（按{basis}计）",
        "terminal.basis.quantity": "数量",
        "terminal.basis.value": "金额",
        "terminal.replications": "{n} 次重复模拟的均值（± 标准差）",
        "terminal.over": "（{n} 次重复模拟合计）",
        "terminal.failures": (
            "未达标审核{over}：{audits} 次整期审核中 {failed} 次未达标；"
            "最常见原因：{cause}（{n} 次，{share}）"
        ),
        "terminal.written": "结果已写入 {out}/",
        "terminal.written_files": "结果已写入 {out}/（{files}）",
        "terminal.report_stage.figures": "报告：正在绘制图表、写入工作簿…",
        "terminal.report_stage.page": "报告：正在生成网页…",
        "terminal.report_written": "报告已写入 {path}",
        "terminal.next": "下一步：{look}，或比较不同配额比例：\n  {command}",
        "terminal.next.open": "在浏览器中打开 {path}",
        "terminal.next.report": "用 `{command}` 生成报告",
        "basis.value": "金额（元）",
        "varied_here": "（本次比较中变化，见“{section}”）",
        "canteens.rows": "列出 {n:,} 个，其中 {bound:,} 个受配额约束；就餐人数 {diners:,}",
        "canteens.generate": "生成 {n:,} 个；{kinds}食堂受配额约束",
        "products.rows": "列出 {n:,} 种，来自 {counties:,} 个县的 {cooperatives:,} 个合作社",
        "products.generate": "生成 {n:,} 种，来自 {cooperatives:,} 个合作社",
        "cycle": "{listing} 上架，{cutoff} 截单，{days} 配送，从农户到食堂 {lead} 天；"
        "{allocation}{substitution}",
        **_rule_words("zh"),
        "substitution": "，可替代",
        "platform": (
            "佣金 {commission}，物流费每千克 {logistics} 元，{vehicles} 辆 {capacity} 千克的车辆，"
            "每周最多上架 {limit} 种产品"
        ),
        "disruption": "{start} 至 {end}：就餐 ×{attendance}，运输 ×{transport}，供应 ×{supply}",
        "none": "无",
        "yuan_per_month": "每月 {value}",
        "precision": "95% 置信区间半宽不超过均值的 {value}",
        "seconds": "{value} 秒",
        "python_api": "（由 Python 调用，无命令行）",
        "col.indicator": "指标",
        "col.key": "键名",
        "col.value": "数值",
        "col.mean": "均值",
        "col.sd": "标准差",
        "col.setting": "方案",
        "col.interval": "95% 置信区间",
        "col.difference": "与基准之差",
        "col.diff_interval": "差值的 95% 置信区间",
        "col.month": "月份",
        "col.total": "合计",
        "col.total_whole": "整{period}合计",
        "col.category": "品类",
        "col.listed": "上架（千克）",
        "col.ordered": "订购（千克）",
        "col.sold": "售出（千克）",
        "col.unsold": "滞销（千克）",
        "col.lost": "运输损耗（千克）",
        "col.sales": "销售额（元）",
        "col.audits": "审核次数",
        "col.met": "达到配额",
        "col.share_met": "达标比例",
        "col.fulfilment": "扶贫采购 ÷ 配额",
        "col.product": "产品",
        "col.county": "县",
        "col.table": "表",
        "col.sheet": "工作表",
        "col.file": "结果文件夹中的文件",
        "col.rows": "行数",
        "col.rows_written": "本工作簿中的行数",
        "col.note": "说明",
        "baseline": "基准",
        "baseline.previous": "前一方案",
        "observed_row": "实际月均销售额（情景给定）",
        "kpi.note.run_many": "{n} 次重复模拟的均值，及各次之间的标准差。",
        "kpi.note.comparison": (
            "各方案{reps}的均值及其 95% t 置信区间，以及与 {baseline} 的配对差异及其"
            "置信区间：区间不含零即说明差异来自方案本身。百分比指标的差异以百分点计。"
        ),
        "kpi.note.undefined": "不适用：无可衡量的内容。{reasons}。",
        "kpi.undefined.item": "{kpis}：{reason}",
        "list.separator": "；",
        "names.separator": "、",
        "figure": "图 {n}：",
        "table.monthly_sales": "各月各品类销售额（元{per}）",
        "table.audits": "受约束食堂各{period}配额审核{per}",
        "table.supply": "全时段各品类供应与销售（千克{per}）",
        "table.top_products": "销售额最高的 {n} 种产品（全时段{per}）",
        "table.by_setting": "各方案月均销售额（元，{n} 次重复模拟的均值）",
        "per.mean": "，{n} 次重复模拟的均值",
        "partial_note": "* 不足整月：只模拟了该月的一部分。",
        "partial_audit_note": "* 不足整期：只模拟了该{period}的一部分，其审核不计入合计和达标率。",
        "more_rows": "……另有 {n:,} 行，见 {xlsx}。",
        "full_tables": (
            "各表全文见本文件夹中的文件：{files}；其中不超过 {limit:,} 行的表也是 {xlsx} 的工作表。"
        ),
        "pp": "{value} 个百分点",
        "title.search": "{name}：{param}的搜索",
        "title.sensitivity": "{name}：敏感性分析",
        "section.search": "搜索设置",
        "section.probes": "各探测点",
        "section.ranges": "不确定的假设",
        "section.indices": "敏感性指数",
        "caption.search": (
            "{param}各探测点上每个目标的指标：各次重复模拟的均值及其单侧 {c} 置信界，"
            "颜色表示该点对该目标的判定；虚线为目标值，蓝色带为答案。"
        ),
        "search.holds": "满足",
        "search.fails": "不满足",
        "search.undecided": "未定",
        "search.answer": "答案",
        "search.smallest": "最小",
        "search.largest": "最大",
        "search.lead.answer": (
            "以 {confidence} 置信度满足全部目标（{targets}）的{param}{goal}值介于 {below} 与 "
            "{above} 之间。"
        ),
        "search.lead.there": "在 {value} 处：{means}（{reps}）。",
        "search.lead.at_end": (
            "在搜索范围端点 {param} = {value} 处，全部目标（{targets}）已以 {confidence} "
            "置信度满足。"
        ),
        "search.lead.none": (
            "在 {lo} 至 {hi} 之间，没有任何{param}取值能以 {confidence} 置信度满足全部目标"
            "（{targets}）。"
        ),
        "search.lead.not_monotone": (
            "{kpi}随{param}不单调（判定在 {at} 处改变），不存在单一阈值：请用 compare --vary "
            "比较该范围，查看其成立之处。"
        ),
        "search.log": "搜索过程记录（英文）：{reason}。",
        "fact.param": "搜索的参数",
        "fact.range": "范围",
        "fact.targets": "目标",
        "fact.confidence": "置信度",
        "one_sided": "{c}（单侧）",
        "fact.resolution": "分辨率",
        "fact.probes": "探测点数",
        "fact.runs": "运行次数",
        "col.decision": "判定",
        "col.one_sided": "单侧区间",
        "col.replications": "重复次数",
        "table.probes": "各探测点（按取值排列）",
        "caption.sensitivity.bar": (
            "各主要指标的 Sobol 指数及其 95% 区间：一阶指数（S1，某项假设单独解释的指标方差份额）"
            "与总指数（ST，含其交互作用）。"
        ),
        "caption.sensitivity.tornado": (
            "Morris 筛选：μ* 为某项假设在其范围内移动一步时各主要指标的平均绝对变化，附 95% 区间；"
            "最大者在上。"
        ),
        "caption.sensitivity.mu_star_sigma": (
            "Morris 筛选：μ*（假设对指标的影响大小）与 σ（该影响随其他假设变化的程度：交互作用或"
            "非线性）。"
        ),
        "sensitivity.lead.sobol": "对 {n} 项不确定假设做 Sobol 分析，共 {points:,} 个样本点。",
        "sensitivity.lead.morris": "对 {n} 项不确定假设做 Morris 筛选，共 {points:,} 个样本点。",
        "sensitivity.lead.kpi": "{kpi}主要取决于{keys}。",
        "sensitivity.lead.none_matter": "没有任何假设对月销售额或达标率有突出影响。",
        "sensitivity.lead.idle.sobol": "{keys}对各主要指标影响都很小（ST 低于 0.05）。",
        "sensitivity.lead.idle.morris": "{keys}对各主要指标影响都很小（μ* 低于最大值的十分之一）。",
        "fact.method": "方法",
        "method.sobol": "Sobol 指数（SALib，Saltelli 抽样）",
        "method.morris": "Morris 筛选（SALib）",
        "fact.n": "n（Sobol 基础样本数或 Morris 轨迹数）",
        "fact.points": "样本点数",
        "not_analysed": "{kpi}未分析：{why}。",
        "col.kpi": "指标",
        "col.parameter": "假设",
        "col.rank": "排名",
        "col.pair": "假设组合",
        "table.pairs": "共同起作用的假设组合：各指标二阶指数最大的 {n} 对",
        "table.indices": "各指标的敏感性指数（影响最大者在前）",
        "rows": "{n:,} 行",
        "readme.title": "canteensim 报告：{name}",
        "readme.kind.run": "一次运行的各表",
        "readme.kind.comparison": "一次方案比较的各表",
        "readme.kind.search": "一次搜索的各表",
        "readme.kind.sensitivity": "一次敏感性分析的各表",
        "readme.kpis": "每次重复模拟的指标（来自 summary.json）",
        "readme.truncated": (
            "已截断：Excel 每个工作表最多 {limit:,} 行；全表见结果文件夹中的 {file}"
        ),
        "readme.whole": "全表",
        # --- the workbook: its sheets, what each holds, the summary sheet's units
        "sheet.summary": "摘要",
        "sheet.readme": "说明",
        "sheet.kpis": "各次重复指标",
        "sheet.monthly_sales": "月度销售",
        "sheet.canteen_months": "食堂月度采购",
        "sheet.audit_failures": "未达标审核",
        "sheet.weekly_products": "每周产品",
        "sheet.deliveries": "配送",
        "sheet.comparison": "方案比较",
        "sheet.monthly_comparison": "各方案月度销售",
        "sheet.runs": "各次运行",
        "sheet.monthly": "各次运行月度销售",
        "sheet.probes": "搜索取值",
        "sheet.indices": "敏感性指数",
        "sheet.interactions": "交互作用",
        "sheet.samples": "样本点",
        "about.summary": "主要指标及报告中的汇总表",
        "about.kpis": "每次重复模拟的指标（来自 summary.json）",
        "about.monthly_sales": "每次重复模拟中按月份、品类和采购方的销售",
        "about.canteen_months": "各食堂按品类和审核期的消费量、帮扶采购量与配额",
        "about.audit_failures": "每次未达标的审核：缺口及其主要原因",
        "about.weekly_products": "各产品每周的供应、上架、订购与销售",
        "about.deliveries": "每次配送：计划日期、送达日期与损耗",
        "about.comparison": "各方案指标均值及其 95% 置信区间，以及与基准的配对差值",
        "about.monthly_comparison": "各方案的月度销售（各次重复的均值）",
        "about.runs": "每次运行：方案、重复序号、随机种子与各项指标",
        "about.monthly": "每次运行按月份和品类的销售",
        "about.probes": "搜索尝试的每个取值，及其指标与判定",
        "about.indices": "各指标对各项假设的敏感性指数",
        "about.interactions": "二阶指数：共同起作用的假设组合",
        "about.samples": "每个样本点：假设取值与指标均值",
        "readme.omitted": (
            "未放入本工作簿：共 {rows:,} 行，超过每个工作表的上限 {limit:,} 行；"
            "全表见结果文件夹中的 {file}"
        ),
        "col.contents": "内容",
        "col.unit": "单位",
        "unit.yuan": "元",
        "unit.kg": "千克",
        "unit.share": "%",
        "unit.count": "个",
    },
}

_FAILURE_CAUSES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        "did_not_order": (
            "did not order",
            "a skipped week not made up, or a behaviour that buys too little",
        ),
        "rounding": ("rounding", "needs below the smallest order line left unordered"),
        "supply_short": ("supply short", "the listing ran out before the order was filled"),
        "moved_out": (
            "moved out of the period",
            "a holiday or a wait for a truck put the delivery after the period's end",
        ),
        "transit_loss": ("lost in transit", "food perished on the way"),
        "attendance": ("more diners than expected", "attendance rose after the last order"),
    },
    "zh": {
        "did_not_order": ("未订购", "漏订未补或订量不足"),
        "rounding": ("取整", "低于最小订单行的需求未下单"),
        "supply_short": ("供应不足", "上架产品售罄，订单未能满足"),
        "moved_out": ("移出审核期", "节假日或等车使配送晚于审核期结束"),
        "transit_loss": ("运输损耗", "食品在途中损坏"),
        "attendance": ("就餐人数超出预期", "最后一次订购后就餐人数增加"),
    },
}
"""Each primary cause of a failed audit (`canteensim.results.FAILURE_CAUSES`): a few words
naming it, and what it means (`canteensim.model.failures`)."""

_CATEGORIES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "vegetables": "Vegetables",
        "fruit": "Fruit",
        "pork": "Pork",
        "poultry": "Poultry",
        "aquatic": "Aquatic products",
        "eggs": "Eggs",
        "grain": "Grain",
        "meat": "Meat",
        "oil": "Edible oil",
        "total": "Total",
    },
    "zh": {
        "vegetables": "蔬菜",
        "fruit": "水果",
        "pork": "猪肉",
        "poultry": "禽肉",
        "aquatic": "水产品",
        "eggs": "蛋类",
        "grain": "粮食",
        "meat": "肉类",
        "oil": "食用油",
        "total": "合计",
    },
}

_SETTING_KEYS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "quota.share": "Quota share",
        "quota.basis": "Quota basis",
        "quota.per": "Quota audited per",
        "platform.commission": "Platform commission",
        "platform.logistics_yuan_per_kg": "Logistics (yuan/kg)",
        "platform.vehicles": "Delivery vehicles",
        "platform.vehicle_capacity_kg": "Vehicle capacity (kg)",
        "platform.listing_limit": "Products listed per week",
        "ordering.margin": "Ordering margin",
        "ordering.voluntary_share": "Voluntary share",
        "ordering.non_compliant_factor": "Non-compliant factor",
        "canteens.attendance_cv": "Attendance variation (CV)",
        "cycle.allocation": "Allocation rule",
        "cycle.lead_days": "Lead time (days)",
        "scenario.seed": "Seed",
    },
    "zh": {
        "quota.share": "配额比例",
        "quota.basis": "配额口径",
        "quota.per": "配额审核单位",
        "platform.commission": "平台佣金率",
        "platform.logistics_yuan_per_kg": "物流费（元/千克）",
        "platform.vehicles": "配送车辆数",
        "platform.vehicle_capacity_kg": "车辆载重（千克）",
        "platform.listing_limit": "每周上架产品数",
        "ordering.margin": "订购余量",
        "ordering.voluntary_share": "自愿采购比例",
        "ordering.non_compliant_factor": "不达标食堂采购系数",
        "canteens.attendance_cv": "就餐人数波动（变异系数）",
        "cycle.allocation": "分配规则",
        "cycle.lead_days": "配送提前期（天）",
        "scenario.seed": "随机种子",
    },
}

PERCENT_KEYS = frozenset(
    {"quota.share", "platform.commission", "ordering.margin", "ordering.voluntary_share"}
)
"""Scenario keys whose values are shares, shown as percentages on an axis."""


def check_lang(lang: str) -> str:
    """Return `lang` if a report can be written in it.

    Raises
    ------
    ValueError
        When `lang` is not one of `LANGUAGES`.
    """
    if lang not in LANGUAGES:
        valid = ", ".join(repr(code) for code in LANGUAGES)
        raise ValueError(f"lang={lang!r} is not a report language; valid: {valid}")
    return lang


def say(lang: str, key: str, **values: object) -> str:
    """The text under `key` in `lang`, with ``{name}`` fields filled from `values`."""
    template = _PHRASES[check_lang(lang)][key]
    return template.format(**values) if values else template


def category(lang: str, name: str) -> str:
    """A food category's name in `lang`; an unknown category keeps its own name."""
    return _CATEGORIES[check_lang(lang)].get(name, name)


def kpi(lang: str, name: str, *, wan: bool = False) -> str:
    """A KPI's name in `lang`, with its unit (万元 instead of 元 where `wan`: its values are
    shown in 万); an unknown KPI keeps its own name."""
    spec = contract.kpi(name)
    label = spec.label[_lang(lang)] if spec else name
    return label.replace("（元）", "（万元）") if wan else label


def undefined(lang: str, name: str) -> str:
    """When the KPI `name` has nothing to measure: ``"nothing was ordered"``; "" if never."""
    spec = contract.kpi(name)
    return spec.undefined[_lang(lang)] if spec and spec.undefined else ""


def _lang(lang: str) -> contract.Lang:
    return "zh" if check_lang(lang) == "zh" else "en"


def failure_cause(lang: str, name: str, *, detail: bool = True) -> str:
    """A failed audit's primary cause in `lang`: ``"did not order (a skipped week not made up,
    …)"``, or without its `detail` ``"did not order"`` (where space is short, the terminal);
    an unknown cause keeps its own name."""
    words = _FAILURE_CAUSES[check_lang(lang)].get(name)
    if words is None:
        return name
    label, meaning = words
    if not detail:
        return label
    return f"{label}（{meaning}）" if lang == "zh" else f"{label} ({meaning})"


_CATEGORY_FIELDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "transit_loss_at_shelf_life": "Transit loss at shelf life ({category})",
        "consumption_kg_per_diner_day": "Consumption, kg per diner-day ({category})",
        "reference_price_yuan_per_kg": "Reference price, yuan/kg ({category})",
    },
    "zh": {
        "transit_loss_at_shelf_life": "{category}保质期末在途损耗",
        "consumption_kg_per_diner_day": "{category}人均日消费量（千克）",
        "reference_price_yuan_per_kg": "{category}参考价格（元/千克）",
    },
}
"""Keys of a category's section (``categories.NAME.FIELD``), named with the category's name."""


def setting_key(lang: str, key: str) -> str:
    """A dotted scenario key (``quota.share``) as an axis label; unknown keys stay dotted."""
    named = _SETTING_KEYS[check_lang(lang)].get(key)
    if named is not None:
        return named
    section, _, rest = key.partition(".")
    name, _, field = rest.rpartition(".")
    if section == "categories" and field in _CATEGORY_FIELDS[lang]:
        return _CATEGORY_FIELDS[lang][field].format(category=category(lang, name))
    return key


_COLUMNS_ZH: Mapping[str, str] = {
    # a run's tables (`canteensim.results.RUN_TABLE_COLUMNS`)
    "replication": "重复序号",
    "month": "月份",
    "category": "品类",
    "buyer": "采购方",
    "sales_yuan": "销售额（元）",
    "quantity_kg": "销售量（千克）",
    "shipped_kg": "发运量（千克）",
    "lost_kg": "运输损耗（千克）",
    "commission_yuan": "平台佣金（元）",
    "logistics_yuan": "物流费（元）",
    "market_value_yuan": "市场价值（元）",
    "partial": "不完整期间",
    "farmer_income_yuan": "农户收入（元）",
    "cost_premium_yuan": "食堂额外成本（元）",
    "canteen_id": "食堂编号",
    "kind": "食堂类型",
    "bound": "受配额约束",
    "consumption_kg": "消费量（千克）",
    "aid_kg": "帮扶采购量（千克）",
    "consumption_yuan": "消费额（元）",
    "aid_yuan": "帮扶采购额（元）",
    "required_kg": "应采购量（千克）",
    "required_yuan": "应采购额（元）",
    "aid_share": "帮扶采购占比",
    "fulfilment": "配额完成度",
    "compliant": "达标",
    "audited": "已审核",
    "shortfall_kg": "缺口（千克）",
    "shortfall_yuan": "缺口（元）",
    "skipped_orders": "漏订次数",
    "cause": "主要原因",
    "week": "周次",
    "week_start": "周起始日",
    "product_id": "产品编号",
    "product_name": "产品名称",
    "cooperative_id": "合作社编号",
    "county": "县（市、区）",
    "offered_kg": "供应量（千克）",
    "listed": "已上架",
    "listed_kg": "上架量（千克）",
    "ordered_kg": "订购量（千克）",
    "sold_kg": "售出量（千克）",
    "unsold_kg": "滞销量（千克）",
    "spoiled_kg": "腐损量（千克）",
    "unsold_farm_gate_yuan": "滞销产品农户价值（元）",
    "undelivered_kg": "未送达（千克）",
    "scheduled_day": "计划配送日",
    "delivered_day": "实际送达日",
    "kg": "配送量（千克）",
    "received_kg": "实收量（千克）",
    "late": "迟到",
    # a comparison's tables
    "setting": "方案",
    "setting_index": "方案序号",
    "label": "方案名称",
    "kpi": "指标",
    "mean": "均值",
    "sd": "标准差",
    "ci_low": "95% 置信区间下限",
    "ci_high": "95% 置信区间上限",
    "baseline": "基准方案",
    "diff_mean": "与基准之差",
    "diff_ci_low": "差值置信区间下限",
    "diff_ci_high": "差值置信区间上限",
    "n": "重复次数",
    "seed": "随机种子",
    "sales_yuan_mean": "销售额均值（元）",
    "sales_yuan_sd": "销售额标准差（元）",
    "sales_yuan_ci_low": "销售额 95% 置信区间下限（元）",
    "sales_yuan_ci_high": "销售额 95% 置信区间上限（元）",
    "quantity_kg_mean": "销售量均值（千克）",
    # a search's and a sensitivity analysis's tables
    "value": "取值",
    "replications": "重复次数",
    "decision": "判定",
    "parameter": "假设",
    "other": "另一假设",
    "S1": "一阶指数 S1",
    "S1_conf": "S1 置信半宽",
    "ST": "总效应指数 ST",
    "ST_conf": "ST 置信半宽",
    "S2": "二阶指数 S2",
    "S2_conf": "S2 置信半宽",
    "mu_star": "μ*",
    "mu_star_conf": "μ* 置信半宽",
    "sigma": "σ",
    "mu": "μ",
    "rank": "排名",
    "points": "样本点数",
    "note": "说明",
    "point": "样本点",
}
"""The columns of every table of a results folder in Chinese; English keeps the columns' own
names, which scripts rely on."""

_STATISTICS_ZH: Mapping[str, str] = {
    "_mean": "均值",
    "_sd": "标准差",
    "_ci_low": " 95% 置信区间下限",
    "_ci_high": " 95% 置信区间上限",
}
"""A KPI's statistics as columns name them (``total_sales_yuan_mean``), in Chinese."""


def column(lang: str, name: str) -> str:
    """A table's column `name` as a workbook's header in `lang`: in English the name itself; in
    Chinese its name from `_COLUMNS_ZH`, a KPI's or a scenario key's name (a comparison's
    ``quota.share``), a KPI's statistic (``total_sales_yuan_mean``); else the name itself."""
    if check_lang(lang) == "en":
        return name
    if name in _COLUMNS_ZH:
        return _COLUMNS_ZH[name]
    if contract.kpi(name) is not None:
        return kpi(lang, name)
    for suffix, words in _STATISTICS_ZH.items():
        stem = name.removesuffix(suffix)
        if stem != name and contract.kpi(stem) is not None:
            return kpi(lang, stem) + words
    return setting_key(lang, name)


def replications(lang: str, n: int, *, sentence_start: bool = False) -> str:
    """How many replications a result averages: ``"one replication"`` mid-sentence (a
    caption's), ``"One replication"`` at the start of one (the report's lead)."""
    words = say(lang, "reps.one") if n == 1 else say(lang, "reps.many", n=n)
    return words if sentence_start else words[:1].lower() + words[1:]


def setting(lang: str, label: str, separator: str | None = None) -> str:
    """A compared setting as a reader reads it: ``"quota.share=0.2"`` → ``"Quota share = 20%"``
    (``"配额比例 = 20%"``); several keys joined by `separator` (by default ", " or "、"). A key
    without a name stays dotted; a label that is not ``key=value`` pairs is left as it is."""
    parts = [part.partition("=") for part in label.split(", ")]
    if not all(equals for _, equals, _ in parts):
        return label
    shown = [f"{setting_key(lang, key)} = {_setting_value(key, value)}" for key, _, value in parts]
    return (separator if separator is not None else say(lang, "names.separator")).join(shown)


def _setting_value(key: str, value: str) -> str:
    """A setting's value as text: a share as a percentage (0.2 → 20%), anything else as given."""
    if key not in PERCENT_KEYS:
        return value
    try:
        share = float(value)
    except ValueError:
        return value
    return f"{share * 100:.10g}%"


def baseline_name(lang: str, baselines: Sequence[str], first: str = "–") -> str:
    """What a comparison's differences are against, from its table's ``baseline`` column: the
    one setting they all share, or "the previous setting"; `first` for a table without the
    column (a folder written before ``--baseline``)."""
    named = list(dict.fromkeys(b for b in baselines if b))
    if not named:
        return setting(lang, first)
    return setting(lang, named[0]) if len(named) == 1 else say(lang, "baseline.previous")


def missing(value: Any) -> bool:
    """Whether `value` has nothing to measure: None, NaN or infinite (a bool is no number)."""
    if isinstance(value, bool) or value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def number(value: Any, decimals: int = 0, *, lang: str = "en") -> str:
    """``310000.4`` → ``"310,000"``: thousands separators, the same in both languages;
    a missing value reads `NOT_APPLICABLE`."""
    if missing(value):
        return NOT_APPLICABLE[check_lang(lang)]
    return f"{float(value):,.{decimals}f}"


WAN_FROM_YUAN = 100_000.0
"""From this many yuan, Chinese text and axes count money in 万元 (units of 10,000 yuan)."""


def in_wan(lang: str, yuan: float) -> bool:
    """Whether an amount of this size reads in 万元 in `lang` (Chinese only)."""
    return lang == "zh" and abs(yuan) >= WAN_FROM_YUAN


def wan(yuan: float, signed: bool = False) -> str:
    """`yuan` in 万 (units of 10,000), to three figures or so, for a tick or a cell under a
    heading in 万元: 25,000 → "2.5", 292,317 → "29.2", 1,250,000 → "125"."""
    amount = yuan / 1e4
    decimals = 0 if abs(amount) >= 100 else 1 if abs(amount) >= 10 else 2
    shown = f"{amount:{'+' if signed else ''},.{decimals}f}"
    return shown.rstrip("0").rstrip(".") if decimals else shown


def money(value: Any, lang: str = "en", *, signed: bool = False) -> str:
    """An amount of yuan in prose, in a unit a reader takes in at a glance: Chinese in 万元 from
    100,000 yuan (``"31.0 万元"``) and 亿元 from 100 million, English in millions of yuan from
    10 million (``"12.3 million yuan"``), else whole yuan with thousands separators; a missing
    value reads `NOT_APPLICABLE`."""
    if missing(value):
        return NOT_APPLICABLE[check_lang(lang)]
    amount = float(value)
    sign = "+" if signed and amount > 0 else ""
    size = abs(amount)
    if lang == "zh" and size >= 1e8:
        return f"{sign}{amount / 1e8:,.2f} 亿元"
    if in_wan(lang, size):
        return f"{sign}{amount / 1e4:,.1f} 万元"
    if lang == "en" and size >= 1e7:
        return f"{sign}{amount / 1e6:,.1f} million yuan"
    return f"{sign}{amount:,.0f} {'元' if lang == 'zh' else 'yuan'}"


def percent(value: Any, decimals: int = 1, *, lang: str = "en") -> str:
    """``0.593`` → ``"59.3%"``; a missing value reads `NOT_APPLICABLE`."""
    if missing(value):
        return NOT_APPLICABLE[check_lang(lang)]
    return f"{float(value):.{decimals}%}"


WEEKDAYS_ZH = {
    "Mon": "周一",
    "Tue": "周二",
    "Wed": "周三",
    "Thu": "周四",
    "Fri": "周五",
    "Sat": "周六",
    "Sun": "周日",
}
KINDS_ZH = {"government": "机关", "institution": "事业单位", "enterprise": "企业"}


def display_width(shown: str) -> int:
    """Columns `shown` takes where a CJK (or full-width) character takes two: a terminal's, and
    Excel's column widths."""
    if shown.isascii():
        return len(shown)
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in shown)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_PARTS = re.compile(r"(?:(\d{4})-)?(" + "|".join(_MONTHS) + r")(?:-(\d{1,2}))?|^(\d{1,4})$")


def date_label(lang: str, label: str) -> str:
    """A date axis label as matplotlib's concise formatter writes it ("Mar", "15", "2020-Jun",
    "2020-Mar-02", "2020"), in `lang`: Chinese reads "3月", "15日", "2020年6月", "2020年3月2日",
    "2020年"; English is left as it is."""
    if check_lang(lang) == "en":
        return label

    def chinese(match: re.Match[str]) -> str:
        year, month, day, number = match.groups()
        if number is not None:  # a lone number: a year, or a day of the month
            return f"{int(number)}年" if len(number) == 4 else f"{int(number)}日"
        shown = (f"{year}年" if year else "") + f"{_MONTHS.index(month) + 1}月"
        return shown + (f"{int(day)}日" if day else "")

    return _DATE_PARTS.sub(chinese, label)


def weekday(lang: str, day: str) -> str:
    """``"Thu"`` in `lang`: ``"Thu"`` or ``"周四"``."""
    return WEEKDAYS_ZH.get(day, day) if lang == "zh" else day


def canteen_kind(lang: str, kind: str) -> str:
    """A canteen kind (``"government"``) in `lang`."""
    return KINDS_ZH.get(kind, kind) if lang == "zh" else kind
