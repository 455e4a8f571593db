"""The figures of a run and of a comparison, from real results folders; the fonts they draw with.

The Haikou scenario is run once per module (two replications, about 0.1 s) and a short
comparison once (two settings, three replications, serial), each written to a results folder
and read back as the report reads it (`canteensim.report.read.read_results`).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import matplotlib
import matplotlib.figure
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from canteensim import compare, load_scenario, simulate, text
from canteensim.errors import CanteensimWarning
from canteensim.model.simulate import Results
from canteensim.output import summary, write_results
from canteensim.report import fonts
from canteensim.report.figures import (
    Figure,
    comparison_figures,
    run_figures,
    setting_values,
)
from canteensim.report.read import ResultsFolder, read_results
from canteensim.results import HEADLINE_KPIS

from .expected import COMPARISON_FIGURES, RUN_FIGURES

REPO = Path(__file__).resolve().parents[2]
HAIKOU = REPO / "scenarios" / "hainan_2020.toml"
CJK = re.compile(r"[\u4e00-\u9fff]")


def build(
    make: Callable[[ResultsFolder, str], list[Figure]], results: ResultsFolder, lang: str
) -> list[Figure]:
    """`make` the figures; where no CJK font is installed, expect the warning that says so."""
    if fonts.find_cjk_font() is not None:
        return make(results, lang)
    fonts.cjk_font.cache_clear()
    with pytest.warns(CanteensimWarning, match="boxes"):
        return make(results, lang)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> ResultsFolder:
    scenario = load_scenario(HAIKOU)
    results = Results.concat([simulate(scenario, replication=r) for r in (0, 1)])
    folder = tmp_path_factory.mktemp("report") / "run"
    document = summary(results, version="test", run_seconds=0.0)
    write_results(results, folder, document, table_format="csv")
    return read_results(folder)


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory: pytest.TempPathFactory) -> ResultsFolder:
    scenario = load_scenario(HAIKOU, ["scenario.end=2020-03-31"])
    folder = tmp_path_factory.mktemp("report") / "comparison"
    compare(scenario, {"quota.share": [0, 0.2]}, replications=3, engine="serial", folder=folder)
    return read_results(folder)


@pytest.fixture(scope="module", params=["en", "zh"])
def run_figs(request: pytest.FixtureRequest, run_folder: ResultsFolder) -> list[Figure]:
    return build(run_figures, run_folder, request.param)


@pytest.fixture(scope="module", params=["en", "zh"])
def comparison_figs(
    request: pytest.FixtureRequest, comparison_folder: ResultsFolder
) -> list[Figure]:
    return build(comparison_figures, comparison_folder, request.param)


def by_name(figures: list[Figure]) -> dict[str, matplotlib.figure.Figure]:
    return {f.name: f.figure for f in figures}


def language_of(figures: list[Figure]) -> str:
    return "zh" if CJK.search(figures[0].caption) else "en"


# --- a run --------------------------------------------------------------------------------


def test_run_figures_are_named_and_captioned(run_figs: list[Figure]) -> None:
    assert [f.name for f in run_figs] == RUN_FIGURES
    for figure in run_figs:
        assert isinstance(figure.figure, matplotlib.figure.Figure)
        assert len(figure.caption) > 40 and figure.caption.endswith((".", "。"))
        assert figure.figure.axes, figure.name
    if language_of(run_figs) == "zh":
        assert all(CJK.search(f.caption) for f in run_figs)
        assert by_name(run_figs)["monthly_sales"].axes[0].get_title() == "各品类月度销售额"
    else:
        assert not any(CJK.search(f.caption) for f in run_figs)


def test_run_captions_give_the_run_s_own_figures(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    document = run_folder.summary
    captions = {f.name: f.caption for f in run_figs}
    lang = language_of(run_figs)
    mean = text.money(document["kpis"]["monthly_sales_yuan_mean"], lang)
    observed = text.money(310_000, lang)  # "310,000 yuan", "31.0 万元"
    assert mean in captions["monthly_sales"] and observed in captions["monthly_sales"]
    assert f"{document['kpis']['compliance_rate']:.1%}" in captions["quota_compliance"]
    income = text.money(document["kpis"]["farmer_income_yuan"], lang)
    assert income in captions["farmer_income"]
    assert ("mean of 2 replications" in captions["losses"]) or ("2 次重复" in captions["losses"])


def test_monthly_sales_figure_shows_the_observed_310000_and_the_mean_of_replications(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    tables = run_folder.tables
    (ax,) = by_name(run_figs)["monthly_sales"].axes
    (observed,) = ax.lines
    assert list(observed.get_ydata()) == [310_000.0, 310_000.0]
    sales = tables["monthly_sales"]
    assert ax.patches and len(ax.patches) == sales["month"].nunique() * sales["category"].nunique()
    tops = np.zeros(sales["month"].nunique())
    for container in ax.containers:
        tops += [patch.get_height() for patch in container.patches]
    expected = sales.groupby("month")["sales_yuan"].sum().sort_index() / 2
    np.testing.assert_allclose(tops, expected.to_numpy())


def test_quota_compliance_figure_maps_bound_canteens_by_audited_months(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    tables = run_folder.tables
    audits = tables["canteen_months"]
    audited = audits[audits["audited"]]
    heat_map, by_category = [ax for ax in by_name(run_figs)["quota_compliance"].axes if ax.images]
    array = heat_map.images[0].get_array()
    assert array is not None
    assert array.shape == (audited["canteen_id"].nunique(), audited["month"].nunique())
    shares = by_category.images[0].get_array()  # which category failed, below
    assert shares is not None
    assert shares.shape == (audited["category"].nunique(), audited["month"].nunique())


def test_weekly_supply_figure_has_a_panel_per_category(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    tables = run_folder.tables
    categories = tables["weekly_products"]["category"].nunique()
    panels = [ax for ax in by_name(run_figs)["weekly_supply"].axes if ax.lines]
    assert len(panels) == categories
    assert all(len(ax.lines) == 3 for ax in panels)


def test_losses_figure_has_lost_and_late_kg_each_week(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    tables, document = run_folder.tables, run_folder.summary
    lost, late = by_name(run_figs)["losses"].axes
    weeks = tables["weekly_products"]["week"].nunique()
    assert len(lost.patches) == len(late.patches) == weeks
    lost_kg = sum(p.get_height() for p in lost.patches)
    assert lost_kg == pytest.approx(document["kpis"]["lost_kg"])
    deliveries = tables["deliveries"]
    late_kg = deliveries.loc[deliveries["late"], "kg"].sum() / 2
    assert sum(p.get_height() for p in late.patches) == pytest.approx(late_kg)


def test_farmer_income_figure_adds_up_to_the_run_s_farmer_income(
    run_figs: list[Figure], run_folder: ResultsFolder
) -> None:
    tables, document = run_folder.tables, run_folder.summary
    (ax,) = by_name(run_figs)["farmer_income"].axes
    assert len(ax.patches) == tables["weekly_products"]["county"].nunique()
    total = sum(p.get_width() for p in ax.patches)
    assert total == pytest.approx(document["kpis"]["farmer_income_yuan"], rel=1e-9)


def test_a_run_without_an_observed_figure_draws_no_observed_line(
    run_folder: ResultsFolder,
) -> None:
    scenario = run_folder.scenario
    info = scenario.scenario.model_copy(
        update={"name": "no observation", "observed_monthly_sales_yuan": None}
    )
    family_before = list(matplotlib.rcParams["font.family"])
    unobserved = replace(run_folder, scenario=scenario.model_copy(update={"scenario": info}))
    figures = build(run_figures, unobserved, "en")
    assert list(matplotlib.rcParams["font.family"]) == family_before  # the fonts do not leak
    (ax,) = by_name(figures)["monthly_sales"].axes
    assert len(ax.lines) == 0
    assert "observed" not in figures[0].caption


# --- a comparison -------------------------------------------------------------------------


def test_comparison_figures_are_named_and_captioned(comparison_figs: list[Figure]) -> None:
    assert [f.name for f in comparison_figs] == COMPARISON_FIGURES
    for figure in comparison_figs:
        assert isinstance(figure.figure, matplotlib.figure.Figure)
        assert len(figure.caption) > 40
        named = ("quota.share", text.setting_key(language_of(comparison_figs), "quota.share"))
        assert any(name in figure.caption for name in named), figure.caption
    zh = language_of(comparison_figs) == "zh"
    assert all(bool(CJK.search(f.caption)) == zh for f in comparison_figs)


def test_kpis_figure_draws_each_headline_kpi_over_the_varied_share(
    comparison_figs: list[Figure], comparison_folder: ResultsFolder
) -> None:
    tables = comparison_folder.tables
    axes = by_name(comparison_figs)["kpis"].axes
    assert len(axes) == len(HEADLINE_KPIS)
    table = tables["comparison"]
    for ax, kpi in zip(axes, HEADLINE_KPIS, strict=True):
        line = ax.lines[0]
        np.testing.assert_allclose(line.get_xdata(), [0.0, 0.2])
        means = table[table["kpi"] == kpi].sort_values("setting_index")["mean"]
        np.testing.assert_allclose(line.get_ydata(), means.to_numpy())
        assert len(ax.collections) == 1  # the 95 % band
    sales_panel = axes[0]
    assert any(list(line.get_ydata()) == [310_000.0, 310_000.0] for line in sales_panel.lines)


def test_monthly_sales_by_setting_figure_has_a_line_per_setting(
    comparison_figs: list[Figure], comparison_folder: ResultsFolder
) -> None:
    document = comparison_folder.summary
    (ax,) = by_name(comparison_figs)["monthly_sales_by_setting"].axes
    assert len(ax.collections) == len(document["settings"])
    labelled = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert len(labelled) == len(document["settings"]) + 1  # and the observed line


def test_paired_differences_figure_compares_every_kpi_with_the_baseline(
    comparison_figs: list[Figure], comparison_folder: ResultsFolder
) -> None:
    tables = comparison_folder.tables
    axes = by_name(comparison_figs)["paired_differences"].axes
    assert len(axes) == len(HEADLINE_KPIS)
    table = tables["comparison"]
    for ax, kpi in zip(axes, HEADLINE_KPIS, strict=True):
        row = table[(table["kpi"] == kpi) & (table["setting_index"] == 1)]
        if row["diff_mean"].isna().all():  # a 0 % quota audits nothing: no baseline to compare
            assert kpi in ("compliance_rate", "quota_fulfilment")
            assert not ax.containers and len(ax.texts) == 1
            continue
        points = ax.containers[0].lines[0]
        np.testing.assert_allclose(points.get_xdata(), row["diff_mean"].to_numpy())


def test_several_varied_keys_show_the_settings_by_label(comparison_folder: ResultsFolder) -> None:
    settings = [
        "quota.share=0.2, platform.vehicles=2",
        "quota.share=0.2, platform.vehicles=4",
        "quota.share=0.3, platform.vehicles=2",
    ]
    rows = [
        {
            "setting": setting,
            "setting_index": index,
            "kpi": kpi,
            "mean": 1.0 + index,
            "ci_low": 0.5 + index,
            "ci_high": 1.5 + index,
            "diff_mean": float(index),
            "diff_ci_low": index - 0.1,
            "diff_ci_high": index + 0.1,
            "n": 3,
        }
        for index, setting in enumerate(settings)
        for kpi in HEADLINE_KPIS
    ]
    monthly = pd.DataFrame(
        {
            "setting": settings,
            "setting_index": [0, 1, 2],
            "month": "2020-03",
            "partial": False,
            "sales_yuan_mean": [1.0, 2.0, 3.0],
            "sales_yuan_ci_low": [0.5, 1.5, 2.5],
            "sales_yuan_ci_high": [1.5, 2.5, 3.5],
            "n": 3,
        }
    )
    document = {
        "vary": {"quota.share": [0.2, 0.3], "platform.vehicles": [2, 4]},
        "settings": settings,
        "replications": 3,
    }
    tables = {"comparison": pd.DataFrame(rows), "monthly_comparison": monthly}
    results = replace(
        comparison_folder,
        tables=tables,
        vary=document["vary"],
        settings=document["settings"],
        replications=document["replications"],
    )
    figures = build(comparison_figures, results, "en")
    first = by_name(figures)["kpis"].axes[0]
    assert [t.get_text() for t in first.get_yticklabels()] == [
        "Quota share = 20%\nDelivery vehicles = 2",
        "Quota share = 20%\nDelivery vehicles = 4",
        "Quota share = 30%\nDelivery vehicles = 2",
    ]
    assert "quota.share and platform.vehicles" in figures[0].caption


@pytest.mark.parametrize(
    ("vary", "settings", "expected"),
    [
        ({"quota.share": [0, 0.1, 0.2]}, 3, ("quota.share", [0.0, 0.1, 0.2])),
        ({"platform.vehicles": [2, 4]}, 2, ("platform.vehicles", [2.0, 4.0])),
        ({"cycle.allocation": ["fcfs", "pro_rata"]}, 2, None),
        ({"quota.share": [0.2], "platform.vehicles": [2, 4]}, 2, None),
        ({"quota.share": [0, 0.1]}, 3, None),
        ({"cycle.substitution": [True, False]}, 2, None),
    ],
)
def test_setting_values_are_numbers_only_for_one_numeric_key(
    vary: dict[str, list[Any]], settings: int, expected: tuple[str, list[float]] | None
) -> None:
    assert setting_values(vary, settings) == expected


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [run_figures, comparison_figures])
def test_an_unknown_language_is_refused_naming_the_valid_ones(
    make: Callable[..., list[Figure]], run_folder: ResultsFolder
) -> None:
    with pytest.raises(ValueError, match=r"lang='fr' is not a report language; valid: 'en', 'zh'"):
        make(run_folder, "fr")


def test_missing_tables_are_named(run_folder: ResultsFolder) -> None:
    tables = {"monthly_sales": pd.DataFrame(), "weekly_products": pd.DataFrame()}
    with pytest.raises(
        ValueError, match=r"tables is missing canteen_months, audit_failures, deliveries"
    ):
        run_figures(replace(run_folder, tables=tables))


# --- fonts --------------------------------------------------------------------------------


@pytest.fixture
def fresh_font_lookup() -> Any:
    """Forget the process's font lookup before and after the test."""
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_the_cjk_font_found_draws_chinese() -> None:
    family = fonts.find_cjk_font()
    if family is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    assert family in fonts.CJK_FAMILIES
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert FT2Font(path).get_char_index(ord("海")) != 0
    assert fonts.font_families("zh") == [family, "DejaVu Sans"]
    assert fonts.font_families("en") == ["DejaVu Sans", family]
    assert fonts.font_rc("zh") == {"font.family": [family, "DejaVu Sans"]}


