"""The report of a results folder: report.html, report.md, report.xlsx and figures/ (SPEC §4–5).

Haikou cut to its first five weeks is run once per module through the command line (two
replications) and compared once (two settings, three replications, serial); both commands render
their report by default. Tests that change a folder work on a copy of it.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib import image as mpimg

from canteensim import text
from canteensim.cli import main
from canteensim.errors import ReportError
from canteensim.report import fonts, render, render_report, workbook
from canteensim.report.document import png_size
from canteensim.results import ReportFiles

from .expected import COMPARISON_FIGURES, RUN_FIGURES

REPO = Path(__file__).resolve().parents[2]
HAIKOU = REPO / "scenarios" / "hainan_2020.toml"
SHORT = ["--set", "scenario.end=2020-03-31"]
RUN_TABLES = ["monthly_sales", "canteen_months", "audit_failures", "weekly_products", "deliveries"]
COMPARISON_TABLES = ["comparison", "monthly_comparison", "runs", "monthly"]
REPORT_FILES = ["figures", "report.html", "report.md", "report.xlsx"]
CJK = re.compile(r"[\u4e00-\u9fff]")


class Outcome:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def error_line(self) -> str:
        """The one error line of a bad-input failure (exit status 2, no traceback)."""
        assert self.code == 2, f"exit status {self.code}, stderr: {self.err!r}"
        assert "Traceback" not in self.err, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("canteensim: error: "), lines[0]
        return lines[0]


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Outcome:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def run_cli(*args: str | Path) -> None:
    """Run the command line in this process; it must succeed."""
    assert main([str(a) for a in args]) == 0


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "run"
    run_cli("run", HAIKOU, *SHORT, "-r", "2", "--serial", "-o", folder, "-q")
    return folder


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "comparison"
    vary = ["--vary", "quota.share=0,0.2"]
    run_cli("compare", HAIKOU, *SHORT, *vary, "-r", "3", "--serial", "-o", folder, "-q")
    return folder


@pytest.fixture(scope="module")
def neighbours_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "neighbours"
    vary = ["--vary", "quota.share=0.1:0.3:0.1", "--baseline", "previous"]
    run_cli("compare", HAIKOU, *SHORT, *vary, "-r", "2", "--serial", "-o", folder, "-q")
    return folder


@pytest.fixture(params=["run", "comparison"])
def folder(request: pytest.FixtureRequest) -> Path:
    """Each kind of results folder, as its command left it."""
    return Path(request.getfixturevalue(f"{request.param}_folder"))


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / folder.name))


def figure_names(folder: Path) -> list[str]:
    return RUN_FIGURES if folder.name == "run" else COMPARISON_FIGURES


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.tags if tag == name]


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def read_html(folder: Path, lang: str = "en") -> str:
    path = folder / ReportFiles.of(lang).html
    return path.read_bytes().decode("utf-8")  # strict: must be UTF-8


# --- what the folder holds -----------------------------------------------------------------


def test_run_and_compare_write_the_report_beside_the_results(folder: Path) -> None:
    names = {p.name for p in folder.iterdir()}
    assert set(REPORT_FILES) <= names
    assert not [n for n in names if n.startswith(".")], "staging left behind"
    figures = sorted(p.name for p in (folder / "figures").iterdir())
    expected = figure_names(folder)
    assert figures == sorted(f"{n}.png" for n in expected)  # SVGs only when asked (--svg)


def test_figures_are_150_dpi_pngs(folder: Path) -> None:
    for name in figure_names(folder):
        png = (folder / "figures" / f"{name}.png").read_bytes()
        width, height = png_size(png)
        assert width >= 600 and height >= 300, (name, width, height)
        pixels = mpimg.imread(io.BytesIO(png), format="png")
        assert pixels.shape[:2] == (height, width)


# --- report.html -----------------------------------------------------------------------------


def test_html_references_nothing_outside_itself(folder: Path) -> None:
    html = read_html(folder)
    tags = parse(html)
    assert '<meta charset="utf-8">' in html
    assert not tags.named("link")
    assert not tags.named("script")
    assert not tags.named("iframe") and not tags.named("object") and not tags.named("embed")
    for tag, attrs in tags.tags:
        for name, value in attrs.items():
            if name == "src":
                assert value.startswith("data:image/png;base64,"), (tag, value[:40])
            if name == "href":
                assert value.startswith("#"), (tag, value)
    outside_data = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    for reference in ("http:", "https:", "//", "url(", "@import", "src=", "<script"):
        assert reference not in outside_data.replace('src=""', ""), reference


def test_html_shows_every_figure_with_its_caption(folder: Path) -> None:
    html = read_html(folder)
    tags = parse(html)
    images = tags.named("img")
    assert len(images) + html.count("<svg") == len(figure_names(folder))
    text = "".join(tags.text)
    ids = [attrs["id"] for attrs in tags.named("figure")]
    assert ids == [f"figure-{name}" for name in figure_names(folder)]
    for name, img in zip(figure_names(folder), images, strict=True):
        png = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))
        assert png == (folder / "figures" / f"{name}.png").read_bytes()
        assert img["alt"] and img["alt"] in text  # the caption, under the figure too


def test_html_has_every_kpi(folder: Path) -> None:
    html = read_html(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    if folder.name == "run":
        kpis = list(summary["kpis"])
    else:
        kpis = list(pd.read_csv(folder / "comparison.csv", encoding="utf-8-sig")["kpi"].unique())
    assert len(kpis) >= 10
    for kpi in kpis:
        assert f"<code>{kpi}</code>" in html, kpi
    assert "Mean monthly sales (yuan)" in html


def test_html_run_report_holds_its_numbers_and_provenance(run_folder: Path) -> None:
    html = read_html(run_folder)
    summary = json.loads((run_folder / "summary.json").read_text(encoding="utf-8"))
    assert f"{summary['kpis']['monthly_sales_yuan_mean']:,.0f}" in html
    assert f"{summary['kpis']['compliance_rate']:.1%}" in html
    assert "Standard deviation" in html  # two replications
    assert summary["scenario_sha256"] in html
    assert str(summary["seed"]) in html
    assert "canteensim run" in html and "scenario.end=2020-03-31" in html
    for heading in ("Scenario", "Key indicators", "Figures", "Tables", "Provenance"):
        assert f">{heading}</h2>" in html
    assert "Haikou canteens, 2020" in html and "20% of each category" in html


def test_html_comparison_report_has_settings_intervals_and_differences(
    comparison_folder: Path,
) -> None:
    html = read_html(comparison_folder)
    table = pd.read_csv(comparison_folder / "comparison.csv", encoding="utf-8-sig")
    row = table[(table["kpi"] == "total_sales_yuan") & (table["setting_index"] == 1)].iloc[0]
    assert f"{row['mean']:,.0f}" in html
    assert f"[{row['ci_low']:,.0f}, {row['ci_high']:,.0f}]" in html
    assert f"{row['diff_mean']:+,.0f}" in html
    assert f"[{row['diff_ci_low']:+,.0f}, {row['diff_ci_high']:+,.0f}]" in html
    assert "quota.share=0.2" in html and "Settings compared" in html
    unsold = table[(table["kpi"] == "unsold_share") & (table["setting_index"] == 1)]
    assert f"{unsold['diff_mean'].iloc[0] * 100:+.1f} pp" in html
    # a 0 % quota audits nothing: the baseline's compliance has nothing to measure
    assert table[table["kpi"] == "compliance_rate"]["mean"].isna().tolist() == [True, False]
    assert "n/a: nothing to measure. Mean monthly sales" not in html
    assert "Compliance rate, Quota fulfilment: no whole audit period of a bound canteen" in html


def test_html_writes_chinese_product_names_in_utf8(run_folder: Path) -> None:
    html = read_html(run_folder)
    weekly = pd.read_csv(run_folder / "weekly_products.csv", encoding="utf-8-sig")
    best = weekly.groupby("product_name")["sales_yuan"].sum().idxmax()
    assert CJK.search(best) and best in html
    assert "琼中" in html or "五指山" in html or CJK.search(html)


# --- report.md and report.xlsx ---------------------------------------------------------------


def test_markdown_links_every_figure_and_nothing_missing(folder: Path) -> None:
    text = (folder / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == [f"figures/{name}.png" for name in figure_names(folder)]
    for link in re.findall(r"\]\(([^)]+)\)", text):
        assert (folder / link).is_file(), link
    assert "## Key indicators" in text and "`monthly_sales_yuan_mean`" in text


def test_workbook_has_a_sheet_per_table(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "report.xlsx", read_only=True)
    tables = RUN_TABLES if folder.name == "run" else COMPARISON_TABLES
    assert book.sheetnames[:2] == ["summary", "README"]
    assert set(tables) <= set(book.sheetnames)
    assert all(len(name) <= 31 for name in book.sheetnames)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    files = summary["tables"] if folder.name == "run" else {t: f"{t}.csv" for t in tables[:2]}
    varied = set(summary.get("vary", {}))  # a comparison's keys, beside each setting
    for table, file in files.items():
        frame = pd.read_csv(folder / file, encoding="utf-8-sig")
        rows = list(book[table].values)
        assert [c for c in rows[0] if c not in varied] == list(frame.columns), table
        assert len(rows) == len(frame) + 1, table
    if folder.name == "run":
        assert "kpis" in book.sheetnames
        products = [row[4] for row in book["weekly_products"].values][1:]
        assert any(CJK.search(str(name)) for name in products)
    book.close()


def test_workbook_cuts_a_table_longer_than_a_sheet_and_says_so(
    run_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(run_folder, tmp_path)
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 100)
    render_report(folder)
    book = openpyxl.load_workbook(folder / "report.xlsx", read_only=True)
    assert len(list(book["canteen_months"].values)) == 100
    readme = [row for row in book["README"].values if row and row[0] == "canteen_months"]
    ((_, _, file, rows, written, note, _),) = readme
    assert (file, written) == ("canteen_months.csv", 99) and rows > 99
    assert "Excel" in note and "canteen_months.csv" in note
    small = [row for row in book["README"].values if row and row[0] == "monthly_sales"]
    assert small[0][5] == "whole table"
    book.close()


def test_sheet_titles_fit_excel() -> None:
    assert workbook.sheet_title("a" * 40) == "a" * 31
    assert workbook.sheet_title("monthly_sales", {"monthly_sales"}) == "monthly_sales_2"
    assert workbook.sheet_title("a/b[c]:d*?") == "a_b_c__d__"


# --- rendering again -------------------------------------------------------------------------


def test_report_command_reproduces_the_same_figures(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = copy_of(folder, tmp_path)
    first = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    shutil.rmtree(again / "figures")
    outcome = cli(capsys, "report", again)
    assert outcome.code == 0, outcome.err
    assert outcome.out.strip() == f"report written to {again / 'report.html'}"
    second = {p.name: p.read_bytes() for p in (again / "figures").iterdir()}
    assert sorted(second) == sorted(first)
    for name, data in first.items():
        if name.endswith(".svg"):
            assert second[name].decode("utf-8") == data.decode("utf-8"), name
        else:
            before = mpimg.imread(io.BytesIO(data), format="png")
            after = mpimg.imread(io.BytesIO(second[name]), format="png")
            np.testing.assert_array_equal(after, before, err_msg=name)
    html = {
        f: read_html(f).replace(str(again), "F").replace(str(folder), "F") for f in (folder, again)
    }
    assert html[again] == html[folder]  # the same page, but for the folder it names


def test_lang_zh_writes_chinese_headings_captions_and_readme(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = copy_of(folder, tmp_path)
    assert cli(capsys, "report", again, "--lang", "zh", "-q").code == 0
    html = read_html(again, "zh")
    assert '<html lang="zh-CN">' in html
    for heading in ("情景", "主要指标", "图", "表", "运行信息"):
        assert f">{heading}</h2>" in html, heading
    captions = [attrs["alt"] for attrs in parse(html).named("img")]
    assert captions and all(CJK.search(caption) for caption in captions)
    assert "## 主要指标" in (again / "report.zh.md").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(again / "report.zh.xlsx", read_only=True)
    assert CJK.search(str(next(book.worksheets[1].values)[0]))  # the README, 说明
    book.close()


def test_no_report_writes_the_results_only(tmp_path: Path, comparison_folder: Path) -> None:
    run = tmp_path / "run"
    run_cli("run", HAIKOU, *SHORT, "-o", run, "-q", "--no-report")
    assert sorted(p.name for p in run.iterdir()) == sorted(
        [*(f"{t}.csv" for t in RUN_TABLES), "summary.json"]
    )
    comparison = copy_of(comparison_folder, tmp_path)  # a comparison with its report …
    assert set(REPORT_FILES) <= {p.name for p in comparison.iterdir()}
    vary = ["--vary", "quota.share=0,0.2"]
    run_cli(  # … replaced by one without
        "compare", HAIKOU, *SHORT, *vary, "-r", "2", "--serial", "-o", comparison, "--force",
        "-q", "--no-report",
    )  # fmt: skip
    names = {p.name for p in comparison.iterdir()}
    assert "summary.json" in names and not names & set(REPORT_FILES)


def test_run_prints_where_the_report_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    outcome = cli(capsys, "run", HAIKOU, *SHORT, "-o", out, "--lang", "zh")
    assert outcome.code == 0, outcome.err
    assert f"\n报告已写入 {out / 'report.zh.html'}\n下一步：" in outcome.out
    assert f"下一步：在浏览器中打开 {out / 'report.zh.html'}，" in outcome.out  # the page made
    assert '<html lang="zh-CN">' in read_html(out, "zh")


# --- failures --------------------------------------------------------------------------------


def test_a_failed_render_leaves_the_earlier_report(
    run_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(run_folder, tmp_path)
    before = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "write_workbook", full_disk)
    with pytest.raises(ReportError, match="No space left on device") as caught:
        render_report(folder, "zh")
    assert str(folder) in str(caught.value)
    after = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert after == before


def test_an_interrupted_render_leaves_the_earlier_report(
    run_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(run_folder, tmp_path)
    html = read_html(folder)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "to_markdown", interrupt)
    with pytest.raises(KeyboardInterrupt):
        render_report(folder, "zh")
    assert read_html(folder) == html
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_report_failure_after_a_run_keeps_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the plot broke")

    monkeypatch.setattr(render, "write_workbook", broken)
    out = tmp_path / "run"
    outcome = cli(capsys, "run", HAIKOU, *SHORT, "-o", out, "-q")
    assert outcome.code == 1
    (line,) = outcome.err.strip().splitlines()
    assert line.startswith(f"canteensim: error: the results are in {out}/ but the report failed")
    assert "RuntimeError: the plot broke" in line and f"canteensim report {out}" in line
    names = {p.name for p in out.iterdir()}
    assert names == {*(f"{t}.csv" for t in RUN_TABLES), "summary.json"}


def test_report_of_a_folder_that_is_not_one(
    tmp_path: Path, run_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert "no such folder" in cli(capsys, "report", missing).error_line()

    file = tmp_path / "file.txt"
    file.write_text("x", encoding="utf-8")
    assert "not a folder" in cli(capsys, "report", file).error_line()

    empty = tmp_path / "empty"
    empty.mkdir()
    line = cli(capsys, "report", empty).error_line()
    assert str(empty) in line and "not a canteensim results folder" in line

    garbled = tmp_path / "garbled"
    garbled.mkdir()
    (garbled / "summary.json").write_text("{not json", encoding="utf-8")
    assert "summary.json: cannot be read" in cli(capsys, "report", garbled).error_line()

    other = tmp_path / "other"
    other.mkdir()
    (other / "summary.json").write_text('{"name": "something else"}', encoding="utf-8")
    assert (
        "not the summary of a canteensim results folder"
        in cli(capsys, "report", other).error_line()
    )

    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "manifest.json").write_text("{}", encoding="utf-8")
    (unfinished / "journal.jsonl").write_text("", encoding="utf-8")
    assert "--resume" in cli(capsys, "report", unfinished).error_line()

    incomplete = copy_of(run_folder, tmp_path)
    (incomplete / "deliveries.csv").unlink()
    line = cli(capsys, "report", incomplete).error_line()
    assert "deliveries.csv is missing" in line
    assert (incomplete / "report.html").exists()  # the earlier report is left alone


def test_bad_language(run_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", str(run_folder), "--lang", "fr"])
    assert exited.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err
    with pytest.raises(ReportError, match="lang='fr'"):
        render_report(run_folder, "fr")


def test_no_cjk_font_is_one_warning_line(
    run_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = copy_of(run_folder, tmp_path)
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    fonts.cjk_font.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as others:
            warnings.simplefilter("always")  # every warning shown, as outside the tests
            outcome = cli(capsys, "report", folder, "-q")
    finally:
        fonts.cjk_font.cache_clear()
    assert outcome.code == 0 and outcome.out == ""
    (line,) = outcome.err.strip().splitlines()
    assert line.startswith("canteensim: warning: Chinese names in figures will show as boxes")
    assert "fonts-noto-cjk" in line
    assert not [str(w.message) for w in others]  # no warning per missing character


def test_a_comparison_against_the_previous_setting_says_so(neighbours_folder: Path) -> None:
    markdown = (neighbours_folder / "report.md").read_text(encoding="utf-8")
    assert "compared with common random numbers against the previous setting." in markdown
    assert "- **Baseline**: the previous setting" in markdown
    table = pd.read_csv(neighbours_folder / "comparison.csv", encoding="utf-8-sig")
    row = table[(table["kpi"] == "total_sales_yuan") & (table["setting_index"] == 2)].iloc[0]
    assert row["baseline"] == "quota.share=0.2"
    assert f"{row['diff_mean']:+,.0f}" in markdown


def test_a_comparison_report_shows_the_trade_off_and_its_marginal_costs(
    neighbours_folder: Path,
) -> None:
    assert (neighbours_folder / "figures" / "trade_off.png").is_file()
    markdown = (neighbours_folder / "report.md").read_text(encoding="utf-8")
    assert "### Marginal cost of farmer income between neighbouring settings" in markdown
    table = pd.read_csv(neighbours_folder / "comparison.csv", encoding="utf-8-sig")
    means = table.set_index(["setting_index", "kpi"])["mean"]
    income = means[(2, "farmer_income_yuan")] - means[(1, "farmer_income_yuan")]
    cost = means[(2, "cost_premium_yuan")] - means[(1, "cost_premium_yuan")]
    line = next(
        line for line in markdown.splitlines() if "quota.share=0.2 → quota.share=0.3" in line
    )
    assert line.split(" | ")[1:] == [
        f"{income:+,.0f}",
        f"{cost:+,.0f}",
        f"{cost / income:.2f} |",
    ]


def test_a_comparison_report_opens_with_its_answer(neighbours_folder: Path) -> None:
    markdown = (neighbours_folder / "report.md").read_text(encoding="utf-8")
    table = pd.read_csv(neighbours_folder / "comparison.csv", encoding="utf-8-sig")
    means = table.set_index(["setting_index", "kpi"])["mean"]

    def change(kpi: str) -> str:
        return text.money(means[(2, kpi)] - means[(0, kpi)], "en", signed=True)

    answer = (
        f"From Quota share = 10% to Quota share = 30%, mean monthly sales change by "
        f"{change('monthly_sales_yuan_mean')} and farmer income by "
        f"{change('farmer_income_yuan')}, at {change('cost_premium_yuan')} of cost "
        "premium to canteens."
    )
    assert answer in markdown
    assert markdown.index(answer) < markdown.index("3 settings of")  # before the method
