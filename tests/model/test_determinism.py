"""Same scenario and seed, same bits; replications differ; settings share their streams."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from canteensim import simulate
from canteensim.scenario.load import with_values

TABLES = ("monthly_sales", "canteen_months", "weekly_products", "deliveries")


@pytest.fixture(scope="module")
def noisy(tiny):
    """Three canteens with noisy attendance and compliance; two products, noisy scarce offers."""

    def build(**overrides):
        return tiny.scenario(
            **{
                "canteens__attendance_cv": 0.2,
                "platform__vehicle_capacity_kg": 60.0,
                "products": [
                    tiny.product("A", weekly_capacity_kg=40.0, capacity_cv=0.4),
                    tiny.product("B", weekly_capacity_kg=30.0, capacity_cv=0.4),
                ],
                "canteens": [
                    tiny.canteen("K1", compliance=0.8),
                    tiny.canteen("K2", diners=150, behaviour="catch_up"),
                    tiny.canteen("E1", kind="enterprise", bound=False, compliance=0.6),
                ],
                **overrides,
            }
        )

    return build


def assert_same(a, b) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(a.kpis, b.kpis, check_exact=True)


def test_same_scenario_and_seed_same_tables(noisy) -> None:
    scenario = noisy()
    assert_same(simulate(scenario), simulate(scenario))
    seeded = noisy(scenario__seed=99)
    assert_same(simulate(seeded, replication=3), simulate(noisy(scenario__seed=99), replication=3))


def test_another_seed_is_another_scenario(noisy) -> None:
    """A seed override (--seed, --set scenario.seed=) makes a new scenario; simulate takes none."""
    overridden = with_values(noisy(), {"scenario.seed": 99}, Path("test.toml"), option="--seed")
    assert_same(simulate(overridden), simulate(noisy(scenario__seed=99)))
    assert simulate(overridden).seed == 99
    with pytest.raises(TypeError):
        simulate(noisy(), seed=99)  # type: ignore[call-arg]


def test_another_replication_or_seed_gives_other_numbers(noisy) -> None:
    scenario = noisy()
    first = simulate(scenario, replication=0)
    for other in (simulate(scenario, replication=1), simulate(noisy(scenario__seed=8))):
        assert not first.weekly_products["offered_kg"].equals(other.weekly_products["offered_kg"])
        assert not first.canteen_months["consumption_kg"].equals(
            other.canteen_months["consumption_kg"]
        )
        assert first.kpis["total_sales_yuan"].item() != other.kpis["total_sales_yuan"].item()
    assert simulate(scenario, replication=1).kpis["replication"].item() == 1
    assert (simulate(scenario, replication=2).deliveries["replication"] == 2).all()


def test_changing_the_quota_does_not_change_supply_or_attendance(noisy) -> None:
    low, high = simulate(noisy(quota__share=0.2)), simulate(noisy(quota__share=0.3))
    pd.testing.assert_series_equal(
        low.weekly_products["offered_kg"], high.weekly_products["offered_kg"], check_exact=True
    )
    pd.testing.assert_series_equal(
        low.weekly_products["listed_kg"], high.weekly_products["listed_kg"], check_exact=True
    )
    pd.testing.assert_series_equal(
        low.canteen_months["consumption_kg"],
        high.canteen_months["consumption_kg"],
        check_exact=True,
    )
    # ... while what is ordered does change
    assert not low.weekly_products["ordered_kg"].equals(high.weekly_products["ordered_kg"])


@pytest.mark.filterwarnings("ignore:.*undelivered_kg:canteensim.errors.CanteensimWarning")
def test_changing_allocation_or_fleet_does_not_change_supply_or_attendance(noisy) -> None:
    # the 5 kg fleet leaves goods undelivered after the drain period, and says so
    base = simulate(noisy())
    for overrides in (
        {"cycle__allocation": "pro_rata"},
        {"cycle__substitution": False},
        {"platform__vehicle_capacity_kg": 5.0},
    ):
        other = simulate(noisy(**overrides))
        pd.testing.assert_series_equal(
            base.weekly_products["offered_kg"],
            other.weekly_products["offered_kg"],
            check_exact=True,
            obj=str(overrides),
        )
        pd.testing.assert_series_equal(
            base.canteen_months["consumption_kg"],
            other.canteen_months["consumption_kg"],
            check_exact=True,
            obj=str(overrides),
        )


def test_a_sweeps_replication_gives_the_same_kpis_without_the_tables_nothing_reads(tiny) -> None:
    scenario = tiny.scenario(
        canteens=[tiny.canteen("K1", compliance=0.7), tiny.canteen("K2", behaviour="tracking")],
        canteens__attendance_cv=0.2,
    )
    full = simulate(scenario, replication=3)
    lean = simulate(scenario, replication=3, detail="kpis")
    assert lean.kpis.equals(full.kpis)  # bit for bit
    assert lean.monthly_sales.equals(full.monthly_sales)
    assert "audit_failures" not in lean.tables
