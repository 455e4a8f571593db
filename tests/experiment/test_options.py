"""One execution path: the engine options, the one runner of `run -r` and `compare`, and the
precision loop on its own."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from canteensim.cli import main
from canteensim.errors import CanteensimError
from canteensim.experiment import RunOptions, compare
from canteensim.experiment.precision import precise_enough, until_precise
from canteensim.experiment.replicate import replicate
from canteensim.experiment.runner import Runner, chunks_of
from canteensim.experiment.runs import whole
from canteensim.experiment.statistics import comparison_table

from .conftest import HAIKOU, SHORT, runner_module

ONE_CHUNK = 1e9
"""`RunOptions.chunk_seconds` so long that all runs after the timed one make one chunk."""

# --- the options ---------------------------------------------------------------------------------


def test_default_options_are_local_processes_one_per_core():
    assert RunOptions() == RunOptions("processes", workers=None, address=None, chunk_seconds=None)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"engine": "threads"}, "engine='threads' is not one of serial, processes, dask"),
        ({"workers": 0}, "workers=0 must be at least 1"),
        ({"address": "tcp://host:8786"}, "address='tcp://host:8786' is for engine='dask' only"),
        ({"chunk_seconds": 0}, "chunk_seconds=0 must be above 0"),
    ],
)
def test_bad_options_are_refused_naming_the_value(given, message):
    with pytest.raises(CanteensimError, match=re.escape(message)):
        RunOptions(**given)


def test_keywords_are_a_shorthand_for_options(short):
    assert RunOptions.given(None) == RunOptions()
    assert RunOptions.given(None, "dask", 2, "local") == RunOptions("dask", 2, "local")
    options = RunOptions("serial")
    assert RunOptions.given(options) is options
    with pytest.raises(CanteensimError, match="give the engine options one way, not both"):
        compare(short, {"quota.share": [0.2]}, 1, options=options, workers=2)


class Stop(Exception):
    """Raised by a stand-in runner once it has seen the options it was given."""


@pytest.mark.parametrize("command", ["run", "compare"])
@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], RunOptions("processes")),
        (["--workers", "3"], RunOptions("processes", workers=3)),
        (["--serial"], RunOptions("serial")),
        (["--dask", "tcp://host:8786"], RunOptions("dask", address="tcp://host:8786")),
    ],
)
def test_run_and_compare_hand_the_runner_the_same_options(
    monkeypatch, tmp_path, command, flags, expected
):
    seen: list[RunOptions] = []

    def run(self, runs, done):
        seen.append(self.options)
        raise Stop

    monkeypatch.setattr(runner_module.Runner, "run", run)
    args = [command, str(HAIKOU), "--set", SHORT[0], "-o", str(tmp_path / "out"), "-q", *flags]
    if command == "compare":
        args += ["--vary", "quota.share=0.2,0.3"]
    with pytest.raises(Stop):
        main([*args, "-r", "2", "--no-report"])
    assert seen == [expected]


# --- the runner ----------------------------------------------------------------------------------


@pytest.fixture
def chunks_run(monkeypatch) -> list[tuple[str, list[tuple[int, int]]]]:
    """Every chunk run from now on: (what is kept of it, its (setting, replication) runs)."""
    calls: list[tuple[str, list[tuple[int, int]]]] = []
    original = runner_module.run_chunk

    def recording(scenarios, runs, keep):
        assert set(scenarios) == {setting for setting, _ in runs}  # each scenario sent once
        calls.append((keep.__name__, list(runs)))
        return original(scenarios, runs, keep)

    monkeypatch.setattr(runner_module, "run_chunk", recording)
    return calls


def test_run_r_and_compare_go_through_the_one_runner(short, chunks_run):
    options = RunOptions("serial", chunk_seconds=ONE_CHUNK)
    replicate(short, 3, options=options)
    # the first run here, timed; the rest in one chunk
    assert chunks_run == [("whole", [(0, 0)]), ("whole", [(0, 1), (0, 2)])]
    chunks_run.clear()
    compare(short, {"quota.share": [0.2, 0.3]}, 2, options=options)
    # a chunk may span settings, so that one replication of many settings travels together
    assert chunks_run == [("outcome", [(0, 0)]), ("outcome", [(0, 1), (1, 0), (1, 1)])]


def test_a_runner_times_one_run_and_sizes_every_chunk_from_it(short, chunks_run):
    got: list[list[int]] = []

    def done(chunk):
        got.append([int(results.kpis["replication"].item()) for results in chunk])

    with Runner(RunOptions("serial", chunk_seconds=ONE_CHUNK), [short], whole) as runner:
        runner.run([(0, 0), (0, 1), (0, 2)], done)
        first = runner.seconds_per_run
        runner.run([(0, 3), (0, 4)], done)
        runner.run([], done)
        assert runner.seconds_per_run == first
    assert got == [[0], [1, 2], [3, 4]]
    assert [[replication for _, replication in runs] for _, runs in chunks_run] == got


def test_the_engine_opens_only_for_runs_beyond_the_first(short, monkeypatch, chunks_run):
    opened: list[RunOptions] = []
    original = runner_module.open_engine

    def recording(options):
        opened.append(options)
        return original(options)

    monkeypatch.setattr(runner_module, "open_engine", recording)
    # one run is done here: no cluster is started or reached
    replicate(short, 1, options=RunOptions("dask", address="tcp://nowhere.invalid:8786"))
    assert opened == []
    replicate(short, 3, options=RunOptions("serial"))
    assert opened == [RunOptions("serial")]


def test_an_engine_that_cannot_open_fails_before_the_first_run(short, monkeypatch, chunks_run):
    def unreachable(options):
        raise CanteensimError("--dask tcp://nowhere:8786: cannot reach the scheduler")

    monkeypatch.setattr(runner_module, "open_engine", unreachable)
    with pytest.raises(CanteensimError, match="cannot reach"):
        replicate(short, 2, options=RunOptions("dask", address="tcp://nowhere:8786"))
    assert chunks_run == []


def test_chunks_hold_consecutive_runs_of_any_settings():
    runs = [(0, 3), (0, 4), (0, 5), (1, 0), (1, 1), (2, 7)]
    assert chunks_of(runs, 2) == [[(0, 3), (0, 4)], [(0, 5), (1, 0)], [(1, 1), (2, 7)]]
    assert chunks_of(runs, 1) == [[run] for run in runs]
    assert chunks_of([], 5) == []


# --- the precision loop --------------------------------------------------------------------------


def batches(precise_at: set[int] | None, replications: int, cap: int) -> tuple[int, list[int]]:
    """Run the loop with a stand-in check (precise at these counts; None: at every count)."""
    ran: list[int] = []

    def precise(count: int) -> bool:
        return precise_at is None or count in precise_at

    return until_precise(ran.append, precise, replications, cap), ran


@pytest.mark.parametrize(
    ("precise_at", "replications", "cap", "planned", "ran"),
    [
        (None, 4, 40, 6, [4, 6]),  # precise at once, and one batch more to be sure
        (set(), 4, 10, 10, [4, 6, 8, 10]),  # never: batches of 4 // 2 up to the cap
        (set(), 3, 6, 6, [3, 5, 6]),  # batches of at least two; the last one cut at the cap
        ({8, 10, 12}, 4, 40, 10, [4, 6, 8, 10]),  # first precise at 8, still at 10
        ({6, 10}, 4, 12, 12, [4, 6, 8, 10, 12]),  # precise at 6 but not at 8: start again
        (None, 10, 5, 10, [10]),  # the cap never cuts the replications asked for
    ],
)
def test_precision_loop_adds_batches_until_precise_twice(
    precise_at, replications, cap, planned, ran
):
    assert batches(precise_at, replications, cap) == (planned, ran)


def test_precision_loop_on_fake_outcomes():
    """One KPI of mean 100 and standard deviation 10: a 2 % half-width needs about 100 runs."""
    values = np.random.default_rng(1).normal(100.0, 10.0, 400)
    runs = pd.DataFrame({"setting": 0, "replication": range(400), "sales": values})

    def precise(count: int) -> bool:
        table = comparison_table(runs[runs["replication"] < count], ["sales"], {0: "base"})
        return precise_enough(table, 0.02)

    ran: list[int] = []
    planned = until_precise(ran.append, precise, 10, 400)
    assert ran == list(range(10, planned + 1, 5))
    assert precise(planned) and precise(planned - 5)
    assert not precise(planned - 10)  # else it would have stopped a batch earlier
    assert 60 < planned < 160


def test_precise_enough_leaves_out_zero_means_and_needs_one_interval():
    table = pd.DataFrame(
        {"mean": [100.0, 0.0, -50.0], "ci_low": [95.0, -1.0, -51.0], "ci_high": [105.0, 1.0, -49.0]}
    )
    assert precise_enough(table, 0.05)  # 5 / 100 and 1 / 50; the zero mean is left out
    assert not precise_enough(table, 0.04)
    undefined = table.assign(ci_low=np.nan, ci_high=np.nan)
    assert not precise_enough(undefined, 0.5)
