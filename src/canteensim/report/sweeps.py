"""The reports of a search and of a sensitivity analysis: the answer first, then how sure it is.

A search's report opens with the setting it found (or why there is none) and shows each target's
KPI along the probes; a sensitivity analysis's opens with one sentence on which assumptions
matter, then shows the indices of every headline KPI. Both read the folder's summary and tables
only, as the reports of runs and comparisons do, and share their layout, provenance and workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import Any

import pandas as pd

from canteensim import text
from canteensim.errors import CanteensimError, ReportError
from canteensim.experiment.search import SearchResult, Target
from canteensim.experiment.sensitivity import INDEX_COLUMNS, RANK_BY, Sensitivity
from canteensim.report.content import kpi_text, provenance, scenario_facts
from canteensim.report.document import (
    Block,
    Document,
    Facts,
    Image,
    Paragraph,
    Section,
    Table,
)
from canteensim.report.figures import Figure, FigureBuilder, new_figure
from canteensim.report.read import ResultsFolder
from canteensim.results import HEADLINE_KPIS, SUMMARY
from canteensim.text import say

SWEEP_KINDS = ("search", "sensitivity")
TOP_PAIRS = 3
"""Pairs of assumptions a report lists per KPI (all are in the workbook and interactions.csv)."""
LEAD_KPIS = ("monthly_sales_yuan_mean", "compliance_rate")
"""The KPIs a sensitivity report's lead names the assumptions of: the scheme's sales and the
quota's own outcome; the table lists every headline KPI."""
MATTERS_ST = 0.05
"""A Sobol total index from which an assumption is said to matter (5 % of the variance)."""
MATTERS_MU_STAR = 0.1
"""A Morris μ* from which an assumption is said to matter, relative to the largest μ* of the
KPI: screening ranks, it does not apportion variance."""


def sweep_figure_builders(results: ResultsFolder, lang: str) -> list[FigureBuilder]:
    """The figures of a search (each target KPI along the probes) or of a sensitivity analysis
    (the indices of each headline KPI); each built when called."""
    if results.kind == "search":
        search = search_of(results)
        return [lambda: _search_figure(search, lang)]
    analysis = sensitivity_of(results)
    analysed = [k for k in HEADLINE_KPIS if k not in analysis.not_analysed]
    kinds = ("bar",) if analysis.method == "sobol" else ("tornado", "mu_star_sigma")
    return [partial(_indices_figure, analysis, analysed, kind, lang) for kind in kinds if analysed]


def sweep_document(results: ResultsFolder, images: Sequence[Image], lang: str) -> Document:
    """What the report of a search or a sensitivity analysis says, with its figures `images`."""
    name = results.scenario.scenario.name
    figures = Section("figures", say(lang, "section.figures"), list(images))
    scenario = Section("scenario", say(lang, "section.scenario"), [scenario_facts(results, lang)])
    made = Section("provenance", say(lang, "section.provenance"), [provenance(results, lang)])
    if results.kind == "search":
        search = search_of(results)
        return Document(
            lang,
            say(lang, "title.search", name=name, param=text.setting_key(lang, search.param)),
            _search_lead(search, lang),
            say(lang, "contents"),
            [
                Section("search", say(lang, "section.search"), _search_facts(search, lang)),
                figures,
                Section("probes", say(lang, "section.probes"), [_probes_table(search, lang)]),
                scenario,
                made,
            ],
        )
    analysis = sensitivity_of(results)
    return Document(
        lang,
        say(lang, "title.sensitivity", name=name),
        _sensitivity_lead(analysis, lang),
        say(lang, "contents"),
        [
            Section(
                "ranges", say(lang, "section.ranges"), _sensitivity_facts(analysis, results, lang)
            ),
            figures,
            Section("indices", say(lang, "section.indices"), _indices_blocks(analysis, lang)),
            scenario,
            made,
        ],
    )


