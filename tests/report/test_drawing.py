"""Figures drawn here or by forked workers, with the render's other work done alongside them."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from canteensim.report import drawing
from canteensim.report.figures import Figure, FigureBuilder, new_figure

NAMES = ["first", "second", "third", "fourth"]


def _builder(name: str) -> FigureBuilder:
    def build() -> Figure:
        figure = new_figure(2.0, 1.5)
        figure.add_subplot().plot([0, 1], [1, 0])
        return Figure(name, f"the {name} figure", figure)

    return build


def _draw_four(folder: Path, cores: int, fail_alongside: bool) -> tuple[list[str], bool, bool]:
    """`draw_figures` of four figures on `cores`, writing a file alongside (or failing to):
    the figures' names as they came back, whether each PNG is its file, and whether this
    process did the work alongside."""
    drawing.usable_cores = lambda: cores  # a process of this test's own, ended after it
    done_by = folder / "alongside.txt"

    def alongside() -> None:
        if fail_alongside:
            raise OSError(28, "No space left on device")
        done_by.write_text(str(os.getpid()), encoding="utf-8")

    drawn = drawing.draw_figures(
        [_builder(name) for name in NAMES], "en", folder, alongside=alongside
    )
    saved = all(d.png == (folder / f"{d.name}.png").read_bytes() for d in drawn)
    here = int(done_by.read_text(encoding="utf-8")) == os.getpid()
    return [d.name for d in drawn], saved, here


def _in_a_new_interpreter(folder: Path, cores: int, fail_alongside: bool = False) -> tuple:
    """`_draw_four` in a new interpreter, where no other thread runs: this one's tests leave
    some (a Dask client's), and with them `draw_figures` draws here rather than fork."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(_draw_four, folder, cores, fail_alongside).result()


@pytest.mark.parametrize("cores", [1, 2], ids=["one core", "two cores"])
def test_the_work_alongside_is_done_and_the_figures_come_back_in_order(
    cores: int, tmp_path: Path
) -> None:
    names, saved, here = _in_a_new_interpreter(tmp_path, cores)
    assert names == NAMES and saved
    assert here == (cores == 1)  # with a second core, a forked worker did it meanwhile


@pytest.mark.parametrize("cores", [1, 2], ids=["one core", "two cores"])
def test_an_error_alongside_is_raised(cores: int, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="No space left on device"):
        _in_a_new_interpreter(tmp_path, cores, fail_alongside=True)
