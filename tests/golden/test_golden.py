"""Fixed-seed regression: the KPIs of ``small.toml`` stay what they were.

The expected KPIs (replications 0 and 1) live in ``small_kpis.json`` beside this file. A change
of the model that is meant to move them regenerates the file with::

    CANTEENSIM_REGENERATE_GOLDEN=1 python -m pytest tests/golden

and the diff of ``small_kpis.json`` goes into the same commit, with the reason in its message.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from canteensim import load_scenario, simulate
from canteensim.policies import BEHAVIOURS

HERE = Path(__file__).parent
SCENARIO = HERE / "small.toml"
GOLDEN = HERE / "small_kpis.json"
REPLICATIONS = (0, 1)
REGENERATE = os.environ.get("CANTEENSIM_REGENERATE_GOLDEN") == "1"


def current_kpis() -> dict[str, dict[str, float | int | None]]:
    scenario = load_scenario(SCENARIO)
    runs = {}
    for replication in REPLICATIONS:
        [row] = simulate(scenario, replication=replication).kpis.to_dict("records")
        runs[str(replication)] = {
            name: (None if isinstance(v, float) and math.isnan(v) else v) for name, v in row.items()
        }
    return runs


def test_kpis_match_the_golden_file() -> None:
    current = current_kpis()
    if REGENERATE:
        text = json.dumps(current, indent=2, sort_keys=True, default=float) + "\n"
        GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip(f"regenerated {GOLDEN.name}")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert current.keys() == expected.keys()
    for replication, kpis in expected.items():
        assert sorted(current[replication]) == sorted(kpis), f"replication {replication}: names"
        for name, value in kpis.items():
            got = current[replication][name]
            if value is None:
                assert got is None, (replication, name, got)
            else:
                assert got == pytest.approx(value, rel=1e-9, abs=1e-9), (replication, name)


def test_golden_scenario_exercises_the_model() -> None:
    """Guard the golden scenario's purpose: it must stay busy enough to catch regressions."""
    scenario = load_scenario(SCENARIO)
    generate = scenario.canteens.generate
    assert generate is not None and generate.behaviours is not None
    assert sorted(generate.behaviours) == sorted(BEHAVIOURS.names)  # every ordering behaviour
    res = simulate(scenario)
    kpis = res.kpis.iloc[0]
    assert 0 < kpis["fill_rate"] < 1  # scarce supply
    assert 0 < kpis["on_time_rate"] < 1  # tight fleet
    assert 0 < kpis["compliance_rate"] < 1
    assert kpis["lost_kg"] > 0  # perishables lose in transit
    assert res.monthly_sales["partial"].any()
    assert res.canteen_months["bound"].any() and not res.canteen_months["bound"].all()
    # failed audits of whole and partial months, for more than one cause
    failures = res.tables["audit_failures"]
    assert failures["partial"].any() and not failures["partial"].all()
    assert failures["cause"].nunique() > 1
