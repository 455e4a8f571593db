"""What a report says: a run's or a comparison's results folder as a `Document`.

The document has the scenario in brief, the key indicators (a run: each KPI, with its standard
deviation over replications; a comparison: each setting's mean with its 95 % interval and the
paired difference against the baseline), the figures with their captions, a few summary tables
(the whole tables go to the workbook), and the provenance that lets anyone make the results
again. Every word comes from `canteensim.text`, so the document is in one language throughout. A
KPI with nothing to measure reads `canteensim.text.NOT_APPLICABLE` ("n/a"), with a note saying
when it is so; a run that sold or audited nothing says
why in its lead, its figures' captions and in place of its empty tables.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from canteensim import text
from canteensim.experiment.statistics import marginal_costs, saturated
from canteensim.model.quota import BASIS_COLUMNS, BasisColumns
from canteensim.report.causes import CauseCounts
from canteensim.report.document import (
    Block,
    Cell,
    Document,
    Facts,
    Image,
    Paragraph,
    Section,
    Table,
)
from canteensim.report.read import ResultsFolder, as_bool
from canteensim.report.why import Nothing, RunFlows
from canteensim.results import PERCENT_KPIS, WORKBOOK_MAX_ROWS, ReportFiles
from canteensim.scenario.schema import Canteens, Cycle, Disruption, Platform, Scenario
from canteensim.text import (
    NOT_APPLICABLE,
    canteen_kind,
    missing,
    percent,
    replications,
    say,
    weekday,
)
from canteensim.version import __version__

TABLE_MAX_ROWS = 40
"""The most rows a summary table of the report shows; the workbook holds every row."""

KPI_TABLE_MAX_ROWS = 250
"""The most rows of a comparison's KPI table (KPIs × settings) the report shows."""

WIDE_SETTINGS = 8
"""Beyond this many settings, monthly sales by setting list settings down, months across."""

TOP_PRODUCTS = 10

"""The workbook a report refers to for its tables in full."""


def report_document(results: ResultsFolder, images: Sequence[Image], lang: str) -> Document:
    """What the report of `results` says, with its figures `images`, in `lang`."""
    name = results.scenario.scenario.name
    figures = Section("figures", say(lang, "section.figures"), list(images))
    if results.kind == "run":
        flows = RunFlows.of(results)
        return Document(
            lang,
            say(lang, "title.run", name=name),
            _run_lead(results, flows, lang),
            say(lang, "contents"),
            [
                Section("scenario", say(lang, "section.scenario"), [scenario_facts(results, lang)]),
                Section("kpis", say(lang, "section.kpis"), _run_kpis(results, flows, lang)),
                figures,
                Section("tables", say(lang, "section.tables"), _run_tables(results, flows, lang)),
                Section("provenance", say(lang, "section.provenance"), [provenance(results, lang)]),
            ],
        )
    return Document(
        lang,
        say(lang, "title.comparison", name=name),
        _comparison_lead(results, lang),
        say(lang, "contents"),
        [
            Section("scenario", say(lang, "section.scenario"), [scenario_facts(results, lang)]),
            Section("settings", say(lang, "section.settings"), [_settings_facts(results, lang)]),
            Section(
                "kpis",
                say(lang, "section.kpis"),
                [*_comparison_kpis(results, lang), *_marginal_costs(results, lang)],
            ),
            figures,
            Section("tables", say(lang, "section.tables"), _comparison_tables(results, lang)),
            Section("provenance", say(lang, "section.provenance"), [provenance(results, lang)]),
        ],
    )


def _number(value: Any, decimals: int = 0, signed: bool = False, *, lang: str) -> str:
    if not _finite(value):
        return NOT_APPLICABLE[lang]
    sign = "+" if signed else ""
    number = float(value)
    if decimals == 0 and number != 0 and abs(number) < 10:
        return f"{number:{sign},.3g}"  # small numbers keep three significant digits
    return f"{_unsigned_zero(number, decimals):{sign},.{decimals}f}"


def _unsigned_zero(number: float, decimals: int) -> float:
    """`number` rounded to `decimals`, a negative zero made zero: "+0.0", never "-0.0"."""
    return round(number, decimals) + 0.0


def _finite(value: Any) -> bool:
    return not missing(value)


def _percent(value: Any, decimals: int = 1, *, lang: str) -> str:
    return percent(value, decimals, lang=lang)


