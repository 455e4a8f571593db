"""Comparisons interrupted for real (SPEC §5): killed or Ctrl-C'd mid-way, then resumed.

`python -m canteensim.cli compare` runs in a subprocess of its own session on two local
processes; once its journal holds a few runs, its whole process group gets SIGKILL (what a
scheduler reaching its wall time does), or the main process gets SIGINT (``kill -INT PID``). The
same command with ``--resume`` must then compute only the missing runs and end with the tables of
an uninterrupted comparison, byte for byte.

SIGINT goes to the main process alone, not to the group as Ctrl-C in a terminal does: sent to the
group, it reaches the worker processes too and sometimes hangs the command for good (see
`test_sigint_reaching_a_worker_does_not_fail_its_run`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from canteensim.cli import main

from .conftest import (
    HAIKOU,
    assert_same_final,
    compare_module,
    counting_runs,
    engines_module,
    journal_lines,
    read_summary,
    runner_module,
    valid_journal_records,
)

SETTINGS = 3
REPLICATIONS = 40
ARGS = ["compare", str(HAIKOU), "--vary", "quota.share=0.2,0.25,0.3", "-r", str(REPLICATIONS)]
"""The whole Haikou scenario: 120 runs of about 20 ms, so several seconds of work on two cores."""
LINES_BEFORE_SIGNAL = 5


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The same comparison, uninterrupted (serially: the engine does not change the numbers)."""
    folder = tmp_path_factory.mktemp("reference") / "out"
    assert main([*ARGS, "-o", str(folder), "--serial", "-q", "--no-report"]) == 0
    return folder


def interrupt(folder: Path, how: signal.Signals, group: bool) -> subprocess.CompletedProcess[str]:
    """Start the comparison in a subprocess and send `how` mid-way to it or its process group."""
    command = [sys.executable, "-m", "canteensim.cli", *ARGS, "-o", str(folder)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, with its workers: killed together
    )
    try:
        deadline = time.monotonic() + 60
        while len(journal_lines(folder)) < LINES_BEFORE_SIGNAL:
            assert process.poll() is None, f"ended before the signal: {process.stderr.read()}"
            assert time.monotonic() < deadline, "no runs journaled within 60 s"
            time.sleep(0.002)
        if group:
            os.killpg(process.pid, how)
        else:
            process.send_signal(how)
        out, err = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # leave no worker behind, whatever happened
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def assert_interrupted_midway(folder: Path) -> int:
    """The folder holds a manifest and a partial journal, no final table; returns runs kept."""
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "journal.jsonl"} <= names
    assert not names & {"runs.parquet", "comparison.csv", "summary.json"}, names
    kept = {(r["setting"], r["replication"]) for r in valid_journal_records(folder)}
    assert LINES_BEFORE_SIGNAL - 1 <= len(kept) < SETTINGS * REPLICATIONS
    return len(kept)


def resume(folder: Path, count_runs) -> None:
    count_runs.keys.clear()
    assert main([*ARGS, "-o", str(folder), "--serial", "-q", "--no-report", "--resume"]) == 0
    assert not (folder / "journal.jsonl").exists()
    assert read_summary(folder)["replications"] == REPLICATIONS


@pytest.mark.heavy  # a subprocess on two worker processes, killed
def test_killed_comparison_resumes_to_the_same_tables(reference, tmp_path, count_runs):
    folder = tmp_path / "out"
    killed = interrupt(folder, signal.SIGKILL, group=True)
    assert killed.returncode == -signal.SIGKILL
    assert_interrupted_midway(folder)
    # as if the kill had cut the last line short
    journal = folder / "journal.jsonl"
    data = journal.read_bytes()
    if data.endswith(b"\n"):
        lines = data.splitlines(keepends=True)
        journal.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    kept = {(r["setting"], r["replication"]) for r in valid_journal_records(folder)}
    assert journal.read_bytes()[-1:] != b"\n"

    resume(folder, count_runs)
    all_runs = {(s, r) for s in range(SETTINGS) for r in range(REPLICATIONS)}
    assert sorted(count_runs.keys) == sorted(all_runs - kept)  # only the missing runs
    assert_same_final(folder, reference)


