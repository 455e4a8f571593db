"""Drawing a report's figures into PNG (and SVG) files, on both cores where that pays.

Building and saving a figure is matplotlib's single-threaded work, a third of a second each for
a Haikou report; with more than two figures and a second core, they are drawn by forked worker
processes that inherit the results already read (nothing is pickled but an index and the PNG
bytes coming back). The figures come back in their order and are the same bytes whichever
process drew them. Other work of the render that needs no figure (the workbook, single-threaded
too: 4 of a province report's 9 seconds) is done alongside them, by the first free worker.
Where ``fork`` is not available (Windows, macOS by default) or this process runs threads a fork
could deadlock (a Dask client, a progress bar), all of it is done here, the work alongside first.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from canteensim.cores import usable_cores
from canteensim.report.figures import FigureBuilder, build_figures
from canteensim.report.fonts import cjk_font

MIN_PARALLEL = 3
"""Figures from which a second process pays for its start (about 50 ms)."""


@dataclass(frozen=True)
class Drawn:
    """One figure as saved: its file stem, caption and PNG bytes."""

    name: str
    caption: str
    png: bytes


def draw_figures(
    builders: Sequence[FigureBuilder],
    lang: str,
    folder: Path,
    *,
    svg: bool = False,
    alongside: Callable[[], None] = lambda: None,
) -> list[Drawn]:
    """Build each figure in the report's fonts and save it into `folder`, in order, and do
    `alongside` meanwhile (work that needs no figure: the workbook); an error of either is
    raised here."""
    cjk_font()  # looked up (and any warning given) once, here, before workers inherit it
    workers = min(len(builders) + 1, usable_cores())
    if workers < 2 or len(builders) < MIN_PARALLEL or not _can_fork():
        alongside()
        return [_draw(builder, lang, folder, svg) for builder in builders]
    global _PENDING
    _PENDING = (builders, lang, folder, svg, alongside)  # what the forked workers inherit
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # first, since at province scale it is the longest task
            done_alongside = pool.submit(_alongside_pending)
            drawn = list(pool.map(_draw_pending, range(len(builders))))
            done_alongside.result()
            return drawn
    finally:
        _PENDING = None


_PENDING: tuple[Sequence[FigureBuilder], str, Path, bool, Callable[[], None]] | None = None


def _draw_pending(index: int) -> Drawn:
    assert _PENDING is not None, "a worker forked after draw_figures set what it draws"
    builders, lang, folder, svg, _ = _PENDING
    return _draw(builders[index], lang, folder, svg)


def _alongside_pending() -> None:
    assert _PENDING is not None, "a worker forked after draw_figures set what it does"
    _PENDING[-1]()


def _draw(builder: FigureBuilder, lang: str, folder: Path, svg: bool) -> Drawn:
    from canteensim.report.render import save_figure  # render imports this module

    (figure,) = build_figures([builder], lang)
    return Drawn(figure.name, figure.caption, save_figure(figure, folder, svg))


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


__all__ = ["Drawn", "draw_figures"]