def kpi_text(name: str, value: Any, lang: str = "en", *, difference: bool = False) -> str:
    """A KPI's value as a report shows it: ratios in percent, differences of ratios in points,
    "n/a" when it has nothing to measure (NaN, null in summary.json)."""
    if not _finite(value):
        return NOT_APPLICABLE[lang]
    if name in PERCENT_KPIS:
        if difference:
            return say(lang, "pp", value=_points(value))
        return _percent(value, lang=lang)
    return _number(value, signed=difference, lang=lang)


def _points(share: Any) -> str:
    """A difference of two shares in percentage points: ``-0.396`` → ``"-39.6"``."""
    return f"{_unsigned_zero(float(share) * 100, 1):+.1f}"


def _share_text(value: Any, *, lang: str) -> str:
    """A scenario share (0.2) as a percentage, without needless decimals (20%, 12.5%)."""
    if not _finite(value):
        return NOT_APPLICABLE[lang]
    return f"{float(value) * 100:.4g}%"


def _run_lead(results: ResultsFolder, flows: RunFlows, lang: str) -> str:
    kpis = results.kpis
    observed = results.scenario.scenario.observed_monthly_sales_yuan
    no_sales, no_whole = flows.no_sales(lang), flows.no_whole_audits(lang)
    sales = (
        _as_sentence(no_sales, lang)
        if no_sales
        else say(
            lang,
            "lead.sales",
            sales=text.money(kpis["monthly_sales_yuan_mean"], lang),
            observed=say(lang, "lead.observed", value=text.money(observed, lang))
            if observed is not None
            else "",
        )
    )
    audits = (
        _as_sentence(no_whole, lang)
        if no_whole
        else say(
            lang,
            "lead.audits",
            compliance=kpi_text("compliance_rate", kpis["compliance_rate"], lang),
            **_period_words(results, lang),
        )
    )
    lead = say(
        lang,
        "lead.run",
        reps=replications(lang, results.replications, sentence_start=True),
        sales=sales,
        audits=audits,
    )
    failures = "" if no_whole else _failures_sentence(results, lang)
    return say(lang, "sentences", first=lead, second=failures) if failures else lead


def _period_words(results: ResultsFolder, lang: str) -> dict[str, str]:
    """The quota's audit period as sentences name it: ``period="month", periods="months"``."""
    period = results.scenario.quota.period
    return {
        "period": say(lang, f"period.{period}"),
        "periods": say(lang, f"periods.{period}"),
    }


def _failures_sentence(results: ResultsFolder, lang: str) -> str:
    """How many audits of whole periods failed (a mean of replications), and their most
    common primary cause with its share; or that none failed."""
    tables = results.tables
    counts = CauseCounts.of(tables["canteen_months"], tables["audit_failures"])
    top = counts.top
    if top is None:
        return say(lang, "lead.no_failures", **_period_words(results, lang))
    n = results.replications
    return say(
        lang,
        "lead.failures",
        failed=_mean_count(counts.failed, n, lang),
        cause=text.failure_cause(lang, top),
        top=_mean_count(counts.by_cause[top], n, lang),
        share=_percent(counts.share(top), lang=lang),
        **_period_words(results, lang),
    )


def _as_sentence(nothing: Nothing, lang: str) -> str:
    """``"No sales in this run, as …."``: what is missing and why, as a sentence of its own."""
    sentence = nothing.sentence(lang)
    return say(lang, "sentence", text=sentence[:1].upper() + sentence[1:])


def _nothing_note(title: str, nothing: Nothing, lang: str) -> Paragraph:
    """In place of a table with nothing in it: its title, and why it is empty."""
    return Paragraph(
        text.say(lang, "caption.nothing", what=title, why=nothing.sentence(lang)), note=True
    )


def _undefined_note(names: Sequence[str], flows: RunFlows | None, lang: str) -> list[str]:
    """The note under a KPI table saying why each KPI shown as n/a has nothing to measure.

    Each reason is the contract's (`canteensim.results.Kpi.undefined`); where a run's tables
    tell that very reason (no whole audit period), with its cause, they say it instead.
    """
    own = _own_reasons(flows, lang)
    by_reason: dict[str, list[str]] = {}
    for name in names:
        reason = text.undefined(lang, name)
        reason = own.get(reason, reason)
        by_reason.setdefault(reason, []).append(text.kpi(lang, name))
    if not by_reason:
        return []
    items = [
        say(lang, "kpi.undefined.item", kpis=say(lang, "names.separator").join(kpis), reason=why)
        for why, kpis in by_reason.items()
    ]
    return [say(lang, "kpi.note.undefined", reasons=say(lang, "list.separator").join(items))]


