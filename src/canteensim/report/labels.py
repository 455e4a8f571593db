"""Every word a figure shows, in English and Chinese.

Plots and figures ask this module for their titles, axis labels, legend entries and captions by key
(`text`), and for the names of categories, KPIs and scenario keys (`category`, `kpi`,
`setting_key`), so that a figure in either language says the same thing. A name this module does
not know (a category of a user's own scenario) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from canteensim import results as contract

LANGUAGES = ("en", "zh")
"""The languages a report can be written in."""

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        # monthly sales by category
        "monthly_sales.title": "Monthly sales by category",
        "monthly_sales.y": "Sales (yuan per month)",
        "month": "Month",
        "partial": "partial",
        "partial_month": "Partial month",
        "observed": "Observed: {value} yuan/month",
        # quota compliance heat map
        "compliance.title": "Quota compliance of bound canteens",
        "compliance.colorbar": "Aid bought ÷ quota, worst audited category",
        "compliance.colorbar_total": "Aid bought ÷ quota",
        "compliance.threshold": "quota",
        "canteen": "Canteen",
        "canteens_many": "Bound canteens ({n:,}), lowest at the top",
        # nothing to show, and why (plots.nothing_to_show draws it, captions say it)
        "nothing_to_show": "Nothing to show: {reason}",
        "caption.nothing": "{what}: nothing to show — {why}.",
        "why.because": ", as ",
        "why.and": "; ",
        "why.no_data": "the table is empty",
        "caption.empty_panels": " Nothing to show for {kpis}: {why}.",
        "names.and": ", ",
        "why.no_sales": "no sales in this run",
        "why.no_sales_any": "no sales in any setting",
        "why.no_listing": "nothing was listed in this run",
        "why.no_shipments": "nothing was shipped in this run",
        "why.no_audits": "no bound canteen was audited",
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
        "cause.no_supply": "the cooperatives offered nothing (supply 0)",
        "cause.no_listing": "nothing was listed",
        "cause.no_orders": "canteens ordered nothing",
        "cause.none_shipped": "nothing ordered was shipped",
        "cause.lost": "everything shipped was lost in transit",
        "n/a": "n/a",
        # weekly flows
        "weekly.title": "Weekly supply, orders and sales by category",
        "weekly.listed": "Listed",
        "weekly.ordered": "Ordered",
        "weekly.sold": "Sold",
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
        # comparison
        "kpis.title": "Headline KPIs by setting (mean and 95 % interval)",
        "setting": "Setting",
        "by_setting.title": "Monthly sales by setting (mean and 95 % interval)",
        "differences.title": "Paired difference against {baseline} (mean and 95 % interval)",
        "difference.x": "Difference against {baseline}",
        # captions
        "caption.monthly_sales": (
            "Sales by category in each month ({reps}); hatched bars are partial "
            "months. The simulated mean over full months is {mean} yuan a month."
        ),
        "caption.monthly_sales.observed": (
            " The dashed line is the observed {observed} yuan a month."
        ),
        "caption.compliance": (
            "Each bound canteen's aid purchases as a share of its quota in each audited month "
            "(worst audited category when the quota is per category; {reps}): "
            "red cells fall short of the quota, blue cells meet it. "
            "{rate} of the audits met the quota."
        ),
        "caption.weekly": (
            "Kilograms listed by the platform, ordered by canteens and sold each week, one panel "
            "per category ({reps}). Orders above the listed line went unfilled; "
            "listed kilograms above the sold line went unsold ({unsold} of the listed kg)."
        ),
        "caption.losses": (
            "Kilograms lost in transit (top) and delivered after their scheduled day (bottom) "
            "each week ({reps}): {lost} kg lost in all; {on_time} of the "
            "shipped kg arrived on time."
        ),
        "caption.income": (
            "Income of the farmers of each {by}: sales less the platform's {commission} commission "
            "and {logistics} yuan/kg logistics ({reps}): {total} yuan in all."
        ),
        "caption.kpis": (
            "Each headline KPI for every value of {varied}: {reps} with its 95 % "
            "confidence interval."
        ),
        "caption.by_setting": (
            "Sales in each month for every value of {varied}: {reps} with 95 % "
            "confidence bands; partial months are marked."
        ),
        "caption.differences": (
            "Each headline KPI's paired difference against the baseline {baseline} with its 95 % "
            "interval. Every setting uses the same random streams, so an interval that excludes "
            "zero shows an effect of the setting, not of chance."
        ),
        "by.county": "county",
        "by.cooperative_id": "cooperative",
    },
    "zh": {
        "monthly_sales.title": "各品类月度销售额",
        "monthly_sales.y": "销售额（元/月）",
        "month": "月份",
        "partial": "不足月",
        "partial_month": "不足整月",
        "observed": "实际报道：每月 {value} 元",
        "compliance.title": "受约束食堂配额完成情况",
        "compliance.colorbar": "扶贫采购 ÷ 配额（最低的审核品类）",
        "compliance.colorbar_total": "扶贫采购 ÷ 配额",
        "compliance.threshold": "配额",
        "canteen": "食堂",
        "canteens_many": "受约束食堂（{n:,} 个），最低者在上",
        "nothing_to_show": "无可显示内容：{reason}",
        "caption.nothing": "{what}：无可显示内容——{why}。",
        "why.because": "，因为",
        "why.and": "；",
        "why.no_data": "表中没有数据",
        "caption.empty_panels": "{kpis}无可显示内容：{why}。",
        "names.and": "、",
        "why.no_sales": "本次模拟没有销售",
        "why.no_sales_any": "各方案均没有销售",
        "why.no_listing": "本次模拟没有产品上架",
        "why.no_shipments": "本次模拟没有发运",
        "why.no_audits": "没有受审核的受约束食堂",
        "why.no_value": "各方案均无此指标值",
        "why.no_difference": "基准方案没有此指标值可供比较",
        "cause.no_cycle": "模拟时段（{start} 至 {end}）不含完整的每周上架、订购和配送周期",
        "cause.no_meals": "食堂没有供餐（无就餐人数、就餐率为 0 或每天都不开放）",
        "cause.no_bound_meals": "受约束食堂没有供餐（无就餐人数、就餐率为 0 或每天都不开放）",
        "cause.no_bound": "没有食堂受配额约束",
        "cause.zero_quota": "配额为 0%，无需审核",
        "cause.no_supply": "合作社没有供货（供应为 0）",
        "cause.no_listing": "没有产品上架",
        "cause.no_orders": "食堂没有下单",
        "cause.none_shipped": "订单均未发运",
        "cause.lost": "发运的货物全部在运输中损耗",
        "n/a": "不适用",
        "weekly.title": "各品类每周上架、订购与售出量",
        "weekly.listed": "上架",
        "weekly.ordered": "订购",
        "weekly.sold": "售出",
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
        "kpis.title": "各方案主要指标（均值及 95% 置信区间）",
        "setting": "方案",
        "by_setting.title": "各方案月度销售额（均值及 95% 置信区间）",
        "differences.title": "与 {baseline} 的配对差异（均值及 95% 置信区间）",
        "difference.x": "与 {baseline} 之差",
        "caption.monthly_sales": (
            "各月各品类销售额（{reps}）；斜线填充的柱为不足整月的月份。"
            "模拟的整月平均销售额为每月 {mean} 元。"
        ),
        "caption.monthly_sales.observed": "虚线为实际报道的每月 {observed} 元。",
        "caption.compliance": (
            "各受约束食堂每个审核月份的扶贫采购量占配额的比例（按品类设配额时取最低的审核品类；"
            "{reps}）：红色为未达配额，蓝色为达到配额。{rate} 的审核达到配额。"
        ),
        "caption.weekly": (
            "平台每周上架、食堂订购和实际售出的千克数，每个品类一图（{reps}）。"
            "订购高于上架的部分未能满足；上架高于售出的部分滞销（占上架量的 {unsold}）。"
        ),
        "caption.losses": (
            "每周运输损耗（上图）与晚于预定日送达（下图）的千克数（{reps}）："
            "共损耗 {lost} 千克；{on_time} 的发运量按时送达。"
        ),
        "caption.income": (
            "各{by}农户收入：销售额减去平台 {commission} 的佣金和每千克 {logistics} 元的物流费"
            "（{reps}）：合计 {total} 元。"
        ),
        "caption.kpis": "{varied}各取值下的主要指标：{reps}及其 95% 置信区间。",
        "caption.by_setting": (
            "{varied}各取值下的月度销售额：{reps}及 95% 置信带；不足整月的月份已标出。"
        ),
        "caption.differences": (
            "各主要指标与基准方案 {baseline} 的配对差异及其 95% 置信区间。"
            "各方案使用相同的随机数流，区间不含零即说明差异来自方案本身而非偶然。"
        ),
        "by.county": "县",
        "by.cooperative_id": "合作社",
    },
}

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


def text(lang: str, key: str, **values: object) -> str:
    """The text under `key` in `lang`, with ``{name}`` fields filled from `values`."""
    template = _TEXT[check_lang(lang)][key]
    return template.format(**values) if values else template


def category(lang: str, name: str) -> str:
    """A food category's name in `lang`; an unknown category keeps its own name."""
    return _CATEGORIES[check_lang(lang)].get(name, name)


