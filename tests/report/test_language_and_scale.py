"""Reports a provincial office uses as they are: Chinese throughout (dates, settings, money),
both languages side by side in one folder, and figures that hold at province scale.

The Haikou run is simulated once (about 0.1 s); the province is the shipped Anhui scenario cut to
its first month (3,000 generated canteens, a second or two).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.image
import pytest

from canteensim import load_scenario, simulate, text
from canteensim.output import summary, write_results
from canteensim.report import render_report
from canteensim.report.figures import run_figures
from canteensim.report.read import read_results
from canteensim.results import ReportFiles

REPO = Path(__file__).resolve().parents[2]
HAIKOU = REPO / "scenarios" / "hainan_2020.toml"
ANHUI = REPO / "scenarios" / "anhui_2020.toml"
LATIN_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def write_run(scenario_path: Path, folder: Path, overrides: tuple[str, ...] = ()) -> Path:
    results = simulate(load_scenario(scenario_path, list(overrides)))
    document = summary(results, version="test", run_seconds=0.0)
    write_results(results, folder, document, table_format="csv")
    return folder


@pytest.fixture(scope="module")
def haikou_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(HAIKOU, tmp_path_factory.mktemp("haikou") / "run")


def every_text(figure: matplotlib.figure.Figure) -> list[str]:
    """Every piece of text drawn in `figure`: titles, labels, tick labels and axis offsets."""
    shown = [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
    for ax in figure.axes:
        shown += [ax.xaxis.get_major_formatter().get_offset()]
    return [s for s in shown if s]


def test_chinese_figures_have_no_latin_month_names(haikou_folder: Path) -> None:
    figures = run_figures(read_results(haikou_folder), "zh")
    shown = [s for f in figures for s in every_text(f.figure)]
    assert not [s for s in shown if LATIN_MONTHS.search(s)]
    assert any(re.fullmatch(r"\d{1,2}月", s) for s in shown)  # the weekly figures' date ticks
    english = [
        s for f in run_figures(read_results(haikou_folder), "en") for s in every_text(f.figure)
    ]
    assert any(LATIN_MONTHS.search(s) for s in english)  # the same ticks, in English


def test_both_languages_live_in_one_folder(haikou_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "both"
    folder.mkdir()
    for path in haikou_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    render_report(folder, "en")
    english = (folder / "report.html").read_bytes()
    render_report(folder, "zh")
    zh = ReportFiles.of("zh")
    assert (folder / "report.html").read_bytes() == english  # the English report is kept
    page = (folder / zh.html).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "万元" in page  # a monthly 31.6 万元, say
    assert (folder / zh.markdown).is_file() and (folder / zh.workbook).is_file()
    assert sorted(p.name for p in (folder / zh.figures).iterdir()) == sorted(
        p.name for p in (folder / "figures").iterdir()
    )
    markdown = (folder / zh.markdown).read_text(encoding="utf-8")
    assert f"]({zh.figures}/monthly_sales.png)" in markdown


def test_svgs_only_when_asked_with_their_text_as_text(haikou_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "svg"
    folder.mkdir()
    for path in haikou_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    render_report(folder)
    assert not list((folder / "figures").glob("*.svg"))
    render_report(folder, svg=True)
    svg = (folder / "figures" / "monthly_sales.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "Monthly sales" in svg  # editable text, not outlines


def test_a_province_compliance_figure_shows_groups_not_canteens(tmp_path: Path) -> None:
    folder = write_run(ANHUI, tmp_path / "anhui", ("scenario.end=2020-02-29",))
    results = read_results(folder)
    bound = results.tables["canteen_months"]
    canteens = bound.loc[bound["bound"].astype(bool), "canteen_id"].nunique()
    assert canteens > 1_000
    (figure,) = [f for f in run_figures(results, "en") if f.name == "quota_compliance"]
    top, by_category = [ax for ax in figure.figure.axes if ax.images][:2]  # not the colour bars
    rows, _ = top.images[0].get_array().shape
    assert rows <= 9  # kinds × three size bands, not thousands of stripes
    names = [t.get_text() for t in top.get_yticklabels()]
    assert "government · small" in names
    categories = {t.get_text() for t in by_category.get_yticklabels()}
    assert "Vegetables" in categories  # which category failed, not only the worst


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [
        ("zh", 316_560.4, "31.7 万元"),
        ("zh", 95_000, "95,000 元"),
        ("zh", 1.2e9, "12.00 亿元"),
        ("en", 316_560.4, "316,560 yuan"),
        ("en", 13_312_879, "13.3 million yuan"),
        ("en", float("nan"), "n/a"),
    ],
)
def test_money_reads_in_a_unit_for_its_size(lang: str, value: float, shown: str) -> None:
    assert text.money(value, lang) == shown


def test_money_differences_carry_their_sign() -> None:
    assert text.money(245_324, "zh", signed=True) == "+24.5 万元"
    assert text.money(-5_000, "en", signed=True) == "-5,000 yuan"


@pytest.mark.parametrize(
    ("lang", "label", "shown"),
    [
        ("zh", "quota.share=0.2", "配额比例 = 20%"),
        ("en", "quota.share=0.2, platform.vehicles=2", "Quota share = 20%, Delivery vehicles = 2"),
        ("zh", "quota.share=0.2, platform.vehicles=2", "配额比例 = 20%、配送车辆数 = 2"),
        ("en", "base", "base"),
    ],
)
def test_settings_read_as_names_and_values(lang: str, label: str, shown: str) -> None:
    assert text.setting(lang, label) == shown


@pytest.mark.parametrize(
    ("label", "zh"),
    [("Mar", "3月"), ("15", "15日"), ("2020-Jun", "2020年6月"), ("2020", "2020年")],
)
def test_date_labels_in_chinese(label: str, zh: str) -> None:
    assert text.date_label("zh", label) == zh
    assert text.date_label("en", label) == label


def test_plot_functions_draw_chinese_without_the_user_setting_fonts(haikou_folder: Path) -> None:
    import warnings

    import matplotlib.pyplot as plt

    from canteensim.report import fonts, plots

    if fonts.find_cjk_font() is None:
        pytest.skip("no CJK font installed here: the figures could only show boxes")
    tables = read_results(haikou_folder).tables
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        ax = plots.weekly_supply(tables["weekly_products"], "vegetables", lang="zh")
        ax.figure.canvas.draw()  # tick labels are made now, outside any rc_context
    assert fonts.cjk_font() in ax.get_xticklabels()[0].get_fontfamily()
    assert any(re.fullmatch(r"\d{1,2}月", t.get_text()) for t in ax.get_xticklabels())
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("lang", "steps", "written"),
    [
        (
            "en",
            ["report: drawing the figures, writing the workbook…", "report: writing the page…"],
            "report written to {}",
        ),
        ("zh", ["报告：正在绘制图表、写入工作簿…", "报告：正在生成网页…"], "报告已写入 {}"),
    ],
)
def test_report_command_says_each_step_in_its_language_and_saves_svgs_on_request(
    haikou_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    steps: list[str],
    written: str,
) -> None:
    from canteensim.cli import main

    folder = tmp_path / "cli"
    folder.mkdir()
    for path in haikou_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    assert main(["report", str(folder), "--svg", "--lang", lang]) == 0
    said = capsys.readouterr()
    assert said.err.splitlines() == steps
    files = ReportFiles.of(lang)
    assert said.out.strip() == written.format(folder / files.html)
    assert (folder / files.figures / "weekly_supply.svg").is_file()
    assert main(["report", str(folder), "-q", "--lang", lang]) == 0
    assert capsys.readouterr() == ("", "")


def test_the_terminal_speaks_chinese_with_lang_zh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from canteensim.cli import main

    out = tmp_path / "zh"
    assert main(["run", str(HAIKOU), "-o", str(out), "--no-report", "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("— 配额 20%（按数量计）")
    (sales,) = [line for line in lines if line.endswith("[monthly_sales_yuan_mean]")]
    assert sales.strip().startswith("月均销售额（元）")
    assert any(line.startswith("未达标审核：") for line in lines)
    assert f"结果已写入 {out}/" in lines
    assert lines[-2].startswith(f"下一步：用 `canteensim report {out}` 生成报告")


def test_chinese_money_axes_read_in_wan_yuan(haikou_folder: Path) -> None:
    figures = {f.name: f.figure for f in run_figures(read_results(haikou_folder), "zh")}
    (sales,) = [ax for ax in figures["monthly_sales"].axes if ax.get_ylabel()]
    assert sales.get_ylabel() == "销售额（万元/月）"
    formatter = sales.yaxis.get_major_formatter()
    assert formatter(300_000.0, 0) == "30" and formatter(25_000.0, 0) == "2.5"
    (income,) = figures["farmer_income"].axes
    assert "万元" in income.get_xlabel()
    assert all(t.get_text().endswith(" 万元") for t in income.texts)  # the bars' labels
    english = {f.name: f.figure for f in run_figures(read_results(haikou_folder), "en")}
    (sales_en,) = [ax for ax in english["monthly_sales"].axes if ax.get_ylabel()]
    assert sales_en.yaxis.get_major_formatter()(300_000.0, 0) == "300,000"


def test_a_folder_renders_to_the_same_workbook_bytes(haikou_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "again"
    folder.mkdir()
    for path in haikou_folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    render_report(folder)
    first = (folder / "report.xlsx").read_bytes()
    render_report(folder)
    assert (folder / "report.xlsx").read_bytes() == first  # no creation date of its own