def _mean_count(total: int, n: int, lang: str) -> str:
    """A count's mean over `n` replications: whole, or with the one decimal a mean may need."""
    mean = total / n
    return _number(mean, 0 if mean.is_integer() else 1, lang=lang)


def _own_reasons(flows: RunFlows | None, lang: str) -> dict[str, str]:
    """The contract's reasons a run's tables tell in their own words, with their cause."""
    nothing = flows.no_whole_audits(lang) if flows is not None else None
    if nothing is None:
        return {}
    return {text.undefined(lang, "compliance_rate"): nothing.sentence(lang)}


def _comparison_lead(results: ResultsFolder, lang: str) -> str:
    settings = results.settings
    lead = say(
        lang,
        "lead.comparison",
        settings=len(settings),
        varied=_varied_names(results.vary, lang),
        reps=say(lang, "reps.each", n=results.replications),
        baseline=_baseline(results, lang),
    )
    headline = _headline(results, lang)
    return say(lang, "sentences", first=headline, second=lead) if headline else lead


def _headline(results: ResultsFolder, lang: str) -> str:
    """The answer first: from the first setting to the last, what sales and farmer income gain
    for what canteens pay, and where supply saturates; "" with fewer than two settings."""
    table = results.tables.get("comparison")
    if table is None or len(results.settings) < 2:
        return ""
    first, last = results.settings[0], results.settings[-1]
    mean = pd.to_numeric(table["mean"], errors="coerce").to_numpy(dtype=float)
    means = {
        (str(setting), str(kpi)): value
        for setting, kpi, value in zip(table["setting"], table["kpi"], mean, strict=True)
        if str(setting) in (first, last)
    }

    def gain(kpi: str) -> str:
        change = means.get((last, kpi), math.nan) - means.get((first, kpi), math.nan)
        return text.money(change, lang, signed=True)

    sentence = say(
        lang,
        "headline.comparison",
        first=text.setting(lang, first),
        last=text.setting(lang, last),
        sales=gain("monthly_sales_yuan_mean"),
        income=gain("farmer_income_yuan"),
        cost=gain("cost_premium_yuan"),
    )
    saturating = saturated(table)
    if not saturating:
        return sentence
    return say(
        lang,
        "sentences",
        first=sentence,
        second=say(lang, "headline.saturated", setting=text.setting(lang, saturating[0])),
    )


def _baseline(results: ResultsFolder, lang: str) -> str:
    """What the comparison's differences are against: a setting, or the previous setting."""
    frame = results.tables.get("comparison")
    first = results.settings[0] if results.settings else "–"
    if frame is None or "baseline" not in frame:
        return first
    return text.baseline_name(lang, frame["baseline"].fillna("").astype(str).tolist(), first)


def _varied_names(vary: Mapping[str, Any], lang: str) -> str:
    names = [f"{text.setting_key(lang, key)} ({key})" for key in vary]
    if not names:
        return "–"
    return "、".join(names) if lang == "zh" else " × ".join(names)


def scenario_facts(results: ResultsFolder, lang: str) -> Facts:
    scenario = results.scenario
    info = scenario.scenario
    varied = list(results.vary)

    def varied_note(*prefixes: str) -> str:
        if any(key.startswith(prefixes) for key in varied):
            return say(lang, "varied_here", section=say(lang, "section.settings"))
        return ""

    rows: list[tuple[str, str]] = [(say(lang, "fact.name"), info.name)]
    if info.description:
        rows.append((say(lang, "fact.description"), info.description))
    rows.append((say(lang, "fact.period"), say(lang, "period", start=info.start, end=info.end)))
    quota = scenario.quota  # as stored: the resolved scenario states every key
    quota_text = say(
        lang,
        f"quota.{quota.per}",
        share=_share_text(quota.share, lang=lang),
        basis=say(lang, f"basis.{quota.basis}"),
        **_period_words(results, lang),
    )
    rows.append((say(lang, "fact.quota"), quota_text + varied_note("quota.")))
    rows.append(
        (
            say(lang, "fact.canteens"),
            _canteens_text(scenario.canteens, lang) + varied_note("canteens."),
        )
    )
    rows.append(
        (say(lang, "fact.products"), _products_text(scenario, lang) + varied_note("products."))
    )
    categories = list(scenario.categories)
    separator = "、" if lang == "zh" else ", "
    rows.append(
        (
            say(lang, "fact.categories"),
            separator.join(text.category(lang, c) for c in categories) or "–",
        )
    )
    rows.append(
        (say(lang, "fact.cycle"), _cycle_words(scenario.cycle, lang) + varied_note("cycle."))
    )
    rows.append(
        (
            say(lang, "fact.platform"),
            _platform_text(scenario.platform, lang) + varied_note("platform."),
        )
    )
    rows.append(
        (
            say(lang, "fact.disruptions"),
            "; ".join(_disruption_text(d, lang) for d in scenario.disruptions) or say(lang, "none"),
        )
    )
    if results.kind == "run":
        rows.append((say(lang, "fact.replications"), str(results.replications)))
    observed = info.observed_monthly_sales_yuan
    if observed is not None:
        rows.append(
            (
                say(lang, "fact.observed"),
                say(lang, "yuan_per_month", value=text.money(observed, lang)),
            )
        )
    return Facts(rows)