@pytest.mark.heavy  # a subprocess on two worker processes, interrupted
def test_sigint_comparison_resumes_to_the_same_tables(reference, tmp_path, count_runs):
    folder = tmp_path / "out"
    stopped = interrupt(folder, signal.SIGINT, group=False)
    assert stopped.returncode == 130, stopped.stderr
    assert "canteensim: interrupted" in stopped.stderr
    kept = assert_interrupted_midway(folder)

    resume(folder, count_runs)
    assert count_runs.count == SETTINGS * REPLICATIONS - kept
    assert_same_final(folder, reference)


# --- interruptions in this process ---------------------------------------------------------------


def stop_at_call(monkeypatch, module, name: str, call: int) -> list[int]:
    """Make ``module.name`` raise KeyboardInterrupt (as Ctrl-C would) on its `call`-th call."""
    calls: list[int] = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(len(calls) + 1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_serial_comparison_journals_each_chunk_as_it_finishes(short, tmp_path, monkeypatch):
    monkeypatch.setattr(engines_module, "CHUNK_SECONDS", 1e-9)  # one run a chunk
    stop_at_call(monkeypatch, runner_module, "run_chunk", 5)
    folder = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        compare_module.compare(short, {"quota.share": [0.2]}, 8, engine="serial", folder=folder)
    # runs 1–4 finished before Ctrl-C stopped the fifth
    assert len(valid_journal_records(folder)) == 4


def test_comparison_interrupted_in_process_resumes(short, tmp_path, monkeypatch):
    """Ctrl-C while a run's outcome is being stored, on local processes."""
    from canteensim.experiment.store import RunStore

    folder, vary = tmp_path / "out", {"quota.share": [0.2, 0.3]}
    original_add = RunStore.add
    stored: list[int] = []

    def add_then_stop(self, outcomes):
        original_add(self, outcomes)
        stored.append(len(outcomes))
        if len(stored) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(RunStore, "add", add_then_stop)
    monkeypatch.setattr(engines_module, "CHUNK_SECONDS", 1e-9)  # one run a chunk: many chunks
    with pytest.raises(KeyboardInterrupt):
        compare_module.compare(short, vary, 6, engine="processes", workers=2, folder=folder)
    assert len(valid_journal_records(folder)) == sum(stored) < 12
    monkeypatch.setattr(RunStore, "add", original_add)
    count_runs = counting_runs(monkeypatch)
    resumed = compare_module.compare(short, vary, 6, engine="serial", folder=folder, resume=True)
    assert count_runs.count == 12 - sum(stored)
    reference = compare_module.compare(short, vary, 6, engine="serial")
    pd.testing.assert_frame_equal(resumed.runs, reference.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.monthly, reference.monthly, check_exact=True)


def test_interrupted_comparison_says_how_to_resume(cli, tmp_path, monkeypatch):
    from canteensim.experiment.store import RunStore

    stop_at_call(monkeypatch, RunStore, "add", 2)
    folder = tmp_path / "out"
    outcome = cli(
        "compare", HAIKOU, "--vary", "quota.share=0.2,0.3", "-r", "3", "-o", folder, "--serial",
        "-q",
    )  # fmt: skip
    assert outcome.code == 130
    assert (folder / "journal.jsonl").exists()  # the comparison can be resumed …
    assert "no results folder was written" not in outcome.err  # … so do not say there is none
    assert "--resume" in outcome.err


def interrupt_myself() -> str:
    """A task that gets SIGINT in the middle, as a worker does on Ctrl-C in a terminal."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.1)
    return "finished"


def test_sigint_reaching_a_worker_does_not_fail_its_run():
    with engines_module.open_engine(engines_module.RunOptions("processes", workers=1)) as engine:
        future = engine.executor.submit(interrupt_myself)
        # .exception(), not .result(): a KeyboardInterrupt raised here would stop pytest itself
        assert future.exception(timeout=30) is None
        assert future.result() == "finished"