def test_figures_save_chinese_without_missing_glyphs(run_figs: list[Figure]) -> None:
    """Built inside the report's fonts, saved outside them: every character has a glyph.

    Both languages have Chinese: county names, and in Chinese every label.
    """
    if fonts.find_cjk_font() is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for figure in run_figs:
            figure.figure.savefig(io.BytesIO(), format="png", dpi=20)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_without_a_cjk_font_the_figures_warn_once_how_to_install_one(
    monkeypatch: pytest.MonkeyPatch, fresh_font_lookup: None
) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.warns(CanteensimWarning, match=r"boxes.*apt-get install fonts-noto-cjk"):
        assert fonts.font_families("zh") == ["DejaVu Sans"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.font_families("en") == ["DejaVu Sans"]  # warned once only


def test_figures_without_a_cjk_font_warn_once_and_still_draw(
    monkeypatch: pytest.MonkeyPatch,
    fresh_font_lookup: None,
    comparison_folder: ResultsFolder,
) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = comparison_figures(comparison_folder, "zh")
    messages = [str(w.message) for w in caught]
    assert len([w for w in caught if w.category is CanteensimWarning]) == 1
    assert not [m for m in messages if "missing from font" in m]  # no warning per character
    assert [f.name for f in figures] == COMPARISON_FIGURES


def test_fonts_installed_after_matplotlib_cached_its_list_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stale font cache does not hide a CJK font: its file is found and added."""
    added: list[str] = []
    manager = SimpleNamespace(ttflist=[SimpleNamespace(name="DejaVu Sans", fname="/f/dv.ttf")])

    def addfont(path: str) -> None:
        added.append(path)
        manager.ttflist.append(SimpleNamespace(name="WenQuanYi Micro Hei", fname=path))

    manager.addfont = addfont
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(
        font_manager,
        "findSystemFonts",
        lambda: ["/f/dv.ttf", "/f/wqy/wqy-microhei.ttc", "/f/Other-Regular.ttf"],
    )
    assert fonts.find_cjk_font() == "WenQuanYi Micro Hei"
    assert added == ["/f/wqy/wqy-microhei.ttc"]


def test_font_preference_puts_simplified_chinese_first(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = SimpleNamespace(
        ttflist=[
            SimpleNamespace(name=name, fname=f"/f/{i}.ttc")
            for i, name in enumerate(["Noto Sans CJK JP", "WenQuanYi Zen Hei", "Noto Sans CJK SC"])
        ]
    )
    monkeypatch.setattr(font_manager, "fontManager", manager)
    assert fonts.find_cjk_font() == "Noto Sans CJK SC"