def _canteens_text(canteens: Canteens, lang: str) -> str:
    generate = canteens.generate
    if generate is not None:
        kinds = generate.bound_kinds
        kind_text = ("、" if lang == "zh" else " and ").join(canteen_kind(lang, k) for k in kinds)
        return say(lang, "canteens.generate", n=generate.count, kinds=kind_text or "–")
    rows = canteens.rows
    return say(
        lang,
        "canteens.rows",
        n=len(rows),
        bound=sum(r.bound for r in rows),
        diners=sum(r.diners for r in rows),
    )


def _products_text(scenario: Scenario, lang: str) -> str:
    products, cooperatives = scenario.products, scenario.cooperatives
    coop_rows = cooperatives.rows
    coop_count = cooperatives.generate.count if cooperatives.generate else len(coop_rows)
    if products.generate is not None:
        return say(lang, "products.generate", n=products.generate.count, cooperatives=coop_count)
    rows = products.rows
    used = {r.cooperative_id for r in rows}
    counties = {c.county for c in coop_rows if c.cooperative_id in used}
    return say(
        lang,
        "products.rows",
        n=len(rows),
        cooperatives=len(used),
        counties=len(counties),
    )


def _weekday_time(text: Any, lang: str) -> str:
    day, _, time = str(text).partition(" ")
    return f"{weekday(lang, day)} {time}".strip()


def _cycle_words(cycle: Cycle, lang: str) -> str:
    days = [weekday(lang, d) for d in cycle.delivery_days]
    allocation = cycle.allocation
    return say(
        lang,
        "cycle",
        listing=_weekday_time(cycle.listing, lang),
        cutoff=_weekday_time(cycle.order_cutoff, lang),
        days="/".join(days) or "–",
        lead=cycle.lead_days,
        allocation=say(lang, f"allocation.{allocation}"),  # the scenario was validated
        substitution=say(lang, "substitution") if cycle.substitution else "",
    )


def _platform_text(platform: Platform, lang: str) -> str:
    return say(
        lang,
        "platform",
        commission=_share_text(platform.commission, lang=lang),
        logistics=_number(platform.logistics_yuan_per_kg, 2, lang=lang),
        vehicles=_number(platform.vehicles, lang=lang),
        capacity=_number(platform.vehicle_capacity_kg, lang=lang),
        limit=_number(platform.listing_limit, lang=lang),
    )


def _disruption_text(disruption: Disruption, lang: str) -> str:
    return say(
        lang,
        "disruption",
        start=disruption.start,
        end=disruption.end,
        attendance=f"{disruption.attendance:g}",
        transport=f"{disruption.transport:g}",
        supply=f"{disruption.supply:g}",
    )


def _settings_facts(results: ResultsFolder, lang: str) -> Facts:
    vary, settings = results.vary, results.settings
    rows = [
        (
            say(lang, "fact.varied"),
            "; ".join(
                f"{text.setting_key(lang, key)} ({key}) = "
                + ", ".join(_setting_value(v) for v in values)
                for key, values in vary.items()
            )
            or "–",
        ),
        (say(lang, "fact.settings"), f"{len(settings)}: " + ", ".join(settings)),
        (say(lang, "fact.baseline"), _baseline(results, lang)),
        (say(lang, "fact.replications"), str(results.replications)),
    ]
    if results.precision is not None:
        rows.append(
            (
                say(lang, "fact.precision"),
                say(lang, "precision", value=_share_text(results.precision, lang=lang)),
            )
        )
    return Facts(rows)


