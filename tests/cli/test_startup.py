"""The command line imports only what its command needs: `--help` and `validate` start without
pandas, matplotlib, SciPy, SALib, SimPy or Dask (about a second of imports), and the package's
public names are still there, loaded on first use."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import canteensim

SRC = Path(canteensim.__file__).resolve().parents[1]
HAIKOU = SRC.parent / "scenarios" / "hainan_2020.toml"

HEAVY = ("pandas", "matplotlib", "scipy", "SALib", "simpy", "dask", "distributed")
"""Imported by a run, a comparison or a report; never by asking for help."""
NOT_FOR_VALIDATE = (*HEAVY, "numpy", "pyarrow", "tqdm")
"""A scenario is checked by its pydantic schema alone: no arrays, no tables."""

COMMAND = """
import contextlib, io, json, sys
from canteensim.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main(json.loads(sys.argv[1]))
    except SystemExit as exc:
        code = exc.code
loaded = sorted({name.partition(".")[0] for name in sys.modules})
print(json.dumps({"code": code, "out": out.getvalue(), "modules": loaded}))
"""


def fresh_process(*argv: str) -> dict[str, object]:
    """`canteensim ARGV` run by `main` in a new interpreter: its exit status, what it printed
    and the top-level modules it had imported by the end."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, json.dumps(argv)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def imported(outcome: dict[str, object], names: tuple[str, ...]) -> list[str]:
    modules = outcome["modules"]
    assert isinstance(modules, list)
    return [name for name in names if name in modules]


@pytest.mark.heavy
@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["--version"]])
def test_help_imports_nothing_heavy(argv):
    outcome = fresh_process(*argv)
    assert outcome["code"] == 0
    assert "canteensim" in str(outcome["out"])
    assert imported(outcome, (*NOT_FOR_VALIDATE, "pydantic")) == []


@pytest.mark.heavy
@pytest.mark.parametrize("extra", [[], ["--json"], ["--set", "quota.share=0.3"]])
def test_validate_imports_only_the_schema(extra):
    outcome = fresh_process("validate", str(HAIKOU), *extra)
    assert outcome["code"] == 0
    assert imported(outcome, NOT_FOR_VALIDATE) == []
    assert imported(outcome, ("pydantic",)) == ["pydantic"]


@pytest.mark.heavy
def test_importing_the_package_imports_nothing_heavy():
    outcome = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import canteensim, json, sys; print(json.dumps(sorted(sys.modules)))",
            ],
            env={**os.environ, "PYTHONPATH": str(SRC)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert [name for name in NOT_FOR_VALIDATE if name in outcome] == []


def test_public_names_load_on_first_use():
    for name in canteensim.__all__:
        assert getattr(canteensim, name) is not None, name
    from canteensim import Results, Scenario, load_scenario, simulate

    assert Scenario.__name__ == "Scenario" and Results.__name__ == "Results"
    assert callable(load_scenario) and callable(simulate)
    assert sorted(canteensim.__all__) == dir(canteensim)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        canteensim.simulat  # noqa: B018


def test_the_program_freezes_what_it_leaves_for_the_exit(monkeypatch, capsys):
    """`canteensim` keeps the memory a run frees, runs `main`, then freezes the objects left
    alive, so that the interpreter's last collection does not walk them; `main` itself, called
    in a longer-lived process, leaves the allocator and the collector alone."""
    from importlib.metadata import entry_points

    from canteensim import cli, memory

    kept = []
    monkeypatch.setattr(memory, "keep_freed_memory", lambda: kept.append(True))

    (program,) = entry_points(group="console_scripts", name="canteensim")
    assert program.value == "canteensim.cli:console"
    gc.unfreeze()
    monkeypatch.setattr(sys, "argv", ["canteensim", "validate", str(HAIKOU)])
    assert cli.main() == 0 and gc.get_freeze_count() == 0 and not kept
    try:
        assert cli.console() == 0
        assert gc.get_freeze_count() > 0 and kept == [True]
    finally:
        gc.unfreeze()
    assert "valid" in capsys.readouterr().out
