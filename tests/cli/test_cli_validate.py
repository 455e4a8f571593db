"""`canteensim validate`, `--version`, and the real command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from canteensim import __version__
from canteensim.cli import main


def test_validate_prints_summary_and_valid(cli, scenario):
    outcome = cli("validate", scenario.toml).ok()
    lines = outcome.out.splitlines()
    assert lines[-1] == f"{scenario.toml}: valid"
    text = outcome.out
    assert "小食堂 tiny" in text
    assert "2020-03-02 to 2020-03-31, seed 7" in text
    assert "20% by quantity, per category" in text
    assert "delivery Thu/Fri" in text
    assert "vegetables, grain" in text
    assert "2 listed" in text
    assert "3 listed (2 bound by the quota)" in text
    assert "consumers    none" in text
    assert outcome.err == ""


def test_validate_names_the_audit_period_and_the_consumers(cli, scenario):
    text = (
        cli(
            "validate",
            scenario.toml,
            "--set",
            "quota.period=quarter",
            "--set",
            "consumers.households=1200",
            "--set",
            "consumers.pickup_points=4",
            "--set",
            "consumers.participation=0.25",
        )
        .ok()
        .out
    )
    assert "20% by quantity, per category, audited each quarter" in text
    assert "consumers    1,200 households at 4 pickup point(s), 25% ordering a week" in text


def test_validate_writes_nothing(cli, scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    cli("validate", scenario.toml).ok()
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_validate_json_parses(cli, scenario):
    document = json.loads(cli("validate", scenario.toml, "--json").ok().out)
    assert document["scenario"]["name"] == "小食堂 tiny"
    assert document["scenario"]["start"] == "2020-03-02"
    assert document["quota"] == {
        "share": 0.2,
        "basis": "quantity",
        "per": "category",
        "period": "month",
    }
    assert [r["product_id"] for r in document["products"]["rows"]] == ["V1", "R1"]
    assert document["canteens"]["rows"][0]["name"] == "省某厅机关食堂"
    # defaults are resolved, not left out
    assert document["ordering"]["lines_per_category"] >= 1


def test_validate_json_with_set(cli, scenario):
    out = cli(
        "validate", scenario.toml, "--json", "--set", "quota.share=0.3", "--set", "quota.per=total"
    ).ok()
    document = json.loads(out.out)
    assert document["quota"]["share"] == 0.3
    assert document["quota"]["per"] == "total"


def test_validate_bad_input_exits_2(cli, scenario):
    scenario.replace(scenario.toml, "share = 0.2", "share = 1.5")
    cli("validate", scenario.toml).bad_input(str(scenario.toml), "quota.share = 1.5")


def test_validate_json_bad_input_exits_2_without_json(cli, scenario):
    outcome = cli("validate", scenario.toml, "--json", "--set", "quota.share=-1")
    outcome.bad_input("quota.share = -1")
    assert outcome.out == ""


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code in (0, None)
    assert capsys.readouterr().out.strip() == f"canteensim {__version__}"


# --- the real command, in its own process (heavy: each starts a new interpreter) ------------------


def command(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "canteensim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.heavy
def test_subprocess_bad_input_exits_2_without_traceback(scenario, tmp_path):
    scenario.replace(scenario.toml, "share = 0.2", "share = 1.5")
    done = command("run", scenario.toml, "-q", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"canteensim: error: {scenario.toml}: quota.share = 1.5: ")
    assert "less than or equal to 1" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "results").exists()
    assert not list(tmp_path.glob(".*"))


@pytest.mark.heavy  # and renders the report in a fresh interpreter, as a user's first run does
def test_subprocess_run_writes_results(scenario, tmp_path):
    done = command("run", scenario.toml, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "results written to results/tiny" in done.stdout
    summary = json.loads((tmp_path / "results" / "tiny" / "summary.json").read_text("utf-8"))
    assert summary["command"][:2] == ["canteensim", "run"]
    assert summary["seed"] == 7
    assert (tmp_path / "results" / "tiny" / "report.html").is_file()


@pytest.mark.heavy
def test_console_script_version(tmp_path):
    script = Path(sys.executable).parent / "canteensim"
    if not script.exists():
        pytest.skip("the canteensim console script is not installed beside this Python")
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"canteensim {__version__}"


@pytest.mark.heavy
def test_console_script_bad_input(tmp_path):
    script = Path(sys.executable).parent / "canteensim"
    if not script.exists():
        pytest.skip("the canteensim console script is not installed beside this Python")
    done = subprocess.run(
        [str(script), "validate", "missing.toml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("canteensim: error: missing.toml: no such file")
    assert done.stderr.count("\n") == 1