def _setting_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _run_kpis(results: ResultsFolder, flows: RunFlows, lang: str) -> list[Block]:
    means, frame = results.kpis, results.replication_kpis
    many = len(frame) > 1
    columns = [say(lang, "col.indicator")]
    columns += [say(lang, "col.mean"), say(lang, "col.sd")] if many else [say(lang, "col.value")]
    rows: list[list[Cell]] = []
    for name, mean in means.items():
        row: list[Cell] = [(text.kpi(lang, name), name), kpi_text(name, mean, lang)]
        if many:
            values = frame[name] if name in frame else pd.Series(dtype=float)
            row.append(kpi_text(name, values.std(ddof=1), lang))
        rows.append(row)
    observed = results.scenario.scenario.observed_monthly_sales_yuan
    if observed is not None:
        rows.append(
            [say(lang, "observed_row"), _number(observed, lang=lang), *([""] if many else [])]
        )
    notes = [say(lang, "kpi.note.run_many", n=len(frame))] if many else []
    undefined = [name for name, mean in means.items() if not _finite(mean)]
    notes += _undefined_note(undefined, flows, lang)
    return [Table("", columns, rows, [False, True, *([True] if many else [])], notes=notes)]


def _comparison_kpis(results: ResultsFolder, lang: str) -> list[Block]:
    frame = results.tables["comparison"]
    settings = results.settings
    ordered = (
        frame.sort_values(["setting_index"], kind="stable") if "setting_index" in frame else frame
    )
    first = settings[0] if settings else (str(ordered["setting"].iloc[0]) if len(ordered) else "–")
    against = (
        ordered["baseline"].fillna("").astype(str)
        if "baseline" in ordered
        else pd.Series(first, index=ordered.index)
    )
    rows: list[list[Cell]] = []
    starts: set[int] = set()
    kpis = list(dict.fromkeys(frame["kpi"].astype(str)))
    for kpi in kpis:
        starts.add(len(rows))
        group = ordered[ordered["kpi"].astype(str) == kpi]
        for position, (row, base) in enumerate(
            zip(group.itertuples(index=False), against[group.index], strict=True)
        ):
            is_baseline = str(row.setting) == base
            rows.append(
                [
                    (text.kpi(lang, kpi), kpi) if position == 0 else "",
                    text.setting(lang, str(row.setting)),
                    kpi_text(kpi, row.mean, lang),
                    _interval(kpi, row.ci_low, row.ci_high, lang),
                    say(lang, "baseline")
                    if is_baseline
                    else kpi_text(kpi, row.diff_mean, lang, difference=True),
                    ""
                    if is_baseline
                    else _interval(kpi, row.diff_ci_low, row.diff_ci_high, lang, difference=True),
                ]
            )
    columns = [
        say(lang, "col.indicator"),
        say(lang, "col.setting"),
        say(lang, "col.mean"),
        say(lang, "col.interval"),
        say(lang, "col.difference"),
        say(lang, "col.diff_interval"),
    ]
    note = say(
        lang,
        "kpi.note.comparison",
        reps=say(lang, "reps.each", n=results.replications),
        baseline=_baseline(results, lang),
    )
    means = pd.to_numeric(frame["mean"], errors="coerce") if "mean" in frame else None
    undefined = (
        [kpi for kpi in kpis if means[frame["kpi"].astype(str) == kpi].isna().any()]
        if means is not None
        else []
    )
    table = Table(
        "",
        columns,
        rows,
        [False, False, True, True, True, True],
        group_starts=frozenset(starts),
        notes=[note, *_undefined_note(undefined, None, lang)],
    )
    return [_limited(table, lang, KPI_TABLE_MAX_ROWS)]


