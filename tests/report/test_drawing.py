"""Figures drawn here or by forked workers, with the render's other work done alongside them."""

from __future__ import annotations

import os
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


@pytest.fixture(params=[1, 2], ids=["one core", "two cores"])
def cores(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    if request.param > 1 and not drawing._can_fork():
        pytest.skip("this process cannot fork its workers safely (no fork, or threads running)")
    monkeypatch.setattr(drawing, "usable_cores", lambda: request.param)
    return int(request.param)


def test_the_work_alongside_is_done_and_the_figures_come_back_in_order(
    cores: int, tmp_path: Path
) -> None:
    done_by = tmp_path / "alongside.txt"

    def alongside() -> None:
        done_by.write_text(str(os.getpid()), encoding="utf-8")

    drawn = drawing.draw_figures(
        [_builder(name) for name in NAMES], "en", tmp_path, alongside=alongside
    )
    assert [d.name for d in drawn] == NAMES
    assert all(d.png == (tmp_path / f"{d.name}.png").read_bytes() for d in drawn)
    here = int(done_by.read_text(encoding="utf-8")) == os.getpid()
    assert here == (cores == 1)  # with a second core, a worker did it meanwhile


def test_an_error_alongside_is_raised(cores: int, tmp_path: Path) -> None:
    def full_disk() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        drawing.draw_figures(
            [_builder(name) for name in NAMES], "en", tmp_path, alongside=full_disk
        )