def kpi(lang: str, name: str) -> str:
    """A KPI's name in `lang`, with its unit; an unknown KPI keeps its own name."""
    spec = contract.kpi(name)
    return spec.label[_lang(lang)] if spec else name


def undefined(lang: str, name: str) -> str:
    """When the KPI `name` has nothing to measure: ``"nothing was ordered"``; "" if never."""
    spec = contract.kpi(name)
    return spec.undefined[_lang(lang)] if spec and spec.undefined else ""


def _lang(lang: str) -> contract.Lang:
    return "zh" if check_lang(lang) == "zh" else "en"


def setting_key(lang: str, key: str) -> str:
    """A dotted scenario key (``quota.share``) as an axis label; unknown keys stay dotted."""
    return _SETTING_KEYS[check_lang(lang)].get(key, key)


def replications(lang: str, n: int) -> str:
    """How many replications a figure averages, as a caption says it."""
    if check_lang(lang) == "zh":
        return "单次模拟" if n == 1 else f"{n} 次重复模拟的均值"
    return "one replication" if n == 1 else f"mean of {n} replications"


def number(value: float, decimals: int = 0) -> str:
    """``310000.4`` → ``"310,000"``: thousands separators, the same in both languages."""
    return f"{value:,.{decimals}f}"


def percent(value: float, decimals: int = 1) -> str:
    """``0.593`` → ``"59.3%"``; a missing value is shown as an en dash."""
    if value != value:  # NaN
        return "–"
    return f"{value:.{decimals}%}"