def _marginal_costs(results: ResultsFolder, lang: str) -> list[Block]:
    """Between neighbouring settings: what each extra yuan of farmer income costs canteens."""
    frame = results.tables["comparison"]
    if not {"setting_index", "kpi", "mean"} <= set(frame.columns):
        return []
    steps = marginal_costs(frame.assign(mean=pd.to_numeric(frame["mean"], errors="coerce")))
    if steps.empty:
        return []
    rows: list[list[Cell]] = [
        [
            f"{step['from']} → {step['to']}",
            _number(step["benefit_change"], signed=True, lang=lang),
            _number(step["cost_change"], signed=True, lang=lang),
            _number(step["cost_per_benefit"], 2, lang=lang),
        ]
        for step in steps.to_dict("records")
    ]
    columns = [
        say(lang, "col.from_to"),
        say(lang, "col.income_change"),
        say(lang, "col.cost_change"),
        say(lang, "col.cost_per_yuan"),
    ]
    table = Table(
        say(lang, "marginal.title"),
        columns,
        rows,
        [False, True, True, True],
        notes=[say(lang, "marginal.note")],
    )
    return [_limited(table, lang)]


def _limited(table: Table, lang: str, max_rows: int = TABLE_MAX_ROWS) -> Table:
    """`table` cut to `max_rows` rows, with a note saying where the rest is."""
    if len(table.rows) <= max_rows:
        return table
    more = say(lang, "more_rows", n=len(table.rows) - max_rows, xlsx=ReportFiles.of(lang).workbook)
    return replace(table, rows=table.rows[:max_rows], notes=[*table.notes, more])


def _interval(kpi: str, low: Any, high: Any, lang: str, *, difference: bool = False) -> str:
    if not (_finite(low) and _finite(high)):
        return NOT_APPLICABLE[lang]
    if kpi in PERCENT_KPIS and difference:
        return f"[{_points(low)}, {_points(high)}]"
    return f"[{kpi_text(kpi, low, lang, difference=difference)}, " + (
        f"{kpi_text(kpi, high, lang, difference=difference)}]"
    )


def _run_tables(results: ResultsFolder, flows: RunFlows, lang: str) -> list[Block]:
    n = results.replications
    per = say(lang, "per.mean", n=n) if n > 1 else ""
    no_weeks = flows.no_listing(lang) if not flows.weeks else None
    tables: list[Table | Paragraph | None] = [
        _monthly_sales_table(results.tables["monthly_sales"], n, per, lang),
        _audits_block(results, flows, per, lang),
        _nothing_note(say(lang, "table.supply", per=""), no_weeks, lang)
        if no_weeks
        else _supply_table(results.tables["weekly_products"], n, per, lang),
        None
        if flows.no_sales(lang)
        else _top_products_table(results.tables["weekly_products"], n, per, lang),
    ]
    blocks: list[Block] = [
        _limited(table, lang) if isinstance(table, Table) else table
        for table in tables
        if table is not None
    ]
    return [*blocks, _full_tables_note(results, lang)]


def _audits_block(
    results: ResultsFolder, flows: RunFlows, per: str, lang: str
) -> Table | Paragraph:
    """The audits table, or why there is none."""
    no_audits = flows.no_audits(lang)
    if no_audits is None:
        return _audits_table(results, results.replications, per, lang)
    title = say(lang, "table.audits", per="", **_period_words(results, lang))
    return _nothing_note(title, no_audits, lang)


def _comparison_tables(results: ResultsFolder, lang: str) -> list[Block]:
    return [_limited(_by_setting_table(results, lang), lang), _full_tables_note(results, lang)]


def _month_label(month: Any, partial: bool) -> str:
    return f"{month} *" if partial else str(month)


def _partial_months(frame: pd.DataFrame) -> set[str]:
    """The months of `frame` that are not whole calendar months (a row of them is partial)."""
    if "partial" not in frame:
        return set()
    partial = frame.groupby(frame["month"].astype(str))["partial"].agg(
        lambda values: bool(as_bool(values).any())
    )
    return {str(month) for month, is_partial in partial.items() if is_partial}


def _monthly_sales_table(frame: pd.DataFrame, n: int, per: str, lang: str) -> Table:
    months = frame["month"].astype(str)
    categories = frame["category"].astype(str)
    sales = frame["sales_yuan"].astype(float).groupby([months, categories]).sum() / n
    pivot = sales.unstack().fillna(0.0)
    order = pivot.sum().sort_values(ascending=False, kind="stable").index.tolist()
    pivot = pivot[order].sort_index()
    partial = _partial_months(frame)
    rows: list[list[Cell]] = [
        [
            _month_label(month, str(month) in partial),
            *(_number(v, lang=lang) for v in values),
            _number(values.sum(), lang=lang),
        ]
        for month, values in pivot.iterrows()
    ]
    rows.append(
        [
            say(lang, "col.total"),
            *(_number(v, lang=lang) for v in pivot.sum()),
            _number(pivot.to_numpy().sum(), lang=lang),
        ]
    )
    columns = [
        say(lang, "col.month"),
        *(text.category(lang, c) for c in order),
        say(lang, "col.total"),
    ]
    notes = [say(lang, "partial_note")] if partial else []
    return Table(
        say(lang, "table.monthly_sales", per=per),
        columns,
        rows,
        [False] + [True] * (len(columns) - 1),
        notes=notes,
    )


