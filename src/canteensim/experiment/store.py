"""A comparison's folder: each run stored as it finishes, the final tables written at the end.

While a comparison runs, every finished replication is appended to ``journal.jsonl`` and flushed
to disk, so a comparison killed at any moment (Ctrl-C or kill -9) loses at most the runs in
flight. A line cut short by a kill is ignored on resume. At the end the runs are written as
``runs.parquet`` and ``monthly.parquet`` with ``comparison.csv`` and ``summary.json``, each under
a temporary name renamed into place, and the journal is removed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from canteensim.errors import ResultsError
from canteensim.experiment.runs import RunKey, RunOutcome, records
from canteensim.output import (
    check_location,
    check_replaceable,
    clear_stale_staging,
    staged,
    staging_path,
    write_csv,
    write_json,
    write_parquet,
)
from canteensim.results import JOURNAL, KPI_NAMES, MANIFEST, MONTHLY, RUNS, SUMMARY

if TYPE_CHECKING:
    import pandas as pd


class RunStore:
    """The runs of one comparison, in memory and (when given a folder) on disk."""

    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.outcomes: dict[RunKey, RunOutcome] = {}

    @classmethod
    def open(
        cls,
        folder: Path | None,
        fingerprint: str,
        *,
        resume: bool,
        force: bool,
        inputs: Iterable[Path] = (),
    ) -> RunStore:
        """Start a comparison folder, or reopen one to resume it.

        With `force`, an existing folder is replaced only under the rules of
        `canteensim.output.check_replaceable`: never one holding any of `inputs` (the files the
        scenario reads), the current folder, or a folder canteensim did not write. What killed
        comparisons left beside the folder, or inside it when resuming, is cleared away first.

        Raises
        ------
        ResultsError
            When the folder is a file, holds another comparison, exists and neither `resume`
            nor `force` says what to do with it, or `force` may not replace it.
        """
        store = cls(folder, fingerprint)
        if folder is None:
            return store
        manifest = folder / MANIFEST
        check_location(folder)
        clear_stale_staging(folder.parent)
        if folder.exists() and any(folder.iterdir()):
            if force and not resume:
                check_replaceable(folder, inputs)
                _remove_folder(folder)
            elif not resume:
                raise ResultsError(
                    f"{folder}: already exists; pass --resume to continue that comparison, "
                    "--force to start it again, or choose another -o folder"
                )
            elif not manifest.exists():
                raise ResultsError(f"{folder}: holds no comparison to resume ({MANIFEST} missing)")
            else:
                store._check_same(json.loads(manifest.read_text(encoding="utf-8")))
                clear_stale_staging(folder)
                store._reload()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with staged(manifest) as staging:
                write_json(staging, {"fingerprint": fingerprint})
        except OSError as exc:
            raise ResultsError(f"{folder}: cannot be written ({exc.strerror or exc})") from None
        return store

    def _check_same(self, manifest: Mapping[str, Any]) -> None:
        if manifest.get("fingerprint") != self.fingerprint:
            raise ResultsError(
                f"{self.folder}: was made from another scenario, seed or --vary grid; "
                "resume it with the same ones, or choose another -o folder"
            )

    def _reload(self) -> None:
        import pandas as pd

        assert self.folder is not None
        runs, monthly = self.folder / RUNS, self.folder / MONTHLY
        if runs.exists() and monthly.exists():
            for outcome in _outcomes_from_tables(pd.read_parquet(runs), pd.read_parquet(monthly)):
                self.outcomes[(outcome.setting, outcome.replication)] = outcome
        journal = self.folder / JOURNAL
        if journal.exists():
            text = journal.read_text(encoding="utf-8")
            if text and not text.endswith("\n"):  # a kill cut the last line short: end it
                with journal.open("a", encoding="utf-8") as stream:
                    stream.write("\n")
            for line in text.splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # the last line of a killed comparison may be cut short
                outcome = RunOutcome(**record)
                self.outcomes[(outcome.setting, outcome.replication)] = outcome

    def add(self, outcomes: list[RunOutcome]) -> None:
        """Keep finished runs; on disk, append them to the journal and flush."""
        for outcome in outcomes:
            self.outcomes[(outcome.setting, outcome.replication)] = outcome
        if self.folder is None:
            return
        lines = "".join(json.dumps(vars(o), ensure_ascii=False) + "\n" for o in outcomes)
        with (self.folder / JOURNAL).open("a", encoding="utf-8") as journal:
            journal.write(lines)
            journal.flush()
            os.fsync(journal.fileno())

    def finish(self, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any]) -> None:
        """Write the final tables and summary, then drop the journal they replace."""
        if self.folder is None:
            return
        write_tables(self.folder, tables, summary)
        (self.folder / JOURNAL).unlink(missing_ok=True)


def write_tables(
    folder: Path, tables: Mapping[str, pd.DataFrame], summary: Mapping[str, Any]
) -> None:
    """Write each table under its file name (Parquet or CSV by its suffix), then the summary,
    each staged, so that a folder with a summary has every table whole."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        with staged(folder / name) as staging:
            if name.endswith(".parquet"):
                write_parquet(frame, staging)
            else:
                write_csv(frame, staging)
    with staged(folder / SUMMARY) as staging:
        write_json(staging, summary)


def _remove_folder(folder: Path) -> None:
    """Remove a comparison's folder to start it again: set aside under a staging name first, so
    that a kill midway leaves either the whole folder or debris the next command clears."""
    retired = staging_path(folder, "replaced")
    try:
        folder.rename(retired)
    except OSError as exc:
        raise ResultsError(f"{folder}: cannot be replaced ({exc.strerror or exc})") from None
    shutil.rmtree(retired, ignore_errors=True)


def _outcomes_from_tables(runs: pd.DataFrame, monthly: pd.DataFrame) -> Iterator[RunOutcome]:
    kpi_columns = [c for c in KPI_NAMES if c in runs.columns]
    by_run = {key: group for key, group in monthly.groupby(["setting", "replication"])}
    for record in runs.to_dict(orient="records"):
        key = (int(record["setting"]), int(record["replication"]))
        group = by_run.get(key, monthly.iloc[0:0]).drop(columns=["setting", "replication"])
        yield RunOutcome(
            setting=key[0],
            replication=key[1],
            kpis={k: float(record[k]) for k in kpi_columns},
            monthly=records(group),
        )