def search_of(results: ResultsFolder) -> SearchResult:
    """The search a results folder holds, rebuilt from its summary and tables."""
    try:
        return SearchResult.from_tables(results.summary, results.tables)
    except (CanteensimError, KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{results.folder / SUMMARY}: not a search's summary ({exc})") from None


def sensitivity_of(results: ResultsFolder) -> Sensitivity:
    """The sensitivity analysis a results folder holds, rebuilt from its summary and tables."""
    try:
        return Sensitivity.from_tables(results.summary, results.tables)
    except (CanteensimError, KeyError, TypeError, ValueError) as exc:
        where = results.folder / SUMMARY
        raise ReportError(f"{where}: not a sensitivity analysis's summary ({exc})") from None


# --- a search ------------------------------------------------------------------------------------


def _search_figure(search: SearchResult, lang: str) -> Figure:
    drawn = search.plot(lang, new_figure(8.0, 1.0 + 3.2 * len(search.targets)))
    confidence = text.percent(search.confidence, 0, lang=lang)
    caption = say(lang, "caption.search", param=text.setting_key(lang, search.param), c=confidence)
    return Figure("search", caption, drawn)


def _search_lead(search: SearchResult, lang: str) -> str:
    values = _search_words(search, lang)
    if search.answer is None:
        lead = say(lang, "search.lead.none", **values)
        for kpi_name, changes in search.violations.items():
            at = ", ".join(_param_value(search, v, lang) for v, _ in changes[1:])
            name = kpi_name.split()[0]
            lead += say(lang, "search.lead.not_monotone", kpi=text.kpi(lang, name), at=at, **values)
        return lead
    below, above = search.answer
    if below == above:
        return say(lang, "search.lead.at_end", value=_param_value(search, below, lang), **values)
    lead = say(
        lang,
        "search.lead.answer",
        below=_param_value(search, below, lang, "down"),
        above=_param_value(search, above, lang, "up"),
        **values,
    )
    return lead + _there(search, above if not search.maximise else below, lang)


def _there(search: SearchResult, value: float, lang: str) -> str:
    """What the targets' KPIs are at the holding end of the answer."""
    rows = search.probes[search.probes["value"] == value]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    means = say(lang, "names.separator").join(
        f"{text.kpi(lang, t.kpi, wan=t.in_wan(lang))} {_target_text(t, row[f'{t.kpi}_mean'], lang)}"
        for t in search.targets
    )
    reps = text.replications(lang, int(row["replications"]))
    shown = _param_value(search, value, lang)
    return say(lang, "search.lead.there", value=shown, means=means, reps=reps)


def _search_words(search: SearchResult, lang: str) -> dict[str, str]:
    summary = search.summary
    return {
        "goal": say(lang, "search.largest" if search.maximise else "search.smallest"),
        "param": _mid_sentence(text.setting_key(lang, search.param), lang),
        "targets": say(lang, "names.separator").join(t.label(lang) for t in search.targets),
        "confidence": text.percent(search.confidence, 0, lang=lang),
        "lo": _param_value(search, float(summary.get("lo", math.nan)), lang),
        "hi": _param_value(search, float(summary.get("hi", math.nan)), lang),
    }


def _mid_sentence(name: str, lang: str) -> str:
    """An axis label's name inside an English sentence: ``Quota share`` → ``quota share``; a
    name that starts with an acronym keeps its capitals."""
    if lang == "en" and len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _search_facts(search: SearchResult, lang: str) -> list[Block]:
    summary, values = search.summary, _search_words(search, lang)
    rows = [
        (say(lang, "fact.param"), f"{text.setting_key(lang, search.param)} ({search.param})"),
        (say(lang, "fact.range"), f"{values['lo']} – {values['hi']}"),
        (say(lang, "fact.targets"), values["targets"]),
        (say(lang, "fact.confidence"), say(lang, "one_sided", c=values["confidence"])),
        (say(lang, "fact.resolution"), f"{float(summary.get('resolution', math.nan)):g}"),
        (say(lang, "fact.probes"), f"{len(search.probes):,}"),
        (say(lang, "fact.runs"), f"{len(search.runs):,}"),
    ]
    return [Facts(rows), Paragraph(say(lang, "search.log", reason=search.reason), note=True)]


def _probes_table(search: SearchResult, lang: str) -> Table:
    columns = [say(lang, "col.value"), say(lang, "col.replications"), say(lang, "col.decision")]
    for target in search.targets:
        columns += [target.label(lang, whole_yuan=True), say(lang, "col.one_sided")]
    rows: list[list[Any]] = []
    for _, probe in search.probes.sort_values("value").iterrows():
        row = [
            _param_value(search, float(probe["value"]), lang),
            f"{int(probe['replications']):,}",
            say(lang, f"search.{probe['decision']}"),
        ]
        for target in search.targets:
            decision = say(lang, f"search.{probe[f'{target} decision']}")
            low, high = probe[f"{target.kpi}_ci_low"], probe[f"{target.kpi}_ci_high"]
            mean = kpi_text(target.kpi, probe[f"{target.kpi}_mean"], lang)  # whole yuan
            bounds = (kpi_text(target.kpi, bound, lang) for bound in (low, high))
            interval = "[{}, {}]".format(*bounds)
            row += [f"{mean} ({decision})", interval]
        rows.append(row)
    numeric = [True, True, False] + [True, True] * len(search.targets)
    return Table(say(lang, "table.probes"), columns, rows, numeric)


def _target_text(target: Target, value: Any, lang: str) -> str:
    """A value of a target's KPI in prose, in the unit its label says: 万 where it counts in
    万元."""
    if target.in_wan(lang) and not text.missing(value):
        return text.wan(float(value))
    return kpi_text(target.kpi, value, lang)


def _param_value(search: SearchResult, value: float, lang: str, rounding: str = "nearest") -> str:
    """A value of the searched key as the answer shows it: to the search's resolution, its ends
    rounded outwards, a share as a percentage."""
    if not math.isfinite(value):
        return text.NOT_APPLICABLE[lang]
    shown = search.show(value, rounding)  # type: ignore[arg-type]
    if search.param in text.PERCENT_KEYS:
        decimals = max(0, len(shown.partition(".")[2]) - 2)
        return text.percent(float(shown), decimals, lang=lang)
    return shown


# --- a sensitivity analysis ----------------------------------------------------------------------


def _indices_figure(analysis: Sensitivity, kpis: list[str], kind: str, lang: str) -> Figure:
    columns = 2 if len(kpis) > 1 else 1
    rows = math.ceil(len(kpis) / columns)
    keys = len(analysis.ranges)
    height = rows * (0.35 * keys + 2.6 if kind != "mu_star_sigma" else 4.0)
    figure = new_figure(13.0 if columns > 1 else 7.0, height)
    panels = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, name in zip(panels, kpis, strict=False):
        analysis.plot(kind, kpi=name, ax=ax, lang=lang)  # type: ignore[arg-type]
    for ax in panels[len(kpis) :]:
        figure.delaxes(ax)
    name = {"bar": "sobol", "tornado": "morris_tornado"}.get(kind, "morris_mu_star_sigma")
    return Figure(name, say(lang, f"caption.sensitivity.{kind}"), figure)


def _sensitivity_lead(analysis: Sensitivity, lang: str) -> str:
    """Which assumptions matter: for the lead KPIs, those above `MATTERS_ST` (Sobol) or a tenth
    of the largest μ* (Morris), most influential first; then those that matter for no headline
    KPI."""
    by = RANK_BY[analysis.method]
    parts, matter = [], set()
    for name in HEADLINE_KPIS:
        if name in analysis.not_analysed:
            continue
        rows = _ranked(analysis, name)
        floor = MATTERS_ST if analysis.method == "sobol" else MATTERS_MU_STAR * rows[by].max()
        top = rows[rows[by] >= floor]
        matter |= set(top["parameter"])
        if name in LEAD_KPIS and not top.empty:
            shown = say(lang, "names.separator").join(
                f"{text.setting_key(lang, key)} ({_index_text(analysis, name, value, lang)})"
                for key, value in zip(top["parameter"], top[by], strict=True)
            )
            parts.append(say(lang, "sensitivity.lead.kpi", kpi=text.kpi(lang, name), keys=shown))
    lead = say(
        lang,
        f"sensitivity.lead.{analysis.method}",
        n=len(analysis.ranges),
        points=len(analysis.samples),
    )
    lead += "".join(parts) if parts else say(lang, "sensitivity.lead.none_matter")
    idle = [text.setting_key(lang, k) for k in analysis.ranges if k not in matter]
    if idle:
        names = say(lang, "names.separator").join(idle)
        lead += say(lang, f"sensitivity.lead.idle.{analysis.method}", keys=names)
    return lead


def _index_text(analysis: Sensitivity, name: str, value: float, lang: str) -> str:
    """``ST 0.29``, or ``μ* 2,420`` in the KPI's unit: μ* is a change of the KPI."""
    if analysis.method == "sobol":
        return f"ST {value:.2f}"
    return f"μ* {kpi_text(name, value, lang)}"


def _ranked(analysis: Sensitivity, name: str) -> pd.DataFrame:
    return analysis.indices[analysis.indices["kpi"] == name].sort_values("rank")


def _sensitivity_facts(analysis: Sensitivity, results: ResultsFolder, lang: str) -> list[Block]:
    summary = analysis.summary
    rows = [
        (say(lang, "fact.method"), say(lang, f"method.{analysis.method}")),
        (say(lang, "fact.n"), str(summary.get("n", "–"))),
        (say(lang, "fact.points"), f"{len(analysis.samples):,}"),
        (say(lang, "fact.replications"), str(results.replications)),
        (say(lang, "fact.runs"), f"{len(analysis.runs):,}"),
    ]
    rows += [
        (f"{text.setting_key(lang, key)} ({key})", f"{lo:g} – {hi:g}")
        for key, (lo, hi) in analysis.ranges.items()
    ]
    blocks: list[Block] = [Facts(rows)]
    for name, why in analysis.not_analysed.items():
        blocks.append(Paragraph(say(lang, "not_analysed", kpi=text.kpi(lang, name), why=why), True))
    return blocks


def _indices_blocks(analysis: Sensitivity, lang: str) -> list[Block]:
    """The indices of every headline KPI, then the pairs of assumptions that act together (Sobol
    with second order), the strongest `TOP_PAIRS` of each KPI."""
    blocks: list[Block] = [_indices_table(analysis, lang)]
    pairs = analysis.interactions
    if pairs.empty:
        return blocks
    rows: list[list[Any]] = []
    starts = set()
    for name in HEADLINE_KPIS:
        top = pairs[pairs["kpi"] == name].sort_values("S2", ascending=False).head(TOP_PAIRS)
        starts.add(len(rows))
        for _, row in top.iterrows():
            both = (text.setting_key(lang, str(row[k])) for k in ("parameter", "other"))
            cells = [f"{row[c]:.3g}" if pd.notna(row[c]) else "–" for c in ("S2", "S2_conf")]
            rows.append([text.kpi(lang, name), " × ".join(both), *cells])
    columns = [say(lang, "col.kpi"), say(lang, "col.pair"), "S2", "S2_conf"]
    blocks.append(
        Table(
            say(lang, "table.pairs", n=TOP_PAIRS),
            columns,
            rows,
            [False, False, True, True],
            frozenset(starts),
        )
    )
    return blocks


def _indices_table(analysis: Sensitivity, lang: str) -> Table:
    measures = INDEX_COLUMNS[analysis.method]
    columns = [say(lang, "col.kpi"), say(lang, "col.parameter"), say(lang, "col.rank"), *measures]
    rows: list[list[Any]] = []
    starts = set()
    for name in HEADLINE_KPIS:
        if name in analysis.not_analysed:
            continue
        starts.add(len(rows))
        for _, row in _ranked(analysis, name).iterrows():
            cells = [f"{row[m]:.3g}" if pd.notna(row[m]) else "–" for m in measures]
            key = str(row["parameter"])
            rows.append(
                [text.kpi(lang, name), (text.setting_key(lang, key), key), str(row["rank"]), *cells]
            )
    numeric = [False, False, True, *[True] * len(measures)]
    return Table(say(lang, "table.indices"), columns, rows, numeric, frozenset(starts))


__all__ = [
    "SWEEP_KINDS",
    "search_of",
    "sensitivity_of",
    "sweep_document",
    "sweep_figure_builders",
]