def _audits_table(results: ResultsFolder, n: int, per: str, lang: str) -> Table:
    """Each audit period's audits and how many met the quota (the model's ``audited`` and
    ``compliant``), and its aid bought ÷ required pooled over them, as the KPI
    ``quota_fulfilment`` pools them: on the columns of the quota's basis, since no one row's
    ``fulfilment`` gives the pool. The total, like the KPIs, counts whole periods only."""
    frame = results.tables["canteen_months"]
    audited = frame[as_bool(frame["audited"])] if "audited" in frame else frame.iloc[0:0]
    sums = _audit_sums(audited, BASIS_COLUMNS[results.scenario.quota.basis], n)
    partial = _partial_months(frame)
    words = _period_words(results, lang)
    rows: list[list[Cell]] = [
        [_month_label(period, str(period) in partial), *_audit_cells(row, lang)]
        for period, row in sums.iterrows()
    ]
    whole = sums[~sums.index.isin(list(partial))].sum()
    rows.append([say(lang, "col.total_whole", **words), *_audit_cells(whole, lang)])
    columns = [
        say(lang, "col.month" if results.scenario.quota.period == "month" else "col.period"),
        say(lang, "col.audits"),
        say(lang, "col.met"),
        say(lang, "col.share_met"),
        say(lang, "col.fulfilment"),
    ]
    notes = [say(lang, "partial_audit_note", **words)] if partial else []
    return Table(
        say(lang, "table.audits", per=per, **words),
        columns,
        rows,
        [False, True, True, True, True],
        notes=notes,
    )


def _audit_sums(audited: pd.DataFrame, basis: BasisColumns, n: int) -> pd.DataFrame:
    """Per audit period: audits and those met (mean of `n` replications), aid and required."""
    compliant = as_bool(audited["compliant"]).astype(float)
    periods = audited["month"].astype(str)
    return pd.DataFrame(
        {
            "audits": compliant.groupby(periods).size() / n,
            "met": compliant.groupby(periods).sum() / n,
            "aid": audited[basis.aid].astype(float).groupby(periods).sum(),
            "required": audited[basis.required].astype(float).groupby(periods).sum(),
        }
    ).sort_index()


def _audit_cells(sums: pd.Series, lang: str) -> list[Cell]:
    """Audits, met, share met, aid ÷ required: one row of the audits table."""
    return [
        _number(sums["audits"], lang=lang),
        _number(sums["met"], lang=lang),
        _percent(_ratio(sums["met"], sums["audits"]), lang=lang),
        _percent(_ratio(sums["aid"], sums["required"]), lang=lang),
    ]


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


_SUPPLY_COLUMNS = (
    ("listed_kg", "col.listed"),
    ("ordered_kg", "col.ordered"),
    ("sold_kg", "col.sold"),
    ("unsold_kg", "col.unsold"),
    ("lost_kg", "col.lost"),
    ("sales_yuan", "col.sales"),
)


def _supply_table(frame: pd.DataFrame, n: int, per: str, lang: str) -> Table:
    present = [(column, key) for column, key in _SUPPLY_COLUMNS if column in frame]
    sums = (
        frame[[c for c, _ in present]].astype(float).groupby(frame["category"].astype(str)).sum()
        / n
    )
    sums = sums.sort_values(present[0][0], ascending=False, kind="stable") if present else sums
    rows: list[list[Cell]] = [
        [text.category(lang, str(category)), *(_number(v, lang=lang) for v in values)]
        for category, values in sums.iterrows()
    ]
    rows.append([say(lang, "col.total"), *(_number(v, lang=lang) for v in sums.sum())])
    columns = [say(lang, "col.category"), *(say(lang, key) for _, key in present)]
    return Table(say(lang, "table.supply", per=per), columns, rows, [False] + [True] * len(present))


