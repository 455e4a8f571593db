"""Results folders are written whole or not at all (SPEC §6), even when the write is interrupted."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import canteensim.cli
import canteensim.output
from canteensim.results import RUN_TABLES


@pytest.fixture
def fail_table_write(monkeypatch):
    """Make the table writer fail with `error` after `after` tables were written."""

    def arm(error: BaseException, after: int = 2) -> list[str]:
        written: list[str] = []
        real = canteensim.output._write_table

        def write(frame, folder: Path, name: str, table_format):
            if len(written) == after:
                raise error
            written.append(real(frame, folder, name, table_format))
            assert (folder / written[-1]).exists()  # it really did write into the staging
            return written[-1]

        monkeypatch.setattr(canteensim.output, "_write_table", write)
        return written

    return arm


def test_keyboard_interrupt_midway_leaves_no_folder(
    cli, scenario, out_dir, fail_table_write, no_leftovers
):
    written = fail_table_write(KeyboardInterrupt())
    outcome = cli("run", scenario.toml, "-o", out_dir, "-q")
    assert outcome.code == 130
    assert "Traceback" not in outcome.err
    assert "interrupted" in outcome.err
    assert outcome.out == ""
    # the write did get halfway: the table that failed and those written beside it
    assert 2 <= len(written) < len(RUN_TABLES)
    no_leftovers(out_dir)


def test_os_error_midway_leaves_no_folder(cli, scenario, out_dir, fail_table_write, no_leftovers):
    fail_table_write(OSError(errno.ENOSPC, "No space left on device"))
    cli("run", scenario.toml, "-o", out_dir, "-q").bad_input(
        str(out_dir), "cannot be written", "No space left on device"
    )
    no_leftovers(out_dir)


def test_os_error_on_first_table_leaves_no_folder(
    cli, scenario, out_dir, fail_table_write, no_leftovers
):
    fail_table_write(PermissionError(errno.EACCES, "Permission denied"), after=0)
    cli("run", scenario.toml, "-o", out_dir, "-q").bad_input(str(out_dir), "Permission denied")
    no_leftovers(out_dir)


def test_unexpected_error_midway_still_cleans_up(
    cli, scenario, out_dir, fail_table_write, no_leftovers
):
    fail_table_write(RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        cli("run", scenario.toml, "-o", out_dir, "-q")
    no_leftovers(out_dir)


def test_default_folder_interrupted_leaves_nothing(
    cli, scenario, tmp_path, monkeypatch, fail_table_write
):
    monkeypatch.chdir(tmp_path)
    fail_table_write(KeyboardInterrupt(), after=3)
    assert cli("run", scenario.toml, "-q").code == 130
    results = tmp_path / "results"
    assert not results.exists() or list(results.iterdir()) == []


EARLIER_SUMMARY = '{"version": "0.0.9", "scenario_sha256": "0123abcd", "old": true}\n'
"""Holds the keys by which --force knows a results folder as canteensim's."""


@pytest.fixture
def existing(out_dir: Path) -> Path:
    """An earlier results folder at `out_dir`."""
    out_dir.mkdir()
    (out_dir / "summary.json").write_text(EARLIER_SUMMARY, encoding="utf-8")
    (out_dir / "notes.txt").write_text("旧的 results", encoding="utf-8")
    return out_dir


def assert_untouched(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "summary.json"]
    assert (folder / "summary.json").read_text(encoding="utf-8") == EARLIER_SUMMARY
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "旧的 results"
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name]  # nothing hidden


@pytest.mark.parametrize(
    "error",
    [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")],
    ids=["interrupt", "oserror"],
)
def test_force_keeps_old_folder_when_write_fails(cli, scenario, existing, fail_table_write, error):
    fail_table_write(error)
    outcome = cli("run", scenario.toml, "-o", existing, "-q", "--force")
    assert outcome.code in (2, 130)
    assert "Traceback" not in outcome.err
    assert_untouched(existing)


def test_interrupt_during_simulation_writes_nothing(
    cli, scenario, out_dir, monkeypatch, no_leftovers
):
    def replicate(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(canteensim.cli, "replicate", replicate)
    outcome = cli("run", scenario.toml, "-o", out_dir, "-q", "-r", "3")
    assert outcome.code == 130
    assert "Traceback" not in outcome.err
    assert "no results folder was written" in outcome.err
    no_leftovers(out_dir)


@pytest.fixture
def fail_final_rename(monkeypatch):
    """Make renaming the staging folder into place fail (a full disk, a racing process)."""
    real = Path.rename

    def rename(self: Path, target):
        if ".partial-" in self.name:
            raise OSError(errno.EIO, "Input/output error")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)


def test_failed_final_rename_leaves_no_folder(
    cli, scenario, out_dir, fail_final_rename, no_leftovers
):
    cli("run", scenario.toml, "-o", out_dir, "-q").bad_input(str(out_dir), "cannot be written")
    no_leftovers(out_dir)


def test_force_keeps_old_folder_when_final_rename_fails(cli, scenario, existing, fail_final_rename):
    cli("run", scenario.toml, "-o", existing, "-q", "--force").bad_input(
        str(existing), "cannot be written"
    )
    assert_untouched(existing)
