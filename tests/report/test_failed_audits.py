"""Failed audits by cause: the figure, the report's sentence, the terminal's line, and the words.

The plots are checked on a small table built by hand; the sentence and the line on runs of the
command line's tiny scenario, against counts made here from the tables the run wrote. The tiny
scenario's one month starts on the 2nd, so it is partial: its audits count in no KPI. Started
on the 1st instead, the month is whole.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.container import BarContainer

from canteensim import text
from canteensim.report import plots
from canteensim.report.causes import CauseCounts
from canteensim.report.content import report_document
from canteensim.report.document import Cell, Table
from canteensim.report.figures import run_figures
from canteensim.report.read import ResultsFolder, read_results
from canteensim.results import FAILURE_CAUSES
from cli import conftest as tiny_cli  # the command-line tests' tiny scenario and CLI runner

scenario = tiny_cli.scenario
cli = tiny_cli.cli
out_dir = tiny_cli.out_dir

NO_CJK_FONT = "ignore:Chinese names in figures:canteensim.errors.CanteensimWarning"

# --- a table built by hand --------------------------------------------------------------------

FAILURES = [  # replication, period, category, partial, cause
    (0, "2020-02", "vegetables", True, "did_not_order"),
    (0, "2020-03", "vegetables", False, "did_not_order"),
    (0, "2020-03", "fruit", False, "supply_short"),
    (1, "2020-03", "vegetables", False, "did_not_order"),
    (1, "2020-03", "fruit", False, "supply_short"),
    (1, "2020-03", "fruit", False, "attendance"),
    (0, "2020-03", "fruit", False, "attendance"),
]
"""Mean of two replications: 2020-02 (partial) 0.5 did not order; 2020-03 1.0 did not order,
1.0 supply short, 1.0 attendance; 2020-04 nothing failed. Vegetables 1.5, fruit 2.0."""


def failures_table() -> pd.DataFrame:
    columns = ["replication", "month", "category", "partial", "cause"]
    return pd.DataFrame(FAILURES, columns=columns)


def audits_table() -> pd.DataFrame:
    """The audited periods: 2020-02 partial, 2020-03 and 2020-04 whole (eight audits each,
    four a replication), and one row not audited."""
    periods = [("2020-02", True), ("2020-03", False), ("2020-04", False)]
    rows = [(month, partial, True) for month, partial in periods for _ in range(8)]
    rows.append(("2020-03", False, False))
    return pd.DataFrame(rows, columns=["month", "partial", "audited"])


def heights(ax: Axes) -> list[list[float]]:
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    return [[patch.get_height() for patch in container.patches] for container in bars]


def test_failures_are_counted_by_cause_in_the_chain_s_order() -> None:
    counts = plots.failure_counts(failures_table(), by="month", replications=2)
    assert counts.columns.tolist() == ["did_not_order", "supply_short", "attendance"]
    assert counts.loc["2020-03"].tolist() == [1.0, 1.0, 1.0]
    assert counts.loc["2020-02"].tolist() == [0.5, 0.0, 0.0]


def test_failed_audits_by_period_stacks_each_cause_and_hatches_partial_periods() -> None:
    ax = plots.failed_audits_by_period(
        failures_table(), canteen_months=audits_table(), replications=2
    )
    # a bar for every audited period, 2020-04 too, where nothing failed
    assert heights(ax) == [[0.5, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    first = next(c for c in ax.containers if isinstance(c, BarContainer))
    assert [bool(p.get_hatch()) for p in first.patches] == [True, False, False]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["2020-02\n(partial)", "2020-03", "2020-04"]
    legend = ax.get_legend()
    assert legend is not None
    names = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
    assert names == [
        text.failure_cause("en", "did_not_order"),
        text.failure_cause("en", "supply_short"),
        text.failure_cause("en", "attendance"),
        "Partial audit period",
    ]
    assert ax.get_ylim()[1] > 3.0  # the tallest stack, 3, is not cut at the top


def test_failed_audits_by_category_puts_the_most_failed_at_the_top() -> None:
    ax = plots.failed_audits_by_category(failures_table(), replications=2, lang="zh")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["蔬菜", "水果"]  # bottom to top
    widths = [
        [patch.get_width() for patch in c.patches]
        for c in ax.containers
        if isinstance(c, BarContainer)
    ]
    assert widths == [[1.5, 0.0], [0.0, 1.0], [0.0, 1.0]]  # each cause: vegetables, fruit
    assert ax.get_title() == "按品类（全部审核期）"


def test_no_failed_audit_says_so() -> None:
    ax = plots.failed_audits_by_period(failures_table().iloc[0:0])
    assert [t.get_text() for t in ax.texts] == ["Nothing to show: every audit met the quota"]


def test_every_cause_has_words_in_both_languages() -> None:
    for lang in text.LANGUAGES:
        for cause in FAILURE_CAUSES:
            short, whole = (text.failure_cause(lang, cause, detail=d) for d in (False, True))
            assert short and whole != cause and whole.startswith(short) and whole != short
    assert text.failure_cause("zh", "did_not_order") == "未订购（漏订未补或订量不足）"
    assert text.failure_cause("en", "did_not_order", detail=False) == "did not order"
    assert text.failure_cause("en", "a_new_cause") == "a_new_cause"


def test_cause_counts_count_whole_periods_and_break_ties_by_the_chain() -> None:
    failures = failures_table()
    counts = CauseCounts.of(audits_table(), failures)
    assert (counts.audits, counts.failed) == (16, 6)  # the partial period counts in neither
    assert list(counts.by_cause.values()) == [2, 0, 2, 0, 0, 2]  # in the chain's order
    assert counts.top == "did_not_order"  # tied, and the earliest in the chain
    assert counts.share("did_not_order") == pytest.approx(1 / 3)
    text_read = failures.assign(partial=failures["partial"].map(str))  # as CSV text may be
    assert CauseCounts.of(audits_table(), text_read) == counts
    assert CauseCounts.of(audits_table(), failures.iloc[0:0]).top is None


# --- runs of the tiny scenario -------------------------------------------------------------------


def whole_month(s: tiny_cli.Scenario) -> None:
    s.replace(s.toml, "start = 2020-03-02", "start = 2020-03-01")


def expected_counts(folder: Path) -> tuple[int, int, str, int]:
    """Whole-period audits, failed ones, the top cause and its count, from the CSV files."""
    months = pd.read_csv(folder / "canteen_months.csv", encoding="utf-8-sig")
    failures = pd.read_csv(folder / "audit_failures.csv", encoding="utf-8-sig")
    audits = int((months["audited"] & ~months["partial"]).sum())
    causes = failures.loc[~failures["partial"], "cause"].value_counts()
    top = max(causes.index, key=lambda c: (causes[c], -FAILURE_CAUSES.index(c)))
    return audits, int(causes.sum()), str(top), int(causes[top])


@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_a_run_with_whole_periods_gives_its_failed_audits_and_top_cause(
    scenario, cli, out_dir
) -> None:
    whole_month(scenario)
    outcome = cli("run", scenario.toml, "-o", out_dir).ok()
    audits, failed, top, count = expected_counts(out_dir)
    assert 0 < failed <= audits
    share = text.percent(count / failed)
    cause = text.failure_cause("en", top, detail=False)
    line = f"failed audits: {failed} of {audits} whole-period audits; top cause: {cause}"
    assert f"\n{line} ({count}, {share})\n" in outcome.out  # under the KPI table
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    sentence = (
        f"Of {failed} failed audits of whole months, the most common primary cause was "
        f"{text.failure_cause('en', top)}: {count} ({share})."
    )
    assert sentence in html.replace("&#x27;", "'")
    assert (out_dir / "figures" / "failed_audits.png").stat().st_size > 1000

    cli("report", out_dir, "--lang", "zh", "-q").ok()
    html = (out_dir / "report.zh.html").read_text(encoding="utf-8")
    zh = f"在 {failed} 次未达标的整月审核中，最常见的主要原因是{text.failure_cause('zh', top)}"
    assert zh in html


def test_a_run_of_partial_periods_only_prints_no_failure_line_and_says_why_n_a(
    scenario, cli, out_dir
) -> None:
    outcome = cli("run", scenario.toml, "-o", out_dir, "--no-report").ok()
    assert len(pd.read_csv(out_dir / "audit_failures.csv", encoding="utf-8-sig")) > 0
    assert "failed audits" not in outcome.out  # those failures are of a partial month
    for name in ("compliance_rate", "quota_fulfilment"):
        (row,) = [line for line in outcome.out.splitlines() if line.strip().startswith(name)]
        assert row.endswith("n/a (no whole audit period of a bound canteen)"), row


@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_a_run_where_no_whole_period_failed_says_so(scenario, cli, out_dir) -> None:
    """No real run is needed to fail nothing: its failures are taken out of the tables read."""
    whole_month(scenario)
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").ok()
    read = read_results(out_dir)
    results = replace(
        read, tables={**read.tables, "audit_failures": read.tables["audit_failures"].iloc[0:0]}
    )
    lead = report_document(results, [], "en").lead
    assert lead.endswith("met the quota. No audit of a whole month failed.")
    figures = {f.name: f for f in run_figures(results)}
    assert figures["failed_audits"].caption == (
        "Failed audits by cause: nothing to show — every audit met the quota."
    )


def test_a_folder_of_an_older_results_format_is_refused_naming_the_command(
    scenario, cli, out_dir
) -> None:
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report").ok()
    summary = out_dir / "summary.json"
    document = json.loads(summary.read_text(encoding="utf-8"))
    for version, words in ((1, "older canteensim (results format 1; this one reads 2)"),
                           (99, "newer canteensim (results format 99")):  # fmt: skip
        summary.write_text(json.dumps({**document, "format_version": version}), encoding="utf-8")
        line = cli("report", out_dir).bad_input(str(summary), words)
        if version == 1:
            assert f"run `canteensim run {scenario.toml} -o {out_dir}" in line
            assert "--force" in line
        else:
            assert "upgrade canteensim" in line


# --- quarterly audits ----------------------------------------------------------------------------


@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_quarterly_audits_are_named_as_quarters(scenario, cli, out_dir) -> None:
    whole_month(scenario)  # March: the partial first quarter's last month
    cli("run", scenario.toml, "--set", 'quota.period="quarter"', "-o", out_dir, "-q").ok()
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "of each category's consumption in each quarter" in markdown
    assert "Quota audits of bound canteens by quarter" in markdown
    assert "| Audit period | Audits |" in markdown and "| 2020-Q1 \\* |" in markdown
    assert "no whole audit period of a bound canteen, as the horizon" in markdown
    assert "holds no whole quarter" in markdown


# --- several rows per month and category (canteens and consumers) -------------------------------


def split_by_buyer(monthly_sales: pd.DataFrame) -> pd.DataFrame:
    """Each row as two, a quarter of it bought by consumers: the sums are the same."""
    numbers = monthly_sales.select_dtypes("float").columns
    parts = []
    for buyer, share in (("canteens", 0.75), ("consumers", 0.25)):
        part = monthly_sales.copy()
        part[numbers] = part[numbers] * share
        parts.append(part.assign(buyer=buyer))
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=1)  # any order


def sales_table(results: ResultsFolder) -> list[list[Cell]]:
    (tables,) = [s for s in report_document(results, [], "en").sections if s.id == "tables"]
    first = tables.blocks[0]
    assert isinstance(first, Table) and first.title.startswith("Sales by month and category")
    return first.rows


@pytest.mark.filterwarnings(NO_CJK_FONT)
def test_sales_of_several_buyers_in_a_month_and_category_add_up(scenario, cli, out_dir) -> None:
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "-r", "2").ok()
    one_row = read_results(out_dir)
    tables = one_row.tables
    two_rows = replace(
        one_row, tables={**tables, "monthly_sales": split_by_buyer(tables["monthly_sales"])}
    )
    assert len(two_rows.tables["monthly_sales"]) == 2 * len(tables["monthly_sales"])
    assert sales_table(two_rows) == sales_table(one_row)
    assert report_document(two_rows, [], "en").lead == report_document(one_row, [], "en").lead
    drawn = [{f.name: f for f in run_figures(r)}["monthly_sales"] for r in (one_row, two_rows)]
    bars = [np.array(heights(f.figure.axes[0])) for f in drawn]
    np.testing.assert_allclose(bars[1], bars[0])
    assert drawn[1].caption == drawn[0].caption