def _top_products_table(frame: pd.DataFrame, n: int, per: str, lang: str) -> Table | None:
    """The products that sold most; the columns are the ``weekly_products`` table's own
    (`canteensim.results.RUN_TABLE_COLUMNS`), which `read_results` has checked."""
    if frame.empty:
        return None
    keys = ["product_id", "product_name", "category", "county"]
    grouped = (
        frame.astype({k: str for k in keys})
        .groupby(keys, sort=False)[["sold_kg", "sales_yuan"]]
        .sum()
        .div(n)
        .sort_values("sales_yuan", ascending=False, kind="stable")
        .head(TOP_PRODUCTS)
    )
    rows: list[list[Cell]] = [
        [
            f"{name} ({product_id})",
            text.category(lang, category),
            county,
            _number(sold_kg, lang=lang),
            _number(sales_yuan, lang=lang),
        ]
        for (product_id, name, category, county), (sold_kg, sales_yuan) in zip(
            grouped.index, grouped.itertuples(index=False), strict=True
        )
    ]
    columns = [
        say(lang, "col.product"),
        say(lang, "col.category"),
        say(lang, "col.county"),
        say(lang, "col.sold"),
        say(lang, "col.sales"),
    ]
    return Table(
        say(lang, "table.top_products", n=len(rows), per=per),
        columns,
        rows,
        [False, False, False, True, True],
    )


def _by_setting_table(results: ResultsFolder, lang: str) -> Table:
    frame = results.tables["monthly_comparison"]
    settings = results.settings
    months = frame["month"].astype(str)
    pivot = (
        frame["sales_yuan_mean"].astype(float).groupby([months, frame["setting"].astype(str)]).sum()
    )
    wide = pivot.unstack()
    order = [s for s in settings if s in wide.columns] + [
        s for s in wide.columns if s not in settings
    ]
    wide = wide[order].sort_index()
    partial = _partial_months(frame)
    months_shown = [_month_label(m, str(m) in partial) for m in wide.index]
    notes = [say(lang, "partial_note")] if partial else []
    title = say(lang, "table.by_setting", n=results.replications)
    if len(order) > WIDE_SETTINGS:  # many settings: one row each, the months across
        by_setting: list[list[Cell]] = [
            [text.setting(lang, setting), *(_number(v, lang=lang) for v in wide[setting])]
            for setting in order
        ]
        columns = [say(lang, "col.setting"), *months_shown]
        return Table(title, columns, by_setting, [False] + [True] * len(months_shown), notes=notes)
    rows: list[list[Cell]] = [
        [label, *(_number(v, lang=lang) for v in values)]
        for label, (_, values) in zip(months_shown, wide.iterrows(), strict=True)
    ]
    columns = [say(lang, "col.month"), *order]
    return Table(title, columns, rows, [False] + [True] * len(order), notes=notes)


def _full_tables_note(results: ResultsFolder, lang: str) -> Paragraph:
    files = ", ".join(
        f"{file} ({say(lang, 'rows', n=len(results.tables[name]))})"
        for name, file in results.files.items()
    )
    workbook = ReportFiles.of(lang).workbook
    note = say(lang, "full_tables", xlsx=workbook, files=files, limit=WORKBOOK_MAX_ROWS)
    return Paragraph(note, note=True)


def provenance(results: ResultsFolder, lang: str) -> Facts:
    """Which version made the results, from which scenario, seed and command, in what time."""
    made = results.provenance
    rows = [
        (say(lang, "fact.version"), f"canteensim {made.version}"),
        (say(lang, "fact.renderer"), f"canteensim {__version__}"),
        (say(lang, "fact.seed"), "–" if made.seed is None else str(made.seed)),
        (say(lang, "fact.sha256"), made.scenario_sha256 or "–"),
        (
            say(lang, "fact.command"),
            shlex.join(made.command) if made.command else say(lang, "python_api"),
        ),
    ]
    if made.run_seconds is not None:
        seconds = f"{made.run_seconds:,.3g}"
        rows.append((say(lang, "fact.run_time"), say(lang, "seconds", value=seconds)))
    if made.engine:
        rows.append((say(lang, "fact.engine"), made.engine))
    again = ["canteensim", "report", str(results.folder)]
    if lang != "en":
        again += ["--lang", lang]
    rows.append((say(lang, "fact.again"), shlex.join(again)))
    code = {say(lang, k) for k in ("fact.sha256", "fact.command", "fact.again")}
    return Facts(rows, code=frozenset(code))
