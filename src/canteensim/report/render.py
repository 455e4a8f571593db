"""Rendering a results folder into its report: report.html, report.md, report.xlsx and figures/.

`render_report` reads a results folder (a run's, a comparison's, a search's or a sensitivity
analysis's), asks `canteensim.report.figures` (or `canteensim.report.sweeps`) for the figures, and
writes, into the same folder, in the report's language (`canteensim.results.ReportFiles`: the
Chinese report is ``report.zh.html``, ``figures.zh/`` …, beside the English one):

- ``figures/NAME.png`` (150 dpi), and with `svg` ``figures/NAME.svg``, to paste into a briefing;
- ``report.html``, one self-contained file: figures as PNG data URIs, style inline, no script
  and no reference outside the file, so it can be mailed or archived as it is;
- ``report.md``, the same content, its figures linked as ``figures/NAME.png``;
- ``report.xlsx``, the summary and every table as a sheet, with a README sheet.

Each file is first written under a hidden staging name beside its place
(`canteensim.output.staged`) and all are moved into place once every one is whole, so a render
that is interrupted or fails leaves the previous report as it was. The report reads the
folder's tables and summary.json only; it never runs the model.
"""

from __future__ import annotations

import contextlib
import functools
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.typing import RcKeyType

from canteensim.errors import ReportError
from canteensim.output import clear_stale_staging, staged
from canteensim.report.content import report_document
from canteensim.report.document import Image, to_html, to_markdown
from canteensim.report.drawing import draw_figures
from canteensim.report.figures import Figure, comparison_figure_builders, run_figure_builders
from canteensim.report.fonts import cjk_font
from canteensim.report.read import read_results
from canteensim.report.sweeps import SWEEP_KINDS, sweep_document, sweep_figure_builders
from canteensim.report.workbook import write_workbook
from canteensim.results import ReportFiles
from canteensim.text import LANGUAGES, say
from canteensim.version import __version__

PNG_DPI = 150
Stage = Callable[[str], None]
"""Told the name of each step of a render as it starts: ``figures`` (the figures, and the
workbook meanwhile), then ``page``."""


def render_report(
    folder: Path, lang: str = "en", *, svg: bool = False, stage: Stage | None = None
) -> Path:
    """Render a results folder into its report in `lang`; returns its HTML page.

    Parameters
    ----------
    folder:
        A folder written by `canteensim run`, `compare`, `search` or `sensitivity`.
    lang:
        ``"en"`` or ``"zh"``: the language of headings, captions and the figures' text. Each
        language has its own files (`ReportFiles`), so rendering one keeps the other.
    svg:
        Also save each figure as SVG, its text kept as text (editable in PowerPoint); off by
        default, since it doubles the time figures take to save.
    stage:
        Told each step as it starts, for a progress line.

    Raises
    ------
    ReportError
        When `lang` is not a report language, `folder` is not a finished results folder, or the
        report cannot be written into it. The previous report, if any, is then left as it was.
    """
    folder = Path(folder)
    if lang not in LANGUAGES:
        raise ReportError(f"lang={lang!r}: not a report language; valid: {', '.join(LANGUAGES)}")
    tell = stage or (lambda name: None)
    results = read_results(folder)
    tell("figures")
    if results.kind in SWEEP_KINDS:
        builders, document_of = sweep_figure_builders(results, lang), sweep_document
    else:
        plan = run_figure_builders if results.kind == "run" else comparison_figure_builders
        builders, document_of = plan(results, lang), report_document
    files = ReportFiles.of(lang)
    clear_stale_staging(folder)  # what a killed render left
    try:
        # each file is staged; all move into place once every one is whole, the page last
        with contextlib.ExitStack() as stack:
            html, markdown, workbook, figures_folder = (
                stack.enter_context(staged(folder / name))
                for name in (files.html, files.markdown, files.workbook, files.figures)
            )
            figures_folder.mkdir()
            drawn = draw_figures(
                builders,
                lang,
                figures_folder,
                svg=svg,
                # its summary sheet shows the page's tables, not its figures
                alongside=functools.partial(write_workbook, results, workbook, lang),
            )
            images = [
                Image(f.name, say(lang, "figure", n=n), f.caption, f.png)
                for n, f in enumerate(drawn, start=1)
            ]
            tell("page")
            document = document_of(results, images, lang)
            html.write_text(to_html(document), encoding="utf-8")
            markdown.write_text(to_markdown(document, files.figures), encoding="utf-8")
    except OSError as exc:
        raise ReportError(
            f"{folder}: the report cannot be written ({exc.strerror or exc}); "
            "the results and any earlier report are as they were"
        ) from None
    return folder / files.html


def save_figure(figure: Figure, folder: Path, svg: bool = False) -> bytes:
    """Save `figure` as ``NAME.png`` (150 dpi), and with `svg` as ``NAME.svg``, in `folder`;
    returns the PNG.

    A figure saves to the same bytes every time: the SVG's element ids come from a salt named
    after the figure instead of a random one, and neither file records a date. The SVG keeps its
    text as text in the report's fonts, so PowerPoint can edit it; a reader without a CJK font
    sees its Chinese in a fallback font.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", figure.name):
        raise ValueError(f"figure name={figure.name!r}: not a file stem of letters, digits, _, -")
    software = f"canteensim {__version__} with matplotlib {matplotlib.__version__}"
    png = folder / f"{figure.name}.png"
    rc: dict[RcKeyType, Any] = {"svg.hashsalt": f"canteensim-{figure.name}", "svg.fonttype": "none"}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if cjk_font() is None:  # said once already by `cjk_font`; not once more per character
            warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        figure.figure.savefig(png, dpi=PNG_DPI, format="png", metadata={"Software": software})
        if svg:
            figure.figure.savefig(
                folder / f"{figure.name}.svg",
                format="svg",
                metadata={"Date": None, "Creator": software},
            )
    return png.read_bytes()


__all__ = [
    "PNG_DPI",
    "Stage",
    "render_report",
    "save_figure",
]
