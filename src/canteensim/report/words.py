"""The words of a report around its figures, in English and Chinese.

Headings, fact labels, table columns, notes and the workbook's README say what `say` returns
for a key; the figures' own words (titles, axes, captions, the names of categories and KPIs) are
`canteensim.report.labels`', and the names of the scheme's rules (``allocation.fcfs``) are
`canteensim.policies`'. Both languages have every key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from canteensim.policies import ALLOCATION_RULES, BEHAVIOURS


def _rule_words(lang: str) -> dict[str, str]:
    """``"allocation.fcfs"``, ``"behaviour.even"``, …: each rule's wording, from its registry."""
    return {
        f"{family.key}.{rule.name}": rule.wording[lang]
        for family in (BEHAVIOURS, ALLOCATION_RULES)
        for rule in family
    }


_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title.run": "{name}: simulation report",
        "title.comparison": "{name}: comparison report",
        "lead.run": "{reps}. {sales} {audits}",
        "lead.sales": "Mean monthly sales were {sales} yuan{observed}.",
        "lead.audits": "{compliance} of the bound canteens' monthly quota audits met the quota.",
        "sentence": "{text}.",
        "lead.observed": " (observed: {value} yuan)",
        "lead.comparison": (
            "{settings} settings of {varied}, {reps} each, compared with common random numbers "
            "against the baseline {baseline}."
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
        "quota.category": "{share} of each category's monthly consumption, by {basis}",
        "quota.total": "{share} of all monthly consumption, by {basis}",
        "basis.quantity": "quantity (kg)",
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
        "yuan_per_month": "{value} yuan a month",
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
        "observed_row": "Observed monthly sales (scenario)",
        "kpi.note.run_many": (
            "Mean over {n} replications, with the standard deviation between replications."
        ),
        "kpi.note.comparison": (
            "Each setting's mean over {reps} with its 95 % t-interval, and its paired difference "
            "against the baseline {baseline} with the interval of that difference: an interval "
            "that excludes zero shows an effect of the setting. Percentages differ in "
            "percentage points (pp)."
        ),
        "kpi.note.undefined": "n/a: nothing to measure. {reasons}.",
        "kpi.undefined.item": "{kpis}: {reason}",
        "list.separator": "; ",
        "names.separator": ", ",
        "figure": "Figure {n}.",
        "table.monthly_sales": "Sales by month and category (yuan{per})",
        "table.audits": "Quota audits of bound canteens by month{per}",
        "table.supply": "Supply and sales by category over the whole period (kg{per})",
        "table.top_products": "The {n} products sold most (over the whole period{per})",
        "table.by_setting": "Mean monthly sales by setting (yuan, mean of {n} replications)",
        "per.mean": ", mean of {n} replications",
        "partial_note": "* partial month: only part of it is simulated.",
        "more_rows": "… {n:,} more rows: see {xlsx}.",
        "full_tables": (
            "Every table in full is a sheet of {xlsx}, and a file of this folder: {files}."
        ),
        "pp": "{value} pp",
        "rows": "{n:,} rows",
        "readme.title": "canteensim report: {name}",
        "readme.kind.run": "Tables of a run",
        "readme.kind.comparison": "Tables of a comparison",
        "readme.kpis": "KPIs of each replication (from summary.json)",
        "readme.truncated": (
            "cut at Excel's limit of {limit:,} rows; the whole table is {file} in the results "
            "folder"
        ),
        "readme.whole": "whole table",
    },
    "zh": {
        "title.run": "{name}：模拟报告",
        "title.comparison": "{name}：方案比较报告",
        "lead.run": "{reps}。{sales}{audits}",
        "lead.sales": "月均销售额 {sales} 元{observed}。",
        "lead.audits": "受约束食堂的月度配额审核中有 {compliance} 达到配额。",
        "sentence": "{text}。",
        "lead.observed": "（实际报道：{value} 元）",
        "lead.comparison": (
            "比较 {varied} 的 {settings} 个方案，每个方案{reps}，使用相同随机数流，"
            "以 {baseline} 为基准。"
        ),
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
        "quota.category": "每个品类月消费的 {share}（按{basis}计）",
        "quota.total": "月消费总量的 {share}（按{basis}计）",
        "basis.quantity": "数量（千克）",
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
        "yuan_per_month": "每月 {value} 元",
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
        "observed_row": "实际月均销售额（情景给定）",
        "kpi.note.run_many": "{n} 次重复模拟的均值，及各次之间的标准差。",
        "kpi.note.comparison": (
            "各方案{reps}的均值及其 95% t 置信区间，以及与基准方案 {baseline} 的配对差异及其"
            "置信区间：区间不含零即说明差异来自方案本身。百分比指标的差异以百分点计。"
        ),
        "kpi.note.undefined": "不适用：无可衡量的内容。{reasons}。",
        "kpi.undefined.item": "{kpis}：{reason}",
        "list.separator": "；",
        "names.separator": "、",
        "figure": "图 {n}：",
        "table.monthly_sales": "各月各品类销售额（元{per}）",
        "table.audits": "受约束食堂各月配额审核{per}",
        "table.supply": "全时段各品类供应与销售（千克{per}）",
        "table.top_products": "销售额最高的 {n} 种产品（全时段{per}）",
        "table.by_setting": "各方案月均销售额（元，{n} 次重复模拟的均值）",
        "per.mean": "，{n} 次重复模拟的均值",
        "partial_note": "* 不足整月：只模拟了该月的一部分。",
        "more_rows": "……另有 {n:,} 行，见 {xlsx}。",
        "full_tables": "各表全文见 {xlsx} 的各工作表，以及本文件夹中的文件：{files}。",
        "pp": "{value} 个百分点",
        "rows": "{n:,} 行",
        "readme.title": "canteensim 报告：{name}",
        "readme.kind.run": "一次运行的各表",
        "readme.kind.comparison": "一次方案比较的各表",
        "readme.kpis": "每次重复模拟的指标（来自 summary.json）",
        "readme.truncated": (
            "已截断：Excel 每个工作表最多 {limit:,} 行；全表见结果文件夹中的 {file}"
        ),
        "readme.whole": "全表",
    },
}

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


def say(lang: str, key: str, **values: Any) -> str:
    """The report's text under `key` in `lang`, with ``{name}`` fields filled from `values`."""
    template = _TEXT[lang][key]
    return template.format(**values) if values else template


def weekday(lang: str, day: str) -> str:
    """``"Thu"`` in `lang`: ``"Thu"`` or ``"周四"``."""
    return WEEKDAYS_ZH.get(day, day) if lang == "zh" else day


def canteen_kind(lang: str, kind: str) -> str:
    """A canteen kind (``"government"``) in `lang`."""
    return KINDS_ZH.get(kind, kind) if lang == "zh" else kind
