"""A run's repr is a few lines a notebook user can read, not every row of every table."""

from __future__ import annotations

from canteensim import compare, simulate


def test_a_runs_repr_names_the_scenario_tables_and_headline_kpis(tiny) -> None:
    text = repr(simulate(tiny.scenario()))
    assert text.startswith("<Results of '小食堂 tiny', 1 replication(s), seed 7")
    assert "canteen_months (2 rows)" in text  # K1's veg and total rows for February
    assert "monthly_sales_yuan_mean=400 yuan" in text  # 80 kg at 5 yuan
    assert "compliance_rate=100.0%" in text
    assert len(text.splitlines()) == 3


def test_a_kpi_that_does_not_apply_reads_n_a(tiny) -> None:
    assert "compliance_rate=n/a" in repr(simulate(tiny.scenario(quota__share=0.0)))


def test_a_comparisons_repr_is_one_line_per_setting(tiny) -> None:
    text = repr(compare(tiny.scenario(), {"quota.share": [0.0, 0.2]}, 2, engine="serial"))
    lines = text.splitlines()
    assert lines[0] == "<Comparison of 2 settings, 2 replications each"
    assert lines[1].startswith("  quota.share=0.0: monthly_sales_yuan_mean=")
    assert "compliance_rate=n/a" in lines[1]
    assert "compliance_rate=100.0%" in lines[2]
    assert len(lines) == 3 and len(text) < 1_000
